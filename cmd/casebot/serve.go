package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"

	"github.com/casebot/casebot/bot"
)

var serveCommand = &command{
	name:    "serve",
	usage:   []string{"[--http ADDR] [--admin-addr ADDR] [--watch] [--watch-delay DURATION] [--admin-guilds IDS] [--env FILE] [--data DIR] [--rate N] [--corpus DIR] [--index DIR] [--read-only] [--log-format text|json] [--log-level LEVEL]"},
	summary: "run the Discord bot (gateway, or the HTTP interactions endpoint)",
	about: `Runs the Discord bot until SIGINT or SIGTERM: over the gateway, or with --http
as Discord's interactions endpoint. Reads DISCORD_TOKEN, DISCORD_APP_ID,
DISCORD_GUILD_ID, DISCORD_PUBLIC_KEY, DISCORD_API_URL, SHARD_ID, SHARD_COUNT and
the CASEBOT_ settings from the environment and from .env (the environment
wins; flags win over both); .env.example describes each.`,
	setup: func(c *cli, fs *flagSet) func([]string) error {
		var sc serveConfig
		sc.flags(fs)
		return func(args []string) error {
			if err := sc.resolve(fs, c, args); err != nil {
				return err
			}
			return runServe(c, sc)
		}
	},
}

// runServe wires the index, the bot, the watcher and the admin server, and
// serves until ctx ends.
func runServe(c *cli, sc serveConfig) (err error) {
	ctx := c.ctx
	// Discord's answers, and a proxy's, are quoted in errors and log lines
	// as they came: one that echoes the request would show the token.
	defer func() { err = redactToken(err, sc.Token) }()
	log, err := sc.Log.logger(redactWriter{w: c.stderr, secret: []byte(sc.Token)})
	if err != nil {
		return err
	}
	client, err := bot.APIClient(sc.APIURL)
	if err != nil {
		return usageError{err.Error()}
	}
	if sc.LegacyData {
		log.Warn("using ./data, the old default data directory, as it holds feedback; set CASEBOT_DATA to choose", "data", sc.DataDir)
	}
	ix, err := openIndex(c, sc.Config, log)
	if err != nil {
		return err
	}
	defer ix.Close()
	info := ix.Info()
	where := "memory"
	if ix.Dir() != "" {
		where = ix.Dir()
	}
	log.Info("index ready", "index", where, "version", info.Version, "documents", len(info.Docs), "passages", info.Passages, "read_only", ix.ReadOnly())

	// The admin commands and the watcher reindex through one Reindexer,
	// which runs one reindex at a time.
	var rx *bot.Reindexer
	if sc.Corpus != "" {
		rx = bot.NewReindexer(ix, sc.Corpus, log)
		if len(sc.AdminGuilds) == 0 {
			log.Warn("the managers of any server the bot is in can change the corpus directory with /add-document, /remove-document and /reindex: "+
				"set CASEBOT_ADMIN_GUILDS (or --admin-guilds) to the server ids that own it", "corpus", sc.Corpus)
		}
	}
	m := newMetrics(ix, rx)
	b, err := bot.New(bot.Options{
		Engine: ix, Logger: log, DataDir: sc.DataDir, Rate: sc.Rate, Reindexer: rx, AdminGuilds: sc.AdminGuilds, MaxUploadBytes: sc.MaxUpload,
		Observe: m.observe,
	})
	if err != nil {
		return err
	}
	m.watchBot(b)
	if sc.AdminAddr != "" {
		stop, err := serveAdmin(ctx, sc.AdminAddr, m, log)
		if err != nil {
			return err
		}
		defer stop()
	}
	if sc.Watch {
		w, err := newCorpusWatcher(sc.Corpus, sc.WatchDelay, rx, log)
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
	if sc.HTTPAddr != "" {
		ln, err := net.Listen("tcp", sc.HTTPAddr)
		if err != nil {
			return fmt.Errorf("listen on %s: %w", sc.HTTPAddr, err)
		}
		log.Info("serving HTTP interactions", "addr", ln.Addr().String())
		return b.ServeHTTP(ctx, ln, bot.HTTPOptions{
			PublicKey: sc.PublicKey, Token: string(sc.Token), AppID: sc.AppID, GuildID: sc.GuildID, Client: client,
		})
	}
	return b.RunGateway(ctx, bot.GatewayOptions{
		Token: string(sc.Token), AppID: sc.AppID, GuildID: sc.GuildID,
		ShardID: sc.ShardID, ShardCount: sc.ShardCount, Client: client,
	})
}

// redactWriter writes what it is given with the secret replaced. A log
// handler writes each record in one Write.
type redactWriter struct {
	w      io.Writer
	secret []byte
}

func (r redactWriter) Write(p []byte) (int, error) {
	if len(r.secret) == 0 || !bytes.Contains(p, r.secret) {
		return r.w.Write(p)
	}
	if _, err := r.w.Write(bytes.ReplaceAll(p, r.secret, []byte("[token]"))); err != nil {
		return 0, err
	}
	return len(p), nil
}
