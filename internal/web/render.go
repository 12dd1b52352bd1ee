package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/errs"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

//go:embed all:templates static
var assets embed.FS

// staticFiles maps a file name under static/ to its content-hashed URL.
var staticFiles = map[string]string{}

func init() {
	entries, _ := fs.ReadDir(assets, "static")
	for _, e := range entries {
		b, _ := assets.ReadFile("static/" + e.Name())
		h := sha256.Sum256(b)
		staticFiles[e.Name()] = "/static/" + hex.EncodeToString(h[:6]) + "/" + e.Name()
	}
}

func assetURL(name string) string {
	if u, ok := staticFiles[name]; ok {
		return u
	}
	return "/static/missing/" + name
}

// serveStatic serves embedded assets under their hashed URLs, cached for a year.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := path.Base(r.URL.Path)
	if staticFiles[name] != r.URL.Path {
		http.NotFound(w, r)
		return
	}
	b, err := assets.ReadFile("static/" + name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

type templates struct{ pages map[string]*template.Template }

var funcs = template.FuncMap{
	"asset": assetURL,
	"date":  func(t time.Time) string { return viet.ShortDate(t) },
	"datep": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return viet.ShortDate(*t)
	},
	"isodate": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format("2006-01-02")
	},
	"datetime": viet.DateTime,
	"datetimep": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return viet.DateTime(*t)
	},
	"longdate":   viet.Date,
	"num":        func(n int) string { return viet.Int(int64(n)) },
	"kindLabel":  func(k unit.Kind) string { return k.Label() },
	"roleLabel":  func(r access.Role) string { return r.Label() },
	"levelLabel": unit.LevelLabel,
	"kinds":      func() []unit.Kind { return unit.Kinds },
	"roles":      func() []access.Role { return access.Roles },
	"levels":     func() []string { return unit.Levels },
	"has": func(list []string, v string) bool {
		for _, x := range list {
			if x == v {
				return true
			}
		}
		return false
	},
	// depth is a CSS class for tree indentation (inline styles are barred by the CSP).
	"depth":  func(d int) string { return "d" + strconv.Itoa(min(max(d, 0), 9)) },
	"add":    func(a, b int) int { return a + b },
	"policy": func() string { return account.PolicyText },
	"field":  func(p *page, name string) fieldRef { return fieldRef{Errors: p.Errors, Field: name} },
	"inv": func(p *page, name string) template.HTMLAttr {
		if _, ok := p.Errors[name]; ok {
			return template.HTMLAttr(`aria-invalid="true" aria-describedby="err-` + template.HTMLEscapeString(name) + `"`)
		}
		return ""
	},
	"sel": func(cond bool) template.HTMLAttr {
		if cond {
			return "selected"
		}
		return ""
	},
	"chk": func(cond bool) template.HTMLAttr {
		if cond {
			return "checked"
		}
		return ""
	},
	"idstr": func(id int64) string { return strconv.FormatInt(id, 10) },
}

// fieldRef is what the "err" partial receives.
type fieldRef struct {
	Errors map[string]string
	Field  string
}

func mustTemplates() *templates {
	base := template.Must(template.New("").Funcs(funcs).ParseFS(assets, "templates/_*.html"))
	pages, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		panic(err)
	}
	t := &templates{pages: map[string]*template.Template{}}
	for _, p := range pages {
		name := strings.TrimSuffix(path.Base(p), ".html")
		if strings.HasPrefix(name, "_") {
			continue
		}
		t.pages[name] = template.Must(template.Must(base.Clone()).ParseFS(assets, p))
	}
	return t
}

// page is what every template receives.
type page struct {
	Title   string
	Section string // highlighted navigation entry
	Sess    *account.Session
	CSRF    string
	Flash   string
	Error   string            // a message above the form
	Errors  map[string]string // per-field messages
	Form    url.Values        // submitted values, to re-display
	Data    any
	Unread  int // the caller's unread notifications (the bell)
}

// Can reports whether the caller holds any of roles anywhere (for menus).
func (p *page) Can(roles ...string) bool {
	if p.Sess == nil {
		return false
	}
	rs := make([]access.Role, len(roles))
	for i, r := range roles {
		rs[i] = access.Role(r)
	}
	return p.Sess.Scope.HasAny(rs...)
}

// SystemAdmin reports whether the caller administers the whole system.
func (p *page) SystemAdmin() bool { return p.Sess != nil && p.Sess.Scope.IsSystemAdmin() }

// Value returns the submitted value of a form field.
func (p *page) Value(name string) string { return p.Form.Get(name) }

// render writes a page with status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	t, ok := s.tmpl.pages[name]
	if !ok {
		s.fail(w, r, errs.Wrap(fmt.Errorf("no template %q", name), "web: render"))
		return
	}
	p.Sess = sessionOf(r)
	if p.Sess != nil {
		p.CSRF = p.Sess.CSRF
		p.Unread = s.unreadCount(r)
	}
	if p.Flash == "" {
		p.Flash = takeFlash(w, r)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("render", "template", name, "err", err)
		http.Error(w, "Lỗi hiển thị trang.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// flash messages travel in a short-lived cookie across a redirect.
const flashCookie = "thidua_flash"

func (s *Server) flash(w http.ResponseWriter, msg string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(msg), Path: "/", HttpOnly: true,
		Secure: s.opt.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: 60})
}

func takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1})
	msg, _ := url.QueryUnescape(c.Value)
	return msg
}

// redirect sends the browser to target after a successful POST, with a flash.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, target, msg string) {
	if msg != "" {
		s.flash(w, msg)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// status maps an error code to its HTTP status: the one place that does.
func status(code errs.Code) int {
	switch code {
	case errs.Invalid:
		return http.StatusUnprocessableEntity
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.Conflict:
		return http.StatusConflict
	case errs.Unauthorized:
		return http.StatusUnauthorized
	case errs.TooLarge:
		return http.StatusRequestEntityTooLarge
	case errs.TooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

var titles = map[int]string{
	400: "Yêu cầu không hợp lệ", 401: "Chưa đăng nhập", 403: "Không có quyền", 404: "Không tìm thấy",
	409: "Xung đột dữ liệu", 413: "Tệp quá lớn", 422: "Dữ liệu chưa hợp lệ", 429: "Quá nhiều yêu cầu", 500: "Lỗi hệ thống",
}

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type   string            `json:"type"`
	Title  string            `json:"title"`
	Status int               `json:"status"`
	Detail string            `json:"detail"`
	Errors map[string]string `json:"errors,omitempty"`
}

// fail answers with the error: problem+json for the API, a page otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = errs.E(errs.TooLarge, fmt.Sprintf("Dữ liệu gửi lên vượt quá giới hạn %d MB.", mbe.Limit>>20))
	}
	code := errs.CodeOf(err)
	st := status(code)
	if st == http.StatusInternalServerError {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	msg := errs.MessageOf(err)
	if isAPI(r) {
		w.Header().Set("Content-Type", "application/problem+json")
		if st == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="thidua"`)
		}
		w.WriteHeader(st)
		json.NewEncoder(w).Encode(Problem{Type: "about:blank", Title: titles[st], Status: st, Detail: msg, Errors: errs.FieldsOf(err)})
		return
	}
	s.render(w, r, st, "error", &page{Title: titles[st], Error: msg, Data: st})
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// readJSON decodes the request body into v, refusing unknown fields.
func readJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errs.E(errs.TooLarge, "Dữ liệu gửi lên quá lớn.")
		}
		return errs.E(errs.Invalid, "Dữ liệu JSON không hợp lệ: "+err.Error())
	}
	return nil
}

// pathID parses the {name} path value as a positive id, or fails with 404.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.ErrNotFound
	}
	return id, nil
}

// formInt reads an integer form field (0 when empty or malformed).
func formInt(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(r.FormValue(name)), 10, 64)
	return n
}

// queryInt reads an integer query parameter with a default.
func queryInt(r *http.Request, name string, def int) int {
	n, err := strconv.Atoi(r.URL.Query().Get(name))
	if err != nil {
		return def
	}
	return n
}
