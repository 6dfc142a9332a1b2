package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/casebot/casebot/bot/discordtest"
)

// TestServeHTTP drives "casebot serve --http" with signed requests.
func TestServeHTTP(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	signer := discordtest.NewSigner()
	s := startServe(t, fake, map[string]string{
		"DISCORD_PUBLIC_KEY": signer.PublicKeyHex(),
		"DISCORD_APP_ID":     fake.ApplicationID(),
	}, "--http", "127.0.0.1:0")
	line, ok := waitLog(s.out, "serving HTTP interactions", 5*time.Second)
	if !ok {
		t.Fatalf("no address logged:\n%s", s.out)
	}
	base := "http://" + regexp.MustCompile(`addr=(\S+)`).FindStringSubmatch(line)[1]
	client := &http.Client{Timeout: 10 * time.Second}

	post := func(t *testing.T, req *http.Request) (int, []byte) {
		t.Helper()
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	type stats struct {
		Stats struct{ Requests, Refused int64 }
	}
	health := func(t *testing.T) stats {
		t.Helper()
		resp, err := client.Get(base + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var h stats
		if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&h) != nil {
			t.Fatalf("/healthz: %s", resp.Status)
		}
		return h
	}

	t.Run("ping", func(t *testing.T) {
		req, _ := signer.NewRequest(base+"/interactions", fake.Ping(), time.Now())
		code, body := post(t, req)
		if code != 200 || strings.TrimSpace(string(body)) != `{"type":1}` {
			t.Errorf("PING: %d %s", code, body)
		}
	})

	t.Run("refused: forged, tampered, stale, unsigned", func(t *testing.T) {
		before := health(t)
		i := fake.SlashCommand("ask", map[string]any{"question": "What was stage 1?"}, user("41"), guildID)
		forged, _ := discordtest.NewSigner().NewRequest(base+"/interactions", i, time.Now())
		stale, _ := signer.NewRequest(base+"/interactions", i, time.Now().Add(-6*time.Minute))
		tampered, _ := signer.NewRequest(base+"/interactions", i, time.Now())
		body, _ := io.ReadAll(tampered.Body)
		body = bytes.Replace(body, []byte("stage 1"), []byte("stage 2"), 1)
		tampered.Body = io.NopCloser(bytes.NewReader(body))
		tampered.ContentLength = int64(len(body))
		unsigned, _ := http.NewRequest("POST", base+"/interactions", bytes.NewReader(body))
		for name, req := range map[string]*http.Request{"forged": forged, "stale": stale, "tampered": tampered, "unsigned": unsigned} {
			if code, _ := post(t, req); code != 401 {
				t.Errorf("%s: status %d, want 401", name, code)
			}
		}
		after := health(t)
		if after.Stats.Requests != before.Stats.Requests || after.Stats.Refused != before.Stats.Refused+4 {
			t.Errorf("stats went from %+v to %+v: want 4 refused and no request handled", before, after)
		}
		for _, r := range fake.Requests() {
			if strings.Contains(r.Path, i.Token) {
				t.Errorf("a refused interaction was answered: %s", r)
			}
		}
	})

	t.Run("too large", func(t *testing.T) {
		big := bytes.Repeat([]byte("x"), 300<<10)
		req, _ := signer.NewRequest(base+"/interactions", big, time.Now())
		if code, _ := post(t, req); code != http.StatusRequestEntityTooLarge {
			t.Errorf("300 KiB body: status %d, want 413", code)
		}
	})

	t.Run("signed ask", func(t *testing.T) {
		line, n := corpusLine(t, "notes/stages.md", "Stage 1 (1980s to 1995) is the foundation stage.")
		i := fake.SlashCommand("ask", map[string]any{"question": "What was stage 1?"}, user("42"), guildID)
		req, _ := signer.NewRequest(base+"/interactions", i, time.Now())
		code, body := post(t, req)
		if code != 200 {
			t.Fatalf("status %d: %s", code, body)
		}
		var resp struct {
			Type int
			Data discordtest.Reply
		}
		if err := json.Unmarshal(body, &resp); err != nil {
			t.Fatal(err)
		}
		rep := resp.Data
		rep.Type = resp.Type
		if rep.Type == 5 {
			rep = s.answer(t, i)
		}
		checkNoPings(t, "HTTP response", rep)
		if !cites(rep, "notes/stages.md", n, line) {
			t.Errorf("HTTP answer does not cite notes/stages.md:%d: %s", n, body)
		}
	})

	t.Run("autocomplete", func(t *testing.T) {
		i := fake.Autocomplete("agency", map[string]any{"name": ""}, "name", user("43"), guildID)
		req, _ := signer.NewRequest(base+"/interactions", i, time.Now())
		code, body := post(t, req)
		var resp struct {
			Type int
			Data struct{ Choices []discordtest.Choice }
		}
		if code != 200 || json.Unmarshal(body, &resp) != nil || resp.Type != 8 || len(resp.Data.Choices) == 0 || len(resp.Data.Choices) > 25 {
			t.Errorf("autocomplete: %d %s", code, body)
		}
	})
}
