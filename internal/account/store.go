package account

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"thidua/internal/access"
	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/viet"
)

// Store reads and writes accounts and roles, scoped by the caller: an
// administrator manages the accounts whose home unit lies in their subtree.
type Store struct{ DB *database.DB }

const userColumns = `u.id, u.username, u.ho, u.dem, u.ten, u.email, u.phone, u.position, u.unit_id, un.name, un.path,
	u.active, u.must_change_password, u.version, u.created_at, u.last_login_at`

const userFrom = ` FROM users u JOIN units un ON un.id = u.unit_id`

type scanner interface{ Scan(dest ...any) error }

func scanUser(s scanner) (User, error) {
	var u User
	var last sql.NullTime
	err := s.Scan(&u.ID, &u.Username, &u.Ho, &u.Dem, &u.Ten, &u.Email, &u.Phone, &u.Position, &u.UnitID, &u.UnitName, &u.UnitPath,
		&u.Active, &u.MustChangePassword, &u.Version, &u.CreatedAt, &last)
	if last.Valid {
		u.LastLoginAt = &last.Time
	}
	return u, err
}

func (s *Store) get(ctx context.Context, q database.Querier, id int64) (User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, "SELECT "+userColumns+userFrom+" WHERE u.id = $1", id))
	if err == sql.ErrNoRows {
		return u, errs.ErrNotFound
	}
	if err != nil {
		return u, errs.Wrap(err, "account: get")
	}
	return u, nil
}

// canManage reports whether the caller administers u.
func canManage(sc access.Scope, u User) bool { return sc.Has(u.UnitPath, access.Admin) }

// Get returns a user the caller administers, or the caller themself, with
// their roles.
func (s *Store) Get(ctx context.Context, sc access.Scope, id int64) (User, error) {
	u, err := s.get(ctx, s.DB.R, id)
	if err != nil {
		return u, err
	}
	if u.ID != sc.UserID && !canManage(sc, u) {
		return User{}, errs.ErrNotFound
	}
	u.Roles, err = Grants(ctx, s.DB.R, u.ID)
	return u, err
}

// ByUsername returns the user with username if the caller administers them.
func (s *Store) ByUsername(ctx context.Context, sc access.Scope, username string) (User, error) {
	var id int64
	err := s.DB.R.QueryRowContext(ctx, "SELECT id FROM users WHERE username = $1", strings.ToLower(strings.TrimSpace(username))).Scan(&id)
	if err == sql.ErrNoRows {
		return User{}, errs.ErrNotFound
	}
	if err != nil {
		return User{}, errs.Wrap(err, "account: by username")
	}
	return s.Get(ctx, sc, id)
}

// Grants returns the roles a user holds, with their units' paths.
func Grants(ctx context.Context, q database.Querier, userID int64) ([]access.Grant, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.id, COALESCE(r.unit_id, 0), COALESCE(un.path, '/'), COALESCE(un.name, ''), r.role
		FROM roles r LEFT JOIN units un ON un.id = r.unit_id WHERE r.user_id = $1 ORDER BY r.id`, userID)
	if err != nil {
		return nil, errs.Wrap(err, "account: grants")
	}
	defer rows.Close()
	var out []access.Grant
	for rows.Next() {
		var g access.Grant
		if err := rows.Scan(&g.ID, &g.UnitID, &g.Path, &g.UnitName, &g.Role); err != nil {
			return nil, errs.Wrap(err, "account: scan grant")
		}
		if g.UnitID == 0 {
			g.UnitName = "Toàn hệ thống"
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// Filter narrows a user listing.
type Filter struct {
	UnitPath string // only users of this subtree
	Query    string // folded, in username, name, e-mail
	Role     access.Role
	Active   *bool
	Limit    int
	Offset   int
}

// List returns the users the caller administers matching f, sorted by unit
// then by tên, đệm, họ; and the total count.
func (s *Store) List(ctx context.Context, sc access.Scope, f Filter) ([]User, int, error) {
	cond, args := sc.Filter("un.path", 1, access.Admin)
	where := []string{cond}
	add := func(c string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(c, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.UnitPath != "" {
		add("un.path LIKE ?", f.UnitPath+"%")
	}
	for _, w := range strings.Fields(viet.Fold(f.Query)) {
		add("u.search LIKE ?", "%"+w+"%")
	}
	if f.Role != "" {
		add("EXISTS (SELECT 1 FROM roles r WHERE r.user_id = u.id AND r.role = ?)", string(f.Role))
	}
	if f.Active != nil {
		add("u.active = ?", *f.Active)
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := s.DB.R.QueryRowContext(ctx, "SELECT COUNT(*)"+userFrom+" WHERE "+w, args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "account: count")
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 50
	}
	args = append(args, f.Limit, f.Offset)
	// ORDER BY in SQL gives a stable page; Vietnamese collation is applied
	// within the page (byte order already groups by unit and tên).
	q := fmt.Sprintf("SELECT %s%s WHERE %s ORDER BY un.path, u.ten, u.dem, u.ho, u.id LIMIT $%d OFFSET $%d", userColumns, userFrom, w, len(args)-1, len(args))
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "account: list")
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, errs.Wrap(err, "account: scan")
		}
		out = append(out, u)
	}
	c := viet.Collator()
	slices.SortStableFunc(out, func(a, b User) int {
		if a.UnitID != b.UnitID {
			return 0
		}
		return viet.CompareNames(c, a.Ho, a.Dem, a.Ten, b.Ho, b.Dem, b.Ten)
	})
	return out, total, rows.Err()
}

func snapshot(u User) map[string]any {
	return map[string]any{"username": u.Username, "name": u.FullName(), "email": u.Email, "phone": u.Phone,
		"position": u.Position, "unit_id": u.UnitID, "active": u.Active, "must_change_password": u.MustChangePassword}
}

func (s *Store) unitPath(ctx context.Context, q database.Querier, unitID int64) (string, error) {
	var path string
	err := q.QueryRowContext(ctx, "SELECT path FROM units WHERE id = $1", unitID).Scan(&path)
	if err == sql.ErrNoRows {
		return "", errs.InvalidField("unit_id", "Không tìm thấy đơn vị.")
	}
	if err != nil {
		return "", errs.Wrap(err, "account: unit path")
	}
	return path, nil
}

func usernameTaken(username string) error {
	msg := fmt.Sprintf("Tên đăng nhập “%s” đã có người dùng.", username)
	return &errs.Error{Code: errs.Conflict, Message: msg, Fields: map[string]string{"username": msg}}
}

// Create adds an account at p.UnitID with password pw. mustChange makes the
// user choose a new password at first login.
func (s *Store) Create(ctx context.Context, sc access.Scope, p Profile, pw string, mustChange bool) (User, error) {
	var out User
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.CreateTx(ctx, tx, sc, p, HashPassword(pw), pw, mustChange)
		return err
	})
	return out, err
}

// CreateTx is Create inside the caller's transaction. hash is the password
// hash; pw, when not empty, is checked against the policy.
func (s *Store) CreateTx(ctx context.Context, tx *sql.Tx, sc access.Scope, p Profile, hash, pw string, mustChange bool) (User, error) {
	p.Normalize()
	if err := p.Validate(); err != nil {
		return User{}, err
	}
	if pw != "" {
		if err := CheckPolicy("password", p.Username, pw); err != nil {
			return User{}, err
		}
	}
	path, err := s.unitPath(ctx, tx, p.UnitID)
	if err != nil {
		return User{}, err
	}
	if !sc.Has(path, access.Admin) {
		return User{}, errs.ErrForbidden
	}
	var exists int
	tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE username = $1", p.Username).Scan(&exists)
	if exists > 0 {
		return User{}, usernameTaken(p.Username)
	}
	now := database.Now()
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO users (username, ho, dem, ten, email, phone, position, unit_id, active, must_change_password, password_hash, search, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`,
		p.Username, p.Ho, p.Dem, p.Ten, p.Email, p.Phone, p.Position, p.UnitID, true, mustChange, hash, searchText(p), now).Scan(&id)
	if database.IsUnique(err) {
		return User{}, usernameTaken(p.Username)
	}
	if err != nil {
		return User{}, errs.Wrap(err, "account: insert")
	}
	u, err := s.get(ctx, tx, id)
	if err != nil {
		return u, err
	}
	return u, audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: u.UnitID, UnitPath: u.UnitPath, Action: "create", ObjectType: "user",
		ObjectID: u.ID, Summary: "Tạo tài khoản " + u.Username + " (" + u.FullName() + ")", After: snapshot(u)})
}

// change loads the user, checks the caller administers them and runs fn
// (which performs the guarded UPDATE) and the audit entry in one transaction.
func (s *Store) change(ctx context.Context, sc access.Scope, id int64, action, summary string, fn func(tx *sql.Tx, old User) error) (User, error) {
	var out User
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canManage(sc, old) {
			if old.ID == sc.UserID {
				return errs.ErrForbidden
			}
			return errs.ErrNotFound
		}
		// An account holding roles beyond the caller's reach (an admin of a
		// wider subtree, say) is managed from above, or it would be a way to
		// take over the wider role by resetting its password.
		grants, err := Grants(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, g := range grants {
			if !sc.Has(g.Path, access.Admin) {
				return errs.E(errs.Forbidden, "Tài khoản này có vai trò tại đơn vị ngoài phạm vi bạn quản trị; hãy nhờ quản trị cấp trên.")
			}
		}
		if err := fn(tx, old); err != nil {
			return err
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: out.UnitID, UnitPath: out.UnitPath, Action: action, ObjectType: "user",
			ObjectID: id, Summary: summary + " " + out.Username, Before: snapshot(old), After: snapshot(out)})
	})
	return out, err
}

func guarded(res sql.Result, err error) error {
	if err != nil {
		return errs.Wrap(err, "account: update")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.ErrStale
	}
	return nil
}

// Update changes a user's profile. Moving a user to another unit needs the
// administrator role at both.
func (s *Store) Update(ctx context.Context, sc access.Scope, id int64, version int, p Profile) (User, error) {
	p.Normalize()
	return s.change(ctx, sc, id, "update", "Sửa tài khoản", func(tx *sql.Tx, old User) error {
		if p.Username == "" {
			p.Username = old.Username
		}
		if err := p.Validate(); err != nil {
			return err
		}
		if p.UnitID != old.UnitID {
			path, err := s.unitPath(ctx, tx, p.UnitID)
			if err != nil {
				return err
			}
			if !sc.Has(path, access.Admin) {
				return errs.InvalidField("unit_id", "Bạn không quản trị đơn vị được chọn.")
			}
		}
		if p.Username != old.Username {
			var n int
			tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE username = $1", p.Username).Scan(&n)
			if n > 0 {
				return usernameTaken(p.Username)
			}
		}
		return guarded(tx.ExecContext(ctx, `UPDATE users SET username = $1, ho = $2, dem = $3, ten = $4, email = $5, phone = $6, position = $7, unit_id = $8,
			search = $9, version = version + 1, updated_at = $10 WHERE id = $11 AND version = $12`,
			p.Username, p.Ho, p.Dem, p.Ten, p.Email, p.Phone, p.Position, p.UnitID, searchText(p), database.Now(), id, version))
	})
}

// SetActive activates or deactivates an account; deactivation ends its
// sessions and tokens at once.
func (s *Store) SetActive(ctx context.Context, sc access.Scope, id int64, version int, active bool) (User, error) {
	action, summary := "activate", "Mở lại tài khoản"
	if !active {
		action, summary = "deactivate", "Khóa tài khoản"
	}
	return s.change(ctx, sc, id, action, summary, func(tx *sql.Tx, old User) error {
		if !active && id == sc.UserID {
			return errs.E(errs.Invalid, "Bạn không thể tự khóa tài khoản của mình.")
		}
		if err := guarded(tx.ExecContext(ctx, "UPDATE users SET active = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4",
			active, database.Now(), id, version)); err != nil {
			return err
		}
		if !active {
			_, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = $1", id)
			return err
		}
		return nil
	})
}

// ResetPassword sets a new password chosen by an administrator; the user
// must change it at next login, and their sessions end.
func (s *Store) ResetPassword(ctx context.Context, sc access.Scope, id int64, pw string) (User, error) {
	return s.change(ctx, sc, id, "reset_password", "Đặt lại mật khẩu cho", func(tx *sql.Tx, old User) error {
		if err := CheckPolicy("password", old.Username, pw); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET password_hash = $1, must_change_password = $2, version = version + 1, updated_at = $3 WHERE id = $4",
			HashPassword(pw), true, database.Now(), id); err != nil {
			return errs.Wrap(err, "account: reset password")
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = $1", id)
		return err
	})
}

// ChangeOwnPassword lets a logged-in user replace their password, given the
// current one. Their other sessions end; keepSession survives.
func (s *Store) ChangeOwnPassword(ctx context.Context, sc access.Scope, current, next string, keepSession string) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var hash, username, path string
		var unitID int64
		err := tx.QueryRowContext(ctx, "SELECT u.password_hash, u.username, u.unit_id, un.path FROM users u JOIN units un ON un.id = u.unit_id WHERE u.id = $1", sc.UserID).
			Scan(&hash, &username, &unitID, &path)
		if err != nil {
			return errs.Wrap(err, "account: read own password")
		}
		if !CheckPassword(hash, current) {
			return errs.InvalidField("current", "Mật khẩu hiện tại không đúng.")
		}
		if err := CheckPolicy("password", username, next); err != nil {
			return err
		}
		if current == next {
			return errs.InvalidField("password", "Mật khẩu mới phải khác mật khẩu hiện tại.")
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET password_hash = $1, must_change_password = $2, updated_at = $3 WHERE id = $4",
			HashPassword(next), false, database.Now(), sc.UserID); err != nil {
			return errs.Wrap(err, "account: change password")
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2", sc.UserID, tokenHash(keepSession)); err != nil {
			return errs.Wrap(err, "account: end other sessions")
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: unitID, UnitPath: path, Action: "change_password", ObjectType: "user",
			ObjectID: sc.UserID, Summary: "Đổi mật khẩu của " + username})
	})
}

// Grant gives a user a role at a unit (unitID 0: system-wide, for the system
// administrator only). The caller must administer both the user and the unit.
func (s *Store) Grant(ctx context.Context, sc access.Scope, userID, unitID int64, role access.Role) (access.Grant, error) {
	var out access.Grant
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.GrantTx(ctx, tx, sc, userID, unitID, role)
		return err
	})
	return out, err
}

// GrantTx is Grant inside the caller's transaction.
func (s *Store) GrantTx(ctx context.Context, tx *sql.Tx, sc access.Scope, userID, unitID int64, role access.Role) (access.Grant, error) {
	if !role.Valid() {
		return access.Grant{}, errs.InvalidField("role", "Chọn vai trò.")
	}
	u, err := s.get(ctx, tx, userID)
	if err != nil {
		return access.Grant{}, err
	}
	if !canManage(sc, u) {
		return access.Grant{}, errs.ErrNotFound
	}
	path := access.SystemPath
	if unitID != 0 {
		if path, err = s.unitPath(ctx, tx, unitID); err != nil {
			return access.Grant{}, err
		}
	}
	if !sc.Has(path, access.Admin) || (unitID == 0 && !sc.IsSystemAdmin()) {
		return access.Grant{}, errs.ErrForbidden
	}
	var n int
	tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM roles WHERE user_id = $1 AND COALESCE(unit_id, 0) = $2 AND role = $3", userID, unitID, string(role)).Scan(&n)
	if n > 0 {
		return access.Grant{}, errs.InvalidField("role", "Tài khoản đã có vai trò này tại đơn vị này.")
	}
	var id int64
	if err := tx.QueryRowContext(ctx, "INSERT INTO roles (user_id, unit_id, role, created_at, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id",
		userID, nullID(unitID), string(role), database.Now(), nullID(sc.UserID)).Scan(&id); err != nil {
		return access.Grant{}, errs.Wrap(err, "account: grant")
	}
	g := access.Grant{ID: id, UnitID: unitID, Path: path, Role: role}
	auditPath := path
	if unitID == 0 {
		auditPath = ""
	}
	return g, audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: unitID, UnitPath: auditPath, Action: "grant", ObjectType: "role",
		ObjectID: id, Summary: fmt.Sprintf("Cấp vai trò %s cho %s", role.Label(), u.Username),
		After: map[string]any{"user_id": userID, "unit_id": unitID, "role": role}})
}

// Revoke removes a role grant. The caller must administer the grant's unit.
func (s *Store) Revoke(ctx context.Context, sc access.Scope, userID, grantID int64) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		u, err := s.get(ctx, tx, userID)
		if err != nil {
			return err
		}
		if !canManage(sc, u) {
			return errs.ErrNotFound
		}
		grants, err := Grants(ctx, tx, userID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(grants, func(g access.Grant) bool { return g.ID == grantID })
		if i < 0 {
			return errs.ErrNotFound
		}
		g := grants[i]
		if !sc.Has(g.Path, access.Admin) || (g.UnitID == 0 && !sc.IsSystemAdmin()) {
			return errs.ErrForbidden
		}
		if g.UnitID == 0 && g.Role == access.Admin && userID == sc.UserID {
			return errs.E(errs.Invalid, "Bạn không thể tự thu hồi quyền quản trị toàn hệ thống của mình.")
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM roles WHERE id = $1", grantID); err != nil {
			return errs.Wrap(err, "account: revoke")
		}
		auditPath := g.Path
		if g.UnitID == 0 {
			auditPath = ""
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: g.UnitID, UnitPath: auditPath, Action: "revoke", ObjectType: "role",
			ObjectID: grantID, Summary: fmt.Sprintf("Thu hồi vai trò %s của %s", g.Role.Label(), u.Username),
			Before: map[string]any{"user_id": userID, "unit_id": g.UnitID, "role": g.Role}})
	})
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CountWithoutRole returns how many active accounts the caller administers
// hold no role at all (they can log in but see nothing): a to-do for admins.
func (s *Store) CountWithoutRole(ctx context.Context, sc access.Scope) (int, error) {
	cond, args := sc.Filter("un.path", 1, access.Admin)
	var n int
	err := s.DB.R.QueryRowContext(ctx, "SELECT COUNT(*)"+userFrom+" WHERE "+cond+
		" AND u.active = $"+strconv.Itoa(len(args)+1)+" AND NOT EXISTS (SELECT 1 FROM roles r WHERE r.user_id = u.id)", append(args, true)...).Scan(&n)
	if err != nil {
		return 0, errs.Wrap(err, "account: count without role")
	}
	return n, nil
}

// Count returns the number of accounts.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	err := s.DB.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM users").Scan(&n)
	return n, err
}
