package bot

import (
	"context"

	"github.com/casebot/casebot/index"
)

// Engine is what the bot asks of the answer engine; *index.Index has it.
// The bot calls it afresh for every request and keeps nothing it returns
// beyond a cache keyed by Info's version and build time, so an engine
// that swaps its index while serving (the reindex issue) can stand here.
type Engine interface {
	Ask(ctx context.Context, question string, opts index.AskOptions) (index.Answer, error)
	Search(ctx context.Context, query string, k int) ([]index.Citation, error)
	Context(ctx context.Context, passageID string, n int) ([]index.Citation, error)
	Numbered(ctx context.Context, word string) ([]index.Numbered, error)
	Acronyms() []index.Acronym
	Info() index.Info
}
