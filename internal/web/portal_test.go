package web

import (
	"context"
	"database/sql"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/exemplar"
	"thidua/internal/portal"
	"thidua/internal/selection"
	"thidua/internal/unit"
)

// portalEnv is a server with Sở → Phòng (holds rounds) → schools A, B
// (exemplars) and C (adopts), an officer of the Phòng and a leader of C.
type portalEnv struct {
	*testEnv
	t                testing.TB
	so, phong        unit.Unit
	schoolA, schoolB unit.Unit
	schoolC          unit.Unit
	officer, leaderC account.User
	hand             access.Scope
	round            selection.Round
	web, csrf        string // the officer's page session
	cweb, ccsrf      string // school C's leader's page session
	seq              int
}

func newPortalEnv(t testing.TB, db *database.DB, opt Options) *portalEnv {
	t.Helper()
	e := &portalEnv{testEnv: newEnv(t, db, 0, opt), t: t}
	e.so = e.mkUnit(t, nil, unit.Department, "SO", "Sở Giáo dục và Đào tạo")
	e.phong = e.mkUnit(t, &e.so, unit.Office, "PGD", "Phòng Giáo dục và Đào tạo Thuận Lợi")
	selRunsRounds(t, db, e.so, e.phong)
	e.schoolA = e.mkUnit(t, &e.phong, unit.School, "TH-A", "Trường Tiểu học Hoa Sen", "TH")
	e.schoolB = e.mkUnit(t, &e.phong, unit.School, "THCS-B", "Trường THCS Lê Lợi", "THCS")
	e.schoolC = e.mkUnit(t, &e.phong, unit.School, "MN-C", "Trường Mầm non Sơn Ca", "MN")
	e.officer = e.mkUser(t, "p.officer", e.phong.ID, false, roleAt{access.Officer, e.phong.ID})
	e.leaderC = e.mkUser(t, "c.leader", e.schoolC.ID, false, roleAt{access.Leader, e.schoolC.ID})
	e.hand = selHand(e.mkUser(t, "tay", e.so.ID, false))
	now := time.Now()
	r, err := e.srv.sel.OpenRound(context.Background(), e.hand, selection.RoundInput{UnitID: e.phong.ID, Name: "Quý thử", SubmitFrom: now.Add(-time.Hour),
		SubmitUntil: now.Add(240 * time.Hour), ReviewUntil: now.Add(480 * time.Hour), Council: selCouncil()})
	if err != nil {
		t.Fatal(err)
	}
	e.round = r
	e.web, e.csrf = e.session(t, e.officer.ID, account.Web)
	e.cweb, e.ccsrf = e.session(t, e.leaderC.ID, account.Web)
	return e
}

// selectedAt drafts in at school (with photos), submits it and marks the
// nomination selected.
func (e *portalEnv) selectedAt(school unit.Unit, in exemplar.Input, photos ...[]byte) int64 {
	e.t.Helper()
	f := &walkFixture{testEnv: e.testEnv, t: e.t}
	return f.portalSelected(e.hand, in, school, e.round, photos...)
}

// publish publishes a good practice of school with a photo, as the hand.
func (e *portalEnv) publish(school unit.Unit, title string, photo bool) (portal.Publication, portal.Page) {
	e.t.Helper()
	ctx := context.Background()
	st := e.srv.pw.store
	e.seq++
	var photos [][]byte
	if photo {
		photos = append(photos, walkPNG(e.t, uint8(40+e.seq)))
	}
	p, err := st.Create(ctx, e.hand, e.selectedAt(school, walkPractice(title, fmt.Sprintf("Tổ chuyên môn số %d", e.seq)), photos...))
	if err != nil {
		e.t.Fatal(err)
	}
	p, _ = st.Get(ctx, e.hand, p.ID)
	if photo {
		c := p.Content
		if p, err = st.Update(ctx, e.hand, p.ID, p.Version, portal.ContentInput{Title: c.Title, Story: c.Story, Achievements: c.Achievements, Guide: c.Guide,
			Photos: []portal.Photo{{SHA256: p.Subject.Images[0].SHA256, Caption: "Ảnh hoạt động"}}}); err != nil {
			e.t.Fatal(err)
		}
	}
	if p, err = st.Publish(ctx, e.hand, p.ID, p.Version); err != nil {
		e.t.Fatalf("publish %s: %v", title, err)
	}
	pg, err := st.Page(ctx, p.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return p, pg
}

func (e *portalEnv) get(path string, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	return e.serve(r)
}

// publicURLs are one URL per public portal route, showing what was
// published (keyed by route pattern).
func (e *portalEnv) publicURLs(pg portal.Page) map[string]string {
	return map[string]string{
		"GET /{$}":                 "/", // the anonymous public is sent to the portal home
		"GET /dien-hinh":           "/dien-hinh",
		"GET /dien-hinh/{slug}":    "/dien-hinh/" + pg.Slug,
		"GET /dien-hinh/anh/{sha}": photoURL(pg.Photos[0].PublicSHA),
		"GET /don-vi/{slug}":       "/don-vi/" + portal.SlugOf(e.schoolA.Name, e.schoolA.ID),
		"GET /search":              "/search?q=vuon+rau", // words of the title, not the title itself (the page repeats the query)
		"GET /feed.atom":           "/feed.atom",
		"GET /sitemap.xml":         "/sitemap.xml",
		"GET /robots.txt":          "/robots.txt",
	}
}

// TestPortalNeverShowsUnpublished publishes an exemplar, checks that every
// public route shows it, unpublishes it through the officer's page and
// checks that no public route, the feed, the sitemap, the search or the
// photo shows anything of it any more, cached or not, conditional or not.
func TestPortalNeverShowsUnpublished(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newPortalEnv(t, db, Options{BaseURL: "https://thidua.example.vn"})
		ctx := context.Background()
		p, pg := e.publish(e.schoolA, "Mô hình vườn rau Zeta sạch", true)
		_, other := e.publish(e.schoolB, "Cách làm hay thư viện Omega", true)
		if _, err := e.srv.pw.store.Adopt(ctx, e.hand, portal.AdoptionInput{PublicationID: p.ID, UnitID: e.schoolC.ID, StartedOn: time.Now(), Plan: "Áp dụng."}, nil); err != nil {
			t.Fatal(err)
		}
		adopterPage := "/don-vi/" + portal.SlugOf(e.schoolC.Name, e.schoolC.ID)
		urls := e.publicURLs(pg)
		urls["GET /don-vi/{slug} (adopter)"] = adopterPage

		// Every public route of the routing table is covered (the
		// operations routes, the login page, the calendars and the public
		// activity thumbnails show no exemplar; TestPublicICS covers the
		// public calendar's own rules).
		skip := map[string]bool{"GET /healthz": true, "GET /readyz": true, "GET /metrics": true, "GET /static/": true, "GET /login": true, "POST /login": true,
			"GET /ics/{feed}": true, "GET /lich-cong-khai.ics": true, "GET /public/activities/{id}/thumbnail": true}
		for _, rt := range e.srv.Routes() {
			if rt.Access == Public && !rt.API() && !skip[rt.Pattern()] {
				if _, ok := urls[rt.Pattern()]; !ok {
					t.Errorf("the public route %s is not checked by this test", rt.Pattern())
				}
			}
		}

		marks := []string{pg.Title, pg.Slug, pg.Photos[0].PublicSHA, "Zeta"}
		etags, modified := map[string]string{}, map[string]string{}
		for name, u := range urls {
			w := e.get(u)
			if name == "GET /{$}" {
				if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/dien-hinh" {
					t.Errorf("GET / for the public: %s, want 303 to /dien-hinh", outcome(w))
				}
				continue
			}
			if w.Code != http.StatusOK {
				t.Fatalf("%s (%s) before unpublishing: %s", name, u, outcome(w))
			}
			etags[u], modified[u] = w.Header().Get("ETag"), w.Header().Get("Last-Modified")
			body := w.Body.String()
			if name == "GET /dien-hinh/anh/{sha}" || name == "GET /robots.txt" {
				continue
			}
			if !strings.Contains(body, pg.Slug) && !strings.Contains(body, pg.Title) {
				t.Errorf("%s (%s) does not show the published exemplar", name, u)
			}
		}
		if !strings.Contains(e.get(adopterPage).Body.String(), pg.Title) {
			t.Error("the adopter's page does not show what it applies")
		}

		// Unpublish through the officer's page.
		cur := e.publication(p.ID)
		w := e.serve(pageReq("POST", "/publications/"+idstr(p.ID)+"/unpublish", e.web, url.Values{"csrf": {e.csrf}, "version": {fmt.Sprint(cur.Version)}, "reason": {"Rút lại sự đồng ý."}}))
		if w.Code != http.StatusSeeOther {
			t.Fatalf("unpublish: %s: %s", outcome(w), snippet(w))
		}

		gone := map[string]int{"/dien-hinh/" + pg.Slug: 404, photoURL(pg.Photos[0].PublicSHA): 404, adopterPage: 404,
			"/don-vi/" + portal.SlugOf(e.schoolA.Name, e.schoolA.ID): 404}
		for name, u := range urls {
			if name == "GET /{$}" {
				continue
			}
			for _, cond := range [][]string{nil, {"If-None-Match", etags[u]}, {"If-Modified-Since", modified[u]}} {
				w := e.get(u, cond...)
				want := http.StatusOK
				if code, ok := gone[u]; ok {
					want = code
				}
				if w.Code != want {
					t.Errorf("%s (%s) after unpublishing, conditions %q: %s, want %d", name, u, cond, outcome(w), want)
				}
				for _, m := range marks {
					if strings.Contains(w.Body.String(), m) {
						t.Errorf("%s (%s) after unpublishing still shows %q", name, u, m)
					}
				}
			}
		}
		// The other exemplar is still everywhere it was.
		for _, u := range []string{"/dien-hinh", "/feed.atom", "/sitemap.xml", "/search", "/dien-hinh/" + other.Slug} {
			if w := e.get(u); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), other.Slug) {
				t.Errorf("%s lost the other exemplar: %s", u, outcome(w))
			}
		}
	})
}

func (e *portalEnv) publication(id int64) portal.Publication {
	e.t.Helper()
	p, err := e.srv.pw.store.Get(context.Background(), e.hand, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// TestPortalCaching: validators and 304s, the cache serving pages without
// the database until the generation changes, the feeds' time limit.
func TestPortalCaching(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newPortalEnv(t, db, Options{})
		ctx := context.Background()
		_, pg := e.publish(e.schoolA, "Mô hình câu lạc bộ cờ vua", false)
		path := "/dien-hinh/" + pg.Slug
		w := e.get(path)
		etag, lm := w.Header().Get("ETag"), w.Header().Get("Last-Modified")
		if w.Code != 200 || etag == "" || lm == "" || w.Header().Get("Cache-Control") != "public, no-cache" {
			t.Fatalf("first answer: %s ETag %q Last-Modified %q Cache-Control %q", outcome(w), etag, lm, w.Header().Get("Cache-Control"))
		}
		for _, cond := range [][]string{{"If-None-Match", etag}, {"If-None-Match", `"x", W/` + etag}, {"If-Modified-Since", lm}} {
			if w := e.get(path, cond...); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
				t.Errorf("conditional %q: %s with %d bytes, want 304", cond, outcome(w), w.Body.Len())
			}
		}
		if w := e.get(path, "If-None-Match", `"autre"`); w.Code != 200 {
			t.Errorf("another ETag: %s", outcome(w))
		}
		// The cache serves the page it built: a change the portal was not
		// told about (here, behind its back) is not seen…
		if _, err := db.W.ExecContext(ctx, "UPDATE portal_pages SET page = REPLACE(page, 'cờ vua', 'cờ tướng')"); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(e.get(path).Body.String(), "cờ vua") {
			t.Error("the cached page was rebuilt without a change of generation")
		}
		// …until the generation changes: then the new page, new validators.
		if err := db.Tx(ctx, func(tx *sql.Tx) error { return portal.Invalidate(ctx, tx) }); err != nil {
			t.Fatal(err)
		}
		w = e.get(path, "If-None-Match", etag)
		if w.Code != 200 || !strings.Contains(w.Body.String(), "cờ tướng") || w.Header().Get("ETag") == etag {
			t.Errorf("after the generation changed: %s, ETag %q (was %q)", outcome(w), w.Header().Get("ETag"), etag)
		}
		// Without a cache the answers are the same.
		e.srv.SetPortalCache(0)
		if w := e.get(path); w.Code != 200 || !strings.Contains(w.Body.String(), "cờ tướng") {
			t.Errorf("without a cache: %s", outcome(w))
		}
		e.srv.SetPortalCache(1 << 20)

		// Feeds on the home page: called once within their time limit,
		// ETag by content.
		var calls atomic.Int32
		e.srv.SetPortalFeeds(portal.Feeds{Movements: func(ctx context.Context, n int) ([]portal.Item, error) {
			calls.Add(1)
			return []portal.Item{{Title: "Phong trào “Dạy tốt, học tốt”", Meta: "Bộ Giáo dục và Đào tạo"}}, nil
		}})
		h1 := e.get("/dien-hinh")
		h2 := e.get("/dien-hinh")
		if calls.Load() != 1 || !strings.Contains(h1.Body.String(), "Dạy tốt, học tốt") || h1.Header().Get("ETag") != h2.Header().Get("ETag") ||
			!strings.HasPrefix(h1.Header().Get("ETag"), `"b`) {
			t.Errorf("feeds: %d calls, ETags %q %q", calls.Load(), h1.Header().Get("ETag"), h2.Header().Get("ETag"))
		}
		if strings.Contains(h1.Body.String(), "Hoạt động tuyên truyền gần đây") {
			t.Error("the activities section shows while its feed is not set")
		}
	})
}

// TestAtomFeed parses the feed with encoding/xml: valid ids (tag: on a
// domain, urn:uuid: on an address), RFC 3339 dates, alternate links that
// open.
func TestAtomFeed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		pe := newPortalEnv(t, db, Options{})
		_, a := pe.publish(pe.schoolA, "Điển hình tiên tiến thứ nhất", true)
		_, b := pe.publish(pe.schoolB, "Điển hình tiên tiến thứ hai", false)
		for _, base := range []string{"https://thidua.example.vn", "http://127.0.0.1:8080"} {
			// Another server over the same database, at another address.
			e := &portalEnv{testEnv: newEnv(t, db, 0, Options{BaseURL: base}), t: t}
			w := e.get("/feed.atom")
			if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/atom+xml") {
				t.Fatalf("feed: %s %q", outcome(w), w.Header().Get("Content-Type"))
			}
			var f struct {
				XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
				ID      string   `xml:"id"`
				Title   string   `xml:"title"`
				Updated string   `xml:"updated"`
				Links   []struct {
					Rel  string `xml:"rel,attr"`
					Href string `xml:"href,attr"`
				} `xml:"link"`
				Entries []struct {
					ID        string `xml:"id"`
					Title     string `xml:"title"`
					Updated   string `xml:"updated"`
					Published string `xml:"published"`
					Link      struct {
						Rel  string `xml:"rel,attr"`
						Href string `xml:"href,attr"`
					} `xml:"link"`
					Author struct {
						Name string `xml:"name"`
					} `xml:"author"`
					Summary string `xml:"summary"`
				} `xml:"entry"`
			}
			if err := xml.Unmarshal(w.Body.Bytes(), &f); err != nil {
				t.Fatalf("the feed does not parse: %v", err)
			}
			idRE := regexp.MustCompile(`^(tag:[a-z0-9.-]+,\d{4}-\d{2}-\d{2}:\S+|urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})$`)
			wantTag := strings.HasPrefix(base, "https://thidua")
			if !idRE.MatchString(f.ID) || strings.HasPrefix(f.ID, "tag:") != wantTag {
				t.Errorf("%s: feed id %q", base, f.ID)
			}
			if _, err := time.Parse(time.RFC3339, f.Updated); err != nil {
				t.Errorf("feed updated %q: %v", f.Updated, err)
			}
			if len(f.Links) != 2 || f.Links[0].Href != base+"/feed.atom" || f.Links[1].Href != base+"/dien-hinh" {
				t.Errorf("feed links %+v", f.Links)
			}
			if len(f.Entries) != 2 || f.Entries[0].Title != b.Title || f.Entries[1].Title != a.Title {
				t.Fatalf("%s: entries %+v, want the newest first", base, f.Entries)
			}
			seen := map[string]bool{}
			for _, en := range f.Entries {
				if !idRE.MatchString(en.ID) || seen[en.ID] {
					t.Errorf("entry id %q invalid or repeated", en.ID)
				}
				seen[en.ID] = true
				for _, d := range []string{en.Updated, en.Published} {
					if _, err := time.Parse(time.RFC3339, d); err != nil {
						t.Errorf("entry date %q: %v", d, err)
					}
				}
				if en.Link.Rel != "alternate" || !strings.HasPrefix(en.Link.Href, base+"/dien-hinh/") || en.Author.Name == "" || en.Summary == "" {
					t.Errorf("entry %+v", en)
				}
				if w := e.get(strings.TrimPrefix(en.Link.Href, base)); w.Code != 200 {
					t.Errorf("the entry's link %s: %s", en.Link.Href, outcome(w))
				}
			}
			// The ids do not carry the title, which may change.
			if strings.Contains(f.Entries[0].ID, "tien") {
				t.Errorf("the entry id %q carries the title", f.Entries[0].ID)
			}
		}
	})
}

// TestPortalWatch: while the server watches the generation, public pages
// read it from memory; the server's own changes show at once, others' (a
// change another server made: here, behind this one's back) within the
// watch interval.
func TestPortalWatch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newPortalEnv(t, db, Options{})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { e.srv.WatchPortal(ctx); close(done) }()
		defer func() { cancel(); <-done }()
		for i := 0; i < 100 && !e.srv.pw.watched.Load(); i++ {
			time.Sleep(10 * time.Millisecond)
		}
		if !e.srv.pw.watched.Load() {
			t.Fatal("the watch did not start")
		}
		p, pg := e.publish(e.schoolA, "Mô hình sân chơi Kappa", false)
		if w := e.get("/dien-hinh/" + pg.Slug); w.Code != 200 {
			t.Fatalf("a page published on this server: %s", outcome(w))
		}
		// The search's snapshot follows the generation without a search.
		gen := e.srv.pw.state.Load().Generation
		for i := 0; i < 200 && e.srv.pw.store.SearchGeneration() < gen; i++ {
			time.Sleep(10 * time.Millisecond)
		}
		if got := e.srv.pw.store.SearchGeneration(); got < gen {
			t.Errorf("the search's snapshot is at generation %d after 2 s, the portal at %d", got, gen)
		}
		// Another server unpublishes (the change reaches this one only
		// through the database, while this one holds the page in its
		// cache): gone within the interval.
		other := &portal.Store{DB: db, Files: e.files, Dossiers: e.srv.dossiers}
		cur := e.publication(p.ID)
		if _, err := other.Unpublish(context.Background(), e.hand, p.ID, cur.Version, ""); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		for e.get("/dien-hinh/"+pg.Slug).Code != http.StatusNotFound {
			if time.Since(start) > 5*portalWatchInterval {
				t.Fatalf("another server's change not seen after %v", time.Since(start))
			}
			time.Sleep(10 * time.Millisecond)
		}
		lag := time.Since(start)
		// This server publishes again, then unpublishes: each at once.
		cur = e.publication(p.ID)
		if _, err := e.srv.pw.store.Publish(context.Background(), e.hand, p.ID, cur.Version); err != nil {
			t.Fatal(err)
		}
		if w := e.get("/dien-hinh/" + pg.Slug); w.Code != 200 {
			t.Errorf("right after this server published again: %s", outcome(w))
		}
		cur = e.publication(p.ID)
		if _, err := e.srv.pw.store.Unpublish(context.Background(), e.hand, p.ID, cur.Version, ""); err != nil {
			t.Fatal(err)
		}
		if w := e.get("/dien-hinh/" + pg.Slug); w.Code != http.StatusNotFound {
			t.Errorf("right after this server unpublished: %s", outcome(w))
		}
		t.Logf("another server's unpublishing seen after %v", lag.Round(time.Millisecond))
	})
}
