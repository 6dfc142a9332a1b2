package bot

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter allows each user n requests a minute (bursts of up to n), with
// a bounded memory: a user whose bucket has refilled is forgotten, and
// when the table is full the longest idle user goes.
type limiter struct {
	mu      sync.Mutex
	perMin  int
	maxKeys int
	users   map[string]*userLimit
}

type userLimit struct {
	lim  *rate.Limiter
	last time.Time
	told bool // refused since the last request allowed, and told so
}

func newLimiter(perMinute, maxUsers int) *limiter {
	return &limiter{perMin: perMinute, maxKeys: maxUsers, users: map[string]*userLimit{}}
}

// allow takes one request from user's allowance at now; when there is
// none it returns how long until there is.
func (l *limiter) allow(user string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	u, ok := l.users[user]
	if !ok {
		if len(l.users) >= l.maxKeys {
			l.evict(now)
		}
		u = &userLimit{lim: rate.NewLimiter(rate.Every(time.Minute/time.Duration(l.perMin)), l.perMin)}
		l.users[user] = u
	}
	u.last = now
	r := u.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	u.told = false
	return true, 0
}

// tell reports whether a user just refused is to be told so: the first
// time since their last request allowed, and not again until one is.
func (l *limiter) tell(user string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	u, ok := l.users[user]
	if !ok {
		return true
	}
	first := !u.told
	u.told = true
	return first
}

// evict forgets every user idle long enough to have a full allowance
// again (forgetting them changes nothing), and if none is, the user idle
// longest.
func (l *limiter) evict(now time.Time) {
	var oldest string
	var oldestAt time.Time
	for id, u := range l.users {
		if now.Sub(u.last) >= time.Minute {
			delete(l.users, id)
			continue
		}
		if oldest == "" || u.last.Before(oldestAt) {
			oldest, oldestAt = id, u.last
		}
	}
	if len(l.users) >= l.maxKeys && oldest != "" {
		delete(l.users, oldest)
	}
}

func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.users)
}
