// Package web serves thidua over HTTP: server-rendered Vietnamese pages
// (html/template, embedded CSS and a little JavaScript) and the JSON API
// under /api/v1. Handlers stay thin: they parse input, call a domain store
// with the caller's scope and render; access checks live in the stores.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"time"

	"thidua/internal/account"
	"thidua/internal/activity"
	"thidua/internal/calendar"
	"thidua/internal/database"
	"thidua/internal/exemplar"
	"thidua/internal/files"
	"thidua/internal/jobs"
	"thidua/internal/movement"
	"thidua/internal/notify"
	"thidua/internal/plan"
	"thidua/internal/selection"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// Options configure a Server.
type Options struct {
	SecureCookies bool   // set the Secure flag (behind TLS)
	BaseURL       string // public address, for links in mail
	Version       string
}

// Server holds the stores and the routing table.
type Server struct {
	db       *database.DB
	units    *unit.Store
	accounts *account.Store
	files    *files.Store
	jobs     *jobs.Queue
	dossiers *exemplar.Store
	sel      *selection.Store
	notes    *notify.Store
	keyDates *calendar.KeyDates
	feeds    *calendar.Feeds
	cal      *calendar.Service
	stamps   calendar.Stamps
	// movements and plans: movements.go, plans.go.
	movements *movement.Store
	plans     *plan.Store
	activity  *activity.Store
	pw        *portalWeb // the public portal, publications and adoptions
	log       *slog.Logger
	opt       Options

	mux    *http.ServeMux
	routes []Route
	tmpl   *templates
	m      *metrics
}

// Route describes one registered route, for the OpenAPI coverage test and
// the authorization walk.
type Route struct {
	Method  string
	Path    string
	Access  Access
	Summary string
}

// Pattern is the ServeMux pattern of the route.
func (r Route) Pattern() string { return r.Method + " " + r.Path }

// API reports whether the route belongs to the JSON API.
func (r Route) API() bool { return strings.HasPrefix(r.Path, "/api/") }

// Access says who may reach a handler at all; finer checks (which unit, which
// role there) are the stores' business.
type Access int

const (
	Public        Access = iota // anyone, no login
	LoggedIn                    // any logged-in user
	PasswordStale               // logged in, even if the password must be changed
)

// New builds a server over the given stores.
func New(db *database.DB, fs *files.Store, q *jobs.Queue, log *slog.Logger, opt Options) *Server {
	s := &Server{
		db:       db,
		units:    &unit.Store{DB: db},
		accounts: &account.Store{DB: db},
		files:    fs,
		jobs:     q,
		log:      log,
		opt:      opt,
		mux:      http.NewServeMux(),
		tmpl:     mustTemplates(),
	}
	s.dossiers = &exemplar.Store{DB: db, Files: fs}
	s.notes = &notify.Store{DB: db, Jobs: q, BaseURL: opt.BaseURL}
	s.sel = &selection.Store{DB: db, Units: s.units, Dossiers: s.dossiers, Notify: s.notes}
	s.movements = &movement.Store{DB: db}
	s.plans = &plan.Store{DB: db, Notify: s.notes}
	s.activity = &activity.Store{DB: db, Files: fs, Jobs: q, Dossiers: s.dossiers, Notify: s.notes}
	s.keyDates = &calendar.KeyDates{DB: db, Units: s.units}
	s.feeds = &calendar.Feeds{DB: db, Units: s.units}
	s.cal = &calendar.Service{Units: s.units, Log: log, Notify: s.notes,
		// Calendar sources: every domain's dated things, and the open
		// deadlines the reminder job reminds units of.
		Sources:    []calendar.Source{s.keyDates, s.sel, s.plans, s.activity},
		DueSources: []calendar.DueSource{s.plans},
	}
	s.pw = newPortalWeb(s)
	s.pw.feeds = s.portalFeeds()
	s.m = newMetrics(db)
	s.registerRoutes()
	return s
}

// RegisterJobs registers the background work of every domain with the
// runner: the handlers of one-off jobs (thumbnails, exports) and the
// periodic tasks (reminders, digests; see jobs.Runner.Every and Daily).
// Each domain adds its own line here.
func (s *Server) RegisterJobs(r *jobs.Runner) {
	s.activity.RegisterJobs(r) // activities: thumbnails, XLSX exports
	// The reminders run before the 07:00 digest, so that the day's digest mail carries them.
	r.Daily("calendar-reminders", 6*time.Hour+30*time.Minute, viet.Zone, s.cal.RemindJob) // calendar: reminders before deadlines units must meet
	r.Every(selection.KindReminders, time.Hour, s.sel.RemindJob)                          // selection: reminders before the pipeline's deadlines
	r.Daily(notify.KindDigest, 7*time.Hour, viet.Zone, s.notes.DigestJob)                 // notify: one digest mail a day per user, at 07:00
}

// Routes returns every registered route, sorted.
func (s *Server) Routes() []Route {
	out := append([]Route(nil), s.routes...)
	sort.Slice(out, func(i, j int) bool { return out[i].Pattern() < out[j].Pattern() })
	return out
}

// handle registers h at pattern "METHOD /path" with its access level.
func (s *Server) handle(pattern string, access Access, summary string, h http.HandlerFunc) {
	method, path, _ := strings.Cut(pattern, " ")
	s.routes = append(s.routes, Route{Method: method, Path: path, Access: access, Summary: summary})
	s.mux.Handle(pattern, s.m.instrument(pattern, s.guard(access, path, h)))
}

// Handler is the whole HTTP handler with middleware.
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, errCrossOrigin)
	}))
	return s.recoverer(s.securityHeaders(cop.Handler(s.session(s.mux))))
}

// PurgeLoop deletes lapsed sessions now and then until ctx ends.
func (s *Server) PurgeLoop(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if err := s.accounts.PurgeExpired(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("purge sessions", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
