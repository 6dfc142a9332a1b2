package bot

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFeedbackLog(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	l, err := openFeedback(dir)
	if err != nil {
		t.Fatal(err)
	}
	h := l.hashUser("123456789012345678")
	if len(h) != 64 || strings.Contains(h, "123456789012345678") || h == l.hashUser("123456789012345679") {
		t.Errorf("hash %q", h)
	}
	// The salt is kept: the same user hashes the same after a restart,
	// and differently in another install.
	again, err := openFeedback(dir)
	if err != nil {
		t.Fatal(err)
	}
	if again.hashUser("123456789012345678") != h {
		t.Error("hash changed across opens of the same data directory")
	}
	other, _ := openFeedback(t.TempDir())
	if other.hashUser("123456789012345678") == h {
		t.Error("two installs hash a user the same")
	}
	if fi, err := os.Stat(filepath.Join(dir, "salt")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("salt file: %v %v", fi.Mode(), err)
	}

	for _, helpful := range []bool{true, false} {
		if err := l.add(Feedback{Time: time.Unix(0, 0), Helpful: helpful, Question: "q", Passages: []string{"a#001"}, User: h, IndexVersion: 1}); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "feedback.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines", len(lines))
	}
	var f Feedback
	if err := json.Unmarshal([]byte(lines[1]), &f); err != nil || f.Helpful || f.Question != "q" || f.User != h || f.Passages[0] != "a#001" {
		t.Errorf("line %s: %+v %v", lines[1], f, err)
	}

	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "salt"), []byte("not hex"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := openFeedback(bad); err == nil {
		t.Error("a broken salt file: want an error")
	}
}
