package index

import (
	"github.com/blevesearch/bleve/v2"

	"context"
	"sort"
	"testing"
	"time"

	"github.com/casebot/casebot/corpus"
)

// benchQuestions are typical questions: years, ordinals, acronyms, lists,
// typos and out-of-scope ones.
var benchQuestions = []string{
	"What was stage 1?",
	"what happened in 2010?",
	"the fourth stage",
	"What does MOIS do?",
	"what are the success factors?",
	"infrastucture investment",
	"Who painted the Mona Lisa?",
	"When was KISA founded?",
	"How did Korea rank in the UN e-government survey?",
	"What was Government24?",
}

// benchTimes runs f for each question b.N times over, and reports the median
// and 99th percentile of one call.
func benchTimes(b *testing.B, f func(q string)) {
	b.Helper()
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := benchQuestions[i%len(benchQuestions)]
		start := time.Now()
		f(q)
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(times[len(times)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkAsk answers one question on the embedded corpus (all mechanisms).
func BenchmarkAsk(b *testing.B) {
	ix := embedded(b)
	ctx := context.Background()
	benchTimes(b, func(q string) {
		if _, err := ix.Ask(ctx, q, AskOptions{K: 3}); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkAskPlain answers the same questions with every mechanism turned
// off (AskOptions.Plain): BM25 over the passage text, the top 3 passages
// cited with their best sentence and matched words. BenchmarkAsk over
// BenchmarkAskPlain is what the mechanisms cost.
func BenchmarkAskPlain(b *testing.B) {
	ix := embedded(b)
	ctx := context.Background()
	benchTimes(b, func(q string) {
		if _, err := ix.Ask(ctx, q, AskOptions{K: 3, Plain: true}); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkSearch is "casebot search": the question's words matched in the
// passage text, the top 3 passages with their matched words, no quote.
func BenchmarkSearch(b *testing.B) {
	ix := embedded(b)
	ctx := context.Background()
	benchTimes(b, func(q string) {
		if _, err := ix.Search(ctx, q, SearchOptions{K: 3}); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkAskHostile answers the hostile inputs of TestBadInput.
func BenchmarkAskHostile(b *testing.B) {
	ix := embedded(b)
	ctx := context.Background()
	long := make([]byte, 0, 10000)
	for len(long) < 10000 {
		long = append(long, "What was the foundation stage of e-government in Korea? "...)
	}
	inputs := []string{string(long), "/.*/", "*", "title:x", "a^9", `"unclosed`, "+-", "\xff\xfe", "😀🎉🚀"}
	b.ResetTimer()
	var worst time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		ix.Ask(ctx, inputs[i%len(inputs)], AskOptions{})
		worst = max(worst, time.Since(start))
	}
	b.ReportMetric(float64(worst.Microseconds()), "max-µs")
}

// BenchmarkBuildEmbedded builds the in-memory index of the embedded corpus.
func BenchmarkBuildEmbedded(b *testing.B) {
	c, err := corpus.Load(context.Background(), corpus.Default(), corpus.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ix, err := Build(ctx, c, Options{})
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}

// BenchmarkBleveDefaults is a plain search the way bleve does it by default:
// a match query of the question over the passage text, the top 3 hits with
// their stored fields and bleve's highlighter, on the same index, none of
// casebot's caches. It is the other baseline Ask is compared with.
func BenchmarkBleveDefaults(b *testing.B) {
	ix := embedded(b)
	ctx := context.Background()
	benchTimes(b, func(q string) {
		mq := bleve.NewMatchQuery(q)
		mq.SetField(fieldText)
		req := bleve.NewSearchRequestOptions(mq, 3, 0, false)
		req.Fields = []string{fieldText, fieldMeta}
		req.Highlight = bleve.NewHighlight()
		req.Highlight.AddField(fieldText)
		if _, err := ix.st.bi.SearchInContext(ctx, req); err != nil {
			b.Fatal(err)
		}
	})
}
