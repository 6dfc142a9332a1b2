package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Changing a corpus directory: the names an upload may take, writing a
// document so that a failure leaves the old one, and putting the directory
// back after a reindex that failed. The bot's /add-document uses these; they
// know nothing of Discord.

// ErrNotRegular is returned by Previous for a name that a folder or a link
// holds: only a regular file may be replaced.
var ErrNotRegular = errors.New("taken by something that is not a document (a folder or a link)")

// SafeName checks an uploaded file's name: a plain file name the corpus
// reads, stored in the corpus directory itself. Runs of white space
// become one underscore, as Discord itself names files. Anything that could reach
// outside the directory or hide from the corpus (a path, "..", a leading
// dot) is refused rather than mended: Discord sends plain names, so
// another name is a mistake or a trick, and the admin should see it.
func SafeName(name string) (string, error) {
	if !utf8.ValidString(name) {
		return "", errors.New("the name is not valid UTF-8")
	}
	// One spelling per name: "café" typed precomposed or as "e" and a
	// combining accent (as macOS names files) is one name, not two
	// documents that look alike.
	name = norm.NFC.String(strings.Join(strings.FieldsFunc(name, unicode.IsSpace), "_"))
	if err := nameProblem(name); err != nil {
		return "", err
	}
	switch {
	case name == "":
		return "", errors.New("the name is empty")
	case strings.ContainsAny(name, `/\`):
		return "", errors.New("it is a path; I take file names only")
	case name == "." || name == ".." || strings.Contains(name, ".."):
		return "", errors.New(`names with ".." are not taken`)
	case strings.HasPrefix(name, "."):
		return "", errors.New("names starting with a dot are hidden, and the corpus ignores them")
	case strings.ContainsAny(name, `<>:"|?*`):
		return "", errors.New(`the characters < > : " | ? * are not taken in names`)
	}
	return name, nil
}

// Previous reads what a path holds before an upload replaces it. Only a
// regular file may be replaced; anything else is ErrNotRegular.
func Previous(p string) (data []byte, existed bool, err error) {
	fi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("add document: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, true, fmt.Errorf("%s is %w", filepath.Base(p), ErrNotRegular)
	}
	data, err = os.ReadFile(p)
	if err != nil {
		return nil, true, fmt.Errorf("add document: %w", err)
	}
	return data, true, nil
}

// Undo puts back what an upload replaced (old, as Previous read it), or
// removes what it added.
func Undo(p string, old []byte, existed bool) error {
	if existed {
		return WriteDocument(p, bytes.NewReader(old))
	}
	return os.Remove(p)
}

// WriteDocument writes a document into a corpus directory as
// WriteFileAtomic writes a file, with the mode a person's editor would
// leave: a file it replaces keeps its mode, and a new one is made 0644
// less the umask (WriteFileAtomic's files are 0600, as an index's are).
func WriteDocument(path string, r io.Reader) error {
	perm, keep := fs.FileMode(0o644), false
	if fi, err := os.Lstat(path); err == nil && fi.Mode().IsRegular() {
		perm, keep = fi.Mode().Perm(), true
	}
	tmp, err := createTemp(path, perm)
	if err == nil && keep {
		// The umask applied to the new file's mode; the old one is kept whole.
		if err = tmp.Chmod(perm); err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}
	if err != nil {
		return err
	}
	return replaceWith(tmp, path, r)
}

// WriteFileAtomic writes a file through a temporary file beside it, synced
// and renamed into place, so that readers see the old content or the new,
// and a failed write (a full disk) leaves the old content and no debris.
// The temporary file's name starts with a dot, so the corpus and the
// watcher ignore it.
func WriteFileAtomic(path string, r io.Reader) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	return replaceWith(tmp, path, r)
}

// createTemp makes a new file beside path, with perm less the umask, named
// as WriteFileAtomic's temporary files are (os.CreateTemp makes them 0600).
func createTemp(path string, perm fs.FileMode) (*os.File, error) {
	prefix := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	for range 10000 {
		f, err := os.OpenFile(prefix+strconv.FormatUint(uint64(rand.Uint32()), 10), os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, &fs.PathError{Op: "createtemp", Path: prefix + "*", Err: fs.ErrExist}
}

// replaceWith writes r to tmp, a new file beside path, and renames it to
// path; on failure it removes tmp and leaves path as it was.
func replaceWith(tmp *os.File, path string, r io.Reader) error {
	_, err := io.Copy(tmp, r)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
