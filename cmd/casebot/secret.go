package main

import (
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spf13/pflag"
)

// The bot's token must never reach a log line or an error, and settings
// are easily mixed up: a token pasted into DISCORD_GUILD_ID, or into
// CASEBOT_CORPUS, would be quoted by the error saying the value is wrong,
// before serve's redaction of the token starts (and that redaction knows
// only DISCORD_TOKEN's value). So an error quotes a setting's value only
// when it is provably harmless (got), and a setting or a flag that holds
// the token, or what looks like one, is refused by name before anything
// quotes it (tokenIn).

// secret is a value that must never reach a log line or an error.
type secret string

func (secret) String() string                 { return "[redacted]" }
func (secret) GoString() string               { return "[redacted]" }
func (secret) LogValue() slog.Value           { return slog.StringValue("[redacted]") }
func (s secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// maxShown is the longest value an error quotes, unless it is made of
// digits and commas. A Discord token is about 70 characters, and each of
// its parts but the 6 of its timestamp is longer than this, as is an
// OAuth2 client secret (32).
const maxShown = 20

// got ends an error about a setting's value: "got" and the value quoted
// when it is harmless, else only its length.
func got(v string) string {
	if harmless(v) {
		return "got " + strconv.Quote(v)
	}
	return fmt.Sprintf("got %d characters, not shown as they may be a secret", utf8.RuneCountInString(v))
}

// harmless reports whether a value may be quoted: digits, commas and
// spaces (server ids, numbers: no token is made of them), or at most
// maxShown printable ASCII characters without an @ (a URL's user:password@).
func harmless(v string) bool {
	if strings.Trim(v, "0123456789, ") == "" {
		return len(v) <= 200
	}
	if len(v) > maxShown {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < ' ' || v[i] > '~' || v[i] == '@' {
			return false
		}
	}
	return true
}

// tokenParts are three base64 parts joined by dots, the shape of a Discord
// bot token: the bot's user id, a timestamp, a signature.
var tokenParts = regexp.MustCompile(`[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}`)

// looksLikeToken reports whether v holds a Discord bot token: the shape,
// with a first part that is a user id (a snowflake) in base64, which no
// path or address has by chance. The first part may follow other letters
// ("BotMTIz..."), so each of its ends is tried.
func looksLikeToken(v string) bool {
	for _, m := range tokenParts.FindAllString(v, -1) {
		first, _, _ := strings.Cut(m, ".")
		for i := 0; len(first)-i >= 20; i++ {
			id, err := base64.RawURLEncoding.DecodeString(first[i:])
			if err == nil && len(id) >= 15 && snowflake(string(id)) {
				return true
			}
		}
	}
	return false
}

// tokenIn refuses a setting, by name, that holds the bot's token (token,
// when known) or what looks like one; "" when it does not.
func tokenIn(name, v string, token secret) error {
	t := string(token)
	if v == "" || !(looksLikeToken(v) || v == t || len(t) >= maxShown && strings.Contains(v, t)) {
		return nil
	}
	return tokenError{usageError{fmt.Sprintf("%s holds what looks like a Discord bot token (not shown): the token goes in DISCORD_TOKEN, and nowhere else", name)}}
}

// tokenError is a setting refused by tokenIn: a usage error that no
// fallback passes over, as one would a missing data directory.
type tokenError struct{ usageError }

func (e tokenError) Unwrap() error { return e.usageError }

// tokenElsewhere refuses the first flag given, or setting of names, that
// holds the token or what looks like one.
func tokenElsewhere(set *flagSet, lookup env, names []string, token secret) error {
	var err error
	set.Visit(func(f *pflag.Flag) {
		if err == nil {
			err = tokenIn("--"+f.Name, f.Value.String(), token)
		}
	})
	for _, name := range names {
		if err == nil {
			err = tokenIn(name, strings.TrimSpace(lookup(name)), token)
		}
	}
	return err
}

// hideTokens replaces in msg the token with "[token]", and each of args,
// or the value of a --flag=value, that holds what looks like a token.
func hideTokens(msg string, args []string, token secret) string {
	if token != "" {
		msg = strings.ReplaceAll(msg, string(token), "[token]")
	}
	for _, a := range args {
		_, v, _ := strings.Cut(a, "=")
		for _, s := range []string{a, v} {
			if s != "" && tokenIn("", s, token) != nil {
				msg = strings.ReplaceAll(msg, s, "(a Discord bot token, not shown)")
			}
		}
	}
	return msg
}

// redactToken replaces the token in an error's text with "[token]",
// keeping a usage error one.
func redactToken(err error, token secret) error {
	if err == nil || token == "" || !strings.Contains(err.Error(), string(token)) {
		return err
	}
	msg := hideTokens(err.Error(), nil, token)
	if errors.As(err, new(usageError)) {
		return usageError{msg}
	}
	return errors.New(msg)
}
