package bot

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Limits of the HTTP interactions endpoint.
const (
	// MaxBodyBytes caps a request body. Interactions are a few kilobytes;
	// resolved users, members and messages can add some.
	MaxBodyBytes = 256 << 10
	// MaxSignatureAge is how old a signed timestamp may be (either way),
	// so a recorded request cannot be replayed later.
	MaxSignatureAge = 5 * time.Minute
)

// HTTPOptions configure ServeHTTP.
type HTTPOptions struct {
	// PublicKey is the application's, from the Developer Portal.
	PublicKey ed25519.PublicKey
	// Token, AppID and GuildID register the commands, as in
	// GatewayOptions, and Token's session edits deferred answers. AppID is
	// required: there is no READY to name it.
	Token, AppID, GuildID string
	Client                *http.Client
	DrainTimeout          time.Duration
	// Now is the clock signatures are checked against (default time.Now).
	Now func() time.Time
}

// Signature check failures.
var (
	errNoSignature  = errors.New("missing signature headers")
	errBadSignature = errors.New("signature does not verify")
	errStale        = errors.New("timestamp too old or too far ahead")
)

// verify checks a request the way Discord signs it: Ed25519 over the
// X-Signature-Timestamp header followed by the body, hex in
// X-Signature-Ed25519. The timestamp (Unix seconds) must be within
// MaxSignatureAge of now, so old requests cannot be replayed.
func verify(key ed25519.PublicKey, h http.Header, body []byte, now time.Time) error {
	sigHex, ts := h.Get("X-Signature-Ed25519"), h.Get("X-Signature-Timestamp")
	if sigHex == "" || ts == "" {
		return errNoSignature
	}
	sig, err := hex.DecodeString(sigHex)
	if err != nil || len(sig) != ed25519.SignatureSize || len(key) != ed25519.PublicKeySize {
		return errBadSignature
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errBadSignature
	}
	if age := now.Sub(time.Unix(secs, 0)); age > MaxSignatureAge || age < -MaxSignatureAge {
		return errStale
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	if !ed25519.Verify(key, msg, sig) {
		return errBadSignature
	}
	return nil
}

// ServeHTTP registers the commands, then serves Discord's interactions
// endpoint on ln (any path; POST) and GET /healthz until ctx ends, then
// shuts down cleanly. Mentions and DMs need the gateway; HTTP mode
// answers slash commands and buttons.
func (b *Bot) ServeHTTP(ctx context.Context, ln net.Listener, o HTTPOptions) error {
	defer ln.Close()
	if len(o.PublicKey) != ed25519.PublicKeySize {
		return errors.New("DISCORD_PUBLIC_KEY: want the application's public key, 64 hex digits")
	}
	if o.AppID == "" {
		return errors.New("HTTP mode needs DISCORD_APP_ID")
	}
	if o.DrainTimeout <= 0 {
		o.DrainTimeout = 10 * time.Second
	}
	s, err := newSession(o.Token, o.Client)
	if err != nil {
		return err
	}
	if err := b.register(ctx, s, o.AppID, o.GuildID); err != nil {
		if ctx.Err() != nil {
			return nil // asked to stop while registering
		}
		return err
	}
	srv := &http.Server{
		Handler:           b.handler(context.WithoutCancel(ctx), s, o),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    32 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	// Interactions are answered meanwhile.
	b.removeStale(ctx, s, o.AppID, o.GuildID)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	b.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), o.DrainTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		b.log.Warn("HTTP shutdown", "err", err)
	}
	if err := b.inflight.drain(sctx); err != nil {
		b.log.Warn("answers still in flight at shutdown", "err", err)
	}
	b.log.Info("stopped", "stats", b.Stats())
	return nil
}

// handler is the interactions endpoint and /healthz. Answers that go on
// after the HTTP response (deferred edits) run under base.
func (b *Bot) handler(base context.Context, s *discordgo.Session, o HTTPOptions) http.Handler {
	if o.Now == nil {
		o.Now = time.Now
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		info := b.eng.Info()
		writeJSON(w, http.StatusOK, map[string]any{
			"status": "ok", "index_version": info.Version, "passages": info.Passages, "stats": b.Stats(),
		})
	})
	mux.HandleFunc("POST /", func(w http.ResponseWriter, r *http.Request) {
		b.serveInteraction(base, s, o, w, r)
	})
	return mux
}

func (b *Bot) serveInteraction(base context.Context, s *discordgo.Session, o HTTPOptions, w http.ResponseWriter, r *http.Request) {
	received := o.Now()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		b.stats.refused.Add(1)
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read request body", http.StatusBadRequest)
		return
	}
	if err := verify(o.PublicKey, r.Header, body, received); err != nil {
		b.stats.refused.Add(1)
		b.log.Info("refused an interaction request", "remote", r.RemoteAddr, "reason", err)
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil {
		http.Error(w, "not an interaction", http.StatusBadRequest)
		return
	}
	if i.Type != discordgo.InteractionPing && !b.firstSight(i.ID, received) {
		// A signed request seen before: a replay within MaxSignatureAge.
		b.stats.refused.Add(1)
		b.log.Info("refused an interaction request", "remote", r.RemoteAddr, "reason", "replayed", "interaction", i.ID)
		http.Error(w, "interaction already received", http.StatusUnauthorized)
		return
	}
	if i.Type == discordgo.InteractionPing {
		writeJSON(w, http.StatusOK, discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
		return
	}
	if !b.inflight.begin() {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	first := make(chan any, 1)
	go func() {
		defer b.inflight.end()
		defer b.guard("interaction")
		b.interact(base, &i, &httpResponder{rest: newRESTResponder(b, s, &i), first: first}, received)
	}()
	t := time.NewTimer(time.Until(received.Add(responseDeadline)))
	defer t.Stop()
	select {
	case resp := <-first:
		writeJSON(w, http.StatusOK, resp)
	case <-t.C:
		b.stats.sendFailures.Add(1)
		b.log.Warn("no first response in time", "interaction", i.ID)
		http.Error(w, "no response in time", http.StatusServiceUnavailable)
	case <-r.Context().Done():
	}
}

// httpResponder gives the first response to the HTTP handler, which
// writes it as the HTTP response, and sends edits over REST.
type httpResponder struct {
	rest  *restResponder
	first chan<- any
}

func (h *httpResponder) respond(ctx context.Context, body any) error {
	select {
	case h.first <- body:
		return nil
	default:
		return errors.New("interaction already answered")
	}
}

func (h *httpResponder) edit(ctx context.Context, e *discordgo.WebhookEdit) error {
	return h.rest.edit(ctx, e)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// firstSight records an interaction id and reports whether it is new. Ids
// are kept as long as a signature is valid, so a request recorded and
// sent again within MaxSignatureAge runs nothing a second time.
func (b *Bot) firstSight(id string, now time.Time) bool {
	b.seenMu.Lock()
	defer b.seenMu.Unlock()
	if at, ok := b.seen.get(id); ok && now.Sub(at) <= 2*MaxSignatureAge {
		return false
	}
	b.seen.put(id, now)
	return true
}
