package bot

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Kind is what started a request.
type Kind int

// Request kinds.
const (
	KindCommand      Kind = iota + 1 // a slash command
	KindButton                       // a click on one of the bot's buttons
	KindAutocomplete                 // a user typing into an autocomplete option
	KindMention                      // a message that mentions the bot, or a DM
)

// User is who made a request.
type User struct {
	ID   string
	Name string
}

// Request is one thing a user asked of the bot, whichever way it came
// (gateway or HTTP, slash command, button or mention).
type Request struct {
	Kind Kind
	// ID is the interaction's (or the mention's message's) id. Buttons on
	// the reply carry it when their state does not fit in a custom_id.
	ID        string
	Command   string         // slash command name
	Options   map[string]any // option values: string, float64 or bool, as Discord sends them
	Focused   string         // the option being typed into (autocomplete)
	CustomID  string         // the button's custom_id
	User      User
	GuildID   string // "" in a DM
	ChannelID string
	// Permissions are the invoker's permissions in the channel, as Discord
	// computed them (0 in a DM).
	Permissions int64
	// Text is a mention's question, the mention itself removed, or the
	// text of the message a message command was used on.
	Text string
	// ByRole is set on a mention that named the bot's role, not the bot.
	ByRole bool
	// Embeds are the embeds of the message a button was clicked on.
	Embeds []Embed
	// Attachments are the files given to attachment options, by option
	// name (an admin's /add-document, for one).
	Attachments map[string]Attachment
}

// Attachment is a file a user gave a command. URL is Discord's CDN link.
type Attachment struct {
	Filename    string
	ContentType string
	Size        int
	URL         string
}

// String returns a string option ("" if missing).
func (r Request) String(name string) string {
	switch v := r.Options[name].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}

// Int returns an integer option. While a user types, Discord sends a
// partial number as a string; that is read too.
func (r Request) Int(name string) (int, bool) {
	switch v := r.Options[name].(type) {
	case float64:
		if v != math.Trunc(v) || math.Abs(v) > 1e9 {
			return 0, false
		}
		return int(v), true
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(v))
		return n, err == nil
	}
	return 0, false
}

// Bool returns a boolean option (false if missing).
func (r Request) Bool(name string) bool {
	v, _ := r.Options[name].(bool)
	return v
}

// Handler answers a command or a button. An error becomes a short
// apology in one place (errorReply); anything the user should read,
// "nothing found" included, is a Reply.
type Handler func(ctx context.Context, r Request) (Reply, error)

// Completer lists autocomplete choices for the focused option.
type Completer func(ctx context.Context, r Request) ([]Choice, error)

// OptionType is an option's value type.
type OptionType int

// Option types, numbered as Discord numbers them.
const (
	StringOption  OptionType = 3
	IntegerOption OptionType = 4
	BooleanOption OptionType = 5
	// AttachmentOption takes a file; the handler finds it in
	// Request.Attachments.
	AttachmentOption OptionType = 11
)

// Option is one option of a slash command.
type Option struct {
	Name        string
	Description string
	Type        OptionType
	Required    bool
	// Autocomplete makes Discord ask the command's Complete for choices.
	Autocomplete bool
	MaxLength    int // strings; 0 for Discord's default (6000)
	MinValue     *float64
}

// Command is a slash command.
type Command struct {
	Name        string
	Description string
	Options     []Option
	// Admin commands are offered only to members who can manage the
	// server (default_member_permissions), and checked again here: the
	// default can be changed by a server's admins, and an HTTP endpoint
	// must not trust that the client showed the command only to them.
	// With Options.AdminGuilds they run only in those servers.
	Admin bool
	// Message makes it a message command: offered in a message's Apps
	// menu (right-click or long-press), it runs on the message's text,
	// which the request brings in Text. It has no description or options.
	Message bool
	// Limited requests count against the per-user question rate.
	Limited bool
	// Private says, before the answer is known, whether it is ephemeral;
	// a slow answer is deferred with that visibility. nil means public.
	Private func(Request) bool
	// Timeout bounds the handler; 0 means 30 s. A reindex may take
	// minutes, and Discord lets a deferred answer be edited for 15.
	Timeout  time.Duration
	Run      Handler
	Complete Completer
}

// Action is what a button does. Its custom_id starts with Prefix and a
// colon.
type Action struct {
	Prefix  string
	Limited bool
	Private bool // the answer is ephemeral
	Run     Handler
}

// adminPermissions are the permissions an admin command needs (either).
const adminPermissions = discordgo.PermissionManageGuild | discordgo.PermissionAdministrator

// Registry holds the bot's slash commands and button actions.
type Registry struct {
	commands []Command
	byName   map[string]int
	actions  map[string]Action
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{byName: map[string]int{}, actions: map[string]Action{}}
}

// Add registers commands. A name used twice is a programming error,
// reported as an error for the caller to return.
func (g *Registry) Add(cmds ...Command) error {
	for _, c := range cmds {
		if _, dup := g.byName[c.Name]; dup {
			return fmt.Errorf("command %q registered twice", c.Name)
		}
		if c.Run == nil {
			return fmt.Errorf("command %q has no handler", c.Name)
		}
		g.byName[c.Name] = len(g.commands)
		g.commands = append(g.commands, c)
	}
	return nil
}

// Handle registers button actions.
func (g *Registry) Handle(actions ...Action) error {
	for _, a := range actions {
		if a.Prefix == "" || strings.Contains(a.Prefix, ":") {
			return fmt.Errorf("button prefix %q: want a short word without colons", a.Prefix)
		}
		if _, dup := g.actions[a.Prefix]; dup {
			return fmt.Errorf("button prefix %q registered twice", a.Prefix)
		}
		g.actions[a.Prefix] = a
	}
	return nil
}

// Command returns the command of that name.
func (g *Registry) Command(name string) (Command, bool) {
	i, ok := g.byName[name]
	if !ok {
		return Command{}, false
	}
	return g.commands[i], true
}

// Commands lists the commands in registration order.
func (g *Registry) Commands() []Command { return append([]Command(nil), g.commands...) }

// Action returns the action a custom_id belongs to, and the rest of the id.
func (g *Registry) Action(customID string) (Action, string, bool) {
	prefix, rest, _ := strings.Cut(customID, ":")
	a, ok := g.actions[prefix]
	return a, rest, ok
}

// ApplicationCommands is the registry as Discord's bulk overwrite takes it.
func (g *Registry) ApplicationCommands() []*discordgo.ApplicationCommand {
	return g.applicationCommands(func(Command) bool { return true })
}

// applicationCommands is the commands keep keeps, as Discord's bulk
// overwrite takes them.
func (g *Registry) applicationCommands(keep func(Command) bool) []*discordgo.ApplicationCommand {
	out := make([]*discordgo.ApplicationCommand, 0, len(g.commands))
	for _, c := range g.commands {
		if !keep(c) {
			continue
		}
		ac := &discordgo.ApplicationCommand{
			Type:        discordgo.ChatApplicationCommand,
			Name:        c.Name,
			Description: c.Description,
			Options:     []*discordgo.ApplicationCommandOption{},
		}
		if c.Message {
			ac.Type, ac.Description, ac.Options = discordgo.MessageApplicationCommand, "", nil
		}
		contexts := []discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM}
		if c.Admin {
			perm := int64(discordgo.PermissionManageGuild)
			ac.DefaultMemberPermissions = &perm
			contexts = contexts[:1]
		}
		ac.Contexts = &contexts
		for _, o := range c.Options {
			ac.Options = append(ac.Options, &discordgo.ApplicationCommandOption{
				Type:         discordgo.ApplicationCommandOptionType(o.Type),
				Name:         o.Name,
				Description:  o.Description,
				Required:     o.Required,
				Autocomplete: o.Autocomplete,
				MaxLength:    o.MaxLength,
				MinValue:     o.MinValue,
			})
		}
		out = append(out, ac)
	}
	return out
}

// allowed reports whether the invoker may run c where they asked.
func (b *Bot) allowed(c Command, r Request) bool { return b.refusal(c, r) == nil }

// refusal says why the invoker may not run c where they asked, or is nil.
// An admin command changes the documents every server is answered from,
// so it needs one of the servers that manage them (Options.AdminGuilds)
// and, there, a member who can manage the server.
func (b *Bot) refusal(c Command, r Request) error {
	switch {
	case !c.Admin:
		return nil
	case !b.adminHere(r.GuildID):
		return userErrorf("The documents I answer from are managed from another server, so /%s works only there. Nothing was changed.", r.Command)
	case r.GuildID == "" || r.Permissions&adminPermissions == 0:
		return userErrorf("/%s is for members who can manage this server.", r.Command)
	}
	return nil
}

// adminHere reports whether the admin commands work in guildID ("" for a
// DM): in any server when no AdminGuilds were given, else in those alone.
func (b *Bot) adminHere(guildID string) bool {
	return len(b.adminGuilds) == 0 || slices.Contains(b.adminGuilds, guildID)
}
