package selection

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/jobs"
	"thidua/internal/notify"
	"thidua/internal/viet"
)

// KindReminders is the periodic job that sends the pipeline's reminders
// (see Remind); the web server runs it every hour.
const KindReminders = "selection-reminders"

// Reminder windows: a first reminder from three days before a deadline, a
// second from one day before, and one "overdue" note once it has passed
// (for a week after it, so that a server started long after old rounds
// ended does not flood people with history).
const (
	remindFirst = 3 * 24 * time.Hour
	remindLast  = 24 * time.Hour
	overdueFor  = 7 * 24 * time.Hour
)

// stage is which reminder of a deadline is due at a moment: "3d", "1d",
// "overdue", or "" for none. It goes into the dedupe key, so each person
// gets each stage once however often the job runs; a stage missed while
// no server ran is skipped, not sent late.
func stage(deadline, now time.Time) string {
	switch left := deadline.Sub(now); {
	case left > remindFirst:
		return ""
	case left > remindLast:
		return "3d"
	case left > 0:
		return "1d"
	case left > -overdueFor:
		return "overdue"
	}
	return ""
}

// timeLeft says how long until deadline, in words: "còn 3 ngày", "còn 5 giờ".
func timeLeft(deadline, now time.Time) string {
	left := deadline.Sub(now)
	if left >= 24*time.Hour {
		return fmt.Sprintf("còn %d ngày", int(left/(24*time.Hour)))
	}
	return fmt.Sprintf("còn %d giờ", max(1, int((left+time.Hour-1)/time.Hour)))
}

// RemindJob is the handler of KindReminders: the reminders due at the
// job's slot (now when the job was not queued by a schedule).
func (s *Store) RemindJob(ctx context.Context, j *jobs.Job) error {
	at := jobs.SlotOf(j)
	if at.IsZero() {
		at = s.now()
	}
	_, err := s.Remind(ctx, at)
	return err
}

// Remind sends, through Notify, the reminders due at now and returns how
// many people it told for the first time:
//
//   - to the leaders and officers of each unit with draft (proposed, not
//     yet submitted) nominations in a round, before its submission deadline;
//   - to each reviewer with assigned nominations still unscored, before the
//     round's review deadline;
//   - to the leaders and officers of the unit that submitted a returned
//     nomination, before its deadline for resubmission;
//
// three days and one day before the deadline, and once when it has passed.
// Every note carries a dedupe key, so running Remind again sends nothing
// twice. Notes go into the daily digest too.
func (s *Store) Remind(ctx context.Context, now time.Time) (int, error) {
	if s.Notify == nil {
		return 0, nil
	}
	now = now.UTC()
	var notes []reminder
	for _, find := range []func(context.Context, time.Time) ([]reminder, error){s.draftReminders, s.reviewReminders, s.returnReminders} {
		rs, err := find(ctx, now)
		if err != nil {
			return 0, err
		}
		notes = append(notes, rs...)
	}
	told := 0
	for _, r := range notes {
		err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			var n int
			var err error
			if r.user != 0 {
				n, err = s.Notify.ToUsersTx(ctx, tx, r.unit, []int64{r.user}, r.note)
			} else {
				n, err = s.Notify.ToUnitTx(ctx, tx, r.unit, []access.Role{access.Leader, access.Officer}, r.note)
			}
			told += n
			return err
		})
		if err != nil {
			return told, err
		}
	}
	return told, nil
}

// reminder is one note for a unit's leaders and officers, or for one user.
type reminder struct {
	unit int64
	user int64 // 0: the unit's leaders and officers
	note notify.Note
}

// item is a nomination line inside a reminder.
type item struct{ title, subject string }

func listItems(items []item) string {
	var b strings.Builder
	for _, it := range items {
		b.WriteString("\n– " + it.title + " — " + it.subject)
	}
	return b.String()
}

// draftReminders: units whose draft nominations wait for their leader's
// submission as the round's submission deadline nears or passes.
func (s *Store) draftReminders(ctx context.Context, now time.Time) ([]reminder, error) {
	rounds, err := s.roundIDs(ctx, "submit_until > $1 AND submit_until <= $2", now.Add(-overdueFor), now.Add(remindFirst))
	if err != nil || len(rounds) == 0 {
		return nil, err
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT r.id, r.name, ru.name, r.submit_until, r.review_until, n.submitting_unit_id, n.title, n.subject_name
		FROM nominations n JOIN rounds r ON r.id = n.round_id JOIN units ru ON ru.id = r.unit_id
		WHERE n.state = $1 AND n.round_id IN (`+database.Placeholders(2, len(rounds))+`)
		ORDER BY r.id, n.submitting_unit_id, n.id`, append([]any{string(Draft)}, rounds...)...)
	if err != nil {
		return nil, errs.Wrap(err, "selection: draft reminders")
	}
	defer rows.Close()
	type group struct {
		round, unit           int64
		name, holder          string
		deadline, reviewUntil time.Time
		items                 []item
	}
	var groups []*group
	for rows.Next() {
		var g group
		var it item
		if err := rows.Scan(&g.round, &g.name, &g.holder, &g.deadline, &g.reviewUntil, &g.unit, &it.title, &it.subject); err != nil {
			return nil, errs.Wrap(err, "selection: scan draft reminder")
		}
		if n := len(groups); n > 0 && groups[n-1].round == g.round && groups[n-1].unit == g.unit {
			groups[n-1].items = append(groups[n-1].items, it)
			continue
		}
		g.items = []item{it}
		groups = append(groups, &g)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "selection: draft reminders")
	}
	var out []reminder
	for _, g := range groups {
		st := stage(g.deadline, now)
		if st == "" {
			continue
		}
		n := notify.Note{URL: "/rounds/" + itoa64(g.round), Key: fmt.Sprintf("round-%d-unit-%d-drafts-%s", g.round, g.unit, st), Mail: true}
		count := fmt.Sprintf("%d đề nghị chưa gửi", len(g.items))
		if st == "overdue" {
			n.Title = fmt.Sprintf("Đã quá hạn nộp hồ sơ đợt %s: %s", g.name, count)
			n.Body = fmt.Sprintf("Hạn nộp hồ sơ vào đợt “%s” của %s là %s. Các đề nghị sau chưa được lãnh đạo đơn vị gửi:%s\nHồ sơ gửi sau hạn vẫn được nhận đến hạn xét chọn %s nhưng được ghi là nộp muộn.",
				g.name, g.holder, viet.DateTime(g.deadline), listItems(g.items), viet.DateTime(g.reviewUntil))
		} else {
			n.Title = fmt.Sprintf("Sắp đến hạn nộp hồ sơ đợt %s: %s", g.name, count)
			n.Body = fmt.Sprintf("Hạn nộp hồ sơ vào đợt “%s” của %s là %s (%s). Các đề nghị sau chưa được lãnh đạo đơn vị gửi:%s",
				g.name, g.holder, viet.DateTime(g.deadline), timeLeft(g.deadline, now), listItems(g.items))
		}
		out = append(out, reminder{unit: g.unit, note: n})
	}
	return out, nil
}

// reviewReminders: reviewers with assigned nominations they have not
// scored (on the current version, before the council's decision) as the
// round's review deadline nears or passes.
func (s *Store) reviewReminders(ctx context.Context, now time.Time) ([]reminder, error) {
	rounds, err := s.roundIDs(ctx, "review_until > $1 AND review_until <= $2", now.Add(-overdueFor), now.Add(remindFirst))
	if err != nil || len(rounds) == 0 {
		return nil, err
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT r.id, r.unit_id, r.name, ru.name, r.review_until, nr.user_id, n.title, n.subject_name
		FROM nominations n JOIN rounds r ON r.id = n.round_id JOIN units ru ON ru.id = r.unit_id
		JOIN nomination_reviewers nr ON nr.nomination_id = n.id
		WHERE n.state = $1 AND n.decision = '' AND n.round_id IN (`+database.Placeholders(2, len(rounds))+`)
		AND NOT EXISTS (SELECT 1 FROM scores x WHERE x.nomination_id = n.id AND x.version_id = n.version_id AND x.reviewer_id = nr.user_id)
		ORDER BY r.id, nr.user_id, n.id`, append([]any{string(UnderReview)}, rounds...)...)
	if err != nil {
		return nil, errs.Wrap(err, "selection: review reminders")
	}
	defer rows.Close()
	type group struct {
		round, unit, user int64
		name, holder      string
		deadline          time.Time
		items             []item
	}
	var groups []*group
	for rows.Next() {
		var g group
		var it item
		if err := rows.Scan(&g.round, &g.unit, &g.name, &g.holder, &g.deadline, &g.user, &it.title, &it.subject); err != nil {
			return nil, errs.Wrap(err, "selection: scan review reminder")
		}
		if n := len(groups); n > 0 && groups[n-1].round == g.round && groups[n-1].user == g.user {
			groups[n-1].items = append(groups[n-1].items, it)
			continue
		}
		g.items = []item{it}
		groups = append(groups, &g)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "selection: review reminders")
	}
	var out []reminder
	for _, g := range groups {
		st := stage(g.deadline, now)
		if st == "" {
			continue
		}
		n := notify.Note{URL: "/rounds/" + itoa64(g.round), Key: fmt.Sprintf("round-%d-review-%s", g.round, st), Mail: true}
		count := fmt.Sprintf("%d hồ sơ chưa chấm", len(g.items))
		if st == "overdue" {
			n.Title = fmt.Sprintf("Đã quá hạn xét chọn đợt %s: %s", g.name, count)
			n.Body = fmt.Sprintf("Hạn xét chọn đợt “%s” của %s là %s. Anh/chị còn các hồ sơ được phân công chưa chấm:%s",
				g.name, g.holder, viet.DateTime(g.deadline), listItems(g.items))
		} else {
			n.Title = fmt.Sprintf("Sắp đến hạn chấm hồ sơ đợt %s: %s", g.name, count)
			n.Body = fmt.Sprintf("Hạn xét chọn đợt “%s” của %s là %s (%s). Anh/chị còn các hồ sơ được phân công chưa chấm:%s",
				g.name, g.holder, viet.DateTime(g.deadline), timeLeft(g.deadline, now), listItems(g.items))
		}
		out = append(out, reminder{unit: g.unit, user: g.user, note: n})
	}
	return out, nil
}

// returnReminders: units whose returned nominations are not resubmitted as
// the deadline for resubmission (a day: until its end, Vietnam time) nears
// or passes.
func (s *Store) returnReminders(ctx context.Context, now time.Time) ([]reminder, error) {
	today := dayOf(now)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT n.id, n.submitting_unit_id, n.title, n.subject_name, n.return_deadline, n.decision_note, r.name, ru.name
		FROM nominations n JOIN rounds r ON r.id = n.round_id JOIN units ru ON ru.id = r.unit_id
		WHERE n.state = $1 AND n.return_deadline >= $2 AND n.return_deadline <= $3 ORDER BY n.id`,
		string(Returned), today.Add(-overdueFor-24*time.Hour), today.Add(remindFirst))
	if err != nil {
		return nil, errs.Wrap(err, "selection: return reminders")
	}
	defer rows.Close()
	var out []reminder
	for rows.Next() {
		var id, unit int64
		var title, subject, reasons, round, holder string
		var day time.Time
		if err := rows.Scan(&id, &unit, &title, &subject, &day, &reasons, &round, &holder); err != nil {
			return nil, errs.Wrap(err, "selection: scan return reminder")
		}
		// The deadline is the end of that day in Vietnam.
		deadline := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, viet.Zone).AddDate(0, 0, 1)
		st := stage(deadline, now)
		if st == "" {
			continue
		}
		n := notify.Note{URL: "/nominations/" + itoa64(id), Key: fmt.Sprintf("nomination-%d-return-%s-%s", id, day.Format("20060102"), st), Mail: true}
		if st == "overdue" {
			n.Title = "Đã quá hạn nộp lại hồ sơ: " + title
			n.Body = fmt.Sprintf("Hồ sơ “%s” — %s bị trả lại trong đợt “%s” của %s, hạn nộp lại %s, đến nay chưa được gửi lại.\nNội dung cần bổ sung: %s",
				title, subject, round, holder, viet.ShortDate(day), reasons)
		} else {
			n.Title = fmt.Sprintf("Sắp đến hạn nộp lại hồ sơ: %s (hạn %s)", title, viet.ShortDate(day))
			n.Body = fmt.Sprintf("Hồ sơ “%s” — %s bị trả lại trong đợt “%s” của %s; hạn nộp lại %s (%s).\nNội dung cần bổ sung: %s",
				title, subject, round, holder, viet.ShortDate(day), timeLeft(deadline, now), reasons)
		}
		out = append(out, reminder{unit: unit, note: n})
	}
	return out, rows.Err()
}

// roundIDs lists the ids of the rounds matching where (on the rounds table
// alone): the pipeline's queries pick their rounds first, so that the
// nominations are then read through their (round_id, state) index instead
// of a scan of every nomination ever made.
func (s *Store) roundIDs(ctx context.Context, where string, args ...any) ([]any, error) {
	rows, err := s.DB.R.QueryContext(ctx, "SELECT id FROM rounds WHERE "+where+" ORDER BY id", args...)
	if err != nil {
		return nil, errs.Wrap(err, "selection: rounds")
	}
	defer rows.Close()
	var out []any
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, errs.Wrap(err, "selection: rounds")
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
