package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casebot/casebot/bot/discordtest"
)

func TestServeConfigErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.env")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	withToken := filepath.Join(dir, "token.env")
	if err := os.WriteFile(withToken, []byte("DISCORD_TOKEN=from-dotenv-SECRET\nSHARD_COUNT=2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		env  map[string]string
		want string // the one line on stderr
	}{
		{"missing token", []string{"--env", empty}, nil, "casebot: DISCORD_TOKEN is not set"},
		{"shard out of range", []string{"--env", withToken}, map[string]string{"SHARD_ID": "2"}, "casebot: SHARD_ID 2 of SHARD_COUNT 2"},
		{"bad shard count", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "SHARD_COUNT": "zero"}, `casebot: SHARD_COUNT: want a whole number, got "zero"`},
		{"bad rate", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_RATE": "-1"}, "casebot: CASEBOT_RATE must be 1 or more"},
		{"http without key", []string{"--env", empty, "--http", ":0"}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, "casebot: HTTP mode needs DISCORD_PUBLIC_KEY"},
		{"bad API URL", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "DISCORD_API_URL": "ftp://x"}, `casebot: DISCORD_API_URL: want an http or https URL, got "ftp://x"`},
		{"missing env file", []string{"--env", filepath.Join(dir, "nope.env")}, nil, "casebot: env file"},
		{"stray argument", []string{"--env", empty, "hello"}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, "casebot: serve takes no arguments"},
		{"watch without a corpus", []string{"--env", empty, "--watch"}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, "casebot: --watch needs a corpus directory"},
		{"watch from the environment without a corpus", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_WATCH": "true"}, "casebot: --watch needs a corpus directory"},
		{"bad watch setting", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_WATCH": "sometimes"}, `casebot: CASEBOT_WATCH: want true or false, got "sometimes"`},
		{"bad watch delay", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_WATCH_DELAY": "soon"}, `casebot: CASEBOT_WATCH_DELAY: want a duration such as 1s or 500ms, got "soon"`},
		{"negative watch delay", []string{"--env", empty, "--watch-delay", "-1s"}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, "casebot: the watch delay must be more than 0"},
		{"upload cap over what the corpus reads", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_MAX_UPLOAD": "10000000"}, "casebot: CASEBOT_MAX_UPLOAD must be 1 to 5242880 bytes"},
		{"bad log level", []string{"--env", empty, "--log-level", "loud"}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "HOME": dir}, `casebot: log level (CASEBOT_LOG_LEVEL or --log-level): want debug, info, warn or error, got "loud"`},
		{"bad log format", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "HOME": dir, "CASEBOT_LOG_FORMAT": "xml"}, `casebot: log format (CASEBOT_LOG_FORMAT or --log-format): want text or json, got "xml"`},
		{"no data directory", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, "casebot: no place for casebot's data"},
		{"admin address without a port", []string{"--env", empty, "--admin-addr", "9090"}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, `casebot: --admin-addr (CASEBOT_ADMIN_ADDR): want HOST:PORT, e.g. 127.0.0.1:9090, got "9090"`},
		{"admin address port out of range", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_ADMIN_ADDR": "localhost:99999"}, `casebot: --admin-addr (CASEBOT_ADMIN_ADDR): want HOST:PORT, e.g. 127.0.0.1:9090, got "localhost:99999"`},
		{"http address with a space", []string{"--env", empty, "--http", "127.0.0.1:80 80"}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, `casebot: --http: want HOST:PORT, e.g. 127.0.0.1:9090, got "127.0.0.1:80 80"`},
		{"admin guild not a number", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_ADMIN_GUILDS": "123, my-class"}, `casebot: CASEBOT_ADMIN_GUILDS: want server ids, which are digits, separated by commas, got "my-class" (with Developer Mode`},
		{"admin guilds separated by semicolons", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_ADMIN_GUILDS": "123;456"}, `casebot: CASEBOT_ADMIN_GUILDS: want server ids, which are digits, separated by commas, got "123;456"`},
		{"admin guild negative", []string{"--env", empty, "--admin-guilds", "-5"}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, `casebot: --admin-guilds: want server ids, which are digits, separated by commas, got "-5"`},
		{"admin guild over 64 bits", []string{"--env", empty, "--admin-guilds=18446744073709551616"}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, `casebot: --admin-guilds: want server ids, which are digits, separated by commas, got "18446744073709551616"`},
		{"admin guild flag wins and is checked", []string{"--env", empty, "--admin-guilds", "abc"}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_ADMIN_GUILDS": "123"}, `casebot: --admin-guilds: want server ids, which are digits, separated by commas, got "abc"`},
		{"guild id not a number", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "DISCORD_GUILD_ID": "My Server"}, `casebot: DISCORD_GUILD_ID: want a server id, which is digits, got "My Server" (with Developer Mode`},
		{"upload cap not a number", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_MAX_UPLOAD": "5MB"}, `casebot: CASEBOT_MAX_UPLOAD: want a whole number, got "5MB"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			vars := map[string]string{"HOME": dir}
			if c.name == "no data directory" {
				vars = map[string]string{}
			}
			for k, v := range c.env {
				vars[k] = v
			}
			getenv := func(k string) string { return vars[k] }
			code := run(context.Background(), append([]string{"serve"}, c.args...), getenv, strings.NewReader(""), &stdout, &stderr)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			out := stderr.String()
			if !strings.HasPrefix(out, c.want) || strings.Count(out, "\n") != 1 {
				t.Errorf("stderr %q, want one line starting %q", out, c.want)
			}
			if strings.Contains(out+stdout.String(), "SECRET") {
				t.Errorf("a token was printed: %q", out)
			}
		})
	}
}

// TestConfigSecrets: a token, or another secret, pasted into the wrong
// setting or flag is never printed, whatever the setting: an error names
// the setting instead. A token-shaped value (or DISCORD_TOKEN's own) is
// refused as one in any setting; a long value that is not a token is
// refused by the setting's own check without being quoted.
func TestConfigSecrets(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.env")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// A bot token's shape: the bot's id in base64, a timestamp, a signature.
	token := base64.RawURLEncoding.EncodeToString([]byte("123456789012345678")) + ".GaBcDe.SECRETsignatureABCDEFGHIJKLMNOPQRSTU"
	// DISCORD_TOKEN's value, in no token's shape (as in tests), and an
	// OAuth2 client secret: 32 letters.
	own, clientSecret := "own-SECRET-token-of-this-bot-0123456789", "SECRETclientSecretABCDEFGHIJKLMN"
	withToken := filepath.Join(dir, "token.env")
	if err := os.WriteFile(withToken, []byte("DISCORD_TOKEN="+own+"\nDISCORD_GUILD_ID="+own+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A path setting holding a token is refused; were it not, what it
	// names would be made in the temporary directory, not here.
	paths := map[string]bool{"CASEBOT_CORPUS": true, "CASEBOT_INDEX": true, "CASEBOT_MODEL": true, "CASEBOT_DATA": true,
		"corpus": true, "index": true, "model": true, "data": true, "env": true}
	at := func(name, v string) string {
		if paths[name] {
			return filepath.Join(dir, v)
		}
		return v
	}
	here, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		name  string
		args  []string
		env   map[string]string
		value string // must not be printed
		want  string // must be: the setting's name and what is wrong
	}
	var rows []row
	for _, name := range serveSettings {
		rows = append(rows,
			row{name + " holds a token", []string{"serve", "--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", name: at(name, token)},
				token, name + " holds what looks like a Discord bot token"},
			row{name + " holds DISCORD_TOKEN's value", []string{"serve", "--env", empty}, map[string]string{"DISCORD_TOKEN": own, name: at(name, own)},
				own, name + " holds what looks like a Discord bot token"})
	}
	for _, f := range []string{"corpus", "index", "model", "data", "env", "http", "admin-addr", "admin-guilds", "log-format", "log-level", "rate", "watch-delay"} {
		rows = append(rows, row{"--" + f + " holds a token", []string{"serve", "--env", empty, "--" + f, at(f, token)}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, token, "--" + f})
	}
	for name, want := range map[string]string{
		"DISCORD_GUILD_ID":     "DISCORD_GUILD_ID: want a server id, which is digits",
		"CASEBOT_ADMIN_GUILDS": "CASEBOT_ADMIN_GUILDS: want server ids, which are digits, separated by commas",
		"DISCORD_API_URL":      "DISCORD_API_URL: want an http or https URL",
		"SHARD_ID":             "SHARD_ID: want a whole number",
		"SHARD_COUNT":          "SHARD_COUNT: want a whole number",
		"CASEBOT_RATE":         "CASEBOT_RATE: want a whole number",
		"CASEBOT_MAX_UPLOAD":   "CASEBOT_MAX_UPLOAD: want a whole number",
		"CASEBOT_WATCH":        "CASEBOT_WATCH: want true or false",
		"CASEBOT_WATCH_DELAY":  "CASEBOT_WATCH_DELAY: want a duration such as 1s or 500ms",
		"CASEBOT_ADMIN_ADDR":   "(CASEBOT_ADMIN_ADDR): want HOST:PORT, e.g. 127.0.0.1:9090",
		"CASEBOT_LOG_FORMAT":   "(CASEBOT_LOG_FORMAT or --log-format): want text or json",
		"CASEBOT_LOG_LEVEL":    "(CASEBOT_LOG_LEVEL or --log-level): want debug, info, warn or error",
	} {
		rows = append(rows, row{name + " holds another secret", []string{"serve", "--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", name: clientSecret},
			clientSecret, want + ", got 32 characters, not shown"})
	}
	rows = append(rows,
		row{"--http holds another secret", []string{"serve", "--env", empty, "--http", clientSecret}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, clientSecret, "--http: want HOST:PORT"},
		row{"--admin-guilds holds another secret", []string{"serve", "--env", empty, "--admin-guilds", clientSecret}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, clientSecret, "--admin-guilds: want server ids"},
		row{"DISCORD_GUILD_ID in .env holds the token of .env", []string{"serve", "--env", withToken}, nil, own, "DISCORD_GUILD_ID holds what looks like a Discord bot token"},
		row{"a token as an argument", []string{"serve", "--env", empty, token}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, token, "serve takes no arguments, got 68 characters, not shown"},
		row{"ask: CASEBOT_CORPUS holds a token", []string{"ask", "what?"}, map[string]string{"CASEBOT_CORPUS": at("CASEBOT_CORPUS", token)}, token, "CASEBOT_CORPUS holds what looks like a Discord bot token"},
		row{"ask: --index holds DISCORD_TOKEN's value", []string{"ask", "--index", filepath.Join(dir, own), "what?"}, map[string]string{"DISCORD_TOKEN": own}, own, "--index holds what looks like a Discord bot token"},
		row{"ask: CASEBOT_LOG_LEVEL holds another secret", []string{"ask", "what?"}, map[string]string{"CASEBOT_LOG_LEVEL": clientSecret}, clientSecret, "(CASEBOT_LOG_LEVEL or --log-level): want debug"},
		row{"ask: -k holds a token", []string{"ask", "-k", token, "what?"}, nil, token, `"-k, --k" flag`},
		row{"index: CASEBOT_DATA holds a token", []string{"index", "--corpus", dir}, map[string]string{"CASEBOT_DATA": at("CASEBOT_DATA", token)}, token, "CASEBOT_DATA holds what looks like a Discord bot token"},
	)
	for _, c := range rows {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			vars := map[string]string{"HOME": dir}
			for k, v := range c.env {
				vars[k] = v
			}
			code := run(context.Background(), c.args, func(k string) string { return vars[k] }, strings.NewReader(""), &stdout, &stderr)
			out := stderr.String() + stdout.String()
			if code != exitUsage || !strings.Contains(out, c.want) || strings.Count(out, "\n") != 1 {
				t.Errorf("exit %d, output %q; want exit %d and one line saying %q", code, out, exitUsage, c.want)
			}
			for _, part := range append(strings.Split(c.value, "."), c.value) {
				if len(part) >= 20 && strings.Contains(out, part) {
					t.Errorf("printed the value: %q", out)
				}
			}
		})
	}
	if now, err := os.ReadDir("."); err != nil || len(now) != len(here) {
		t.Errorf("the package directory went from %d entries to %d (%v): a refused setting made what it names", len(here), len(now), err)
	}
}

// TestServeSettingsListed: serveSettings, which are checked for a token,
// are the variables .env.example lists besides DISCORD_TOKEN.
func TestServeSettingsListed(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, line := range strings.Split(string(b), "\n") {
		if name, _, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(name, "#") && name != "DISCORD_TOKEN" {
			listed = append(listed, name)
		}
	}
	slices.Sort(listed)
	want := slices.Sorted(slices.Values(serveSettings))
	if !slices.Equal(listed, want) {
		t.Errorf(".env.example lists %v\nserveSettings are %v", listed, want)
	}
}

// TestLooksLikeToken: the shape of a bot token is told from paths,
// addresses and keys.
func TestLooksLikeToken(t *testing.T) {
	t.Parallel()
	id := base64.RawURLEncoding.EncodeToString([]byte("1098765432109876543"))
	tok := id + ".GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"
	for _, c := range []struct {
		v    string
		want bool
	}{
		{tok, true},
		{"Bot " + tok, true},
		{"Bot" + tok, true},
		{"/srv/" + tok + "/docs", true},
		{"/srv/documents_of_the_class.2024-spring.snapshot_of_all_documents", false},
		{"/srv/" + base64.RawURLEncoding.EncodeToString([]byte("not an id at all ok")) + ".GaBcDe.abcdefghijklmnopqrstuvwxyz", false},
		{strings.Repeat("ab", 32), false}, // a public key
		{"127.0.0.1:9090", false},
		{"", false},
	} {
		if got := looksLikeToken(c.v); got != c.want {
			t.Errorf("looksLikeToken(%q) = %v, want %v", c.v, got, c.want)
		}
	}
}

func TestParseServe(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	envFile := filepath.Join(dir, ".env")
	dotenv := "DISCORD_TOKEN=dotenv-token\nDISCORD_APP_ID=dotenv-app\nCASEBOT_RATE=7\nSHARD_ID=1\nSHARD_COUNT=3\nCASEBOT_DATA=/from/dotenv\n" +
		"CASEBOT_CORPUS=/docs\nCASEBOT_WATCH=true\nCASEBOT_WATCH_DELAY=250ms\nCASEBOT_MAX_UPLOAD=1000\n"
	if err := os.WriteFile(envFile, []byte(dotenv), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DISCORD_TOKEN": "env-token", "DISCORD_GUILD_ID": "55"}
	cl := &cli{ctx: context.Background(), getenv: func(k string) string { return env[k] }, stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
	// Flags after the first argument-free flag, Go style and GNU style.
	c, err := parseServe(cl, []string{"--env", envFile, "-rate", "9", "--log-format=json", "--admin-addr", "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range []struct {
		name      string
		got, want any
	}{
		{"token: the environment wins", string(c.Token), "env-token"},
		{"app id from .env", c.AppID, "dotenv-app"},
		{"guild from the environment", c.GuildID, "55"},
		{"a flag beats both", c.Rate, 9},
		{"shard id", c.ShardID, 1},
		{"shard count", c.ShardCount, 3},
		{"data dir from .env", c.DataDir, "/from/dotenv"},
		{"watch from .env", c.Watch, true},
		{"watch delay from .env", c.WatchDelay, 250 * time.Millisecond},
		{"upload cap from .env", c.MaxUpload, int64(1000)},
		{"corpus from .env", c.Corpus, "/docs"},
		{"the corpus's index in the data directory", filepath.Dir(c.Index), filepath.Join("/from/dotenv", "index")},
		{"index named after the corpus", strings.HasPrefix(filepath.Base(c.Index), "docs-"), true},
		{"log format flag", c.Log.Format, "json"},
		{"admin address flag", c.AdminAddr, "127.0.0.1:0"},
		{"token is redacted in formatting", fmt.Sprintf("%v %+v", c.Token, c), ""},
	} {
		if got.name == "token is redacted in formatting" {
			if s := got.got.(string); strings.Contains(s, "env-token") {
				t.Errorf("%s: %s", got.name, s)
			}
			continue
		}
		if got.got != got.want {
			t.Errorf("%s: %v, want %v", got.name, got.got, got.want)
		}
	}
}

// TestEnvFileBOM: a .env file that starts with a byte order mark, as
// Windows Notepad saves it, is read as if it had none.
func TestEnvFileBOM(t *testing.T) {
	t.Parallel()
	envFile := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(envFile, []byte("\ufeffDISCORD_TOKEN=bom-token\r\nDISCORD_APP_ID=1\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cl := &cli{ctx: context.Background(), getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
	c, err := parseServe(cl, []string{"--env", envFile, "--data", t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if string(c.Token) != "bom-token" || c.AppID != "1" {
		t.Errorf("token %q, app id %q; want bom-token, 1", c.Token, c.AppID)
	}
}

// TestServeBadToken: Discord refuses the token; the error is one line
// and the token is in no output.
func TestServeBadToken(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t, discordtest.WithToken("the-right-one"))
	dir := t.TempDir()
	envFile := filepath.Join(dir, "test.env")
	if err := os.WriteFile(envFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"DISCORD_TOKEN": "wrong-SECRET-token", "DISCORD_API_URL": fake.URL(), "CASEBOT_DATA": filepath.Join(dir, "data")}
	var out syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code := run(ctx, []string{"serve", "--env", envFile}, func(k string) string { return vars[k] }, strings.NewReader(""), &out, &out)
	if code != exitFail {
		t.Errorf("exit %d, want %d", code, exitFail)
	}
	if !strings.Contains(out.String(), "casebot: connect to the Discord gateway") || strings.Contains(out.String(), "SECRET") {
		t.Errorf("output:\n%s", out.String())
	}
}

// TestServeTokenEchoed: a server at DISCORD_API_URL whose error quotes the
// request's headers, as a debugging proxy's does, gets no token printed,
// in gateway mode or HTTP mode: it is replaced by "[token]".
func TestServeTokenEchoed(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"message": "401: Unauthorized", "code": 0, "request_authorization": %q}`, r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	dir := t.TempDir()
	envFile := filepath.Join(dir, "test.env")
	if err := os.WriteFile(envFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{}, {"--http", "127.0.0.1:0"}} {
		vars := map[string]string{"DISCORD_TOKEN": "tok-SECRET-123", "DISCORD_API_URL": srv.URL, "CASEBOT_DATA": filepath.Join(dir, "data"),
			"DISCORD_APP_ID": "1", "DISCORD_PUBLIC_KEY": strings.Repeat("ab", 32)}
		var out syncBuffer
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		code := run(ctx, append([]string{"serve", "--env", envFile}, args...), func(k string) string { return vars[k] }, strings.NewReader(""), &out, &out)
		cancel()
		if code != exitFail || strings.Contains(out.String(), "SECRET") || !strings.Contains(out.String(), "[token]") {
			t.Errorf("serve %v: exit %d, want %d, the token replaced by [token]; output:\n%s", args, code, exitFail, out.String())
		}
	}
}

// TestServeLegacyDataSharesIndex: with an old ./data (feedback kept there),
// serve uses the default index that "casebot index --corpus DIR" builds,
// in the data directory, not a second one under ./data.
func TestServeLegacyDataSharesIndex(t *testing.T) {
	wd := t.TempDir()
	t.Chdir(wd)
	writeFile(t, filepath.Join(wd, "data", "feedback.jsonl"), "")
	writeFile(t, filepath.Join(wd, "docs", "tea.md"), "# Tea\n\nTea came in 1921.\n")
	envFile := filepath.Join(wd, "e.env")
	writeFile(t, envFile, "")
	vars := map[string]string{"XDG_DATA_HOME": t.TempDir(), "DISCORD_TOKEN": "x"}
	getenv := func(k string) string { return vars[k] }
	cl := &cli{ctx: context.Background(), getenv: getenv, stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
	sc, err := parseServe(cl, []string{"--env", envFile, "--corpus", "docs"})
	if err != nil {
		t.Fatal(err)
	}
	want, err := defaultIndexDir(getenv, "docs")
	if err != nil {
		t.Fatal(err)
	}
	if !sc.LegacyData || sc.DataDir != "data" || sc.Index != want {
		t.Errorf("legacy %v, data %q, index %s; want true, data, and casebot index's %s", sc.LegacyData, sc.DataDir, sc.Index, want)
	}
}

// TestServeEmptyEnvWins: a variable the environment sets to "" wins over
// .env, as a value does ("DISCORD_GUILD_ID= casebot serve" registers the
// commands globally whatever .env says); one the environment does not set
// is read from .env.
func TestServeEmptyEnvWins(t *testing.T) {
	t.Parallel()
	envFile := filepath.Join(t.TempDir(), ".env")
	writeFile(t, envFile, "DISCORD_TOKEN=from-file\nDISCORD_GUILD_ID=123\nDISCORD_APP_ID=7\n")
	vars := map[string]string{"DISCORD_GUILD_ID": ""}
	cl := &cli{ctx: context.Background(), getenv: func(k string) string { return vars[k] },
		isSet: func(k string) bool { _, ok := vars[k]; return ok },
		stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
	c, err := parseServe(cl, []string{"--env", envFile, "--data", t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if c.GuildID != "" || string(c.Token) != "from-file" || c.AppID != "7" {
		t.Errorf("guild %q, token %q, app %q; want \"\" from the environment, the rest from .env", c.GuildID, c.Token, c.AppID)
	}
}

// TestServeAdminGuildsSetting: CASEBOT_ADMIN_GUILDS is read as the other
// settings are (a flag wins over the environment, which wins over .env,
// even set to ""), and defaults to DISCORD_GUILD_ID, else to none (any
// server).
func TestServeAdminGuildsSetting(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		args   []string
		env    map[string]string // nil: nothing set
		dotenv string
		want   []string
	}{
		{"neither set: any server", nil, nil, "", nil},
		{"default: DISCORD_GUILD_ID", nil, map[string]string{"DISCORD_GUILD_ID": "55"}, "", []string{"55"}},
		{"default: DISCORD_GUILD_ID from .env", nil, nil, "DISCORD_GUILD_ID=56\n", []string{"56"}},
		{"the setting wins over DISCORD_GUILD_ID", nil, map[string]string{"DISCORD_GUILD_ID": "55", "CASEBOT_ADMIN_GUILDS": "200"}, "", []string{"200"}},
		{"a list, spaces, repeats and a trailing comma", nil, map[string]string{"CASEBOT_ADMIN_GUILDS": " 200 ,300,200, "}, "", []string{"200", "300"}},
		{"real snowflakes", nil, map[string]string{"CASEBOT_ADMIN_GUILDS": "1234567890123456789,18446744073709551615"}, "", []string{"1234567890123456789", "18446744073709551615"}},
		{"from .env", nil, nil, "CASEBOT_ADMIN_GUILDS=300\n", []string{"300"}},
		{"the environment wins over .env", nil, map[string]string{"CASEBOT_ADMIN_GUILDS": "200"}, "CASEBOT_ADMIN_GUILDS=300\n", []string{"200"}},
		{"the environment's empty value wins over .env", nil, map[string]string{"CASEBOT_ADMIN_GUILDS": "", "DISCORD_GUILD_ID": "55"}, "CASEBOT_ADMIN_GUILDS=300\n", []string{"55"}},
		{"a flag wins over both", []string{"--admin-guilds", "400,500"}, map[string]string{"CASEBOT_ADMIN_GUILDS": "200"}, "CASEBOT_ADMIN_GUILDS=300\n", []string{"400", "500"}},
		{"an empty flag: the default", []string{"--admin-guilds="}, map[string]string{"CASEBOT_ADMIN_GUILDS": "200", "DISCORD_GUILD_ID": "55"}, "", []string{"55"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			envFile := filepath.Join(t.TempDir(), ".env")
			writeFile(t, envFile, "DISCORD_TOKEN=from-file\n"+c.dotenv)
			cl := &cli{ctx: context.Background(), getenv: func(k string) string { return c.env[k] },
				isSet: func(k string) bool { _, ok := c.env[k]; return ok },
				stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
			sc, err := parseServe(cl, append([]string{"--env", envFile, "--data", t.TempDir()}, c.args...))
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(sc.AdminGuilds) != fmt.Sprint(c.want) || (c.want == nil) != (sc.AdminGuilds == nil) {
				t.Errorf("admin guilds %q, want %q", sc.AdminGuilds, c.want)
			}
		})
	}
}
