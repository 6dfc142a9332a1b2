package corpus

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// DefaultMaxBytes is the largest document Load reads unless told otherwise.
const DefaultMaxBytes = 5 << 20

// Corpus is a set of documents and their vocabulary, loaded or scanned.
//
// A loaded corpus (Load) holds every document, parsed, in Docs. A scanned
// corpus (Scan) holds only the list of its files: each document is read when
// it is asked for (Document, Fingerprints), so a corpus of any size costs
// little memory. Paths, Len, Document, Fingerprints and Readable work on both.
type Corpus struct {
	Docs  []Document // sorted by path when loaded (a corpus made in code may list them in any order); empty for a scanned corpus
	Rules []Rule     // from the *.vocab files, in path order
	// Skipped lists files that were not loaded, with the reason. For a
	// scanned corpus it holds what the listing found (symbolic links, named
	// pipes and other irregular files, unreadable directories and vocabulary
	// files); a document that cannot be read or parsed is reported when it
	// is asked for.
	Skipped []Skip

	// A scanned corpus: where its files are, and their paths, sorted.
	fsys     fs.FS
	maxBytes int64
	files    []string
}

// Skip is a file that was left out of a corpus.
type Skip struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Options tune Load and Scan.
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
	return untilDone(ctx, func() (*Corpus, error) {
		c, err := scan(ctx, fsys, opts)
		if err != nil {
			return nil, err
		}
		for _, name := range c.files {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("load corpus: %w", err)
			}
			doc, err := readDocument(fsys, name, c.maxBytes)
			if err != nil {
				c.Skipped = append(c.Skipped, Skip{name, errReason(err)})
				continue
			}
			c.Docs = append(c.Docs, doc)
		}
		c.fsys, c.files = nil, nil
		return c, nil
	})
}

// Scan lists the documents below the root of fsys and reads its vocabulary
// files, as Load does, but reads no document: Document and Fingerprints read
// them when asked. A document that changes between Scan and its reading is
// read as it is then. Like Load, Scan returns when ctx ends, whatever a
// hung file system does.
func Scan(ctx context.Context, fsys fs.FS, opts Options) (*Corpus, error) {
	return untilDone(ctx, func() (*Corpus, error) { return scan(ctx, fsys, opts) })
}

// untilDone runs f, and returns when it does or when ctx ends, whichever is
// first (f is then left to finish on its own).
func untilDone[T any](ctx context.Context, f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, fmt.Errorf("load corpus: %w", ctx.Err())
	}
}

func scan(ctx context.Context, fsys fs.FS, opts Options) (*Corpus, error) {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	c := &Corpus{fsys: fsys, maxBytes: opts.MaxBytes}
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
		if !utf8.ValidString(name) {
			// os.DirFS opens no such name ("invalid argument"), and a
			// citation could not name it: said, not lost unsaid.
			if _, ok := FormatOf(name); ok || d.IsDir() {
				c.Skipped = append(c.Skipped, Skip{strings.ToValidUTF8(name, "\uFFFD"), "the name is not valid UTF-8: rename it"})
			}
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
		c.files = append(c.files, name)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	sort.Strings(c.files)
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
	return NotRegular(mode)
}

// NotRegular says what a file of a mode is when it is not a regular file,
// or "" for a regular one: the reason to give for not reading it. Opening
// a named pipe waits, deaf to signals, until something writes to it.
func NotRegular(mode fs.FileMode) string {
	switch {
	case mode.IsRegular():
		return ""
	case mode.IsDir():
		return "a directory, not a file"
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

// readFile reads a document file's bytes, without a UTF-8 byte order mark,
// refusing one that is not a regular file or is larger than maxBytes.
func readFile(fsys fs.FS, name string, maxBytes int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && !fi.Mode().IsRegular() {
		return nil, errors.New("not a regular file (not read)")
	}
	data, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > maxBytes {
		return nil, fmt.Errorf("larger than %d bytes", maxBytes)
	}
	return bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), nil
}

func readDocument(fsys fs.FS, name string, maxBytes int64) (Document, error) {
	data, err := readFile(fsys, name, maxBytes)
	if err != nil {
		return Document{}, err
	}
	return Parse(name, data)
}

// hashBytes is a document's Hash: the hex SHA-256 of its bytes (as read by
// readFile).
func hashBytes(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// errReason turns an error into a short reason for a skip list.
func errReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

// Passages splits every document, in path order (for a scanned corpus, the
// documents that read).
func (c *Corpus) Passages() []Passage {
	var out []Passage
	for _, p := range c.Paths() {
		if d, err := c.Document(p); err == nil {
			out = append(out, Split(d)...)
		}
	}
	return out
}

// Doc returns the document at path, and false when there is none (or, for a
// scanned corpus, when it cannot be read).
func (c *Corpus) Doc(path string) (Document, bool) {
	d, err := c.Document(path)
	return d, err == nil
}

// Paths lists the corpus's document paths, sorted: for a scanned corpus,
// every file of a type casebot reads, whether or not it will parse.
func (c *Corpus) Paths() []string {
	if c.fsys == nil {
		out := make([]string, len(c.Docs))
		for i, d := range c.Docs {
			out[i] = d.Path
		}
		sort.Strings(out) // a corpus made in code may list its documents in any order
		return out
	}
	return append([]string(nil), c.files...)
}

// Len is the number of documents (for a scanned corpus, of document files).
func (c *Corpus) Len() int {
	if c.fsys == nil {
		return len(c.Docs)
	}
	return len(c.files)
}

// Readable reports whether any document of the corpus reads. A scanned
// corpus reads its documents in path order until one does, and returns
// the reasons of those that did not.
func (c *Corpus) Readable() (bool, []Skip) {
	if c.fsys == nil {
		return len(c.Docs) > 0, nil
	}
	var skipped []Skip
	for _, p := range c.files {
		_, err := c.Document(p)
		if err == nil {
			return true, skipped
		}
		skipped = append(skipped, Skip{p, err.Error()})
	}
	return false, skipped
}

// Document returns the document at path: from Docs for a loaded corpus,
// read and parsed for a scanned one. It is safe for concurrent use. The
// error's text is the reason the document is left out ("invalid UTF-8",
// "open: permission denied"), as in Skipped.
func (c *Corpus) Document(path string) (Document, error) {
	if c.fsys == nil {
		i := sort.Search(len(c.Docs), func(i int) bool { return c.Docs[i].Path >= path })
		if i < len(c.Docs) && c.Docs[i].Path == path {
			return c.Docs[i], nil
		}
		// Docs made in code need not be sorted: a binary search can miss.
		for _, d := range c.Docs {
			if d.Path == path {
				return d, nil
			}
		}
		return Document{}, errors.New("not in the corpus")
	}
	i := sort.SearchStrings(c.files, path)
	if i == len(c.files) || c.files[i] != path {
		return Document{}, errors.New("not in the corpus")
	}
	d, err := readDocument(c.fsys, path, c.maxBytes)
	if err != nil {
		return Document{}, errors.New(errReason(err))
	}
	return d, nil
}

// FingerprintOf reads and hashes one document of a scanned corpus, as
// Fingerprints does; an error says why it cannot be read.
func (c *Corpus) FingerprintOf(path string) (Fingerprint, error) {
	if c.fsys == nil {
		return Fingerprint{}, errors.New("not a scanned corpus")
	}
	data, err := readFile(c.fsys, path, c.maxBytes)
	if err != nil {
		return Fingerprint{}, errors.New(errReason(err))
	}
	return Fingerprint{path, hashBytes(data), int64(len(data))}, nil
}

// Fingerprint identifies a document's content: what an index compares to
// tell whether the document changed.
type Fingerprint struct {
	Path string
	Hash string // as Document.Hash
	Size int64
}

// Fingerprints returns the fingerprint of every document, sorted by path,
// and the documents that could not be read. A scanned corpus reads and
// hashes its files (on all cores), without parsing or keeping them; a
// document that reads but will not parse still has a fingerprint. A read
// that hangs holds Fingerprints only until ctx ends.
func (c *Corpus) Fingerprints(ctx context.Context) ([]Fingerprint, []Skip, error) {
	if c.fsys == nil {
		out := make([]Fingerprint, len(c.Docs))
		for i, d := range c.Docs {
			out[i] = Fingerprint{d.Path, d.Hash, d.Size}
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
		return out, nil, nil
	}
	out := make([]Fingerprint, len(c.files))
	reasons := make([]string, len(c.files))
	var next sync.Mutex
	i := 0
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				next.Lock()
				j := i
				i++
				next.Unlock()
				if j >= len(c.files) {
					return
				}
				data, err := readFile(c.fsys, c.files[j], c.maxBytes)
				if err != nil {
					reasons[j] = errReason(err)
					continue
				}
				out[j] = Fingerprint{c.files[j], hashBytes(data), int64(len(data))}
			}
		}()
	}
	// A read that hangs holds the workers, not the caller: it returns when
	// ctx ends.
	finished := make(chan struct{})
	go func() {
		wg.Wait()
		close(finished)
	}()
	select {
	case <-finished:
	case <-ctx.Done():
		return nil, nil, fmt.Errorf("read corpus: %w", ctx.Err())
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("read corpus: %w", err)
	}
	var skipped []Skip
	kept := out[:0]
	for j, fp := range out {
		if reasons[j] != "" {
			skipped = append(skipped, Skip{c.files[j], reasons[j]})
			continue
		}
		kept = append(kept, fp)
	}
	return kept, skipped, nil
}
