package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeRealDiscord connects to Discord itself, registers the commands
// and disconnects. It runs only when DISCORD_TOKEN is set in the
// environment; use a test application, and set DISCORD_GUILD_ID too to
// register in a test server rather than globally.
func TestServeRealDiscord(t *testing.T) {
	if os.Getenv("DISCORD_TOKEN") == "" {
		t.Skip("DISCORD_TOKEN not set: not talking to Discord")
	}
	dir := t.TempDir()
	envFile := filepath.Join(dir, "empty.env") // the settings come from the environment
	if err := os.WriteFile(envFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	code := make(chan int, 1)
	getenv := func(k string) string {
		if k == "CASEBOT_DATA" {
			return dir
		}
		return os.Getenv(k)
	}
	go func() {
		code <- run(ctx, []string{"serve", "--env", envFile}, getenv, strings.NewReader(""), &out, &out)
	}()
	if _, ok := waitLog(&out, "commands registered", 30*time.Second); !ok {
		cancel()
		t.Fatalf("not connected and registered:\n%s", out.String())
	}
	cancel()
	if c := <-code; c != 0 {
		t.Errorf("exit %d:\n%s", c, out.String())
	}
	if strings.Contains(out.String(), os.Getenv("DISCORD_TOKEN")) {
		t.Error("the token appears in the log")
	}
}
