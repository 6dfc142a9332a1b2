package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Intents are the gateway events the bot asks for: messages in guilds
// and in DMs, and guilds (GUILD_CREATE and role events), whose roles and
// the bot's own member tell which role is the bot's (ownRoleMentioned).
// None is privileged; without the message content intent Discord still
// sends the content of messages that mention the bot and of DMs, which
// are the only ones it answers.
const Intents = discordgo.IntentGuilds | discordgo.IntentGuildMessages | discordgo.IntentDirectMessages

// GatewayOptions configure RunGateway.
type GatewayOptions struct {
	Token string
	// AppID is the application whose commands are registered; "" means
	// the one READY names.
	AppID string
	// GuildID registers the commands in one guild, where they show at
	// once; "" registers them globally.
	GuildID string
	// ShardID and ShardCount split the guilds between processes; shard 0
	// (which also gets the DMs) registers the commands.
	ShardID, ShardCount int
	// Client carries REST calls and gateway discovery (see APIClient).
	Client *http.Client
	// DrainTimeout bounds how long shutdown waits for answers in flight
	// (default 10 s).
	DrainTimeout time.Duration
}

// RunGateway connects to Discord's gateway, registers the commands and
// answers until ctx ends, then closes the connection cleanly.
func (b *Bot) RunGateway(ctx context.Context, o GatewayOptions) error {
	if o.ShardCount < 1 {
		o.ShardCount = 1
	}
	if o.ShardID < 0 || o.ShardID >= o.ShardCount {
		return fmt.Errorf("shard %d of %d: want 0 <= SHARD_ID < SHARD_COUNT", o.ShardID, o.ShardCount)
	}
	if o.DrainTimeout <= 0 {
		o.DrainTimeout = 10 * time.Second
	}
	s, err := newSession(o.Token, o.Client)
	if err != nil {
		return err
	}
	s.Identify.Intents = Intents
	s.ShardID, s.ShardCount = o.ShardID, o.ShardCount
	s.ShouldReconnectOnError = true

	// Answers in flight finish after ctx ends; drain waits for them.
	base := context.WithoutCancel(ctx)
	s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		received := time.Now()
		if !b.inflight.begin() {
			return // shutting down
		}
		defer b.inflight.end()
		defer b.guard("interaction")
		b.interact(base, ic.Interaction, newRESTResponder(b, s, ic.Interaction), received)
	})
	s.AddHandler(func(s *discordgo.Session, m *discordgo.MessageCreate) {
		if !b.inflight.begin() {
			return
		}
		defer b.inflight.end()
		defer b.guard("message")
		b.onMessage(base, s, m.Message)
	})

	if err := s.Open(); err != nil {
		return fmt.Errorf("connect to the Discord gateway: %w", err)
	}
	defer b.closeSession(s)

	s.State.RLock()
	user, app := s.State.User, s.State.Application
	s.State.RUnlock()
	appID := o.AppID
	if appID == "" && app != nil {
		appID = app.ID
	}
	if user != nil {
		b.log.Info("connected to Discord", "user", user.Username, "user_id", user.ID, "application", appID,
			"shard", o.ShardID, "shards", o.ShardCount)
	}
	if o.ShardID == 0 {
		if appID == "" {
			return errors.New("no application id: set DISCORD_APP_ID")
		}
		if err := b.register(ctx, s, appID, o.GuildID); err != nil {
			if ctx.Err() != nil {
				return nil // asked to stop while registering
			}
			return err
		}
		b.removeStale(ctx, s, appID, o.GuildID)
	}

	<-ctx.Done()
	b.log.Info("shutting down")
	dctx, cancel := context.WithTimeout(context.Background(), o.DrainTimeout)
	defer cancel()
	if err := b.inflight.drain(dctx); err != nil {
		b.log.Warn("answers still in flight at shutdown", "err", err)
	}
	b.log.Info("stopped", "stats", b.Stats())
	return nil
}

// newSession makes a discordgo session that logs only errors and sends
// everything through client.
func newSession(token string, client *http.Client) (*discordgo.Session, error) {
	s, err := discordgo.New("Bot " + token)
	if err != nil {
		return nil, err
	}
	if client != nil {
		s.Client = client
	}
	s.LogLevel = discordgo.LogError
	return s, nil
}

// closeSession closes the gateway connection. discordgo v0.29.0 has a
// race: closed before its heartbeat goroutine has sent the first
// heartbeat (DataReady), that goroutine later writes to the closed socket
// and, with ShouldReconnectOnError, reconnects and resumes after Close. So
// wait for DataReady (briefly) first.
func (b *Bot) closeSession(s *discordgo.Session) {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		s.RLock()
		ready := s.DataReady
		s.RUnlock()
		if ready {
			break
		}
	}
	if err := s.Close(); err != nil {
		b.log.Warn("closing the gateway connection", "err", err)
	}
}

// register replaces the application's commands with the registry's, in
// guildID, or globally when it is "". With AdminGuilds, the admin commands
// are left out there unless guildID is one of them, and each of those
// servers gets them as its own guild commands, so no other server is
// offered them. An admin server that refuses them (the bot is not in it)
// is logged and passed over: every other server's answers go on. The
// other servers' commands are removeStale's.
func (b *Bot) register(ctx context.Context, s *discordgo.Session, appID, guildID string) error {
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	overwrite := func(guild string, keep func(Command) bool) error {
		cmds, err := s.ApplicationCommandBulkOverwrite(appID, guild, b.reg.applicationCommands(keep), discordgo.WithContext(rctx))
		if err != nil {
			return fmt.Errorf("register commands: %w", err)
		}
		scope := "global"
		if guild != "" {
			scope = "guild " + guild
		}
		b.log.Info("commands registered", "count", len(cmds), "scope", scope)
		return nil
	}
	adminHere := b.adminHere(guildID)
	if err := overwrite(guildID, func(c Command) bool { return !c.Admin || adminHere }); err != nil {
		return err
	}
	for _, g := range b.adminGuilds {
		if g == guildID {
			continue
		}
		if err := overwrite(g, func(c Command) bool { return c.Admin }); err != nil {
			if ctx.Err() != nil {
				return err
			}
			b.log.Error("the admin commands could not be registered in an admin server: is the bot in it?", "guild", g, "err", err)
		}
	}
	return nil
}

// removeStale removes this application's guild commands from each server
// the bot is in where register puts none: neither guildID nor an admin
// server. An earlier run left them there when the server was an admin
// server, or DISCORD_GUILD_ID: they would stay in its managers' menu,
// refusing to run, or show twice beside the global commands. A server's
// commands are read first and overwritten with none only when it has
// some, so a start writes nothing to the servers that have none. Discord
// lists and overwrites this application's commands alone. A server that
// cannot be read or cleared is logged and passed over, as is the list of
// servers: the commands registered stand either way.
func (b *Bot) removeStale(ctx context.Context, s *discordgo.Session, appID, guildID string) {
	guilds, err := userGuilds(ctx, s)
	if err != nil {
		if ctx.Err() == nil {
			b.log.Warn("could not list the servers the bot is in, to remove commands an earlier run left in them", "err", err)
		}
		return
	}
	for _, g := range guilds {
		if g == guildID || slices.Contains(b.adminGuilds, g) {
			continue
		}
		names, err := b.clearGuild(ctx, s, appID, g)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			b.log.Warn("could not remove the commands an earlier run left in a server", "guild", g, "err", err)
		case len(names) > 0:
			b.log.Info("commands an earlier run left in a server removed", "guild", g, "commands", names)
		}
	}
}

// clearGuild overwrites a guild's commands with none if it has any, and
// returns the names of those it had.
func (b *Bot) clearGuild(ctx context.Context, s *discordgo.Session, appID, guildID string) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmds, err := s.ApplicationCommands(appID, guildID, discordgo.WithContext(ctx))
	if err != nil || len(cmds) == 0 {
		return nil, err
	}
	// An empty list, not nil: Discord wants a list, and [] is none.
	if _, err := s.ApplicationCommandBulkOverwrite(appID, guildID, []*discordgo.ApplicationCommand{}, discordgo.WithContext(ctx)); err != nil {
		return nil, err
	}
	names := make([]string, len(cmds))
	for i, c := range cmds {
		names[i] = c.Name
	}
	return names, nil
}

// userGuilds returns the ids of the guilds the bot is in, from REST rather
// than the gateway's state: HTTP mode has no gateway, and a shard's state
// holds its own guilds only.
func userGuilds(ctx context.Context, s *discordgo.Session) ([]string, error) {
	const page = 200 // the most Discord returns at once
	var ids []string
	after := ""
	for {
		pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		gs, err := s.UserGuilds(page, "", after, false, discordgo.WithContext(pctx))
		cancel()
		if err != nil {
			return nil, fmt.Errorf("list guilds: %w", err)
		}
		for _, g := range gs {
			ids = append(ids, g.ID)
		}
		if len(gs) < page {
			return ids, nil
		}
		after = gs[len(gs)-1].ID
	}
}

// onMessage answers a message that mentions the bot or its role, or a DM,
// with a reply to it. Messages by bots, the bot itself included, are
// ignored.
func (b *Bot) onMessage(ctx context.Context, s *discordgo.Session, m *discordgo.Message) {
	if m.Author == nil || m.Author.Bot {
		return
	}
	s.State.RLock()
	me := s.State.User
	s.State.RUnlock()
	if me == nil || m.Author.ID == me.ID {
		return
	}
	mentioned := false
	for _, u := range m.Mentions {
		if u != nil && u.ID == me.ID {
			mentioned = true
		}
	}
	role := ""
	if m.GuildID != "" {
		role = ownRoleMentioned(s.State, m, me.ID)
		if !mentioned && role == "" {
			return
		}
	}
	b.stats.requests.Add(1)
	req := Request{
		Kind: KindMention, ID: m.ID, GuildID: m.GuildID, ChannelID: m.ChannelID,
		User: User{ID: m.Author.ID, Name: m.Author.Username},
		Text: stripMention(m.Content, me.ID, role), ByRole: !mentioned && role != "",
	}
	hctx, cancel := context.WithTimeout(ctx, handlerTimeout)
	rep := b.Handle(hctx, req)
	cancel()
	if rep.Silent {
		return
	}
	rep.Private = false // a channel message cannot be ephemeral
	w := toWire(rep)
	no := false
	send := &discordgo.MessageSend{
		Content: w.content, Embeds: w.embeds, Components: w.components,
		AllowedMentions: noMentions(),
		Reference:       &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID, FailIfNotExists: &no},
	}
	sctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	log := b.log.With("message", m.ID, "channel", m.ChannelID)
	b.send(log, "reply", b.sendMessage(sctx, s, m.ChannelID, send))
}

// sendMessage posts a channel message. Channel buckets are few (one per
// channel), so the session's rate limiter is used; a 429 is retried once
// if the wait fits in ctx, not as long and as often as Discord says.
func (b *Bot) sendMessage(ctx context.Context, s *discordgo.Session, channelID string, m *discordgo.MessageSend) error {
	for attempt := 0; ; attempt++ {
		_, err := s.ChannelMessageSendComplex(channelID, m, discordgo.WithRetryOnRatelimit(false), discordgo.WithContext(ctx))
		var rle *discordgo.RateLimitError
		if !errors.As(err, &rle) {
			return err
		}
		b.stats.rateLimited.Add(1)
		if dl, ok := ctx.Deadline(); attempt > 0 || (ok && time.Until(dl) < rle.RetryAfter+100*time.Millisecond) {
			return fmt.Errorf("discord rate limit (retry after %v)", rle.RetryAfter)
		}
		if err := sleep(ctx, rle.RetryAfter); err != nil {
			return err
		}
	}
}

// ownRoleMentioned returns the role among m's mention_roles that is the
// bot's own, or "". Discord makes a role with the bot's name when it joins
// a guild, and members often pick it in the @ menu instead of the bot.
// discordgo v0.29.0's Role has no tags.bot_id, so the bot's role is the
// managed one it holds: a managed role (another bot's, the booster role)
// cannot be given by hand. Both come from the session's state
// (GUILD_CREATE, then role and own-member events; see Intents), so no
// REST call is made; a guild the state lacks gets "", and no answer.
func ownRoleMentioned(st *discordgo.State, m *discordgo.Message, botID string) string {
	if len(m.MentionRoles) == 0 {
		return ""
	}
	member, err := st.Member(m.GuildID, botID)
	if err != nil {
		return ""
	}
	st.RLock()
	held := slices.Clone(member.Roles) // MemberAdd overwrites *member under the lock
	st.RUnlock()
	for _, id := range m.MentionRoles {
		if !slices.Contains(held, id) {
			continue
		}
		if r, err := st.Role(m.GuildID, id); err == nil && r.Managed {
			return id
		}
	}
	return ""
}

// stripMention removes the bot's mention (<@id> or <@!id>), and that of
// its role (<@&roleID>) unless roleID is "", from a message, with the
// punctuation that followed it ("@casebot, what …").
func stripMention(content, botID, roleID string) string {
	pat := `<@!?` + regexp.QuoteMeta(botID) + `>`
	if roleID != "" {
		pat = `(?:` + pat + `|<@&` + regexp.QuoteMeta(roleID) + `>)`
	}
	re := regexp.MustCompile(pat + `[\s,:;.!?-]*`)
	return strings.Join(strings.Fields(re.ReplaceAllString(content, " ")), " ")
}
