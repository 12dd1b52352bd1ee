package calendar

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"thidua/internal/access"
	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// Observance is a key date: a day remembered every year (ngày kỷ niệm,
// ngày truyền thống), national when UnitID is 0, otherwise a local date of
// that unit (a province's or a school's founding day), which shows in the
// unit's subtree while the unit exists.
type Observance struct {
	ID        int64
	UnitID    int64  // 0: national
	UnitName  string // "" for a national date
	UnitPath  string
	Month     int
	Day       int
	SinceYear int // the year of the event remembered, 0 when none applies
	Name      string
	Note      string
	Public    bool // may appear in the public ICS
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time

	unitFrom, unitTo *time.Time // the unit's validity
}

// National reports whether the date is one for every unit.
func (k Observance) National() bool { return k.UnitID == 0 }

// DayMonth writes the date the way official documents do: "20/11",
// "02/9", "01/01" (a leading zero for days below 10 and months 1 and 2).
func (k Observance) DayMonth() string {
	d, m := strconv.Itoa(k.Day), strconv.Itoa(k.Month)
	if k.Day < 10 {
		d = "0" + d
	}
	if k.Month <= 2 {
		m = "0" + m
	}
	return d + "/" + m
}

// On returns the day the date falls on in year, midnight in Vietnam. A
// 29 February falls on 28 February in other years.
func (k Observance) On(year int) time.Time {
	d := k.Day
	if last := daysIn(year, time.Month(k.Month)); d > last {
		d = last
	}
	return time.Date(year, time.Month(k.Month), d, 0, 0, 0, 0, viet.Zone)
}

// Anniversary is the "kỷ niệm" line of the date in year: "Kỷ niệm 44 năm
// Ngày Nhà giáo Việt Nam (20/11/1982 - 20/11/2026)", as official documents
// write it, or "" when the date has no year of origin or year is not after
// it.
func (k Observance) Anniversary(year int) string {
	if k.SinceYear <= 0 || year <= k.SinceYear {
		return ""
	}
	dm := k.DayMonth()
	return fmt.Sprintf("Kỷ niệm %d năm %s (%s/%d - %s/%d)", year-k.SinceYear, k.Name, dm, k.SinceYear, dm, year)
}

// URL is where the date is shown in thidua.
func (k Observance) URL() string {
	if k.National() {
		return "/calendar/key-dates#kd-" + strconv.FormatInt(k.ID, 10)
	}
	return "/calendar/key-dates?unit_id=" + strconv.FormatInt(k.UnitID, 10) + "#kd-" + strconv.FormatInt(k.ID, 10)
}

func daysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// ObservanceInput is what a caller gives to create or edit a key date.
type ObservanceInput struct {
	UnitID    int64 // 0: national (system administrator only); ignored on edit
	Month     int
	Day       int
	SinceYear int
	Name      string
	Note      string
	Public    bool
}

// Limits of the text fields, in characters.
const (
	maxKeyDateName = 200
	maxKeyDateNote = 2000
)

// Validate normalises the text and checks every field, naming each bad one.
func (in *ObservanceInput) Validate() error {
	in.Name = viet.NFC(in.Name)
	in.Note = strings.TrimSpace(norm(in.Note))
	f := errs.Fields{}
	if in.Month < 1 || in.Month > 12 {
		f.Add("month", "Chọn tháng từ 1 đến 12.")
	} else if in.Day < 1 || in.Day > daysIn(2024, time.Month(in.Month)) {
		f.Add("day", fmt.Sprintf("Tháng %d có từ ngày 1 đến ngày %d.", in.Month, daysIn(2024, time.Month(in.Month))))
	}
	if in.Name == "" {
		f.Add("name", "Nhập tên ngày kỷ niệm.")
	} else if utf8.RuneCountInString(in.Name) > maxKeyDateName {
		f.Add("name", fmt.Sprintf("Tên dài quá %d ký tự.", maxKeyDateName))
	}
	if utf8.RuneCountInString(in.Note) > maxKeyDateNote {
		f.Add("note", fmt.Sprintf("Ghi chú dài quá %d ký tự.", maxKeyDateNote))
	}
	if in.SinceYear != 0 && (in.SinceYear < 1000 || in.SinceYear > time.Now().Year()) {
		f.Add("since_year", "Năm bắt đầu phải là một năm đã qua (ví dụ 1948), hoặc để trống.")
	}
	return f.Err()
}

// norm keeps the line breaks of a longer text and normalises each line.
func norm(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = viet.NFC(l)
	}
	return strings.Join(lines, "\n")
}

// KeyDates keeps the key dates. It is a Source: the occurrences of the
// national dates and of the local dates of a unit and of the units above
// it.
type KeyDates struct {
	DB    *database.DB
	Units *unit.Store
}

const keyDateColumns = `k.id, COALESCE(k.unit_id, 0), COALESCE(u.name, ''), COALESCE(u.path, ''), k.month, k.day, COALESCE(k.since_year, 0),
	k.name, k.note, k.public, k.version, k.created_at, k.updated_at, u.valid_from, u.valid_to`

const keyDateFrom = ` FROM key_dates k LEFT JOIN units u ON u.id = k.unit_id`

func scanKeyDate(s interface{ Scan(...any) error }) (Observance, error) {
	var k Observance
	var from, to sql.NullTime
	err := s.Scan(&k.ID, &k.UnitID, &k.UnitName, &k.UnitPath, &k.Month, &k.Day, &k.SinceYear, &k.Name, &k.Note, &k.Public,
		&k.Version, &k.CreatedAt, &k.UpdatedAt, &from, &to)
	if from.Valid {
		t := from.Time.UTC()
		k.unitFrom = &t
	}
	if to.Valid {
		t := to.Time.UTC()
		k.unitTo = &t
	}
	return k, err
}

func (s *KeyDates) query(ctx context.Context, q database.Querier, where string, args ...any) ([]Observance, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+keyDateColumns+keyDateFrom+" WHERE "+where+" ORDER BY k.month, k.day, k.unit_id IS NOT NULL, k.name, k.id", args...)
	if err != nil {
		return nil, errs.Wrap(err, "calendar: key dates")
	}
	defer rows.Close()
	var out []Observance
	for rows.Next() {
		k, err := scanKeyDate(rows)
		if err != nil {
			return nil, errs.Wrap(err, "calendar: scan key date")
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

func (s *KeyDates) get(ctx context.Context, q database.Querier, id int64) (Observance, error) {
	k, err := scanKeyDate(q.QueryRowContext(ctx, "SELECT "+keyDateColumns+keyDateFrom+" WHERE k.id = $1", id))
	if err == sql.ErrNoRows {
		return k, errs.ErrNotFound
	}
	if err != nil {
		return k, errs.Wrap(err, "calendar: key date")
	}
	return k, nil
}

// visible reports whether the caller may read k: national dates and the
// public ones are for everyone logged in or not; a local date that is not
// public for those who may see its unit.
func visible(sc access.Scope, k Observance) bool {
	if k.National() {
		return sc.LoggedIn() || k.Public
	}
	if !sc.LoggedIn() {
		return k.Public
	}
	return sc.CanSeeUnit(k.UnitPath)
}

// CanEdit reports whether the caller may edit the key dates of the unit at
// path ("" for the national dates): the system administrator for national
// dates, the unit's administrators and emulation officers (or those of a
// unit above it) for local ones.
func CanEdit(sc access.Scope, path string) bool {
	if path == "" {
		return sc.IsSystemAdmin()
	}
	return sc.Has(path, access.Admin, access.Officer)
}

// Get returns a key date the caller may read.
func (s *KeyDates) Get(ctx context.Context, sc access.Scope, id int64) (Observance, error) {
	k, err := s.get(ctx, s.DB.R, id)
	if err != nil {
		return k, err
	}
	if !sc.LoggedIn() || !visible(sc, k) {
		return Observance{}, errs.ErrNotFound
	}
	return k, nil
}

// For returns the key dates that apply to unit u, by day of the year:
// the national ones, then the local ones of u and of the units above it
// (what the unit celebrates; its schools' founding days would swamp a
// department's calendar), as far as the caller may read them. The public
// (the zero Scope) also gets the public dates of u's subtree: the public
// calendar of a ward lists its schools' open days too. unitID 0 gives the
// national ones.
func (s *KeyDates) For(ctx context.Context, sc access.Scope, unitID int64) ([]Observance, error) {
	where, args := "k.unit_id IS NULL", []any{}
	if unitID != 0 {
		u, err := s.Units.Get(ctx, access.System(), unitID)
		if err != nil {
			return nil, err
		}
		ids := append(u.AncestorIDs(), u.ID)
		for _, id := range ids {
			args = append(args, id)
		}
		where = "k.unit_id IS NULL OR k.unit_id IN (" + database.Placeholders(1, len(ids)) + ")"
		if !sc.LoggedIn() {
			args = append(args, u.Path+"%", true)
			where += fmt.Sprintf(" OR (u.path LIKE $%d AND k.public = $%d)", len(args)-1, len(args))
		}
	}
	all, err := s.query(ctx, s.DB.R, where, args...)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, k := range all {
		if visible(sc, k) {
			out = append(out, k)
		}
	}
	return out, nil
}

// Events is the key dates' Source: every occurrence between from and to of
// the dates that apply to unitID, each an all-day event. A local date
// occurs only while its unit exists.
func (s *KeyDates) Events(ctx context.Context, sc access.Scope, unitID int64, from, to time.Time) ([]Event, error) {
	kds, err := s.For(ctx, sc, unitID)
	if err != nil {
		return nil, err
	}
	var out []Event
	for _, k := range kds {
		for y := from.In(viet.Zone).Year(); y <= to.In(viet.Zone).Year(); y++ {
			d := k.On(y)
			if d.Before(from) || !d.Before(to) || !k.existsOn(d) {
				continue
			}
			detail := k.Note
			if a := k.Anniversary(y); a != "" {
				detail = strings.TrimSpace(a + ".\n" + detail)
			}
			out = append(out, Event{UID: fmt.Sprintf("keydate-%d-%d", k.ID, y), Kind: KeyDate, Title: k.Name, Detail: detail,
				Start: d, AllDay: true, UnitID: k.UnitID, UnitName: k.UnitName, URL: k.URL(), Public: k.Public})
		}
	}
	return out, nil
}

// existsOn reports whether the date's unit exists on day d (national dates
// always do).
func (k Observance) existsOn(d time.Time) bool {
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	if k.unitFrom != nil && day.Before(*k.unitFrom) {
		return false
	}
	return k.unitTo == nil || !day.After(*k.unitTo)
}

func keyDateSnapshot(k Observance) map[string]any {
	return map[string]any{"unit_id": k.UnitID, "month": k.Month, "day": k.Day, "since_year": k.SinceYear, "name": k.Name,
		"note": k.Note, "public": k.Public, "version": k.Version}
}

func nullInt(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

// unitOf returns the unit a key date is created for and checks that the
// caller may edit its dates (national: unitID 0).
func (s *KeyDates) unitOf(ctx context.Context, sc access.Scope, unitID int64) (unit.Unit, error) {
	if unitID == 0 {
		if !sc.IsSystemAdmin() {
			return unit.Unit{}, errs.E(errs.Forbidden, "Chỉ quản trị hệ thống được thêm hoặc sửa ngày kỷ niệm toàn quốc.")
		}
		return unit.Unit{}, nil
	}
	u, err := s.Units.Get(ctx, sc, unitID)
	if errs.Is(err, errs.NotFound) {
		return u, errs.InvalidField("unit_id", "Chọn một đơn vị bạn quản lý.")
	}
	if err != nil {
		return u, err
	}
	if !CanEdit(sc, u.Path) {
		return u, errs.E(errs.Forbidden, "Chỉ quản trị viên và cán bộ phụ trách thi đua của "+u.Name+" được thêm ngày kỷ niệm của đơn vị.")
	}
	return u, nil
}

// Create adds a key date.
func (s *KeyDates) Create(ctx context.Context, sc access.Scope, in ObservanceInput) (Observance, error) {
	if err := in.Validate(); err != nil {
		return Observance{}, err
	}
	u, err := s.unitOf(ctx, sc, in.UnitID)
	if err != nil {
		return Observance{}, err
	}
	var out Observance
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		now := database.Now()
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO key_dates (unit_id, month, day, since_year, name, note, public, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			nullInt(u.ID), in.Month, in.Day, nullInt(int64(in.SinceYear)), in.Name, in.Note, in.Public, nullInt(sc.UserID), now).Scan(&id)
		if err != nil {
			return errs.Wrap(err, "calendar: insert key date")
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: u.ID, UnitPath: u.Path, Action: "create", ObjectType: "key_date",
			ObjectID: id, Summary: "Thêm ngày kỷ niệm " + out.DayMonth() + " " + out.Name + where(out), After: keyDateSnapshot(out)})
	})
	return out, err
}

// where names the unit of a local date for audit summaries.
func where(k Observance) string {
	if k.National() {
		return " (toàn quốc)"
	}
	return " của " + k.UnitName
}

// change loads key date id for an edit by the caller.
func (s *KeyDates) change(ctx context.Context, tx *sql.Tx, sc access.Scope, id int64) (Observance, error) {
	old, err := s.get(ctx, tx, id)
	if err != nil {
		return old, err
	}
	if !sc.LoggedIn() || !visible(sc, old) {
		return Observance{}, errs.ErrNotFound
	}
	if !CanEdit(sc, old.UnitPath) {
		if old.National() {
			return Observance{}, errs.E(errs.Forbidden, "Chỉ quản trị hệ thống được sửa ngày kỷ niệm toàn quốc.")
		}
		return Observance{}, errs.E(errs.Forbidden, "Chỉ quản trị viên và cán bộ phụ trách thi đua của "+old.UnitName+" được sửa ngày kỷ niệm này.")
	}
	return old, nil
}

// Update edits a key date (its unit stays); version must be the one the
// caller read.
func (s *KeyDates) Update(ctx context.Context, sc access.Scope, id int64, version int, in ObservanceInput) (Observance, error) {
	if err := in.Validate(); err != nil {
		return Observance{}, err
	}
	var out Observance
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.change(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE key_dates SET month = $1, day = $2, since_year = $3, name = $4, note = $5, public = $6,
			version = version + 1, updated_at = $7 WHERE id = $8 AND version = $9`,
			in.Month, in.Day, nullInt(int64(in.SinceYear)), in.Name, in.Note, in.Public, database.Now(), id, version)
		if err != nil {
			return errs.Wrap(err, "calendar: update key date")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrStale
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: old.UnitID, UnitPath: old.UnitPath, Action: "update", ObjectType: "key_date",
			ObjectID: id, Summary: "Sửa ngày kỷ niệm " + out.DayMonth() + " " + out.Name + where(out), Before: keyDateSnapshot(old), After: keyDateSnapshot(out)})
	})
	return out, err
}

// Delete removes a key date; version must be the one the caller read.
func (s *KeyDates) Delete(ctx context.Context, sc access.Scope, id int64, version int) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.change(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM key_dates WHERE id = $1 AND version = $2", id, version)
		if err != nil {
			return errs.Wrap(err, "calendar: delete key date")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrStale
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: old.UnitID, UnitPath: old.UnitPath, Action: "delete", ObjectType: "key_date",
			ObjectID: id, Summary: "Xóa ngày kỷ niệm " + old.DayMonth() + " " + old.Name + where(old), Before: keyDateSnapshot(old)})
	})
}
