package selection_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/calendar"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/selection"
)

func TestCalendarEvents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		defer fatal(t)
		ctx := context.Background()
		w := build(t, db)
		u := w.users
		members := []selection.Member{{Name: "Chủ tịch"}, {Name: "Thư ký"}}
		day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
		open := func(sc access.Scope, unitID int64, name string, from, until, review time.Time) selection.Round {
			return must(w.sel.OpenRound(ctx, sc, selection.RoundInput{UnitID: unitID, Name: name, SubmitFrom: from, SubmitUntil: until,
				ReviewUntil: review, Council: selection.Council{Members: members}}))
		}
		q3 := open(u["p.officer"], w.phong.ID, "Quý III/2026", day(7, 1), day(9, 30), day(10, 31))
		q4 := open(u["p.officer"], w.phong.ID, "Quý IV/2026", day(10, 1), day(12, 20), day(12, 31))
		so := open(u["so.officer"], w.so.ID, "Quý IV/2026 – toàn ngành", day(11, 1), day(12, 25), day(12, 31).AddDate(0, 0, 10))

		uids := func(evs []calendar.Event) []string {
			var out []string
			for _, e := range evs {
				out = append(out, e.UID)
				if e.Remind || e.Public || e.URL != fmt.Sprintf("/rounds/%s", strings.Split(e.UID, "-")[1]) {
					t.Errorf("event %s: Remind %v Public %v URL %q", e.UID, e.Remind, e.Public, e.URL)
				}
			}
			slices.Sort(out)
			return out
		}
		id := func(r selection.Round, what string) string { return fmt.Sprintf("round-%d-%s", r.ID, what) }

		// December at a school: the office's Quý IV only (its window, its two
		// deadlines); the department's round is not where a school submits.
		evs := must(w.sel.Events(ctx, u["a.leader"], w.schoolA.ID, day(12, 1), day(12, 1).AddDate(0, 1, 0)))
		want := []string{id(q4, "review"), id(q4, "submit"), id(q4, "window")}
		slices.Sort(want)
		if got := uids(evs); !slices.Equal(got, want) {
			t.Fatalf("school, December: %q, want %q", got, want)
		}
		for _, e := range evs {
			switch e.UID {
			case id(q4, "window"):
				if e.Kind != calendar.Round || !e.Start.Equal(q4.SubmitFrom) || !e.End.Equal(q4.SubmitUntil) ||
					e.Title != "Đợt xét chọn Quý IV/2026 — Phòng Giáo dục và Đào tạo nhận hồ sơ" || e.UnitID != w.phong.ID {
					t.Errorf("window: %+v", e)
				}
			case id(q4, "submit"):
				if e.Kind != calendar.Deadline || !e.Start.Equal(q4.SubmitUntil) || !e.End.IsZero() || e.Title != "Hạn nộp hồ sơ đợt xét chọn Quý IV/2026 (Phòng Giáo dục và Đào tạo)" {
					t.Errorf("submission deadline: %+v", e)
				}
			case id(q4, "review"):
				if e.Kind != calendar.Deadline || !e.Start.Equal(q4.ReviewUntil) || !strings.HasPrefix(e.Title, "Hạn xét chọn đợt Quý IV/2026") {
					t.Errorf("review deadline: %+v", e)
				}
			}
		}

		// October: Q3's review deadline and Q4's window; no Q3 window (it
		// closed in September) and no Q4 deadline yet.
		got := uids(must(w.sel.Events(ctx, u["a.staff"], w.schoolA.ID, day(10, 1), day(11, 1))))
		want = []string{id(q3, "review"), id(q4, "window")}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("school, October: %q, want %q", got, want)
		}

		// The office: the rounds it holds and the department's above it.
		got = uids(must(w.sel.Events(ctx, u["p.officer"], w.phong.ID, day(12, 1), day(12, 1).AddDate(0, 1, 0))))
		want = []string{id(q4, "review"), id(q4, "submit"), id(q4, "window"), id(so, "submit"), id(so, "window")}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("office, December: %q, want %q", got, want)
		}

		// Another school's leader cannot ask for school A.
		if _, err := w.sel.Events(ctx, u["b.leader"], w.schoolA.ID, day(12, 1), day(12, 31)); !errs.Is(err, errs.NotFound) {
			t.Errorf("another school's calendar: %v, want not found", err)
		}
		// The public (the public ICS asks with the zero scope) sees no rounds.
		if evs, err := w.sel.Events(ctx, access.Scope{}, w.schoolA.ID, day(12, 1), day(12, 31)); err != nil || len(evs) != 0 {
			t.Errorf("the anonymous public's round events: %+v, %v; want none and no error", evs, err)
		}
		// An empty range is empty.
		if evs := must(w.sel.Events(ctx, u["a.leader"], w.schoolA.ID, day(12, 1), day(12, 1))); len(evs) != 0 {
			t.Errorf("empty range: %+v", evs)
		}
	})
}
