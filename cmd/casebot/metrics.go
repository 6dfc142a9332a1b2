package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/casebot/casebot/bot"
	"github.com/casebot/casebot/index"
)

// The admin server (--admin-addr) serves GET /healthz and GET /metrics
// (Prometheus text format) in gateway and HTTP mode alike. It is off by
// default and belongs on a private address: it says nothing secret, but
// it is for the operator, not for Discord.

// metrics are serve's Prometheus metrics. The counters are read from the
// bot and the reindexer when scraped; the latency histogram is fed by the
// bot's Observe hook.
type metrics struct {
	reg     *prometheus.Registry
	latency *prometheus.HistogramVec
	ix      *index.Index
	rx      *bot.Reindexer
	bot     *bot.Bot
}

func newMetrics(ix *index.Index, rx *bot.Reindexer) *metrics {
	m := &metrics{reg: prometheus.NewRegistry(), ix: ix, rx: rx}
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "casebot_answer_duration_seconds",
		Help:    "Time the engine took to answer a question, by command and result (answered or declined).",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"command", "result"})
	v := buildVersion()
	buildInfo := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "casebot_build_info",
		Help:        "casebot's version and source revision (always 1).",
		ConstLabels: prometheus.Labels{"version": v.Version, "revision": v.Revision, "goversion": v.Go},
	})
	buildInfo.Set(1)
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.latency, buildInfo,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "casebot_index_version", Help: "Version of the index being served."},
			func() float64 { return float64(ix.Info().Version) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "casebot_index_passages", Help: "Searchable passages in the index."},
			func() float64 { return float64(ix.Info().Passages) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "casebot_index_documents", Help: "Documents in the index."},
			func() float64 { return float64(len(ix.Info().Docs)) }),
	)
	if rx != nil {
		m.reg.MustRegister(
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "casebot_reindexes_total", Help: "Reindexes that updated the index (admin commands and the watcher; dry runs aside)."},
				func() float64 { return float64(rx.Stats().Runs) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "casebot_reindex_failures_total", Help: "Reindexes that failed, leaving the index as it was."},
				func() float64 { return float64(rx.Stats().Failures) }),
		)
	}
	return m
}

// observe is the bot's Observe hook.
func (m *metrics) observe(command string, answered bool, took time.Duration) {
	result := "declined"
	if answered {
		result = "answered"
	}
	m.latency.WithLabelValues(command, result).Observe(took.Seconds())
}

// watchBot registers the bot's counters.
func (m *metrics) watchBot(b *bot.Bot) {
	m.bot = b
	counter := func(name, help string, get func(bot.Stats) int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
			func() float64 { return float64(get(b.Stats())) })
	}
	questions := prometheus.NewDesc("casebot_questions_total", "Questions put to the engine, by result: answered, or declined as not covered by the documents.", []string{"result"}, nil)
	m.reg.MustRegister(
		collectorFunc{desc: questions, collect: func(ch chan<- prometheus.Metric) {
			s := b.Stats()
			ch <- prometheus.MustNewConstMetric(questions, prometheus.CounterValue, float64(s.Answered), "answered")
			ch <- prometheus.MustNewConstMetric(questions, prometheus.CounterValue, float64(s.Declined), "declined")
		}},
		counter("casebot_requests_total", "Requests handled: commands, buttons, autocomplete, mentions.", func(s bot.Stats) int64 { return s.Requests }),
		counter("casebot_deferred_total", "Answers slow enough to be deferred and edited in.", func(s bot.Stats) int64 { return s.Deferred }),
		counter("casebot_throttled_total", "Requests refused because a member asked faster than their rate (CASEBOT_RATE).", func(s bot.Stats) int64 { return s.Throttled }),
		counter("casebot_discord_rate_limited_total", "429 responses from Discord.", func(s bot.Stats) int64 { return s.RateLimited }),
		counter("casebot_discord_errors_total", "Responses and messages Discord did not take.", func(s bot.Stats) int64 { return s.SendFailures }),
		counter("casebot_handler_errors_total", "Handlers that failed (logged).", func(s bot.Stats) int64 { return s.Errors }),
		counter("casebot_panics_total", "Handlers that panicked (logged, recovered).", func(s bot.Stats) int64 { return s.Panics }),
		counter("casebot_refused_total", "HTTP interaction requests refused: bad signature, too large, too old.", func(s bot.Stats) int64 { return s.Refused }),
	)
}

// collectorFunc is a collector of one description.
type collectorFunc struct {
	desc    *prometheus.Desc
	collect func(chan<- prometheus.Metric)
}

func (c collectorFunc) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }
func (c collectorFunc) Collect(ch chan<- prometheus.Metric) { c.collect(ch) }

// handler serves /healthz and /metrics.
func (m *metrics) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		info := m.ix.Info()
		h := map[string]any{"status": "ok", "index_version": info.Version, "passages": info.Passages, "documents": len(info.Docs)}
		if m.bot != nil {
			h["stats"] = m.bot.Stats()
		}
		if m.rx != nil {
			h["reindexes"] = m.rx.Stats()
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(h)
	})
	return mux
}

// serveAdmin listens on addr and serves the admin endpoints until stop
// is called or ctx ends.
func serveAdmin(ctx context.Context, addr string, m *metrics, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("admin server: listen on %s: %w", addr, err)
	}
	// As the interactions endpoint's (bot/http.go): a connection left idle
	// is closed, so that idle clients cannot pile up.
	srv := &http.Server{Handler: m.handler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 32 << 10}
	log.Info("serving /healthz and /metrics", "admin_addr", ln.Addr().String())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("admin server", "err", err)
		}
	}()
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		<-done
	}, nil
}
