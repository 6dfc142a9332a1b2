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
func (cw *corpusWatcher) addTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
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

// run reindexes delay after the last change until ctx ends, so that a
// copy of many files makes one reindex.
func (cw *corpusWatcher) run(ctx context.Context) {
	defer cw.w.Close()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-cw.w.Events:
			if !ok {
				return
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
			timer.Reset(cw.delay)
		case <-timer.C:
			_, err := cw.rx.Reindex(ctx, "the corpus watcher", index.Options{})
			switch {
			case errors.Is(err, bot.ErrBusy):
				// An admin's reindex may have read the directory before
				// this change: go again after it.
				timer.Reset(cw.delay)
			case err != nil && ctx.Err() == nil:
				cw.log.Error("reindex after a change to the corpus directory", "err", err)
			}
		}
	}
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
