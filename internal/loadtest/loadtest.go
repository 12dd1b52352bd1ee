// Package loadtest drives a running server with many concurrent clients and
// measures what it saw: requests, status codes, throughput and latency
// percentiles. Scenarios (the selection pipeline's deadline rush, the public
// portal) build on Run; the figures they print go into docs/.
package loadtest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// Call is one request made by a client: it returns the HTTP status it got
// (0 when no response arrived) and an error for anything that was not the
// expected outcome.
type Call func(ctx context.Context, client, seq int) (status int, err error)

// Options say how hard to push.
type Options struct {
	Clients  int           // concurrent clients (default 1)
	Requests int           // total requests over all clients; 0 means run for Duration
	Duration time.Duration // how long to run when Requests is 0
}

// Result is what a run measured.
type Result struct {
	Requests  int
	Errors    int
	FirstErrs []string // up to five distinct error texts
	Status    map[int]int
	Elapsed   time.Duration
	latencies []time.Duration
}

// Throughput is completed requests per second.
func (r Result) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Percentile returns the p-th percentile latency (0 < p <= 100).
func (r Result) Percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := int(float64(len(r.latencies))*p/100+0.5) - 1
	i = max(0, min(i, len(r.latencies)-1))
	return r.latencies[i]
}

// Count5xx is the number of responses with a 5xx status.
func (r Result) Count5xx() int {
	n := 0
	for code, c := range r.Status {
		if code >= 500 {
			n += c
		}
	}
	return n
}

// String is a one-line summary for logs and docs.
func (r Result) String() string {
	codes := make([]int, 0, len(r.Status))
	for c := range r.Status {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var st []string
	for _, c := range codes {
		st = append(st, fmt.Sprintf("%d×%d", c, r.Status[c]))
	}
	return fmt.Sprintf("%d requests in %s (%.0f req/s), errors %d, status [%s], p50 %s p95 %s p99 %s max %s",
		r.Requests, r.Elapsed.Round(time.Millisecond), r.Throughput(), r.Errors, strings.Join(st, " "),
		r.Percentile(50).Round(time.Microsecond), r.Percentile(95).Round(time.Microsecond),
		r.Percentile(99).Round(time.Microsecond), r.Percentile(100).Round(time.Microsecond))
}

// Run calls call from opt.Clients goroutines until opt.Requests calls are
// made (numbered 0..Requests-1 through seq) or opt.Duration has passed.
func Run(ctx context.Context, opt Options, call Call) Result {
	clients := max(opt.Clients, 1)
	var (
		mu  sync.Mutex
		res = Result{Status: map[int]int{}}
		seq int
	)
	next := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if opt.Requests > 0 && seq >= opt.Requests {
			return 0, false
		}
		seq++
		return seq - 1, true
	}
	if opt.Requests == 0 {
		d := opt.Duration
		if d <= 0 {
			d = 10 * time.Second
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				n, ok := next()
				if !ok {
					return
				}
				t0 := time.Now()
				status, err := call(ctx, c, n)
				d := time.Since(t0)
				if ctx.Err() != nil && opt.Requests == 0 {
					return // cut off by the end of the run, not a failure
				}
				mu.Lock()
				res.Requests++
				res.Status[status]++
				res.latencies = append(res.latencies, d)
				if err != nil {
					res.Errors++
					if len(res.FirstErrs) < 5 && !contains(res.FirstErrs, err.Error()) {
						res.FirstErrs = append(res.FirstErrs, err.Error())
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	sort.Slice(res.latencies, func(i, j int) bool { return res.latencies[i] < res.latencies[j] })
	return res
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
