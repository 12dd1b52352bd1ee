package web

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"thidua/internal/errs"
	"thidua/internal/exemplar"
	"thidua/internal/files"
	"thidua/internal/notify"
	"thidua/internal/portal"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// portalWeb is the portal's part of the server: its store, the cache of
// rendered public pages, the other domains' feeds for the home page.
type portalWeb struct {
	store *portal.Store
	cache *pageCache
	feeds portal.Feeds
	salt  string // ETags change with every process start (new templates)

	facetsMu  sync.Mutex
	facetsGen int64
	facets    portal.Facets

	watched atomic.Bool                  // WatchPortal runs: state is fresh
	state   atomic.Pointer[portal.State] // the generation as last seen
	kick    chan struct{}                // a newer generation was seen: warm the search
}

// portalWatchInterval is how often WatchPortal reads the generation: how
// late, at most, a server learns of a change another server made.
const portalWatchInterval = 200 * time.Millisecond

// currentState is the portal's generation: from memory while WatchPortal
// runs (fresh within portalWatchInterval, and at once after this server's
// own changes), from the database otherwise.
func (pw *portalWeb) currentState(ctx context.Context) (portal.State, error) {
	if pw.watched.Load() {
		if st := pw.state.Load(); st != nil {
			return *st, nil
		}
	}
	return pw.store.State(ctx)
}

// see records a generation unless a newer one is known already.
func (pw *portalWeb) see(st portal.State) {
	for {
		cur := pw.state.Load()
		if cur != nil && cur.Generation >= st.Generation {
			return
		}
		if pw.state.CompareAndSwap(cur, &st) {
			select {
			case pw.kick <- struct{}{}:
			default: // a warm-up is due already
			}
			return
		}
	}
}

// warmSearch keeps the search's snapshot at the generation last seen, so
// that the first search after a change does not wait for it, until ctx
// ends.
func (pw *portalWeb) warmSearch(ctx context.Context, log *slog.Logger) {
	var done int64
	for {
		if st := pw.state.Load(); st != nil && st.Generation > done {
			if err := pw.store.WarmSearch(ctx, *st); err != nil && ctx.Err() == nil {
				log.Warn("portal: warm the search", "generation", st.Generation, "err", err)
			}
			done = st.Generation
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-pw.kick:
		}
	}
}

// WatchPortal keeps the server's view of the portal's generation fresh
// until ctx ends, so that public requests need not ask the database for it
// (on PostgreSQL that round trip was the cost of a cached page). This
// server's own changes are seen at once (portal.Store.OnChange); other
// servers' within portalWatchInterval.
//
// It also loads the search's snapshot of every new generation in the
// background, and returns once that has stopped too.
func (s *Server) WatchPortal(ctx context.Context) {
	warmed := make(chan struct{})
	go func() { s.pw.warmSearch(ctx, s.log); close(warmed) }()
	defer func() { <-warmed }()
	if st, err := s.pw.store.State(ctx); err == nil {
		s.pw.see(st)
	}
	s.pw.watched.Store(true)
	defer s.pw.watched.Store(false)
	s.pw.store.Watch(ctx, portalWatchInterval, s.pw.see)
}

// defaultPortalCache is the byte budget of the public page cache: room for
// every page of a province's portal (20,000 exemplar pages of about 8 KB).
const defaultPortalCache = 256 << 20

func newPortalWeb(s *Server) *portalWeb {
	pw := &portalWeb{
		store: &portal.Store{DB: s.db, Files: s.files, Dossiers: s.dossiers,
			Notify: &notify.Store{DB: s.db, Jobs: s.jobs, BaseURL: s.opt.BaseURL}},
		cache: newPageCache(defaultPortalCache),
		kick:  make(chan struct{}, 1),
		salt:  strconv.FormatInt(time.Now().UnixNano(), 36),
	}
	pw.store.OnChange = func() {
		if st, err := pw.store.State(context.Background()); err == nil {
			pw.see(st)
		}
	}
	return pw
}

// SetPortalFeeds sets the other domains' lists the portal home page shows
// (current movements, recent public activities). Call it before serving.
func (s *Server) SetPortalFeeds(f portal.Feeds) { s.pw.feeds = f }

// SetPortalCache sets the byte budget of the public page cache (0: no
// cache). Call it before serving.
func (s *Server) SetPortalCache(bytes int64) { s.pw.cache = newPageCache(bytes) }

// registerPortal adds the public portal: no login, cacheable pages.
func (s *Server) registerPortal() {
	s.handle("GET /dien-hinh", Public, "Cổng thông tin điển hình tiên tiến", s.portalHome)
	s.handle("GET /dien-hinh/{slug}", Public, "Trang một điển hình tiên tiến", s.portalExemplar)
	s.handle("GET /dien-hinh/anh/{sha}", Public, "Ảnh của điển hình đang đăng", s.portalPhoto)
	s.handle("GET /don-vi/{slug}", Public, "Trang đơn vị trên cổng thông tin", s.portalUnit)
	s.handle("GET /search", Public, "Tìm kiếm điển hình tiên tiến", s.portalSearch)
	s.handle("GET /feed.atom", Public, "Nguồn tin Atom các điển hình mới đăng", s.portalFeed)
	s.handle("GET /sitemap.xml", Public, "Sơ đồ trang cho máy tìm kiếm", s.portalSitemap)
	s.handle("GET /robots.txt", Public, "Hướng dẫn cho máy tìm kiếm", s.portalRobots)
	s.registerPublications()
	s.registerAdoptions()
	s.registerPortalAPI()
	s.registerPortalWorkAPI() // portal_work_api.go
}

// root is GET /: the logged-in user's to-do home page, the portal for the
// anonymous public.
func (s *Server) root(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	switch {
	case sess == nil:
		http.Redirect(w, r, "/dien-hinh", http.StatusSeeOther)
	case sess.MustChange:
		http.Redirect(w, r, "/account/password", http.StatusSeeOther)
	default:
		s.home(w, r)
	}
}

// --- serving public answers

// publicBase is the absolute address of the site, for canonical links,
// Open Graph tags and the feed.
func (s *Server) publicBase(r *http.Request) string {
	if s.opt.BaseURL != "" {
		return strings.TrimRight(s.opt.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// genETag is the ETag of every page determined by the generation alone.
func (pw *portalWeb) genETag(st portal.State) string {
	return `"g` + strconv.FormatInt(st.Generation, 36) + "-" + pw.salt + `"`
}

// builder makes a public answer for the current generation.
type pubBuilder func(ctx context.Context, st portal.State, base string) (*cachedPage, error)

// servePublic answers from the cache when the page is there for the
// current generation, answers 304 at once when the client holds this
// generation's page (genBound: the page depends on nothing else), and
// builds, caches and writes the page otherwise.
func (s *Server) servePublic(w http.ResponseWriter, r *http.Request, genBound bool, build pubBuilder) {
	ctx := r.Context()
	st, err := s.pw.currentState(ctx)
	if err != nil {
		s.publicFail(w, r, err)
		return
	}
	base := s.publicBase(r)
	key := base + r.URL.RequestURI()
	if p := s.pw.cache.get(key, st.Generation, time.Now()); p != nil {
		p.write(w, r)
		return
	}
	if genBound && notModified(r, s.pw.genETag(st), time.Time{}) {
		w.Header().Set("ETag", s.pw.genETag(st))
		w.Header().Set("Cache-Control", "public, no-cache")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	p, err := s.pw.cache.once(key, st.Generation, func() (*cachedPage, error) {
		// Other requests may wait for this build: it finishes even if
		// this one's client goes away.
		p, err := build(context.WithoutCancel(ctx), st, base)
		if err != nil {
			return nil, err
		}
		p.key, p.gen = key, st.Generation
		if genBound && p.status == http.StatusOK && p.etag == "" {
			p.etag, p.modified = s.pw.genETag(st), st.ChangedAt
		}
		s.pw.cache.put(p)
		return p, nil
	})
	if err != nil {
		s.publicFail(w, r, err)
		return
	}
	p.write(w, r)
}

// pubPage is what the public layout receives.
type pubPage struct {
	Title       string // the page's own title; the layout adds the site's name
	Description string
	Canonical   string // absolute URL
	Image       string // absolute URL of the Open Graph image, "" for none
	ImageAlt    string
	Type        string // Open Graph type: website, article, profile
	Published   time.Time
	Modified    time.Time
	Base        string
	Section     string // highlighted entry of the header
	Q           string // the search box's value
	NoIndex     bool
	Data        any
}

// SiteName is the portal's name, in titles and Open Graph tags.
const SiteName = "Điển hình tiên tiến ngành Giáo dục"

// renderPublic executes a page template in the public layout.
func (s *Server) renderPublic(name string, p *pubPage) ([]byte, error) {
	t, ok := s.tmpl.pages[name]
	if !ok {
		return nil, errs.Wrap(fmt.Errorf("no template %q", name), "web: render public")
	}
	if p.Type == "" {
		p.Type = "website"
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "publayout", p); err != nil {
		return nil, errs.Wrap(err, "web: render "+name)
	}
	return buf.Bytes(), nil
}

func htmlPage(status int, body []byte) *cachedPage {
	return &cachedPage{status: status, ctype: "text/html; charset=utf-8", body: body}
}

var errPortalNotFound = errs.E(errs.NotFound, "Không tìm thấy trang này. Có thể đường dẫn chưa đúng, hoặc nội dung không còn được đăng trên cổng thông tin.")

// publicFail answers a public request's error with a page in the public
// layout (never cached).
func (s *Server) publicFail(w http.ResponseWriter, r *http.Request, err error) {
	if isAPI(r) {
		s.fail(w, r, err)
		return
	}
	code := errs.CodeOf(err)
	st := status(code)
	if st == http.StatusInternalServerError {
		s.log.Error("public request failed", "path", r.URL.Path, "err", err)
	}
	msg := errs.MessageOf(err)
	if code == errs.NotFound {
		msg = errs.MessageOf(errPortalNotFound)
	}
	body, rerr := s.renderPublic("portal_error", &pubPage{Title: titles[st], Base: s.publicBase(r), NoIndex: true, Data: msg})
	if rerr != nil {
		s.log.Error("render public error", "err", rerr)
		http.Error(w, msg, st)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(st)
	w.Write(body)
}

// redirectPage is a cached permanent redirect to a page's canonical URL.
func redirectPage(to string) *cachedPage {
	return &cachedPage{status: http.StatusMovedPermanently, location: to, ctype: "text/html; charset=utf-8",
		body: []byte(`<a href="` + template.HTMLEscapeString(to) + `">` + template.HTMLEscapeString(to) + "</a>\n")}
}

// --- the home page

type portalHomeData struct {
	Featured      []portal.Card
	Recent        []portal.Card
	Categories    []portal.CategoryCount
	Total         int
	Movements     []portal.Item
	Activities    []portal.Item
	HasFeeds      bool
	HasMovements  bool
	HasActivities bool
}

func (s *Server) portalHome(w http.ResponseWriter, r *http.Request) {
	feeds := s.pw.feeds
	s.servePublic(w, r, !feeds.Any(), func(ctx context.Context, st portal.State, base string) (*cachedPage, error) {
		var d portalHomeData
		var err error
		if d.Featured, err = s.pw.store.Featured(ctx, 6); err != nil {
			return nil, err
		}
		if d.Recent, err = s.pw.store.Recent(ctx, 8); err != nil {
			return nil, err
		}
		if d.Categories, err = s.pw.store.Categories(ctx); err != nil {
			return nil, err
		}
		for _, c := range d.Categories {
			d.Total += c.Count
		}
		d.HasFeeds, d.HasMovements, d.HasActivities = feeds.Any(), feeds.Movements != nil, feeds.Activities != nil
		if feeds.Movements != nil {
			if d.Movements, err = feeds.Movements(ctx, 5); err != nil {
				s.log.Warn("portal: movements feed", "err", err)
				d.Movements = nil
			}
		}
		if feeds.Activities != nil {
			if d.Activities, err = feeds.Activities(ctx, 6); err != nil {
				s.log.Warn("portal: activities feed", "err", err)
				d.Activities = nil
			}
		}
		p := &pubPage{Title: "Trang chủ", Section: "home", Base: base, Canonical: base + "/dien-hinh", Data: d,
			Description: "Cổng thông tin tuyên truyền các phong trào thi đua yêu nước và nhân rộng điển hình tiên tiến ngành Giáo dục: gương người tốt việc tốt, mô hình mới, cách làm hay của các trường học."}
		if len(d.Featured) > 0 && d.Featured[0].Cover != "" {
			p.Image = base + photoURL(d.Featured[0].Cover)
		}
		body, err := s.renderPublic("portal_home", p)
		if err != nil {
			return nil, err
		}
		page := htmlPage(http.StatusOK, body)
		if feeds.Any() {
			page.etag, page.expires = bodyETag(body), time.Now().Add(portal.FeedTTL)
		}
		return page, nil
	})
}

// --- one exemplar

type guideItem struct{ Label, Value string }

type exemplarView struct {
	Page         portal.Page
	Paras        []string
	Achievements []string
	Guide        []guideItem
	Spread       []portal.Adopter
	Related      []portal.Card
	Preview      bool  // an officer's preview of the working copy
	DossierID    int64 // for the preview's photos
	ShareURL     string
	Canonical    string
}

func exemplarViewOf(pg portal.Page) exemplarView {
	v := exemplarView{Page: pg, Paras: paragraphs(pg.Story), Achievements: bullets(pg.Achievements)}
	if pg.Guide != nil {
		for _, g := range portal.GuideFields(pg.Guide) {
			if g.Value != "" {
				v.Guide = append(v.Guide, guideItem{g.Label, g.Value})
			}
		}
	}
	return v
}

func (s *Server) portalExemplar(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	s.servePublic(w, r, true, func(ctx context.Context, st portal.State, base string) (*cachedPage, error) {
		id := portal.ParseSlug(slug)
		if id == 0 {
			return nil, errs.ErrNotFound
		}
		pg, err := s.pw.store.Page(ctx, id)
		if err != nil {
			return nil, err
		}
		if slug != pg.Slug {
			return redirectPage("/dien-hinh/" + pg.Slug), nil
		}
		v := exemplarViewOf(pg)
		if pg.Adoptable() {
			if v.Spread, err = s.pw.store.Spread(ctx, pg.ID); err != nil {
				return nil, err
			}
		}
		if v.Related, err = s.pw.store.Related(ctx, pg, 3); err != nil {
			return nil, err
		}
		v.Canonical = base + "/dien-hinh/" + pg.Slug
		v.ShareURL = "https://www.facebook.com/sharer/sharer.php?u=" + url.QueryEscape(v.Canonical)
		p := &pubPage{Title: pg.Title, Description: pg.Excerpt(), Canonical: v.Canonical, Type: "article", Base: base,
			Published: pg.First, Modified: pg.Published, Data: v}
		if len(pg.Photos) > 0 {
			p.Image, p.ImageAlt = base+photoURL(pg.Photos[0].PublicSHA), pg.Photos[0].Caption
		}
		body, err := s.renderPublic("portal_exemplar", p)
		if err != nil {
			return nil, err
		}
		return htmlPage(http.StatusOK, body), nil
	})
}

// portalPhoto serves a photo of a live entry: nothing else.
func (s *Server) portalPhoto(w http.ResponseWriter, r *http.Request) {
	sha := r.PathValue("sha")
	s.servePublic(w, r, false, func(ctx context.Context, st portal.State, base string) (*cachedPage, error) {
		live, err := s.pw.store.PhotoLive(ctx, sha)
		if err != nil {
			return nil, err
		}
		if !live {
			return nil, errs.ErrNotFound
		}
		f, data, err := s.files.Open(ctx, sha)
		if err != nil {
			return nil, err
		}
		if f.Kind != files.Image {
			return nil, errs.ErrNotFound
		}
		return &cachedPage{status: http.StatusOK, ctype: f.ContentType, etag: `"` + sha + `"`, body: data}, nil
	})
}

func photoURL(sha string) string { return "/dien-hinh/anh/" + sha }

// --- search

// searchParams are the public search's query parameters.
var searchParams = struct{ Q, Category, Level, Unit, Year, Movement, Page string }{"q", "loai", "cap-hoc", "don-vi", "nam", "phong-trao", "trang"}

type searchView struct {
	Query      portal.Query
	Results    portal.Results
	Facets     portal.Facets
	Categories []exemplar.Category
	Levels     []string
	Prev, Next string
	Pages      []pageLink
	Filtered   bool
	Unit       string // the unit filter's name
}

type pageLink struct {
	N       int
	URL     string
	Current bool
	Gap     bool
}

func parseSearch(r *http.Request) portal.Query {
	v := r.URL.Query()
	atoi := func(k string) int { n, _ := strconv.Atoi(strings.TrimSpace(v.Get(k))); return n }
	q := portal.Query{Text: strings.TrimSpace(v.Get(searchParams.Q)), Page: atoi(searchParams.Page)}
	if c := exemplar.Category(v.Get(searchParams.Category)); c.Valid() {
		q.Category = c
	}
	for _, l := range unit.Levels {
		if l == v.Get(searchParams.Level) {
			q.Level = l
		}
	}
	q.UnitID = int64(atoi(searchParams.Unit))
	if y := atoi(searchParams.Year); y >= 1990 && y <= 2200 {
		q.Year = y
	}
	q.MovementID = int64(atoi(searchParams.Movement))
	if len([]rune(q.Text)) > 200 {
		q.Text = string([]rune(q.Text)[:200])
	}
	return q
}

// searchURL is the search page for q at page n.
func searchURL(q portal.Query, n int) string {
	v := url.Values{}
	if q.Text != "" {
		v.Set(searchParams.Q, q.Text)
	}
	if q.Category != "" {
		v.Set(searchParams.Category, string(q.Category))
	}
	if q.Level != "" {
		v.Set(searchParams.Level, q.Level)
	}
	if q.UnitID != 0 {
		v.Set(searchParams.Unit, strconv.FormatInt(q.UnitID, 10))
	}
	if q.Year != 0 {
		v.Set(searchParams.Year, strconv.Itoa(q.Year))
	}
	if q.MovementID != 0 {
		v.Set(searchParams.Movement, strconv.FormatInt(q.MovementID, 10))
	}
	if n > 1 {
		v.Set(searchParams.Page, strconv.Itoa(n))
	}
	if len(v) == 0 {
		return "/search"
	}
	return "/search?" + v.Encode()
}

// pageLinks are the numbered links of a pager: the first, the last and
// two on each side of the current page.
func pageLinks(current, pages int, link func(int) string) []pageLink {
	var out []pageLink
	for n := 1; n <= pages; n++ {
		if n == 1 || n == pages || (n >= current-2 && n <= current+2) {
			out = append(out, pageLink{N: n, URL: link(n), Current: n == current})
		} else if len(out) > 0 && !out[len(out)-1].Gap {
			out = append(out, pageLink{Gap: true})
		}
	}
	return out
}

func (pw *portalWeb) facetsFor(ctx context.Context, st portal.State) (portal.Facets, error) {
	pw.facetsMu.Lock()
	defer pw.facetsMu.Unlock()
	if pw.facetsGen == st.Generation {
		return pw.facets, nil
	}
	f, err := pw.store.Facets(ctx)
	if err != nil {
		return f, err
	}
	pw.facets, pw.facetsGen = f, st.Generation
	return f, nil
}

func (s *Server) portalSearch(w http.ResponseWriter, r *http.Request) {
	q := parseSearch(r)
	s.servePublic(w, r, true, func(ctx context.Context, st portal.State, base string) (*cachedPage, error) {
		res, err := s.pw.store.SearchAt(ctx, st, q)
		if err != nil {
			return nil, err
		}
		q.Page = res.Page
		v := searchView{Query: q, Results: res, Categories: exemplar.Categories, Levels: unit.Levels,
			Filtered: q.Category != "" || q.Level != "" || q.UnitID != 0 || q.Year != 0 || q.MovementID != 0}
		if v.Facets, err = s.pw.facetsFor(ctx, st); err != nil {
			return nil, err
		}
		for _, u := range v.Facets.Units {
			if u.ID == q.UnitID {
				v.Unit = u.Name
			}
		}
		if q.UnitID != 0 && v.Unit == "" {
			if u, err := s.pw.store.PublicUnit(ctx, q.UnitID); err == nil {
				v.Unit = u.Name
			}
		}
		link := func(n int) string { return searchURL(q, n) }
		if res.Page > 1 && res.Page <= res.Pages {
			v.Prev = link(res.Page - 1)
		}
		if res.Page < res.Pages {
			v.Next = link(res.Page + 1)
		}
		v.Pages = pageLinks(res.Page, res.Pages, link)
		title := "Tìm kiếm điển hình"
		if q.Text != "" {
			title = "Kết quả tìm “" + q.Text + "”"
		}
		if res.Page > 1 {
			title += " – trang " + strconv.Itoa(res.Page)
		}
		p := &pubPage{Title: title, Section: "search", Base: base, Q: q.Text, Canonical: base + searchURL(q, res.Page), Data: v,
			Description: "Tìm gương điển hình tiên tiến, mô hình mới, cách làm hay theo loại, cấp học, đơn vị, năm, phong trào; gõ không dấu cũng được.",
			NoIndex:     q.Text != ""}
		body, err := s.renderPublic("portal_search", p)
		if err != nil {
			return nil, err
		}
		return htmlPage(http.StatusOK, body), nil
	})
}

// --- a unit's page

type unitView struct {
	Unit      portal.PublicUnit
	Results   portal.Results
	Adopted   []portal.Card
	Adopters  []portal.Adopter
	Prev      string
	Next      string
	Pages     []pageLink
	SearchURL string
}

func (s *Server) portalUnit(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	pageN, _ := strconv.Atoi(r.URL.Query().Get(searchParams.Page))
	s.servePublic(w, r, true, func(ctx context.Context, st portal.State, base string) (*cachedPage, error) {
		id := portal.ParseSlug(slug)
		if id == 0 {
			return nil, errs.ErrNotFound
		}
		u, err := s.pw.store.PublicUnit(ctx, id)
		if err != nil {
			return nil, err
		}
		if slug != u.Slug() {
			return redirectPage("/don-vi/" + u.Slug()), nil
		}
		v := unitView{Unit: u, SearchURL: searchURL(portal.Query{UnitID: u.ID}, 1)}
		if v.Results, err = s.pw.store.SearchAt(ctx, st, portal.Query{UnitID: u.ID, Page: pageN, PerPage: 12}); err != nil {
			return nil, err
		}
		if v.Adopted, v.Adopters, err = s.pw.store.UnitAdoptions(ctx, u.ID); err != nil {
			return nil, err
		}
		res := v.Results
		link := func(n int) string {
			if n <= 1 {
				return "/don-vi/" + u.Slug()
			}
			return "/don-vi/" + u.Slug() + "?" + searchParams.Page + "=" + strconv.Itoa(n)
		}
		if res.Page > 1 && res.Page <= res.Pages {
			v.Prev = link(res.Page - 1)
		}
		if res.Page < res.Pages {
			v.Next = link(res.Page + 1)
		}
		v.Pages = pageLinks(res.Page, res.Pages, link)
		p := &pubPage{Title: u.Name, Base: base, Canonical: base + link(res.Page), Type: "profile", Data: v,
			Description: fmt.Sprintf("%s: %s điển hình tiên tiến đang được giới thiệu, %s mô hình, cách làm hay đang áp dụng.", u.Name, viet.Int(int64(u.Entries)), viet.Int(int64(u.Adopts)))}
		if len(res.Cards) > 0 && res.Cards[0].Cover != "" {
			p.Image = base + photoURL(res.Cards[0].Cover)
		}
		body, err := s.renderPublic("portal_unit", p)
		if err != nil {
			return nil, err
		}
		return htmlPage(http.StatusOK, body), nil
	})
}

// --- the Atom feed, the sitemap, robots.txt

type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle"`
	ID       string      `xml:"id"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Author   atomPerson  `xml:"author"`
	Icon     string      `xml:"icon,omitempty"`
	Entries  []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr"`
}

type atomEntry struct {
	Title     string         `xml:"title"`
	ID        string         `xml:"id"`
	Updated   string         `xml:"updated"`
	Published string         `xml:"published"`
	Links     []atomLink     `xml:"link"`
	Author    atomPerson     `xml:"author"`
	Category  []atomCategory `xml:"category"`
	Summary   atomText       `xml:"summary"`
}

// tagID is a tag: URI (RFC 4151) for a thing first seen on day at the
// site's host; sites reached by an IP address get a name-based urn:uuid
// instead, as tag: needs a domain name.
func tagID(base string, day time.Time, specific string) string {
	host := base
	if u, err := url.Parse(base); err == nil {
		host = u.Hostname()
	}
	if host == "" || net.ParseIP(host) != nil || !strings.ContainsFunc(host, unicode.IsLetter) {
		sum := sha1.Sum([]byte(base + "/" + specific))
		sum[6] = sum[6]&0x0f | 0x50 // version 5
		sum[8] = sum[8]&0x3f | 0x80 // RFC 4122 variant
		h := hex.EncodeToString(sum[:16])
		return "urn:uuid:" + h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
	}
	return "tag:" + strings.ToLower(host) + "," + day.UTC().Format("2006-01-02") + ":" + specific
}

// portalEpoch is the date in the feed's own id.
var portalEpoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func (s *Server) portalFeed(w http.ResponseWriter, r *http.Request) {
	s.servePublic(w, r, true, func(ctx context.Context, st portal.State, base string) (*cachedPage, error) {
		cards, err := s.pw.store.Recent(ctx, 50)
		if err != nil {
			return nil, err
		}
		f := atomFeed{Title: SiteName, Subtitle: "Các điển hình tiên tiến, mô hình mới, cách làm hay mới được giới thiệu",
			ID: tagID(base, portalEpoch, "dien-hinh"), Updated: st.ChangedAt.UTC().Format(time.RFC3339),
			Links:  []atomLink{{Rel: "self", Type: "application/atom+xml", Href: base + "/feed.atom"}, {Rel: "alternate", Type: "text/html", Href: base + "/dien-hinh"}},
			Author: atomPerson{Name: SiteName, URI: base + "/dien-hinh"}, Icon: base + assetURL("favicon.svg")}
		for _, c := range cards {
			f.Entries = append(f.Entries, atomEntry{Title: c.Title, ID: tagID(base, c.First, "dien-hinh/"+strconv.FormatInt(c.ID, 10)),
				Updated: c.Published.UTC().Format(time.RFC3339), Published: c.First.UTC().Format(time.RFC3339),
				Links:    []atomLink{{Rel: "alternate", Type: "text/html", Href: base + "/dien-hinh/" + c.Slug}},
				Author:   atomPerson{Name: c.Credit},
				Category: []atomCategory{{Term: string(c.Category), Label: c.Category.Label()}},
				Summary:  atomText{Type: "text", Body: c.Excerpt}})
		}
		var buf bytes.Buffer
		buf.WriteString(xml.Header)
		enc := xml.NewEncoder(&buf)
		enc.Indent("", "  ")
		if err := enc.Encode(f); err != nil {
			return nil, errs.Wrap(err, "web: encode feed")
		}
		return &cachedPage{status: http.StatusOK, ctype: "application/atom+xml; charset=utf-8", body: buf.Bytes()}, nil
	})
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type urlset struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

func (s *Server) portalSitemap(w http.ResponseWriter, r *http.Request) {
	s.servePublic(w, r, true, func(ctx context.Context, st portal.State, base string) (*cachedPage, error) {
		links, err := s.pw.store.Links(ctx)
		if err != nil {
			return nil, err
		}
		set := urlset{URLs: []sitemapURL{{Loc: base + "/dien-hinh", LastMod: st.ChangedAt.UTC().Format(time.RFC3339)}, {Loc: base + "/search"}}}
		for _, l := range links {
			set.URLs = append(set.URLs, sitemapURL{Loc: base + l.Path, LastMod: l.Updated.UTC().Format(time.RFC3339)})
		}
		var buf bytes.Buffer
		buf.WriteString(xml.Header)
		if err := xml.NewEncoder(&buf).Encode(set); err != nil {
			return nil, errs.Wrap(err, "web: encode sitemap")
		}
		return &cachedPage{status: http.StatusOK, ctype: "application/xml; charset=utf-8", body: buf.Bytes()}, nil
	})
}

func (s *Server) portalRobots(w http.ResponseWriter, r *http.Request) {
	s.servePublic(w, r, true, func(ctx context.Context, st portal.State, base string) (*cachedPage, error) {
		body := "# thidua: the public portal may be indexed; the working pages need a login.\n" +
			"User-agent: *\nAllow: /dien-hinh\nAllow: /don-vi/\nAllow: /feed.atom\nDisallow: /search\nDisallow: /api/\nDisallow: /login\n\n" +
			"Sitemap: " + base + "/sitemap.xml\n"
		return &cachedPage{status: http.StatusOK, ctype: "text/plain; charset=utf-8", body: []byte(body)}, nil
	})
}

// --- template helpers

// paragraphs splits text into paragraphs at line breaks.
func paragraphs(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// bullets splits a list written one item a line ("- …", "• …", "+ …").
func bullets(s string) []string {
	var out []string
	for _, l := range paragraphs(s) {
		l = strings.TrimSpace(strings.TrimLeft(l, "-•+*–"))
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// cardWords is what the card partial receives: a card and the search
// words to mark in it.
type cardWords struct {
	C portal.Card
	W []string
}

// markWords writes text with the words of a search marked. It folds only
// the words of the text as long as one of the query's (folding keeps the
// number of letters) and writes without intermediate copies: the search
// page calls it three times a result.
func markWords(text string, words []string) template.HTML {
	if len(words) == 0 {
		return template.HTML(template.HTMLEscapeString(text))
	}
	lengths := map[int]bool{}
	for _, w := range words {
		lengths[len(w)] = true
	}
	var b strings.Builder
	b.Grow(len(text) + 16*len(words))
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) }
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		j, n := i+size, 1
		word := isWord(r)
		for j < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[j:])
			if isWord(r2) != word {
				break
			}
			j, n = j+s2, n+1
		}
		part := text[i:j]
		if word && lengths[n] && markable(part, words) {
			b.WriteString("<mark>")
			template.HTMLEscape(&b, []byte(part))
			b.WriteString("</mark>")
		} else {
			template.HTMLEscape(&b, []byte(part))
		}
		i = j
	}
	return template.HTML(b.String())
}

// markable reports whether a word of a text folds to one of words.
func markable(part string, words []string) bool {
	f := portal.Words(part)
	return len(f) == 1 && slices.Contains(words, f[0])
}

func init() {
	funcs["photoURL"] = photoURL
	funcs["unitURL"] = func(name string, id int64) string { return "/don-vi/" + portal.SlugOf(name, id) }
	funcs["markWords"] = markWords
	funcs["paras"] = paragraphs
	funcs["bullets"] = bullets
	funcs["rfc3339"] = func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	funcs["siteName"] = func() string { return SiteName }
	funcs["searchURL"] = searchURL
	funcs["catURL"] = func(c exemplar.Category) string { return searchURL(portal.Query{Category: c}, 1) }
	funcs["yearNow"] = func() int { return time.Now().In(viet.Zone).Year() }
	funcs["monthYear"] = func(t time.Time) string {
		return "tháng " + strconv.Itoa(int(t.Month())) + "/" + strconv.Itoa(t.Year())
	}
	funcs["withWords"] = func(c portal.Card, w []string) cardWords { return cardWords{c, w} }
	funcs["dashes"] = func(depth int) string { return strings.Repeat("– ", min(max(depth, 0), 8)) }
	funcs["hasUnit"] = func(us []portal.Option, id int64) bool {
		for _, u := range us {
			if u.ID == id {
				return true
			}
		}
		return false
	}
	funcs["textOnly"] = func(q portal.Query) portal.Query { return portal.Query{Text: q.Text} }
	funcs["movementURL"] = func(id int64) string { return searchURL(portal.Query{MovementID: id}, 1) }
	funcs["unitSearchURL"] = func(id int64) string { return searchURL(portal.Query{UnitID: id}, 1) }
	funcs["levelsLabel"] = func(ls []string) string {
		out := make([]string, len(ls))
		for i, l := range ls {
			out[i] = unit.LevelLabel(l)
		}
		return strings.Join(out, ", ")
	}
}
