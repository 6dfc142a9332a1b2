package main

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/casebot/casebot/corpus"
	"github.com/casebot/casebot/index"
)

// trainSpec is a training file: the question sets a model learns from.
// Paths are relative to the file.
type trainSpec struct {
	Sets []struct {
		Name      string   `json:"name"`
		Corpus    string   `json:"corpus"`
		Questions []string `json:"questions"`
		Articles  bool     `json:"articles"`
		Weight    float64  `json:"weight"`
	} `json:"sets"`
}

var trainCommand = &command{
	name:    "train",
	usage:   []string{"[--out FILE] [--background-out FILE] [--folds N] [--min-decline F] [--dump FILE] [-q] TRAINING.json"},
	summary: "fit the scoring model to question sets and write the model file",
	about: `Reads a training file naming question sets (a corpus directory and question
files; see README, "Retraining"), asks every question of its corpus, fits the
ranking and the answer model, and writes the model file (index/model.json is
the one casebot ships with). With --background-out it also writes the
background the answer model compares a corpus with: the training file's
article sets (index/lexicon/background.txt.gz is the one casebot ships with;
a model is used with the background it was trained with). Prints what it
measured on data held out from each fit. The same training file always gives
the same files. With --dump it also writes the examples it learns from (each
question's candidates, their features and labels, and the passages' text) as
JSON lines, gzipped when FILE ends in .gz, for experiments outside casebot
(tools/experiments).`,
	setup: func(c *cli, fs *flagSet) func([]string) error {
		out := fs.String("out", "-", "write the model `FILE` here (- for standard output)")
		bgOut := fs.String("background-out", "", "also write the background `FILE` (gzipped) the model was trained with")
		folds := fs.Int("folds", 4, "cross-validation folds `N`")
		minDecline := fs.Float64("min-decline", 0.95, "share `F` of the out-of-scope questions asked of each corpus the threshold declines")
		lambdas := fs.Float64Slice("lambdas", nil, "L2 strengths `L,...` to choose the ranking's from by cross-validation (default 0.0003,0.001,0.003)")
		answerLambdas := fs.Float64Slice("answer-lambdas", nil, "L2 strengths `L,...` to choose the answer model's from by cross-validation (default 0.0003,0.001,0.003,0.01)")
		dump := fs.String("dump", "", "also write the training examples to `FILE` (JSON lines; gzipped if it ends in .gz)")
		quiet := fs.Bool("q", false, "do not report progress")
		return func(args []string) error {
			return train(c, args, trainFlags{out: *out, backgroundOut: *bgOut, dump: *dump, folds: *folds, minDecline: *minDecline, lambdas: *lambdas, answerLambdas: *answerLambdas, quiet: *quiet})
		}
	},
}

// trainFlags are train's flags.
type trainFlags struct {
	out           string
	backgroundOut string
	dump          string
	folds         int
	minDecline    float64
	lambdas       []float64
	answerLambdas []float64
	quiet         bool
}

func train(c *cli, args []string, tf trainFlags) error {
	if len(args) != 1 {
		return usagef("train needs one training file (JSON; see README, \"Retraining\")")
	}
	if tf.folds < 2 {
		return usagef("--folds must be at least 2")
	}
	specPath := args[0]
	raw, err := readFile(specPath)
	if err != nil {
		return usagef("training file: %v", err)
	}
	var spec trainSpec
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&spec); err != nil {
		if errors.Is(err, io.EOF) {
			return usagef("%s: the training file is empty (see README, \"Retraining\")", specPath)
		}
		return usagef("%s: %v", specPath, err)
	}
	if dec.More() {
		return usagef("%s: more than one JSON value (a training file is one object)", specPath)
	}
	if len(spec.Sets) == 0 {
		return usagef("%s: no sets", specPath)
	}
	dir := filepath.Dir(specPath)
	data := []index.DataFile{{Path: filepath.ToSlash(specPath), SHA256: sum(raw)}}
	var sets []index.TrainSet
	corpora := map[string]*corpus.Corpus{}
	for _, s := range spec.Sets {
		if s.Name == "" || s.Corpus == "" || len(s.Questions) == 0 {
			return usagef("%s: each set needs a name, a corpus and question files", specPath)
		}
		corpusDir := relativeTo(dir, s.Corpus)
		if fi, err := os.Stat(corpusDir); err != nil || !fi.IsDir() {
			return usagef("%s: set %s: corpus directory %s not found", specPath, s.Name, corpusDir)
		}
		// Training reads every document of its sets (they are small). Sets
		// of one corpus share it, and the threshold pools them.
		corp, ok := corpora[corpusDir]
		if !ok {
			if corp, err = corpus.Load(c.ctx, os.DirFS(corpusDir), corpus.Options{}); err != nil {
				return err
			}
			corpora[corpusDir] = corp
		}
		h := sha256.New()
		for _, d := range corp.Docs {
			fmt.Fprintf(h, "%s %s\n", d.Path, d.Hash)
		}
		for _, r := range corp.Rules {
			fmt.Fprintf(h, "%q %q %v\n", r.From, r.To, r.OneWay)
		}
		data = append(data, index.DataFile{Path: filepath.ToSlash(corpusDir) + "/", SHA256: hex.EncodeToString(h.Sum(nil))})
		set := index.TrainSet{Name: s.Name, Corpus: corp, Articles: s.Articles, Weight: s.Weight}
		for _, q := range s.Questions {
			name := relativeTo(dir, q)
			b, err := readFile(name)
			if err != nil {
				return usagef("question file: %v", err)
			}
			qs, err := index.ReadQuestions(bytes.NewReader(b))
			if err != nil {
				return usagef("%s: %v", name, err)
			}
			set.Questions = append(set.Questions, qs...)
			data = append(data, index.DataFile{Path: filepath.ToSlash(name), SHA256: sum(b)})
		}
		sets = append(sets, set)
	}
	if tf.dump == "-" {
		return usagef("--dump needs a file (the dump is large; standard output carries the model)")
	}
	if tf.minDecline <= 0 || tf.minDecline >= 1 {
		return usagef("--min-decline must be between 0 and 1")
	}
	// Training takes minutes: a place the files cannot be written to is
	// told before it starts.
	// An output is a new file or a regular one, and none of the inputs
	// (the training file, its question files) nor another output.
	var inputs []os.FileInfo
	for _, d := range data {
		if fi, err := os.Stat(filepath.FromSlash(d.Path)); err == nil && fi.Mode().IsRegular() {
			inputs = append(inputs, fi)
		}
	}
	outs := map[string]bool{}
	for _, out := range []string{tf.out, tf.backgroundOut, tf.dump} {
		if out == "" || out == "-" {
			continue
		}
		if fi, err := os.Stat(filepath.Dir(out)); err != nil || !fi.IsDir() {
			return usagef("cannot write %s: no directory %s", out, filepath.Dir(out))
		}
		if fi, err := os.Stat(out); err == nil {
			if why := corpus.NotRegular(fi.Mode()); why != "" {
				return usagef("cannot write %s: %s", out, why)
			}
			if slices.ContainsFunc(inputs, func(in os.FileInfo) bool { return os.SameFile(in, fi) }) {
				return usagef("cannot write %s: it is an input of the training", out)
			}
		}
		abs, _ := filepath.Abs(out)
		if outs[abs] {
			return usagef("cannot write %s twice (--out, --background-out and --dump are three files)", out)
		}
		outs[abs] = true
	}
	if tf.backgroundOut != "" && !slices.ContainsFunc(sets, func(s index.TrainSet) bool { return s.Articles }) {
		return usagef("--background-out needs a set of articles (\"articles\": true): the background is made of them")
	}
	opts := index.TrainOptions{Folds: tf.folds, MinDecline: tf.minDecline, Lambdas: tf.lambdas, AnswerLambdas: tf.answerLambdas, Now: trainYear}
	if !tf.quiet {
		opts.Log = func(s string) { fmt.Fprintln(c.stderr, "train: "+s) }
	}
	var dump *dumpFile
	if tf.dump != "" {
		dump = createDump(tf.dump)
		opts.Dump = dump
	}
	m, err := index.Train(c.ctx, sets, opts)
	if dump != nil {
		err = dump.finish(err)
	}
	if err != nil {
		return err
	}
	m.Command = fmt.Sprintf("casebot train --folds %d --min-decline %g", tf.folds, tf.minDecline)
	if len(tf.lambdas) > 0 {
		m.Command += " --lambdas " + floats(tf.lambdas)
	}
	if len(tf.answerLambdas) > 0 {
		m.Command += " --answer-lambdas " + floats(tf.answerLambdas)
	}
	m.Command += " " + specPath
	m.Data = data
	for _, l := range m.Report {
		fmt.Fprintln(c.stderr, l)
	}
	var buf bytes.Buffer
	if err := m.Encode(&buf); err != nil {
		return err
	}
	if tf.backgroundOut != "" {
		var bg bytes.Buffer
		if err := m.WriteBackground(&bg); err != nil {
			return err
		}
		if err := writeOutput(tf.backgroundOut, bg.Bytes()); err != nil {
			return err
		}
	}
	if tf.out == "-" {
		_, err := c.stdout.Write(buf.Bytes())
		return err
	}
	return writeOutput(tf.out, buf.Bytes())
}

// writeOutput puts b in path whole or not at all: a failed write (a full
// disk) leaves the file there as it was.
func writeOutput(path string, b []byte) error {
	if err := corpus.WriteFileAtomic(path, bytes.NewReader(b)); err != nil {
		return err
	}
	return os.Chmod(path, 0o644)
}

// relativeTo resolves a path of the training file, relative to its directory.
func relativeTo(dir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// trainYear is the year open spans ("2018 onward") run to while training,
// fixed so that training gives the same model in any year.
const trainYear = 2026

func floats(v []float64) string {
	var parts []string
	for _, f := range v {
		parts = append(parts, strconv.FormatFloat(f, 'g', -1, 64))
	}
	return strings.Join(parts, ",")
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// dumpFile is train's --dump file, gzipped when its name ends in .gz. What
// is written to it streams into corpus.WriteFileAtomic, which puts the file
// in place only when finish is given no error; otherwise it leaves nothing.
type dumpFile struct {
	pw   *io.PipeWriter
	w    io.Writer
	gz   *gzip.Writer
	done chan error
}

func createDump(path string) *dumpFile {
	pr, pw := io.Pipe()
	d := &dumpFile{pw: pw, w: pw, done: make(chan error, 1)}
	if strings.HasSuffix(path, ".gz") {
		d.gz = gzip.NewWriter(pw)
		d.w = d.gz
	}
	go func() {
		err := corpus.WriteFileAtomic(path, pr)
		if err == nil {
			err = os.Chmod(path, 0o644) // as the model file
		}
		pr.CloseWithError(err) // a failed write stops the writer too
		d.done <- err
	}()
	return d
}

func (d *dumpFile) Write(p []byte) (int, error) { return d.w.Write(p) }

// finish ends the file: in place when err is nil, else gone.
func (d *dumpFile) finish(err error) error {
	if err == nil && d.gz != nil {
		err = d.gz.Close()
	}
	if err != nil {
		d.pw.CloseWithError(err)
	} else {
		d.pw.Close()
	}
	return cmp.Or(err, <-d.done)
}
