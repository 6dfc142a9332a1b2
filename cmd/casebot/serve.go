package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/joho/godotenv"

	"github.com/casebot/casebot/bot"
	"github.com/casebot/casebot/corpus"
	"github.com/casebot/casebot/index"
)

// serveConfig is what "casebot serve" reads from its flags, the
// environment and the .env file (the environment wins).
type serveConfig struct {
	Config
	HTTPAddr   string // --http: serve the interactions endpoint instead of the gateway
	EnvFile    string
	Token      secret
	PublicKey  ed25519.PublicKey
	AppID      string
	GuildID    string
	APIURL     string
	ShardID    int
	ShardCount int
	DataDir    string
	Rate       int
	// MaxUpload caps /add-document's files, in bytes.
	MaxUpload int64
	// Watch reindexes the corpus directory WatchDelay after it changes.
	Watch      bool
	WatchDelay time.Duration
}

// secret is a value that must never reach a log line or an error.
type secret string

func (secret) String() string                 { return "[redacted]" }
func (secret) GoString() string               { return "[redacted]" }
func (secret) LogValue() slog.Value           { return slog.StringValue("[redacted]") }
func (s secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

const defaultEnvFile = ".env"

func (c *serveConfig) flags(fs *flag.FlagSet, getenv env) {
	c.Config.flags(fs, getenv)
	fs.StringVar(&c.HTTPAddr, "http", "", "serve Discord's HTTP interactions endpoint on `ADDR` (e.g. :8080) instead of connecting to the gateway")
	fs.StringVar(&c.EnvFile, "env", defaultEnvFile, "read settings from this dotenv `file` too (the environment wins)")
	fs.StringVar(&c.DataDir, "data", or(getenv("CASEBOT_DATA"), "data"), "`directory` for feedback.jsonl and its salt (env CASEBOT_DATA)")
	fs.IntVar(&c.Rate, "rate", 0, "questions a `minute` each user may ask (env CASEBOT_RATE, default 5)")
	fs.BoolVar(&c.Watch, "watch", false, "reindex when the corpus directory changes (env CASEBOT_WATCH)")
	fs.DurationVar(&c.WatchDelay, "watch-delay", 0, "with --watch, reindex this `long` after the last change (env CASEBOT_WATCH_DELAY, default 1s)")
}

// parseServe reads the configuration. Flags are parsed twice: first to
// learn which .env file to read, then with the .env values as defaults.
func parseServe(args []string, getenv env, stderr io.Writer) (serveConfig, error) {
	var first serveConfig
	set := newFlagSet("serve", io.Discard)
	first.flags(set, getenv)
	if err := set.Parse(args); err != nil {
		set = newFlagSet("serve", stderr)
		first.flags(set, getenv)
		return first, parseFlags(set, args) // prints usage or the error
	}
	dotenv, err := godotenv.Read(first.EnvFile)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) || first.EnvFile != defaultEnvFile {
			return first, usagef("env file %s: %v", first.EnvFile, unwrapAll(err))
		}
		dotenv = map[string]string{}
	}
	lookup := func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return dotenv[k]
	}

	var c serveConfig
	set = newFlagSet("serve", stderr)
	c.flags(set, lookup)
	if err := parseFlags(set, args); err != nil {
		return c, err
	}
	if set.NArg() > 0 {
		return c, usagef("serve takes no arguments (got %q)", set.Arg(0))
	}
	c.Token = secret(strings.TrimSpace(lookup("DISCORD_TOKEN")))
	c.AppID = strings.TrimSpace(lookup("DISCORD_APP_ID"))
	c.GuildID = strings.TrimSpace(lookup("DISCORD_GUILD_ID"))
	c.APIURL = strings.TrimSpace(lookup("DISCORD_API_URL"))
	if c.Token == "" {
		return c, usagef("DISCORD_TOKEN is not set: put the bot's token in the environment or in %s (see .env.example)", c.EnvFile)
	}
	if c.Rate == 0 {
		if c.Rate, err = intSetting(lookup, "CASEBOT_RATE", 5); err != nil {
			return c, err
		}
	}
	if c.Rate < 1 {
		return c, usagef("CASEBOT_RATE must be 1 or more questions a minute")
	}
	given := map[string]bool{}
	set.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if !given["watch"] {
		if c.Watch, err = boolSetting(lookup, "CASEBOT_WATCH"); err != nil {
			return c, err
		}
	}
	if c.WatchDelay == 0 {
		if c.WatchDelay, err = durationSetting(lookup, "CASEBOT_WATCH_DELAY", time.Second); err != nil {
			return c, err
		}
	}
	if c.WatchDelay <= 0 {
		return c, usagef("the watch delay must be more than 0 (e.g. 1s)")
	}
	if c.Watch && c.Corpus == "" {
		return c, usagef("--watch needs a corpus directory to watch: --corpus DIR or CASEBOT_CORPUS")
	}
	maxUpload, err := intSetting(lookup, "CASEBOT_MAX_UPLOAD", bot.DefaultMaxUploadBytes)
	if err != nil {
		return c, err
	}
	if maxUpload < 1 || maxUpload > bot.DefaultMaxUploadBytes {
		return c, usagef("CASEBOT_MAX_UPLOAD must be 1 to %d bytes (the largest document casebot reads)", bot.DefaultMaxUploadBytes)
	}
	c.MaxUpload = int64(maxUpload)
	if c.ShardID, err = intSetting(lookup, "SHARD_ID", 0); err != nil {
		return c, err
	}
	if c.ShardCount, err = intSetting(lookup, "SHARD_COUNT", 1); err != nil {
		return c, err
	}
	if c.ShardCount < 1 || c.ShardID < 0 || c.ShardID >= c.ShardCount {
		return c, usagef("SHARD_ID %d of SHARD_COUNT %d: want 0 <= SHARD_ID < SHARD_COUNT", c.ShardID, c.ShardCount)
	}
	if c.HTTPAddr != "" {
		key := strings.TrimSpace(lookup("DISCORD_PUBLIC_KEY"))
		b, err := hex.DecodeString(key)
		if key == "" || err != nil || len(b) != ed25519.PublicKeySize {
			return c, usagef("HTTP mode needs DISCORD_PUBLIC_KEY: the application's public key (64 hex digits) from the Developer Portal")
		}
		c.PublicKey = b
		if c.AppID == "" {
			return c, usagef("HTTP mode needs DISCORD_APP_ID: the application id from the Developer Portal")
		}
	}
	return c, nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func intSetting(lookup env, name string, def int) (int, error) {
	v := strings.TrimSpace(lookup(name))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, usagef("%s=%q: want a whole number", name, v)
	}
	return n, nil
}

func boolSetting(lookup env, name string) (bool, error) {
	v := strings.TrimSpace(lookup(name))
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, usagef("%s=%q: want true or false", name, v)
	}
	return b, nil
}

func durationSetting(lookup env, name string, def time.Duration) (time.Duration, error) {
	v := strings.TrimSpace(lookup(name))
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, usagef("%s=%q: want a duration such as 1s or 500ms", name, v)
	}
	return d, nil
}

func unwrapAll(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

// cmdServe runs the Discord bot until ctx ends (SIGINT or SIGTERM).
func cmdServe(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	c, err := parseServe(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	client, err := bot.APIClient(c.APIURL)
	if err != nil {
		return usageError{err.Error()}
	}
	ix, err := openIndex(ctx, c.Config)
	if err != nil {
		return err
	}
	defer ix.Close()
	info := ix.Info()
	log.Info("index ready", "version", info.Version, "documents", len(info.Docs), "passages", info.Passages)

	// The admin commands and the watcher reindex through one Reindexer,
	// which runs one reindex at a time.
	var rx *bot.Reindexer
	if c.Corpus != "" {
		rx = bot.NewReindexer(ix, c.Corpus, log)
	}
	b, err := bot.New(bot.Options{Engine: ix, Logger: log, DataDir: c.DataDir, Rate: c.Rate, Reindexer: rx, MaxUploadBytes: c.MaxUpload})
	if err != nil {
		return err
	}
	if c.Watch {
		w, err := newCorpusWatcher(c.Corpus, c.WatchDelay, rx, log)
		if err != nil {
			return err
		}
		// Stop the watcher, and wait for it, before the index closes.
		wctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			w.run(wctx)
		}()
		defer func() {
			cancel()
			<-done
		}()
	}
	if c.HTTPAddr != "" {
		ln, err := net.Listen("tcp", c.HTTPAddr)
		if err != nil {
			return fmt.Errorf("listen on %s: %w", c.HTTPAddr, err)
		}
		log.Info("serving HTTP interactions", "addr", ln.Addr().String())
		return b.ServeHTTP(ctx, ln, bot.HTTPOptions{
			PublicKey: c.PublicKey, Token: string(c.Token), AppID: c.AppID, GuildID: c.GuildID, Client: client,
		})
	}
	return b.RunGateway(ctx, bot.GatewayOptions{
		Token: string(c.Token), AppID: c.AppID, GuildID: c.GuildID,
		ShardID: c.ShardID, ShardCount: c.ShardCount, Client: client,
	})
}

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
