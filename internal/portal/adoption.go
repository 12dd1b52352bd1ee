package portal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/exemplar"
	"thidua/internal/notify"
	"thidua/internal/viet"
)

// AdoptionStatus is where a unit's application of an exemplar stands.
type AdoptionStatus string

const (
	Applying  AdoptionStatus = "active"    // đang áp dụng
	Completed AdoptionStatus = "completed" // đã hoàn thành, có kết quả
	Stopped   AdoptionStatus = "stopped"   // đã dừng
)

// Label is the Vietnamese name of a status.
func (s AdoptionStatus) Label() string {
	switch s {
	case Applying:
		return "Đang áp dụng"
	case Completed:
		return "Đã hoàn thành"
	case Stopped:
		return "Đã dừng"
	}
	return string(s)
}

// MaxCheckinFiles caps the evidence files of one check-in.
const MaxCheckinFiles = 10

// Adoption is a unit applying a published model or good practice.
type Adoption struct {
	ID              int64
	PublicationID   int64
	Title           string // the exemplar's title
	Slug            string // its page's slug, "" while it is not on the portal
	PublicationPath string // the managing unit's path
	CreditedUnitID  int64
	CreditedUnit    string
	CreditedPath    string
	UnitID          int64 // the adopting unit
	UnitName        string
	UnitPath        string
	UnitLevels      []string
	StartedOn       time.Time
	Plan            string
	Status          AdoptionStatus
	Progress        int // 0–100, of the latest check-in
	Outcome         string
	EndedOn         *time.Time
	Version         int
	CreatedAt       time.Time
	UpdatedAt       time.Time

	Files    []AdoptionFile // the plan's files
	Checkins []Checkin      // oldest first
}

// Checkin is one progress report of an adoption.
type Checkin struct {
	ID        int64
	On        time.Time
	Progress  int
	Note      string
	Files     []AdoptionFile
	CreatedAt time.Time
}

// AdoptionFile is a plan file or a check-in's evidence.
type AdoptionFile struct {
	SHA256      string
	Name        string
	ContentType string
	Size        int64
	CheckinID   int64
}

// Upload is a file sent with a form.
type Upload struct {
	Name string
	R    io.Reader
}

const adoptionSelect = `SELECT a.id, a.publication_id, p.content, COALESCE(e.slug, ''), pu.path, p.credited_unit_id, cu.name, cu.path,
	a.unit_id, au.name, au.path, au.levels, a.started_on, a.plan, a.status, a.progress, a.outcome, a.ended_on, a.version, a.created_at, a.updated_at
	FROM adoptions a JOIN publications p ON p.id = a.publication_id JOIN units pu ON pu.id = p.unit_id
	JOIN units cu ON cu.id = p.credited_unit_id JOIN units au ON au.id = a.unit_id
	LEFT JOIN portal_entries e ON e.publication_id = a.publication_id`

func scanAdoption(row scanner) (Adoption, error) {
	var a Adoption
	var content, levels string
	var ended sql.NullTime
	err := row.Scan(&a.ID, &a.PublicationID, &content, &a.Slug, &a.PublicationPath, &a.CreditedUnitID, &a.CreditedUnit, &a.CreditedPath,
		&a.UnitID, &a.UnitName, &a.UnitPath, &levels, &a.StartedOn, &a.Plan, &a.Status, &a.Progress, &a.Outcome, &ended,
		&a.Version, &a.CreatedAt, &a.UpdatedAt)
	if err != nil {
		return a, err
	}
	a.Title = titleOf(content)
	a.StartedOn, a.EndedOn = a.StartedOn.UTC(), timePtr(ended)
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	for _, l := range strings.Split(strings.Trim(levels, ","), ",") {
		if l != "" {
			a.UnitLevels = append(a.UnitLevels, l)
		}
	}
	return a, nil
}

// titleOf reads the title of a publication's content JSON.
func titleOf(content string) string {
	var c struct {
		Title string `json:"title"`
	}
	jsonUnmarshal(content, &c)
	return c.Title
}

// canReadAdoption: roles over the adopting unit, the managers of the
// publication, and the credited unit (the originating school follows
// where its model spreads).
func canReadAdoption(sc access.Scope, a Adoption) bool {
	return sc.CanRead(a.UnitPath) || sc.Has(a.PublicationPath, managers...) || sc.CanRead(a.CreditedPath)
}

func (s *Store) adoption(ctx context.Context, q database.Querier, id int64) (Adoption, error) {
	a, err := scanAdoption(q.QueryRowContext(ctx, adoptionSelect+" WHERE a.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, errs.ErrNotFound
	}
	if err != nil {
		return a, errs.Wrap(err, "portal: adoption")
	}
	return a, nil
}

// Adoption returns an adoption the caller may read, with its plan files
// and check-ins.
func (s *Store) Adoption(ctx context.Context, sc access.Scope, id int64) (Adoption, error) {
	a, err := s.adoption(ctx, s.DB.R, id)
	if err != nil {
		return a, err
	}
	if !canReadAdoption(sc, a) {
		return Adoption{}, errs.ErrNotFound
	}
	if err := s.adoptionDetails(ctx, &a); err != nil {
		return Adoption{}, err
	}
	return a, nil
}

func (s *Store) adoptionDetails(ctx context.Context, a *Adoption) error {
	rows, err := s.DB.R.QueryContext(ctx, "SELECT id, on_date, progress, note, created_at FROM adoption_checkins WHERE adoption_id = $1 ORDER BY on_date, id", a.ID)
	if err != nil {
		return errs.Wrap(err, "portal: check-ins")
	}
	at := map[int64]int{}
	for rows.Next() {
		var c Checkin
		if err := rows.Scan(&c.ID, &c.On, &c.Progress, &c.Note, &c.CreatedAt); err != nil {
			rows.Close()
			return errs.Wrap(err, "portal: scan check-in")
		}
		c.On, c.CreatedAt = c.On.UTC(), c.CreatedAt.UTC()
		at[c.ID] = len(a.Checkins)
		a.Checkins = append(a.Checkins, c)
	}
	rows.Close()
	rows, err = s.DB.R.QueryContext(ctx, "SELECT COALESCE(checkin_id, 0), sha256, name, content_type, size FROM adoption_files WHERE adoption_id = $1 ORDER BY id", a.ID)
	if err != nil {
		return errs.Wrap(err, "portal: adoption files")
	}
	defer rows.Close()
	for rows.Next() {
		var f AdoptionFile
		if err := rows.Scan(&f.CheckinID, &f.SHA256, &f.Name, &f.ContentType, &f.Size); err != nil {
			return errs.Wrap(err, "portal: scan adoption file")
		}
		if i, ok := at[f.CheckinID]; ok && f.CheckinID != 0 {
			a.Checkins[i].Files = append(a.Checkins[i].Files, f)
		} else {
			a.Files = append(a.Files, f)
		}
	}
	return rows.Err()
}

// writableAdoption reads an adoption for a change by the officers and
// leaders of the adopting unit (or above it).
func (s *Store) writableAdoption(ctx context.Context, q database.Querier, sc access.Scope, id int64, version int) (Adoption, error) {
	a, err := s.adoption(ctx, q, id)
	if err != nil {
		return a, err
	}
	if !canReadAdoption(sc, a) {
		return Adoption{}, errs.ErrNotFound
	}
	if !sc.Has(a.UnitPath, adopters...) {
		return Adoption{}, errs.ErrForbidden
	}
	if a.Version != version {
		return Adoption{}, errs.ErrStale
	}
	return a, nil
}

func (s *Store) recordAdoption(ctx context.Context, tx *sql.Tx, sc access.Scope, a Adoption, action, summary string, before, after any) error {
	var unitPath string
	if err := tx.QueryRowContext(ctx, "SELECT path FROM units WHERE id = $1", a.UnitID).Scan(&unitPath); err != nil {
		return errs.Wrap(err, "portal: adoption unit")
	}
	return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: a.UnitID, UnitPath: unitPath, Action: action,
		ObjectType: "adoption", ObjectID: a.ID, Summary: summary, Before: before, After: after})
}

// AdoptionInput is what a unit records when it starts applying an exemplar.
type AdoptionInput struct {
	PublicationID int64
	UnitID        int64
	StartedOn     time.Time
	Plan          string
}

func (s *Store) checkPlan(in *AdoptionInput, f errs.Fields) {
	in.Plan = text(in.Plan)
	today := Today(s.now())
	switch {
	case in.StartedOn.IsZero():
		f.Add("started_on", "Nhập ngày bắt đầu áp dụng.")
	case day(in.StartedOn).After(today.AddDate(1, 0, 0)):
		f.Add("started_on", "Ngày bắt đầu quá xa (hơn một năm tới).")
	case day(in.StartedOn).Year() < 2000:
		f.Add("started_on", "Ngày bắt đầu không hợp lệ.")
	}
	switch {
	case in.Plan == "":
		f.Add("plan", "Nêu kế hoạch áp dụng: mục tiêu, các bước, người phụ trách, thời gian.")
	case tooLong(in.Plan, maxStory):
		f.Add("plan", "Kế hoạch dài quá "+viet.Int(maxStory)+" ký tự.")
	}
}

// Adopt records that a unit applies a published model or good practice,
// with its plan and optional plan files. The officers and leaders of the
// adopting unit (or above it) may; the originating unit is told.
func (s *Store) Adopt(ctx context.Context, sc access.Scope, in AdoptionInput, uploads []Upload) (Adoption, error) {
	f := errs.Fields{}
	s.checkPlan(&in, f)
	var unitPath, unitName string
	err := s.DB.R.QueryRowContext(ctx, "SELECT path, name FROM units WHERE id = $1", in.UnitID).Scan(&unitPath, &unitName)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Adoption{}, errs.Wrap(err, "portal: adopting unit")
	}
	if unitPath == "" || !sc.CanSeeUnit(unitPath) {
		f.Add("unit_id", "Chọn đơn vị áp dụng.")
	} else if !sc.Has(unitPath, adopters...) {
		return Adoption{}, errs.ErrForbidden
	}
	var category exemplar.Category
	var credited int64
	var title string
	err = s.DB.R.QueryRowContext(ctx, "SELECT e.category, p.credited_unit_id, e.title FROM portal_entries e JOIN publications p ON p.id = e.publication_id WHERE e.publication_id = $1",
		in.PublicationID).Scan(&category, &credited, &title)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		f.Add("publication_id", "Chọn một mô hình, cách làm hay đang đăng trên cổng thông tin.")
	case err != nil:
		return Adoption{}, errs.Wrap(err, "portal: adopted entry")
	case !category.NeedsGuide():
		f.Add("publication_id", "Chỉ mô hình mới, cách làm hay mới được đăng ký nhân rộng.")
	case credited == in.UnitID:
		f.Add("unit_id", "Đây là đơn vị đã xây dựng mô hình, cách làm này; hãy chọn đơn vị áp dụng khác.")
	}
	if err := f.Err(); err != nil {
		return Adoption{}, err
	}
	stored, err := s.putFiles(ctx, uploads, "plan_file")
	if err != nil {
		return Adoption{}, err
	}
	var out Adoption
	err = s.publicTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO adoptions (publication_id, unit_id, started_on, plan, status, progress, created_by, created_at, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $6, $7) RETURNING id`, in.PublicationID, in.UnitID, day(in.StartedOn), in.Plan, string(Applying),
			nullID(sc.UserID), now).Scan(&id)
		if database.IsUnique(err) {
			return errs.InvalidField("unit_id", unitName+" đã đăng ký áp dụng mô hình, cách làm này; hãy cập nhật tiến độ ở đăng ký đã có.")
		}
		if err != nil {
			return errs.Wrap(err, "portal: insert adoption")
		}
		if err := insertFiles(ctx, tx, sc, id, 0, stored, now); err != nil {
			return err
		}
		if err := Invalidate(ctx, tx); err != nil {
			return err
		}
		if out, err = s.adoption(ctx, tx, id); err != nil {
			return err
		}
		if s.Notify != nil {
			if _, err := s.Notify.ToUnitTx(ctx, tx, credited, adopters, notify.Note{
				Title: "“" + title + "” được nhân rộng tại " + unitName,
				Body:  unitName + " đăng ký áp dụng mô hình, cách làm “" + title + "” từ " + viet.ShortDate(day(in.StartedOn)) + ".",
				URL:   "/adoptions/" + strconv.FormatInt(id, 10), Key: "adoption-" + strconv.FormatInt(id, 10)}); err != nil {
				return err
			}
		}
		return s.recordAdoption(ctx, tx, sc, out, "adopt", unitName+" đăng ký áp dụng “"+title+"” từ "+viet.ShortDate(out.StartedOn), nil,
			map[string]any{"publication_id": in.PublicationID, "started_on": out.StartedOn.Format(time.DateOnly), "plan": in.Plan, "files": len(stored)})
	})
	return out, err
}

// putFiles stores uploads as evidence (images, PDF, Word, Excel). A
// refused file stores nothing of the others' rows; its message goes on
// field.
func (s *Store) putFiles(ctx context.Context, uploads []Upload, field string) ([]AdoptionFile, error) {
	if len(uploads) > MaxCheckinFiles {
		return nil, errs.InvalidField(field, "Đính kèm tối đa "+strconv.Itoa(MaxCheckinFiles)+" tệp mỗi lần.")
	}
	var out []AdoptionFile
	for _, u := range uploads {
		st, err := s.files().Put(ctx, u.R, exemplar.EvidenceKinds)
		if err != nil {
			name := cleanName(u.Name)
			var e *errs.Error
			if errors.As(err, &e) && e.Fields != nil {
				msg := "Tệp “" + name + "”: " + e.Fields["file"]
				c := *e
				c.Message, c.Fields = msg, map[string]string{field: msg}
				return nil, &c
			}
			return nil, err
		}
		out = append(out, AdoptionFile{SHA256: st.SHA256, Name: cleanName(u.Name), ContentType: st.ContentType, Size: st.Size})
	}
	return out, nil
}

func insertFiles(ctx context.Context, tx *sql.Tx, sc access.Scope, adoptionID, checkinID int64, fs []AdoptionFile, now time.Time) error {
	for _, f := range fs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO adoption_files (adoption_id, checkin_id, sha256, name, content_type, size, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, adoptionID, nullID(checkinID), f.SHA256, f.Name, f.ContentType, f.Size, nullID(sc.UserID), now); err != nil {
			return errs.Wrap(err, "portal: insert adoption file")
		}
	}
	return nil
}

// UpdatePlan changes an adoption's start date and plan, adding plan files.
func (s *Store) UpdatePlan(ctx context.Context, sc access.Scope, id int64, version int, in AdoptionInput, uploads []Upload) (Adoption, error) {
	if _, err := s.writableAdoption(ctx, s.DB.R, sc, id, version); err != nil {
		return Adoption{}, err
	}
	f := errs.Fields{}
	s.checkPlan(&in, f)
	if err := f.Err(); err != nil {
		return Adoption{}, err
	}
	stored, err := s.putFiles(ctx, uploads, "plan_file")
	if err != nil {
		return Adoption{}, err
	}
	var out Adoption
	err = s.publicTx(ctx, func(tx *sql.Tx) error {
		old, err := s.writableAdoption(ctx, tx, sc, id, version)
		if err != nil {
			return err
		}
		var first time.Time
		err = tx.QueryRowContext(ctx, "SELECT on_date FROM adoption_checkins WHERE adoption_id = $1 ORDER BY on_date LIMIT 1", id).Scan(&first)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return errs.Wrap(err, "portal: first check-in")
		}
		if err == nil && day(in.StartedOn).After(first.UTC()) {
			return errs.InvalidField("started_on", "Ngày bắt đầu không thể sau lần cập nhật tiến độ đầu tiên ("+viet.ShortDate(first.UTC())+").")
		}
		now := s.now()
		res, err := tx.ExecContext(ctx, `UPDATE adoptions SET started_on = $1, plan = $2, version = version + 1, updated_by = $3, updated_at = $4
			WHERE id = $5 AND version = $6`, day(in.StartedOn), in.Plan, nullID(sc.UserID), now, id, version)
		if err := guarded(res, err); err != nil {
			return err
		}
		if err := insertFiles(ctx, tx, sc, id, 0, stored, now); err != nil {
			return err
		}
		if err := Invalidate(ctx, tx); err != nil {
			return err
		}
		if out, err = s.adoption(ctx, tx, id); err != nil {
			return err
		}
		return s.recordAdoption(ctx, tx, sc, out, "update", "Sửa kế hoạch áp dụng “"+out.Title+"” tại "+out.UnitName,
			map[string]any{"started_on": old.StartedOn.Format(time.DateOnly), "plan": old.Plan},
			map[string]any{"started_on": out.StartedOn.Format(time.DateOnly), "plan": out.Plan, "files": len(stored)})
	})
	return out, err
}

// CheckinInput is one progress report.
type CheckinInput struct {
	On       time.Time
	Progress int // 0–100
	Note     string
}

// CheckIn adds a progress report with evidence files to an adoption that
// is still being applied.
func (s *Store) CheckIn(ctx context.Context, sc access.Scope, id int64, version int, in CheckinInput, uploads []Upload) (Adoption, error) {
	old, err := s.writableAdoption(ctx, s.DB.R, sc, id, version)
	if err != nil {
		return Adoption{}, err
	}
	in.Note = text(in.Note)
	f := errs.Fields{}
	if old.Status != Applying {
		return Adoption{}, errs.E(errs.Invalid, "Việc áp dụng đã kết thúc ("+old.Status.Label()+"); không cập nhật tiến độ được nữa.")
	}
	today := Today(s.now())
	switch {
	case in.On.IsZero():
		f.Add("on", "Nhập ngày cập nhật.")
	case day(in.On).After(today):
		f.Add("on", "Ngày cập nhật không thể sau hôm nay.")
	case day(in.On).Before(old.StartedOn):
		f.Add("on", "Ngày cập nhật không thể trước ngày bắt đầu áp dụng ("+viet.ShortDate(old.StartedOn)+").")
	}
	if in.Progress < 0 || in.Progress > 100 {
		f.Add("progress", "Mức độ hoàn thành là một số từ 0 đến 100 (%).")
	}
	switch {
	case in.Note == "" && len(uploads) == 0:
		f.Add("note", "Ghi nhận xét về tiến độ hoặc đính kèm minh chứng.")
	case tooLong(in.Note, maxText):
		f.Add("note", "Ghi chú dài quá "+viet.Int(maxText)+" ký tự.")
	}
	if err := f.Err(); err != nil {
		return Adoption{}, err
	}
	stored, err := s.putFiles(ctx, uploads, "files")
	if err != nil {
		return Adoption{}, err
	}
	var out Adoption
	err = s.publicTx(ctx, func(tx *sql.Tx) error {
		old, err := s.writableAdoption(ctx, tx, sc, id, version)
		if err != nil {
			return err
		}
		now := s.now()
		var cid int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO adoption_checkins (adoption_id, on_date, progress, note, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, id, day(in.On), in.Progress, in.Note, nullID(sc.UserID), now).Scan(&cid); err != nil {
			return errs.Wrap(err, "portal: insert check-in")
		}
		if err := insertFiles(ctx, tx, sc, id, cid, stored, now); err != nil {
			return err
		}
		// The adoption's progress is that of its latest check-in by date.
		var latest int
		if err := tx.QueryRowContext(ctx, "SELECT progress FROM adoption_checkins WHERE adoption_id = $1 ORDER BY on_date DESC, id DESC LIMIT 1", id).Scan(&latest); err != nil {
			return errs.Wrap(err, "portal: latest progress")
		}
		res, err := tx.ExecContext(ctx, "UPDATE adoptions SET progress = $1, version = version + 1, updated_by = $2, updated_at = $3 WHERE id = $4 AND version = $5",
			latest, nullID(sc.UserID), now, id, version)
		if err := guarded(res, err); err != nil {
			return err
		}
		if err := Invalidate(ctx, tx); err != nil {
			return err
		}
		if out, err = s.adoption(ctx, tx, id); err != nil {
			return err
		}
		return s.recordAdoption(ctx, tx, sc, out, "checkin", fmt.Sprintf("Cập nhật tiến độ áp dụng “%s” tại %s: %d%% (ngày %s)", out.Title, out.UnitName, in.Progress, viet.ShortDate(day(in.On))),
			map[string]any{"progress": old.Progress}, map[string]any{"progress": latest, "on": day(in.On).Format(time.DateOnly), "note": in.Note, "files": len(stored)})
	})
	return out, err
}

// OutcomeInput ends an adoption.
type OutcomeInput struct {
	Status  AdoptionStatus // Completed or Stopped
	EndedOn time.Time
	Outcome string
}

// Conclude records an adoption's outcome and end.
func (s *Store) Conclude(ctx context.Context, sc access.Scope, id int64, version int, in OutcomeInput) (Adoption, error) {
	in.Outcome = text(in.Outcome)
	var out Adoption
	err := s.publicTx(ctx, func(tx *sql.Tx) error {
		old, err := s.writableAdoption(ctx, tx, sc, id, version)
		if err != nil {
			return err
		}
		if old.Status != Applying {
			return errs.E(errs.Invalid, "Việc áp dụng đã kết thúc ("+old.Status.Label()+").")
		}
		f := errs.Fields{}
		if in.Status != Completed && in.Status != Stopped {
			f.Add("status", "Chọn kết quả: đã hoàn thành hoặc dừng áp dụng.")
		}
		today := Today(s.now())
		switch {
		case in.EndedOn.IsZero():
			f.Add("ended_on", "Nhập ngày kết thúc.")
		case day(in.EndedOn).After(today):
			f.Add("ended_on", "Ngày kết thúc không thể sau hôm nay.")
		case day(in.EndedOn).Before(old.StartedOn):
			f.Add("ended_on", "Ngày kết thúc không thể trước ngày bắt đầu ("+viet.ShortDate(old.StartedOn)+").")
		}
		switch {
		case in.Outcome == "":
			f.Add("outcome", "Nêu kết quả đạt được (hoặc lý do dừng) và bài học rút ra.")
		case tooLong(in.Outcome, maxStory):
			f.Add("outcome", "Kết quả dài quá "+viet.Int(maxStory)+" ký tự.")
		}
		if err := f.Err(); err != nil {
			return err
		}
		progress := old.Progress
		if in.Status == Completed {
			progress = 100
		}
		res, err := tx.ExecContext(ctx, `UPDATE adoptions SET status = $1, ended_on = $2, outcome = $3, progress = $4, version = version + 1,
			updated_by = $5, updated_at = $6 WHERE id = $7 AND version = $8`, string(in.Status), day(in.EndedOn), in.Outcome, progress,
			nullID(sc.UserID), s.now(), id, version)
		if err := guarded(res, err); err != nil {
			return err
		}
		if err := Invalidate(ctx, tx); err != nil {
			return err
		}
		if out, err = s.adoption(ctx, tx, id); err != nil {
			return err
		}
		return s.recordAdoption(ctx, tx, sc, out, "conclude", "Kết thúc áp dụng “"+out.Title+"” tại "+out.UnitName+": "+in.Status.Label(),
			map[string]any{"status": old.Status}, map[string]any{"status": in.Status, "ended_on": day(in.EndedOn).Format(time.DateOnly), "outcome": in.Outcome})
	})
	return out, err
}

// AdoptionFileOf returns a file of an adoption the caller may read.
func (s *Store) AdoptionFileOf(ctx context.Context, sc access.Scope, id int64, sha string) (AdoptionFile, error) {
	a, err := s.adoption(ctx, s.DB.R, id)
	if err != nil {
		return AdoptionFile{}, err
	}
	if !canReadAdoption(sc, a) {
		return AdoptionFile{}, errs.ErrNotFound
	}
	var f AdoptionFile
	err = s.DB.R.QueryRowContext(ctx, "SELECT COALESCE(checkin_id, 0), sha256, name, content_type, size FROM adoption_files WHERE adoption_id = $1 AND sha256 = $2 ORDER BY id LIMIT 1",
		id, sha).Scan(&f.CheckinID, &f.SHA256, &f.Name, &f.ContentType, &f.Size)
	if errors.Is(err, sql.ErrNoRows) {
		return f, errs.ErrNotFound
	}
	if err != nil {
		return f, errs.Wrap(err, "portal: adoption file")
	}
	return f, nil
}

// AdoptionFilter narrows a listing of adoptions.
type AdoptionFilter struct {
	PublicationID int64
	Status        AdoptionStatus
	Limit, Offset int
}

// adoptionScope is the condition of the adoptions the caller may read,
// with its arguments numbered from argN.
func adoptionScope(sc access.Scope, argN int) (string, []any) {
	a, args := sc.Filter("au.path", argN)
	b, bargs := sc.Filter("pu.path", argN+len(args), managers...)
	args = append(args, bargs...)
	c, cargs := sc.Filter("cu.path", argN+len(args))
	args = append(args, cargs...)
	return "(" + a + " OR " + b + " OR " + c + ")", args
}

// Adoptions lists the adoptions the caller may read, latest start first,
// and how many match.
func (s *Store) Adoptions(ctx context.Context, sc access.Scope, f AdoptionFilter) ([]Adoption, int, error) {
	cond, args := adoptionScope(sc, 1)
	where := []string{cond}
	if f.PublicationID != 0 {
		args = append(args, f.PublicationID)
		where = append(where, "a.publication_id = $"+strconv.Itoa(len(args)))
	}
	if f.Status != "" {
		args = append(args, string(f.Status))
		where = append(where, "a.status = $"+strconv.Itoa(len(args)))
	}
	w := strings.Join(where, " AND ")
	from := ` FROM adoptions a JOIN publications p ON p.id = a.publication_id JOIN units pu ON pu.id = p.unit_id
		JOIN units cu ON cu.id = p.credited_unit_id JOIN units au ON au.id = a.unit_id`
	var total int
	if err := s.DB.R.QueryRowContext(ctx, "SELECT COUNT(*)"+from+" WHERE "+w, args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "portal: count adoptions")
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	args = append(args, f.Limit, max(f.Offset, 0))
	rows, err := s.DB.R.QueryContext(ctx, fmt.Sprintf("%s WHERE %s ORDER BY a.started_on DESC, a.id DESC LIMIT $%d OFFSET $%d", adoptionSelect, w, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "portal: adoptions")
	}
	defer rows.Close()
	var out []Adoption
	for rows.Next() {
		a, err := scanAdoption(rows)
		if err != nil {
			return nil, 0, errs.Wrap(err, "portal: scan adoption")
		}
		out = append(out, a)
	}
	return out, total, rows.Err()
}
