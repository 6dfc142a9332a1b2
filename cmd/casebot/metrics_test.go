package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casebot/casebot/bot/discordtest"
	"github.com/casebot/casebot/corpus"
)

// The admin server's /metrics and /healthz, scraped before and after ten
// questions (and a member over their rate, and a reindex) against the fake
// Discord, in gateway mode and in HTTP mode.

// scrape reads /metrics into a map from "name{labels}" to value.
func scrape(t *testing.T, base string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics: %s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metric line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// adminBase waits for the admin server's address in the log.
func adminBase(t *testing.T, s *served) string {
	t.Helper()
	line, ok := waitLog(s.out, "serving /healthz and /metrics", 10*time.Second)
	if !ok {
		t.Fatalf("no admin address logged:\n%s", s.out)
	}
	return "http://" + regexp.MustCompile(`admin_addr=(\S+)`).FindStringSubmatch(line)[1]
}

// tenQuestions are eight the documents answer and two they do not.
var tenQuestions = []string{
	"What was stage 1?", "What was stage 2?", "What happened in 2009?", "What is NIA?", "What is G4C?",
	"what are the success factors?", "Who wrote the article?", "When did Korea's e-government effort start?",
	"Where can I get the best Korean barbecue?", "Who won the football world cup?",
}

// checkMoved compares two scrapes.
func checkMoved(t *testing.T, before, after map[string]float64, reindexed bool) {
	t.Helper()
	moved := func(name string, atLeast float64) {
		t.Helper()
		if d := after[name] - before[name]; d < atLeast {
			t.Errorf("%s went from %v to %v, want +%v at least", name, before[name], after[name], atLeast)
		}
	}
	// Every question is counted once, answered or declined; which is the
	// model's call (the two out-of-scope ones are declined, most others
	// answered).
	moved(`casebot_questions_total{result="answered"}`, 6)
	moved(`casebot_questions_total{result="declined"}`, 2)
	moved(`casebot_answer_duration_seconds_count{command="ask",result="answered"}`, 6)
	moved(`casebot_answer_duration_seconds_count{command="ask",result="declined"}`, 2)
	total := func(m map[string]float64) float64 {
		return m[`casebot_questions_total{result="answered"}`] + m[`casebot_questions_total{result="declined"}`]
	}
	if d := total(after) - total(before); d != float64(len(tenQuestions)) {
		t.Errorf("questions counted: %v, want %d", d, len(tenQuestions))
	}
	moved(`casebot_requests_total`, 11)
	moved(`casebot_throttled_total`, 1)
	if reindexed {
		moved(`casebot_reindexes_total`, 1)
	}
	if after["casebot_index_passages"] < 100 || after["casebot_index_version"] < 1 || after["casebot_index_documents"] < 5 {
		t.Errorf("index gauges: passages %v, version %v, documents %v", after["casebot_index_passages"], after["casebot_index_version"], after["casebot_index_documents"])
	}
	found := false
	for k := range after {
		found = found || strings.HasPrefix(k, "casebot_build_info{")
	}
	if !found {
		t.Error("no casebot_build_info")
	}
	for _, name := range []string{"casebot_discord_errors_total", "casebot_discord_rate_limited_total", "go_goroutines"} {
		if _, ok := after[name]; !ok {
			t.Errorf("no %s", name)
		}
	}
}

// health reads /healthz.
func health(t *testing.T, base string) map[string]any {
	t.Helper()
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h map[string]any
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&h) != nil || h["status"] != "ok" {
		t.Fatalf("/healthz: %s %v", resp.Status, h)
	}
	return h
}

// copyCorpus copies the embedded corpus into a directory, so that it can
// be reindexed.
func copyCorpus(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "docs")
	if err := os.CopyFS(dir, corpus.Default()); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestServeMetricsGateway(t *testing.T) {
	t.Parallel()
	s := startGateway(t, map[string]string{"CASEBOT_CORPUS": copyCorpus(t)}, "--admin-addr", "127.0.0.1:0", "--rate", "3")
	base := adminBase(t, s)
	before := scrape(t, base)
	for i, q := range tenQuestions {
		rep := s.answer(t, s.slash(t, "ask", map[string]any{"question": q}, user(strconv.Itoa(100+i))))
		if len(rep.Embeds) == 0 {
			t.Fatalf("%q: no answer", q)
		}
	}
	// A member over their rate (3 a minute) is throttled.
	var last discordtest.Reply
	for range 4 {
		last = s.answer(t, s.slash(t, "search", map[string]any{"query": "procurement"}, user("99")))
	}
	if !strings.Contains(last.Content, "faster than I answer") {
		t.Errorf("the fourth search in a minute was not throttled: %+v", last)
	}
	if rep := s.answer(t, s.admin(t, "reindex", nil)); !strings.Contains(embedText(rep), "Nothing changed") {
		t.Errorf("/reindex: %s", embedText(rep))
	}
	checkMoved(t, before, scrape(t, base), true)
	h := health(t, base)
	if st, _ := h["stats"].(map[string]any); st == nil || st["questions"].(float64) < 10 {
		t.Errorf("/healthz stats: %v", h)
	}
}

func TestServeMetricsHTTP(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	signer := discordtest.NewSigner()
	s := startServe(t, fake, map[string]string{
		"DISCORD_PUBLIC_KEY": signer.PublicKeyHex(),
		"DISCORD_APP_ID":     fake.ApplicationID(),
		"CASEBOT_ADMIN_ADDR": "127.0.0.1:0",
		"CASEBOT_RATE":       "3",
	}, "--http", "127.0.0.1:0")
	line, ok := waitLog(s.out, "serving HTTP interactions", 10*time.Second)
	if !ok {
		t.Fatalf("no address logged:\n%s", s.out)
	}
	endpoint := "http://" + regexp.MustCompile(`addr=(\S+)`).FindStringSubmatch(line)[1] + "/interactions"
	base := adminBase(t, s)
	before := scrape(t, base)
	client := &http.Client{Timeout: 10 * time.Second}
	post := func(i discordtest.Interaction) string {
		t.Helper()
		req, _ := signer.NewRequest(endpoint, i, time.Now())
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("status %d: %s", resp.StatusCode, b)
		}
		if strings.HasPrefix(string(b), `{"type":5`) {
			// Deferred on a busy machine: the answer is edited in later.
			r, err := fake.WaitRequest(timeout(t), func(r discordtest.Request) bool {
				return r.Method == "PATCH" && strings.Contains(r.Path, "/"+i.Token+"/messages/@original")
			})
			if err != nil {
				t.Fatal(err)
			}
			return string(r.Body)
		}
		return string(b)
	}
	for i, q := range tenQuestions {
		post(fake.SlashCommand("ask", map[string]any{"question": q}, user(strconv.Itoa(200+i)), guildID))
	}
	var last string
	for range 4 {
		last = post(fake.SlashCommand("search", map[string]any{"query": "procurement"}, user("98"), guildID))
	}
	if !strings.Contains(last, "faster than I answer") {
		t.Errorf("the fourth search in a minute was not throttled: %s", last)
	}
	checkMoved(t, before, scrape(t, base), false)
	health(t, base)
}
