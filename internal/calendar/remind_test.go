package calendar_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/calendar"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/jobs"
)

// fakeDue lists the deadlines not yet met, as a plan or report source would.
type fakeDue struct {
	mu    sync.Mutex
	dues  []calendar.Due
	met   map[string]bool
	calls [][2]time.Time
}

func (f *fakeDue) Due(_ context.Context, from, to time.Time) ([]calendar.Due, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, [2]time.Time{from, to})
	var out []calendar.Due
	for _, d := range f.dues {
		if !f.met[d.Key] && !d.At.Before(from) && d.At.Before(to) {
			out = append(out, d)
		}
	}
	return out, nil
}

type brokenDue struct{}

func (brokenDue) Due(context.Context, time.Time, time.Time) ([]calendar.Due, error) {
	return nil, errors.New("nguồn hỏng")
}

type panickyDue struct{}

func (panickyDue) Due(context.Context, time.Time, time.Time) ([]calendar.Due, error) { panic("boom") }

// notes returns, per user, the titles of their notifications in order.
func notes(t *testing.T, db *database.DB) map[string][]string {
	t.Helper()
	rows, err := db.R.Query("SELECT u.username, n.title FROM notifications n JOIN users u ON u.id = n.user_id ORDER BY n.id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var u, title string
		rows.Scan(&u, &title)
		out[u] = append(out[u], title)
	}
	return out
}

func TestReminders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		d0 := vn(2026, 9, 1)
		src := &fakeDue{met: map[string]bool{}, dues: []calendar.Due{
			{Key: "plan-12-unit-a", UnitID: w.schoolA.ID, Title: "Ban hành kế hoạch thực hiện Kế hoạch 15/KH-PGDĐT", At: vn(2026, 9, 4), URL: "/plans/12"},
			{Key: "report-3-unit-a", UnitID: w.schoolA.ID, Title: "Gửi báo cáo năm học 2025-2026", At: vn(2026, 9, 8), URL: "/reports/3"},
			{Key: "far", UnitID: w.schoolA.ID, Title: "Còn xa", At: vn(2026, 10, 1)},
		}}
		w.svc.DueSources = []calendar.DueSource{src}
		officer, err := w.accounts.Create(ctx, access.System(), account.Profile{Username: "a.thuky", Ho: "Lê", Ten: "Thư", UnitID: w.schoolA.ID,
			Email: "a.thuky@example.edu.vn"}, "Thidua-kiem-tra-2026", false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.accounts.Grant(ctx, access.System(), officer.ID, w.schoolA.ID, access.Officer); err != nil {
			t.Fatal(err)
		}

		run := func(day time.Time) calendar.RemindReport {
			t.Helper()
			rep, err := w.svc.Remind(ctx, day.Add(7*time.Hour))
			if err != nil {
				t.Fatalf("Remind %s: %v", day.Format("02/01"), err)
			}
			return rep
		}
		// 1/9: the plan is 3 days away, the report 7: both announced.
		if rep := run(d0); rep.Open != 2 || rep.Sent != 4 {
			t.Errorf("1/9: %+v, want 2 open deadlines, each told to the leader and the officer (4 notes)", rep)
		}
		from, to := src.calls[0][0], src.calls[0][1]
		if !from.Equal(vn(2026, 8, 31)) || !to.Equal(vn(2026, 9, 9)) {
			t.Errorf("asked for %v – %v, want the day before to seven days ahead", from, to)
		}
		// Running again the same day repeats nothing.
		if rep := run(d0); rep.Sent != 0 {
			t.Errorf("1/9 again: %+v, want nothing sent", rep)
		}
		run(d0.AddDate(0, 0, 1)) // 2/9: plan 2 days (step 3, done), report 6 (step 7, done)
		run(d0.AddDate(0, 0, 2)) // 3/9: plan 1 day; report 5
		run(d0.AddDate(0, 0, 3)) // 4/9: plan today; report 4
		run(d0.AddDate(0, 0, 4)) // 5/9: plan overdue; report 3
		run(d0.AddDate(0, 0, 5)) // 6/9: plan out of the window; report 2
		// The report is met on 6/9: nothing more about it.
		src.met["report-3-unit-a"] = true
		run(d0.AddDate(0, 0, 6))
		run(d0.AddDate(0, 0, 7))
		run(d0.AddDate(0, 0, 8))

		got := notes(t, db)
		want := []string{
			"Còn 3 ngày đến hạn: Ban hành kế hoạch thực hiện Kế hoạch 15/KH-PGDĐT",
			"Còn 7 ngày đến hạn: Gửi báo cáo năm học 2025-2026",
			"Còn 1 ngày đến hạn: Ban hành kế hoạch thực hiện Kế hoạch 15/KH-PGDĐT",
			"Hôm nay là hạn cuối: Ban hành kế hoạch thực hiện Kế hoạch 15/KH-PGDĐT",
			"Đã quá hạn: Ban hành kế hoạch thực hiện Kế hoạch 15/KH-PGDĐT",
			"Còn 3 ngày đến hạn: Gửi báo cáo năm học 2025-2026",
		}
		for _, user := range []string{w.schoolLeader.Username, officer.Username} {
			if strings.Join(got[user], "\n") != strings.Join(want, "\n") {
				t.Errorf("%s got\n%s\nwant\n%s", user, strings.Join(got[user], "\n"), strings.Join(want, "\n"))
			}
		}
		if len(got[w.schoolStaff.Username]) != 0 || len(got[w.schoolAdmin.Username]) != 0 || len(got[w.wardOfficer.Username]) != 0 {
			t.Errorf("staff, admin or the ward's officer were told: %v", got)
		}
		// A new deadline is told at once, in the step it falls in.
		src.dues = append(src.dues, calendar.Due{Key: "round-9-unit-a", UnitID: w.schoolA.ID, Title: "Gửi hồ sơ vào đợt xét chọn Quý III/2026", At: vn(2026, 9, 12)})
		if rep := run(d0.AddDate(0, 0, 9)); rep.Sent != 2 {
			t.Errorf("10/9: %+v, want the leader and the officer told of the new deadline", rep)
		}

		// Mail: every note waits for the daily digest of each user with an
		// address (notify sends no mail one by one).
		var mails int
		db.R.QueryRow("SELECT COUNT(*) FROM notifications WHERE mail AND mailed_at IS NULL").Scan(&mails)
		if mails != 2*(len(want)+1) {
			t.Errorf("%d notes wait for the digest, want %d", mails, 2*(len(want)+1))
		}
		var body string
		db.R.QueryRow("SELECT body FROM notifications WHERE title LIKE $1", "Hôm nay%").Scan(&body)
		if !strings.Contains(body, "Thứ Sáu, ngày 04 tháng 9 năm 2026") {
			t.Errorf("the due-day note says %q", body)
		}
	})
}

func TestRemindersSurviveBrokenSources(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		good := &fakeDue{met: map[string]bool{}, dues: []calendar.Due{
			{Key: "k", UnitID: w.schoolB.ID, Title: "Nộp báo cáo", At: vn(2026, 9, 2)}}}
		w.svc.DueSources = []calendar.DueSource{brokenDue{}, panickyDue{}, good}
		rep, err := w.svc.Remind(ctx, vn(2026, 9, 1))
		if err == nil || rep.Failed != 2 {
			t.Errorf("Remind with two broken sources: %+v, %v; want an error and 2 failures", rep, err)
		}
		if rep.Sent != 1 {
			t.Errorf("the good source's deadline was not told (%+v)", rep)
		}
		// As a job: its slot's day is the day reminded of, and the error
		// makes the runner try again later.
		r := jobs.NewRunner(db)
		r.Logger = quiet
		r.Daily("calendar-reminders", 7*time.Hour, time.FixedZone("ICT", 7*3600), w.svc.RemindJob)
		if n, err := r.Schedule(ctx, time.Date(2026, 9, 1, 1, 0, 0, 0, time.UTC)); err != nil || n != 1 {
			t.Fatalf("schedule: %d, %v", n, err)
		}
		if ran, err := r.RunOnce(ctx); !ran || err != nil {
			t.Fatalf("run: %v, %v", ran, err)
		}
		var status, last string
		db.R.QueryRow("SELECT status, last_error FROM jobs WHERE kind = 'calendar-reminders'").Scan(&status, &last)
		if status != "queued" || !strings.Contains(last, "nguồn hỏng") {
			t.Errorf("job after a failing source: %s %q, want queued again with the error", status, last)
		}
	})
}
