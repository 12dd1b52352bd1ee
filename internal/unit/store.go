package unit

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/viet"
)

// Store reads and writes units. Every method takes the caller's scope.
type Store struct{ DB *database.DB }

const columns = `id, COALESCE(parent_id, 0), path, depth, kind, code, name, short_name, levels, runs_rounds, valid_from, valid_to, version, created_at, updated_at`

type scanner interface{ Scan(dest ...any) error }

func scanUnit(s scanner) (Unit, error) {
	var u Unit
	var levels string
	var from, to sql.NullTime
	err := s.Scan(&u.ID, &u.ParentID, &u.Path, &u.Depth, &u.Kind, &u.Code, &u.Name, &u.ShortName, &levels, &u.RunsRounds, &from, &to, &u.Version, &u.CreatedAt, &u.UpdatedAt)
	if err != nil {
		return u, err
	}
	u.Levels = splitLevels(levels)
	if from.Valid {
		t := from.Time.UTC()
		u.ValidFrom = &t
	}
	if to.Valid {
		t := to.Time.UTC()
		u.ValidTo = &t
	}
	return u, nil
}

// levels are stored as ",TH,THCS," so a LIKE '%,TH,%' finds a level.
func joinLevels(l []string) string {
	if len(l) == 0 {
		return ""
	}
	return "," + strings.Join(l, ",") + ","
}

func splitLevels(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

func searchText(in Input) string { return viet.Fold(in.Code + " " + in.Name + " " + in.ShortName) }

func dateArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func (s *Store) get(ctx context.Context, q database.Querier, id int64) (Unit, error) {
	u, err := scanUnit(q.QueryRowContext(ctx, "SELECT "+columns+" FROM units WHERE id = $1", id))
	if err == sql.ErrNoRows {
		return u, errs.ErrNotFound
	}
	if err != nil {
		return u, errs.Wrap(err, "unit: get")
	}
	return u, nil
}

// Get returns a unit the caller may see: one in their subtrees or an
// ancestor of a unit they hold a role at.
func (s *Store) Get(ctx context.Context, sc access.Scope, id int64) (Unit, error) {
	u, err := s.get(ctx, s.DB.R, id)
	if err != nil {
		return u, err
	}
	if !sc.CanSeeUnit(u.Path) {
		return Unit{}, errs.ErrNotFound
	}
	return u, nil
}

// ByCode returns the unit with code, if the caller may see it.
func (s *Store) ByCode(ctx context.Context, sc access.Scope, code string) (Unit, error) {
	u, err := scanUnit(s.DB.R.QueryRowContext(ctx, "SELECT "+columns+" FROM units WHERE code = $1", strings.ToUpper(strings.TrimSpace(code))))
	if err == sql.ErrNoRows || (err == nil && !sc.CanSeeUnit(u.Path)) {
		return Unit{}, errs.ErrNotFound
	}
	if err != nil {
		return u, errs.Wrap(err, "unit: by code")
	}
	return u, nil
}

// Ancestors returns the units above u, root first. They are visible to
// anyone who may see u.
func (s *Store) Ancestors(ctx context.Context, u Unit) ([]Unit, error) {
	ids := u.AncestorIDs()
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.DB.R.QueryContext(ctx, "SELECT "+columns+" FROM units WHERE id IN ("+database.Placeholders(1, len(ids))+") ORDER BY depth", args...)
	if err != nil {
		return nil, errs.Wrap(err, "unit: ancestors")
	}
	return collect(rows)
}

// RoundHolderAbove returns the nearest unit above u that holds selection
// rounds and exists on day: where u's dossiers and reports go up. The route
// is read from the tree, so the same code serves school → Phòng GD&ĐT → Sở →
// Ban and school → Phòng VH-XH phường → Sở. NotFound when nothing above does.
func (s *Store) RoundHolderAbove(ctx context.Context, u Unit, day time.Time) (Unit, error) {
	above, err := s.Ancestors(ctx, u)
	if err != nil {
		return Unit{}, err
	}
	for i := len(above) - 1; i >= 0; i-- {
		if above[i].RunsRounds && above[i].ActiveOn(day) {
			return above[i], nil
		}
	}
	return Unit{}, errs.E(errs.NotFound, "Không có đơn vị cấp trên nào tổ chức xét chọn cho "+u.Name+".")
}

func collect(rows *sql.Rows) ([]Unit, error) {
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, errs.Wrap(err, "unit: scan")
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "unit: rows")
	}
	return out, nil
}

// Filter narrows a listing.
type Filter struct {
	Under      int64  // only this unit's subtree (0: all the caller's subtrees)
	Query      string // folded search in code, name, short name
	Kind       Kind
	Level      string
	ActiveOn   *time.Time // only units existing that day
	WithClosed bool       // include units closed before today (when ActiveOn is nil)
	Limit      int        // 0: no limit
	Offset     int
}

// List returns the units of the caller's subtrees matching f, in tree order
// (each unit followed by its children, siblings by kind then name), and the
// number of matches before Limit.
func (s *Store) List(ctx context.Context, sc access.Scope, f Filter) ([]Unit, int, error) {
	cond, args := sc.Filter("path", 1)
	where := []string{cond}
	add := func(c string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(c, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.Under != 0 {
		root, err := s.Get(ctx, sc, f.Under)
		if err != nil {
			return nil, 0, err
		}
		add("path LIKE ?", root.Path+"%")
	}
	if q := viet.Fold(f.Query); q != "" {
		for _, w := range strings.Fields(q) {
			add("search LIKE ?", "%"+w+"%")
		}
	}
	if f.Kind != "" {
		add("kind = ?", string(f.Kind))
	}
	if f.Level != "" {
		add("levels LIKE ?", "%,"+f.Level+",%")
	}
	if day := f.ActiveOn; day != nil {
		add("(valid_to IS NULL OR valid_to >= ?)", dateArg(day))
		add("(valid_from IS NULL OR valid_from <= ?)", dateArg(day))
	} else if !f.WithClosed {
		add("(valid_to IS NULL OR valid_to >= ?)", today())
	}
	rows, err := s.DB.R.QueryContext(ctx, "SELECT "+columns+" FROM units WHERE "+strings.Join(where, " AND "), args...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "unit: list")
	}
	units, err := collect(rows)
	if err != nil {
		return nil, 0, err
	}
	SortTree(units)
	total := len(units)
	if f.Offset > 0 {
		units = units[min(f.Offset, len(units)):]
	}
	if f.Limit > 0 && len(units) > f.Limit {
		units = units[:f.Limit]
	}
	return units, total, nil
}

// SortTree orders units depth-first: each unit before its children,
// siblings by kind then by name in Vietnamese collation. Units whose parent
// is not in the list start their own branch.
func SortTree(units []Unit) {
	col := viet.Collator()
	byID := make(map[int64]int, len(units))
	for i, u := range units {
		byID[u.ID] = i
	}
	children := map[int64][]int{}
	var roots []int
	for i, u := range units {
		if _, ok := byID[u.ParentID]; ok && u.ParentID != 0 {
			children[u.ParentID] = append(children[u.ParentID], i)
		} else {
			roots = append(roots, i)
		}
	}
	kindRank := func(k Kind) int { return slices.Index(Kinds, k) }
	less := func(a, b int) int {
		ua, ub := units[a], units[b]
		if c := cmp.Compare(kindRank(ua.Kind), kindRank(ub.Kind)); c != 0 {
			return c
		}
		return col.CompareString(ua.Name, ub.Name)
	}
	out := make([]Unit, 0, len(units))
	var walk func(ix []int)
	walk = func(ix []int) {
		slices.SortFunc(ix, less)
		for _, i := range ix {
			out = append(out, units[i])
			walk(children[units[i].ID])
		}
	}
	walk(roots)
	copy(units, out)
}

// snapshot is what the audit log keeps of a unit.
func snapshot(u Unit) map[string]any {
	m := map[string]any{"parent_id": u.ParentID, "kind": u.Kind, "code": u.Code, "name": u.Name,
		"short_name": u.ShortName, "levels": u.Levels, "runs_rounds": u.RunsRounds, "version": u.Version}
	if u.ValidFrom != nil {
		m["valid_from"] = u.ValidFrom.Format("2006-01-02")
	}
	if u.ValidTo != nil {
		m["valid_to"] = u.ValidTo.Format("2006-01-02")
	}
	return m
}

// canManageAt reports whether the caller administers the place a unit goes:
// under parent (or at the top, for the system administrator only).
func canManageAt(sc access.Scope, parent *Unit) bool {
	if parent == nil {
		return sc.IsSystemAdmin()
	}
	return sc.Has(parent.Path, access.Admin)
}

func (s *Store) codeTaken(ctx context.Context, q database.Querier, code string, except int64) error {
	var id int64
	var name string
	err := q.QueryRowContext(ctx, "SELECT id, name FROM units WHERE code = $1 AND id <> $2", code, except).Scan(&id, &name)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return errs.Wrap(err, "unit: check code")
	}
	return &errs.Error{Code: errs.Conflict, Message: fmt.Sprintf("Mã đơn vị “%s” đã được dùng cho %s.", code, name),
		Fields: map[string]string{"code": fmt.Sprintf("Mã “%s” đã được dùng cho %s.", code, name)}}
}

// Create adds a unit under in.ParentID (0: a new root, system admin only).
func (s *Store) Create(ctx context.Context, sc access.Scope, in Input) (Unit, error) {
	var out Unit
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.CreateTx(ctx, tx, sc, in)
		return err
	})
	return out, err
}

// CreateTx is Create inside the caller's transaction (imports use it).
func (s *Store) CreateTx(ctx context.Context, tx *sql.Tx, sc access.Scope, in Input) (Unit, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return Unit{}, err
	}
	var parent *Unit
	if in.ParentID != 0 {
		p, err := s.get(ctx, tx, in.ParentID)
		if err != nil {
			return Unit{}, errs.InvalidField("parent_id", "Không tìm thấy đơn vị cấp trên.")
		}
		parent = &p
	}
	if !canManageAt(sc, parent) {
		return Unit{}, errs.ErrForbidden
	}
	if err := s.codeTaken(ctx, tx, in.Code, 0); err != nil {
		return Unit{}, err
	}
	now := database.Now()
	path, depth := "/", 0
	if parent != nil {
		path, depth = parent.Path, parent.Depth+1
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO units (parent_id, path, depth, kind, code, name, short_name, levels, runs_rounds, valid_from, valid_to, search, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`,
		nullID(in.ParentID), path, depth, string(in.Kind), in.Code, in.Name, in.ShortName, joinLevels(in.Levels), in.RunsRounds,
		dateArg(in.ValidFrom), dateArg(in.ValidTo), searchText(in), now).Scan(&id)
	if database.IsUnique(err) {
		return Unit{}, s.codeTaken(ctx, tx, in.Code, 0)
	}
	if err != nil {
		return Unit{}, errs.Wrap(err, "unit: insert")
	}
	path = path + strconv.FormatInt(id, 10) + "/"
	if _, err := tx.ExecContext(ctx, "UPDATE units SET path = $1 WHERE id = $2", path, id); err != nil {
		return Unit{}, errs.Wrap(err, "unit: set path")
	}
	u, err := s.get(ctx, tx, id)
	if err != nil {
		return u, err
	}
	return u, audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: u.ID, UnitPath: u.Path, Action: "create", ObjectType: "unit",
		ObjectID: u.ID, Summary: "Tạo đơn vị " + u.Name + " (" + u.Code + ")", After: snapshot(u)})
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Update changes a unit's kind, code, names, levels and validity; the
// parent is changed by Move. version must be the one the caller read.
func (s *Store) Update(ctx context.Context, sc access.Scope, id int64, version int, in Input) (Unit, error) {
	in.Normalize()
	var out Unit
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !sc.CanSeeUnit(old.Path) {
			return errs.ErrNotFound
		}
		if !sc.Has(old.Path, access.Admin) {
			return errs.ErrForbidden
		}
		in.ParentID = old.ParentID
		if err := in.Validate(); err != nil {
			return err
		}
		if in.ValidTo != nil {
			if err := openChildren(ctx, tx, id, *in.ValidTo); err != nil {
				return err
			}
		}
		if err := s.codeTaken(ctx, tx, in.Code, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE units SET kind = $1, code = $2, name = $3, short_name = $4, levels = $5,
			valid_from = $6, valid_to = $7, search = $8, runs_rounds = $9, version = version + 1, updated_at = $10 WHERE id = $11 AND version = $12`,
			string(in.Kind), in.Code, in.Name, in.ShortName, joinLevels(in.Levels), dateArg(in.ValidFrom), dateArg(in.ValidTo),
			searchText(in), in.RunsRounds, database.Now(), id, version)
		if err != nil {
			return errs.Wrap(err, "unit: update")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrStale
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: id, UnitPath: out.Path, Action: "update", ObjectType: "unit",
			ObjectID: id, Summary: "Sửa đơn vị " + out.Name, Before: snapshot(old), After: snapshot(out)})
	})
	return out, err
}

// Move puts a unit (with its subtree) under newParent (0: make it a root).
func (s *Store) Move(ctx context.Context, sc access.Scope, id int64, version int, newParent int64) (Unit, error) {
	var out Unit
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !sc.CanSeeUnit(old.Path) {
			return errs.ErrNotFound
		}
		if !sc.Has(old.Path, access.Admin) {
			return errs.ErrForbidden
		}
		if newParent == 0 && old.Kind == School {
			return errs.InvalidField("parent_id", errSchoolParent)
		}
		var parent *Unit
		if newParent != 0 {
			p, err := s.get(ctx, tx, newParent)
			if err != nil || !sc.CanSeeUnit(p.Path) {
				return errs.InvalidField("parent_id", "Không tìm thấy đơn vị cấp trên.")
			}
			if access.Within(p.Path, old.Path) {
				return errs.InvalidField("parent_id", "Không thể chuyển đơn vị vào chính nó hoặc vào một đơn vị trực thuộc nó (sẽ tạo vòng lặp).")
			}
			parent = &p
		}
		if !canManageAt(sc, parent) {
			return errs.ErrForbidden
		}
		newPath, newDepth := "/"+strconv.FormatInt(id, 10)+"/", 0
		if parent != nil {
			newPath, newDepth = parent.Path+strconv.FormatInt(id, 10)+"/", parent.Depth+1
		}
		res, err := tx.ExecContext(ctx, "UPDATE units SET parent_id = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4",
			nullID(newParent), database.Now(), id, version)
		if err != nil {
			return errs.Wrap(err, "unit: move")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrStale
		}
		// Rewrite the paths of the whole subtree in one statement.
		_, err = tx.ExecContext(ctx, "UPDATE units SET path = $1 || SUBSTR(path, $2), depth = depth + $3 WHERE path LIKE $4",
			newPath, len(old.Path)+1, newDepth-old.Depth, old.Path+"%")
		if err != nil {
			return errs.Wrap(err, "unit: move subtree")
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: id, UnitPath: out.Path, Action: "move", ObjectType: "unit",
			ObjectID: id, Summary: "Chuyển đơn vị " + out.Name, Before: snapshot(old), After: snapshot(out)})
	})
	return out, err
}

// Close ends a unit on day validTo. A unit with open units under it cannot
// be closed: they must be moved or closed first.
func (s *Store) Close(ctx context.Context, sc access.Scope, id int64, version int, validTo time.Time) (Unit, error) {
	var out Unit
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !sc.CanSeeUnit(old.Path) {
			return errs.ErrNotFound
		}
		if !sc.Has(old.Path, access.Admin) {
			return errs.ErrForbidden
		}
		if old.ValidFrom != nil && validTo.Before(*old.ValidFrom) {
			return errs.InvalidField("valid_to", "Ngày kết thúc phải sau ngày bắt đầu hiệu lực ("+viet.ShortDate(*old.ValidFrom)+").")
		}
		if err := openChildren(ctx, tx, id, validTo); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "UPDATE units SET valid_to = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4",
			dateArg(&validTo), database.Now(), id, version)
		if err != nil {
			return errs.Wrap(err, "unit: close")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrStale
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: id, UnitPath: out.Path, Action: "close", ObjectType: "unit",
			ObjectID: id, Summary: "Kết thúc hoạt động đơn vị " + out.Name + " từ ngày " + viet.ShortDate(validTo), Before: snapshot(old), After: snapshot(out)})
	})
	return out, err
}

// CountOpen returns how many units in the caller's subtrees are open today.
func (s *Store) CountOpen(ctx context.Context, sc access.Scope) (int, error) {
	cond, args := sc.Filter("path", 1)
	args = append(args, today())
	var n int
	err := s.DB.R.QueryRowContext(ctx, fmt.Sprintf("SELECT COUNT(*) FROM units WHERE %s AND (valid_to IS NULL OR valid_to >= $%d)", cond, len(args)), args...).Scan(&n)
	if err != nil {
		return 0, errs.Wrap(err, "unit: count")
	}
	return n, nil
}

// today is the current date in Vietnam, as stored in date columns.
func today() time.Time {
	t := time.Now().In(viet.Zone)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// openChildren refuses to end unit id on day while units under it stay open after it.
func openChildren(ctx context.Context, q database.Querier, id int64, day time.Time) error {
	var open int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM units WHERE parent_id = $1 AND (valid_to IS NULL OR valid_to > $2)",
		id, dateArg(&day)).Scan(&open); err != nil {
		return errs.Wrap(err, "unit: count open children")
	}
	if open > 0 {
		return errs.InvalidField("valid_to", fmt.Sprintf("Đơn vị còn %d đơn vị trực thuộc đang hoạt động sau ngày này; hãy chuyển hoặc kết thúc các đơn vị đó trước.", open))
	}
	return nil
}

// Count returns the number of units (for the health page and the demo check).
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	err := s.DB.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM units").Scan(&n)
	return n, err
}
