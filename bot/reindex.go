package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/casebot/casebot/corpus"
	"github.com/casebot/casebot/index"
)

// Updater is what reindexing asks of the engine; *index.Index has it.
type Updater interface {
	Update(ctx context.Context, c *corpus.Corpus, opts index.Options) (index.Summary, error)
}

// ErrBusy is what Reindex returns while another reindex runs. The engine
// would make the second caller wait, unseen; an admin is told instead, and
// the watcher tries again a moment later.
var ErrBusy = errors.New("a reindex is already running")

// errEmptyCorpus keeps the index when its directory holds no documents:
// an emptied directory is more often a mistake (a checkout, a sync half
// done) than a wish to answer nothing, and "casebot serve" refuses to
// start on an empty corpus.
var errEmptyCorpus = errors.New("the corpus directory holds no documents; the index was kept as it was")

// emptyCorpusError is errEmptyCorpus with the files that were there but do
// not read, so that the admin and the log are told why.
type emptyCorpusError struct{ skipped []corpus.Skip }

func (e emptyCorpusError) Error() string {
	if len(e.skipped) == 0 {
		return errEmptyCorpus.Error()
	}
	return "the corpus directory holds no document casebot can read (" + skippedText(e.skipped) + "); the index was kept as it was"
}

func (e emptyCorpusError) Is(target error) bool { return target == errEmptyCorpus }

// skippedText names the first file skipped and why, and how many more.
func skippedText(skipped []corpus.Skip) string {
	s := skipped[0].Path + ": " + skipped[0].Reason
	if len(skipped) > 1 {
		s += fmt.Sprintf(", and %d more skipped", len(skipped)-1)
	}
	return s
}

// Reindexer reindexes one corpus directory, one run at a time, for the
// admin commands and for "casebot serve --watch". A run holds it while it
// changes the directory and reindexes, so an upload and the watcher's
// reindex never interleave.
type Reindexer struct {
	dir string
	eng Updater
	log *slog.Logger
	now func() time.Time

	run   sync.Mutex // held by the run in progress
	mu    sync.Mutex // guards by and since
	by    string
	since time.Time

	runs, failures atomic.Int64
}

// ReindexStats count the reindexes run (dry runs aside) since start.
type ReindexStats struct {
	Runs     int64 `json:"runs"`     // reindexes that updated the index
	Failures int64 `json:"failures"` // reindexes that failed, leaving the index as it was
}

// Stats returns the counts of reindexes.
func (x *Reindexer) Stats() ReindexStats {
	return ReindexStats{Runs: x.runs.Load(), Failures: x.failures.Load()}
}

// NewReindexer returns a Reindexer of the corpus in dir, indexed by eng.
func NewReindexer(eng Updater, dir string, log *slog.Logger) *Reindexer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Reindexer{dir: dir, eng: eng, log: log, now: time.Now}
}

// Dir is the corpus directory.
func (x *Reindexer) Dir() string { return x.dir }

// Reindex loads the corpus directory and updates the index from it, and
// logs what changed. by says who asked ("the corpus watcher", "/reindex
// by alice"); a caller that finds a run in progress gets an error that
// is ErrBusy and names it.
func (x *Reindexer) Reindex(ctx context.Context, by string, opts index.Options) (index.Summary, error) {
	release, err := x.begin(by)
	if err != nil {
		return index.Summary{}, err
	}
	defer release()
	return x.update(ctx, by, opts)
}

// begin starts a run, or says which one is in progress.
func (x *Reindexer) begin(by string) (release func(), err error) {
	if !x.run.TryLock() {
		x.mu.Lock()
		defer x.mu.Unlock()
		return nil, busyError{by: x.by, since: x.now().Sub(x.since)}
	}
	x.mu.Lock()
	x.by, x.since = by, x.now()
	x.mu.Unlock()
	return x.run.Unlock, nil
}

// busyError is ErrBusy with what is running.
type busyError struct {
	by    string
	since time.Duration
}

func (e busyError) Error() string {
	return fmt.Sprintf("%v (%s, started %s ago)", ErrBusy, e.by, e.since.Round(time.Second))
}

func (e busyError) Is(target error) bool { return target == ErrBusy }

// update reindexes; the caller holds the run.
func (x *Reindexer) update(ctx context.Context, by string, opts index.Options) (index.Summary, error) {
	c, err := corpus.Scan(ctx, os.DirFS(x.dir), corpus.Options{})
	if err != nil {
		return index.Summary{}, fmt.Errorf("reindex %s: %w", x.dir, err)
	}
	if ok, unread := c.Readable(); !ok {
		skipped := append(c.Skipped, unread...)
		for _, s := range skipped {
			x.log.Warn("skipped a file of the corpus", "path", s.Path, "reason", s.Reason)
		}
		return index.Summary{Skipped: skipped}, emptyCorpusError{skipped}
	}
	sum, err := x.eng.Update(ctx, c, opts)
	if err != nil {
		if !opts.DryRun {
			x.failures.Add(1)
		}
		return sum, fmt.Errorf("reindex %s: %w", x.dir, err)
	}
	if !opts.DryRun {
		x.runs.Add(1)
	}
	x.log.Info("reindexed", "by", by, "dry_run", sum.DryRun, "full", sum.Full, "version", sum.Version,
		"added", sum.Added, "changed", sum.Changed, "removed", sum.Removed, "unchanged", sum.Unchanged,
		"skipped", len(sum.Skipped), "passages", sum.Passages, "took", sum.Took.Round(time.Millisecond))
	for _, s := range sum.Skipped {
		x.log.Warn("skipped a file of the corpus", "path", s.Path, "reason", s.Reason)
	}
	for _, w := range sum.Warnings {
		x.log.Warn("reindex warning", "warning", w)
	}
	return sum, nil
}

// summaryEmbed shows what a reindex did, or for a dry run would do.
// before is the index version before it.
func summaryEmbed(title string, before int, s index.Summary) Embed {
	e := Embed{Title: title, Color: colorInfo, Footer: "casebot · index v" + fmt.Sprint(s.Version)}
	kind := "update"
	if s.Full {
		kind = "full rebuild"
	}
	switch {
	case s.DryRun && !s.Changes():
		e.Description = fmt.Sprintf("Dry run: nothing would change. The index (version %d) is up to date with the corpus directory.", s.Version)
	case s.DryRun && s.Full:
		e.Description = fmt.Sprintf("Dry run: nothing was changed. A reindex would rebuild the index (version %d) in full.", s.Version)
	case s.DryRun:
		e.Description = fmt.Sprintf("Dry run: nothing was changed. A reindex would update the index (version %d) as below.", s.Version)
	case !s.Changes():
		e.Description = fmt.Sprintf("Nothing changed: the index (version %d, %s) is up to date with the corpus directory.", s.Version, count(s.Passages, "passage"))
	default:
		e.Description = fmt.Sprintf("Index version %d → %d (%s): %s analysed (%s), %s now, in %s.",
			before, s.Version, kind, count(s.Analyzed, "document"), size(s.Bytes), count(s.Passages, "passage"), s.Took.Round(time.Millisecond))
		e.Color = colorAnswer
	}
	e.Description += fmt.Sprintf(" %s unchanged.", count(s.Unchanged, "document"))
	verb := func(done, would string) string {
		if s.DryRun {
			return would
		}
		return done
	}
	add := func(name string, items []string) {
		if len(items) > 0 {
			e.Fields = append(e.Fields, Field{Name: fmt.Sprintf("%s (%d)", name, len(items)), Value: oneEach(items)})
		}
	}
	add(verb("Added", "Would add"), codes(s.Added))
	add(verb("Changed", "Would change"), codes(s.Changed))
	add(verb("Removed", "Would remove"), codes(s.Removed))
	var skipped []string
	for _, sk := range s.Skipped {
		skipped = append(skipped, code(sk.Path)+": "+markdown(sk.Reason, nil))
	}
	add("Skipped", skipped)
	var warnings []string
	for _, w := range s.Warnings {
		warnings = append(warnings, markdown(w, nil))
	}
	add("Warnings", warnings)
	return e
}

// listRunes is how much of a field a list fills before it says how many
// more there are; Fit would cut it mid-line at 1024.
const listRunes = 900

// oneEach puts items one a line, as many as fit, then "… and N more".
func oneEach(items []string) string {
	var sb strings.Builder
	n := 0
	for i, it := range items {
		l := utf8.RuneCountInString(it) + 1
		if n+l > listRunes && i > 0 {
			fmt.Fprintf(&sb, "… and %d more", len(items)-i)
			break
		}
		sb.WriteString(it)
		sb.WriteString("\n")
		n += l
	}
	return strings.TrimSuffix(sb.String(), "\n")
}

func codes(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = code(p)
	}
	return out
}

// code shows a name as code. A backtick in it would end the span early,
// and a control character would not show.
func code(s string) string {
	return "`" + strings.Map(func(r rune) rune {
		switch {
		case r == '`':
			return '\''
		case unicode.IsControl(r):
			return '�'
		}
		return r
	}, s) + "`"
}

// count is "1 document", "2 documents".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
