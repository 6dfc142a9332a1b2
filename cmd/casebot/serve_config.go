package main

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/casebot/casebot/bot"
)

// serveConfig is what "casebot serve" reads from its flags, the
// environment and the .env file: a flag wins over the environment, which
// wins over .env. Secrets are never flags.
type serveConfig struct {
	Config
	HTTPAddr string // --http: serve the interactions endpoint instead of the gateway
	// AdminAddr serves /healthz and /metrics; "" serves neither.
	AdminAddr  string
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
	// AdminGuilds are the servers whose managers may change the corpus
	// directory from Discord; none means any server's.
	AdminGuilds []string
	adminGuilds string // as --admin-guilds gave them
	Log         logConfig
	// LegacyData is set when DataDir is ./data, the old default, kept
	// because feedback is there.
	LegacyData bool
}

const defaultEnvFile = ".env"

// Defaults of the settings that have one.
const (
	defaultRate       = 5
	defaultWatchDelay = time.Second
)

func (c *serveConfig) flags(fs *flagSet) {
	fs.corpusFlags(&c.Config)
	fs.readOnlyFlag(&c.Config)
	fs.StringVar(&c.HTTPAddr, "http", "", "serve Discord's HTTP interactions endpoint on `ADDR` (e.g. 127.0.0.1:8080) instead of connecting to the gateway")
	fs.StringVar(&c.AdminAddr, "admin-addr", "", "serve /healthz and /metrics (Prometheus) on `ADDR`, e.g. 127.0.0.1:9090 (env CASEBOT_ADMIN_ADDR; default off)")
	fs.StringVar(&c.EnvFile, "env", defaultEnvFile, "read settings from this dotenv `FILE` too (the environment wins)")
	fs.StringVar(&c.DataDir, "data", "", "data `DIR`: feedback.jsonl, its salt, and the default indexes (env CASEBOT_DATA; default "+dataDirHelp+")")
	fs.IntVar(&c.Rate, "rate", 0, "questions a minute, `N`, each member may ask (env CASEBOT_RATE, default 5)")
	fs.BoolVar(&c.Watch, "watch", false, "reindex when the corpus directory changes (env CASEBOT_WATCH)")
	fs.DurationVar(&c.WatchDelay, "watch-delay", 0, "with --watch, reindex this `DURATION` after the last change (env CASEBOT_WATCH_DELAY, default 1s)")
	fs.StringVar(&c.adminGuilds, "admin-guilds", "", "the servers, comma-separated `IDS`, whose managers may change the documents from Discord (env CASEBOT_ADMIN_GUILDS; default DISCORD_GUILD_ID, else any server)")
	fs.logFlags(&c.Log)
}

// parseServe parses serve's flags and resolves its settings.
func parseServe(c *cli, args []string) (serveConfig, error) {
	fs := newFlagSet(serveCommand)
	var sc serveConfig
	sc.flags(fs)
	if err := fs.parse(c, args); err != nil {
		return sc, err
	}
	err := sc.resolve(fs, c, fs.Args())
	return sc, err
}

// serveSettings are the variables serve reads besides DISCORD_TOKEN, all
// of them in .env.example.
var serveSettings = []string{
	"DISCORD_APP_ID", "DISCORD_GUILD_ID", "DISCORD_PUBLIC_KEY", "DISCORD_API_URL", "SHARD_ID", "SHARD_COUNT",
	"CASEBOT_CORPUS", "CASEBOT_INDEX", "CASEBOT_MODEL", "CASEBOT_DATA", "CASEBOT_RATE", "CASEBOT_ADMIN_GUILDS",
	"CASEBOT_MAX_UPLOAD", "CASEBOT_WATCH", "CASEBOT_WATCH_DELAY", "CASEBOT_ADMIN_ADDR", "CASEBOT_LOG_FORMAT",
	"CASEBOT_LOG_LEVEL",
}

// resolve reads the .env file and fills every setting the flags left
// unset, then checks them. No error quotes the token (see tokenIn).
func (c *serveConfig) resolve(set *flagSet, cl *cli, args []string) (err error) {
	defer func() { err = redactToken(err, c.Token) }()
	if len(args) > 0 {
		return usagef("serve takes no arguments, %s", got(args[0]))
	}
	// The .env file may hold the token; the environment's is known now.
	if err := tokenElsewhere(set, nil, nil, secret(strings.TrimSpace(cl.getenv("DISCORD_TOKEN")))); err != nil {
		return err
	}
	dotenv, err := readEnvFile(c.EnvFile)
	var syntax envSyntaxError
	switch {
	case errors.As(err, &syntax):
		return usageError{syntax.Error()}
	case err != nil && (!errors.Is(err, fs.ErrNotExist) || c.EnvFile != defaultEnvFile):
		return usagef("env file %s: %v", c.EnvFile, unwrapAll(err))
	case err != nil:
		dotenv = map[string]string{}
	}
	// A variable the environment sets wins over .env, even set to "".
	lookup := func(k string) string {
		if v := cl.getenv(k); v != "" || cl.envSet(k) {
			return v
		}
		return dotenv[k]
	}

	if !set.Changed("admin-addr") {
		c.AdminAddr = strings.TrimSpace(lookup("CASEBOT_ADMIN_ADDR"))
	}
	if !set.Changed("log-format") {
		c.Log.Format = lookup("CASEBOT_LOG_FORMAT")
	}
	if !set.Changed("log-level") {
		c.Log.Level = lookup("CASEBOT_LOG_LEVEL")
	}

	c.Token = secret(strings.TrimSpace(lookup("DISCORD_TOKEN")))
	c.AppID = strings.TrimSpace(lookup("DISCORD_APP_ID"))
	c.GuildID = strings.TrimSpace(lookup("DISCORD_GUILD_ID"))
	c.APIURL = strings.TrimSpace(lookup("DISCORD_API_URL"))
	if c.Token == "" {
		return usagef("DISCORD_TOKEN is not set: put the bot's token in the environment or in %s (see .env.example)", c.EnvFile)
	}
	if err := tokenElsewhere(set, lookup, serveSettings, c.Token); err != nil {
		return err
	}
	if c.GuildID != "" && !snowflake(c.GuildID) {
		return usagef("DISCORD_GUILD_ID: want a server id, which is digits, %s (%s)", got(c.GuildID), copyServerID)
	}
	if _, err := bot.APIClient(c.APIURL); err != nil {
		return usagef("%v, %s", err, got(c.APIURL))
	}
	// The admin commands change the documents every server is answered
	// from: by default only the server the commands are registered in may.
	name, list := "--admin-guilds", c.adminGuilds
	if !set.Changed("admin-guilds") {
		name, list = "CASEBOT_ADMIN_GUILDS", lookup("CASEBOT_ADMIN_GUILDS")
	}
	if c.AdminGuilds, err = guildIDs(name, list); err != nil {
		return err
	}
	if len(c.AdminGuilds) == 0 && c.GuildID != "" {
		c.AdminGuilds = []string{c.GuildID}
	}
	if !set.Changed("rate") {
		if c.Rate, err = intSetting(lookup, "CASEBOT_RATE", defaultRate); err != nil {
			return err
		}
	}
	if c.Rate < 1 {
		return usagef("CASEBOT_RATE must be 1 or more questions a minute")
	}
	if !set.Changed("watch") {
		if c.Watch, err = boolSetting(lookup, "CASEBOT_WATCH"); err != nil {
			return err
		}
	}
	if !set.Changed("watch-delay") {
		if c.WatchDelay, err = durationSetting(lookup, "CASEBOT_WATCH_DELAY", defaultWatchDelay); err != nil {
			return err
		}
	}
	if c.WatchDelay <= 0 {
		return usagef("the watch delay must be more than 0 (e.g. 1s)")
	}
	if !set.Changed("data") {
		c.DataDir = strings.TrimSpace(lookup("CASEBOT_DATA"))
		if c.DataDir == "" && legacyDataDir() {
			c.DataDir, c.LegacyData = "data", true
		}
		if c.DataDir == "" {
			if c.DataDir, err = dataDir(lookup); err != nil {
				return err
			}
		}
	}
	// The default indexes live in the data directory; an old ./data keeps
	// its feedback, but the indexes are where "casebot index" and "ask"
	// look for them, which never consider ./data.
	data := c.DataDir
	if c.LegacyData {
		if d, err := dataDir(lookup); err == nil {
			data = d
		}
	}
	withData := func(k string) string {
		if k == "CASEBOT_DATA" {
			return data
		}
		return lookup(k)
	}
	if err := c.Config.resolve(set, withData); err != nil {
		return err
	}
	if c.Watch && c.Corpus == "" {
		return usagef("--watch needs a corpus directory to watch: --corpus DIR or CASEBOT_CORPUS")
	}
	maxUpload, err := intSetting(lookup, "CASEBOT_MAX_UPLOAD", bot.DefaultMaxUploadBytes)
	if err != nil {
		return err
	}
	if maxUpload < 1 || maxUpload > bot.DefaultMaxUploadBytes {
		return usagef("CASEBOT_MAX_UPLOAD must be 1 to %d bytes (the largest document casebot reads)", bot.DefaultMaxUploadBytes)
	}
	c.MaxUpload = int64(maxUpload)
	if c.ShardID, err = intSetting(lookup, "SHARD_ID", 0); err != nil {
		return err
	}
	if c.ShardCount, err = intSetting(lookup, "SHARD_COUNT", 1); err != nil {
		return err
	}
	if c.ShardCount < 1 || c.ShardID < 0 || c.ShardID >= c.ShardCount {
		return usagef("SHARD_ID %d of SHARD_COUNT %d: want 0 <= SHARD_ID < SHARD_COUNT", c.ShardID, c.ShardCount)
	}
	// An address that cannot be listened on is told now, not after the
	// index is opened, which can take a long build.
	for _, a := range []struct{ name, addr string }{{"--admin-addr (CASEBOT_ADMIN_ADDR)", c.AdminAddr}, {"--http", c.HTTPAddr}} {
		if a.addr == "" {
			continue
		}
		if _, port, err := net.SplitHostPort(a.addr); err != nil || !validPort(port) {
			return usagef("%s: want HOST:PORT, e.g. 127.0.0.1:9090, %s", a.name, got(a.addr))
		}
	}
	if c.HTTPAddr != "" {
		key := strings.TrimSpace(lookup("DISCORD_PUBLIC_KEY"))
		b, err := hex.DecodeString(key)
		if key == "" || err != nil || len(b) != ed25519.PublicKeySize {
			return usagef("HTTP mode needs DISCORD_PUBLIC_KEY: the application's public key (64 hex digits) from the Developer Portal")
		}
		c.PublicKey = b
		if c.AppID == "" {
			return usagef("HTTP mode needs DISCORD_APP_ID: the application id from the Developer Portal")
		}
	}
	return nil
}

// validPort reports whether a port is a number a listener takes (0 picks
// a free one) or a service name ("http").
func validPort(p string) bool {
	if n, err := strconv.Atoi(p); err == nil {
		return n >= 0 && n <= 65535
	}
	return p != "" && !strings.ContainsAny(p, " \t")
}

// legacyDataDir reports whether ./data holds the feedback of an older
// casebot, whose default data directory it was: it is used as it is,
// rather than a new salt started elsewhere.
func legacyDataDir() bool {
	for _, f := range []string{"salt", "feedback.jsonl"} {
		if _, err := os.Stat(filepath.Join("data", f)); err == nil {
			return true
		}
	}
	return false
}

// copyServerID says where a server's id is found.
const copyServerID = "with Developer Mode on, right-click the server and Copy Server ID"

// guildIDs reads a comma-separated list of server ids, each a Discord
// snowflake (digits), leaving out blanks and repeats.
func guildIDs(name, list string) ([]string, error) {
	var ids []string
	for _, id := range strings.Split(list, ",") {
		id = strings.TrimSpace(id)
		if id == "" || slices.Contains(ids, id) {
			continue
		}
		if !snowflake(id) {
			return nil, usagef("%s: want server ids, which are digits, separated by commas, %s (%s)", name, got(id), copyServerID)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// snowflake reports whether s is a Discord id: a 64-bit number in decimal.
func snowflake(s string) bool {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

func intSetting(lookup env, name string, def int) (int, error) {
	v := strings.TrimSpace(lookup(name))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, usagef("%s: want a whole number, %s", name, got(v))
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
		return false, usagef("%s: want true or false, %s", name, got(v))
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
		return 0, usagef("%s: want a duration such as 1s or 500ms, %s", name, got(v))
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
