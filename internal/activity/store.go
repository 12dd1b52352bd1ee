package activity

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/exemplar"
	"thidua/internal/files"
	"thidua/internal/jobs"
	"thidua/internal/movement"
	"thidua/internal/notify"
	"thidua/internal/viet"
)

// Writers are the roles that log activities at their unit and below.
var Writers = []access.Role{access.Staff, access.Officer, access.Leader}

// Publishers are the roles that decide whether an activity is public.
var Publishers = []access.Role{access.Officer, access.Leader}

// Store keeps activities. Files is the file store of the evidence (a
// database-backed one on DB when nil); Jobs queues thumbnails and exports
// (nil: nothing is queued, as in the demo loader, which makes thumbnails
// itself); Dossiers checks the exemplar dossiers linked; Notify tells the
// requester an export is ready (nil: no notification); Now is the clock
// (time.Now when nil).
type Store struct {
	DB       *database.DB
	Files    *files.Store
	Jobs     *jobs.Queue
	Dossiers *exemplar.Store
	Notify   *notify.Store
	Now      func() time.Time
}

func (s *Store) files() *files.Store {
	if s.Files == nil {
		return files.New(s.DB, "", 0)
	}
	return s.Files
}

func (s *Store) dossiers() *exemplar.Store {
	if s.Dossiers == nil {
		return &exemplar.Store{DB: s.DB, Files: s.files()}
	}
	return s.Dossiers
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Today is the current day in Vietnam, as midnight UTC (the form activity
// dates are stored in).
func (s *Store) Today() time.Time { return day(s.now().In(viet.Zone)) }

// unitRef is the unit of an activity.
type unitRef struct {
	ID       int64
	Name     string
	Path     string
	From, To *time.Time
}

func (u unitRef) activeOn(d time.Time) bool {
	return (u.From == nil || !d.Before(*u.From)) && (u.To == nil || !d.After(*u.To))
}

func loadUnit(ctx context.Context, q database.Querier, id int64) (unitRef, error) {
	var u unitRef
	var from, to sql.NullTime
	err := q.QueryRowContext(ctx, "SELECT id, name, path, valid_from, valid_to FROM units WHERE id = $1", id).Scan(&u.ID, &u.Name, &u.Path, &from, &to)
	if errors.Is(err, sql.ErrNoRows) {
		return u, errs.ErrNotFound
	}
	if err != nil {
		return u, errs.Wrap(err, "activity: load unit")
	}
	if from.Valid {
		t := day(from.Time.UTC())
		u.From = &t
	}
	if to.Valid {
		t := day(to.Time.UTC())
		u.To = &t
	}
	return u, nil
}

const activityColumns = `a.id, a.unit_id, u.name, u.path, a.held_on, a.starts_at, a.ends_on, a.ends_at, a.title, a.form, a.form_other,
	a.participants, a.reach, a.partners, a.description, a.links, a.public, a.version, a.created_by, a.created_at, a.updated_by, a.updated_at`

const activityFrom = ` FROM activities a JOIN units u ON u.id = a.unit_id`

type scanner interface{ Scan(dest ...any) error }

func scanActivity(r scanner) (Activity, error) {
	var a Activity
	var end sql.NullTime
	var links string
	err := r.Scan(&a.ID, &a.UnitID, &a.UnitName, &a.UnitPath, &a.Date, &a.StartTime, &end, &a.EndTime, &a.Title, &a.Form, &a.FormOther,
		&a.Participants, &a.Reach, &a.Partners, &a.Description, &links, &a.Public, &a.Version, &a.CreatedBy, &a.CreatedAt, &a.UpdatedBy, &a.UpdatedAt)
	if err != nil {
		return a, err
	}
	a.Date = day(a.Date.UTC())
	if end.Valid {
		t := day(end.Time.UTC())
		a.EndDate = &t
	}
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(links), &a.Links); err != nil {
		return a, fmt.Errorf("links of activity %d: %w", a.ID, err)
	}
	if a.Links == nil {
		a.Links = []string{}
	}
	a.MovementIDs, a.CampaignIDs, a.DossierIDs, a.Files = []int64{}, []int64{}, []int64{}, []FileRef{}
	return a, nil
}

// query runs an activity query and loads the links and files of what it
// finds.
func (s *Store) query(ctx context.Context, q database.Querier, query string, args ...any) ([]Activity, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, errs.Wrap(err, "activity: list")
	}
	var out []Activity
	for rows.Next() {
		a, err := scanActivity(rows)
		if err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "activity: scan")
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "activity: list")
	}
	if err := attach(ctx, q, out); err != nil {
		return nil, err
	}
	return out, nil
}

// attach loads the movement, campaign and dossier links and the files (with
// their thumbnail state) of the activities in as, in four queries.
func attach(ctx context.Context, q database.Querier, as []Activity) error {
	if len(as) == 0 {
		return nil
	}
	args := make([]any, len(as))
	at := make(map[int64]int, len(as))
	for i, a := range as {
		args[i] = a.ID
		at[a.ID] = i
	}
	in := "(" + database.Placeholders(1, len(args)) + ")"
	for _, l := range []struct {
		query string
		add   func(a *Activity, id int64)
	}{
		{"SELECT activity_id, movement_id FROM activity_movements WHERE activity_id IN " + in + " ORDER BY movement_id",
			func(a *Activity, id int64) { a.MovementIDs = append(a.MovementIDs, id) }},
		{"SELECT activity_id, campaign_id FROM activity_campaigns WHERE activity_id IN " + in + " ORDER BY campaign_id",
			func(a *Activity, id int64) { a.CampaignIDs = append(a.CampaignIDs, id) }},
		{"SELECT activity_id, dossier_id FROM activity_dossiers WHERE activity_id IN " + in + " ORDER BY dossier_id",
			func(a *Activity, id int64) { a.DossierIDs = append(a.DossierIDs, id) }},
	} {
		rows, err := q.QueryContext(ctx, l.query, args...)
		if err != nil {
			return errs.Wrap(err, "activity: load links")
		}
		for rows.Next() {
			var aid, id int64
			if err := rows.Scan(&aid, &id); err != nil {
				rows.Close()
				return errs.Wrap(err, "activity: scan link")
			}
			l.add(&as[at[aid]], id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return errs.Wrap(err, "activity: load links")
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT f.activity_id, f.sha256, f.name, f.content_type, f.size, COALESCE(t.status, '')
		FROM activity_files f LEFT JOIN activity_thumbnails t ON t.sha256 = f.sha256
		WHERE f.activity_id IN `+in+` ORDER BY f.id`, args...)
	if err != nil {
		return errs.Wrap(err, "activity: load files")
	}
	defer rows.Close()
	for rows.Next() {
		var aid int64
		var f FileRef
		var status string
		if err := rows.Scan(&aid, &f.SHA256, &f.Name, &f.ContentType, &f.Size, &status); err != nil {
			return errs.Wrap(err, "activity: scan file")
		}
		if f.IsImage() {
			f.Thumb = ThumbPending
			if status != "" {
				f.Thumb = status
			}
		}
		a := &as[at[aid]]
		a.Files = append(a.Files, f)
	}
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "activity: load files")
	}
	return nil
}

// get reads an activity without checking the scope.
func (s *Store) get(ctx context.Context, q database.Querier, id int64) (Activity, error) {
	as, err := s.query(ctx, q, "SELECT "+activityColumns+activityFrom+" WHERE a.id = $1", id)
	if err != nil {
		return Activity{}, err
	}
	if len(as) == 0 {
		return Activity{}, errs.ErrNotFound
	}
	return as[0], nil
}

// Get returns an activity the caller may read: one whose unit lies in a
// subtree where they hold any role.
func (s *Store) Get(ctx context.Context, sc access.Scope, id int64) (Activity, error) {
	a, err := s.get(ctx, s.DB.R, id)
	if err != nil {
		return Activity{}, err
	}
	if !sc.CanRead(a.UnitPath) {
		return Activity{}, errs.ErrNotFound
	}
	return a, nil
}

// CanEdit reports whether the caller may change a (staff, officers and
// leaders of its unit or above).
func CanEdit(sc access.Scope, a Activity) bool { return sc.Has(a.UnitPath, Writers...) }

// CanPublish reports whether the caller may decide that a is public.
func CanPublish(sc access.Scope, a Activity) bool { return sc.Has(a.UnitPath, Publishers...) }

// editable reads an activity for a change: NotFound outside the caller's
// subtrees, Forbidden without a writing role, Stale when version is not
// the current one.
func (s *Store) editable(ctx context.Context, q database.Querier, sc access.Scope, id int64, version int) (Activity, error) {
	a, err := s.get(ctx, q, id)
	if err != nil {
		return Activity{}, err
	}
	if !sc.CanRead(a.UnitPath) {
		return Activity{}, errs.ErrNotFound
	}
	if !CanEdit(sc, a) {
		return Activity{}, errs.ErrForbidden
	}
	if a.Version != version {
		return Activity{}, errs.ErrStale
	}
	return a, nil
}

var errPublish = &errs.Error{Code: errs.Forbidden, Message: "Chỉ lãnh đạo hoặc cán bộ phụ trách thi đua của đơn vị được quyết định công khai hoạt động.",
	Fields: map[string]string{"public": "Chỉ lãnh đạo hoặc cán bộ phụ trách thi đua của đơn vị được quyết định công khai hoạt động."}}

// checkLinks validates the movements, campaigns and dossiers an input
// links: movements and campaigns must exist (a campaign's movement is
// linked with it), dossiers must be ones the caller may read. keep are
// dossiers already linked that the caller cannot read: they stay linked.
func (s *Store) checkLinks(ctx context.Context, q database.Querier, sc access.Scope, in *Input, keep []int64, f errs.Fields) error {
	if len(in.MovementIDs)+len(in.CampaignIDs) > 0 {
		choices, err := movement.Choices(ctx, q)
		if err != nil {
			return err
		}
		movements := map[int64]bool{}
		campaignOf := map[int64]int64{}
		for _, m := range choices {
			movements[m.ID] = true
			for _, c := range m.Campaigns {
				campaignOf[c.ID] = m.ID
			}
		}
		for _, id := range in.MovementIDs {
			if !movements[id] {
				f.Add("movements", "Không tìm thấy phong trào thi đua đã chọn; hãy tải lại trang và chọn lại.")
			}
		}
		for _, id := range in.CampaignIDs {
			m, ok := campaignOf[id]
			if !ok {
				f.Add("campaigns", "Không tìm thấy đợt thi đua đã chọn; hãy tải lại trang và chọn lại.")
				continue
			}
			if !slices.Contains(in.MovementIDs, m) {
				in.MovementIDs = append(in.MovementIDs, m)
			}
		}
		in.MovementIDs = ids(in.MovementIDs)
	}
	var checked []int64
	for _, id := range in.DossierIDs {
		if slices.Contains(keep, id) {
			continue
		}
		if _, err := s.dossiers().Get(ctx, sc, id); err != nil {
			if errs.Is(err, errs.NotFound) {
				f.Add("dossiers", "Không tìm thấy hồ sơ điển hình đã chọn, hoặc bạn không có quyền xem hồ sơ đó.")
				continue
			}
			return err
		}
		checked = append(checked, id)
	}
	in.DossierIDs = ids(append(checked, keep...))
	return nil
}

// prepare normalizes and checks an input for the unit u.
func (s *Store) prepare(ctx context.Context, q database.Querier, sc access.Scope, u unitRef, in *Input, keep []int64) error {
	f := errs.Fields{}
	in.validate(f, s.Today())
	if !in.Date.IsZero() && f["date"] == "" && !u.activeOn(in.Date) {
		f.Add("date", "Ngày này đơn vị "+u.Name+" chưa thành lập hoặc đã kết thúc hoạt động; chọn ngày khác hoặc đơn vị khác.")
	}
	if err := s.checkLinks(ctx, q, sc, in, keep, f); err != nil {
		return err
	}
	return f.Err()
}

func dateArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return day(*t)
}

func searchText(in Input) string {
	return viet.Fold(in.Title + " " + in.FormOther + " " + in.Partners + " " + in.Description)
}

// writeLinks replaces the link rows of activity id of unit unitID.
func writeLinks(ctx context.Context, tx *sql.Tx, id, unitID int64, in Input) error {
	for _, t := range []string{"activity_movements", "activity_campaigns", "activity_dossiers"} {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+t+" WHERE activity_id = $1", id); err != nil {
			return errs.Wrap(err, "activity: clear links")
		}
	}
	for _, l := range []struct {
		insert string
		ids    []int64
	}{
		{"INSERT INTO activity_movements (activity_id, movement_id, unit_id) VALUES ($1, $2, $3)", in.MovementIDs},
		{"INSERT INTO activity_campaigns (activity_id, campaign_id, unit_id) VALUES ($1, $2, $3)", in.CampaignIDs},
		{"INSERT INTO activity_dossiers (activity_id, dossier_id) VALUES ($1, $2)", in.DossierIDs},
	} {
		for _, x := range l.ids {
			args := []any{id, x}
			if strings.Count(l.insert, "$") == 3 {
				args = append(args, unitID)
			}
			if _, err := tx.ExecContext(ctx, l.insert, args...); err != nil {
				return errs.Wrap(err, "activity: write links")
			}
		}
	}
	return nil
}

// tally adds delta to the number of activities of form f on day (the
// activity_day_counts the department lists count with).
func tally(ctx context.Context, tx *sql.Tx, f Form, day time.Time, delta int) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO activity_day_counts (form, held_on, n) VALUES ($1, $2, $3)
		ON CONFLICT (form, held_on) DO UPDATE SET n = activity_day_counts.n + excluded.n`, string(f), day, delta)
	if err != nil {
		return errs.Wrap(err, "activity: day counts")
	}
	return nil
}

// Upload is a file sent with an activity: its name as sent and its bytes.
type Upload struct {
	Name string
	R    io.Reader
}

// Create logs an activity at in.UnitID with its evidence files. Staff,
// officers and leaders of the unit or of a unit above it may; only leaders
// and officers may make it public. Every file is checked (type by content,
// size) before anything is saved: one refused file and nothing is.
func (s *Store) Create(ctx context.Context, sc access.Scope, in Input, uploads ...Upload) (Activity, error) {
	in.Normalize()
	u, err := loadUnit(ctx, s.DB.R, in.UnitID)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return Activity{}, err
	}
	if in.UnitID == 0 || err != nil || !sc.CanSeeUnit(u.Path) {
		return Activity{}, errs.InvalidField("unit_id", "Chọn đơn vị tổ chức hoạt động.")
	}
	if !sc.Has(u.Path, Writers...) {
		return Activity{}, errs.ErrForbidden
	}
	if in.Public != nil && *in.Public && !sc.Has(u.Path, Publishers...) {
		return Activity{}, errPublish
	}
	if err := s.prepare(ctx, s.DB.R, sc, u, &in, nil); err != nil {
		return Activity{}, err
	}
	refs, err := s.store(ctx, 0, uploads)
	if err != nil {
		return Activity{}, err
	}
	links, _ := json.Marshal(in.Links)
	var out Activity
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		now := database.Now()
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO activities (unit_id, held_on, starts_at, ends_on, ends_at, title, form, form_other, participants, reach,
			partners, description, links, public, search, version, created_by, created_at, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16, $17, $16, $17) RETURNING id`,
			u.ID, in.Date, in.StartTime, dateArg(in.EndDate), in.EndTime, in.Title, string(in.Form), in.FormOther, in.Participants, in.Reach,
			in.Partners, in.Description, string(links), in.Public != nil && *in.Public, searchText(in), sc.UserID, now).Scan(&id)
		if err != nil {
			return errs.Wrap(err, "activity: insert")
		}
		if err := writeLinks(ctx, tx, id, u.ID, in); err != nil {
			return err
		}
		if err := tally(ctx, tx, in.Form, in.Date, 1); err != nil {
			return err
		}
		if err := s.insertFiles(ctx, tx, sc, id, refs); err != nil {
			return err
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: out.UnitID, UnitPath: out.UnitPath, Action: "create",
			ObjectType: "activity", ObjectID: out.ID, Summary: "Ghi hoạt động tuyên truyền " + describe(out), After: out})
	})
	return out, err
}

// Update saves an activity. version must be the one the caller read: a
// stale write gets errs.ErrStale and changes nothing. The unit cannot
// change; dossiers the caller cannot read stay linked.
func (s *Store) Update(ctx context.Context, sc access.Scope, id int64, version int, in Input) (Activity, error) {
	in.Normalize()
	var out Activity
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.editable(ctx, tx, sc, id, version)
		if err != nil {
			return err
		}
		if in.UnitID != 0 && in.UnitID != old.UnitID {
			return errs.InvalidField("unit_id", "Không thể chuyển hoạt động sang đơn vị khác; hãy ghi hoạt động mới tại đơn vị đó.")
		}
		public := old.Public
		if in.Public != nil && *in.Public != old.Public {
			if !CanPublish(sc, old) {
				return errPublish
			}
			public = *in.Public
		}
		u, err := loadUnit(ctx, tx, old.UnitID)
		if err != nil {
			return err
		}
		var hidden []int64
		for _, d := range old.DossierIDs {
			if _, err := s.dossiers().Get(ctx, sc, d); errs.Is(err, errs.NotFound) {
				hidden = append(hidden, d)
			} else if err != nil {
				return err
			}
		}
		if err := s.prepare(ctx, tx, sc, u, &in, hidden); err != nil {
			return err
		}
		links, _ := json.Marshal(in.Links)
		res, err := tx.ExecContext(ctx, `UPDATE activities SET held_on = $1, starts_at = $2, ends_on = $3, ends_at = $4, title = $5, form = $6,
			form_other = $7, participants = $8, reach = $9, partners = $10, description = $11, links = $12, public = $13, search = $14,
			version = version + 1, updated_by = $15, updated_at = $16 WHERE id = $17 AND version = $18`,
			in.Date, in.StartTime, dateArg(in.EndDate), in.EndTime, in.Title, string(in.Form), in.FormOther, in.Participants, in.Reach,
			in.Partners, in.Description, string(links), public, searchText(in), sc.UserID, database.Now(), id, version)
		if err != nil {
			return errs.Wrap(err, "activity: update")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrStale
		}
		if err := writeLinks(ctx, tx, id, old.UnitID, in); err != nil {
			return err
		}
		if in.Form != old.Form || !in.Date.Equal(old.Date) {
			if err := tally(ctx, tx, old.Form, old.Date, -1); err != nil {
				return err
			}
			if err := tally(ctx, tx, in.Form, in.Date, 1); err != nil {
				return err
			}
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: out.UnitID, UnitPath: out.UnitPath, Action: "update",
			ObjectType: "activity", ObjectID: out.ID, Summary: "Sửa hoạt động tuyên truyền " + describe(out), Before: old, After: out})
	})
	return out, err
}

// SetPublic marks an activity public (công khai) or not; leaders and
// officers of its unit or above only.
func (s *Store) SetPublic(ctx context.Context, sc access.Scope, id int64, version int, public bool) (Activity, error) {
	var out Activity
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.editable(ctx, tx, sc, id, version)
		if errs.Is(err, errs.Forbidden) {
			return errPublish
		}
		if err != nil {
			return err
		}
		if !CanPublish(sc, old) {
			return errPublish
		}
		if old.Public == public {
			out = old
			return nil
		}
		if out, err = s.touch(ctx, tx, sc, id, version, "public = $5, ", public); err != nil {
			return err
		}
		verb := "Công khai"
		if !public {
			verb = "Thôi công khai"
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: out.UnitID, UnitPath: out.UnitPath, Action: "publish",
			ObjectType: "activity", ObjectID: id, Summary: verb + " hoạt động tuyên truyền " + describe(out),
			Before: map[string]any{"public": old.Public, "version": old.Version}, After: map[string]any{"public": out.Public, "version": out.Version}})
	})
	return out, err
}

// Delete removes an activity and its links (the file bytes stay in the
// file store). Writers may delete; a public activity only its publishers.
func (s *Store) Delete(ctx context.Context, sc access.Scope, id int64, version int) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.editable(ctx, tx, sc, id, version)
		if err != nil {
			return err
		}
		if old.Public && !CanPublish(sc, old) {
			return errs.E(errs.Forbidden, "Hoạt động đang được công khai; chỉ lãnh đạo hoặc cán bộ phụ trách thi đua được xóa.")
		}
		for _, t := range []string{"activity_movements", "activity_campaigns", "activity_dossiers", "activity_files"} {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+t+" WHERE activity_id = $1", id); err != nil {
				return errs.Wrap(err, "activity: delete links")
			}
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM activities WHERE id = $1 AND version = $2", id, version)
		if err != nil {
			return errs.Wrap(err, "activity: delete")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrStale
		}
		if err := tally(ctx, tx, old.Form, old.Date, -1); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: old.UnitID, UnitPath: old.UnitPath, Action: "delete",
			ObjectType: "activity", ObjectID: id, Summary: "Xóa hoạt động tuyên truyền " + describe(old), Before: old})
	})
}

// touch bumps an activity's version (setting the extra columns of set,
// whose arguments start at $5) and returns it.
func (s *Store) touch(ctx context.Context, tx *sql.Tx, sc access.Scope, id int64, version int, set string, args ...any) (Activity, error) {
	res, err := tx.ExecContext(ctx, "UPDATE activities SET "+set+"version = version + 1, updated_by = $1, updated_at = $2 WHERE id = $3 AND version = $4",
		append([]any{sc.UserID, database.Now(), id, version}, args...)...)
	if err != nil {
		return Activity{}, errs.Wrap(err, "activity: bump version")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Activity{}, errs.ErrStale
	}
	return s.get(ctx, tx, id)
}

// DossierLink is a linked exemplar dossier as a reader sees it.
type DossierLink struct {
	ID       int64
	Title    string
	Subject  string
	UnitName string
}

// LinkedDossiers returns the dossiers linked to a that the caller may read,
// and how many others are linked that they may not.
func (s *Store) LinkedDossiers(ctx context.Context, sc access.Scope, a Activity) ([]DossierLink, int, error) {
	var out []DossierLink
	hidden := 0
	for _, id := range a.DossierIDs {
		d, err := s.dossiers().Get(ctx, sc, id)
		if errs.Is(err, errs.NotFound) {
			hidden++
			continue
		}
		if err != nil {
			return nil, 0, err
		}
		out = append(out, DossierLink{ID: d.ID, Title: d.Title, Subject: d.SubjectName(), UnitName: d.UnitName})
	}
	return out, hidden, nil
}

// Names maps movement and campaign ids to their names, for showing links.
type Names struct {
	Movements map[int64]string
	Campaigns map[int64]string
}

// MovementNames reads the names of every movement and campaign.
func MovementNames(ctx context.Context, q database.Querier) (Names, error) {
	choices, err := movement.Choices(ctx, q)
	if err != nil {
		return Names{}, err
	}
	n := Names{Movements: map[int64]string{}, Campaigns: map[int64]string{}}
	for _, m := range choices {
		n.Movements[m.ID] = m.Name
		for _, c := range m.Campaigns {
			n.Campaigns[c.ID] = c.Name
		}
	}
	return n, nil
}

// Of lists the names of the movements and campaigns of a, campaigns after
// their movement: "Phong trào A (Đợt 1)".
func (n Names) Of(a Activity) []string {
	var out []string
	for _, id := range a.MovementIDs {
		out = append(out, n.Movements[id])
	}
	var cs []string
	for _, id := range a.CampaignIDs {
		cs = append(cs, n.Campaigns[id])
	}
	if len(cs) > 0 {
		out = append(out, "Đợt: "+strings.Join(cs, "; "))
	}
	return out
}
