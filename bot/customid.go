package bot

import (
	"container/list"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
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
	// Asked is when the question was asked, and Private whether only the
	// asker saw the answer (the recent questions only).
	Asked   time.Time
	Private bool
}

// stateCache is a fixed-size LRU of reply states, by request id.
type stateCache struct {
	mu    sync.Mutex
	max   int
	ll    *list.List
	items map[string]*list.Element
}

type cacheEntry struct {
	key string
	st  state
}

func newStateCache(n int) *stateCache {
	return &stateCache{max: n, ll: list.New(), items: map[string]*list.Element{}}
}

func (c *stateCache) put(key string, st state) {
	if key == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		e.Value.(*cacheEntry).st = st
		c.ll.MoveToFront(e)
		return
	}
	c.items[key] = c.ll.PushFront(&cacheEntry{key, st})
	for c.ll.Len() > c.max {
		last := c.ll.Back()
		c.ll.Remove(last)
		delete(c.items, last.Value.(*cacheEntry).key)
	}
}

func (c *stateCache) get(key string) (state, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[key]
	if !ok {
		return state{}, false
	}
	c.ll.MoveToFront(e)
	return e.Value.(*cacheEntry).st, true
}

// resolve reads a ref: the text it carries, or the cached state's.
// expired is true when the cache no longer holds it.
func (c *stateCache) resolve(r string) (st state, inline bool, ok bool) {
	switch {
	case strings.HasPrefix(r, "="):
		return state{Question: r[1:]}, true, r != "="
	case strings.HasPrefix(r, "#"):
		st, ok := c.get(r[1:])
		return st, false, ok
	}
	return state{}, false, false
}
