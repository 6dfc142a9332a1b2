package corpus

import (
	"embed"
	"io/fs"
)

//go:embed docs
var defaultDocs embed.FS

// DefaultRoot is the path of the embedded corpus inside this repository,
// relative to the repository root; citation sources are relative to it.
const DefaultRoot = "corpus/docs"

// Default returns the embedded case-study corpus.
func Default() fs.FS {
	sub, err := fs.Sub(defaultDocs, "docs")
	if err != nil {
		// fs.Sub fails only on an invalid path, and "docs" is valid.
		panic(err)
	}
	return sub
}
