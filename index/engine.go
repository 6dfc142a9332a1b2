package index

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/casebot/casebot/corpus"
)

// An index records the engine version that wrote it (internal key
// casebot/engine). An index written by another version (an older layout,
// other analysis, another lexicon) may answer differently from a fresh
// build, or not open at all, so it is never served: Open refuses it with
// ErrStale, and OpenCorpus rebuilds it from its corpus first.

// layoutVersion numbers the way an index is laid out: which bleve documents
// and internal keys hold what (doc.go, records.go). Layout 1 kept every
// document's text, the manifest and the word list in bleve's internal store;
// layout 3 adds the record of the names the documents write out and their
// initials (casebot:initials).
const layoutVersion = 3

// analysisVersion numbers the way documents become passages and terms: the
// splitting (corpus.Split), the analyzer (analysis.go), the fields and what
// they hold (mapping.go, passageDoc). Bump it with a change that makes the
// same corpus index differently. Version 2 reads years from 1000 on and
// centuries as spans (corpus.Years), which the years field holds; version 3
// reads Roman numerals ("Stage II") as numbers; version 4 folds full-width
// letters and digits ("ＧＰＫＩ") into their ASCII forms; version 5 reads
// initialisms written with full stops as the word ("U.S." as "US"); version
// 6 makes a front matter title a passage, as the author and the date are,
// and folds an accent written as a mark after its letter ("cafe\u0301");
// version 7 ends no sentence at "Op.", "Vol." or "Rev." (corpus.Sentences),
// where long paragraphs are cut; version 8 reads "on" after a year as an
// open span ("from 2018 on") only where a clause ends, not before a word
// ("in 2012 on Fox8"); version 9 ends a paragraph at a quote marker alone
// (">"), as a blank line (corpus.Split); version 10 counts a line at every
// line break, a lone "\r" or a form feed as "\n" (corpus.Parse), so a file
// with such breaks has other passages and line numbers, and reads Markdown
// and text in Windows-1252 or UTF-16, which were skipped (an index
// remembers a skipped file and does not read it again until it changes),
// ends no sentence at a title before a name ("Fr. Sorin", "Gov."), makes
// the headings of a document of nothing else its passages, reads a
// document that opens with a thematic break, not front matter, whole, and
// searches a word joined with underscores by its parts and a ligature as its
// letters (analysis.go), and leaves out what an HTML comment in Markdown
// holds (corpus.Split); version 11 leaves out a Markdown link reference
// definition and a script or style element, which a page does not show
// (corpus.Split); version 12 reads a wrapped line opening "1998. " as its
// paragraph's text, keeps a list going past a code block indented in an
// item, reads a table without outer pipes as a table, and keeps an HTML
// definition list's term with its definition (corpus.Split, corpus.htmlText);
// version 13 reads such a wrapped line ("12. The results") as its
// paragraph's text in a text file too; version 14 cuts a title, a kind and
// each heading of a passage's section to corpus.MaxLabelRunes and a row's
// header row to corpus.MaxPassageRunes (only documents with longer ones
// index differently); version 15 keeps the passage that ends each document
// (DocInfo.End).
const analysisVersion = 15

// engineData lists the embedded data whose content changes answers: the
// general English lexicon (the lexicon/ directory) and the scoring model
// (model.json). Its hash is part of the engine version, so an index built
// with other data is rebuilt once. Other such data the binary carries
// belongs here too.
func engineData() (dirs []fs.FS, files map[string][]byte) {
	return []fs.FS{lexiconFiles}, map[string][]byte{"model.json": defaultModelJSON}
}

// engineVersion is the version of the engine this binary carries:
// "L<layout>.A<analysis>.<hash of engineData>".
var engineVersion = sync.OnceValue(func() string {
	h := sha256.New()
	dirs, files := engineData()
	for _, fsys := range dirs {
		_ = fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			f, err := fsys.Open(name)
			if err != nil {
				return err
			}
			defer f.Close()
			fmt.Fprintf(h, "%s\x00", name)
			_, err = io.Copy(h, f)
			return err
		})
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(h, "%s\x00", n)
		h.Write(files[n])
	}
	return fmt.Sprintf("L%d.A%d.%s", layoutVersion, analysisVersion, hex.EncodeToString(h.Sum(nil))[:12])
})

// ErrStale is returned by Open for an index written by another version of
// casebot's engine. OpenCorpus rebuilds such an index from its corpus.
var ErrStale = errors.New("the index was written by another version of casebot")

// staleError is ErrStale with what the index records.
type staleError struct{ recorded string }

func (e staleError) Error() string {
	return fmt.Sprintf("%v (%s), so its answers could differ from a fresh build's: "+
		"open it with its corpus to rebuild it (casebot index --corpus DIR --index DIR)", ErrStale, e.reason())
}

// reason says what wrote the index: "written by engine X, and this casebot
// is engine Y".
func (e staleError) reason() string {
	was := "engine " + e.recorded
	if e.recorded == "" {
		was = "an older layout (documents kept in bleve's internal store)"
	}
	return fmt.Sprintf("written by %s, and this casebot is engine %s", was, engineVersion())
}

func (e staleError) Is(target error) bool { return target == ErrStale }

// OpenCorpus opens the store in dir and brings it up to date with a corpus,
// as Open followed by Update does. An index written by another engine
// version is first rebuilt from the corpus in full: opts.Log is told so
// before the rebuild starts, and the summary's Rebuild says why. The new
// generation is written beside the old one, which is removed only once the
// new one is in place, so an interrupted rebuild leaves the old index (still
// refused by Open, and rebuilt by the next OpenCorpus). With opts.DryRun a
// stale index is left as it is and the summary says it would be rebuilt.
// A damaged index (ErrDamaged) is rebuilt the same way when opts.Full asks
// for a full rebuild, as the error advises; otherwise it is refused.
func OpenCorpus(ctx context.Context, dir string, c *corpus.Corpus, opts Options) (*Index, Summary, error) {
	start := time.Now()
	ix, err := Open(ctx, dir)
	var stale staleError
	var why string
	switch {
	case err == nil:
		sum, err := ix.Update(ctx, c, opts)
		if err != nil {
			ix.Close()
			return nil, sum, err
		}
		return ix, sum, nil
	case errors.As(err, &stale):
		why = stale.reason()
	case errors.Is(err, ErrDamaged) && opts.Full:
		// "casebot index --full", as the error advises: rebuilt from the
		// corpus, as a stale index is.
		why = "damaged"
	default:
		return nil, Summary{}, err
	}
	if !writable(dir) {
		return nil, Summary{}, err // a read-only index cannot be rebuilt in place
	}
	s := &store{dir: dir}
	if err := s.mark(); err != nil {
		return nil, Summary{}, err
	}
	if err := s.acquire(); err != nil {
		return nil, Summary{}, err
	}
	gen, err := s.current()
	if err != nil && !(why == "damaged" && errors.Is(err, ErrDamaged)) {
		s.release()
		return nil, Summary{}, err
	}
	// A CURRENT that names no generation (gen 0): every generation there
	// is debris, and the rebuild is generation 1.
	s.gen = gen
	previous := 0
	if gen != 0 {
		previous = recordedVersion(s.path(gen))
	}
	if opts.DryRun {
		s.release()
		sum := PlanBuild(c)
		sum.Version, sum.Previous, sum.Rebuild = previous, previous, why
		return nil, sum, nil
	}
	if opts.Log != nil {
		opts.Log(fmt.Sprintf("rebuilding the index in %s from its corpus: it was %s", dir, why))
	}
	s.cleanup()
	ix = &Index{store: s}
	sum, err := ix.buildGeneration(ctx, c, opts, gen+1, previous+1, start)
	if err != nil {
		s.release()
		return nil, sum, err
	}
	sum.Previous = previous
	sum.Rebuild = why
	return ix, sum, nil
}

// recordedVersion reads the index version a generation records, whatever
// its layout, or 0.
func recordedVersion(path string) int {
	if _, err := os.Stat(path); err != nil {
		return 0
	}
	bi, err := openBleve(path, true)
	if err != nil {
		return 0
	}
	defer bi.Close()
	raw, err := bi.GetInternal([]byte(keyInfo))
	if err != nil {
		return 0
	}
	var info struct {
		Version int `json:"version"`
	}
	if json.Unmarshal(raw, &info) != nil {
		return 0
	}
	return info.Version
}
