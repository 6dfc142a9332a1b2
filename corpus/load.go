package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// DefaultMaxBytes is the largest document Load reads unless told otherwise.
const DefaultMaxBytes = 5 << 20

// Corpus is a loaded set of documents and their vocabulary.
type Corpus struct {
	Docs  []Document // sorted by path
	Rules []Rule     // from the *.vocab files, in path order
	// Skipped lists files that were not loaded, with the reason.
	Skipped []Skip
}

// Skip is a file that was left out of a corpus.
type Skip struct {
	Path   string
	Reason string
}

// Options tune Load.
type Options struct {
	// MaxBytes caps a document's size; 0 means DefaultMaxBytes.
	MaxBytes int64
}

// Load reads every document and vocabulary file below the root of fsys.
// Files and directories whose names start with "." are ignored, as are files
// of types casebot does not read. A file that cannot be used (unreadable, too
// big, binary, invalid UTF-8, bad front matter, empty, a symbolic link, a
// damaged or encrypted PDF, a PDF with no text layer) is listed in Skipped
// with the reason and the rest is loaded; Load fails only when the root itself
// cannot be read.
func Load(fsys fs.FS, opts Options) (*Corpus, error) {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	c := &Corpus{}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			if name == "." {
				return err
			}
			c.Skipped = append(c.Skipped, Skip{name, errReason(err)})
			return nil
		}
		if name != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			c.Skipped = append(c.Skipped, Skip{name, "symbolic link (not followed)"})
			return nil
		}
		if strings.EqualFold(path.Ext(name), VocabExt) {
			rules, err := readVocabulary(fsys, name)
			if err != nil {
				c.Skipped = append(c.Skipped, Skip{name, errReason(err)})
				return nil
			}
			c.Rules = append(c.Rules, rules...)
			return nil
		}
		if _, ok := FormatOf(name); !ok {
			return nil
		}
		doc, err := readDocument(fsys, name, opts.MaxBytes)
		if err != nil {
			c.Skipped = append(c.Skipped, Skip{name, errReason(err)})
			return nil
		}
		c.Docs = append(c.Docs, doc)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	sort.Slice(c.Docs, func(i, j int) bool { return c.Docs[i].Path < c.Docs[j].Path })
	return c, nil
}

func readVocabulary(fsys fs.FS, name string) ([]Rule, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseVocabulary(name, f)
}

func readDocument(fsys fs.FS, name string, maxBytes int64) (Document, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return Document{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return Document{}, err
	}
	if int64(len(data)) > maxBytes {
		return Document{}, fmt.Errorf("larger than %d bytes", maxBytes)
	}
	return Parse(name, bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
}

// errReason turns an error into a short reason for a skip list.
func errReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

// Passages splits every document, in path order.
func (c *Corpus) Passages() []Passage {
	var out []Passage
	for _, d := range c.Docs {
		out = append(out, Split(d)...)
	}
	return out
}

// Doc returns the document at path, and false when there is none.
func (c *Corpus) Doc(path string) (Document, bool) {
	i := sort.Search(len(c.Docs), func(i int) bool { return c.Docs[i].Path >= path })
	if i < len(c.Docs) && c.Docs[i].Path == path {
		return c.Docs[i], true
	}
	return Document{}, false
}
