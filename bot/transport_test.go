package bot

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAPIClient(t *testing.T) {
	t.Parallel()
	got := make(chan string, 2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Host + " " + r.URL.Path + "?" + r.URL.RawQuery
	}))
	t.Cleanup(srv.Close)
	for _, c := range []struct{ base, want string }{
		{srv.URL, srv.Listener.Addr().String() + " /api/v9/gateway?v=9"},
		{srv.URL + "/proxy/", srv.Listener.Addr().String() + " /proxy/api/v9/gateway?v=9"},
	} {
		client, err := APIClient(c.base)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Get("https://discord.com/api/v9/gateway?v=9")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if last := <-got; last != c.want {
			t.Errorf("base %s: request went to %q, want %q", c.base, last, c.want)
		}
	}
	for _, bad := range []string{"ftp://x", "discord.example", "http://"} {
		if _, err := APIClient(bad); err == nil {
			t.Errorf("APIClient(%q): want an error", bad)
		}
	}
	// A password in a bad URL is not repeated in the error.
	for _, bad := range []string{"ftp://user:hunter2@x", "http://user:hunter2@", "user:hunter2@x:port:y"} {
		if _, err := APIClient(bad); err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("APIClient(%q): %v, want an error without the password", bad, err)
		}
	}
	if c, err := APIClient(""); err != nil || c.Transport == nil {
		t.Errorf("default client: %v", err)
	}
}

// TestAPIClientErrorNamesURL: a request that fails names the URL it was
// sent to, not only the discord.com one discordgo asked for.
func TestAPIClientErrorNamesURL(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close() // nothing listens there now
	client, err := APIClient(srv.URL + "/proxy")
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.Get("https://discord.com/api/v9/gateway")
	if want := srv.URL + "/proxy/api/v9/gateway"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want it to name %s", err, want)
	}
}
