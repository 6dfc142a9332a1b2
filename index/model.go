package index

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
)

// Model is a fitted scoring model (the file model.json, written by Train):
// a linear ranking of candidate passages over their features (features.go),
// and a logistic model of the probability that the best candidate answers
// the question, with the threshold below which casebot says "not found".
// Features are standardised (mean and scale from the training data), so the
// weights compare.
type Model struct {
	About string `json:"about"`
	// Command is what produced the file, and Data the files it learnt from,
	// with their SHA-256: the file can be reproduced from them.
	Command string     `json:"command"`
	Data    []DataFile `json:"data"`
	Rank    Linear     `json:"rank"`
	Answer  Linear     `json:"answer"`
	// Threshold is the probability below which a question is not answered.
	Threshold float64 `json:"threshold"`
	// Report is a summary of how the model did on data held out from it.
	Report []string `json:"report,omitempty"`
	// Background is the SHA-256 of the background (its text, unzipped) that
	// the answer model compares the corpus with (background.go): the one
	// written with the model, which the binary must embed as
	// lexicon/background.txt.gz.
	Background string `json:"background,omitempty"`

	bg *background // the background itself, for WriteBackground
}

// SameBackground reports whether the model was trained with the
// background this binary embeds (or records none): a model trained with
// another one still answers, but its confidences are off.
func (m *Model) SameBackground() bool {
	if m.Background == "" {
		return true
	}
	b := builtinBackground()
	return b != nil && b.sum() == m.Background
}

// WriteBackground writes the background the model was trained with (see
// background.go), for lexicon/background.txt.gz; an error when it was
// trained without one (no article sets).
func (m *Model) WriteBackground(w io.Writer) error {
	if m.bg == nil {
		return errors.New("the model was trained without a background: no set of articles")
	}
	return m.bg.Write(w)
}

// DataFile is a file a model learnt from.
type DataFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// Linear is a linear model over named, standardised features.
type Linear struct {
	Bias     float64  `json:"bias"`
	Features []Weight `json:"features"`
}

// Weight is one feature of a linear model. A value outside the range the
// feature had in training (Min to Max) counts as the nearest end of it: a
// model says nothing about values it never saw (a corpus of 100,000
// documents, say, when it learnt from a few).
type Weight struct {
	Name   string  `json:"name"`
	Mean   float64 `json:"mean"`
	Scale  float64 `json:"scale"`
	Weight float64 `json:"weight"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

// compiled is a Model ready to score: each Linear's weights in the order of
// the code's feature vector.
type compiled struct {
	m      *Model
	rank   linearOf
	answer linearOf
}

// linearOf is a Linear laid out for a feature vector of n features.
type linearOf struct {
	names                        []string
	mean, scale, coeff, min, max []float64
	bias                         float64
}

// eval is the model's formula: the bias plus each feature's contribution,
// its weight times its standardised value. each, when not nil, is told
// every contribution: --explain prints what the score is made of from this
// same code, so the two cannot drift apart.
func (l *linearOf) eval(x []float64, each func(j int, contribution float64)) float64 {
	s := l.bias
	for j, c := range l.coeff {
		if c == 0 {
			continue
		}
		v := c * (min(max(x[j], l.min[j]), l.max[j]) - l.mean[j]) / l.scale[j]
		s += v
		if each != nil {
			each(j, v)
		}
	}
	return s
}

func (l *linearOf) value(x []float64) float64 { return l.eval(x, nil) }

// ScorePart is one feature's share in a score.
type ScorePart struct {
	Feature      string
	Value        float64
	Weight       float64
	Contribution float64
}

// parts lists what each feature adds to a score; their sum plus the bias
// is the score.
func (l *linearOf) parts(x []float64) []ScorePart {
	var out []ScorePart
	l.eval(x, func(j int, c float64) {
		out = append(out, ScorePart{Feature: l.names[j], Value: x[j], Weight: l.coeff[j], Contribution: c})
	})
	return out
}

func (l *linearOf) score(f *features) float64 { return l.value(f[:]) }

// probability is the logistic of the answer model's value.
func (l *linearOf) probability(a *answerFeatures) float64 {
	return 1 / (1 + exp(-l.value(a[:])))
}

func compile(m *Model) (*compiled, error) {
	rank, err := layout(m.Rank, featureNames[:])
	if err != nil {
		return nil, fmt.Errorf("rank: %w", err)
	}
	answer, err := layout(m.Answer, answerFeatureNames[:])
	if err != nil {
		return nil, fmt.Errorf("answer: %w", err)
	}
	return &compiled{m: m, rank: rank, answer: answer}, nil
}

// layout orders a Linear's weights by the code's feature names. A feature
// the file lacks weighs nothing; a feature the code lacks is an error (the
// file was made for another version).
func layout(l Linear, names []string) (linearOf, error) {
	out := linearOf{names: names, bias: l.Bias, mean: make([]float64, len(names)),
		scale: make([]float64, len(names)), coeff: make([]float64, len(names)),
		min: make([]float64, len(names)), max: make([]float64, len(names))}
	at := map[string]int{}
	for j, n := range names {
		at[n] = j
		out.scale[j] = 1
		out.min[j], out.max[j] = math.Inf(-1), math.Inf(1)
	}
	for _, w := range l.Features {
		j, ok := at[w.Name]
		if !ok {
			return linearOf{}, fmt.Errorf("unknown feature %q", w.Name)
		}
		if w.Scale <= 0 || math.IsNaN(w.Weight) || math.IsInf(w.Weight, 0) || w.Min > w.Max {
			return linearOf{}, fmt.Errorf("feature %q: bad scale, weight or range", w.Name)
		}
		out.mean[j], out.scale[j], out.coeff[j] = w.Mean, w.Scale, w.Weight
		if w.Min != 0 || w.Max != 0 { // no range given: any value
			out.min[j], out.max[j] = w.Min, w.Max
		}
	}
	return out, nil
}

// ReadModel reads a model file.
func ReadModel(r io.Reader) (*Model, error) {
	var m Model
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	if _, err := compile(&m); err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	return &m, nil
}

// Encode writes a model file: indented JSON, numbers rounded to six
// significant digits, so that training on the same data writes the same
// bytes.
func (m *Model) Encode(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(m)
}

//go:embed model.json
var defaultModelJSON []byte

// DefaultModel is the model casebot ships with (index/model.json).
var DefaultModel = sync.OnceValues(func() (*Model, error) {
	var m Model
	if err := json.Unmarshal(defaultModelJSON, &m); err != nil {
		return nil, fmt.Errorf("index/model.json: %w", err)
	}
	return &m, nil
})

// defaultCompiled is DefaultModel compiled. A test checks that it compiles.
var defaultCompiled = sync.OnceValue(func() *compiled {
	m, err := DefaultModel()
	if err == nil {
		if c, err := compile(m); err == nil {
			return c
		}
	}
	return &compiled{m: &Model{}, rank: linearOf{names: featureNames[:], mean: make([]float64, numFeatures), scale: ones(numFeatures), coeff: make([]float64, numFeatures)},
		answer: linearOf{names: answerFeatureNames[:], mean: make([]float64, numAnswerFeatures), scale: ones(numAnswerFeatures), coeff: make([]float64, numAnswerFeatures)}}
})

func ones(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = 1
	}
	return out
}
