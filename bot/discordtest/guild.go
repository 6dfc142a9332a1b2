package discordtest

import (
	"encoding/json"
	"slices"
	"sort"
)

// intentGuilds is the GUILDS intent, without which Discord sends no
// GUILD_CREATE and no role events.
const intentGuilds = 1 << 0

// botPermissions are the permissions of the bot's role: those the README's
// invite link asks for (Send Messages, Embed Links, Read Message History,
// Use Application Commands).
const botPermissions = "2147567616"

// Role is a guild role as Discord sends it. Managed roles belong to an
// integration and cannot be given to members by hand; the one Discord
// makes for a bot when it joins a guild bears the bot's name and says
// whose it is in Tags.
type Role struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Color       int       `json:"color"`
	Hoist       bool      `json:"hoist"`
	Position    int       `json:"position"`
	Permissions string    `json:"permissions"`
	Managed     bool      `json:"managed"`
	Mentionable bool      `json:"mentionable"`
	Flags       int       `json:"flags"`
	Tags        *RoleTags `json:"tags,omitempty"`
}

// RoleTags say what a managed role belongs to.
type RoleTags struct {
	BotID string `json:"bot_id,omitempty"`
}

// guild is what the fake models of a guild the bot is in: its roles, of
// which the bot's own member holds botRole.
type guild struct {
	roles   []Role // @everyone first
	botRole string
}

// guildLocked returns the guild id, making it on first use with the roles
// every guild with the bot has: @everyone, whose id is the guild's, and
// the bot's managed role.
func (s *Server) guildLocked(id string) *guild {
	g, ok := s.guilds[id]
	if !ok {
		bot := Role{ID: s.nextIDLocked(), Name: s.cfg.botUser.Username, Position: 1, Permissions: botPermissions,
			Managed: true, Tags: &RoleTags{BotID: s.cfg.botUser.ID}}
		g = &guild{roles: []Role{{ID: id, Name: "@everyone", Permissions: "0"}, bot}, botRole: bot.ID}
		s.guilds[id] = g
	}
	return g
}

// AddGuild puts the bot in guildID, as adding it to a server does: GET
// /users/@me/guilds lists it, and connected clients that asked for the
// GUILDS intent get its GUILD_CREATE (a client that connects later finds it
// in READY). A guild is also made when first used (an interaction or a
// message in it, BotRole, AddRole); AddGuild is for one the bot is in
// without any.
func (s *Server) AddGuild(guildID string) {
	s.mu.Lock()
	s.guildLocked(guildID)
	s.mu.Unlock()
	for _, t := range s.targets(guildID) {
		t.c.wmu.Lock()
		err := s.sendGuild(t.c, t.sess, guildID)
		t.c.wmu.Unlock()
		if err != nil {
			s.tb.Logf("discordtest: GUILD_CREATE %s: %v", guildID, err)
		}
	}
}

// BotRole returns the role Discord made for the bot in guildID when it
// joined: managed, named after the bot, held by the bot's member. Members
// who pick it in the @ menu instead of the bot send "<@&id>".
func (s *Server) BotRole(guildID string) Role {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guildLocked(guildID)
	for _, r := range g.roles {
		if r.ID == g.botRole {
			return r
		}
	}
	return Role{}
}

// AddRole adds a role to guildID (a fresh id if r has none) and returns
// it: a teacher role, say, or another bot's managed role (Managed, with
// Tags.BotID). Clients that already have the guild's GUILD_CREATE get
// GUILD_ROLE_CREATE; the others find the role in their GUILD_CREATE.
func (s *Server) AddRole(guildID string, r Role) Role {
	s.mu.Lock()
	g := s.guildLocked(guildID)
	if r.ID == "" {
		r.ID = s.nextIDLocked()
	}
	if r.Permissions == "" {
		r.Permissions = "0"
	}
	if r.Position == 0 {
		r.Position = len(g.roles)
	}
	g.roles = append(g.roles, r)
	s.mu.Unlock()

	raw, err := json.Marshal(map[string]any{"guild_id": guildID, "role": r})
	if err != nil {
		s.tb.Errorf("discordtest: role %+v: %v", r, err)
		return r
	}
	for _, t := range s.targets(guildID) {
		t.c.wmu.Lock()
		s.mu.Lock()
		had := t.sess.guilds[guildID]
		s.mu.Unlock()
		if had {
			_ = t.c.dispatch(t.sess, "GUILD_ROLE_CREATE", raw)
		}
		t.c.wmu.Unlock()
	}
	return r
}

// sendGuild sends guildID's GUILD_CREATE on c, unless sess has had it or
// did not ask for the GUILDS intent. Call with c.wmu held.
func (s *Server) sendGuild(c *gatewayConn, sess *gatewaySession, guildID string) error {
	s.mu.Lock()
	if guildID == "" || sess.identify.Intents&intentGuilds == 0 || sess.guilds[guildID] {
		s.mu.Unlock()
		return nil
	}
	sess.guilds[guildID] = true
	raw, err := json.Marshal(s.guildCreateLocked(guildID))
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return c.dispatch(sess, "GUILD_CREATE", raw)
}

// guildCreateLocked is guildID's GUILD_CREATE payload. Its members are
// the bot's own member only, as Discord sends them to a bot without the
// presence intent.
func (s *Server) guildCreateLocked(guildID string) map[string]any {
	g := s.guildLocked(guildID)
	bot := s.cfg.botUser
	var chans []string
	for ch, gid := range s.channelGuild {
		if gid == guildID {
			chans = append(chans, ch)
		}
	}
	sort.Strings(chans)
	channels := []map[string]any{}
	for i, ch := range chans {
		name := "channel-" + ch
		if ch == s.guildChans[guildID] {
			name = "general"
		}
		channels = append(channels, map[string]any{"id": ch, "type": 0, "guild_id": guildID, "name": name, "position": i})
	}
	return map[string]any{
		"id":           guildID,
		"name":         "guild " + guildID,
		"joined_at":    joinedAt,
		"large":        false,
		"unavailable":  false,
		"roles":        append([]Role(nil), g.roles...),
		"members":      []Member{{User: &bot, Roles: []string{g.botRole}, JoinedAt: joinedAt}},
		"channels":     channels,
		"threads":      []any{},
		"voice_states": []any{},
		"presences":    []any{},
		"emojis":       []any{},
		"stickers":     []any{},
	}
}

// mentionRolesLocked returns the roles of guildID that content mentions
// ("<@&id>"), once each, in order: a message's mention_roles. @everyone is
// not among them (Discord says mention_everyone).
func (s *Server) mentionRolesLocked(guildID, content string) []string {
	g := s.guildLocked(guildID)
	out := []string{}
	for _, sm := range roleMention.FindAllStringSubmatch(content, -1) {
		for _, r := range g.roles {
			if r.ID == sm[1] && r.ID != guildID && !slices.Contains(out, r.ID) {
				out = append(out, r.ID)
			}
		}
	}
	return out
}
