// Package discordtest is a fake Discord for tests: REST API, gateway
// websocket and CDN on one in-process loopback httptest server, which
// discordgo, unmodified, talks to over real HTTP and real websockets, and a
// Signer for driving a bot's HTTP interactions endpoint.
//
// # Pointing a client at the fake
//
// discordgo's endpoints are package variables built at init, so the fake is
// reached by transport, not by changing them: give the session an
// http.Client whose RoundTripper rewrites scheme and host of every request
// to URL(). Gateway discovery (GET /api/v9/gateway and /gateway/bot) then
// returns ws://host/ws, to which discordgo appends "/?v=9&encoding=json".
//
//	fake := discordtest.New(t)
//	dg, _ := discordgo.New("Bot test-token")
//	dg.Client = &http.Client{Transport: rewriteTo(fake.URL())}
//	dg.Identify.Intents = discordgo.IntentGuildMessages | discordgo.IntentDirectMessages
//	dg.ShouldReconnectOnError = false
//	_ = dg.Open()
//
//	i := fake.SlashCommand("ask", map[string]any{"question": "What is X?"}, discordtest.User{ID: "42", Username: "alice"}, "100")
//	_ = fake.DispatchInteraction(i)
//	cb, _ := fake.Callback(ctx, i.ID) // the initial response
//	reply, _ := cb.Reply()            // its type, content, embeds, components, allowed_mentions
//
// # Gateway
//
// Each connection gets HELLO (heartbeat_interval 45 s unless
// WithHeartbeatInterval), then IDENTIFY is answered with READY (user
// BotUser(), application ApplicationID(), a fresh session_id, the shard if
// one was sent, the guilds the fake knows as unavailable) and RESUME with
// RESUMED for a session the fake made, op 9 otherwise. A client that asked
// for the GUILDS intent then gets each guild's GUILD_CREATE, and that of a
// guild the fake learns of later before the guild's first event, as when
// the bot joins it; without the intent, none. Heartbeats are acknowledged. Refusals use Discord's close
// codes: 4004 bad token (WithToken), 4014 privileged intents
// (WithPrivilegedIntents), 4010 bad shard, 4005 identifying twice, 4001
// unknown opcode. Several connections, for example one per shard, may be
// open at once. Dispatch sends an event with per-session sequence numbers;
// sharded clients get only their guilds' events, (guild_id >> 22) %
// shard_count, and DMs go to shard 0. RequestReconnect sends op 7.
// Identify, Frames and WaitFrame show what clients sent.
//
// # Events
//
// SlashCommand, Autocomplete, Button, Ping and NewInteraction build
// interactions with fresh snowflake ids and tokens and the application id
// filled in; GuildMessage and DirectMessage build messages. Ids are
// deterministic: the n-th id of a server encodes 2024-01-01 plus n
// milliseconds. Interactions are registered when built, so their callbacks
// and webhooks are accepted even when a test sends them to an HTTP
// interactions endpoint instead of dispatching them; an interaction made by
// hand is registered by DispatchInteraction.
//
// A guild is made when first used, with the roles of a guild the bot was
// added to: @everyone (the guild's id) and the bot's managed role, named
// after it (BotRole), which the bot's own member, the one member in
// GUILD_CREATE, holds. AddRole adds others, a teacher role or another
// bot's managed role, say (GUILD_ROLE_CREATE to clients that have the
// guild). A message's mention_roles are the guild's roles its content
// mentions ("<@&id>").
//
// # REST
//
// Every request is recorded with its answer (Requests, WaitRequest,
// Callback) before the client sees the answer. The fake answers like
// Discord, including its checks, so a bot that would fail on Discord fails
// here:
//
//   - PUT, GET, POST, DELETE /applications/{app}/commands and
//     /applications/{app}/guilds/{g}/commands: bulk overwrite echoes the
//     commands with ids (kept across overwrites by name), after checking
//     names, descriptions, option order, choices and the 100/25 limits;
//     an empty list removes them all, and a body that is not a list (null)
//     gets 400; another application's id gets 403. Each scope holds this
//     application's commands only, as on Discord; CommandNames shows them.
//     The fake does not check that the bot is in a guild it registers in.
//   - GET /users/@me/guilds: the guilds the bot is in (AddGuild, or made
//     when first used), as partial guilds by id ascending, 200 at most a
//     page (limit 1 to 200, after, before, with_counts).
//   - POST /interactions/{id}/{token}/callback: 204 once; 404 (10062) for
//     an unknown interaction, 400 (40060) when already acknowledged, 400
//     for a callback type the interaction does not take (autocomplete takes
//     only 8, deferred updates only components and modals).
//   - POST /webhooks/{app}/{token} (follow-ups; 200 with the message when
//     ?wait=true, else 204) and GET, PATCH, DELETE
//     /webhooks/{app}/{token}/messages/{@original|id}; wrong application or
//     token gets 404 (10015). Editing @original before any callback creates
//     it, as after a deferred answer given in an HTTP interaction's body.
//   - POST /channels/{ch}/messages, GET, PATCH, DELETE
//     /channels/{ch}/messages/{id}; a reply must reference a known message
//     unless fail_if_not_exists is false.
//   - GET /users/@me, /users/{id}; GET and POST /users/@me/channels.
//   - GET /attachments/... serves files added with AddAttachment (or sent
//     by the bot), without authorization.
//   - Anything else: 404 {"message": "404: Not Found", "code": 0}.
//
// Messages are checked against Discord's limits (content 2000 characters,
// 10 embeds of title 256, description 4096, 25 fields of 256/1024, 6000 in
// all, 5 action rows of 5 components, unique custom ids, 25 choices) and
// refused with 400 Invalid Form Body (50035) or, when empty, 50006. The
// returned message shows whom it pinged (mention_everyone, mentions,
// mention_roles), resolved from the content and allowed_mentions the way
// Discord does, so tests can check that a quoted "@everyone" pings no one.
//
// Every route needs "Authorization: Bot <token>" except interaction
// callbacks, webhooks, gateway discovery and attachments; it is recorded
// either way. RateLimit makes the next n requests under a path prefix get
// 429 with Discord's JSON body (retry_after in seconds) and X-RateLimit-*
// headers.
//
// # Signed HTTP interactions
//
// NewSigner makes an Ed25519 key pair; PublicKeyHex is the value for
// DISCORD_PUBLIC_KEY, and NewRequest builds a POST signed the way Discord
// signs requests to an interactions endpoint (X-Signature-Ed25519 over
// X-Signature-Timestamp + body). Pass an old time to test replay refusal.
//
// # Lifetime
//
// New registers Close with t.Cleanup. Close ends every gateway connection
// with close code 1001, waits for the fake's goroutines and stops the
// server; Wait methods then return an error. Close a discordgo session
// before the fake (register its cleanup after New), and let it send its
// first heartbeat before closing it: discordgo v0.29.0 otherwise writes to
// the closed socket afterwards and, with ShouldReconnectOnError, reconnects.
package discordtest
