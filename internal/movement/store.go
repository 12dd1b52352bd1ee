package movement

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
	"thidua/internal/viet"
)

// Store reads and writes movements and campaigns. Every logged-in user reads
// them (they are the public face of emulation); officers, leaders and
// administrators of the recording unit, or of a unit above it, record and
// edit them. Every change is audited and versioned.
type Store struct{ DB *database.DB }

const movementSelect = `SELECT m.id, m.unit_id, u.name, u.path, m.name, m.authority, m.authority_name, m.kind, m.starts_on, m.ends_on,
	m.description, m.status, m.version, m.created_at, m.updated_at
	FROM movements m JOIN units u ON u.id = m.unit_id`

type scanner interface{ Scan(dest ...any) error }

// reads reports whether the caller reads movements: any logged-in user, or
// a scope holding roles (background work, the demo loader); not the
// anonymous public, which the portal serves through Current.
func reads(sc access.Scope) bool { return sc.LoggedIn() || len(sc.Grants) > 0 }

func scanMovement(s scanner) (Movement, error) {
	var m Movement
	var ends sql.NullTime
	err := s.Scan(&m.ID, &m.UnitID, &m.UnitName, &m.UnitPath, &m.Name, &m.Authority, &m.AuthorityName, &m.Kind, &m.StartsOn, &ends,
		&m.Description, &m.Status, &m.Version, &m.CreatedAt, &m.UpdatedAt)
	if err != nil {
		return m, err
	}
	m.StartsOn = m.StartsOn.UTC()
	m.CreatedAt, m.UpdatedAt = m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	if ends.Valid {
		t := ends.Time.UTC()
		m.EndsOn = &t
	}
	return m, nil
}

const campaignSelect = `SELECT c.id, c.movement_id, m.name, c.unit_id, u.name, u.path, c.name, c.occasion, c.starts_on, c.ends_on, c.description, c.version
	FROM campaigns c JOIN movements m ON m.id = c.movement_id JOIN units u ON u.id = c.unit_id`

func scanCampaign(s scanner) (Campaign, error) {
	var c Campaign
	err := s.Scan(&c.ID, &c.MovementID, &c.MovementName, &c.UnitID, &c.UnitName, &c.UnitPath, &c.Name, &c.Occasion, &c.StartsOn, &c.EndsOn,
		&c.Description, &c.Version)
	c.StartsOn, c.EndsOn = c.StartsOn.UTC(), c.EndsOn.UTC()
	return c, err
}

func dateArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return day(*t)
}

func (s *Store) get(ctx context.Context, q database.Querier, id int64) (Movement, error) {
	m, err := scanMovement(q.QueryRowContext(ctx, movementSelect+" WHERE m.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, errs.ErrNotFound
	}
	if err != nil {
		return m, errs.Wrap(err, "movement: get")
	}
	return m, nil
}

// Get returns a movement; every logged-in user reads every movement.
func (s *Store) Get(ctx context.Context, sc access.Scope, id int64) (Movement, error) {
	if !reads(sc) {
		return Movement{}, errs.ErrNotFound
	}
	return s.get(ctx, s.DB.R, id)
}

// Filter narrows a listing of movements.
type Filter struct {
	Status    Status
	Authority Authority
	Kind      Kind
	UnitID    int64  // recorded by this unit
	Query     string // folded words, each found in the name, the launcher or the description
	Limit     int    // 50 when 0, at most 500
	Offset    int
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

// List returns the movements matching f, ongoing first, then the most
// recently launched, and how many match in all.
func (s *Store) List(ctx context.Context, sc access.Scope, f Filter) ([]Movement, int, error) {
	if !reads(sc) {
		return nil, 0, nil
	}
	var where []string
	var args []any
	add := func(c string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(c, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.Status != "" {
		add("m.status = ?", string(f.Status))
	}
	if f.Authority != "" {
		add("m.authority = ?", string(f.Authority))
	}
	if f.Kind != "" {
		add("m.kind = ?", string(f.Kind))
	}
	if f.UnitID != 0 {
		add("m.unit_id = ?", f.UnitID)
	}
	for _, w := range strings.Fields(viet.Fold(f.Query)) {
		add(`m.search LIKE ? ESCAPE '\'`, "%"+likeEscape(w)+"%")
	}
	cond := "1 = 1"
	if len(where) > 0 {
		cond = strings.Join(where, " AND ")
	}
	var total int
	if err := s.DB.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM movements m WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "movement: count")
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 500)
	args = append(args, f.Limit, min(max(f.Offset, 0), 1_000_000))
	rows, err := s.DB.R.QueryContext(ctx, fmt.Sprintf(`%s WHERE %s ORDER BY CASE WHEN m.status = 'active' THEN 0 ELSE 1 END, m.starts_on DESC, m.id DESC
		LIMIT $%d OFFSET $%d`, movementSelect, cond, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "movement: list")
	}
	defer rows.Close()
	var out []Movement
	for rows.Next() {
		m, err := scanMovement(rows)
		if err != nil {
			return nil, 0, errs.Wrap(err, "movement: scan")
		}
		out = append(out, m)
	}
	return out, total, rows.Err()
}

type unitRef struct {
	ID   int64
	Name string
	Path string
}

func loadUnit(ctx context.Context, q database.Querier, id int64) (unitRef, error) {
	var u unitRef
	err := q.QueryRowContext(ctx, "SELECT id, name, path FROM units WHERE id = $1", id).Scan(&u.ID, &u.Name, &u.Path)
	if errors.Is(err, sql.ErrNoRows) {
		return u, errs.ErrNotFound
	}
	if err != nil {
		return u, errs.Wrap(err, "movement: load unit")
	}
	return u, nil
}

// recordingUnit resolves the unit a new record is made at: one the caller
// can see (else an error at the unit field) and edits at (else Forbidden).
func recordingUnit(ctx context.Context, q database.Querier, sc access.Scope, id int64) (unitRef, error) {
	u, err := loadUnit(ctx, q, id)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return u, err
	}
	if err != nil || !sc.CanSeeUnit(u.Path) {
		return u, errs.InvalidField("unit_id", "Không tìm thấy đơn vị ghi nhận.")
	}
	if !sc.Has(u.Path, Editors...) {
		return u, errs.ErrForbidden
	}
	return u, nil
}

func searchOf(in Input) string {
	return viet.Fold(in.Name + " " + in.AuthorityName + " " + in.Authority.Label() + " " + in.Description)
}

// Create records a movement at in.UnitID.
func (s *Store) Create(ctx context.Context, sc access.Scope, in Input) (Movement, error) {
	in.normalize()
	var out Movement
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		u, err := recordingUnit(ctx, tx, sc, in.UnitID)
		if err != nil {
			return err
		}
		if err := in.validate(); err != nil {
			return err
		}
		now := database.Now()
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO movements (unit_id, name, authority, authority_name, kind, starts_on, ends_on, description, status,
			search, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
			u.ID, in.Name, string(in.Authority), in.AuthorityName, string(in.Kind), day(in.StartsOn), dateArg(in.EndsOn), in.Description,
			string(in.Status), searchOf(in), sc.UserID, now).Scan(&id)
		if err != nil {
			return errs.Wrap(err, "movement: insert")
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: u.ID, UnitPath: u.Path, Action: "create", ObjectType: "movement",
			ObjectID: id, Summary: "Ghi nhận phong trào thi đua “" + out.Name + "”", After: out})
	})
	return out, err
}

// Update edits a movement; version must be the one the caller read, else
// errs.ErrStale and nothing changes. The recording unit cannot change.
func (s *Store) Update(ctx context.Context, sc access.Scope, id int64, version int, in Input) (Movement, error) {
	in.normalize()
	var out Movement
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !old.CanEdit(sc) {
			return errs.ErrForbidden
		}
		if old.Version != version {
			return errs.ErrStale
		}
		if in.UnitID != 0 && in.UnitID != old.UnitID {
			return errs.InvalidField("unit_id", "Không thể chuyển phong trào sang đơn vị ghi nhận khác.")
		}
		if err := in.validate(); err != nil {
			return err
		}
		// Its campaigns must still fit in the movement's dates.
		var early, late int
		end := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
		if in.EndsOn != nil {
			end = *in.EndsOn
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(CASE WHEN starts_on < $2 THEN 1 END), COUNT(CASE WHEN ends_on > $3 THEN 1 END)
			FROM campaigns WHERE movement_id = $1`, id, day(in.StartsOn), end).Scan(&early, &late); err != nil {
			return errs.Wrap(err, "movement: campaign dates")
		}
		f := errs.Fields{}
		if early > 0 {
			f.Add("starts_on", fmt.Sprintf("Có %d đợt thi đua bắt đầu trước ngày này; hãy sửa các đợt đó trước.", early))
		}
		if late > 0 {
			f.Add("ends_on", fmt.Sprintf("Có %d đợt thi đua kết thúc sau ngày này; hãy sửa các đợt đó trước.", late))
		}
		if err := f.Err(); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE movements SET name = $1, authority = $2, authority_name = $3, kind = $4, starts_on = $5, ends_on = $6,
			description = $7, status = $8, search = $9, version = version + 1, updated_at = $10 WHERE id = $11 AND version = $12`,
			in.Name, string(in.Authority), in.AuthorityName, string(in.Kind), day(in.StartsOn), dateArg(in.EndsOn), in.Description,
			string(in.Status), searchOf(in), database.Now(), id, version)
		if err != nil {
			return errs.Wrap(err, "movement: update")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrStale
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: out.UnitID, UnitPath: out.UnitPath, Action: "update", ObjectType: "movement",
			ObjectID: id, Summary: "Sửa phong trào thi đua “" + out.Name + "”", Before: old, After: out})
	})
	return out, err
}

// Campaigns lists a movement's campaigns, earliest first.
func (s *Store) Campaigns(ctx context.Context, sc access.Scope, movementID int64) ([]Campaign, error) {
	if _, err := s.Get(ctx, sc, movementID); err != nil {
		return nil, err
	}
	return queryCampaigns(ctx, s.DB.R, "c.movement_id = $1", movementID)
}

func queryCampaigns(ctx context.Context, q database.Querier, where string, args ...any) ([]Campaign, error) {
	rows, err := q.QueryContext(ctx, campaignSelect+" WHERE "+where+" ORDER BY c.starts_on, c.id", args...)
	if err != nil {
		return nil, errs.Wrap(err, "movement: campaigns")
	}
	defer rows.Close()
	var out []Campaign
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, errs.Wrap(err, "movement: scan campaign")
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Store) campaign(ctx context.Context, q database.Querier, id int64) (Campaign, error) {
	c, err := scanCampaign(q.QueryRowContext(ctx, campaignSelect+" WHERE c.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, errs.ErrNotFound
	}
	if err != nil {
		return c, errs.Wrap(err, "movement: campaign")
	}
	return c, nil
}

// Campaign returns a campaign; every logged-in user reads every campaign.
func (s *Store) Campaign(ctx context.Context, sc access.Scope, id int64) (Campaign, error) {
	if !reads(sc) {
		return Campaign{}, errs.ErrNotFound
	}
	return s.campaign(ctx, s.DB.R, id)
}

func campaignSearch(in CampaignInput) string {
	return viet.Fold(in.Name + " " + in.Occasion + " " + in.Description)
}

// CreateCampaign adds a campaign to movement movementID, recorded at
// in.UnitID (0: the movement's unit). Any unit may hold a campaign of a
// movement launched above it (a school's đợt thi đua greeting 20/11 under
// the Bộ's movement); the caller must edit at the recording unit.
func (s *Store) CreateCampaign(ctx context.Context, sc access.Scope, movementID int64, in CampaignInput) (Campaign, error) {
	in.normalize()
	var out Campaign
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		m, err := s.get(ctx, tx, movementID)
		if err != nil {
			return err
		}
		if !reads(sc) {
			return errs.ErrNotFound
		}
		if in.UnitID == 0 {
			in.UnitID = m.UnitID
		}
		u, err := recordingUnit(ctx, tx, sc, in.UnitID)
		if err != nil {
			return err
		}
		if err := in.validate(m); err != nil {
			return err
		}
		now := database.Now()
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO campaigns (movement_id, unit_id, name, occasion, starts_on, ends_on, description, search,
			created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
			m.ID, u.ID, in.Name, in.Occasion, in.StartsOn, in.EndsOn, in.Description, campaignSearch(in), sc.UserID, now).Scan(&id)
		if err != nil {
			return errs.Wrap(err, "movement: insert campaign")
		}
		if out, err = s.campaign(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: u.ID, UnitPath: u.Path, Action: "create", ObjectType: "campaign",
			ObjectID: id, Summary: "Ghi nhận đợt thi đua “" + out.Name + "” của phong trào “" + m.Name + "”", After: out})
	})
	return out, err
}

// UpdateCampaign edits a campaign under optimistic concurrency; its
// movement and recording unit stay.
func (s *Store) UpdateCampaign(ctx context.Context, sc access.Scope, id int64, version int, in CampaignInput) (Campaign, error) {
	in.normalize()
	var out Campaign
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.campaign(ctx, tx, id)
		if err != nil {
			return err
		}
		if !old.CanEdit(sc) {
			return errs.ErrForbidden
		}
		if old.Version != version {
			return errs.ErrStale
		}
		if in.UnitID != 0 && in.UnitID != old.UnitID {
			return errs.InvalidField("unit_id", "Không thể chuyển đợt thi đua sang đơn vị ghi nhận khác.")
		}
		m, err := s.get(ctx, tx, old.MovementID)
		if err != nil {
			return err
		}
		if err := in.validate(m); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE campaigns SET name = $1, occasion = $2, starts_on = $3, ends_on = $4, description = $5, search = $6,
			version = version + 1, updated_at = $7 WHERE id = $8 AND version = $9`,
			in.Name, in.Occasion, in.StartsOn, in.EndsOn, in.Description, campaignSearch(in), database.Now(), id, version)
		if err != nil {
			return errs.Wrap(err, "movement: update campaign")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrStale
		}
		if out, err = s.campaign(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: out.UnitID, UnitPath: out.UnitPath, Action: "update", ObjectType: "campaign",
			ObjectID: id, Summary: "Sửa đợt thi đua “" + out.Name + "”", Before: old, After: out})
	})
	return out, err
}

// CurrentMovement is an active movement with its campaigns under way.
type CurrentMovement struct {
	Movement
	Campaigns []Campaign
}

// Current returns, for the public portal, up to limit movements that are
// active on day on (launched, not ended, status active), each with its
// campaigns under way that day: those with a running campaign first, then
// the most recently launched. It reads no personal data and takes no scope.
func Current(ctx context.Context, q database.Querier, on time.Time, limit int) ([]CurrentMovement, error) {
	d := day(on)
	limit = min(max(limit, 1), 100)
	rows, err := q.QueryContext(ctx, movementSelect+` WHERE m.status = 'active' AND m.starts_on <= $1 AND (m.ends_on IS NULL OR m.ends_on >= $1)
		ORDER BY CASE WHEN EXISTS (SELECT 1 FROM campaigns c WHERE c.movement_id = m.id AND c.starts_on <= $1 AND c.ends_on >= $1) THEN 0 ELSE 1 END,
		m.starts_on DESC, m.id DESC LIMIT $2`, d, limit)
	if err != nil {
		return nil, errs.Wrap(err, "movement: current")
	}
	var out []CurrentMovement
	at := map[int64]int{}
	for rows.Next() {
		m, err := scanMovement(rows)
		if err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "movement: scan current")
		}
		at[m.ID] = len(out)
		out = append(out, CurrentMovement{Movement: m})
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	args := []any{d}
	for _, m := range out {
		args = append(args, m.ID)
	}
	cs, err := queryCampaigns(ctx, q, "c.starts_on <= $1 AND c.ends_on >= $1 AND c.movement_id IN ("+database.Placeholders(2, len(out))+")", args...)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		i := at[c.MovementID]
		out[i].Campaigns = append(out[i].Campaigns, c)
	}
	return out, nil
}
