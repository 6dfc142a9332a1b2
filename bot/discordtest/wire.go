package discordtest

import (
	"encoding/json"
	"strconv"
	"time"
)

// Interaction types, as Discord numbers them.
const (
	InteractionPing         = 1
	InteractionCommand      = 2
	InteractionComponent    = 3
	InteractionAutocomplete = 4
	InteractionModalSubmit  = 5
)

// Application command option types used by the builders.
const (
	OptionSubCommand = 1
	OptionString     = 3
	OptionInteger    = 4
	OptionBoolean    = 5
	OptionUser       = 6
	OptionNumber     = 10
	OptionAttachment = 11
)

// User is a Discord user as the fake sends it.
type User struct {
	ID            string `json:"id"`
	Username      string `json:"username"`
	GlobalName    string `json:"global_name,omitempty"`
	Discriminator string `json:"discriminator,omitempty"`
	Bot           bool   `json:"bot,omitempty"`
}

// Member is a guild member. Permissions is a decimal string, as on the wire
// ("0" unless a test sets it, for example "32" for Manage Server).
type Member struct {
	User        *User    `json:"user,omitempty"`
	Roles       []string `json:"roles"`
	JoinedAt    string   `json:"joined_at"`
	Permissions string   `json:"permissions,omitempty"`
}

// Attachment is a file uploaded to Discord, as it appears in a message or in
// an attachment option's resolved data. AddAttachment makes one that the
// fake serves.
type Attachment struct {
	ID          string `json:"id"`
	Filename    string `json:"filename"`
	Size        int    `json:"size"`
	URL         string `json:"url"`
	ProxyURL    string `json:"proxy_url"`
	ContentType string `json:"content_type,omitempty"`
}

// MessageReference points a reply at the message it answers.
type MessageReference struct {
	Type            int    `json:"type,omitempty"`
	MessageID       string `json:"message_id,omitempty"`
	ChannelID       string `json:"channel_id,omitempty"`
	GuildID         string `json:"guild_id,omitempty"`
	FailIfNotExists *bool  `json:"fail_if_not_exists,omitempty"`
}

// Message is a Discord message: dispatched in MESSAGE_CREATE, carried by
// component interactions, and returned by the fake's message endpoints.
// Embeds and Components are kept as the bot sent them; decode them with
// json.Unmarshal (or use Request.Reply on the request that created them).
type Message struct {
	ID               string            `json:"id"`
	ChannelID        string            `json:"channel_id"`
	GuildID          string            `json:"guild_id,omitempty"`
	Author           User              `json:"author"`
	Member           *Member           `json:"member,omitempty"`
	Content          string            `json:"content"`
	Timestamp        string            `json:"timestamp"`
	EditedTimestamp  *string           `json:"edited_timestamp"`
	TTS              bool              `json:"tts"`
	MentionEveryone  bool              `json:"mention_everyone"`
	Mentions         []User            `json:"mentions"`
	MentionRoles     []string          `json:"mention_roles"`
	Attachments      []Attachment      `json:"attachments"`
	Embeds           []json.RawMessage `json:"embeds"`
	Components       []json.RawMessage `json:"components"`
	Type             int               `json:"type"`
	Flags            int               `json:"flags"`
	MessageReference *MessageReference `json:"message_reference,omitempty"`
	WebhookID        string            `json:"webhook_id,omitempty"`
	ApplicationID    string            `json:"application_id,omitempty"`
}

// CommandOption is one option of a slash command or autocomplete interaction.
type CommandOption struct {
	Name    string          `json:"name"`
	Type    int             `json:"type"`
	Value   any             `json:"value,omitempty"`
	Options []CommandOption `json:"options,omitempty"`
	Focused bool            `json:"focused,omitempty"`
}

// Resolved carries the objects that options refer to by id.
type Resolved struct {
	Users       map[string]User       `json:"users,omitempty"`
	Attachments map[string]Attachment `json:"attachments,omitempty"`
	Messages    map[string]Message    `json:"messages,omitempty"`
}

// CommandData is the data of a slash command or autocomplete interaction.
type CommandData struct {
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Type     int             `json:"type"`
	GuildID  string          `json:"guild_id,omitempty"`
	Options  []CommandOption `json:"options,omitempty"`
	Resolved *Resolved       `json:"resolved,omitempty"`
	// TargetID is the message (or user) a context menu command was used on.
	TargetID string `json:"target_id,omitempty"`
}

// ComponentData is the data of a button or select menu interaction.
type ComponentData struct {
	CustomID      string   `json:"custom_id"`
	ComponentType int      `json:"component_type"`
	Values        []string `json:"values,omitempty"`
}

// Interaction is an INTERACTION_CREATE payload as Discord sends it, over
// the gateway or in the body of a signed HTTP request. Data holds a
// *CommandData, a *ComponentData, or anything that marshals to the data
// object of another interaction type.
//
// In a guild the invoking user is in Member.User; in a DM it is in User.
type Interaction struct {
	ID             string   `json:"id"`
	ApplicationID  string   `json:"application_id"`
	Type           int      `json:"type"`
	Token          string   `json:"token"`
	Version        int      `json:"version"`
	GuildID        string   `json:"guild_id,omitempty"`
	ChannelID      string   `json:"channel_id,omitempty"`
	Member         *Member  `json:"member,omitempty"`
	User           *User    `json:"user,omitempty"`
	Message        *Message `json:"message,omitempty"`
	AppPermissions string   `json:"app_permissions,omitempty"`
	Locale         string   `json:"locale,omitempty"`
	Context        int      `json:"context"`
	Data           any      `json:"data,omitempty"`
}

// Snowflakes: ids are Discord-shaped and deterministic. The n-th id made
// by a server encodes 2024-01-01T00:00:00Z plus n milliseconds, and a
// message's timestamp is read back from its id.
const discordEpochMs = 1420070400000

var idBaseMs = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli() - discordEpochMs

const joinedAt = "2024-01-01T00:00:00Z"

func snowflake(n int64) string {
	return strconv.FormatInt((idBaseMs+n)<<22, 10)
}

// timestampOf returns the RFC 3339 time encoded in a snowflake, or the
// base time when id is not a snowflake.
func timestampOf(id string) string {
	ms := idBaseMs
	if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > 0 {
		ms = n >> 22
	}
	return time.UnixMilli(ms + discordEpochMs).UTC().Format(time.RFC3339Nano)
}

// normalize fills the arrays Discord always sends, so clients see [] not null.
func (m *Message) normalize() {
	if m.Timestamp == "" {
		m.Timestamp = timestampOf(m.ID)
	}
	if m.Mentions == nil {
		m.Mentions = []User{}
	}
	if m.MentionRoles == nil {
		m.MentionRoles = []string{}
	}
	if m.Attachments == nil {
		m.Attachments = []Attachment{}
	}
	if m.Embeds == nil {
		m.Embeds = []json.RawMessage{}
	}
	if m.Components == nil {
		m.Components = []json.RawMessage{}
	}
}

// clone copies m deeply enough that the copy can be handed out while the
// fake keeps changing its own.
func (m Message) clone() Message {
	c := m
	c.Mentions = append([]User(nil), m.Mentions...)
	c.MentionRoles = append([]string(nil), m.MentionRoles...)
	c.Attachments = append([]Attachment(nil), m.Attachments...)
	c.Embeds = append([]json.RawMessage(nil), m.Embeds...)
	c.Components = append([]json.RawMessage(nil), m.Components...)
	if m.Member != nil {
		mm := *m.Member
		c.Member = &mm
	}
	if m.MessageReference != nil {
		r := *m.MessageReference
		c.MessageReference = &r
	}
	if m.EditedTimestamp != nil {
		t := *m.EditedTimestamp
		c.EditedTimestamp = &t
	}
	c.normalize()
	return c
}
