package bot

import (
	"encoding/json"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/casebot/casebot/bot/discordtest"
)

// asDiscordgo decodes a fake interaction the way discordgo decodes one
// from the gateway or an HTTP request.
func asDiscordgo(t *testing.T, i discordtest.Interaction) *discordgo.Interaction {
	t.Helper()
	b, err := json.Marshal(i)
	if err != nil {
		t.Fatal(err)
	}
	var out discordgo.Interaction
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

func TestRequestFrom(t *testing.T) {
	t.Parallel()
	fake := discordtest.New(t)
	alice := discordtest.User{ID: "42", Username: "alice"}

	cmd := fake.SlashCommand("ask", map[string]any{"question": "What?", "private": true}, alice, "100")
	cmd.Member.Permissions = "32"
	r := requestFrom(asDiscordgo(t, cmd))
	if r.Kind != KindCommand || r.Command != "ask" || r.String("question") != "What?" || !r.Bool("private") ||
		r.User.ID != "42" || r.GuildID != "100" || r.ID != cmd.ID || r.Permissions != 32 {
		t.Errorf("slash command: %+v", r)
	}

	dm := fake.SlashCommand("stage", map[string]any{"number": 4}, alice, "")
	if r := requestFrom(asDiscordgo(t, dm)); r.User.ID != "42" || r.GuildID != "" || r.Permissions != 0 {
		t.Errorf("in a DM: %+v", r)
	} else if n, ok := r.Int("number"); !ok || n != 4 {
		t.Errorf("number option: %v %v", n, ok)
	}

	ac := fake.Autocomplete("agency", map[string]any{"name": "ni"}, "name", alice, "100")
	if r := requestFrom(asDiscordgo(t, ac)); r.Kind != KindAutocomplete || r.Focused != "name" || r.String("name") != "ni" {
		t.Errorf("autocomplete: %+v", r)
	}

	claim := discordtest.Message{ID: "m0", ChannelID: "c1", GuildID: "100", Content: "Stage 1 began in 1987"}
	mc := fake.MessageCommand("Find in documents", claim, alice)
	if r := requestFrom(asDiscordgo(t, mc)); r.Kind != KindCommand || r.Command != "Find in documents" || r.Text != "Stage 1 began in 1987" || r.GuildID != "100" {
		t.Errorf("message command: %+v", r)
	}

	msg := discordtest.Message{ID: "m1", ChannelID: "c1", GuildID: "100", Embeds: []json.RawMessage{json.RawMessage(`{"title":"T","description":"D","fields":[{"name":"n","value":"v"}],"footer":{"text":"F"}}`)}}
	btn := fake.Button("share:=What?", alice, msg)
	if r := requestFrom(asDiscordgo(t, btn)); r.Kind != KindButton || r.CustomID != "share:=What?" || len(r.Embeds) != 1 ||
		r.Embeds[0].Title != "T" || r.Embeds[0].Footer != "F" || r.Embeds[0].Fields[0] != (Field{"n", "v"}) {
		t.Errorf("button: %+v", r)
	}

	file := fake.AddAttachment("new.md", []byte("# New\\n\\nText.\\n"))
	up := fake.SlashCommand("add-document", map[string]any{"file": file}, alice, "100")
	if r := requestFrom(asDiscordgo(t, up)); r.Attachments["file"].Filename != "new.md" || r.Attachments["file"].URL == "" {
		t.Errorf("attachment option: %+v", r.Attachments)
	}
}
