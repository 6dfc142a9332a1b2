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
	"strconv"
	"strings"

	"github.com/joho/godotenv"

	"github.com/casebot/casebot/bot"
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

	b, err := bot.New(bot.Options{Engine: ix, Logger: log, DataDir: c.DataDir, Rate: c.Rate})
	if err != nil {
		return err
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
