package selection

import (
	"context"
	"fmt"
	"slices"
	"time"

	"thidua/internal/access"
	"thidua/internal/calendar"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

var _ calendar.Source = (*Store)(nil)

// Events lists, for the calendar, the rounds that concern unit unitID
// between from (inclusive) and to (exclusive): the rounds it holds, and
// the rounds of the nearest unit above it that holds rounds (where its
// dossiers go; the tree on the first and the last day of the range, so a
// range across a reorganisation shows both). Each round gives its
// submission window (calendar.Round) and its submission and review
// deadlines (calendar.Deadline). Remind is false: the pipeline's own
// reminders (Remind) know who still has something to do. The caller must
// see unitID, and sees only the rounds of units it may see. Rounds are not
// public: the anonymous public (the public ICS asks with the zero Scope)
// gets none, and no error.
func (s *Store) Events(ctx context.Context, sc access.Scope, unitID int64, from, to time.Time) ([]calendar.Event, error) {
	if !sc.LoggedIn() {
		return nil, nil
	}
	u, err := s.Units.Get(ctx, sc, unitID)
	if err != nil {
		return nil, err
	}
	if !to.After(from) {
		return nil, nil
	}
	holders := []any{}
	if u.RunsRounds {
		holders = append(holders, u.ID)
	}
	for _, day := range []time.Time{dayOf(from), dayOf(to.Add(-time.Nanosecond))} {
		h, err := s.Units.RoundHolderAbove(ctx, u, day)
		if errs.Is(err, errs.NotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !slices.Contains(holders, any(h.ID)) {
			holders = append(holders, h.ID)
		}
	}
	if len(holders) == 0 {
		return nil, nil
	}
	args := append([]any{to.UTC(), from.UTC()}, holders...)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT r.id, r.name, r.unit_id, un.name, un.short_name, un.path, r.submit_from, r.submit_until, r.review_until
		FROM rounds r JOIN units un ON un.id = r.unit_id
		WHERE r.submit_from < $1 AND r.review_until >= $2 AND r.unit_id IN (`+database.Placeholders(3, len(holders))+`)
		ORDER BY r.submit_from, r.id`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "selection: calendar")
	}
	defer rows.Close()
	var out []calendar.Event
	in := func(t time.Time) bool { return !t.Before(from) && t.Before(to) }
	for rows.Next() {
		var id, holder int64
		var name, holderName, short, path string
		var open, until, review time.Time
		if err := rows.Scan(&id, &name, &holder, &holderName, &short, &path, &open, &until, &review); err != nil {
			return nil, errs.Wrap(err, "selection: scan calendar")
		}
		if !sc.CanSeeUnit(path) {
			continue
		}
		who := unit.Unit{Name: holderName, ShortName: short}.Display()
		url := "/rounds/" + itoa64(id)
		window := fmt.Sprintf("Nhận hồ sơ từ %s đến %s; hạn xét chọn %s.", viet.DateTime(open), viet.DateTime(until), viet.DateTime(review))
		base := calendar.Event{UnitID: holder, UnitName: holderName, URL: url, Detail: window}
		if open.Before(to) && until.After(from) {
			e := base
			e.UID, e.Kind, e.Start, e.End = fmt.Sprintf("round-%d-window", id), calendar.Round, open.UTC(), until.UTC()
			e.Title = fmt.Sprintf("Đợt xét chọn %s — %s nhận hồ sơ", name, who)
			out = append(out, e)
		}
		if in(until) {
			e := base
			e.UID, e.Kind, e.Start = fmt.Sprintf("round-%d-submit", id), calendar.Deadline, until.UTC()
			e.Title = fmt.Sprintf("Hạn nộp hồ sơ đợt xét chọn %s (%s)", name, who)
			out = append(out, e)
		}
		if in(review) {
			e := base
			e.UID, e.Kind, e.Start = fmt.Sprintf("round-%d-review", id), calendar.Deadline, review.UTC()
			e.Title = fmt.Sprintf("Hạn xét chọn đợt %s (%s)", name, who)
			out = append(out, e)
		}
	}
	return out, rows.Err()
}
