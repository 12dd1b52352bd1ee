package web

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/exemplar"
	"thidua/internal/loadtest"
	"thidua/internal/portal"
)

// The portal's load test (the "done means"): on loopback, 64
// concurrent clients, at province scale (20,000 published exemplars over
// 1,000 schools), the public exemplar page and the search, measured in the
// same run against a minimal net/http handler returning a fixed page of
// the exemplar page's size. The targets: the exemplar page at no less than
// 30% of the minimal handler's throughput, search p95 under 30 ms.
//
// By default it runs small (500 exemplars, 8 clients, a second per
// scenario) and checks only that every answer is right. THIDUA_PORTAL_LOAD=1
// runs it at full scale and logs the figures (docs/benchmarks-portal.md):
//
//	THIDUA_PORTAL_LOAD=1 go test -run TestPortalLoad -v -count=1 -timeout 30m ./internal/web/
//
// THIDUA_PORTAL_LOAD_SECONDS sets the length of each scenario (5 by
// default); with THIDUA_TEST_POSTGRES_URL set it runs on PostgreSQL too.

type loadScale struct {
	exemplars, schools, clients int
	duration                    time.Duration
}

func portalLoadScale() (loadScale, bool) {
	if os.Getenv("THIDUA_PORTAL_LOAD") != "1" {
		return loadScale{exemplars: 500, schools: 80, clients: 8, duration: 500 * time.Millisecond}, false
	}
	secs, err := strconv.Atoi(os.Getenv("THIDUA_PORTAL_LOAD_SECONDS"))
	if err != nil || secs <= 0 {
		secs = 5
	}
	return loadScale{exemplars: 20000, schools: 1000, clients: 64, duration: time.Duration(secs) * time.Second}, true
}

// searchURLs are what visitors ask: one to three words of the
// exemplars' vocabulary, without diacritics half of the time, now and then
// with a filter or on a further page; 300 distinct searches, asked with a
// Zipf distribution (a few often, most rarely), as search logs are.
func searchURLs() []string {
	words := []string{"doc sach", "thư viện", "stem", "an toàn giao thông", "tiết kiệm", "phân loại rác", "kỹ năng sống", "boi an toan",
		"tieng anh", "chuyển đổi số", "so lien lac dien tu", "vuon rau", "áo ấm", "heo dat", "doi ban cung tien", "trai nghiem", "trong cay",
		"ke chuyen ve bac ho", "điển hình tiên tiến", "nguoi tot viec tot", "truong hoc hanh phuc", "khuyen hoc", "phu huynh", "giao vien chu nhiem",
		"to chuyen mon", "hoc sinh tieu hoc", "tre mam non", "dat giai nhat", "nguyen", "tran thi", "duc", "mai", "hung", "lien doi", "mo hinh", "sang kien"}
	r := rand.New(rand.NewPCG(3, 4))
	seen := map[string]bool{}
	var out []string
	for len(out) < 300 {
		q := url.Values{"q": {words[r.IntN(len(words))]}}
		if r.IntN(3) == 0 {
			q.Set("q", q.Get("q")+" "+words[r.IntN(len(words))])
		}
		switch r.IntN(6) {
		case 0:
			q.Set("loai", string(exemplar.Categories[r.IntN(len(exemplar.Categories))]))
		case 1:
			q.Set("nam", strconv.Itoa(2020+r.IntN(7)))
		case 2:
			q.Set("trang", strconv.Itoa(2+r.IntN(3)))
		}
		if u := "/search?" + q.Encode(); !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	return out
}

// TestPortalLoad runs the load scenarios (see above).
func TestPortalLoad(t *testing.T) {
	scale, full := portalLoadScale()
	if testing.Short() && !full {
		t.Skip("short mode")
	}
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		if db.Dialect == database.Postgres && !full {
			t.Skip("the small load run uses SQLite only")
		}
		portalLoad(t, db, scale, full)
	})
}

func portalLoad(t *testing.T, db *database.DB, scale loadScale, full bool) {
	ctx := context.Background()
	start := time.Now()
	prov := dbtest.SeedProvince(t, db, scale.schools, 0)
	var schools []int64
	for _, w := range prov.Wards {
		for _, s := range w.Schools {
			schools = append(schools, s.ID)
		}
	}
	pages, err := portal.Seed(ctx, db, portal.SeedInput{Holder: prov.Department.ID, Schools: schools, N: scale.exemplars, Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded %d schools and %d published exemplars in %v", len(schools), len(pages), time.Since(start).Round(time.Millisecond))
	var entries int
	db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM portal_entries").Scan(&entries)
	if entries != scale.exemplars {
		t.Fatalf("%d live entries, want %d", entries, scale.exemplars)
	}

	e := newEnv(t, db, 0, Options{BaseURL: "https://thidua.example.vn"})
	// As `thidua serve` runs it: the generation watched in memory.
	watchCtx, stopWatch := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() { e.srv.WatchPortal(watchCtx); close(watched) }()
	defer func() { stopWatch(); <-watched }()
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, DisableCompression: true}}
	defer client.CloseIdleConnections()

	// The fixed page: an exemplar page's size.
	sample := func(path string) []byte {
		res, err := client.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		return b
	}
	var total int
	for i := 0; i < 50; i++ {
		total += len(sample("/dien-hinh/" + pages[i*len(pages)/50].Slug))
	}
	fixed := []byte(strings.Repeat("x", total/50))
	minimal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(fixed)
	}))
	defer minimal.Close()
	searchSize := len(sample("/search?q=doc+sach"))

	get := func(base string, path string, want ...string) (int, error) {
		res, err := client.Get(base + path)
		if err != nil {
			return 0, err
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return res.StatusCode, err
		}
		if res.StatusCode != 200 {
			return res.StatusCode, fmt.Errorf("GET %s: %d", path, res.StatusCode)
		}
		for _, w := range want {
			if !strings.Contains(string(b), w) {
				return res.StatusCode, fmt.Errorf("GET %s: the answer lacks %q", path, w)
			}
		}
		return res.StatusCode, nil
	}
	rngs := make([]*rand.Rand, scale.clients)
	for i := range rngs {
		rngs[i] = rand.New(rand.NewPCG(uint64(i), 7))
	}
	exemplarCall := func(ctx context.Context, c, seq int) (int, error) {
		pg := pages[rngs[c].IntN(len(pages))]
		return get(srv.URL, "/dien-hinh/"+pg.Slug, pg.Title)
	}
	asked := searchURLs()
	zipfs := make([]*rand.Zipf, scale.clients)
	for i := range zipfs {
		zipfs[i] = rand.NewZipf(rngs[i], 1.1, 1, uint64(len(asked)-1))
	}
	searchCall := func(ctx context.Context, c, seq int) (int, error) {
		return get(srv.URL, asked[zipfs[c].Uint64()], "điển hình")
	}
	opt := loadtest.Options{Clients: scale.clients, Duration: scale.duration}
	type row struct {
		name string
		res  loadtest.Result
	}
	var rows []row
	measure := func(name string, call loadtest.Call) loadtest.Result {
		runtime.GC()
		res := loadtest.Run(ctx, opt, call)
		rows = append(rows, row{name, res})
		t.Logf("%-50s %s", name, res)
		if res.Errors > 0 || res.Count5xx() > 0 || res.Requests == 0 {
			t.Errorf("%s: %d errors, %d 5xx of %d requests: %v", name, res.Errors, res.Count5xx(), res.Requests, res.FirstErrs)
		}
		return res
	}
	minimalCall := func(ctx context.Context, c, seq int) (int, error) { return get(minimal.URL, "/") }

	// The machine may be shared: the scenarios run in rounds, each round
	// measuring the minimal handler right before the portal, so that each
	// ratio compares runs made under the same load; the report gives
	// every round and the median.
	rounds := 2
	if full {
		rounds = 4
	}
	var ratios, p95s, coldRatios []float64
	e.srv.SetPortalCache(0)
	for i := 1; i <= 2; i++ {
		b := measure(fmt.Sprintf("%d. minimal handler (%d bytes)", i, len(fixed)), minimalCall)
		p := measure(fmt.Sprintf("%d. exemplar page, random of all, no page cache", i), exemplarCall)
		coldRatios = append(coldRatios, p.Throughput()/b.Throughput())
		measure(fmt.Sprintf("%d. search, visitors' searches, no page cache", i), searchCall)
	}
	// Fill the page cache with every exemplar page once, as the first
	// visits after a change do, then measure with it warm.
	e.srv.SetPortalCache(defaultPortalCache)
	warm := loadtest.Run(ctx, loadtest.Options{Clients: scale.clients, Requests: len(pages)}, func(ctx context.Context, c, seq int) (int, error) {
		return get(srv.URL, "/dien-hinh/"+pages[seq].Slug)
	})
	t.Logf("%-50s %s", "(warm-up: every exemplar page once)", warm)
	for i := 1; i <= rounds; i++ {
		b := measure(fmt.Sprintf("%d. minimal handler (%d bytes)", i, len(fixed)), minimalCall)
		p := measure(fmt.Sprintf("%d. exemplar page, random of all, page cache", i), exemplarCall)
		sr := measure(fmt.Sprintf("%d. search, visitors' searches, page cache", i), searchCall)
		ratios = append(ratios, p.Throughput()/b.Throughput())
		p95s = append(p95s, float64(sr.Percentile(95))/float64(time.Millisecond))
	}

	var b strings.Builder
	fmt.Fprintf(&b, "\n%s, %d exemplars, %d schools, %d clients, %v per scenario, GOMAXPROCS %d; exemplar page %d bytes on average, search page %d bytes\n\n",
		db.Dialect, len(pages), len(schools), scale.clients, scale.duration, runtime.GOMAXPROCS(0), len(fixed), searchSize)
	b.WriteString("| scenario | requests | req/s | p50 | p95 | p99 |\n| --- | ---: | ---: | ---: | ---: | ---: |\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %d | %.0f | %s | %s | %s |\n", r.name, r.res.Requests, r.res.Throughput(), ms(r.res.Percentile(50)), ms(r.res.Percentile(95)), ms(r.res.Percentile(99)))
	}
	pct := func(xs []float64) string {
		var parts []string
		for _, x := range xs {
			parts = append(parts, fmt.Sprintf("%.0f%%", 100*x))
		}
		return strings.Join(parts, ", ")
	}
	fmt.Fprintf(&b, "\nexemplar page / minimal handler, round by round: %s with the page cache (median %.0f%%); %s without it\n", pct(ratios), 100*median(ratios), pct(coldRatios))
	var p95txt []string
	for _, p := range p95s {
		p95txt = append(p95txt, fmt.Sprintf("%.2f ms", p))
	}
	fmt.Fprintf(&b, "search p95 with the page cache, round by round: %s (median %.2f ms)\n", strings.Join(p95txt, ", "), median(p95s))
	t.Log(b.String())
	if full {
		// The figures are reported, not asserted: a shared machine's load
		// moves them; docs/benchmarks-portal.md records measured runs.
		if median(ratios) < 0.3 {
			t.Logf("note: the exemplar page reached %.0f%% of the minimal handler's throughput (median), under the 30%% target", 100*median(ratios))
		}
		if median(p95s) >= 30 {
			t.Logf("note: search p95 %.2f ms (median), over the 30 ms target", median(p95s))
		}
	}
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }
