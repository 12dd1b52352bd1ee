package plan_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/calendar"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/plan"
	"thidua/internal/viet"
)

func uids(es []calendar.Event) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.UID)
	}
	sort.Strings(out)
	return out
}

func TestCalendarContributions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		in := full(w.office, 20, "KH-PGDĐT", date(2026, 11, 2))
		in.Require, in.RequireBy = plan.RequireChildren, date(2026, 12, 15)
		parent := w.mustIssue(w.officer, w.mustCreate(w.officer, in))
		sug, err := w.s.Suggest(ctx, w.leaderA, w.a.ID, parent.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		sug.Number, sug.Date, sug.Signer = 3, date(2026, 11, 10), plan.Signer{Title: "Hiệu trưởng", Name: "Nguyễn Văn A"}
		pa := w.mustIssue(w.leaderA, w.mustCreate(w.leaderA, sug))
		leaderC := access.Scope{UserID: w.leaderC, Grants: []access.Grant{{UnitID: w.c.ID, Path: w.c.Path, Role: access.Leader}}}

		from := time.Date(2026, 11, 1, 0, 0, 0, 0, viet.Zone)
		to := time.Date(2027, 1, 1, 0, 0, 0, 0, viet.Zone)
		p, a := fmt.Sprint(parent.ID), fmt.Sprint(pa.ID)
		var src calendar.Source = w.s
		for _, c := range []struct {
			name string
			sc   access.Scope
			unit int64
			want []string
		}{
			{"the office", w.officer, w.office.ID, []string{"plan-" + a + "-issued", "plan-" + p + "-deadline", "plan-" + p + "-issued"}},
			{"the department above", w.deptLead, w.office.ID, []string{"plan-" + a + "-issued", "plan-" + p + "-deadline", "plan-" + p + "-issued"}},
			{"school A", w.leaderA, w.a.ID, []string{"plan-" + a + "-issued", "plan-" + p + "-deadline-" + fmt.Sprint(w.a.ID)}},
			{"school C", leaderC, w.c.ID, []string{"plan-" + p + "-deadline-" + fmt.Sprint(w.c.ID)}},
		} {
			es, err := src.Events(ctx, c.sc, c.unit, from, to)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			sort.Strings(c.want)
			if got := uids(es); !slices.Equal(got, c.want) {
				t.Errorf("%s: events %q, want %q", c.name, got, c.want)
			}
			for _, e := range es {
				if e.Kind != calendar.Deadline || !e.AllDay || e.Title == "" || e.URL == "" {
					t.Errorf("%s: event %+v", c.name, e)
				}
				if e.Remind != (c.name == "school C") {
					t.Errorf("%s: %s Remind = %v", c.name, e.UID, e.Remind)
				}
				if e.UID == "plan-"+p+"-deadline" && (e.Detail != parent.Title+". Đã ban hành: 1/3 đơn vị." || !e.Start.Equal(time.Date(2026, 12, 15, 0, 0, 0, 0, viet.Zone))) {
					t.Errorf("issuer's deadline event %+v", e)
				}
			}
		}
		// The school sees no sibling's events, and a school of another office none of this office's.
		if _, err := src.Events(ctx, w.officerD, w.office.ID, from, to); !errs.Is(err, errs.NotFound) {
			t.Errorf("another office's school reads the office's calendar: %v", err)
		}
		// The anonymous public (the public ICS) gets nothing, without an error.
		if es, err := src.Events(ctx, access.Scope{}, w.office.ID, from, to); err != nil || len(es) != 0 {
			t.Errorf("public events = %v, %v", es, err)
		}
		// to is exclusive: a range ending at the deadline's midnight leaves it out.
		es, _ := src.Events(ctx, leaderC, w.c.ID, from, time.Date(2026, 12, 15, 0, 0, 0, 0, viet.Zone))
		if len(es) != 0 {
			t.Errorf("events before the deadline = %q", uids(es))
		}

		// Due: B and C still owe their plan.
		var due calendar.DueSource = w.s
		keys := func(at time.Time) []string {
			ds, err := due.Due(ctx, from, to)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, d := range ds {
				out = append(out, d.Key)
				if d.Title == "" || d.URL == "" || !d.At.Equal(at) {
					t.Errorf("due %+v", d)
				}
			}
			return out
		}
		if got, want := keys(time.Date(2026, 12, 15, 0, 0, 0, 0, viet.Zone)), []string{fmt.Sprintf("plan-%d-unit-%d", parent.ID, w.b.ID), fmt.Sprintf("plan-%d-unit-%d", parent.ID, w.c.ID)}; !slices.Equal(got, want) {
			t.Errorf("due = %q, want %q", got, want)
		}
		ds, _ := due.Due(ctx, from, time.Date(2026, 12, 15, 0, 0, 0, 0, viet.Zone))
		if len(ds) != 0 {
			t.Errorf("due before the deadline's day = %+v", ds)
		}
		// Once replaced, the replacement's deadline counts, not the old one's.
		sug, _ = w.s.Suggest(ctx, w.officer, w.office.ID, 0, parent.ID)
		sug.Date, sug.RequireBy = date(2026, 11, 19), date(2026, 12, 20)
		repl := w.mustIssue(w.officer, w.mustCreate(w.officer, sug))
		if got, want := keys(time.Date(2026, 12, 20, 0, 0, 0, 0, viet.Zone)), []string{fmt.Sprintf("plan-%d-unit-%d", repl.ID, w.b.ID),
			fmt.Sprintf("plan-%d-unit-%d", repl.ID, w.c.ID)}; !slices.Equal(got, want) {
			t.Errorf("due after the replacement = %q, want %q", got, want)
		}
		es, _ = src.Events(ctx, w.officer, w.office.ID, from, to)
		if got := uids(es); slices.Contains(got, "plan-"+p+"-deadline") || !slices.Contains(got, fmt.Sprintf("plan-%d-deadline", repl.ID)) {
			t.Errorf("office events after the replacement = %q", got)
		}
	})
}
