package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Indexing benchmarks on generated corpora. The 10,000-document sizes run
// only when CASEBOT_BENCH_LARGE=1:
//
//	CASEBOT_BENCH_LARGE=1 go test ./index -run '^$' -bench 'Index|Reindex' -benchtime 1x

func benchSizes(b *testing.B) []int {
	if os.Getenv("CASEBOT_BENCH_LARGE") != "" {
		return []int{1000, 10000}
	}
	return []int{1000}
}

// peakHeap samples the heap in use while f runs and returns its peak.
func peakHeap(f func()) uint64 {
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			mu.Lock()
			peak = max(peak, ms.HeapInuse)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(done)
	mu.Lock()
	defer mu.Unlock()
	return peak
}

func maxRSS() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Maxrss) / 1024 // KB on Linux
}

func dirBytes(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

// BenchmarkIndexFull scans a corpus directory and builds its store on disk,
// as "casebot index" does the first time.
func BenchmarkIndexFull(b *testing.B) {
	for _, n := range benchSizes(b) {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			src := genCorpus(b, n)
			bytes := dirBytes(src)
			ctx := context.Background()
			var peak uint64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				store := filepath.Join(b.TempDir(), "idx")
				peak = max(peak, peakHeap(func() {
					ix, _, err := Create(ctx, store, scanDir(b, src), Options{})
					if err != nil {
						b.Fatal(err)
					}
					ix.Close()
				}))
			}
			secs := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(n)/secs, "docs/s")
			b.ReportMetric(float64(bytes)/secs/1e6, "MB/s")
			b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
			b.ReportMetric(maxRSS(), "maxrss-MB")
		})
	}
}

// BenchmarkReindexOne changes one document of a store and updates it, as
// "casebot index" does after an edit: the corpus is scanned (every file read
// and hashed), compared with the manifest, and the one document re-analysed.
func BenchmarkReindexOne(b *testing.B) {
	for _, n := range benchSizes(b) {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			src := genCorpus(b, n)
			ctx := context.Background()
			ix, _, err := Create(ctx, filepath.Join(b.TempDir(), "idx"), scanDir(b, src), Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer ix.Close()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				os.WriteFile(filepath.Join(src, "d00042.md"), []byte(genDoc(42, fmt.Sprintf("edit%d", i))), 0o644)
				b.StartTimer()
				sum, err := ix.Update(ctx, scanDir(b, src), Options{})
				if err != nil || sum.Analyzed != 1 {
					b.Fatalf("update: %+v %v", sum, err)
				}
			}
		})
	}
}
