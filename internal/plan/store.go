package plan

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/movement"
	"thidua/internal/notify"
	"thidua/internal/viet"
)

// Store reads and writes plans. Every method takes the caller's scope: a
// draft is read by anyone holding a role at its unit or above; an issued
// plan also by the units below (who implement it); officers and leaders of
// the unit or above draft, edit and issue.
type Store struct {
	DB     *database.DB
	Notify *notify.Store    // reminders to the units that have not issued their plan; nil: none sent
	Now    func() time.Time // the clock; time.Now when nil
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// today is the current day in Vietnam, as date columns hold it.
func (s *Store) today() time.Time { return day(s.now().In(viet.Zone)) }

// ErrFrozen refuses a change to an issued plan.
var ErrFrozen = errs.E(errs.Conflict, "Kế hoạch đã ban hành thì không sửa, không xóa được. Muốn điều chỉnh, hãy soạn kế hoạch thay thế.")

const planFrom = ` FROM plans p JOIN units u ON u.id = p.unit_id`

// planColumns are a plan's columns; listColumns leave the long texts out.
var (
	planColumns = `p.id, p.unit_id, u.name, u.path, p.status, p.number, p.symbol, p.doc_date, p.place, p.issuer_parent, p.issuer_name,
	p.title, p.period, p.intro, p.purpose, p.content, p.forms, p.exemplars, p.organization, p.closing, p.recipients,
	p.sign_form, p.sign_authority, p.signer_title, p.signer_name, COALESCE(p.based_on_id, 0), COALESCE(p.amends_id, 0),
	COALESCE(p.superseded_by, 0), COALESCE(p.lineage_id, 0), p.require_mode, p.require_by, p.issued_at, COALESCE(p.issued_by, 0),
	COALESCE(p.created_by, 0), p.version, p.created_at, p.updated_at`
	listColumns = strings.NewReplacer("p.intro,", "'',", "p.purpose,", "'',", "p.content,", "'',", "p.forms,", "'',",
		"p.exemplars,", "'',", "p.organization,", "'',", "p.closing,", "'',").Replace(planColumns)
)

type scanner interface{ Scan(dest ...any) error }

// row is a scanned plan with the ids of its links, resolved by load.
type row struct {
	Plan
	basedOn, amends, supersededBy int64
}

func scanPlan(sc scanner) (row, error) {
	var r row
	p := &r.Plan
	var date, requireBy, issuedAt sql.NullTime
	var recipients string
	s := &p.Sections
	err := sc.Scan(&p.ID, &p.UnitID, &p.UnitName, &p.UnitPath, &p.Status, &p.Number, &p.Symbol, &date, &p.Place, &p.IssuerParent, &p.IssuerName,
		&p.Title, &p.Period, &s.Intro, &s.Purpose, &s.Content, &s.Forms, &s.Exemplars, &s.Organization, &s.Closing, &recipients,
		&p.Signer.Form, &p.Signer.Authority, &p.Signer.Title, &p.Signer.Name, &r.basedOn, &r.amends,
		&r.supersededBy, &p.LineageID, &p.Require, &requireBy, &issuedAt, &p.IssuedBy,
		&p.CreatedBy, &p.Version, &p.CreatedAt, &p.UpdatedAt)
	if err != nil {
		return r, err
	}
	p.Date, p.RequireBy = dateOf(date), dateOf(requireBy)
	if issuedAt.Valid {
		t := issuedAt.Time.UTC()
		p.IssuedAt = &t
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	p.Recipients = []string{}
	if recipients != "" {
		p.Recipients = strings.Split(recipients, "\n")
	}
	p.Movements, p.Required = []MovementRef{}, []UnitRef{}
	return r, nil
}

func dateOf(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	d := day(t.Time.UTC())
	return &d
}

func dateArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return day(*t)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// refs loads the plans with ids as Refs.
func refs(ctx context.Context, q database.Querier, ids ...int64) (map[int64]*Ref, error) {
	out := map[int64]*Ref{}
	var args []any
	for _, id := range ids {
		if id != 0 {
			args = append(args, id)
		}
	}
	if len(args) == 0 {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.unit_id, u.name, p.status, p.number, p.symbol, p.doc_date, p.title`+planFrom+
		` WHERE p.id IN (`+database.Placeholders(1, len(args))+`)`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "plan: refs")
	}
	defer rows.Close()
	for rows.Next() {
		var r Ref
		var date sql.NullTime
		if err := rows.Scan(&r.ID, &r.UnitID, &r.UnitName, &r.Status, &r.Number, &r.Symbol, &date, &r.Title); err != nil {
			return nil, errs.Wrap(err, "plan: scan ref")
		}
		r.Date = dateOf(date)
		out[r.ID] = &r
	}
	return out, rows.Err()
}

// load reads plan id with its links, without checking the scope.
func (s *Store) load(ctx context.Context, q database.Querier, id int64) (Plan, error) {
	r, err := scanPlan(q.QueryRowContext(ctx, "SELECT "+planColumns+planFrom+" WHERE p.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Plan{}, errs.ErrNotFound
	}
	if err != nil {
		return Plan{}, errs.Wrap(err, "plan: get")
	}
	p := r.Plan
	rs, err := refs(ctx, q, r.basedOn, r.amends, r.supersededBy)
	if err != nil {
		return Plan{}, err
	}
	p.BasedOn, p.Amends, p.SupersededBy = rs[r.basedOn], rs[r.amends], rs[r.supersededBy]
	rows, err := q.QueryContext(ctx, `SELECT m.id, m.name FROM plan_movements pm JOIN movements m ON m.id = pm.movement_id
		WHERE pm.plan_id = $1 ORDER BY m.name, m.id`, id)
	if err != nil {
		return Plan{}, errs.Wrap(err, "plan: movements")
	}
	for rows.Next() {
		var m MovementRef
		if err := rows.Scan(&m.ID, &m.Name); err != nil {
			rows.Close()
			return Plan{}, errs.Wrap(err, "plan: scan movement")
		}
		p.Movements = append(p.Movements, m)
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT u.id, u.name, u.path FROM plan_requirements r JOIN units u ON u.id = r.unit_id
		WHERE r.plan_id = $1 ORDER BY u.path`, id)
	if err != nil {
		return Plan{}, errs.Wrap(err, "plan: requirements")
	}
	defer rows.Close()
	for rows.Next() {
		var u UnitRef
		if err := rows.Scan(&u.ID, &u.Name, &u.Path); err != nil {
			return Plan{}, errs.Wrap(err, "plan: scan requirement")
		}
		p.Required = append(p.Required, u)
	}
	return p, rows.Err()
}

// canRead reports whether the caller may read a plan of the unit at path
// in status st: a draft with any role at the unit or above, an issued plan
// also from the units below it.
func canRead(sc access.Scope, path string, st Status) bool {
	if st == Issued {
		return sc.CanSeeUnit(path)
	}
	return sc.CanRead(path)
}

// Get returns a plan the caller may read.
func (s *Store) Get(ctx context.Context, sc access.Scope, id int64) (Plan, error) {
	p, err := s.load(ctx, s.DB.R, id)
	if err != nil {
		return Plan{}, err
	}
	if !canRead(sc, p.UnitPath, p.Status) {
		return Plan{}, errs.ErrNotFound
	}
	return p, nil
}

// draft reads a plan for a change: NotFound out of reach, Forbidden
// without a writing role, ErrFrozen once issued, Stale on another version.
func (s *Store) draft(ctx context.Context, q database.Querier, sc access.Scope, id int64, version int) (Plan, error) {
	p, err := s.load(ctx, q, id)
	if err != nil {
		return Plan{}, err
	}
	if !sc.CanRead(p.UnitPath) {
		return Plan{}, errs.ErrNotFound // a unit below reads an issued plan, never changes it
	}
	if !p.CanWrite(sc) {
		return Plan{}, errs.ErrForbidden
	}
	if p.Status != Draft {
		return Plan{}, ErrFrozen
	}
	if p.Version != version {
		return Plan{}, errs.ErrStale
	}
	return p, nil
}

// unitInfo is what the store needs of a unit.
type unitInfo struct {
	ID         int64
	ParentID   int64
	Kind, Name string
	Path       string
}

func loadUnit(ctx context.Context, q database.Querier, id int64) (unitInfo, error) {
	var u unitInfo
	err := q.QueryRowContext(ctx, "SELECT id, COALESCE(parent_id, 0), kind, name, path FROM units WHERE id = $1", id).
		Scan(&u.ID, &u.ParentID, &u.Kind, &u.Name, &u.Path)
	if errors.Is(err, sql.ErrNoRows) {
		return u, errs.ErrNotFound
	}
	if err != nil {
		return u, errs.Wrap(err, "plan: load unit")
	}
	return u, nil
}

// planHead is what checks need of a linked plan.
type planHead struct {
	ID, UnitID, Lineage, SupersededBy int64
	Path                              string
	Status                            Status
	Date                              *time.Time
	Label                             string
}

func loadHead(ctx context.Context, q database.Querier, id int64) (planHead, error) {
	var h planHead
	var date sql.NullTime
	var r Ref
	err := q.QueryRowContext(ctx, `SELECT p.id, p.unit_id, COALESCE(p.lineage_id, p.id), COALESCE(p.superseded_by, 0), u.path, p.status, p.doc_date,
		u.name, p.number, p.symbol, p.title`+planFrom+` WHERE p.id = $1`, id).
		Scan(&h.ID, &h.UnitID, &h.Lineage, &h.SupersededBy, &h.Path, &h.Status, &date, &r.UnitName, &r.Number, &r.Symbol, &r.Title)
	if errors.Is(err, sql.ErrNoRows) {
		return h, errs.ErrNotFound
	}
	if err != nil {
		return h, errs.Wrap(err, "plan: load linked plan")
	}
	h.Date = dateOf(date)
	r.Status, r.Date = h.Status, h.Date
	h.Label = r.Label()
	return h, nil
}

// links are the resolved links of a valid input.
type links struct {
	basedLineage int64 // 0: based on nothing
	lineage      int64 // 0: the plan's own id
	required     []int64
}

// check validates in for the issuing unit u, resolving its links and the
// units it requires on day on (the plan's date, or today).
func (s *Store) check(ctx context.Context, tx *sql.Tx, sc access.Scope, u unitInfo, in Input, self int64) (links, error) {
	f := errs.Fields{}
	in.validate(f)
	var l links
	if in.BasedOnID != 0 {
		h, err := loadHead(ctx, tx, in.BasedOnID)
		switch {
		case err != nil && !errs.Is(err, errs.NotFound):
			return l, err
		case err != nil || !canRead(sc, h.Path, h.Status):
			f.Add("based_on_id", "Không tìm thấy kế hoạch căn cứ.")
		case h.Status != Issued:
			f.Add("based_on_id", "Chỉ căn cứ vào kế hoạch đã ban hành.")
		case h.UnitID == u.ID || !access.Within(u.Path, h.Path):
			f.Add("based_on_id", "Kế hoạch căn cứ phải là kế hoạch của đơn vị cấp trên.")
		default:
			l.basedLineage = h.Lineage
		}
	}
	if in.AmendsID != 0 {
		h, err := loadHead(ctx, tx, in.AmendsID)
		switch {
		case err != nil && !errs.Is(err, errs.NotFound):
			return l, err
		case err != nil || !canRead(sc, h.Path, h.Status):
			f.Add("amends_id", "Không tìm thấy kế hoạch được thay thế.")
		case h.UnitID != u.ID || h.Status != Issued || h.ID == self:
			f.Add("amends_id", "Chỉ thay thế được kế hoạch đã ban hành của chính đơn vị.")
		case h.SupersededBy != 0 && h.SupersededBy != self:
			f.Add("amends_id", "Kế hoạch này đã được một kế hoạch khác thay thế.")
		default:
			l.lineage = h.Lineage
		}
	}
	for _, id := range in.MovementIDs {
		ok, err := movement.Exists(ctx, tx, id, 0)
		if err != nil {
			return l, err
		}
		if !ok {
			f.Add("movement_ids", "Không tìm thấy phong trào thi đua đã chọn.")
		}
	}
	on := s.today()
	if in.Date != nil {
		on = *in.Date
	}
	if in.Require.Valid() && in.Require != RequireNone {
		ids, msg, err := resolveRequired(ctx, tx, u, in.Require, in.RequireUnitIDs, on)
		if err != nil {
			return l, err
		}
		if msg != "" {
			field := "require"
			if in.Require == RequireCustom {
				field = "require_units"
			}
			f.Add(field, msg)
		}
		l.required = ids
	}
	return l, f.Err()
}

// resolveRequired lists the units a plan of u requires in mode, open on day
// on; msg says what is wrong when the choice does not hold.
func resolveRequired(ctx context.Context, q database.Querier, u unitInfo, mode RequireMode, chosen []int64, on time.Time) (ids []int64, msg string, err error) {
	open := " AND (valid_from IS NULL OR valid_from <= $3) AND (valid_to IS NULL OR valid_to >= $3)"
	var query string
	args := []any{u.ID, u.Path + "%", on}
	switch mode {
	case RequireChildren:
		query = "SELECT id FROM units WHERE parent_id = $1 AND path LIKE $2" + open
	case RequireSchools:
		query = "SELECT id FROM units WHERE id <> $1 AND path LIKE $2 AND kind = 'school'" + open
	case RequireOffices:
		query = "SELECT id FROM units WHERE id <> $1 AND path LIKE $2 AND kind = 'office'" + open
	case RequireCustom:
		if len(chosen) == 0 {
			return nil, "", nil // validate names the missing choice
		}
		for _, id := range chosen {
			args = append(args, id)
		}
		query = "SELECT id FROM units WHERE id <> $1 AND path LIKE $2" + open + " AND id IN (" + database.Placeholders(4, len(chosen)) + ")"
	default:
		return nil, "", nil
	}
	rows, err := q.QueryContext(ctx, query+" ORDER BY path", args...)
	if err != nil {
		return nil, "", errs.Wrap(err, "plan: required units")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, "", errs.Wrap(err, "plan: required units")
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, "", errs.Wrap(err, "plan: required units")
	}
	switch {
	case mode == RequireCustom && len(ids) < len(chosen):
		msg = "Chỉ chọn được các đơn vị cấp dưới đang hoạt động vào ngày " + viet.ShortDate(on) + "."
	case len(ids) == 0:
		msg = "Vào ngày " + viet.ShortDate(on) + " không có đơn vị nào như vậy thuộc " + u.Name + "."
	}
	return ids, msg, nil
}

func searchOf(in Input) string {
	return viet.Fold(NumberSymbol(in.Number, in.Symbol) + " " + in.Title + " " + in.Period)
}

// writeLinks replaces the movements and required units of draft id.
func writeLinks(ctx context.Context, tx *sql.Tx, id int64, in Input, l links) error {
	for _, q := range []string{"DELETE FROM plan_movements WHERE plan_id = $1", "DELETE FROM plan_requirements WHERE plan_id = $1"} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return errs.Wrap(err, "plan: clear links")
		}
	}
	for _, m := range in.MovementIDs {
		if _, err := tx.ExecContext(ctx, "INSERT INTO plan_movements (plan_id, movement_id) VALUES ($1, $2)", id, m); err != nil {
			return errs.Wrap(err, "plan: link movement")
		}
	}
	for _, u := range l.required {
		if _, err := tx.ExecContext(ctx, "INSERT INTO plan_requirements (plan_id, unit_id) VALUES ($1, $2)", id, u); err != nil {
			return errs.Wrap(err, "plan: requirement")
		}
	}
	return nil
}

// describe names a plan in audit summaries.
func describe(p Plan) string {
	if n := p.NumberSymbol(); n != "" && p.Issued() {
		return "Kế hoạch số " + n + " “" + p.Title + "”"
	}
	return "dự thảo kế hoạch “" + p.Title + "”"
}

// Create starts a draft at in.UnitID; officers and leaders of the unit or
// above may.
func (s *Store) Create(ctx context.Context, sc access.Scope, in Input) (Plan, error) {
	in.Normalize()
	var out Plan
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		u, err := loadUnit(ctx, tx, in.UnitID)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return err
		}
		if err != nil || !sc.CanSeeUnit(u.Path) {
			return errs.InvalidField("unit_id", "Không tìm thấy đơn vị ban hành.")
		}
		if !sc.Has(u.Path, Writers...) {
			return errs.ErrForbidden
		}
		l, err := s.check(ctx, tx, sc, u, in, 0)
		if err != nil {
			return err
		}
		now := database.Now()
		var id int64
		sec, sg := in.Sections, in.Signer
		err = tx.QueryRowContext(ctx, `INSERT INTO plans (unit_id, status, number, symbol, doc_date, place, issuer_parent, issuer_name, title, period,
			intro, purpose, content, forms, exemplars, organization, closing, recipients, sign_form, sign_authority, signer_title, signer_name,
			based_on_id, based_lineage, amends_id, lineage_id, require_mode, require_by, search, created_by, updated_by, created_at, updated_at)
			VALUES ($1, 'draft', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
			$22, $23, $24, $25, $26, $27, $28, $29, $29, $30, $30) RETURNING id`,
			u.ID, in.Number, in.Symbol, dateArg(in.Date), in.Place, in.IssuerParent, in.IssuerName, in.Title, in.Period,
			sec.Intro, sec.Purpose, sec.Content, sec.Forms, sec.Exemplars, sec.Organization, sec.Closing, strings.Join(in.Recipients, "\n"),
			string(sg.Form), sg.Authority, sg.Title, sg.Name, nullID(in.BasedOnID), nullID(l.basedLineage), nullID(in.AmendsID), nullID(l.lineage),
			string(in.Require), dateArg(in.RequireBy), searchOf(in), sc.UserID, now).Scan(&id)
		if err != nil {
			return errs.Wrap(err, "plan: insert")
		}
		if l.lineage == 0 {
			if _, err := tx.ExecContext(ctx, "UPDATE plans SET lineage_id = id WHERE id = $1", id); err != nil {
				return errs.Wrap(err, "plan: lineage")
			}
		}
		if err := writeLinks(ctx, tx, id, in, l); err != nil {
			return err
		}
		if out, err = s.load(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: out.UnitID, UnitPath: out.UnitPath, Action: "create", ObjectType: "plan",
			ObjectID: id, Summary: "Soạn " + describe(out), After: out})
	})
	return out, err
}

// Update saves a draft; version must be the one the caller read (else
// errs.ErrStale and nothing changes). Issued plans are frozen (ErrFrozen).
func (s *Store) Update(ctx context.Context, sc access.Scope, id int64, version int, in Input) (Plan, error) {
	in.Normalize()
	var out Plan
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.draft(ctx, tx, sc, id, version)
		if err != nil {
			return err
		}
		if in.UnitID != 0 && in.UnitID != old.UnitID {
			return errs.InvalidField("unit_id", "Không thể chuyển kế hoạch sang đơn vị khác; hãy soạn kế hoạch mới tại đơn vị đó.")
		}
		u, err := loadUnit(ctx, tx, old.UnitID)
		if err != nil {
			return err
		}
		l, err := s.check(ctx, tx, sc, u, in, id)
		if err != nil {
			return err
		}
		lineage := l.lineage
		if lineage == 0 {
			lineage = id
		}
		sec, sg := in.Sections, in.Signer
		res, err := tx.ExecContext(ctx, `UPDATE plans SET number = $1, symbol = $2, doc_date = $3, place = $4, issuer_parent = $5, issuer_name = $6,
			title = $7, period = $8, intro = $9, purpose = $10, content = $11, forms = $12, exemplars = $13, organization = $14, closing = $15,
			recipients = $16, sign_form = $17, sign_authority = $18, signer_title = $19, signer_name = $20, based_on_id = $21, based_lineage = $22,
			amends_id = $23, lineage_id = $24, require_mode = $25, require_by = $26, search = $27, updated_by = $28, updated_at = $29,
			version = version + 1 WHERE id = $30 AND version = $31 AND status = 'draft'`,
			in.Number, in.Symbol, dateArg(in.Date), in.Place, in.IssuerParent, in.IssuerName, in.Title, in.Period,
			sec.Intro, sec.Purpose, sec.Content, sec.Forms, sec.Exemplars, sec.Organization, sec.Closing,
			strings.Join(in.Recipients, "\n"), string(sg.Form), sg.Authority, sg.Title, sg.Name, nullID(in.BasedOnID), nullID(l.basedLineage),
			nullID(in.AmendsID), lineage, string(in.Require), dateArg(in.RequireBy), searchOf(in), sc.UserID, database.Now(), id, version)
		if err != nil {
			return errs.Wrap(err, "plan: update")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrStale
		}
		if err := writeLinks(ctx, tx, id, in, l); err != nil {
			return err
		}
		if out, err = s.load(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: out.UnitID, UnitPath: out.UnitPath, Action: "update", ObjectType: "plan",
			ObjectID: id, Summary: "Sửa " + describe(out), Before: old, After: out})
	})
	return out, err
}

// Delete removes a draft (issued plans stay forever).
func (s *Store) Delete(ctx context.Context, sc access.Scope, id int64, version int) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.draft(ctx, tx, sc, id, version)
		if err != nil {
			return err
		}
		// Drafts based on, or replacing, a draft cannot exist (links go to
		// issued plans only), so nothing points here.
		res, err := tx.ExecContext(ctx, "DELETE FROM plans WHERE id = $1 AND version = $2 AND status = 'draft'", id, version)
		if err != nil {
			return errs.Wrap(err, "plan: delete")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrStale
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: old.UnitID, UnitPath: old.UnitPath, Action: "delete", ObjectType: "plan",
			ObjectID: id, Summary: "Xóa " + describe(old), Before: old})
	})
}

// Issue issues draft id (ban hành): the plan must be complete (Complete),
// its number not yet used by the unit's issued plans of that year, and the
// plan it replaces not replaced meanwhile. The units it requires are
// resolved again from the tree on its date. From then on it is frozen; a
// replaced plan is marked superseded.
func (s *Store) Issue(ctx context.Context, sc access.Scope, id int64, version int) (Plan, error) {
	var out Plan
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.draft(ctx, tx, sc, id, version)
		if err != nil {
			return err
		}
		// Resolve links and requirements again: the tree or the linked
		// plans may have changed since the draft was saved.
		u, err := loadUnit(ctx, tx, old.UnitID)
		if err != nil {
			return err
		}
		in := old.Input()
		l, err := s.check(ctx, tx, sc, u, in, old.ID)
		if err != nil {
			return err
		}
		if err := writeLinks(ctx, tx, old.ID, in, l); err != nil {
			return err
		}
		p, err := s.load(ctx, tx, old.ID)
		if err != nil {
			return err
		}
		if err := p.Complete(s.today()); err != nil {
			return err
		}
		year := p.Date.Year()
		var taken int64
		err = tx.QueryRowContext(ctx, `SELECT id FROM plans WHERE unit_id = $1 AND issued_year = $2 AND number = $3 AND symbol = $4 AND status = 'issued'`,
			p.UnitID, year, p.Number, p.Symbol).Scan(&taken)
		if err == nil {
			return errs.InvalidField("number", fmt.Sprintf("Số %s đã được dùng cho một kế hoạch khác của đơn vị trong năm %d; hãy chọn số khác.",
				p.NumberSymbol(), year))
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return errs.Wrap(err, "plan: number taken")
		}
		now := database.Now()
		res, err := tx.ExecContext(ctx, `UPDATE plans SET status = 'issued', issued_year = $1, issued_at = $2, issued_by = $3, updated_at = $2,
			version = version + 1 WHERE id = $4 AND version = $5 AND status = 'draft'`, year, now, sc.UserID, p.ID, version)
		if database.IsUnique(err) {
			return errs.InvalidField("number", "Số "+p.NumberSymbol()+" vừa được dùng cho một kế hoạch khác; hãy chọn số khác.")
		}
		if err != nil {
			return errs.Wrap(err, "plan: issue")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrStale
		}
		summary := "Ban hành Kế hoạch số " + p.NumberSymbol() + " “" + p.Title + "”"
		if p.Amends != nil {
			res, err := tx.ExecContext(ctx, "UPDATE plans SET superseded_by = $1 WHERE id = $2 AND superseded_by IS NULL", p.ID, p.Amends.ID)
			if err != nil {
				return errs.Wrap(err, "plan: supersede")
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return errs.InvalidField("amends_id", "Kế hoạch này đã được một kế hoạch khác thay thế.")
			}
			summary += ", thay thế " + p.Amends.Label()
		}
		if out, err = s.load(ctx, tx, p.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: out.UnitID, UnitPath: out.UnitPath, Action: "issue", ObjectType: "plan",
			ObjectID: p.ID, Summary: summary, Before: old, After: out})
	})
	return out, err
}

// Filter narrows a listing of plans.
type Filter struct {
	UnitID     int64 // plans issued by this unit (0: every unit the caller reaches)
	Status     Status
	Year       int    // plans dated in this year
	Query      string // folded words, each found in the number, the title or the period
	MovementID int64  // plans linked to this movement
	Limit      int    // 50 when 0, at most 500
	Offset     int
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

// visible is the SQL condition of the plans the caller may read, with its
// arguments numbered from argN: any plan in the caller's subtrees, and the
// issued plans of the units above them.
func visible(sc access.Scope, argN int) (string, []any) {
	cond, args := sc.Filter("u.path", argN)
	var above []any
	for _, g := range sc.Grants {
		ids := strings.Split(strings.Trim(g.Path, "/"), "/")
		for _, v := range ids[:max(len(ids)-1, 0)] {
			if id, err := strconv.ParseInt(v, 10, 64); err == nil {
				above = append(above, id)
			}
		}
	}
	if len(above) == 0 || cond == "1 = 1" {
		return cond, args
	}
	return "(" + cond + " OR (p.status = 'issued' AND p.unit_id IN (" + database.Placeholders(argN+len(args), len(above)) + ")))", append(args, above...)
}

// List returns the plans the caller may read that match f, drafts first,
// then the most recent, and how many match in all. The plans carry their
// own columns only: no sections, links or required units (see Get).
func (s *Store) List(ctx context.Context, sc access.Scope, f Filter) ([]Plan, int, error) {
	cond, args := visible(sc, 1)
	where := []string{cond}
	add := func(c string, v ...any) {
		for _, x := range v {
			args = append(args, x)
			c = strings.Replace(c, "?", "$"+strconv.Itoa(len(args)), 1)
		}
		where = append(where, c)
	}
	if f.UnitID != 0 {
		add("p.unit_id = ?", f.UnitID)
	}
	if f.Status != "" {
		add("p.status = ?", string(f.Status))
	}
	if f.Year != 0 {
		add("p.doc_date >= ? AND p.doc_date < ?", time.Date(f.Year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(f.Year+1, 1, 1, 0, 0, 0, 0, time.UTC))
	}
	if f.MovementID != 0 {
		add("p.id IN (SELECT plan_id FROM plan_movements WHERE movement_id = ?)", f.MovementID)
	}
	for _, w := range strings.Fields(viet.Fold(f.Query)) {
		add(`p.search LIKE ? ESCAPE '\'`, "%"+likeEscape(w)+"%")
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := s.DB.R.QueryRowContext(ctx, "SELECT COUNT(*)"+planFrom+" WHERE "+w, args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "plan: count")
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 500)
	args = append(args, f.Limit, min(max(f.Offset, 0), 1_000_000))
	rows, err := s.DB.R.QueryContext(ctx, fmt.Sprintf(`SELECT %s%s WHERE %s
		ORDER BY CASE WHEN p.status = 'draft' THEN 0 ELSE 1 END, CASE WHEN p.status = 'draft' THEN p.id ELSE 0 END DESC, p.doc_date DESC, p.id DESC
		LIMIT $%d OFFSET $%d`, listColumns, planFrom, w, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "plan: list")
	}
	defer rows.Close()
	var out []Plan
	var linked []int64
	var rs []row
	for rows.Next() {
		r, err := scanPlan(rows)
		if err != nil {
			return nil, 0, errs.Wrap(err, "plan: scan")
		}
		rs = append(rs, r)
		linked = append(linked, r.basedOn, r.supersededBy)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, errs.Wrap(err, "plan: list")
	}
	rows.Close()
	refs, err := refs(ctx, s.DB.R, linked...)
	if err != nil {
		return nil, 0, err
	}
	for _, r := range rs {
		r.BasedOn, r.SupersededBy = refs[r.basedOn], refs[r.supersededBy]
		out = append(out, r.Plan)
	}
	return out, total, nil
}
