package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/errs"
)

// SessionCookie names the browser session cookie.
const SessionCookie = "thidua_session"

type ctxKey int

const sessionKey ctxKey = iota

// sessionOf returns the caller's session, nil for the anonymous public.
func sessionOf(r *http.Request) *account.Session {
	s, _ := r.Context().Value(sessionKey).(*account.Session)
	return s
}

// scope returns the caller's access scope (empty for the public).
func scope(r *http.Request) access.Scope {
	if s := sessionOf(r); s != nil {
		return s.Scope
	}
	return access.Scope{}
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// bearer returns the token of an "Authorization: Bearer …" header.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// session resolves the caller once per request: the API by bearer token
// only, pages by the session cookie only.
func (s *Server) session(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sessionless(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		var token, kind string
		if isAPI(r) {
			token, kind = bearer(r), account.API
		} else if c, err := r.Cookie(SessionCookie); err == nil {
			token, kind = c.Value, account.Web
		}
		if token != "" {
			sess, err := s.accounts.Resolve(r.Context(), token, kind)
			switch {
			case err == nil:
				r = r.WithContext(context.WithValue(r.Context(), sessionKey, &sess))
			case errs.Is(err, errs.Unauthorized):
				if kind == account.Web {
					s.clearCookie(w)
				}
			default:
				s.fail(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// sessionless reports whether a path never needs the caller: assets and
// probes skip the session lookup.
func sessionless(path string) bool {
	return strings.HasPrefix(path, "/static/") || path == "/healthz" || path == "/readyz" || path == "/metrics"
}

var (
	errLogin       = errs.E(errs.Unauthorized, "Vui lòng đăng nhập để tiếp tục.")
	errCSRF        = errs.E(errs.Forbidden, "Phiên làm việc của biểu mẫu đã hết hạn. Vui lòng tải lại trang và thử lại.")
	errCrossOrigin = errs.E(errs.Forbidden, "Yêu cầu từ trang web khác bị từ chối.")
	errMustChange  = errs.E(errs.Forbidden, "Bạn cần đổi mật khẩu trước khi tiếp tục.")
)

// maxFormBody caps request bodies that are not uploads.
const maxFormBody = 1 << 20

// maxUploadBody caps upload requests: multipart forms, imports and the
// API's raw file uploads (paths ending in /files); the file store checks
// the file itself.
const maxUploadBody = 64 << 20

// guard enforces the route's access level and, for state-changing page
// requests, the CSRF token bound to the session.
func (s *Server) guard(acc Access, path string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Method != http.MethodGet && r.Method != http.MethodHead {
			limit := int64(maxFormBody)
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") || strings.Contains(path, "import") || strings.HasSuffix(path, "/files") {
				limit = maxUploadBody
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		if acc == Public {
			h(w, r)
			return
		}
		sess := sessionOf(r)
		if sess == nil {
			if isAPI(r) {
				s.fail(w, r, errLogin)
				return
			}
			next := r.URL.RequestURI()
			if r.Method != http.MethodGet {
				next = "/"
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		if !isAPI(r) && r.Method != http.MethodGet && r.Method != http.MethodHead {
			if !s.validCSRF(r, sess) {
				s.fail(w, r, errCSRF)
				return
			}
		}
		if sess.MustChange && acc != PasswordStale {
			if isAPI(r) {
				s.fail(w, r, errMustChange)
				return
			}
			http.Redirect(w, r, "/account/password", http.StatusSeeOther)
			return
		}
		h(w, r)
	}
}

func (s *Server) validCSRF(r *http.Request, sess *account.Session) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
			if err := r.ParseMultipartForm(8 << 20); err != nil {
				return false
			}
		}
		got = r.FormValue("csrf")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) == 1
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				s.fail(w, r, errs.Wrap(errors.New("panic"), "web"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		if s.opt.SecureCookies {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) setCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.opt.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int(account.WebIdle.Seconds()) * 14})
}

func (s *Server) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: s.opt.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// clientIP is the remote address without the port. Behind a proxy, run the
// proxy on the same host so the address is the proxy's: throttling then
// counts per proxy, which errs on the safe side.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
