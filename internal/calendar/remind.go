package calendar

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"thidua/internal/access"
	"thidua/internal/jobs"
	"thidua/internal/notify"
	"thidua/internal/viet"
)

// reminderRoles are told about their unit's deadlines.
var reminderRoles = []access.Role{access.Leader, access.Officer}

// Reminder steps: a deadline is announced once in each step it enters,
// so a deadline first seen 5 days ahead is announced at once ("còn 5
// ngày"), then at 3 days, 1 day, on the day and once when overdue; a day
// the job did not run is caught up by the next step.
const (
	step7       = "d7"
	step3       = "d3"
	step1       = "d1"
	step0       = "d0"
	stepOverdue = "overdue"
)

// step is the reminder step of a deadline daysLeft days away.
func step(daysLeft int) string {
	switch {
	case daysLeft < 0:
		return stepOverdue
	case daysLeft == 0:
		return step0
	case daysLeft == 1:
		return step1
	case daysLeft <= 3:
		return step3
	}
	return step7
}

// ReminderKey is the dedupe key of the reminder of d at a step.
func ReminderKey(d Due, daysLeft int) string { return "calendar:" + d.Key + ":" + step(daysLeft) }

// RemindReport says what a run of Remind did.
type RemindReport struct {
	Open    int // open deadlines in the window
	Sent    int // notifications delivered for the first time
	Failed  int // sources or deadlines that failed (logged)
	Skipped int // deadlines without a key or unit
}

// Remind asks every due source for the open deadlines from the day before
// today to seven days ahead and tells each deadline's unit leaders and
// officers, in the app and by mail (the notify store queues the mail when
// SMTP is configured, else keeps it in the outbox). Each reminder goes out
// once per user (the dedupe key joins Due.Key and the step); a deadline
// its source no longer lists (the unit has done it) gets nothing more. A
// failing source is logged and the others go on; the error then says so,
// and the job is tried again (which repeats nothing already sent).
func (s *Service) Remind(ctx context.Context, today time.Time) (RemindReport, error) {
	var rep RemindReport
	if s.Notify == nil {
		return rep, errors.New("calendar: reminders need the notify store")
	}
	today = Day(today)
	from, to := today.AddDate(0, 0, -1), today.AddDate(0, 0, 8)
	var failures []error
	for i, src := range s.DueSources {
		dues, err := due(ctx, src, from, to)
		if err != nil {
			rep.Failed++
			s.log().Error("calendar: due source failed", "source", i, "type", fmt.Sprintf("%T", src), "err", err)
			failures = append(failures, err)
			continue
		}
		for _, d := range dues {
			if d.Key == "" || d.UnitID == 0 || d.At.IsZero() {
				rep.Skipped++
				continue
			}
			at := Day(d.At)
			if at.Before(from) || !at.Before(to) {
				continue
			}
			rep.Open++
			left := int(at.Sub(today).Hours() / 24)
			n := reminderNote(d, at, left)
			var sent int
			err := s.Notify.DB.Tx(ctx, func(tx *sql.Tx) error {
				var err error
				sent, err = s.Notify.ToUnitTx(ctx, tx, d.UnitID, reminderRoles, n)
				return err
			})
			if err != nil {
				rep.Failed++
				s.log().Error("calendar: reminder failed", "key", d.Key, "unit", d.UnitID, "err", err)
				failures = append(failures, err)
				continue
			}
			rep.Sent += sent
		}
	}
	if len(failures) > 0 {
		return rep, fmt.Errorf("calendar: %d reminder failures, first: %w", len(failures), failures[0])
	}
	return rep, nil
}

// due runs one due source, turning a panic into an error.
func due(ctx context.Context, src DueSource, from, to time.Time) (out []Due, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return src.Due(ctx, from, to)
}

// reminderNote is the notification of deadline d, due on day at, left
// days from today.
func reminderNote(d Due, at time.Time, left int) notify.Note {
	var title, when string
	switch {
	case left < 0:
		title, when = "Đã quá hạn: "+d.Title, "đã quá hạn"
	case left == 0:
		title, when = "Hôm nay là hạn cuối: "+d.Title, "hôm nay"
	default:
		title, when = fmt.Sprintf("Còn %d ngày đến hạn: %s", left, d.Title), fmt.Sprintf("còn %d ngày", left)
	}
	body := fmt.Sprintf("%s.\nHạn: %s, %s (%s).\nThông báo tự động của thidua; nhắc lại khi còn 3 ngày, 1 ngày, vào ngày đến hạn và khi quá hạn, cho đến khi việc được hoàn thành.",
		d.Title, WeekdayName(at), viet.Date(at), when)
	return notify.Note{Title: title, Body: body, URL: d.URL, Key: ReminderKey(d, left), Mail: true}
}

// RemindJob is the handler of the daily reminder job: it reminds as of the
// day of the job's slot (today, for a job queued by hand).
func (s *Service) RemindJob(ctx context.Context, j *jobs.Job) error {
	day := jobs.SlotOf(j)
	if day.IsZero() {
		day = s.now()
	}
	rep, err := s.Remind(ctx, day)
	s.log().Info("calendar: reminders", "day", Day(day).Format(time.DateOnly), "open", rep.Open, "sent", rep.Sent, "failed", rep.Failed)
	return err
}
