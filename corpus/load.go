package corpus

import (
	"bytes"
	"context"
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
// named pipe, socket or device, a damaged or encrypted PDF, a PDF with no text
// layer) is listed in Skipped with the reason and the rest is loaded; Load
// fails only when the root itself cannot be read, or when ctx ends first. A
// read that hangs (a file system that stops answering) cannot hold Load past
// ctx: it is left to finish on its own, and Load returns ctx's error.
func Load(ctx context.Context, fsys fs.FS, opts Options) (*Corpus, error) {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	type result struct {
		c   *Corpus
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, err := load(ctx, fsys, opts)
		done <- result{c, err}
	}()
	select {
	case r := <-done:
		return r.c, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("load corpus: %w", ctx.Err())
	}
}

func load(ctx context.Context, fsys fs.FS, opts Options) (*Corpus, error) {
	c := &Corpus{}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
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
		if why := irregular(fsys, name, d); why != "" {
			c.Skipped = append(c.Skipped, Skip{name, why})
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

// irregular says why a directory entry is not a regular file Load may open,
// or "" when it is one. Opening a named pipe blocks until someone writes to
// it, and a device or socket is no document, so only regular files are
// read. Where fsys can tell (os.DirFS can), the entry is looked at again
// just before (Lstat), in case it was replaced since the directory was
// listed; elsewhere the listing's type is all there is (a Stat would follow
// a symbolic link).
func irregular(fsys fs.FS, name string, d fs.DirEntry) string {
	mode := d.Type()
	if _, ok := fsys.(fs.ReadLinkFS); ok && mode.IsRegular() {
		if fi, err := fs.Lstat(fsys, name); err == nil {
			mode = fi.Mode()
		}
	}
	switch {
	case mode.IsRegular():
		return ""
	case mode&fs.ModeSymlink != 0:
		return "symbolic link (not followed)"
	case mode&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO), not a regular file (not read)"
	case mode&fs.ModeSocket != 0:
		return "a socket, not a regular file (not read)"
	case mode&fs.ModeDevice != 0:
		return "a device, not a regular file (not read)"
	}
	return "not a regular file (not read)"
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
	if fi, err := f.Stat(); err == nil && !fi.Mode().IsRegular() {
		return Document{}, errors.New("not a regular file (not read)")
	}
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
