package discordtest

import (
	"mime"
	"net/url"
	"path"
	"reflect"
	"sort"
)

// interactionState is what the fake remembers of an interaction it built,
// to answer its callback and webhook calls the way Discord would.
type interactionState struct {
	id, token          string
	typ                int
	guildID, channelID string
	messageID          string // the message a component was used on
	acked              bool
	originalID         string // the @original message, once it exists
	followups          map[string]bool
}

// NewInteraction builds an interaction of any type, invoked by user in
// guildID ("" for a DM with the bot), with fresh id and token, and
// registers it so its callback and webhook calls are accepted. The channel
// is the guild's default channel or the user's DM channel. The builders
// below are shorthands for it; data becomes the interaction's data.
func (s *Server) NewInteraction(typ int, user User, guildID string, data any) Interaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextIDLocked()
	i := Interaction{
		ID:            id,
		ApplicationID: s.cfg.appID,
		Type:          typ,
		Token:         "token-" + id,
		Version:       1,
		Data:          data,
	}
	if typ != InteractionPing {
		i.Locale = "en-US"
		s.users[user.ID] = user
		u := user
		if guildID != "" {
			i.GuildID = guildID
			i.ChannelID = s.guildChannelLocked(guildID)
			i.Member = &Member{User: &u, Roles: []string{}, JoinedAt: joinedAt, Permissions: "0"}
		} else {
			i.ChannelID = s.dmChannelLocked(user.ID)
			i.User = &u
			i.Context = 1 // BOT_DM
		}
	}
	s.registerLocked(i)
	return i
}

// Ping builds a PING interaction, which Discord sends to an HTTP
// interactions endpoint to check it (the answer must be {"type":1}).
func (s *Server) Ping() Interaction {
	return s.NewInteraction(InteractionPing, User{}, "", nil)
}

// SlashCommand builds a chat-input command interaction. Option types
// follow the Go values in opts: string 3, integers 4, bool 5, User 6,
// floats 10, Attachment 11 (with resolved data); a CommandOption value is used as
// given (for subcommands). Options are sorted by name. If the command was
// registered with the fake, data.id is its id.
func (s *Server) SlashCommand(name string, opts map[string]any, user User, guildID string) Interaction {
	return s.NewInteraction(InteractionCommand, user, guildID, s.commandData(name, opts, "", guildID))
}

// Autocomplete builds an autocomplete interaction for command name while
// the user types into option focused, whose partial value is opts[focused]
// ("" if missing).
func (s *Server) Autocomplete(name string, opts map[string]any, focused string, user User, guildID string) Interaction {
	return s.NewInteraction(InteractionAutocomplete, user, guildID, s.commandData(name, opts, focused, guildID))
}

// MessageCommand builds a message context menu command interaction (type
// 3, from a message's Apps menu) used on target, in target's guild and
// channel; the message travels in the data's resolved messages, as
// Discord sends it.
func (s *Server) MessageCommand(name string, target Message, user User) Interaction {
	d := &CommandData{Name: name, Type: 3, TargetID: target.ID, Resolved: &Resolved{Messages: map[string]Message{target.ID: target.clone()}}}
	s.mu.Lock()
	d.ID = s.commandIDLocked(name, target.GuildID)
	s.mu.Unlock()
	return s.inChannel(s.NewInteraction(InteractionCommand, user, target.GuildID, d), target.ChannelID)
}

// Button builds a button click on msg (as the fake returned it, see
// Original and Request.Message), in msg's guild and channel.
func (s *Server) Button(customID string, user User, msg Message) Interaction {
	i := s.NewInteraction(InteractionComponent, user, msg.GuildID, &ComponentData{CustomID: customID, ComponentType: 2})
	m := msg.clone()
	i.Message = &m
	return s.inChannel(i, msg.ChannelID)
}

// inChannel moves an interaction built by NewInteraction to the channel
// of the message it concerns (unless that is ""), and registers it again
// as it now is.
func (s *Server) inChannel(i Interaction, channelID string) Interaction {
	if channelID != "" {
		i.ChannelID = channelID
	}
	s.mu.Lock()
	s.registerLocked(i)
	s.mu.Unlock()
	return i
}

func (s *Server) commandData(name string, opts map[string]any, focused, guildID string) *CommandData {
	d := &CommandData{Name: name, Type: 1}
	names := make([]string, 0, len(opts))
	for n := range opts {
		names = append(names, n)
	}
	sort.Strings(names)
	res := &Resolved{}
	for _, n := range names {
		o, ok := s.option(n, opts[n], res)
		if !ok {
			continue
		}
		o.Focused = n == focused
		d.Options = append(d.Options, o)
	}
	if _, ok := opts[focused]; focused != "" && !ok {
		d.Options = append(d.Options, CommandOption{Name: focused, Type: OptionString, Value: "", Focused: true})
	}
	if len(res.Users) > 0 || len(res.Attachments) > 0 {
		d.Resolved = res
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	d.ID = s.commandIDLocked(name, guildID)
	return d
}

func (s *Server) option(name string, v any, res *Resolved) (CommandOption, bool) {
	o := CommandOption{Name: name, Value: v}
	switch v := v.(type) {
	case CommandOption:
		if v.Name == "" {
			v.Name = name
		}
		return v, true
	case string:
		o.Type = OptionString
	case bool:
		o.Type = OptionBoolean
	case User:
		o.Type, o.Value = OptionUser, v.ID
		if res.Users == nil {
			res.Users = map[string]User{}
		}
		res.Users[v.ID] = v
	case Attachment:
		o.Type, o.Value = OptionAttachment, v.ID
		if res.Attachments == nil {
			res.Attachments = map[string]Attachment{}
		}
		res.Attachments[v.ID] = v
	default:
		switch reflect.ValueOf(v).Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			o.Type = OptionInteger
		case reflect.Float32, reflect.Float64:
			o.Type = OptionNumber
		default:
			s.tb.Errorf("discordtest: option %q: unsupported value %v (%T)", name, v, v)
			return o, false
		}
	}
	return o, true
}

// commandIDLocked returns the id of the registered command name (guild
// commands first), or a fresh id.
func (s *Server) commandIDLocked(name, guildID string) string {
	for _, scope := range []string{guildID, ""} {
		for _, c := range s.commands[scope] {
			if c["name"] == name {
				if id, ok := c["id"].(string); ok {
					return id
				}
			}
		}
	}
	return s.nextIDLocked()
}

func (s *Server) registerLocked(i Interaction) {
	st := s.interactions[i.ID]
	if st == nil {
		st = &interactionState{id: i.ID, followups: map[string]bool{}}
		s.interactions[i.ID] = st
	}
	if st.token != "" && st.token != i.Token {
		delete(s.tokens, st.token)
	}
	st.token, st.typ, st.guildID, st.channelID = i.Token, i.Type, i.GuildID, i.ChannelID
	if i.Message != nil {
		st.messageID = i.Message.ID
	}
	if i.GuildID != "" && i.ChannelID != "" {
		s.channelGuild[i.ChannelID] = i.GuildID
	}
	s.tokens[i.Token] = st
}

// DispatchInteraction sends INTERACTION_CREATE. Changes made to i after it
// was built (channel, member permissions, ...) count; an interaction built
// by hand is registered here.
func (s *Server) DispatchInteraction(i Interaction) error {
	s.mu.Lock()
	s.registerLocked(i)
	s.mu.Unlock()
	return s.Dispatch("INTERACTION_CREATE", i)
}

// GuildMessage builds a message by author in guildID's channelID (""
// for the guild's default channel). To mention the bot, put
// "<@"+s.BotUser().ID+">" into content and s.BotUser() into mentions.
// The guild's roles that content mentions ("<@&"+s.BotRole(guildID).ID+">")
// are its mention_roles, as Discord resolves them.
func (s *Server) GuildMessage(guildID, channelID string, author User, content string, mentions ...User) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	if channelID == "" {
		channelID = s.guildChannelLocked(guildID)
	}
	s.channelGuild[channelID] = guildID
	m := Message{
		ID:           s.nextIDLocked(),
		ChannelID:    channelID,
		GuildID:      guildID,
		Author:       author,
		Member:       &Member{Roles: []string{}, JoinedAt: joinedAt},
		Content:      content,
		Mentions:     append([]User(nil), mentions...),
		MentionRoles: s.mentionRolesLocked(guildID, content),
	}
	m.normalize()
	return m
}

// DirectMessage builds a message author sends to the bot in their DM
// channel (no guild_id), the channel POST /users/@me/channels returns.
func (s *Server) DirectMessage(author User, content string) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := Message{
		ID:        s.nextIDLocked(),
		ChannelID: s.dmChannelLocked(author.ID),
		Author:    author,
		Content:   content,
	}
	m.normalize()
	return m
}

// DispatchMessage sends MESSAGE_CREATE and keeps the message, so replies
// referencing it are accepted. Missing id and timestamp are filled in.
func (s *Server) DispatchMessage(m Message) error {
	s.mu.Lock()
	if m.ID == "" {
		m.ID = s.nextIDLocked()
	}
	m = m.clone()
	stored := m.clone()
	s.messages[m.ID] = &stored
	s.users[m.Author.ID] = m.Author
	if m.GuildID != "" && m.ChannelID != "" {
		s.channelGuild[m.ChannelID] = m.GuildID
	}
	s.mu.Unlock()
	return s.Dispatch("MESSAGE_CREATE", m)
}

// Original returns the interaction's original response message (made by a
// type 4 or 5 callback, or by editing @original), as it stands now.
func (s *Server) Original(interactionID string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.interactions[interactionID]
	if st == nil || st.originalID == "" {
		return Message{}, false
	}
	m, ok := s.messages[st.originalID]
	if !ok {
		return Message{}, false
	}
	return m.clone(), true
}

// Message returns a message the fake knows (dispatched, or created by the
// bot), as it stands now.
func (s *Server) Message(id string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.messages[id]
	if !ok {
		return Message{}, false
	}
	return m.clone(), true
}

// AddAttachment stores a file the fake serves without authorization at the
// returned attachment's URL (under /attachments/), for use as an option
// value or in a message.
func (s *Server) AddAttachment(name string, body []byte) Attachment {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextIDLocked()
	ct := mime.TypeByExtension(path.Ext(name))
	s.files["/attachments/"+id+"/"+name] = file{body: append([]byte(nil), body...), contentType: ct}
	u := s.srv.URL + "/attachments/" + id + "/" + url.PathEscape(name)
	return Attachment{ID: id, Filename: name, Size: len(body), URL: u, ProxyURL: u, ContentType: ct}
}

func (s *Server) guildChannelLocked(guildID string) string {
	ch, ok := s.guildChans[guildID]
	if !ok {
		ch = s.nextIDLocked()
		s.guildChans[guildID] = ch
		s.channelGuild[ch] = guildID
	}
	return ch
}

func (s *Server) dmChannelLocked(userID string) string {
	ch, ok := s.dmChannels[userID]
	if !ok {
		ch = s.nextIDLocked()
		s.dmChannels[userID] = ch
	}
	return ch
}
