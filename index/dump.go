package index

import (
	"bufio"
	"encoding/json"
	"io"
)

// A dump holds what Train learns from, one JSON object a line, so that
// other ways of fitting can be tried on exactly the same data (see
// tools/experiments). Its lines, by "kind":
//
//   - "header", first: the sets' names, the ranking's and the answer
//     model's feature names, and the number of folds.
//   - "passage": a candidate passage's text (set, id, text), written once,
//     before the first example that has it.
//   - "example": one question asked of one corpus: its set (an index into
//     the header's sets), fold, weight, scope (0 answerable, 1 out of
//     scope, 2 near-miss), the number of documents in the corpus and its
//     name, the question, its question-only answer features (qf, answer
//     feature order), and per candidate in retrieval order its passage id,
//     label (it holds an expected phrase), nameMentions and feature vector.
type dumpHeader struct {
	Kind           string   `json:"kind"`
	Sets           []string `json:"sets"`
	Folds          int      `json:"folds"`
	Features       []string `json:"features"`
	AnswerFeatures []string `json:"answer_features"`
}

type dumpPassage struct {
	Kind string `json:"kind"`
	Set  int    `json:"set"`
	ID   string `json:"id"`
	Text string `json:"text"`
}

type dumpExample struct {
	Kind     string      `json:"kind"`
	Set      int         `json:"set"`
	Fold     int         `json:"fold"`
	Weight   float64     `json:"weight"`
	Scope    scope       `json:"scope"`
	Docs     int         `json:"docs"`
	Episode  string      `json:"episode"`
	Q        string      `json:"q"`
	QF       []float64   `json:"qf"`
	IDs      []string    `json:"ids"`
	Label    []bool      `json:"label"`
	Mentions []float64   `json:"mentions"`
	X        [][]float64 `json:"x"`
}

// writeDump writes the examples Train learns from to w.
func writeDump(w io.Writer, sets []TrainSet, folds int, exs []*example) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	h := dumpHeader{Kind: "header", Folds: folds, Features: featureNames[:], AnswerFeatures: answerFeatureNames[:]}
	for _, s := range sets {
		h.Sets = append(h.Sets, s.Name)
	}
	if err := enc.Encode(h); err != nil {
		return err
	}
	type key struct {
		set int
		id  string
	}
	written := map[key]bool{}
	for _, e := range exs {
		d := dumpExample{Kind: "example", Set: e.set, Fold: e.fold, Weight: e.weight, Scope: e.scope, Docs: e.docs,
			Episode: e.episode, Q: e.q, QF: e.qf[:], IDs: e.ids, Label: e.label, Mentions: e.mentions}
		for i, id := range e.ids {
			d.X = append(d.X, e.row(i))
			if k := (key{e.set, id}); !written[k] && i < len(e.texts) {
				written[k] = true
				if err := enc.Encode(dumpPassage{Kind: "passage", Set: e.set, ID: id, Text: e.texts[i]}); err != nil {
					return err
				}
			}
		}
		if err := enc.Encode(d); err != nil {
			return err
		}
	}
	return bw.Flush()
}
