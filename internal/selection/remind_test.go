package selection_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/notify"
	"thidua/internal/selection"
)

// titles lists the titles of a user's notifications, oldest first.
func (w *world) titles(t *testing.T, sc access.Scope) []string {
	t.Helper()
	list, _, err := w.notes.List(context.Background(), sc, false, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(list) - 1; i >= 0; i-- {
		out = append(out, list[i].Title)
	}
	return out
}

func (w *world) notes1(t *testing.T, sc access.Scope) []notify.Notification {
	t.Helper()
	list, _, err := w.notes.List(context.Background(), sc, false, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// TestRemindersBeforeDeadlines walks a round's clock through the reminder
// stages: three days and one day before a deadline, and overdue; each
// person gets each reminder once, and only while there is still something
// to do.
func TestRemindersBeforeDeadlines(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		defer fatal(t)
		ctx := context.Background()
		w := build(t, db)
		u := w.users
		t0 := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC) // 09:00 in Vietnam
		clock := t0
		w.sel.Now = func() time.Time { return clock }

		// Submission closes in 2½ days, review in 4 days.
		members := []selection.Member{{Name: "Chủ tịch"}, {Name: "Phó Chủ tịch"}, {Name: "Thư ký"}}
		r := must(w.sel.OpenRound(ctx, u["p.officer"], selection.RoundInput{UnitID: w.phong.ID, Name: "Quý IV/2026", SubmitFrom: t0.Add(-10 * 24 * time.Hour),
			SubmitUntil: t0.Add(60 * time.Hour), ReviewUntil: t0.Add(96 * time.Hour), Council: selection.Council{Members: members}}))
		lan := must(w.sel.Propose(ctx, u["a.staff"], w.dossier(t, u["a.staff"], "Lan").ID, r.ID))
		must(w.sel.Propose(ctx, u["a.staff"], w.dossier(t, u["a.staff"], "Mai").ID, r.ID))
		scored := must(w.sel.Submit(ctx, u["a.leader"], w.dossier(t, u["a.staff"], "Hoa").ID, r.ID)).Nomination
		must(w.sel.AssignReviewers(ctx, u["p.officer"], []int64{scored.ID}, []int64{u["p.reviewer"].UserID}))

		if n := remind(t, w, t0.Add(-24*time.Hour)); n != 0 {
			t.Fatalf("3½ days before the deadline: %d reminders, want none yet", n)
		}
		// 2½ days before: the school's leader (the only leader or officer of
		// school A) is told about its two drafts; the reviewer's deadline is
		// still four days away.
		if n := remind(t, w, t0); n != 1 {
			t.Fatalf("2½ days before the submission deadline: %d reminders, want 1 (the school leader)", n)
		}
		got := w.notes1(t, u["a.leader"])
		if len(got) != 1 || got[0].Title != "Sắp đến hạn nộp hồ sơ đợt Quý IV/2026: 2 đề nghị chưa gửi" ||
			!strings.Contains(got[0].Body, "03/12/2026 21:00 (còn 2 ngày)") || !strings.Contains(got[0].Body, "– Giáo viên tiêu biểu Lan — Nguyễn Thị Lan") ||
			got[0].URL != "/rounds/"+itoa(r.ID) {
			t.Fatalf("the leader's reminder: %+v", got)
		}
		if ts := w.titles(t, u["a.staff"]); len(ts) != 0 {
			t.Errorf("staff, who cannot submit, were reminded: %q", ts)
		}
		if n := remind(t, w, t0.Add(time.Hour)); n != 0 {
			t.Fatalf("the next hour: %d reminders, want none (each once)", n)
		}

		// The leader submits one of the drafts; 2 days later 12 hours are
		// left: the last reminder names the one still waiting, and the
		// reviewer (2 days before review ends) is told about the unscored one.
		clock = t0.Add(24 * time.Hour)
		must(w.sel.Submit(ctx, u["a.leader"], lan.DossierID, r.ID))
		if n := remind(t, w, t0.Add(48*time.Hour)); n != 2 {
			t.Fatalf("12 hours before the submission deadline: %d reminders, want 2 (leader, reviewer)", n)
		}
		ts := w.titles(t, u["a.leader"])
		if len(ts) != 2 || ts[1] != "Sắp đến hạn nộp hồ sơ đợt Quý IV/2026: 1 đề nghị chưa gửi" {
			t.Fatalf("the leader's reminders: %q", ts)
		}
		if b := w.notes1(t, u["a.leader"])[0].Body; !strings.Contains(b, "(còn 12 giờ)") || strings.Contains(b, "Lan") {
			t.Errorf("last reminder body: %q", b)
		}
		rv := w.notes1(t, u["p.reviewer"])
		if len(rv) != 2 || rv[0].Title != "Sắp đến hạn chấm hồ sơ đợt Quý IV/2026: 1 hồ sơ chưa chấm" || !strings.Contains(rv[0].Body, "Nguyễn Thị Hoa") ||
			!strings.HasPrefix(rv[1].Title, "Được phân công chấm: ") {
			t.Fatalf("the reviewer's reminder: %+v", rv)
		}
		if ts := w.titles(t, u["p.officer"]); len(ts) != 0 {
			t.Errorf("the officer, who reviews nothing, was reminded: %q", ts)
		}

		// The reviewer scores; after the submission deadline the school is
		// told once that a draft is overdue, and the reviewer nothing more.
		items := map[string]int{}
		for _, it := range r.Rubric {
			items[it.Key] = it.Max
		}
		clock = t0.Add(50 * time.Hour)
		must(w.sel.SubmitScore(ctx, u["p.reviewer"], scored.ID, items, ""))
		if n := remind(t, w, t0.Add(61*time.Hour)); n != 1 {
			t.Fatalf("an hour after the submission deadline: %d reminders, want 1 (overdue draft)", n)
		}
		if ts := w.titles(t, u["a.leader"]); len(ts) != 3 || ts[2] != "Đã quá hạn nộp hồ sơ đợt Quý IV/2026: 1 đề nghị chưa gửi" {
			t.Fatalf("the leader's reminders: %q", ts)
		}
		for h := 62; h < 61+8*24; h += 6 {
			if n := remind(t, w, t0.Add(time.Duration(h)*time.Hour)); n != 0 {
				t.Fatalf("%d hours after t0: %d reminders, want none (overdue once; the reviewer has scored)", h, n)
			}
		}
		if ts := w.titles(t, u["p.reviewer"]); len(ts) != 2 { // the assignment, one reminder
			t.Errorf("the reviewer's reminders after scoring: %q", ts)
		}
	})
}

// TestRemindersReturnedAndOverdueReview covers the deadline for a returned
// dossier and a reviewer who misses the review deadline.
func TestRemindersReturnedAndOverdueReview(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		defer fatal(t)
		ctx := context.Background()
		w := build(t, db)
		u := w.users
		t0 := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
		clock := t0
		w.sel.Now = func() time.Time { return clock }
		members := []selection.Member{{Name: "Chủ tịch"}, {Name: "Phó Chủ tịch"}, {Name: "Thư ký"}}
		r := must(w.sel.OpenRound(ctx, u["p.officer"], selection.RoundInput{UnitID: w.phong.ID, Name: "Quý IV/2026", SubmitFrom: t0.Add(-10 * 24 * time.Hour),
			SubmitUntil: t0.Add(24 * time.Hour), ReviewUntil: t0.Add(30 * 24 * time.Hour), Council: selection.Council{Members: members}}))
		back := must(w.sel.Submit(ctx, u["a.leader"], w.dossier(t, u["a.staff"], "Lan").ID, r.ID)).Nomination
		late := must(w.sel.Submit(ctx, u["a.leader"], w.dossier(t, u["a.staff"], "Mai").ID, r.ID)).Nomination
		must(w.sel.AssignReviewers(ctx, u["p.officer"], []int64{back.ID, late.ID}, []int64{u["p.reviewer"].UserID}))
		back = must(w.sel.Nomination(ctx, u["p.officer"], back.ID))
		due := time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC) // resubmit by the end of 10/12/2026
		must(w.sel.Decide(ctx, u["p.officer"], back.ID, back.Version, selection.DecisionInput{Return: true, Note: "Bổ sung minh chứng.", ReturnDeadline: &due}))
		must(w.sel.Release(ctx, u["p.officer"], r.ID))
		before := len(w.titles(t, u["a.leader"])) // the release's note

		endOfDue := time.Date(2026, 12, 10, 17, 0, 0, 0, time.UTC) // 00:00 on 11/12 in Vietnam
		if n := remind(t, w, endOfDue.Add(-80*time.Hour)); n != 0 {
			t.Fatalf("more than 3 days before the return deadline: %d reminders", n)
		}
		if n := remind(t, w, endOfDue.Add(-70*time.Hour)); n != 1 {
			t.Fatalf("70 hours before the return deadline: %d reminders, want 1", n)
		}
		ts := w.titles(t, u["a.leader"])
		if len(ts) != before+1 || ts[before] != "Sắp đến hạn nộp lại hồ sơ: Giáo viên tiêu biểu Lan (hạn 10/12/2026)" {
			t.Fatalf("the leader's notes: %q", ts)
		}
		if n := remind(t, w, endOfDue.Add(-2*time.Hour)); n != 1 {
			t.Fatalf("2 hours before the return deadline: %d reminders, want 1", n)
		}
		if b := w.notes1(t, u["a.leader"])[0].Body; !strings.Contains(b, "(còn 2 giờ)") || !strings.Contains(b, "Bổ sung minh chứng.") {
			t.Errorf("the last return reminder: %q", b)
		}
		if n := remind(t, w, endOfDue.Add(time.Hour)); n != 1 {
			t.Fatalf("after the return deadline: %d reminders, want 1 (overdue)", n)
		}
		if ts := w.titles(t, u["a.leader"]); ts[len(ts)-1] != "Đã quá hạn nộp lại hồ sơ: Giáo viên tiêu biểu Lan" {
			t.Fatalf("the leader's notes: %q", ts)
		}
		if n := remind(t, w, endOfDue.Add(2*time.Hour)); n != 0 {
			t.Fatalf("overdue reminded twice: %d", n)
		}
		// Resubmitted after the deadline: accepted, with a warning.
		clock = endOfDue.Add(3 * time.Hour)
		back = must(w.sel.Nomination(ctx, u["a.leader"], back.ID))
		again := must(w.sel.Resubmit(ctx, u["a.leader"], back.ID, back.Version))
		if again.State != selection.Submitted || !slices.Contains(again.Warnings, "Gửi lại sau hạn nộp lại 10/12/2026.") {
			t.Errorf("late resubmission: %s, warnings %q", again.State, again.Warnings)
		}
		if n := remind(t, w, endOfDue.Add(4*time.Hour)); n != 0 {
			t.Fatalf("reminders after the resubmission: %d", n)
		}

		// The reviewer never scores "Mai": two reminders and one overdue.
		var stages []string
		for h := -80; h <= 24*9; h += 4 {
			at := r.ReviewUntil.Add(time.Duration(h) * time.Hour)
			if remind(t, w, at) > 0 {
				stages = append(stages, at.Sub(r.ReviewUntil).String())
			}
		}
		ts = w.titles(t, u["p.reviewer"])
		if len(ts) != 4 || ts[0] != "Được phân công chấm 2 hồ sơ, đợt Quý IV/2026" || !strings.HasPrefix(ts[1], "Sắp đến hạn chấm hồ sơ") ||
			!strings.HasPrefix(ts[2], "Sắp đến hạn chấm hồ sơ") || ts[3] != "Đã quá hạn xét chọn đợt Quý IV/2026: 1 hồ sơ chưa chấm" {
			t.Fatalf("the reviewer's notes: %q (sent at %q from the review deadline)", ts, stages)
		}
		if len(stages) != 3 || stages[0] != "-72h0m0s" || stages[1] != "-24h0m0s" || stages[2] != "0s" {
			t.Errorf("reminders sent at %q from the review deadline, want -72h, -24h and at the deadline", stages)
		}
	})
}

func remind(t *testing.T, w *world, at time.Time) int {
	t.Helper()
	n, err := w.sel.Remind(context.Background(), at)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
