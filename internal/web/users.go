package web

import (
	"net/http"
	"net/url"
	"strconv"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/errs"
	"thidua/internal/unit"
)

func profileInput(r *http.Request) account.Profile {
	return account.Profile{
		Username: r.PostFormValue("username"),
		Ho:       r.PostFormValue("ho"),
		Dem:      r.PostFormValue("dem"),
		Ten:      r.PostFormValue("ten"),
		Email:    r.PostFormValue("email"),
		Phone:    r.PostFormValue("phone"),
		Position: r.PostFormValue("position"),
		UnitID:   formInt(r, "unit_id"),
	}
}

// adminUnits lists the open units the caller administers (account pickers).
func (s *Server) adminUnits(r *http.Request) []unit.Unit {
	sc := scope(r)
	all, _, err := s.units.List(r.Context(), sc, unit.Filter{})
	if err != nil {
		return nil
	}
	out := all[:0]
	for _, u := range all {
		if sc.Has(u.Path, access.Admin) {
			out = append(out, u)
		}
	}
	return out
}

type userListData struct {
	Users []account.User
	Query url.Values
	Page  pager
}

func (s *Server) userList(w http.ResponseWriter, r *http.Request) {
	sc := scope(r)
	if !sc.HasAny(access.Admin) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	q := r.URL.Query()
	f := account.Filter{Query: q.Get("q"), Role: access.Role(q.Get("role"))}
	switch q.Get("active") {
	case "1":
		t := true
		f.Active = &t
	case "0":
		t := false
		f.Active = &t
	}
	if id, _ := strconv.ParseInt(q.Get("unit"), 10, 64); id > 0 {
		u, err := s.units.Get(r.Context(), sc, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		f.UnitPath = u.Path
	}
	pg := newPager(r, 50)
	f.Limit, f.Offset = pg.Size, pg.Offset()
	users, total, err := s.accounts.List(r.Context(), sc, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "users", &page{Title: "Tài khoản", Section: "users",
		Data: userListData{Users: users, Query: q, Page: pg.With(total, r)}})
}

type userFormData struct {
	Units    []unit.Unit
	Password string
}

func (s *Server) userNew(w http.ResponseWriter, r *http.Request) {
	if !scope(r).HasAny(access.Admin) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	form := url.Values{"unit_id": {r.URL.Query().Get("unit")}, "role": {string(access.Staff)}, "must_change": {"1"}}
	s.render(w, r, http.StatusOK, "user_new", &page{Title: "Thêm tài khoản", Section: "users", Form: form,
		Data: userFormData{Units: s.adminUnits(r), Password: account.RandomPassword()}})
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) {
	sc := scope(r)
	p := profileInput(r)
	pw := r.PostFormValue("password")
	role := access.Role(r.PostFormValue("role"))
	var u account.User
	err := func() error {
		if role != "" && !role.Valid() {
			return errs.InvalidField("role", "Vai trò không hợp lệ.")
		}
		var err error
		if u, err = s.accounts.Create(r.Context(), sc, p, pw, r.PostFormValue("must_change") == "1"); err != nil {
			return err
		}
		if role != "" {
			_, err = s.accounts.Grant(r.Context(), sc, u.ID, u.UnitID, role)
		}
		return err
	}()
	if fields := errs.FieldsOf(err); fields != nil {
		s.render(w, r, status(errs.CodeOf(err)), "user_new", &page{Title: "Thêm tài khoản", Section: "users", Form: r.PostForm,
			Errors: fields, Error: errs.MessageOf(err), Data: userFormData{Units: s.adminUnits(r), Password: pw}})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/users/"+strconv.FormatInt(u.ID, 10), "Đã tạo tài khoản "+u.Username+".")
}

type userViewData struct {
	User      account.User
	Units     []unit.Unit
	CanManage bool
	Password  string
}

func (s *Server) userView(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderUser(w, r, id, http.StatusOK, &page{})
}

func userForm(u account.User) url.Values {
	return url.Values{"username": {u.Username}, "ho": {u.Ho}, "dem": {u.Dem}, "ten": {u.Ten}, "email": {u.Email},
		"phone": {u.Phone}, "position": {u.Position}, "unit_id": {strconv.FormatInt(u.UnitID, 10)}, "version": {strconv.Itoa(u.Version)}}
}

func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, id int64, st int, p *page) {
	sc := scope(r)
	u, err := s.accounts.Get(r.Context(), sc, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := userViewData{User: u, CanManage: sc.Has(u.UnitPath, access.Admin), Password: account.RandomPassword()}
	if d.CanManage {
		d.Units = s.adminUnits(r)
	}
	if p.Form == nil {
		p.Form = userForm(u)
	} else {
		p.Form.Set("version", strconv.Itoa(u.Version))
	}
	p.Title, p.Section, p.Data = u.FullName(), "users", d
	s.render(w, r, st, "user", p)
}

// userAction runs a change on a user and answers with the user page: a
// redirect with msg on success, the page with the messages on bad input.
func (s *Server) userAction(w http.ResponseWriter, r *http.Request, msg string, fn func(id int64) error) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = fn(id)
	if errs.FieldsOf(err) != nil || errs.Is(err, errs.Conflict) || errs.Is(err, errs.Invalid) {
		form := r.PostForm
		if r.PostFormValue("ten") == "" {
			form = nil
		}
		s.renderUser(w, r, id, status(errs.CodeOf(err)), &page{Error: errs.MessageOf(err), Errors: errs.FieldsOf(err), Form: form})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/users/"+strconv.FormatInt(id, 10), msg)
}

func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) {
	s.userAction(w, r, "Đã lưu thay đổi.", func(id int64) error {
		_, err := s.accounts.Update(r.Context(), scope(r), id, int(formInt(r, "version")), profileInput(r))
		return err
	})
}

func (s *Server) userActive(w http.ResponseWriter, r *http.Request) {
	active := r.PostFormValue("active") == "1"
	msg := "Đã khóa tài khoản; mọi phiên đăng nhập của tài khoản đã kết thúc."
	if active {
		msg = "Đã mở lại tài khoản."
	}
	s.userAction(w, r, msg, func(id int64) error {
		_, err := s.accounts.SetActive(r.Context(), scope(r), id, int(formInt(r, "version")), active)
		return err
	})
}

// userPassword resets a password and shows the new one on the page itself
// (never in a cookie or a URL) for the administrator to pass on.
func (s *Server) userPassword(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pw := r.PostFormValue("password")
	_, err = s.accounts.ResetPassword(r.Context(), scope(r), id, pw)
	if errs.FieldsOf(err) != nil || errs.Is(err, errs.Invalid) {
		s.renderUser(w, r, id, status(errs.CodeOf(err)), &page{Error: errs.MessageOf(err), Errors: errs.FieldsOf(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderUser(w, r, id, http.StatusOK, &page{Flash: "Đã đặt lại mật khẩu thành: " + pw + " — hãy gửi riêng cho người dùng; họ sẽ phải đổi mật khẩu khi đăng nhập."})
}

func (s *Server) userGrant(w http.ResponseWriter, r *http.Request) {
	s.userAction(w, r, "Đã cấp vai trò.", func(id int64) error {
		_, err := s.accounts.Grant(r.Context(), scope(r), id, formInt(r, "role_unit_id"), access.Role(r.PostFormValue("role")))
		return err
	})
}

func (s *Server) userRevoke(w http.ResponseWriter, r *http.Request) {
	grant, err := pathID(r, "grant")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.userAction(w, r, "Đã thu hồi vai trò.", func(id int64) error {
		return s.accounts.Revoke(r.Context(), scope(r), id, grant)
	})
}
