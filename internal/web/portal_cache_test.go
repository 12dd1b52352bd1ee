package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestPageCacheBudgetAndGenerations(t *testing.T) {
	now := time.Now()
	page := func(key string, gen int64, size int) *cachedPage {
		return &cachedPage{key: key, gen: gen, status: 200, body: []byte(strings.Repeat("x", size))}
	}
	c := newPageCache(3 * (1000 + 200 + 2)) // room for three pages of 1,000 bytes
	for _, k := range []string{"/a", "/b", "/c"} {
		c.put(page(k, 1, 1000))
	}
	if c.get("/a", 1, now) == nil {
		t.Fatal("/a is not cached")
	}
	c.put(page("/d", 1, 1000)) // over budget: the least recently used (/b) goes
	if c.get("/b", 1, now) != nil || c.get("/a", 1, now) == nil || c.get("/d", 1, now) == nil {
		t.Error("the least recently used page was not the one dropped")
	}
	if c.get("/a", 2, now) != nil || c.get("/a", 1, now) != nil {
		t.Error("a page of an older generation is served (or kept)")
	}
	exp := page("/e", 1, 10)
	exp.expires = now.Add(time.Second)
	c.put(exp)
	if c.get("/e", 1, now) == nil || c.get("/e", 1, now.Add(2*time.Second)) != nil {
		t.Error("a page with a time limit is served past it")
	}
	c.put(page("/big", 1, maxCachedItem+1))
	if c.get("/big", 1, now) != nil {
		t.Error("a page over the single-item cap was cached")
	}
	off := newPageCache(0)
	off.put(page("/a", 1, 10))
	if off.get("/a", 1, now) != nil {
		t.Error("a cache of no budget keeps pages")
	}
}

func TestPageCacheBuildsOnce(t *testing.T) {
	c := newPageCache(1 << 20)
	var calls atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	results := make([]*cachedPage, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := c.once("/x", 7, func() (*cachedPage, error) {
				calls.Add(1)
				<-release
				return &cachedPage{status: 200, body: []byte("ok")}, nil
			})
			if err != nil {
				t.Error(err)
			}
			results[i] = p
		}()
	}
	// Let the goroutines queue behind the first build, then finish it.
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		c.mu.Lock()
		_, started := c.inflight["/x"]
		c.mu.Unlock()
		if started {
			break
		}
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Errorf("the page was built %d times for 8 concurrent requests, want 1", n)
	}
	for _, p := range results {
		if p == nil || string(p.body) != "ok" {
			t.Fatalf("a waiter got %+v", p)
		}
	}
	// Another generation is another build.
	c.once("/x", 8, func() (*cachedPage, error) { calls.Add(1); return &cachedPage{}, nil })
	if calls.Load() != 2 {
		t.Error("a new generation shared the old build")
	}
}

func TestNotModified(t *testing.T) {
	mod := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		method, inm, ims string
		want             bool
	}{
		{"GET", `"g1"`, "", true},
		{"GET", `W/"g1"`, "", true},
		{"GET", `"x", "g1"`, "", true},
		{"GET", `*`, "", true},
		{"GET", `"g2"`, "", false},
		{"GET", `"g2"`, mod.Format(http.TimeFormat), false}, // If-None-Match wins
		{"HEAD", "", mod.Format(http.TimeFormat), true},
		{"GET", "", mod.Add(time.Second).Format(http.TimeFormat), true},
		{"GET", "", mod.Add(-time.Second).Format(http.TimeFormat), false},
		{"GET", "", "hier", false},
		{"POST", `"g1"`, "", false},
	} {
		r := httptest.NewRequest(tc.method, "/", nil)
		if tc.inm != "" {
			r.Header.Set("If-None-Match", tc.inm)
		}
		if tc.ims != "" {
			r.Header.Set("If-Modified-Since", tc.ims)
		}
		if got := notModified(r, `"g1"`, mod); got != tc.want {
			t.Errorf("%s If-None-Match %q If-Modified-Since %q: %v, want %v", tc.method, tc.inm, tc.ims, got, tc.want)
		}
	}
}
