package bot

import (
	"strings"
	"time"
	"unicode/utf8"

	lru "github.com/hashicorp/golang-lru/v2"
)

// A button's custom_id is "prefix:args", under Discord's 100 characters.
// Its state travels in the id when it fits, so a button keeps working
// after a restart and on another replica; a long question is kept in a
// bounded in-memory cache under the id of the request that made the
// reply, and the button says so when the cache has forgotten it.
//
//	ctx:=notes/stages.md#012    show context of a passage
//	ctx:#1234567890             ... of the first passage of reply 1234567890
//	more:a:2:=What was stage 1? page 2 of an answer's passages (a: ask, s: search)
//	share:=What was stage 1?    post a private answer to the channel
//	fb:y:#1234567890            helpful (y) or not (n)

// ref is a question or passage id carried by a button: "=" and the text
// itself, or "#" and the key of the cached state.
func ref(prefix, text, key string) string {
	id := prefix + "=" + text
	if utf8.RuneCountInString(id) <= MaxCustomIDRunes {
		return id
	}
	return prefix + "#" + key
}

// state is what a reply's buttons may need and their ids could not hold.
type state struct {
	Question string
	Passages []string // passage ids cited, in order
	Source   string   // the document a search is narrowed to
}

// recentQuestion is an asker's last question, which a follow-up's "it" may
// stand for: when it was asked, and whether only the asker saw the answer.
type recentQuestion struct {
	Question string
	Asked    time.Time
	Private  bool
}

// cache is a fixed-size LRU (hashicorp/golang-lru) by string key; an empty
// key is never stored.
type cache[V any] struct{ lru *lru.Cache[string, V] }

// newCache holds at most n entries (n > 0).
func newCache[V any](n int) *cache[V] {
	c, err := lru.New[string, V](n)
	if err != nil {
		panic(err) // only for n <= 0, which New rules out
	}
	return &cache[V]{c}
}

func (c *cache[V]) put(key string, v V) {
	if key != "" {
		c.lru.Add(key, v)
	}
}

func (c *cache[V]) get(key string) (V, bool) { return c.lru.Get(key) }

// resolve reads a ref: the text it carries, or the cached state's; ok is
// false when the cache no longer holds it.
func resolve(c *cache[state], r string) (st state, inline bool, ok bool) {
	switch {
	case strings.HasPrefix(r, "="):
		return state{Question: r[1:]}, true, r != "="
	case strings.HasPrefix(r, "#"):
		st, ok := c.get(r[1:])
		return st, false, ok
	}
	return state{}, false, false
}
