package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/casebot/casebot/corpus"
	"github.com/casebot/casebot/index"
)

// Where casebot keeps things. One data directory holds the bot's feedback
// and the indexes of corpus directories, one a corpus:
//
//	DATA/feedback.jsonl, DATA/salt       casebot serve
//	DATA/index/NAME-HASH/                the index of corpus directory NAME
//
// DATA is CASEBOT_DATA, else $XDG_DATA_HOME/casebot, else
// ~/.local/share/casebot (%LocalAppData%\casebot on Windows): never the
// working directory, so running casebot in its source tree writes nothing
// there. HASH is the start of the SHA-256 of the corpus directory's
// absolute path, so "casebot index --corpus X" and "casebot serve --corpus
// X" share one index wherever they run from, and two corpora never share.
// The embedded case study is indexed in memory at each start (it takes
// well under a second) unless --index names a directory.

// dataDirHelp is how -h names the data directory.
const dataDirHelp = "$XDG_DATA_HOME/casebot, else ~/.local/share/casebot"

// indexHelp ends the help of the commands that take --index.
const indexHelp = `The index: without --index (or CASEBOT_INDEX), the index of a corpus directory
is kept in DATA/index/NAME-HASH, DATA being CASEBOT_DATA, else
$XDG_DATA_HOME/casebot, else ~/.local/share/casebot; "casebot index", "ask",
"search", "sources" and "serve" with the same --corpus share it. The embedded
case study is indexed in memory unless --index names a directory.`

// dataDir is the data directory the environment names.
func dataDir(getenv env) (string, error) {
	if d := strings.TrimSpace(getenv("CASEBOT_DATA")); d != "" {
		if err := tokenIn("CASEBOT_DATA", d, secret(strings.TrimSpace(getenv("DISCORD_TOKEN")))); err != nil {
			return "", err
		}
		return d, nil
	}
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "casebot"), nil
	}
	if runtime.GOOS == "windows" {
		if d := getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "casebot"), nil
		}
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".local", "share", "casebot"), nil
	}
	return "", usagef("no place for casebot's data: set CASEBOT_DATA (or HOME, or XDG_DATA_HOME), or give --index DIR")
}

// defaultIndexDir is where the index of a corpus directory is kept unless
// --index says otherwise.
func defaultIndexDir(getenv env, corpusDir string) (string, error) {
	data, err := dataDir(getenv)
	if err != nil {
		return "", err
	}
	abs, err := filepath.Abs(corpusDir)
	if err != nil {
		return "", fmt.Errorf("corpus directory %s: %w", corpusDir, err)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	sum := sha256.Sum256([]byte(abs))
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, filepath.Base(abs))
	if len(name) > 40 {
		name = name[:40]
	}
	return filepath.Join(data, "index", name+"-"+hex.EncodeToString(sum[:5])), nil
}

// Config is where a command finds its documents and its index.
type Config struct {
	Corpus string // corpus directory; "" means the embedded corpus
	Index  string // index directory; "" means in memory
	// IndexGiven is true when --index or CASEBOT_INDEX named the index.
	IndexGiven bool
	// ReadOnly opens the index directory without writing to it (see
	// index.OpenReadOnly); index.Open does so by itself when it cannot write.
	ReadOnly bool
	// Model is a model file (casebot train) to rank and answer with instead
	// of the one casebot ships with.
	Model string
}

// readOnlyFlag declares --read-only, for the commands that only answer.
func (fs *flagSet) readOnlyFlag(cfg *Config) {
	fs.BoolVar(&cfg.ReadOnly, "read-only", false, "open the --index directory read-only, writing nothing to it (automatic when it is not writable)")
}

// corpusFlags declares --corpus and --index.
func (fs *flagSet) corpusFlags(cfg *Config) {
	fs.StringVar(&cfg.Corpus, "corpus", "", "corpus `DIR` (default: the embedded case study; env CASEBOT_CORPUS)")
	fs.StringVar(&cfg.Index, "index", "", "index `DIR`, built on first use and kept up to date with the corpus (env CASEBOT_INDEX; default below)")
	fs.StringVar(&cfg.Model, "model", "", "rank and answer with this model `FILE` (from casebot train; env CASEBOT_MODEL; default: the one built in)")
}

// resolve fills what the flags left unset from lookup (the environment,
// and for serve the .env file), then the defaults.
func (cfg *Config) resolve(fs *flagSet, lookup env) error {
	if !fs.Changed("corpus") {
		cfg.Corpus = strings.TrimSpace(lookup("CASEBOT_CORPUS"))
	}
	if !fs.Changed("index") {
		cfg.Index = strings.TrimSpace(lookup("CASEBOT_INDEX"))
	}
	if !fs.Changed("model") {
		cfg.Model = strings.TrimSpace(lookup("CASEBOT_MODEL"))
	}
	// These paths are quoted by errors and logs.
	token := secret(strings.TrimSpace(lookup("DISCORD_TOKEN")))
	for _, s := range []struct{ flag, env, v string }{
		{"corpus", "CASEBOT_CORPUS", cfg.Corpus}, {"index", "CASEBOT_INDEX", cfg.Index}, {"model", "CASEBOT_MODEL", cfg.Model},
	} {
		name := s.env
		if fs.Changed(s.flag) {
			name = "--" + s.flag
		}
		if err := tokenIn(name, s.v, token); err != nil {
			return err
		}
	}
	cfg.IndexGiven = cfg.Index != ""
	if cfg.Index == "" && cfg.Corpus != "" {
		dir, err := defaultIndexDir(lookup, cfg.Corpus)
		if err != nil {
			return err
		}
		cfg.Index = dir
	}
	fi, err := os.Stat(cfg.Index)
	if err == nil && !fi.IsDir() {
		return usagef("index %s is a file: the index is a directory (--index DIR or CASEBOT_INDEX)", cfg.Index)
	}
	if errors.Is(err, os.ErrNotExist) && cfg.Index != "" {
		if target, lerr := os.Readlink(cfg.Index); lerr == nil {
			return usagef("index %s is a symbolic link to %s, which does not exist: make that directory, or name another", cfg.Index, target)
		}
	}
	return nil
}

// openIndex opens the index the config names. With an index directory: the
// store there, brought up to date with the corpus when a corpus directory is
// given, or built there from the corpus when there is none yet. Without one:
// an index in memory, built from the corpus (the embedded one by default).
// What it did to an index on disk is logged.
func openIndex(c *cli, cfg Config, log *slog.Logger) (*index.Index, error) {
	index.Preload()
	var model *index.Model
	if cfg.Model != "" {
		f, err := openFile(cfg.Model)
		if err != nil {
			return nil, usagef("model file: %v", err)
		}
		model, err = index.ReadModel(f)
		f.Close()
		if err != nil {
			return nil, usagef("%s: %v", cfg.Model, err)
		}
		if !model.SameBackground() {
			log.Warn("the model was trained with another background than this casebot's index/lexicon/background.txt.gz: "+
				"its confidences will be off; embed the background casebot train --background-out wrote with it, and rebuild",
				"model", cfg.Model)
		}
	}
	ix, err := openIndexDir(c, cfg, log)
	if err != nil || model == nil {
		return ix, err
	}
	if err := ix.SetModel(model); err != nil {
		ix.Close()
		return nil, err
	}
	return ix, nil
}

func openIndexDir(c *cli, cfg Config, log *slog.Logger) (*index.Index, error) {
	ctx := c.ctx
	if cfg.ReadOnly && (cfg.Index == "" || !index.Exists(cfg.Index)) {
		return nil, usagef("--read-only needs an index already built in --index DIR (casebot index --corpus DIR --index DIR builds one)")
	}
	if cfg.Index != "" && index.Exists(cfg.Index) {
		open := index.Open
		if cfg.ReadOnly {
			open = index.OpenReadOnly
		}
		ix, err := open(ctx, cfg.Index)
		if errors.Is(err, index.ErrStale) && cfg.Corpus != "" && !cfg.ReadOnly {
			// Written by another casebot engine: rebuilt once from the corpus.
			return rebuildIndex(c, cfg, log)
		}
		if err != nil {
			return nil, err
		}
		if cfg.Corpus == "" {
			return ix, nil
		}
		if ix.ReadOnly() {
			ix.Close()
			err := fmt.Errorf("the index %s is open read-only, so it cannot be brought up to date with the corpus %s: leave out --corpus (and CASEBOT_CORPUS) to answer from it as it is: %w", cfg.Index, cfg.Corpus, index.ErrReadOnly)
			if cfg.ReadOnly {
				return nil, usageError{err.Error()}
			}
			return nil, err
		}
		corp, err := loadCorpus(ctx, cfg.Corpus)
		if err != nil {
			ix.Close()
			return nil, err
		}
		sum, err := ix.Update(ctx, corp, index.Options{})
		if err != nil {
			ix.Close()
			return nil, err
		}
		logUpdate(log, cfg.Index, sum)
		return ix, nil
	}
	corp, err := loadCorpus(ctx, cfg.Corpus)
	if err != nil {
		return nil, err
	}
	if cfg.Index == "" {
		return index.Build(ctx, corp, index.Options{})
	}
	ix, sum, err := index.Create(ctx, cfg.Index, corp, index.Options{})
	if err != nil {
		return nil, err
	}
	if sum.Previous > 0 {
		// Another casebot built it while this one waited: this one only
		// brought it up to date.
		logUpdate(log, cfg.Index, sum)
		return ix, nil
	}
	log.Info("index built", "index", cfg.Index, "documents", len(sum.Added), "passages", sum.Passages)
	logSkipped(log, sum)
	return ix, nil
}

// logUpdate logs what an update of the index from the corpus directory
// changed, if anything.
func logUpdate(log *slog.Logger, dir string, sum index.Summary) {
	if sum.Changes() {
		log.Info("index updated from the corpus directory", "index", dir, "full", sum.Full,
			"added", len(sum.Added), "changed", len(sum.Changed), "removed", len(sum.Removed), "version", sum.Version)
		logSkipped(log, sum)
	}
}

// logSkipped warns of each file of the corpus directory that the index
// left out, with the reason, when ask or eval build or update the index:
// otherwise a file that does not read is missing from the answers unsaid
// ("casebot index" lists them too).
func logSkipped(log *slog.Logger, sum index.Summary) {
	for _, s := range sum.Skipped {
		log.Warn("file skipped", "path", s.Path, "reason", s.Reason)
	}
}

// rebuildIndex rebuilds an index that another casebot engine wrote from
// the corpus, saying so in the log first.
func rebuildIndex(c *cli, cfg Config, log *slog.Logger) (*index.Index, error) {
	corp, err := loadCorpus(c.ctx, cfg.Corpus)
	if err != nil {
		return nil, err
	}
	ix, sum, err := index.OpenCorpus(c.ctx, cfg.Index, corp, index.Options{Log: func(msg string) { log.Warn(msg) }})
	if err != nil {
		return nil, err
	}
	log.Info("index rebuilt", "index", cfg.Index, "reason", sum.Rebuild, "documents", len(sum.Added),
		"passages", sum.Passages, "version", sum.Version, "took", sum.Took.Round(time.Millisecond))
	logSkipped(log, sum)
	return ix, nil
}

// loadCorpus reads the corpus a directory holds (the embedded one for ""):
// a directory is scanned, its documents read as the index needs them.
func loadCorpus(ctx context.Context, dir string) (*corpus.Corpus, error) {
	if dir == "" {
		return corpus.Load(ctx, corpus.Default(), corpus.Options{})
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, usagef("corpus directory %s: %v", dir, errors.Unwrap(err))
	}
	if !fi.IsDir() {
		return nil, usagef("corpus %s is not a directory", dir)
	}
	c, err := corpus.Scan(ctx, os.DirFS(dir), corpus.Options{})
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == "." {
		// The root itself: "stat .: permission denied" would not say which.
		return nil, corpusError{fmt.Errorf("corpus directory %s: %w", dir, pe.Err)}
	}
	if err != nil {
		return nil, corpusError{err}
	}
	if ok, unread := c.Readable(); !ok {
		// Say why the documents there were left out: "holds no documents"
		// of a directory of .md files the process may not read misleads.
		skipped := append(append([]corpus.Skip(nil), c.Skipped...), unread...)
		if len(skipped) == 0 {
			return nil, corpusError{fmt.Errorf("corpus %s holds no documents (.md, .markdown, .txt, .text, .html, .htm, .pdf)", dir)}
		}
		more := ""
		if len(skipped) > 1 {
			more = fmt.Sprintf(" (and %d more skipped)", len(skipped)-1)
		}
		return nil, corpusError{fmt.Errorf("corpus %s holds no document casebot can read: %s: %s%s", dir, shown(skipped[0].Path), skipped[0].Reason, more)}
	}
	return c, nil
}

// openFile opens an input file: questions, a model, a training or a
// dotenv file. One that is not a regular file is refused before it is
// opened, as corpus.Load refuses it in a corpus directory: opening a named
// pipe waits, deaf to signals, until something writes to it, and a device
// or a socket holds no such file.
func openFile(path string) (*os.File, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if why := corpus.NotRegular(fi.Mode()); why != "" {
		return nil, &fs.PathError{Op: "open", Path: path, Err: errors.New(why)}
	}
	return os.Open(path)
}

// readFile reads an input file as openFile opens it.
func readFile(path string) ([]byte, error) {
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// corpusError is a corpus directory that cannot be read: no index, on disk
// or in memory, would do better.
type corpusError struct{ error }

func (e corpusError) Unwrap() error { return e.error }

// Logging: text (logfmt) or JSON lines on standard error, at a level.
type logConfig struct {
	Format string
	Level  string
}

func (fs *flagSet) logFlags(lc *logConfig) {
	fs.StringVar(&lc.Format, "log-format", "", "`FORMAT` of the log on standard error: text or json (env CASEBOT_LOG_FORMAT, default text)")
	fs.StringVar(&lc.Level, "log-level", "", "least `LEVEL` logged: debug, info, warn or error (env CASEBOT_LOG_LEVEL, default info)")
}

// logFromEnv is the logging the environment asks for.
func logFromEnv(lookup env) logConfig {
	return logConfig{Format: lookup("CASEBOT_LOG_FORMAT"), Level: lookup("CASEBOT_LOG_LEVEL")}
}

// logger makes the logger the settings ask for, writing to w.
func (lc logConfig) logger(w io.Writer) (*slog.Logger, error) {
	format, level := lc.Format, lc.Level
	var lv slog.Level
	switch strings.ToLower(strings.TrimSpace(level)) {
	case "debug":
		lv = slog.LevelDebug
	case "", "info":
		lv = slog.LevelInfo
	case "warn", "warning":
		lv = slog.LevelWarn
	case "error":
		lv = slog.LevelError
	default:
		return nil, usagef("log level (CASEBOT_LOG_LEVEL or --log-level): want debug, info, warn or error, %s", got(level))
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch strings.ToLower(strings.TrimSpace(format)) {
	case "", "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usagef("log format (CASEBOT_LOG_FORMAT or --log-format): want text or json, %s", got(format))
}
