package bot

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// APIClient returns the HTTP client the bot talks to Discord with. With
// base set (DISCORD_API_URL: a REST proxy, or a fake Discord in tests),
// every request goes to base's scheme and host instead of discord.com,
// under base's path if it has one. discordgo builds its endpoint URLs
// into package variables at init, so moving them is the transport's job.
// Gateway discovery is a REST call too: the websocket goes wherever it
// answers.
func APIClient(base string) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	c := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	if base == "" {
		return c, nil
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// Not quoted: it may hold a password, or a secret pasted there.
		return nil, errors.New("DISCORD_API_URL: want an http or https URL")
	}
	c.Transport = rewrite{base: u, next: tr}
	return c, nil
}

// rewrite sends requests to another base URL.
type rewrite struct {
	base *url.URL
	next http.RoundTripper
}

// RoundTrip sends r to the base URL. http.Client's errors name the URL
// discordgo asked for (discord.com), which was never contacted, so an
// error names the URL the request went to.
func (rw rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = rw.base.Scheme, rw.base.Host, ""
	if p := strings.TrimRight(rw.base.Path, "/"); p != "" {
		r.URL.Path = p + r.URL.Path
		if r.URL.RawPath != "" {
			r.URL.RawPath = p + r.URL.RawPath
		}
	}
	resp, err := rw.next.RoundTrip(r)
	if err != nil {
		return nil, fmt.Errorf("sent to %s instead (DISCORD_API_URL): %w", r.URL.Redacted(), err)
	}
	return resp, nil
}
