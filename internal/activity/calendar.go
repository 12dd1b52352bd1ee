package activity

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"thidua/internal/access"
	"thidua/internal/calendar"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/viet"
)

var _ calendar.Source = (*Store)(nil)

// Events lists, for the calendar, the planned and held activities of unit
// unitID and of its subtree that overlap [from, to), as sc may read them:
// a logged-in caller sees those in their subtrees (NotFound for a unit they
// cannot see), the anonymous public (the zero Scope, for public feeds)
// only the public ones. Events carry Kind calendar.Activity, Public from
// the công khai flag, and are all-day unless a start time was given.
func (s *Store) Events(ctx context.Context, sc access.Scope, unitID int64, from, to time.Time) ([]calendar.Event, error) {
	u, err := loadUnit(ctx, s.DB.R, unitID)
	if err != nil {
		return nil, err
	}
	if sc.LoggedIn() && !sc.CanSeeUnit(u.Path) {
		return nil, errs.ErrNotFound
	}
	if !to.After(from) {
		return nil, nil
	}
	first, last := day(from.In(viet.Zone)), day(to.Add(-time.Nanosecond).In(viet.Zone))
	args := []any{u.Path + "%", last, first}
	q := "SELECT " + activityColumns + activityFrom + ` WHERE u.path LIKE $1 AND a.held_on <= $2 AND COALESCE(a.ends_on, a.held_on) >= $3`
	if sc.LoggedIn() {
		cond, cargs := sc.Filter("u.path", 4)
		q += " AND " + cond
		args = append(args, cargs...)
	} else {
		q += " AND a.public"
	}
	rows, err := s.DB.R.QueryContext(ctx, q+" ORDER BY a.held_on, a.id", args...)
	if err != nil {
		return nil, errs.Wrap(err, "activity: events")
	}
	defer rows.Close()
	today := s.Today()
	var out []calendar.Event
	for rows.Next() {
		a, err := scanActivity(rows)
		if err != nil {
			return nil, errs.Wrap(err, "activity: scan event")
		}
		e := Event(a, today)
		end := e.End
		if end.IsZero() {
			end = e.Start
			if e.AllDay {
				end = e.Start.AddDate(0, 0, 1)
			}
		}
		if e.Start.Before(to) && (end.After(from) || e.Start.Equal(from)) {
			out = append(out, e)
		}
	}
	return out, rows.Err()
}

// at is day d (midnight UTC standing for a Vietnamese day) at the time of
// day hhmm ("" for midnight), in Vietnam's time zone.
func at(d time.Time, hhmm string) time.Time {
	h, m := 0, 0
	if len(hhmm) == 5 {
		h, _ = strconv.Atoi(hhmm[:2])
		m, _ = strconv.Atoi(hhmm[3:])
	}
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, viet.Zone)
}

// Event is the calendar entry of an activity.
func Event(a Activity, today time.Time) calendar.Event {
	id := strconv.FormatInt(a.ID, 10)
	e := calendar.Event{UID: "activity-" + id, Kind: calendar.Activity, Title: a.Title,
		Detail: a.StatusOn(today).Label() + " · " + a.FormName() + " · " + a.UnitName,
		UnitID: a.UnitID, UnitName: a.UnitName, URL: "/activities/" + id, Public: a.Public}
	if a.Partners != "" {
		e.Detail += " · Phối hợp: " + a.Partners
	}
	last := a.Date
	if a.EndDate != nil {
		last = *a.EndDate
	}
	if a.StartTime == "" {
		e.AllDay, e.Start = true, at(a.Date, "")
		if last.After(a.Date) {
			e.End = at(last, "").AddDate(0, 0, 1)
		}
		return e
	}
	e.Start = at(a.Date, a.StartTime)
	if a.EndTime != "" {
		e.End = at(last, a.EndTime)
	} else if last.After(a.Date) {
		e.End = at(last, "").AddDate(0, 0, 1)
	}
	return e
}

// PublicActivity is a public activity as the portal shows it: nothing
// about people, only what the officer decided to publish.
type PublicActivity struct {
	ID           int64
	Title        string
	Date         time.Time
	UnitName     string
	Form         Form
	FormName     string
	ThumbnailURL string // "" when the activity has no photo with a thumbnail
	Summary      string // the start of the description
}

// PublicThumbnailURL is where the public fetches the thumbnail of public
// activity id.
func PublicThumbnailURL(id int64) string {
	return "/public/activities/" + strconv.FormatInt(id, 10) + "/thumbnail"
}

// publicThumb is the sha of the thumbnail of the first photo of activity
// a.id that has one.
const publicThumb = `(SELECT t.thumb_sha256 FROM activity_files f JOIN activity_thumbnails t ON t.sha256 = f.sha256
	WHERE f.activity_id = a.id AND t.status = 'ready' ORDER BY f.id LIMIT 1)`

// PublicRecent returns the latest public activities held up to today
// (Vietnam), newest first, at most limit (10 when 0, at most 100).
func PublicRecent(ctx context.Context, q database.Querier, limit int) ([]PublicActivity, error) {
	if limit <= 0 {
		limit = 10
	}
	limit = min(limit, 100)
	today := day(time.Now().In(viet.Zone))
	rows, err := q.QueryContext(ctx, `SELECT a.id, a.title, a.held_on, u.name, a.form, a.form_other, a.description, COALESCE(`+publicThumb+`, '')
		FROM activities a JOIN units u ON u.id = a.unit_id WHERE a.public AND a.held_on <= $1 ORDER BY a.held_on DESC, a.id DESC LIMIT $2`, today, limit)
	if err != nil {
		return nil, errs.Wrap(err, "activity: public recent")
	}
	defer rows.Close()
	var out []PublicActivity
	for rows.Next() {
		var a Activity
		var thumb string
		if err := rows.Scan(&a.ID, &a.Title, &a.Date, &a.UnitName, &a.Form, &a.FormOther, &a.Description, &thumb); err != nil {
			return nil, errs.Wrap(err, "activity: public recent")
		}
		p := PublicActivity{ID: a.ID, Title: a.Title, Date: day(a.Date.UTC()), UnitName: a.UnitName, Form: a.Form, FormName: a.FormName(), Summary: a.Summary(240)}
		if thumb != "" {
			p.ThumbnailURL = PublicThumbnailURL(a.ID)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PublicThumbnail returns the thumbnail (JPEG) shown for public activity
// id: NotFound when the activity is not public or has no thumbnail.
func (s *Store) PublicThumbnail(ctx context.Context, id int64) ([]byte, error) {
	var thumb sql.NullString
	err := s.DB.R.QueryRowContext(ctx, "SELECT "+publicThumb+" FROM activities a WHERE a.id = $1 AND a.public", id).Scan(&thumb)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !thumb.Valid) {
		return nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, errs.Wrap(err, "activity: public thumbnail")
	}
	_, data, err := s.files().Open(ctx, thumb.String)
	return data, err
}
