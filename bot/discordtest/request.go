package discordtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Request is one HTTP request the fake answered. Treat its fields as
// read-only; every accessor hands out a copy.
type Request struct {
	Seq      int // arrival order, from 1
	Method   string
	Path     string // URL path, e.g. /api/v9/interactions/{id}/{token}/callback
	Query    url.Values
	Header   http.Header
	Body     []byte
	Status   int    // status the fake answered with
	Response []byte // body the fake answered with
	Time     time.Time
}

func (r Request) String() string {
	s := r.Method + " " + r.Path
	if len(r.Query) > 0 {
		s += "?" + r.Query.Encode()
	}
	return fmt.Sprintf("%s -> %d", s, r.Status)
}

func (r Request) clone() Request {
	c := r
	c.Query = url.Values{}
	for k, v := range r.Query {
		c.Query[k] = append([]string(nil), v...)
	}
	c.Header = r.Header.Clone()
	c.Body = bytes.Clone(r.Body)
	c.Response = bytes.Clone(r.Response)
	return c
}

// JSON decodes the request's JSON body into v. For a multipart body (a
// message with files) it decodes the payload_json part.
func (r Request) JSON(v any) error {
	payload, _, err := r.parts()
	if err != nil {
		return err
	}
	if err := json.Unmarshal(payload, v); err != nil {
		return fmt.Errorf("decode %s %s body: %w", r.Method, r.Path, err)
	}
	return nil
}

// Files returns the files of a multipart request by file name.
func (r Request) Files() (map[string][]byte, error) {
	_, files, err := r.parts()
	return files, err
}

// Reply decodes what the bot sent as a message: an interaction callback
// (Type is the callback type and the rest comes from its data), a webhook
// or follow-up body, or a channel message body.
func (r Request) Reply() (Reply, error) {
	var out Reply
	if !strings.HasSuffix(r.Path, "/callback") {
		err := r.JSON(&out)
		return out, err
	}
	var cb struct {
		Type int    `json:"type"`
		Data *Reply `json:"data"`
	}
	if err := r.JSON(&cb); err != nil {
		return out, err
	}
	if cb.Data != nil {
		out = *cb.Data
	}
	out.Type = cb.Type
	return out, nil
}

// Message decodes the message the fake answered with (message-creating and
// message-editing endpoints).
func (r Request) Message() (Message, error) {
	var m Message
	if err := json.Unmarshal(r.Response, &m); err != nil {
		return m, fmt.Errorf("decode response of %s %s: %w", r.Method, r.Path, err)
	}
	return m, nil
}

// parts splits a body into its JSON payload and files.
func (r Request) parts() ([]byte, map[string][]byte, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		return r.Body, nil, nil
	}
	var payload []byte
	files := map[string][]byte{}
	mr := multipart.NewReader(bytes.NewReader(r.Body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("read multipart body of %s %s: %w", r.Method, r.Path, err)
		}
		b, err := io.ReadAll(p)
		if err != nil {
			return nil, nil, fmt.Errorf("read part %q of %s %s: %w", p.FormName(), r.Method, r.Path, err)
		}
		if p.FormName() == "payload_json" {
			payload = b
		} else if name := p.FileName(); name != "" {
			files[name] = b
		}
	}
	return payload, files, nil
}

// Reply is the message a bot sends, in the fields tests look at. Parse is
// nil in AllowedMentions when the bot sent "parse": null or left it out,
// and empty but not nil when it sent "parse": [].
type Reply struct {
	Type             int               `json:"-"` // interaction callback type; 0 otherwise
	Content          string            `json:"content"`
	Flags            int               `json:"flags"`
	TTS              bool              `json:"tts"`
	Embeds           []Embed           `json:"embeds"`
	Components       []Component       `json:"components"`
	AllowedMentions  *AllowedMentions  `json:"allowed_mentions"`
	MessageReference *MessageReference `json:"message_reference"`
	Attachments      []json.RawMessage `json:"attachments"`
	Choices          []Choice          `json:"choices"`   // autocomplete results
	CustomID         string            `json:"custom_id"` // modals
	Title            string            `json:"title"`     // modals
}

// AllowedMentions says whom a message may ping.
type AllowedMentions struct {
	Parse       []string `json:"parse"`
	Users       []string `json:"users"`
	Roles       []string `json:"roles"`
	RepliedUser bool     `json:"replied_user"`
}

// Embed is a message embed.
type Embed struct {
	Title       string       `json:"title,omitempty"`
	Description string       `json:"description,omitempty"`
	URL         string       `json:"url,omitempty"`
	Timestamp   string       `json:"timestamp,omitempty"`
	Color       int          `json:"color,omitempty"`
	Fields      []EmbedField `json:"fields,omitempty"`
	Footer      *EmbedFooter `json:"footer,omitempty"`
	Author      *EmbedAuthor `json:"author,omitempty"`
}

// EmbedField is one field of an embed.
type EmbedField struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Inline bool   `json:"inline,omitempty"`
}

// EmbedFooter is an embed's footer.
type EmbedFooter struct {
	Text    string `json:"text"`
	IconURL string `json:"icon_url,omitempty"`
}

// EmbedAuthor is an embed's author line.
type EmbedAuthor struct {
	Name    string `json:"name"`
	URL     string `json:"url,omitempty"`
	IconURL string `json:"icon_url,omitempty"`
}

// Component is a message component: an action row (Type 1) holding
// buttons (Type 2), select menus or text inputs.
type Component struct {
	Type        int         `json:"type"`
	CustomID    string      `json:"custom_id,omitempty"`
	Label       string      `json:"label,omitempty"`
	Style       int         `json:"style,omitempty"`
	URL         string      `json:"url,omitempty"`
	Disabled    bool        `json:"disabled,omitempty"`
	Placeholder string      `json:"placeholder,omitempty"`
	Content     string      `json:"content,omitempty"`
	Components  []Component `json:"components,omitempty"`
}

// Choice is one autocomplete (or fixed) choice.
type Choice struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}
