package bot

import (
	"context"

	"github.com/casebot/casebot/index"
)

// Engine is what the bot asks of the answer engine; *index.Index has it.
// The bot calls it afresh for every request and keeps nothing it returns
// but button state, so an engine that swaps its index while serving can
// stand here.
type Engine interface {
	Ask(ctx context.Context, question string, opts index.AskOptions) (index.Answer, error)
	Search(ctx context.Context, query string, o index.SearchOptions) ([]index.Citation, error)
	Context(ctx context.Context, passageID string, n int) ([]index.Citation, error)
	Info() index.Info
	// The lookups behind /stage, /agency and /factors.
	Stages(ctx context.Context) ([]index.Numbered, error)
	Stage(ctx context.Context, n int, opts index.AskOptions) (index.Topic, error)
	Agencies() []index.Acronym
	Agency(ctx context.Context, name string, opts index.AskOptions) (index.Topic, error)
	Factors(ctx context.Context, opts index.AskOptions) (index.Topic, error)
}
