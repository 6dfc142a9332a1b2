package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
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
		{"bad shard count", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "SHARD_COUNT": "zero"}, `casebot: SHARD_COUNT="zero": want a whole number`},
		{"bad rate", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_RATE": "-1"}, "casebot: CASEBOT_RATE must be 1 or more"},
		{"http without key", []string{"--env", empty, "--http", ":0"}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, "casebot: HTTP mode needs DISCORD_PUBLIC_KEY"},
		{"bad API URL", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "DISCORD_API_URL": "ftp://x"}, `casebot: DISCORD_API_URL "ftp://x"`},
		{"missing env file", []string{"--env", filepath.Join(dir, "nope.env")}, nil, "casebot: env file"},
		{"stray argument", []string{"--env", empty, "hello"}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, "casebot: serve takes no arguments"},
		{"watch without a corpus", []string{"--env", empty, "--watch"}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, "casebot: --watch needs a corpus directory"},
		{"watch from the environment without a corpus", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_WATCH": "true"}, "casebot: --watch needs a corpus directory"},
		{"bad watch setting", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_WATCH": "sometimes"}, `casebot: CASEBOT_WATCH="sometimes": want true or false`},
		{"bad watch delay", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_WATCH_DELAY": "soon"}, `casebot: CASEBOT_WATCH_DELAY="soon": want a duration`},
		{"negative watch delay", []string{"--env", empty, "--watch-delay", "-1s"}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, "casebot: the watch delay must be more than 0"},
		{"upload cap over what the corpus reads", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_MAX_UPLOAD": "10000000"}, "casebot: CASEBOT_MAX_UPLOAD must be 1 to 5242880 bytes"},
		{"bad log level", []string{"--env", empty, "--log-level", "loud"}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "HOME": dir}, `casebot: log level "loud"`},
		{"bad log format", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "HOME": dir, "CASEBOT_LOG_FORMAT": "xml"}, `casebot: log format "xml"`},
		{"no data directory", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, "casebot: no place for casebot's data"},
		{"admin address without a port", []string{"--env", empty, "--admin-addr", "9090"}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, `casebot: --admin-addr (CASEBOT_ADMIN_ADDR) "9090": want HOST:PORT`},
		{"admin address port out of range", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_ADMIN_ADDR": "localhost:99999"}, `casebot: --admin-addr (CASEBOT_ADMIN_ADDR) "localhost:99999": want HOST:PORT`},
		{"http address with a space", []string{"--env", empty, "--http", "127.0.0.1:80 80"}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, `casebot: --http "127.0.0.1:80 80": want HOST:PORT`},
		{"admin guild not a number", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_ADMIN_GUILDS": "123, my-class"}, `casebot: CASEBOT_ADMIN_GUILDS: "my-class" is not a server id: want server ids, which are digits, separated by commas`},
		{"admin guilds separated by semicolons", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_ADMIN_GUILDS": "123;456"}, `casebot: CASEBOT_ADMIN_GUILDS: "123;456" is not a server id`},
		{"admin guild negative", []string{"--env", empty, "--admin-guilds", "-5"}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, `casebot: --admin-guilds: "-5" is not a server id`},
		{"admin guild over 64 bits", []string{"--env", empty, "--admin-guilds=18446744073709551616"}, map[string]string{"DISCORD_TOKEN": "x-SECRET"}, `casebot: --admin-guilds: "18446744073709551616" is not a server id`},
		{"admin guild flag wins and is checked", []string{"--env", empty, "--admin-guilds", "abc"}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_ADMIN_GUILDS": "123"}, `casebot: --admin-guilds: "abc" is not a server id`},
		{"guild id not a number", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "DISCORD_GUILD_ID": "My Server"}, `casebot: DISCORD_GUILD_ID="My Server": want a server id, which is digits`},
		{"upload cap not a number", []string{"--env", empty}, map[string]string{"DISCORD_TOKEN": "x-SECRET", "CASEBOT_MAX_UPLOAD": "5MB"}, `casebot: CASEBOT_MAX_UPLOAD="5MB": want a whole number`},
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
