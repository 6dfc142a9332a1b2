package discordtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Message flags the fake acts on.
const (
	flagSuppressEmbeds   = 1 << 2
	flagEphemeral        = 1 << 6
	flagLoading          = 1 << 7
	flagSuppressNotifs   = 1 << 12
	flagIsComponentsV2   = 1 << 15
	creatableFlags       = flagSuppressEmbeds | flagEphemeral | flagSuppressNotifs | flagIsComponentsV2
	channelMessageFlags  = flagSuppressEmbeds | flagSuppressNotifs | flagIsComponentsV2
	messageTypeDefault   = 0
	messageTypeReply     = 19
	messageTypeChatInput = 20
)

func (s *Server) routes() *http.ServeMux {
	m := http.NewServeMux()
	const api = "/api/v9"
	m.HandleFunc("GET "+api+"/gateway", s.gateway)
	m.HandleFunc("GET "+api+"/gateway/bot", s.gatewayBot)
	m.HandleFunc("GET "+api+"/users/@me", s.me)
	m.HandleFunc("GET "+api+"/users/@me/guilds", s.userGuilds)
	m.HandleFunc("GET "+api+"/users/{user}", s.user)
	m.HandleFunc("GET "+api+"/users/@me/channels", s.listDMs)
	m.HandleFunc("POST "+api+"/users/@me/channels", s.createDM)
	for _, p := range []string{api + "/applications/{app}/commands", api + "/applications/{app}/guilds/{guild}/commands"} {
		m.HandleFunc("GET "+p, s.listCommands)
		m.HandleFunc("PUT "+p, s.overwriteCommands)
		m.HandleFunc("POST "+p, s.createCommand)
		m.HandleFunc("DELETE "+p+"/{cmd}", s.deleteCommand)
	}
	m.HandleFunc("POST "+api+"/interactions/{id}/{token}/callback", s.callback)
	m.HandleFunc("POST "+api+"/webhooks/{app}/{token}", s.followup)
	for _, method := range []string{"GET", "PATCH", "DELETE"} {
		m.HandleFunc(method+" "+api+"/webhooks/{app}/{token}/messages/{msg}", s.webhookMessage)
		m.HandleFunc(method+" "+api+"/channels/{ch}/messages/{msg}", s.channelMessage)
	}
	m.HandleFunc("POST "+api+"/channels/{ch}/messages", s.createMessage)
	m.HandleFunc("GET /attachments/", s.attachment)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, 0, "404: Not Found")
	})
	return m
}

type apiError struct {
	Message string         `json:"message"`
	Code    int            `json:"code"`
	Errors  map[string]any `json:"errors,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"message":"discordtest: `+err.Error()+`","code":0}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, status, code int, message string) {
	writeJSON(w, status, apiError{Message: message, Code: code})
}

// writeInvalid answers 400 Invalid Form Body with Discord's nested errors.
func writeInvalid(w http.ResponseWriter, errs []fieldError) {
	writeJSON(w, http.StatusBadRequest, apiError{Message: "Invalid Form Body", Code: 50035, Errors: nestErrors(errs)})
}

func writeEmpty(w http.ResponseWriter) {
	writeError(w, http.StatusBadRequest, 50006, "Cannot send an empty message")
}

func badJSON(w http.ResponseWriter) {
	writeError(w, http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
}

// payload is a decoded message body: which keys were sent, their typed
// view, and how many files came with it.
type payload struct {
	raw   map[string]json.RawMessage
	reply Reply
	files map[string][]byte
}

func (p payload) has(key string) bool {
	v, ok := p.raw[key]
	return ok && string(v) != "null"
}

func (p payload) empty() bool {
	r := p.reply
	return r.Content == "" && len(r.Embeds) == 0 && len(r.Components) == 0 &&
		len(r.Attachments) == 0 && len(p.files) == 0 && !p.has("poll") && !p.has("sticker_ids")
}

// readPayload decodes a message body, JSON or multipart.
func readPayload(r *http.Request) (payload, bool) {
	body, _ := io.ReadAll(r.Body)
	data, files, err := Request{Header: r.Header, Body: body}.parts()
	if err != nil {
		return payload{}, false
	}
	return decodePayload(data, files)
}

func decodePayload(data []byte, files map[string][]byte) (payload, bool) {
	p := payload{files: files}
	if len(bytes.TrimSpace(data)) == 0 {
		return p, true
	}
	if json.Unmarshal(data, &p.raw) != nil || json.Unmarshal(data, &p.reply) != nil {
		return p, false
	}
	return p, true
}

// applyLocked copies the sent fields of p into m. Editing keeps the flags
// fixed at creation except SUPPRESS_EMBEDS, as Discord does.
func (s *Server) applyLocked(m *Message, p payload, edit bool) {
	if p.has("content") {
		m.Content = p.reply.Content
	}
	if _, ok := p.raw["embeds"]; ok {
		m.Embeds = rawList(p.raw["embeds"])
	}
	if _, ok := p.raw["components"]; ok {
		m.Components = rawList(p.raw["components"])
	}
	if p.has("tts") {
		m.TTS = p.reply.TTS
	}
	if p.has("flags") {
		if edit {
			m.Flags = m.Flags&^flagSuppressEmbeds | p.reply.Flags&flagSuppressEmbeds
		} else {
			m.Flags |= p.reply.Flags & creatableFlags
		}
	}
	if len(p.files) > 0 {
		names := make([]string, 0, len(p.files))
		for n := range p.files {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			m.Attachments = append(m.Attachments, s.addFileLocked(n, p.files[n]))
		}
	}
	s.pingsLocked(m, p.reply.AllowedMentions)
	m.normalize()
}

func rawList(v json.RawMessage) []json.RawMessage {
	var l []json.RawMessage
	_ = json.Unmarshal(v, &l)
	if l == nil {
		l = []json.RawMessage{}
	}
	return l
}

var (
	userMention = regexp.MustCompile(`<@!?(\d+)>`)
	roleMention = regexp.MustCompile(`<@&(\d+)>`)
)

// pingsLocked fills in whom m pings, as Discord resolves it: everything the
// content mentions unless allowed_mentions narrows it, and the author of the
// replied-to message unless allowed_mentions leaves replied_user false.
func (s *Server) pingsLocked(m *Message, am *AllowedMentions) {
	parse := map[string]bool{"users": true, "roles": true, "everyone": true}
	var users, roles map[string]bool
	replied := true
	if am != nil {
		parse, users, roles = set(am.Parse), set(am.Users), set(am.Roles)
		replied = am.RepliedUser
	}
	m.MentionEveryone = parse["everyone"] &&
		(strings.Contains(m.Content, "@everyone") || strings.Contains(m.Content, "@here"))
	m.Mentions, m.MentionRoles = []User{}, []string{}
	seen := map[string]bool{}
	addUser := func(id string) {
		if seen[id] {
			return
		}
		seen[id] = true
		u, ok := s.users[id]
		if !ok {
			u = User{ID: id}
		}
		m.Mentions = append(m.Mentions, u)
	}
	for _, sm := range userMention.FindAllStringSubmatch(m.Content, -1) {
		if parse["users"] || users[sm[1]] {
			addUser(sm[1])
		}
	}
	for _, sm := range roleMention.FindAllStringSubmatch(m.Content, -1) {
		if parse["roles"] || roles[sm[1]] {
			m.MentionRoles = append(m.MentionRoles, sm[1])
		}
	}
	if ref := m.MessageReference; replied && ref != nil {
		if orig, ok := s.messages[ref.MessageID]; ok {
			addUser(orig.Author.ID)
		}
	}
}

func set(l []string) map[string]bool {
	m := map[string]bool{}
	for _, v := range l {
		m[v] = true
	}
	return m
}

func (s *Server) addFileLocked(name string, body []byte) Attachment {
	id := s.nextIDLocked()
	s.files["/attachments/"+id+"/"+name] = file{body: bytes.Clone(body)}
	u := s.srv.URL + "/attachments/" + id + "/" + url.PathEscape(name)
	return Attachment{ID: id, Filename: name, Size: len(body), URL: u, ProxyURL: u}
}

func (s *Server) gateway(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"url": s.wsURL})
}

func (s *Server) gatewayBot(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"url":    s.wsURL,
		"shards": 1,
		"session_start_limit": map[string]any{
			"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1,
		},
	})
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.cfg.botUser)
}

// maxUserGuilds is the most guilds GET /users/@me/guilds returns at once,
// and its default limit.
const maxUserGuilds = 200

// userGuilds lists the guilds the bot is in as partial guilds, by id
// ascending, a page at a time: limit (1 to 200, default 200), after and
// before page through them as on Discord.
func (s *Server) userGuilds(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := maxUserGuilds
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil:
			writeInvalid(w, []fieldError{{"limit", "NUMBER_TYPE_COERCE", fmt.Sprintf("Value %q is not int.", v)}})
			return
		case n < 1 || n > maxUserGuilds:
			writeInvalid(w, []fieldError{{"limit", "NUMBER_TYPE_MAX", fmt.Sprintf("int value should be between 1 and %d.", maxUserGuilds)}})
			return
		}
		limit = n
	}
	after, before := q.Get("after"), q.Get("before")
	s.mu.Lock()
	ids := make([]string, 0, len(s.guilds))
	for id := range s.guilds {
		if (after == "" || idLess(after, id)) && (before == "" || idLess(id, before)) {
			ids = append(ids, id)
		}
	}
	s.mu.Unlock()
	sort.Slice(ids, func(i, j int) bool { return idLess(ids[i], ids[j]) })
	if len(ids) > limit {
		if before != "" && after == "" {
			ids = ids[len(ids)-limit:] // the page just before
		} else {
			ids = ids[:limit]
		}
	}
	out := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		g := map[string]any{
			"id": id, "name": "guild " + id, "icon": nil, "banner": nil, "owner": false,
			"permissions": botPermissions, "features": []string{},
		}
		if q.Get("with_counts") == "true" {
			g["approximate_member_count"], g["approximate_presence_count"] = 1, 1
		}
		out = append(out, g)
	}
	writeJSON(w, http.StatusOK, out)
}

// idLess orders snowflakes by value; ids that are not numbers (a test's
// "g1") come after, by text.
func idLess(a, b string) bool {
	x, errA := strconv.ParseUint(a, 10, 64)
	y, errB := strconv.ParseUint(b, 10, 64)
	switch {
	case errA == nil && errB == nil:
		return x < y
	case errA == nil || errB == nil:
		return errA == nil
	}
	return a < b
}

func (s *Server) user(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	u, ok := s.users[r.PathValue("user")]
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, 10013, "Unknown User")
		return
	}
	writeJSON(w, http.StatusOK, u)
}

func (s *Server) dmChannelJSONLocked(userID string) map[string]any {
	u, ok := s.users[userID]
	if !ok {
		u = User{ID: userID}
	}
	return map[string]any{
		"id": s.dmChannelLocked(userID), "type": 1, "last_message_id": nil, "flags": 0,
		"recipients": []User{u},
	}
}

func (s *Server) listDMs(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, len(s.dmChannels))
	for id := range s.dmChannels {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := []map[string]any{}
	for _, id := range ids {
		out = append(out, s.dmChannelJSONLocked(id))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) createDM(w http.ResponseWriter, r *http.Request) {
	var body struct {
		RecipientID string `json:"recipient_id"`
	}
	if json.NewDecoder(r.Body).Decode(&body) != nil {
		badJSON(w)
		return
	}
	if body.RecipientID == "" {
		writeInvalid(w, []fieldError{{"recipient_id", "BASE_TYPE_REQUIRED", "This field is required"}})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.dmChannelJSONLocked(body.RecipientID))
}

// appOK answers 403 when the path's application is not this bot's.
func (s *Server) appOK(w http.ResponseWriter, r *http.Request) bool {
	if r.PathValue("app") != s.cfg.appID {
		writeError(w, http.StatusForbidden, 50001, "Missing Access")
		return false
	}
	return true
}

func (s *Server) listCommands(w http.ResponseWriter, r *http.Request) {
	if !s.appOK(w, r) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.commands[r.PathValue("guild")]
	if out == nil {
		out = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, out)
}

// overwriteCommands replaces a scope's commands. A command keeps its id if
// one of the same name and type existed, as on Discord.
func (s *Server) overwriteCommands(w http.ResponseWriter, r *http.Request) {
	if !s.appOK(w, r) {
		return
	}
	var cmds []map[string]any
	var specs []commandSpec
	body, _ := io.ReadAll(r.Body)
	if json.Unmarshal(body, &cmds) != nil || json.Unmarshal(body, &specs) != nil {
		badJSON(w)
		return
	}
	if cmds == nil {
		// null is not a list: no commands is [].
		writeInvalid(w, []fieldError{{"", "BASE_TYPE_REQUIRED", "This field is required"}})
		return
	}
	if errs := validateCommands(specs); len(errs) > 0 {
		writeInvalid(w, errs)
		return
	}
	guild := r.PathValue("guild")
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.commands[guild]
	out := make([]map[string]any, len(cmds))
	for i, c := range cmds {
		out[i] = s.echoCommandLocked(c, specs[i], guild, old)
	}
	s.commands[guild] = out
	writeJSON(w, http.StatusOK, out)
}

// CommandNames returns the names of the commands registered in a scope,
// guildID's or, for "", the global one, in the order they were registered.
func (s *Server) CommandNames(guildID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for _, c := range s.commands[guildID] {
		name, _ := c["name"].(string)
		names = append(names, name)
	}
	return names
}

func (s *Server) createCommand(w http.ResponseWriter, r *http.Request) {
	if !s.appOK(w, r) {
		return
	}
	var c map[string]any
	var spec commandSpec
	body, _ := io.ReadAll(r.Body)
	if json.Unmarshal(body, &c) != nil || json.Unmarshal(body, &spec) != nil {
		badJSON(w)
		return
	}
	if errs := validateCommand(spec, ""); len(errs) > 0 {
		writeInvalid(w, errs)
		return
	}
	guild := r.PathValue("guild")
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.commands[guild]
	out := s.echoCommandLocked(c, spec, guild, old)
	status := http.StatusCreated
	kept := make([]map[string]any, 0, len(old)+1)
	for _, o := range old {
		if o["id"] == out["id"] {
			status = http.StatusOK
			continue
		}
		kept = append(kept, o)
	}
	s.commands[guild] = append(kept, out)
	writeJSON(w, status, out)
}

func (s *Server) echoCommandLocked(c map[string]any, spec commandSpec, guild string, old []map[string]any) map[string]any {
	typ := spec.Type
	if typ == 0 {
		typ = 1
	}
	out := make(map[string]any, len(c)+5)
	for k, v := range c {
		out[k] = v
	}
	out["type"] = typ
	out["id"] = nil
	for _, o := range old {
		if o["name"] == spec.Name && o["type"] == typ {
			out["id"] = o["id"]
		}
	}
	if out["id"] == nil {
		out["id"] = s.nextIDLocked()
	}
	out["application_id"] = s.cfg.appID
	out["version"] = s.nextIDLocked()
	if guild != "" {
		out["guild_id"] = guild
	}
	if _, ok := out["default_member_permissions"]; !ok {
		out["default_member_permissions"] = nil
	}
	return out
}

func (s *Server) deleteCommand(w http.ResponseWriter, r *http.Request) {
	if !s.appOK(w, r) {
		return
	}
	guild, id := r.PathValue("guild"), r.PathValue("cmd")
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, c := range s.commands[guild] {
		if c["id"] == id {
			s.commands[guild] = append(s.commands[guild][:i:i], s.commands[guild][i+1:]...)
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	writeError(w, http.StatusNotFound, 10063, "Unknown application command")
}

// allowedCallbacks lists the callback types Discord accepts per interaction type.
var allowedCallbacks = map[int][]int{
	InteractionPing:         {1},
	InteractionCommand:      {4, 5, 9},
	InteractionComponent:    {4, 5, 6, 7, 9},
	InteractionAutocomplete: {8},
	InteractionModalSubmit:  {4, 5, 6, 7},
}

// callback takes the initial response to an interaction: once, with a type
// valid for the interaction, and a valid message.
func (s *Server) callback(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	data, files, err := Request{Header: r.Header, Body: body}.parts()
	var cb struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if err != nil || json.Unmarshal(data, &cb) != nil {
		badJSON(w)
		return
	}
	p, ok := decodePayload(cb.Data, files)
	if !ok || string(cb.Data) == "null" {
		p = payload{files: files}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.interactions[r.PathValue("id")]
	if st == nil || st.token != r.PathValue("token") {
		writeError(w, http.StatusNotFound, 10062, "Unknown interaction")
		return
	}
	if st.acked {
		writeError(w, http.StatusBadRequest, 40060, "Interaction has already been acknowledged.")
		return
	}
	if !contains(allowedCallbacks[st.typ], cb.Type) {
		writeInvalid(w, []fieldError{{"type", "INTERACTION_RESPONSE_TYPE_INVALID",
			"Interaction response type is not valid for this interaction"}})
		return
	}
	var errs []fieldError
	switch cb.Type {
	case 4, 7:
		errs = validateMessage(p.reply, "data.")
	case 8:
		errs = validateChoices(p.reply.Choices, "data.choices")
	case 9:
		errs = validateModal(p.reply, "data.")
	}
	if len(errs) > 0 {
		writeInvalid(w, errs)
		return
	}
	if cb.Type == 4 && p.empty() {
		writeEmpty(w)
		return
	}
	st.acked = true
	switch cb.Type {
	case 4:
		m := s.interactionMessageLocked(st, true)
		s.applyLocked(m, p, false)
	case 5:
		m := s.interactionMessageLocked(st, true)
		m.Flags = p.reply.Flags&flagEphemeral | flagLoading
	case 7:
		if m := s.messages[st.messageID]; m != nil {
			s.applyLocked(m, p, true)
			s.editedLocked(m)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

func contains(l []int, v int) bool {
	for _, x := range l {
		if x == v {
			return true
		}
	}
	return false
}

// interactionMessageLocked makes a message sent on behalf of an
// interaction: the original response or a follow-up.
func (s *Server) interactionMessageLocked(st *interactionState, original bool) *Message {
	m := &Message{
		ID:            s.nextIDLocked(),
		ChannelID:     st.channelID,
		GuildID:       st.guildID,
		Author:        s.cfg.botUser,
		Type:          messageTypeDefault,
		WebhookID:     s.cfg.appID,
		ApplicationID: s.cfg.appID,
	}
	if original && st.typ == InteractionCommand {
		m.Type = messageTypeChatInput
	}
	m.normalize()
	s.messages[m.ID] = m
	if original {
		st.originalID = m.ID
	} else {
		st.followups[m.ID] = true
	}
	return m
}

func (s *Server) editedLocked(m *Message) {
	t := timestampOf(s.nextIDLocked())
	m.EditedTimestamp = &t
}

// webhookLocked finds the interaction a webhook URL belongs to, or answers
// 404 Unknown Webhook.
func (s *Server) webhookLocked(w http.ResponseWriter, r *http.Request) *interactionState {
	st := s.tokens[r.PathValue("token")]
	if r.PathValue("app") != s.cfg.appID || st == nil {
		writeError(w, http.StatusNotFound, 10015, "Unknown Webhook")
		return nil
	}
	return st
}

// followup creates a follow-up message: 200 with the message when
// ?wait=true, else 204, as Discord answers.
func (s *Server) followup(w http.ResponseWriter, r *http.Request) {
	p, ok := readPayload(r)
	if !ok {
		badJSON(w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.webhookLocked(w, r)
	if st == nil {
		return
	}
	if errs := validateMessage(p.reply, ""); len(errs) > 0 {
		writeInvalid(w, errs)
		return
	}
	if p.empty() {
		writeEmpty(w)
		return
	}
	m := s.interactionMessageLocked(st, false)
	s.applyLocked(m, p, false)
	if r.URL.Query().Get("wait") != "true" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

// webhookMessage reads, edits or deletes an interaction's original
// response (@original) or one of its follow-ups. Editing @original before
// any callback creates it, as happens after a deferred answer given in the
// body of an HTTP interaction.
func (s *Server) webhookMessage(w http.ResponseWriter, r *http.Request) {
	var p payload
	if r.Method == http.MethodPatch {
		var ok bool
		if p, ok = readPayload(r); !ok {
			badJSON(w)
			return
		}
		if errs := validateMessage(p.reply, ""); len(errs) > 0 {
			writeInvalid(w, errs)
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.webhookLocked(w, r)
	if st == nil {
		return
	}
	id := r.PathValue("msg")
	switch {
	case id == "@original" && st.originalID == "" && r.Method == http.MethodPatch:
		st.acked = true
		id = s.interactionMessageLocked(st, true).ID
	case id == "@original":
		id = st.originalID
	case !st.followups[id]:
		id = ""
	}
	m := s.messages[id]
	if m == nil {
		writeError(w, http.StatusNotFound, 10008, "Unknown Message")
		return
	}
	s.serveMessageLocked(w, r, m, p)
	if r.Method == http.MethodDelete && st.originalID == m.ID {
		st.originalID = ""
	}
}

// serveMessageLocked answers GET, PATCH or DELETE on a stored message.
func (s *Server) serveMessageLocked(w http.ResponseWriter, r *http.Request, m *Message, p payload) {
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, http.StatusOK, m)
	case http.MethodDelete:
		delete(s.messages, m.ID)
		w.WriteHeader(http.StatusNoContent)
	case http.MethodPatch:
		if errs := validateMessage(p.reply, ""); len(errs) > 0 {
			writeInvalid(w, errs)
			return
		}
		edited := m.clone()
		s.applyLocked(&edited, p, true)
		edited.Flags &^= flagLoading
		if edited.Content == "" && len(edited.Embeds) == 0 && len(edited.Components) == 0 && len(edited.Attachments) == 0 {
			writeEmpty(w)
			return
		}
		s.editedLocked(&edited)
		*m = edited
		writeJSON(w, http.StatusOK, m)
	}
}

// createMessage posts a channel message, checking a reply's reference as
// Discord does (fail_if_not_exists defaults to true).
func (s *Server) createMessage(w http.ResponseWriter, r *http.Request) {
	p, ok := readPayload(r)
	if !ok {
		badJSON(w)
		return
	}
	if errs := validateMessage(p.reply, ""); len(errs) > 0 {
		writeInvalid(w, errs)
		return
	}
	if p.empty() {
		writeEmpty(w)
		return
	}
	ch := r.PathValue("ch")
	s.mu.Lock()
	defer s.mu.Unlock()
	m := &Message{ID: s.nextIDLocked(), ChannelID: ch, GuildID: s.channelGuild[ch], Author: s.cfg.botUser}
	if ref := p.reply.MessageReference; ref != nil && ref.MessageID != "" {
		_, known := s.messages[ref.MessageID]
		switch {
		case known:
			m.Type = messageTypeReply
			m.MessageReference = &MessageReference{MessageID: ref.MessageID, ChannelID: ch, GuildID: m.GuildID}
		case ref.FailIfNotExists == nil || *ref.FailIfNotExists:
			writeInvalid(w, []fieldError{{"message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"}})
			return
		}
	}
	p.reply.Flags &= channelMessageFlags
	s.applyLocked(m, p, false)
	s.messages[m.ID] = m
	writeJSON(w, http.StatusOK, m)
}

func (s *Server) channelMessage(w http.ResponseWriter, r *http.Request) {
	var p payload
	if r.Method == http.MethodPatch {
		var ok bool
		if p, ok = readPayload(r); !ok {
			badJSON(w)
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.messages[r.PathValue("msg")]
	if m == nil || m.ChannelID != r.PathValue("ch") {
		writeError(w, http.StatusNotFound, 10008, "Unknown Message")
		return
	}
	if r.Method == http.MethodPatch && m.Author.ID != s.cfg.botUser.ID {
		writeError(w, http.StatusForbidden, 50005, "Cannot edit a message authored by another user")
		return
	}
	s.serveMessageLocked(w, r, m, p)
}

func (s *Server) attachment(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	f, ok := s.files[r.URL.Path]
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, 0, "404: Not Found")
		return
	}
	ct := f.contentType
	if ct == "" {
		ct = http.DetectContentType(f.body)
	}
	w.Header().Set("Content-Type", ct)
	_, _ = w.Write(f.body)
}
