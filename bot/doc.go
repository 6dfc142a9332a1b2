// Package bot puts the answer engine behind Discord: slash commands,
// buttons, mentions and DMs, answered with quoted, cited passages.
//
// Handlers are transport-free: a Request (what was asked, by whom, where)
// goes in and a Reply (content, embeds, buttons, privacy) comes out. Two
// transports translate: RunGateway holds a discordgo websocket session
// and answers over REST, ServeHTTP is Discord's HTTP interactions
// endpoint and answers in the HTTP response. Both go through interact,
// which answers within Discord's 3 seconds or defers and edits the answer
// in, and both send every message through Fit, the one function that
// knows Discord's limits, with allowed_mentions parsing nothing.
//
// discordgo types stay in this package; the engine is reached through
// the Engine interface, which *index.Index satisfies.
package bot
