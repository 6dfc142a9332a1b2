package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/casebot/casebot/corpus"
	"github.com/casebot/casebot/index"
)

// The admin commands change the corpus directory and reindex it. Discord
// offers them only to members who can manage the server and, given
// AdminGuilds, only in those servers; allowed checks both again, as for
// every admin command.

// reindexTimeout bounds an admin command: a full rebuild of a large
// corpus takes minutes, and a deferred answer can be edited for 15.
const reindexTimeout = 10 * time.Minute

// DefaultMaxUploadBytes caps /add-document's files unless told otherwise:
// the largest document the corpus reads.
const DefaultMaxUploadBytes = corpus.DefaultMaxBytes

// downloadTimeout bounds the download of an attachment.
const downloadTimeout = time.Minute

// errNoCorpus answers the admin commands when the bot serves the
// documents built into it.
var errNoCorpus = userError{"I answer from the documents built into casebot: there is no corpus directory to reindex, add to or remove from. " +
	"Start casebot serve with --corpus DIR (or CASEBOT_CORPUS) to manage the documents from Discord."}

func (b *Bot) adminCommands() []Command {
	private := func(Request) bool { return true }
	return []Command{
		{
			Name: "reindex", Description: "Reindex the corpus directory and say what changed (admins)",
			Options: []Option{{Name: "dry_run", Description: "Only say what would change", Type: BooleanOption}},
			Admin:   true, Private: private, Timeout: reindexTimeout,
			Run: b.reindex,
		},
		{
			Name: "add-document", Description: "Add a document (Markdown, text, HTML or PDF) and reindex (admins)",
			Options: []Option{
				{Name: "file", Description: "The document", Type: AttachmentOption, Required: true},
				{Name: "replace", Description: "Replace the document of the same name, if there is one", Type: BooleanOption},
			},
			Admin: true, Private: private, Timeout: reindexTimeout,
			Run: b.addDocument,
		},
		{
			Name: "remove-document", Description: "Remove a document from the corpus directory and reindex (admins)",
			Options: []Option{{Name: "source", Description: "The document's path", Type: StringOption, Required: true, Autocomplete: true, MaxLength: 200}},
			Admin:   true, Private: private, Timeout: reindexTimeout,
			Run:      b.removeDocument,
			Complete: b.completeRemove,
		},
	}
}

func (b *Bot) reindex(ctx context.Context, r Request) (Reply, error) {
	if b.rx == nil {
		return Reply{}, errNoCorpus
	}
	before := b.eng.Info().Version
	dry := r.Bool("dry_run")
	sum, err := b.rx.Reindex(ctx, "/reindex by "+r.User.Name, index.Options{DryRun: dry})
	if err != nil {
		return Reply{}, b.reindexError(err)
	}
	title := "Reindexed"
	if dry {
		title = "Reindex (dry run)"
	}
	return Reply{Embeds: []Embed{summaryEmbed(title, before, sum)}, Private: true}, nil
}

// reindexError puts a failed reindex in words for the admin. The engine
// swaps in a new index whole or not at all, so the old one still answers.
func (b *Bot) reindexError(err error) error {
	var busy busyError
	switch {
	case errors.As(err, &busy):
		return userErrorf("A reindex is already running (%s, started %s ago). Try again when it has finished.", markdown(busy.by, nil), busy.since.Round(time.Second))
	case errors.Is(err, errEmptyCorpus):
		var empty emptyCorpusError
		if errors.As(err, &empty) && len(empty.skipped) > 0 {
			return userErrorf("The corpus directory holds no document I can read (%s), so I kept the index as it was.", markdown(skippedText(empty.skipped), nil))
		}
		return userErrorf("The corpus directory holds no documents, so I kept the index as it was. Add a document first.")
	case errors.Is(err, context.DeadlineExceeded):
		return userErrorf("The reindex took longer than %v and was stopped; the index still answers as before. `casebot index` on the server has no time limit.", reindexTimeout)
	}
	b.log.Error("reindex failed", "err", err)
	return userErrorf("The reindex failed, and the index still answers as before: %s", oneLine(err.Error()))
}

func (b *Bot) addDocument(ctx context.Context, r Request) (Reply, error) {
	if b.rx == nil {
		return Reply{}, errNoCorpus
	}
	a, ok := r.Attachments["file"]
	if !ok {
		return Reply{}, userError{"Attach the document to the command's file option."}
	}
	name, err := corpus.SafeName(a.Filename)
	if err != nil {
		return Reply{}, userErrorf("I cannot store a file called %s: %v. Rename it and try again.", code(a.Filename), err)
	}
	if _, ok := corpus.FormatOf(name); !ok {
		return Reply{}, userErrorf("I read Markdown (.md, .markdown), text (.txt), HTML (.html, .htm) and PDF (.pdf) files; %s is none of them.", code(name))
	}
	if int64(a.Size) > b.maxUpload {
		return Reply{}, userErrorf("%s is %s; documents may be up to %s.", code(name), size(int64(a.Size)), size(b.maxUpload))
	}
	data, err := b.fetch(ctx, a.URL)
	if err != nil {
		return Reply{}, err
	}
	// What the corpus would skip is refused before anything is stored.
	if _, err := corpus.Parse(name, bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))); err != nil {
		return Reply{}, userErrorf("%s was not added: %s. Nothing was stored.", code(name), reason(name, err))
	}

	by := "/add-document by " + r.User.Name
	release, err := b.rx.begin(by)
	if err != nil {
		return Reply{}, b.reindexError(err)
	}
	defer release()
	before := b.eng.Info().Version
	dst := filepath.Join(b.rx.Dir(), name)
	old, existed, err := corpus.Previous(dst)
	if errors.Is(err, corpus.ErrNotRegular) {
		return Reply{}, userErrorf("%s is taken by something that is not a document (a folder or a link); choose another name.", code(name))
	}
	if err != nil {
		return Reply{}, err
	}
	replace := r.Bool("replace")
	if existed && !replace {
		return Reply{}, userErrorf("There is already a document called %s. To replace it, run /add-document again with replace: True.", code(name))
	}
	if err := corpus.WriteDocument(dst, bytes.NewReader(data)); err != nil {
		return Reply{}, fmt.Errorf("store %s: %w", name, err)
	}
	sum, err := b.rx.update(ctx, by, index.Options{})
	why := ""
	for _, s := range sum.Skipped {
		if s.Path == name {
			why = s.Reason
		}
	}
	if err != nil || why != "" {
		// Put the directory back as it was. A failed update changed
		// nothing; one that skipped a replacement dropped the old document,
		// which comes back with a second update.
		if uerr := corpus.Undo(dst, old, existed); uerr != nil {
			b.log.Error("undo a failed upload", "path", dst, "err", uerr)
		} else if err == nil && existed {
			if _, rerr := b.rx.update(ctx, by+" (undone)", index.Options{}); rerr != nil {
				b.log.Error("reindex after undoing an upload", "err", rerr)
			}
		}
		if err != nil {
			return Reply{}, b.reindexError(err)
		}
		return Reply{}, userErrorf("%s was not added: %s. It was not kept.", code(name), why)
	}
	title := "Added " + name
	if existed {
		title = "Replaced " + name
	}
	e := summaryEmbed(title, before, sum)
	if existed {
		e.Description = fmt.Sprintf("%s replaced the document of the same name. ", code(name)) + e.Description
	}
	return Reply{Embeds: []Embed{e}, Private: true}, nil
}

// fetch downloads an attachment, at most maxUpload bytes of it: the size
// Discord declares was checked, and the body is capped whatever it is.
func (b *Bot) fetch(ctx context.Context, rawURL string) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, userError{"The attachment has no link I can download it from."}
	}
	ctx, cancel := context.WithTimeout(ctx, downloadTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("download attachment: %w", err)
	}
	resp, err := b.download.Do(req)
	if err != nil {
		b.log.Warn("download attachment", "err", err)
		return nil, userError{"I could not download the attachment from Discord. Try again in a moment."}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.log.Warn("download attachment", "status", resp.Status)
		return nil, userErrorf("I could not download the attachment from Discord (%s). Try again in a moment.", resp.Status)
	}
	if resp.ContentLength > b.maxUpload {
		return nil, userErrorf("The file is %s; documents may be up to %s.", size(resp.ContentLength), size(b.maxUpload))
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, b.maxUpload+1))
	if err != nil {
		b.log.Warn("download attachment", "err", err)
		return nil, userError{"The download of the attachment broke off. Try again in a moment."}
	}
	if int64(len(data)) > b.maxUpload {
		return nil, userErrorf("The file is larger than Discord said, over %s; documents may be up to %s.", size(b.maxUpload), size(b.maxUpload))
	}
	return data, nil
}

func (b *Bot) removeDocument(ctx context.Context, r Request) (Reply, error) {
	if b.rx == nil {
		return Reply{}, errNoCorpus
	}
	want := strings.TrimSpace(r.String("source"))
	p, ok := removable(b.eng.Info().Docs, want)
	if !ok {
		return Reply{}, userErrorf("%s is not a document of the corpus directory; pick one from the list (/sources shows them all).", code(want))
	}
	by := "/remove-document by " + r.User.Name
	release, err := b.rx.begin(by)
	if err != nil {
		return Reply{}, b.reindexError(err)
	}
	defer release()
	before := b.eng.Info().Version
	// The root refuses any path that would leave the directory, through
	// ".." or a symbolic link.
	root, err := os.OpenRoot(b.rx.Dir())
	if err != nil {
		return Reply{}, fmt.Errorf("remove document: %w", err)
	}
	defer root.Close()
	fi, err := root.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return Reply{}, userErrorf("There is no file %s in the corpus directory any more; /reindex brings the index up to date.", code(p))
	}
	if err != nil || !fi.Mode().IsRegular() {
		return Reply{}, userErrorf("%s is not a document of the corpus directory.", code(p))
	}
	// Set aside (a hidden name the corpus ignores) until the reindex has
	// succeeded, so a failed one loses nothing.
	aside := path.Join(path.Dir(p), "."+path.Base(p)+".removing")
	if err := root.Rename(p, aside); err != nil {
		return Reply{}, fmt.Errorf("remove document %s: %w", p, err)
	}
	sum, err := b.rx.update(ctx, by, index.Options{})
	if err != nil {
		if rerr := root.Rename(aside, p); rerr != nil {
			b.log.Error("put back a document after a failed reindex", "path", p, "err", rerr)
		}
		if errors.Is(err, errEmptyCorpus) {
			return Reply{}, userErrorf("%s is the last document; I keep it, as I cannot answer from none. Add another document first.", code(p))
		}
		return Reply{}, b.reindexError(err)
	}
	if err := root.Remove(aside); err != nil {
		b.log.Warn("remove a document set aside", "path", aside, "err", err)
	}
	return Reply{Embeds: []Embed{summaryEmbed("Removed "+p, before, sum)}, Private: true}, nil
}

// removable resolves what an admin asked to remove: an indexed
// document's path, or its exact title when one document has it, or the
// slash-separated path of a document file in the corpus directory that
// the index skipped. Nothing else: no "..", no absolute or hidden path,
// no file the corpus would not read.
func removable(docs []index.DocInfo, want string) (string, bool) {
	for _, d := range docs {
		if d.Path == want {
			return d.Path, true
		}
	}
	var byTitle []string
	for _, d := range docs {
		if strings.EqualFold(strings.TrimSpace(d.Title), want) {
			byTitle = append(byTitle, d.Path)
		}
	}
	if len(byTitle) == 1 {
		return byTitle[0], true
	}
	if want == "" || strings.ContainsAny(want, "\\\x00") || !fs.ValidPath(want) || want == "." {
		return "", false
	}
	for _, el := range strings.Split(want, "/") {
		if strings.HasPrefix(el, ".") {
			return "", false
		}
	}
	if _, ok := corpus.FormatOf(want); !ok {
		return "", false
	}
	return want, true
}

func (b *Bot) completeRemove(ctx context.Context, r Request) ([]Choice, error) {
	return b.documentChoices(r, func(d index.DocInfo) string { return d.Path + " · " + docTitle(d) }), nil
}

// reason is a parse error without the file name it may start with.
func reason(name string, err error) string {
	return strings.TrimPrefix(err.Error(), name+": ")
}

// size is a byte count for people.
func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
