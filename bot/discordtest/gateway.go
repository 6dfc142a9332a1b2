package discordtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Gateway opcodes.
const (
	opDispatch       = 0
	opHeartbeat      = 1
	opIdentify       = 2
	opPresenceUpdate = 3
	opVoiceState     = 4
	opResume         = 6
	opReconnect      = 7
	opRequestMembers = 8
	opInvalidSession = 9
	opHello          = 10
	opHeartbeatAck   = 11
)

// privilegedIntents are GUILD_MEMBERS, GUILD_PRESENCES and MESSAGE_CONTENT.
const privilegedIntents = 1<<1 | 1<<8 | 1<<15

const writeTimeout = 5 * time.Second

// Frame is one payload a client sent over the gateway.
type Frame struct {
	Op   int             `json:"op"`
	Data json.RawMessage `json:"d"`
}

// IdentifyPayload is what a client sent in IDENTIFY (op 2). discordgo sends
// the token with its "Bot " prefix.
type IdentifyPayload struct {
	Token          string            `json:"token"`
	Intents        int               `json:"intents"`
	Shard          *[2]int           `json:"shard,omitempty"`
	Compress       bool              `json:"compress"`
	LargeThreshold int               `json:"large_threshold"`
	Properties     map[string]string `json:"properties"`
}

// gatewaySession outlives its connection so a client can RESUME it.
type gatewaySession struct {
	id       string
	identify IdentifyPayload
	seq      atomic.Int64
	conn     *gatewayConn    // guarded by Server.mu; nil while detached
	guilds   map[string]bool // guarded by Server.mu; guilds whose GUILD_CREATE it got
}

func (g *gatewaySession) shard() (id, count int) {
	if g.identify.Shard == nil {
		return 0, 1
	}
	return g.identify.Shard[0], g.identify.Shard[1]
}

type gatewayConn struct {
	n    int // creation order, for deterministic dispatch order
	ws   *websocket.Conn
	wmu  sync.Mutex      // one writer at a time
	sess *gatewaySession // guarded by Server.mu; set as READY or RESUMED is sent
}

type outFrame struct {
	Op   int             `json:"op"`
	Data json.RawMessage `json:"d"`
	Seq  *int64          `json:"s"`
	Type *string         `json:"t"`
}

// write sends a frame. Call with c.wmu held.
func (c *gatewayConn) write(f outFrame) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	return c.ws.WriteMessage(websocket.TextMessage, b)
}

func (c *gatewayConn) send(op int, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.write(outFrame{Op: op, Data: raw})
}

// dispatch sends op 0 with the session's next sequence number. Call with
// c.wmu held, so sequence numbers reach the wire in order.
func (c *gatewayConn) dispatch(sess *gatewaySession, event string, raw json.RawMessage) error {
	seq := sess.seq.Add(1)
	return c.write(outFrame{Op: opDispatch, Data: raw, Seq: &seq, Type: &event})
}

// closeWith sends a close frame and closes the connection; the read loop
// then ends. Safe to call concurrently with writes.
func (c *gatewayConn) closeWith(code int, text string) {
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
	_ = c.ws.Close()
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// serveGateway runs one gateway connection: HELLO, then IDENTIFY or RESUME,
// heartbeats, until the client or Close ends it.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.arrivals++
	req := Request{Seq: s.arrivals, Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(),
		Header: r.Header.Clone(), Status: http.StatusSwitchingProtocols, Time: time.Now()}
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "closed", http.StatusServiceUnavailable)
		return
	}
	s.wsWG.Add(1)
	s.mu.Unlock()
	defer s.wsWG.Done()

	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		req.Status = http.StatusBadRequest
		s.record(req)
		return
	}
	s.record(req)

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = ws.Close()
		return
	}
	s.connCount++
	c := &gatewayConn{n: s.connCount, ws: ws}
	s.conns[c] = struct{}{}
	s.mu.Unlock()
	defer s.dropConn(c)

	if err := c.send(opHello, map[string]any{"heartbeat_interval": s.cfg.heartbeat.Milliseconds()}); err != nil {
		return
	}
	for {
		_, msg, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var f Frame
		if err := json.Unmarshal(msg, &f); err != nil {
			c.closeWith(4002, "Error while decoding payload.")
			return
		}
		s.mu.Lock()
		s.frames = append(s.frames, Frame{Op: f.Op, Data: append(json.RawMessage(nil), f.Data...)})
		authed := c.sess != nil
		s.notifyLocked()
		s.mu.Unlock()

		switch f.Op {
		case opHeartbeat:
			if c.send(opHeartbeatAck, nil) != nil {
				return
			}
		case opIdentify:
			if !s.identify(c, f.Data) {
				return
			}
		case opResume:
			if !s.resume(c, f.Data) {
				return
			}
		case opPresenceUpdate, opVoiceState, opRequestMembers:
			if !authed {
				c.closeWith(4003, "Not authenticated.")
				return
			}
		default:
			c.closeWith(4001, "Unknown opcode.")
			return
		}
	}
}

func (s *Server) dropConn(c *gatewayConn) {
	_ = c.ws.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
	if c.sess != nil {
		if c.sess.conn == c {
			c.sess.conn = nil
		}
		c.sess = nil
		s.ready--
	}
	s.notifyLocked()
}

// identify answers op 2 with READY, or closes the connection the way
// Discord does. It reports whether the connection stays open.
func (s *Server) identify(c *gatewayConn, data json.RawMessage) bool {
	var id IdentifyPayload
	if err := json.Unmarshal(data, &id); err != nil {
		c.closeWith(4002, "Error while decoding payload.")
		return false
	}
	s.mu.Lock()
	authed := c.sess != nil
	s.mu.Unlock()
	switch {
	case authed:
		c.closeWith(4005, "Already authenticated.")
		return false
	case !s.tokenOK(id.Token):
		c.closeWith(4004, "Authentication failed.")
		return false
	case id.Shard != nil && (id.Shard[1] < 1 || id.Shard[0] < 0 || id.Shard[0] >= id.Shard[1]):
		c.closeWith(4010, "Invalid shard.")
		return false
	case id.Intents < 0 || id.Intents >= 1<<26:
		c.closeWith(4013, "Invalid intent(s).")
		return false
	case id.Intents&privilegedIntents&^s.cfg.privilegedIntents != 0:
		c.closeWith(4014, "Disallowed intent(s).")
		return false
	}

	s.mu.Lock()
	s.sessionCount++
	sess := &gatewaySession{id: "session-" + strconv.Itoa(s.sessionCount), identify: id, guilds: map[string]bool{}}
	shard, shards := sess.shard()
	var guildIDs []string
	for gid := range s.guilds {
		if shardOf(gid, shards) == shard {
			guildIDs = append(guildIDs, gid)
		}
	}
	s.mu.Unlock()
	sort.Strings(guildIDs)
	unavailable := []any{}
	for _, gid := range guildIDs {
		unavailable = append(unavailable, map[string]any{"id": gid, "unavailable": true})
	}

	ready := map[string]any{
		"v":                  9,
		"user":               s.cfg.botUser,
		"session_id":         sess.id,
		"resume_gateway_url": s.wsURL,
		"application":        map[string]any{"id": s.cfg.appID, "flags": 0},
		"guilds":             unavailable,
		"private_channels":   []any{},
	}
	if id.Shard != nil {
		ready["shard"] = id.Shard
	}
	raw, err := json.Marshal(ready)
	if err != nil {
		return false
	}
	// The connection counts as ready before READY is written, since the
	// client may act as soon as it reads READY; holding the write lock
	// keeps any event dispatched meanwhile behind READY.
	c.wmu.Lock()
	defer c.wmu.Unlock()
	s.mu.Lock()
	s.sessions[sess.id] = sess
	s.attachLocked(c, sess)
	s.mu.Unlock()
	if c.dispatch(sess, "READY", raw) != nil {
		return false
	}
	// Then each guild READY listed as unavailable, as Discord sends them.
	for _, gid := range guildIDs {
		if s.sendGuild(c, sess, gid) != nil {
			return false
		}
	}
	return true
}

// attachLocked makes c the connection of sess, detaching any previous one.
func (s *Server) attachLocked(c *gatewayConn, sess *gatewaySession) {
	if old := sess.conn; old != nil && old.sess == sess {
		old.sess = nil
		s.ready--
	}
	sess.conn, c.sess = c, sess
	s.ready++
	s.notifyLocked()
}

// resume answers op 6: RESUMED for a session this server made, op 9
// (invalid session, not resumable) otherwise. Events dispatched while the
// session had no connection were refused (Dispatch returned an error), so
// there is nothing to replay.
func (s *Server) resume(c *gatewayConn, data json.RawMessage) bool {
	var rp struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if err := json.Unmarshal(data, &rp); err != nil {
		c.closeWith(4002, "Error while decoding payload.")
		return false
	}
	s.mu.Lock()
	authed := c.sess != nil
	sess := s.sessions[rp.SessionID]
	var old *gatewayConn
	if sess != nil {
		old = sess.conn
	}
	s.mu.Unlock()
	switch {
	case authed:
		c.closeWith(4005, "Already authenticated.")
		return false
	case !s.tokenOK(rp.Token):
		c.closeWith(4004, "Authentication failed.")
		return false
	case sess == nil:
		return c.send(opInvalidSession, false) == nil
	}
	if old != nil {
		// Discord ends the session's previous connection.
		old.closeWith(4009, "Session timed out.")
	}

	c.wmu.Lock()
	defer c.wmu.Unlock()
	s.mu.Lock()
	s.attachLocked(c, sess)
	s.mu.Unlock()
	return c.dispatch(sess, "RESUMED", json.RawMessage(`{}`)) == nil
}

// WaitReady blocks until at least one gateway client has identified (or
// resumed). Its READY (or RESUMED) may still be on its way, but any event
// dispatched from now on reaches the client after it.
func (s *Server) WaitReady(ctx context.Context) error {
	return s.wait(ctx, func() bool { return s.ready > 0 })
}

// Identify returns the last IDENTIFY any client sent, accepted or not.
func (s *Server) Identify() (IdentifyPayload, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.frames) - 1; i >= 0; i-- {
		if s.frames[i].Op != opIdentify {
			continue
		}
		var id IdentifyPayload
		if json.Unmarshal(s.frames[i].Data, &id) == nil {
			return id, true
		}
	}
	return IdentifyPayload{}, false
}

// Frames returns every payload clients sent over the gateway, in order:
// heartbeats (op 1), IDENTIFY (2), presence updates (3), RESUME (6), ...
func (s *Server) Frames() []Frame {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Frame, len(s.frames))
	for i, f := range s.frames {
		out[i] = Frame{Op: f.Op, Data: append(json.RawMessage(nil), f.Data...)}
	}
	return out
}

// WaitFrame returns the first payload, in order, that any client sent over
// the gateway and for which match is true, waiting for it if needed.
func (s *Server) WaitFrame(ctx context.Context, match func(Frame) bool) (Frame, error) {
	var found Frame
	seen := 0
	err := s.wait(ctx, func() bool {
		for _, f := range s.frames[seen:] {
			if match(f) {
				found = Frame{Op: f.Op, Data: append(json.RawMessage(nil), f.Data...)}
				return true
			}
		}
		seen = len(s.frames)
		return false
	})
	return found, err
}

type target struct {
	c    *gatewayConn
	sess *gatewaySession
}

// targets returns the ready connections that receive an event for guildID,
// in connection order. Like Discord, a sharded client gets the events of
// guilds with (guild_id >> 22) % shard_count == shard_id, and DMs (no
// guild) go to shard 0. Guild ids that are not snowflakes count as shard 0.
func (s *Server) targets(guildID string) []target {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []target
	for c := range s.conns {
		if c.sess == nil {
			continue
		}
		id, count := c.sess.shard()
		if shardOf(guildID, count) == id {
			out = append(out, target{c, c.sess})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].c.n < out[j].c.n })
	return out
}

func shardOf(guildID string, count int) int {
	n, err := strconv.ParseUint(guildID, 10, 64)
	if count <= 1 || err != nil {
		return 0
	}
	return int((n >> 22) % uint64(count))
}

// Dispatch sends a dispatch (op 0, t eventName, d data, s the session's
// next sequence number) to every ready client that would receive it: all
// of them, unless they identified as shards, in which case only the shard
// of data's guild_id. data may be any JSON-able value, including
// json.RawMessage. It fails if no client received the event.
func (s *Server) Dispatch(eventName string, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("dispatch %s: %w", eventName, err)
	}
	var peek struct {
		GuildID string `json:"guild_id"`
	}
	_ = json.Unmarshal(raw, &peek)
	return s.dispatch(eventName, raw, peek.GuildID)
}

func (s *Server) dispatch(event string, raw json.RawMessage, guildID string) error {
	ts := s.targets(guildID)
	if len(ts) == 0 {
		return fmt.Errorf("dispatch %s: no ready gateway client for guild %q", event, guildID)
	}
	var errs []error
	for _, t := range ts {
		t.c.wmu.Lock()
		var err error
		if event != "GUILD_CREATE" {
			// A guild the fake first heard of after READY: the bot has
			// joined it, and Discord sends its GUILD_CREATE before any of
			// its events.
			err = s.sendGuild(t.c, t.sess, guildID)
		}
		if err == nil {
			err = t.c.dispatch(t.sess, event, raw)
		}
		t.c.wmu.Unlock()
		if err != nil {
			errs = append(errs, fmt.Errorf("dispatch %s: %w", event, err))
		}
	}
	return errors.Join(errs...)
}

// RequestReconnect sends op 7 (Reconnect) to every ready client, as Discord
// does before moving a connection. discordgo then closes the connection and,
// if ShouldReconnectOnError is set, reconnects and sends RESUME.
//
// Wait for the client's first heartbeat (WaitFrame, op 1) before calling it:
// discordgo v0.29.0's heartbeat goroutine, if it has not run yet, later
// writes to the closed connection and then closes the new one, and the
// reconnects can chain.
func (s *Server) RequestReconnect() error {
	s.mu.Lock()
	var all []*gatewayConn
	for c := range s.conns {
		if c.sess != nil {
			all = append(all, c)
		}
	}
	s.mu.Unlock()
	if len(all) == 0 {
		return errors.New("reconnect: no ready gateway client")
	}
	sort.Slice(all, func(i, j int) bool { return all[i].n < all[j].n })
	var errs []error
	for _, c := range all {
		if err := c.send(opReconnect, nil); err != nil {
			errs = append(errs, fmt.Errorf("reconnect: %w", err))
		}
	}
	return errors.Join(errs...)
}
