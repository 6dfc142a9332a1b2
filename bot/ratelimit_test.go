package bot

import (
	"fmt"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	l := newLimiter(5, 100)
	for i := range 5 {
		if ok, _ := l.allow("alice", t0); !ok {
			t.Fatalf("request %d of 5 refused", i+1)
		}
	}
	ok, wait := l.allow("alice", t0)
	if ok || wait != 12*time.Second {
		t.Errorf("6th request: %v, wait %v; want refused, 12 s (a minute / 5)", ok, wait)
	}
	if ok, _ := l.allow("bob", t0); !ok {
		t.Error("bob refused for alice's questions")
	}
	if ok, _ := l.allow("alice", t0.Add(12*time.Second)); !ok {
		t.Error("alice still refused after 12 s")
	}
	// A refused request does not use up the allowance.
	if ok, _ := l.allow("alice", t0.Add(12*time.Second)); ok {
		t.Error("two requests allowed in 12 s at 5 a minute")
	}
	if ok, _ := l.allow("alice", t0.Add(24*time.Second)); !ok {
		t.Error("the refused request counted against alice")
	}
}

func TestLimiterBounded(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	l := newLimiter(5, 50)
	for i := range 500 {
		l.allow(fmt.Sprint("user", i), t0.Add(time.Duration(i)*time.Millisecond))
	}
	if n := l.size(); n > 50 {
		t.Errorf("%d users remembered, want at most 50", n)
	}
	// Idle users are forgotten first: after a minute everyone is.
	l.allow("late", t0.Add(2*time.Minute))
	if n := l.size(); n > 50 {
		t.Errorf("%d users remembered", n)
	}
	// The busiest recent user is not the one evicted.
	l = newLimiter(1, 2)
	l.allow("a", t0)
	l.allow("b", t0.Add(time.Second))
	l.allow("c", t0.Add(2*time.Second)) // evicts a, the longest idle
	if ok, _ := l.allow("b", t0.Add(3*time.Second)); ok {
		t.Error("b was evicted instead of a (b's allowance came back)")
	}
}

// TestLimiterTell: a refused user is to be told the first time only, and
// again after a request of theirs is allowed and another refused.
func TestLimiterTell(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	l := newLimiter(1, 100)
	l.allow("alice", t0)
	for i, want := range []bool{true, false, false} {
		if ok, _ := l.allow("alice", t0); ok {
			t.Fatal("a second request in the minute allowed")
		}
		if got := l.tell("alice"); got != want {
			t.Errorf("refusal %d: tell %v, want %v", i+1, got, want)
		}
	}
	if ok, _ := l.allow("alice", t0.Add(time.Minute)); !ok {
		t.Fatal("refused after a minute")
	}
	if ok, _ := l.allow("alice", t0.Add(time.Minute)); ok || !l.tell("alice") {
		t.Error("a refusal after an allowed request is not told")
	}
}
