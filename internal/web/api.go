package web

import (
	"net/http"
	"strconv"
	"time"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/audit"
	"thidua/internal/errs"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// registerAPI adds the JSON API under /api/v1. Every route here must have an
// entry in apiDocs (the OpenAPI document); a test keeps the two in step.
func (s *Server) registerAPI() {
	s.handle("GET /api/v1/openapi.json", Public, "Tài liệu OpenAPI", s.apiOpenAPI)
	s.handle("POST /api/v1/tokens", Public, "Tạo mã truy cập", s.apiTokenCreate)
	s.handle("DELETE /api/v1/tokens/current", PasswordStale, "Thu hồi mã truy cập đang dùng", s.apiTokenDelete)
	s.handle("GET /api/v1/me", PasswordStale, "Tài khoản đang đăng nhập", s.apiMe)

	s.handle("GET /api/v1/units", LoggedIn, "Danh sách đơn vị", s.apiUnitList)
	s.handle("POST /api/v1/units", LoggedIn, "Thêm đơn vị", s.apiUnitCreate)
	s.handle("GET /api/v1/units/{id}", LoggedIn, "Xem đơn vị", s.apiUnitGet)
	s.handle("PUT /api/v1/units/{id}", LoggedIn, "Sửa đơn vị", s.apiUnitUpdate)
	s.handle("POST /api/v1/units/{id}/move", LoggedIn, "Chuyển đơn vị", s.apiUnitMove)
	s.handle("POST /api/v1/units/{id}/close", LoggedIn, "Kết thúc hoạt động đơn vị", s.apiUnitClose)

	s.handle("GET /api/v1/users", LoggedIn, "Danh sách tài khoản", s.apiUserList)
	s.handle("POST /api/v1/users", LoggedIn, "Thêm tài khoản", s.apiUserCreate)
	s.handle("GET /api/v1/users/{id}", LoggedIn, "Xem tài khoản", s.apiUserGet)
	s.handle("PUT /api/v1/users/{id}", LoggedIn, "Sửa tài khoản", s.apiUserUpdate)
	s.handle("POST /api/v1/users/{id}/active", LoggedIn, "Khóa hoặc mở tài khoản", s.apiUserActive)
	s.handle("POST /api/v1/users/{id}/password", LoggedIn, "Đặt lại mật khẩu", s.apiUserPassword)
	s.handle("GET /api/v1/users/{id}/roles", LoggedIn, "Vai trò của tài khoản", s.apiRoleList)
	s.handle("POST /api/v1/users/{id}/roles", LoggedIn, "Cấp vai trò", s.apiRoleGrant)
	s.handle("DELETE /api/v1/users/{id}/roles/{grant}", LoggedIn, "Thu hồi vai trò", s.apiRoleRevoke)

	s.handle("GET /api/v1/audit", LoggedIn, "Nhật ký thay đổi", s.apiAudit)
	s.registerAPIExtra()
}

// list is the envelope of every API listing.
type list[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

// listOf starts an empty listing (items encode as [], never null).
func listOf[T any](total int) list[T] { return list[T]{Items: []T{}, Total: total} }

func limitOffset(r *http.Request, def int) (int, int) {
	l, o := queryInt(r, "limit", def), queryInt(r, "offset", 0)
	if l <= 0 || l > 1000 {
		l = def
	}
	if o < 0 {
		o = 0
	}
	return l, o
}

// --- tokens and the caller

type tokenRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type tokenResponse struct {
	Token     string `json:"token"`
	ExpiresIn int    `json:"expires_in"`
}

func (s *Server) apiTokenCreate(w http.ResponseWriter, r *http.Request) {
	var in tokenRequest
	if err := readJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := s.accounts.Login(r.Context(), in.Username, in.Password, clientIP(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	token, err := s.accounts.NewSession(r.Context(), id, account.API, clientIP(r), r.UserAgent())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, tokenResponse{Token: token, ExpiresIn: int(account.APIIdle.Seconds())})
}

func (s *Server) apiTokenDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.accounts.EndSession(r.Context(), bearer(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type grantJSON struct {
	ID       int64       `json:"id"`
	UnitID   int64       `json:"unit_id"`
	UnitName string      `json:"unit_name"`
	Role     access.Role `json:"role"`
}

func grantsJSON(gs []access.Grant) []grantJSON {
	out := make([]grantJSON, len(gs))
	for i, g := range gs {
		out[i] = grantJSON{ID: g.ID, UnitID: g.UnitID, UnitName: g.UnitName, Role: g.Role}
	}
	return out
}

type meJSON struct {
	ID                 int64       `json:"id"`
	Username           string      `json:"username"`
	FullName           string      `json:"full_name"`
	UnitID             int64       `json:"unit_id"`
	UnitName           string      `json:"unit_name"`
	MustChangePassword bool        `json:"must_change_password"`
	Roles              []grantJSON `json:"roles"`
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	ss := sessionOf(r)
	writeJSON(w, http.StatusOK, meJSON{ID: ss.Scope.UserID, Username: ss.Username, FullName: ss.FullName, UnitID: ss.Scope.UnitID,
		UnitName: ss.UnitName, MustChangePassword: ss.MustChange, Roles: grantsJSON(ss.Scope.Grants)})
}

// --- units

type unitJSON struct {
	ID         int64     `json:"id"`
	ParentID   int64     `json:"parent_id"`
	Kind       unit.Kind `json:"kind"`
	Code       string    `json:"code"`
	Name       string    `json:"name"`
	ShortName  string    `json:"short_name"`
	Levels     []string  `json:"levels"`
	RunsRounds bool      `json:"runs_rounds"`
	ValidFrom  *string   `json:"valid_from"`
	ValidTo    *string   `json:"valid_to"`
	Depth      int       `json:"depth"`
	Version    int       `json:"version"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// isoDate writes an optional date as "2006-01-02", or null.
func isoDate(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format("2006-01-02")
	return &s
}

func toUnitJSON(u unit.Unit) unitJSON {
	lv := u.Levels
	if lv == nil {
		lv = []string{}
	}
	return unitJSON{ID: u.ID, ParentID: u.ParentID, Kind: u.Kind, Code: u.Code, Name: u.Name, ShortName: u.ShortName, Levels: lv, RunsRounds: u.RunsRounds,
		ValidFrom: isoDate(u.ValidFrom), ValidTo: isoDate(u.ValidTo), Depth: u.Depth, Version: u.Version, UpdatedAt: u.UpdatedAt}
}

// unitBody is the request body for creating and editing a unit.
type unitBody struct {
	Version    int       `json:"version"`
	ParentID   int64     `json:"parent_id"`
	Kind       unit.Kind `json:"kind"`
	Code       string    `json:"code"`
	Name       string    `json:"name"`
	ShortName  string    `json:"short_name"`
	Levels     []string  `json:"levels"`
	RunsRounds bool      `json:"runs_rounds"`
	ValidFrom  string    `json:"valid_from"`
	ValidTo    string    `json:"valid_to"`
}

func (b unitBody) input() (unit.Input, error) {
	f := errs.Fields{}
	in := unit.Input{ParentID: b.ParentID, Kind: b.Kind, Code: b.Code, Name: b.Name, ShortName: b.ShortName, Levels: b.Levels, RunsRounds: b.RunsRounds,
		ValidFrom: parseDate(b.ValidFrom, "valid_from", f), ValidTo: parseDate(b.ValidTo, "valid_to", f)}
	return in, f.Err()
}

func (s *Server) apiUnitList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := unit.Filter{Query: q.Get("q"), Kind: unit.Kind(q.Get("kind")), Level: q.Get("level"), WithClosed: q.Get("closed") == "1"}
	f.Limit, f.Offset = limitOffset(r, 200)
	f.Under, _ = strconv.ParseInt(q.Get("under"), 10, 64)
	if v := q.Get("on"); v != "" {
		d, ok := viet.ParseDate(v)
		if !ok {
			s.fail(w, r, errs.InvalidField("on", "Ngày không hợp lệ; dùng dạng 2025-06-30."))
			return
		}
		f.ActiveOn = &d
	}
	units, total, err := s.units.List(r.Context(), scope(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := list[unitJSON]{Items: make([]unitJSON, len(units)), Total: total}
	for i, u := range units {
		out.Items[i] = toUnitJSON(u)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiUnitGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.units.Get(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toUnitJSON(u))
}

func (s *Server) apiUnitCreate(w http.ResponseWriter, r *http.Request) {
	var b unitBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := b.input()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.units.Create(r.Context(), scope(r), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/units/"+strconv.FormatInt(u.ID, 10))
	writeJSON(w, http.StatusCreated, toUnitJSON(u))
}

// unitChange decodes a body and runs a versioned change on the unit {id}.
func (s *Server) unitChange(w http.ResponseWriter, r *http.Request, fn func(id int64, b unitBody) (unit.Unit, error)) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b unitBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	if b.Version <= 0 {
		s.fail(w, r, errs.InvalidField("version", "Thiếu số phiên bản (version) của đơn vị đã đọc."))
		return
	}
	u, err := fn(id, b)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toUnitJSON(u))
}

func (s *Server) apiUnitUpdate(w http.ResponseWriter, r *http.Request) {
	s.unitChange(w, r, func(id int64, b unitBody) (unit.Unit, error) {
		in, err := b.input()
		if err != nil {
			return unit.Unit{}, err
		}
		return s.units.Update(r.Context(), scope(r), id, b.Version, in)
	})
}

func (s *Server) apiUnitMove(w http.ResponseWriter, r *http.Request) {
	s.unitChange(w, r, func(id int64, b unitBody) (unit.Unit, error) {
		return s.units.Move(r.Context(), scope(r), id, b.Version, b.ParentID)
	})
}

func (s *Server) apiUnitClose(w http.ResponseWriter, r *http.Request) {
	s.unitChange(w, r, func(id int64, b unitBody) (unit.Unit, error) {
		d, ok := viet.ParseDate(b.ValidTo)
		if !ok {
			return unit.Unit{}, errs.InvalidField("valid_to", "Nhập ngày kết thúc hoạt động (valid_to), dạng 2025-06-30.")
		}
		return s.units.Close(r.Context(), scope(r), id, b.Version, d)
	})
}

// --- users and roles

type userJSON struct {
	ID                 int64       `json:"id"`
	Username           string      `json:"username"`
	Ho                 string      `json:"ho"`
	Dem                string      `json:"dem"`
	Ten                string      `json:"ten"`
	FullName           string      `json:"full_name"`
	Email              string      `json:"email"`
	Phone              string      `json:"phone"`
	Position           string      `json:"position"`
	UnitID             int64       `json:"unit_id"`
	UnitName           string      `json:"unit_name"`
	Active             bool        `json:"active"`
	MustChangePassword bool        `json:"must_change_password"`
	Version            int         `json:"version"`
	CreatedAt          time.Time   `json:"created_at"`
	LastLoginAt        *time.Time  `json:"last_login_at"`
	Roles              []grantJSON `json:"roles,omitempty"`
}

func toUserJSON(u account.User) userJSON {
	return userJSON{ID: u.ID, Username: u.Username, Ho: u.Ho, Dem: u.Dem, Ten: u.Ten, FullName: u.FullName(), Email: u.Email,
		Phone: u.Phone, Position: u.Position, UnitID: u.UnitID, UnitName: u.UnitName, Active: u.Active,
		MustChangePassword: u.MustChangePassword, Version: u.Version, CreatedAt: u.CreatedAt, LastLoginAt: u.LastLoginAt,
		Roles: grantsJSON(u.Roles)}
}

type userBody struct {
	Version            int    `json:"version"`
	Username           string `json:"username"`
	Ho                 string `json:"ho"`
	Dem                string `json:"dem"`
	Ten                string `json:"ten"`
	Email              string `json:"email"`
	Phone              string `json:"phone"`
	Position           string `json:"position"`
	UnitID             int64  `json:"unit_id"`
	Password           string `json:"password"`
	MustChangePassword *bool  `json:"must_change_password"`
	Active             *bool  `json:"active"`
}

func (b userBody) profile() account.Profile {
	return account.Profile{Username: b.Username, Ho: b.Ho, Dem: b.Dem, Ten: b.Ten, Email: b.Email, Phone: b.Phone, Position: b.Position, UnitID: b.UnitID}
}

func (s *Server) apiUserList(w http.ResponseWriter, r *http.Request) {
	sc := scope(r)
	if !sc.HasAny(access.Admin) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	q := r.URL.Query()
	f := account.Filter{Query: q.Get("q"), Role: access.Role(q.Get("role"))}
	if v := q.Get("active"); v != "" {
		a := v == "1" || v == "true"
		f.Active = &a
	}
	if id, _ := strconv.ParseInt(q.Get("unit_id"), 10, 64); id > 0 {
		u, err := s.units.Get(r.Context(), sc, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		f.UnitPath = u.Path
	}
	f.Limit, f.Offset = limitOffset(r, 50)
	users, total, err := s.accounts.List(r.Context(), sc, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := list[userJSON]{Items: make([]userJSON, len(users)), Total: total}
	for i, u := range users {
		out.Items[i] = toUserJSON(u)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiUserGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.accounts.Get(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toUserJSON(u))
}

func (s *Server) apiUserCreate(w http.ResponseWriter, r *http.Request) {
	var b userBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	must := true
	if b.MustChangePassword != nil {
		must = *b.MustChangePassword
	}
	if b.Password == "" {
		s.fail(w, r, errs.InvalidField("password", "Nhập mật khẩu ban đầu."))
		return
	}
	u, err := s.accounts.Create(r.Context(), scope(r), b.profile(), b.Password, must)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/users/"+strconv.FormatInt(u.ID, 10))
	writeJSON(w, http.StatusCreated, toUserJSON(u))
}

// userChange decodes a body and runs a change on the user {id}.
func (s *Server) userChange(w http.ResponseWriter, r *http.Request, needVersion bool, fn func(id int64, b userBody) (account.User, error)) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b userBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	if needVersion && b.Version <= 0 {
		s.fail(w, r, errs.InvalidField("version", "Thiếu số phiên bản (version) của tài khoản đã đọc."))
		return
	}
	u, err := fn(id, b)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toUserJSON(u))
}

func (s *Server) apiUserUpdate(w http.ResponseWriter, r *http.Request) {
	s.userChange(w, r, true, func(id int64, b userBody) (account.User, error) {
		return s.accounts.Update(r.Context(), scope(r), id, b.Version, b.profile())
	})
}

func (s *Server) apiUserActive(w http.ResponseWriter, r *http.Request) {
	s.userChange(w, r, true, func(id int64, b userBody) (account.User, error) {
		if b.Active == nil {
			return account.User{}, errs.InvalidField("active", "Cho biết active là true (mở) hay false (khóa).")
		}
		return s.accounts.SetActive(r.Context(), scope(r), id, b.Version, *b.Active)
	})
}

func (s *Server) apiUserPassword(w http.ResponseWriter, r *http.Request) {
	s.userChange(w, r, false, func(id int64, b userBody) (account.User, error) {
		return s.accounts.ResetPassword(r.Context(), scope(r), id, b.Password)
	})
}

func (s *Server) apiRoleList(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.accounts.Get(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[grantJSON]{Items: grantsJSON(u.Roles), Total: len(u.Roles)})
}

type grantBody struct {
	UnitID int64       `json:"unit_id"`
	Role   access.Role `json:"role"`
}

func (s *Server) apiRoleGrant(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b grantBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	g, err := s.accounts.Grant(r.Context(), scope(r), id, b.UnitID, b.Role)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, grantsJSON([]access.Grant{g})[0])
}

func (s *Server) apiRoleRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	grant, err := pathID(r, "grant")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.accounts.Revoke(r.Context(), scope(r), id, grant); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// --- audit

type auditJSON struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"`
	UnitID     int64     `json:"unit_id"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Summary    string    `json:"summary"`
	Before     string    `json:"before"`
	After      string    `json:"after"`
	Hash       string    `json:"hash"`
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) {
	f, err := s.auditFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.Limit, f.Offset = limitOffset(r, 50)
	entries, total, err := audit.List(r.Context(), s.db, scope(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := list[auditJSON]{Items: make([]auditJSON, len(entries)), Total: total}
	for i, e := range entries {
		out.Items[i] = auditJSON{ID: e.ID, At: e.At, Actor: e.Actor, UnitID: e.UnitID, Action: e.Action, ObjectType: e.ObjectType,
			ObjectID: e.ObjectID, Summary: e.Summary, Before: e.Before, After: e.After, Hash: e.Hash}
	}
	writeJSON(w, http.StatusOK, out)
}
