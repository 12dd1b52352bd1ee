package plan

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"thidua/internal/access"
	"thidua/internal/calendar"
	"thidua/internal/errs"
	"thidua/internal/viet"
)

// The plan store contributes to the calendar: it is a calendar.Source and a
// calendar.DueSource.
var (
	_ calendar.Source    = (*Store)(nil)
	_ calendar.DueSource = (*Store)(nil)
)

// midnight is the instant a calendar day starts in Vietnam.
func midnight(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, viet.Zone)
}

// dayRange turns [from, to) into the date-column bounds that may hold days
// starting in it; callers still check each day's midnight against from, to.
func dayRange(from, to time.Time) (time.Time, time.Time) {
	return day(from.In(viet.Zone)), day(to.In(viet.Zone)).AddDate(0, 0, 1)
}

func inRange(t, from, to time.Time) bool { return !t.Before(from) && t.Before(to) }

func planURL(id int64) string { return "/plans/" + strconv.FormatInt(id, 10) }

// Events lists the plan events of unit unitID between from and to, as the
// caller may see them (calendar.Source):
//
//   - "plan-ID-issued": the issue date of every issued plan of the unit and
//     of its subtree (that the caller may read);
//   - "plan-ID-deadline": the deadline such a plan sets the units below,
//     with how many have issued theirs (not for replaced plans);
//   - "plan-ID-deadline-UNIT": the deadline a plan of a unit above sets
//     for this unit, Remind while the unit has not issued its plan.
//
// All are all-day events of Kind calendar.Deadline, none of them Public:
// the anonymous public (the zero Scope of the public ICS) gets none.
func (s *Store) Events(ctx context.Context, sc access.Scope, unitID int64, from, to time.Time) ([]calendar.Event, error) {
	if !sc.LoggedIn() && len(sc.Grants) == 0 {
		return nil, nil
	}
	u, err := loadUnit(ctx, s.DB.R, unitID)
	if err != nil {
		return nil, err
	}
	if !sc.CanSeeUnit(u.Path) {
		return nil, errs.ErrNotFound
	}
	lo, hi := dayRange(from, to)
	var out []calendar.Event
	add := func(e calendar.Event) {
		if inRange(e.Start, from, to) {
			e.AllDay = true
			out = append(out, e)
		}
	}

	// Plans of the unit and its subtree: issue dates and the deadlines they set.
	rows, err := s.DB.R.QueryContext(ctx, `SELECT p.id, p.unit_id, u.name, u.path, p.number, p.symbol, p.doc_date, p.title, p.require_by,
		COALESCE(p.superseded_by, 0),
		(SELECT COUNT(*) FROM plan_requirements r WHERE r.plan_id = p.id),
		(SELECT COUNT(DISTINCT r.unit_id) FROM plan_requirements r JOIN plans c ON c.unit_id = r.unit_id AND c.based_lineage = p.lineage_id
			AND c.status = 'issued' WHERE r.plan_id = p.id)`+planFrom+`
		WHERE u.path LIKE $1 AND p.status = 'issued' AND ((p.doc_date >= $2 AND p.doc_date < $3) OR (p.require_by >= $2 AND p.require_by < $3))
		ORDER BY p.id`, u.Path+"%", lo, hi)
	if err != nil {
		return nil, errs.Wrap(err, "plan: events")
	}
	defer rows.Close()
	for rows.Next() {
		var r Ref
		var path string
		var date, by sql.NullTime
		var superseded int64
		var required, done int
		if err := rows.Scan(&r.ID, &r.UnitID, &r.UnitName, &path, &r.Number, &r.Symbol, &date, &r.Title, &by, &superseded, &required, &done); err != nil {
			return nil, errs.Wrap(err, "plan: scan event")
		}
		if !sc.CanSeeUnit(path) {
			continue
		}
		r.Status, r.Date = Issued, dateOf(date)
		num := NumberSymbol(r.Number, r.Symbol)
		if r.Date != nil {
			add(calendar.Event{UID: "plan-" + strconv.FormatInt(r.ID, 10) + "-issued", Kind: calendar.Deadline,
				Title: "Ban hành Kế hoạch số " + num, Detail: r.Title, Start: midnight(*r.Date),
				UnitID: r.UnitID, UnitName: r.UnitName, URL: planURL(r.ID)})
		}
		if d := dateOf(by); d != nil && superseded == 0 && required > 0 {
			add(calendar.Event{UID: "plan-" + strconv.FormatInt(r.ID, 10) + "-deadline", Kind: calendar.Deadline,
				Title:  "Hạn các đơn vị ban hành kế hoạch thực hiện Kế hoạch số " + num,
				Detail: fmt.Sprintf("%s. Đã ban hành: %d/%d đơn vị.", r.Title, done, required), Start: midnight(*d),
				UnitID: r.UnitID, UnitName: r.UnitName, URL: planURL(r.ID) + "/compliance"})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "plan: events")
	}
	rows.Close()

	// Deadlines set for the unit by plans above it.
	rows, err = s.DB.R.QueryContext(ctx, `SELECT p.id, p.unit_id, u.name, u.path, p.number, p.symbol, p.doc_date, p.title, p.require_by,
		EXISTS (SELECT 1 FROM plans c WHERE c.unit_id = r.unit_id AND c.based_lineage = p.lineage_id AND c.status = 'issued')
		FROM plan_requirements r JOIN plans p ON p.id = r.plan_id JOIN units u ON u.id = p.unit_id
		WHERE r.unit_id = $1 AND p.status = 'issued' AND p.superseded_by IS NULL AND p.require_by >= $2 AND p.require_by < $3
		ORDER BY p.id`, u.ID, lo, hi)
	if err != nil {
		return nil, errs.Wrap(err, "plan: deadlines")
	}
	defer rows.Close()
	for rows.Next() {
		var r Ref
		var path string
		var date, by sql.NullTime
		var done bool
		if err := rows.Scan(&r.ID, &r.UnitID, &r.UnitName, &path, &r.Number, &r.Symbol, &date, &r.Title, &by, &done); err != nil {
			return nil, errs.Wrap(err, "plan: scan deadline")
		}
		if !sc.CanSeeUnit(path) {
			continue
		}
		r.Status, r.Date = Issued, dateOf(date)
		d := dateOf(by)
		detail := "Đơn vị chưa ban hành kế hoạch."
		url := "/plans/new?based_on=" + strconv.FormatInt(r.ID, 10) + "&unit=" + strconv.FormatInt(u.ID, 10)
		if done {
			detail, url = "Đơn vị đã ban hành kế hoạch.", planURL(r.ID)
		}
		add(calendar.Event{UID: fmt.Sprintf("plan-%d-deadline-%d", r.ID, u.ID), Kind: calendar.Deadline,
			Title:  u.Name + ": hạn ban hành kế hoạch thực hiện " + r.Label(),
			Detail: r.Title + ". " + detail, Start: midnight(*d), UnitID: r.UnitID, UnitName: r.UnitName, URL: url, Remind: !done})
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "plan: deadlines")
	}
	return out, nil
}

// Due lists, across all units, the required plans still missing whose
// deadline falls between from and to (calendar.DueSource): one per plan and
// unit, keyed "plan-ID-unit-UNIT", for as long as the unit has not issued a
// plan based on it (or on a plan of its chain). Replaced plans and closed
// units are left out.
func (s *Store) Due(ctx context.Context, from, to time.Time) ([]calendar.Due, error) {
	lo, hi := dayRange(from, to)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT p.id, p.unit_id, pu.name, p.number, p.symbol, p.doc_date, p.title, p.require_by, r.unit_id
		FROM plan_requirements r JOIN plans p ON p.id = r.plan_id JOIN units pu ON pu.id = p.unit_id JOIN units u ON u.id = r.unit_id
		WHERE p.status = 'issued' AND p.superseded_by IS NULL AND p.require_by >= $1 AND p.require_by < $2
		AND (u.valid_to IS NULL OR u.valid_to >= $3)
		AND NOT EXISTS (SELECT 1 FROM plans c WHERE c.unit_id = r.unit_id AND c.based_lineage = p.lineage_id AND c.status = 'issued')
		ORDER BY p.require_by, p.id, r.unit_id`, lo, hi, s.today())
	if err != nil {
		return nil, errs.Wrap(err, "plan: due")
	}
	defer rows.Close()
	var out []calendar.Due
	for rows.Next() {
		var r Ref
		var date, by sql.NullTime
		var unitID int64
		if err := rows.Scan(&r.ID, &r.UnitID, &r.UnitName, &r.Number, &r.Symbol, &date, &r.Title, &by, &unitID); err != nil {
			return nil, errs.Wrap(err, "plan: scan due")
		}
		r.Status, r.Date = Issued, dateOf(date)
		at := midnight(*dateOf(by))
		if !inRange(at, from, to) {
			continue
		}
		out = append(out, calendar.Due{Key: fmt.Sprintf("plan-%d-unit-%d", r.ID, unitID), UnitID: unitID,
			Title: "Ban hành kế hoạch thực hiện Kế hoạch số " + NumberSymbol(r.Number, r.Symbol) + " của " + r.UnitName,
			At:    at, URL: "/plans/new?based_on=" + strconv.FormatInt(r.ID, 10) + "&unit=" + strconv.FormatInt(unitID, 10)})
	}
	return out, rows.Err()
}
