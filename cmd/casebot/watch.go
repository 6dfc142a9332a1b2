package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/casebot/casebot/bot"
	"github.com/casebot/casebot/corpus"
	"github.com/casebot/casebot/index"
)

// corpusWatcher reindexes the corpus directory after it changes.
type corpusWatcher struct {
	w     *fsnotify.Watcher
	dir   string
	delay time.Duration
	rx    *bot.Reindexer
	log   *slog.Logger
}

// newCorpusWatcher watches dir and the directories below it. fsnotify
// watches one directory at a time; new ones are added as they appear.
func newCorpusWatcher(dir string, delay time.Duration, rx *bot.Reindexer, log *slog.Logger) (*corpusWatcher, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", dir, err)
	}
	cw := &corpusWatcher{w: w, dir: dir, delay: delay, rx: rx, log: log}
	if err := cw.addTree(dir); err != nil {
		w.Close()
		return nil, fmt.Errorf("watch %s: %w", dir, err)
	}
	log.Info("watching the corpus directory", "dir", dir, "delay", delay)
	return cw, nil
}

// addTree watches dir and its subdirectories, except hidden ones, which
// the corpus ignores. Links are not followed, as the corpus does not.
//
// The corpus directory itself may be named through a symbolic link (a
// "current" link to a release), as corpus.Scan reads it through one:
// WalkDir follows no link, not even its root, so the root is walked with
// a trailing separator, which resolves it.
func (cw *corpusWatcher) addTree(dir string) error {
	dir = filepath.Clean(dir)
	root := dir
	if !strings.HasSuffix(root, string(filepath.Separator)) {
		root += string(filepath.Separator)
	}
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		p = filepath.Clean(p)
		if err == nil && !d.IsDir() {
			return nil
		}
		if err == nil && p != dir && strings.HasPrefix(d.Name(), ".") {
			return fs.SkipDir
		}
		if err == nil {
			err = cw.w.Add(p)
		}
		if err != nil {
			if p == dir {
				return err
			}
			cw.log.Warn("cannot watch a directory of the corpus", "dir", p, "err", err)
		}
		return nil
	})
}

// rewatchInterval is how often the watcher looks for a corpus directory
// that was moved or removed to be back.
const rewatchInterval = time.Second

// run reindexes delay after the last change until ctx ends, so that a
// copy of many files makes one reindex. When the corpus directory itself
// is moved or removed (replaced by another of its name: "mv docs
// docs.old; mkdir docs"), the watches follow the old directory or end, so
// it looks for a directory of that name every rewatchInterval and, once
// there is one, watches it and reindexes.
func (cw *corpusWatcher) run(ctx context.Context) {
	defer cw.w.Close()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	retry := time.NewTimer(time.Hour)
	retry.Stop()
	gone := false
	lose := func() {
		cw.log.Warn("the corpus directory was moved or removed; waiting for a directory of its name to watch", "dir", cw.dir)
		gone = true
		timer.Stop()
		retry.Reset(0) // it may have been replaced already
	}
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-cw.w.Events:
			if !ok {
				return
			}
			if gone {
				continue
			}
			if filepath.Clean(ev.Name) == filepath.Clean(cw.dir) && ev.Has(fsnotify.Remove|fsnotify.Rename) {
				lose()
				continue
			}
			if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
				// A directory moved keeps its inotify watch, which Add of
				// its new name would share and fsnotify then drops as the
				// old name's: drop it, and those below it, now, before
				// the Create of the new name adds them again.
				cw.unwatch(ev.Name)
			}
			if !cw.relevant(ev) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Lstat(ev.Name); err == nil && fi.IsDir() {
					// Files made in it before the watch began are found by
					// the reindex this event starts.
					if err := cw.addTree(ev.Name); err != nil {
						cw.log.Warn("cannot watch a directory of the corpus", "dir", ev.Name, "err", err)
					}
				}
			}
			timer.Reset(cw.delay)
		case err, ok := <-cw.w.Errors:
			if !ok {
				return
			}
			// An overflow loses events: reindex to be sure.
			cw.log.Warn("watching the corpus directory", "err", err)
			if !gone {
				timer.Reset(cw.delay)
			}
		case <-retry.C:
			if !cw.rewatch() {
				retry.Reset(rewatchInterval)
				continue
			}
			gone = false
			timer.Reset(cw.delay)
		case <-timer.C:
			_, err := cw.rx.Reindex(ctx, "the corpus watcher", index.Options{})
			switch {
			case errors.Is(err, bot.ErrBusy):
				// An admin's reindex may have read the directory before
				// this change: go again after it.
				timer.Reset(cw.delay)
			case err != nil && ctx.Err() == nil:
				if fi, serr := os.Stat(cw.dir); serr != nil || !fi.IsDir() {
					lose() // and no event said so
					continue
				}
				cw.log.Error("reindex after a change to the corpus directory", "err", err)
			}
		}
	}
}

// unwatch drops the watches of a directory that was moved or removed and
// of the directories below it.
func (cw *corpusWatcher) unwatch(name string) {
	name = filepath.Clean(name)
	for _, p := range cw.w.WatchList() {
		if p == name || strings.HasPrefix(p, name+string(filepath.Separator)) {
			cw.w.Remove(p)
		}
	}
}

// rewatch watches the corpus directory again, if there is one by its name,
// and reports whether it does. The watches of the directory that went
// are dropped: they follow it wherever it was moved, under its old names.
func (cw *corpusWatcher) rewatch() bool {
	if fi, err := os.Stat(cw.dir); err != nil || !fi.IsDir() {
		return false
	}
	for _, p := range cw.w.WatchList() {
		cw.w.Remove(p)
	}
	if err := cw.addTree(cw.dir); err != nil {
		cw.log.Warn("cannot watch the corpus directory", "dir", cw.dir, "err", err)
		return false
	}
	cw.log.Info("watching the corpus directory again", "dir", cw.dir)
	return true
}

// relevant tells the changes that may change the corpus from those that
// cannot: attribute changes, hidden files (dotfiles, casebot's own
// temporary files) and editors' swap and backup files, and files of types
// the corpus does not read. Removals and renames count whatever their
// name, as the name may have been a directory's.
func (cw *corpusWatcher) relevant(ev fsnotify.Event) bool {
	if ev.Op == fsnotify.Chmod {
		return false
	}
	rel, err := filepath.Rel(cw.dir, ev.Name)
	if err != nil {
		return true
	}
	for _, el := range strings.Split(filepath.ToSlash(rel), "/") {
		if strings.HasPrefix(el, ".") && el != "." {
			return false
		}
	}
	base := filepath.Base(ev.Name)
	switch ext := strings.ToLower(filepath.Ext(base)); {
	case strings.HasSuffix(base, "~"), strings.HasPrefix(base, "#") && strings.HasSuffix(base, "#"),
		base == "4913", ext == ".swp", ext == ".swx", ext == ".tmp", ext == ".part", ext == ".crdownload":
		return false // editors' backups, autosaves and probes; partial downloads
	case ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename):
		return true
	case ext == corpus.VocabExt:
		return true
	}
	if _, ok := corpus.FormatOf(base); ok {
		return true
	}
	fi, err := os.Lstat(ev.Name)
	return err == nil && fi.IsDir()
}
