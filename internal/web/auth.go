package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/errs"
	"thidua/internal/jobs"
)

var errNotFoundPage = errs.E(errs.NotFound, "Không tìm thấy trang bạn yêu cầu.")

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.db.Ping(r.Context()); err != nil {
		s.log.Warn("readyz", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return
	}
	w.Write([]byte("ok\n"))
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/"
	}
	// Browsers drop tabs and newlines from URLs, so "/\t/evil" would become "//evil".
	for i := 0; i < len(next); i++ {
		if next[i] < 0x20 || next[i] == 0x7f {
			return "/"
		}
	}
	return next
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if sessionOf(r) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", &page{Title: "Đăng nhập", Form: url.Values{"next": {r.URL.Query().Get("next")}}})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, errs.E(errs.Invalid, "Biểu mẫu không hợp lệ."))
		return
	}
	username, password := r.PostFormValue("username"), r.PostFormValue("password")
	p := &page{Title: "Đăng nhập", Form: url.Values{"username": {username}, "next": {r.PostFormValue("next")}}, Errors: map[string]string{}}
	if strings.TrimSpace(username) == "" {
		p.Errors["username"] = "Nhập tên đăng nhập."
	}
	if password == "" {
		p.Errors["password"] = "Nhập mật khẩu."
	}
	if len(p.Errors) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "login", p)
		return
	}
	id, err := s.accounts.Login(r.Context(), username, password, clientIP(r))
	if err != nil {
		if errs.CodeOf(err) == errs.Internal {
			s.fail(w, r, err)
			return
		}
		s.log.Info("login refused", "username", username, "ip", clientIP(r), "reason", errs.CodeOf(err))
		p.Error = errs.MessageOf(err)
		s.render(w, r, status(errs.CodeOf(err)), "login", p)
		return
	}
	token, err := s.accounts.NewSession(r.Context(), id, account.Web, clientIP(r), r.UserAgent())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("login", "username", username, "ip", clientIP(r))
	s.setCookie(w, token)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(SessionCookie); err == nil {
		if err := s.accounts.EndSession(r.Context(), c.Value); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.clearCookie(w)
	s.redirect(w, r, "/login", "Bạn đã đăng xuất.")
}

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request) {
	p := &page{Title: "Đổi mật khẩu", Section: "account"}
	if sessionOf(r).MustChange {
		p.Error = "Đây là lần đăng nhập đầu tiên hoặc mật khẩu vừa được đặt lại: vui lòng chọn mật khẩu mới để tiếp tục."
	}
	s.render(w, r, http.StatusOK, "password", p)
}

func (s *Server) passwordChange(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	current, next, again := r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("password2")
	p := &page{Title: "Đổi mật khẩu", Section: "account", Errors: map[string]string{}}
	if next != again {
		p.Errors["password2"] = "Hai lần nhập mật khẩu mới không khớp."
		s.render(w, r, http.StatusUnprocessableEntity, "password", p)
		return
	}
	c, _ := r.Cookie(SessionCookie)
	err := s.accounts.ChangeOwnPassword(r.Context(), sess.Scope, current, next, c.Value)
	if errs.Is(err, errs.Invalid) {
		p.Errors = errs.FieldsOf(err)
		s.render(w, r, http.StatusUnprocessableEntity, "password", p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/", "Đã đổi mật khẩu.")
}

// todo is one line of the home page's "việc cần làm".
type todo struct {
	Text string
	Link string
}

type homeData struct {
	Todos []todo
	Units int
	Users int
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	ctx, sc := r.Context(), scope(r)
	var d homeData
	var err error
	if d.Units, err = s.units.CountOpen(ctx, sc); err != nil {
		s.fail(w, r, err)
		return
	}
	if sc.HasAny(access.Admin) {
		_, d.Users, _ = s.accounts.List(ctx, sc, account.Filter{Limit: 1})
		if n, err := s.accounts.CountWithoutRole(ctx, sc); err == nil && n > 0 {
			d.Todos = append(d.Todos, todo{fmt.Sprintf("%d tài khoản đang hoạt động chưa được cấp vai trò nào (đăng nhập được nhưng chưa xem được gì).", n), "/users"})
		}
	}
	d.Todos = append(d.Todos, s.selectionTodos(r)...)
	d.Todos = append(d.Todos, s.planTodos(r)...)
	d.Todos = append(d.Todos, s.portalTodos(r)...)
	if sc.IsSystemAdmin() {
		if _, n, err := s.jobs.List(ctx, sc, string(jobs.Failed), 1, 0); err == nil && n > 0 {
			d.Todos = append(d.Todos, todo{fmt.Sprintf("%d tác vụ nền bị lỗi cần xem lại.", n), "/admin/jobs?status=failed"})
		}
	}
	s.render(w, r, http.StatusOK, "home", &page{Title: "Trang chủ", Section: "home", Data: d})
}
