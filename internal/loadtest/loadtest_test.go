package loadtest

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunCountsEveryRequestOnce(t *testing.T) {
	var seen [500]atomic.Int32
	res := Run(context.Background(), Options{Clients: 16, Requests: 500}, func(ctx context.Context, client, seq int) (int, error) {
		seen[seq].Add(1)
		if seq%100 == 0 {
			return 500, errors.New("boom")
		}
		return 200, nil
	})
	for i := range seen {
		if n := seen[i].Load(); n != 1 {
			t.Fatalf("seq %d called %d times", i, n)
		}
	}
	if res.Requests != 500 || res.Errors != 5 || res.Status[200] != 495 || res.Count5xx() != 5 {
		t.Fatalf("result = %+v", res)
	}
	if len(res.FirstErrs) != 1 || res.FirstErrs[0] != "boom" {
		t.Fatalf("first errors = %v", res.FirstErrs)
	}
}

func TestRunForDurationAndPercentiles(t *testing.T) {
	res := Run(context.Background(), Options{Clients: 4, Duration: 50 * time.Millisecond}, func(ctx context.Context, client, seq int) (int, error) {
		time.Sleep(time.Millisecond)
		return 200, nil
	})
	if res.Requests == 0 || res.Errors != 0 {
		t.Fatalf("result = %+v", res)
	}
	if p50, p95 := res.Percentile(50), res.Percentile(95); p50 < time.Millisecond || p95 < p50 {
		t.Fatalf("p50 %s p95 %s", p50, p95)
	}
	if res.Throughput() <= 0 {
		t.Fatal("no throughput")
	}
}
