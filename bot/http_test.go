package bot

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/casebot/casebot/bot/discordtest"
)

func TestVerify(t *testing.T) {
	t.Parallel()
	pub, priv, _ := ed25519.GenerateKey(nil)
	otherPub, _, _ := ed25519.GenerateKey(nil)
	now := time.Unix(1_700_000_000, 0)
	body := []byte(`{"type":1}`)
	sign := func(ts string, b []byte) string {
		return hex.EncodeToString(ed25519.Sign(priv, append([]byte(ts), b...)))
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	old := strconv.FormatInt(now.Add(-5*time.Minute-time.Second).Unix(), 10)
	ahead := strconv.FormatInt(now.Add(6*time.Minute).Unix(), 10)
	recent := strconv.FormatInt(now.Add(-4*time.Minute).Unix(), 10)
	for _, c := range []struct {
		name    string
		key     ed25519.PublicKey
		sig, ts string
		body    []byte
		want    error
	}{
		{"valid", pub, sign(ts, body), ts, body, nil},
		{"valid, 4 minutes old", pub, sign(recent, body), recent, body, nil},
		{"other key", otherPub, sign(ts, body), ts, body, errBadSignature},
		{"body changed", pub, sign(ts, body), ts, []byte(`{"type":2}`), errBadSignature},
		{"timestamp changed", pub, sign(ts, body), recent, body, errBadSignature},
		{"older than 5 minutes", pub, sign(old, body), old, body, errStale},
		{"from the future", pub, sign(ahead, body), ahead, body, errStale},
		{"no signature", pub, "", ts, body, errNoSignature},
		{"no timestamp", pub, sign(ts, body), "", body, errNoSignature},
		{"signature not hex", pub, "zz" + sign(ts, body)[2:], ts, body, errBadSignature},
		{"signature too short", pub, sign(ts, body)[:64], ts, body, errBadSignature},
		{"timestamp not a number", pub, sign("soon", body), "soon", body, errBadSignature},
		{"no key", nil, sign(ts, body), ts, body, errBadSignature},
	} {
		h := http.Header{}
		if c.sig != "" {
			h.Set("X-Signature-Ed25519", c.sig)
		}
		if c.ts != "" {
			h.Set("X-Signature-Timestamp", c.ts)
		}
		if got := verify(c.key, h, c.body, now); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// TestHTTPEndpoint drives the endpoint's handler with signed requests;
// a slow engine makes the answer deferred (type 5 in the HTTP response)
// and edited in over REST.
// fakeSession is a REST session against the fake Discord.
func fakeSession(t *testing.T, fake *discordtest.Server) *discordgo.Session {
	t.Helper()
	client, err := APIClient(fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	s, err := newSession("test-token", client)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// serveHTTP serves b's interactions endpoint until the test ends, with
// the fake Discord for its REST calls.
func serveHTTP(t *testing.T, b *Bot, fake *discordtest.Server, signer *discordtest.Signer) *httptest.Server {
	t.Helper()
	s := fakeSession(t, fake)
	srv := httptest.NewServer(b.handler(context.Background(), s, HTTPOptions{PublicKey: signer.PublicKey}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { _ = b.inflight.drain(context.Background()) })
	return srv
}

func TestHTTPEndpoint(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	signer := discordtest.NewSigner()
	b, logs := newTestBot(t, Options{Engine: slowEngine{Engine: testIndex(t), delay: 300 * time.Millisecond}, DeferAfter: 100 * time.Millisecond})
	srv := serveHTTP(t, b, fake, signer)

	do := func(req *http.Request) (int, []byte) {
		t.Helper()
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, body
	}

	req, _ := signer.NewRequest(srv.URL, fake.Ping(), time.Now())
	if code, body := do(req); code != 200 || string(body) != `{"type":1}` {
		t.Errorf("PING: %d %s", code, body)
	}
	req, _ = signer.NewRequest(srv.URL, bytes.Repeat([]byte{'{'}, MaxBodyBytes+1), time.Now())
	if code, _ := do(req); code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: %d", code)
	}
	req, _ = http.NewRequest("POST", srv.URL, strings.NewReader(`{"type":1}`))
	if code, _ := do(req); code != http.StatusUnauthorized {
		t.Errorf("unsigned PING: %d", code)
	}
	req, _ = signer.NewRequest(srv.URL, []byte("not json"), time.Now())
	if code, _ := do(req); code != http.StatusBadRequest {
		t.Errorf("signed garbage: %d", code)
	}

	i := fake.SlashCommand("ask", map[string]any{"question": "What was stage 1?", "private": true}, discordtest.User{ID: "5", Username: "eve"}, "100")
	req, _ = signer.NewRequest(srv.URL, i, time.Now())
	start := time.Now()
	code, body := do(req)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("first response after %v", d)
	}
	var first struct {
		Type int `json:"type"`
		Data struct {
			Flags           int `json:"flags"`
			AllowedMentions *struct {
				Parse []string `json:"parse"`
			} `json:"allowed_mentions"`
		} `json:"data"`
	}
	if code != 200 || json.Unmarshal(body, &first) != nil || first.Type != 5 || first.Data.Flags != 64 {
		t.Fatalf("slow private answer: want a private deferral (type 5, flags 64), got %d %s", code, body)
	}
	if first.Data.AllowedMentions == nil || first.Data.AllowedMentions.Parse == nil {
		t.Errorf("deferral without allowed_mentions parse []: %s", body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ed, err := fake.WaitRequest(ctx, func(r discordtest.Request) bool {
		return r.Method == "PATCH" && strings.Contains(r.Path, i.Token+"/messages/@original")
	})
	if err != nil {
		t.Fatalf("no edit: %v\n%s", err, logs)
	}
	rep, _ := ed.Reply()
	if ed.Status != 200 || len(rep.Embeds) == 0 || rep.AllowedMentions == nil || rep.AllowedMentions.Parse == nil || len(rep.AllowedMentions.Parse) != 0 {
		t.Errorf("edit: %s %+v", ed, rep)
	}

	resp, err := srv.Client().Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h struct {
		Status       string
		IndexVersion int `json:"index_version"`
		Stats        Stats
	}
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&h) != nil || h.Status != "ok" || h.IndexVersion != 1 {
		t.Errorf("/healthz: %s %+v", resp.Status, h)
	}
	if h.Stats.Refused != 2 || h.Stats.Deferred != 1 || h.Stats.Requests != 1 {
		t.Errorf("stats %+v: want 2 refused (too large, unsigned), 1 request, deferred", h.Stats)
	}
}

// TestHTTPReplayRefused: a signed interaction request sent again while its
// signature is still fresh (recorded at a TLS proxy, say) is refused, so a
// button's click is recorded once and an admin command runs once; a PING
// may come any number of times.
func TestHTTPReplayRefused(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	signer := discordtest.NewSigner()
	data := t.TempDir()
	b, logs := newTestBot(t, Options{DataDir: data, Rate: 100})
	srv := serveHTTP(t, b, fake, signer)
	send := func(body any, ts time.Time) int {
		t.Helper()
		req, err := signer.NewRequest(srv.URL, body, ts)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	msg := discordtest.Message{ID: "900", ChannelID: "1", GuildID: "100"}
	i := fake.Button("fb:y:=What was stage 1?", discordtest.User{ID: "5", Username: "eve"}, msg)
	ts := time.Now().Add(-time.Minute)
	if code := send(i, ts); code != http.StatusOK {
		t.Fatalf("first send: %d", code)
	}
	for k := 0; k < 2; k++ {
		if code := send(i, ts); code != http.StatusUnauthorized {
			t.Errorf("replay %d: %d, want 401", k+1, code)
		}
	}
	_ = b.inflight.drain(context.Background()) // a deferred answer has finished
	fb, err := os.ReadFile(filepath.Join(data, "feedback.jsonl"))
	if n := strings.Count(string(fb), "\n"); err != nil || n != 1 {
		t.Errorf("one click sent three times recorded %d feedback lines (%v)", n, err)
	}
	if !strings.Contains(logs.String(), "replayed") {
		t.Errorf("the refusal is not logged: %s", logs)
	}
	for k := 0; k < 2; k++ {
		if code := send(fake.Ping(), time.Now()); code != http.StatusOK {
			t.Errorf("PING %d: %d", k+1, code)
		}
	}
}
