package web

import (
	"net/http"
	"net/url"
	"time"

	"thidua/internal/audit"
	"thidua/internal/viet"
)

// auditFilter reads the audit log filter from the query string; the unit
// filter takes a unit code and is resolved within the caller's scope.
func (s *Server) auditFilter(r *http.Request) (audit.Filter, error) {
	q := r.URL.Query()
	f := audit.Filter{Actor: q.Get("actor"), ObjectType: q.Get("object"), Action: q.Get("action"), Query: q.Get("q")}
	if d, ok := viet.ParseDate(q.Get("from")); ok {
		f.From = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, viet.Zone)
	}
	if d, ok := viet.ParseDate(q.Get("to")); ok {
		f.To = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, viet.Zone).AddDate(0, 0, 1)
	}
	if code := q.Get("unit"); code != "" {
		u, err := s.units.ByCode(r.Context(), scope(r), code)
		if err != nil {
			return f, err
		}
		f.UnitPath = u.Path
	}
	return f, nil
}

type auditData struct {
	Entries []audit.Entry
	Query   url.Values
	Page    pager
}

func (s *Server) auditList(w http.ResponseWriter, r *http.Request) {
	f, err := s.auditFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := newPager(r, 50)
	f.Limit, f.Offset = pg.Size, pg.Offset()
	entries, total, err := audit.List(r.Context(), s.db, scope(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "audit", &page{Title: "Nhật ký thay đổi", Section: "audit",
		Data: auditData{Entries: entries, Query: r.URL.Query(), Page: pg.With(total, r)}})
}
