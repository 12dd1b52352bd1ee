package calendar_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/calendar"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/viet"
)

// fakeSource returns fixed events for every unit, private and public, and
// remembers who asked.
type fakeSource struct {
	events []calendar.Event
	asked  []int64
}

func (f *fakeSource) Events(_ context.Context, sc access.Scope, unitID int64, from, to time.Time) ([]calendar.Event, error) {
	f.asked = append(f.asked, unitID)
	return f.events, nil
}

var (
	failing = calendar.SourceFunc(func(context.Context, access.Scope, int64, time.Time, time.Time) ([]calendar.Event, error) {
		return nil, errors.New("nguồn hỏng")
	})
	panicking = calendar.SourceFunc(func(context.Context, access.Scope, int64, time.Time, time.Time) ([]calendar.Event, error) {
		panic("boom")
	})
)

func TestServiceEvents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		fake := &fakeSource{events: []calendar.Event{
			{UID: "plan-1-deadline", Kind: calendar.Deadline, Title: "Hạn ban hành kế hoạch", Start: time.Date(2026, 6, 15, 17, 0, 0, 0, viet.Zone), Remind: true},
			{UID: "act-1", Kind: calendar.Activity, Title: "Tọa đàm 11/6", Start: time.Date(2026, 6, 11, 8, 0, 0, 0, viet.Zone), Public: true},
			{UID: "act-1", Kind: calendar.Activity, Title: "Tọa đàm 11/6 (bản trùng)", Start: time.Date(2026, 6, 11, 8, 0, 0, 0, viet.Zone), Public: true},
			{UID: "camp-1", Kind: calendar.Campaign, Title: "Đợt thi đua tháng 5–6", Start: vn(2026, 5, 20), End: vn(2026, 6, 2), AllDay: true},
			{UID: "old", Kind: calendar.Activity, Title: "Tháng trước", Start: vn(2026, 4, 2), AllDay: true},
			{UID: "", Kind: calendar.Activity, Title: "Không có UID", Start: vn(2026, 6, 3), AllDay: true},
		}}
		w.svc.Sources = []calendar.Source{failing, w.keys, panicking, fake}
		q := calendar.Query{UnitID: w.schoolA.ID, From: vn(2026, 6, 1), To: vn(2026, 7, 1)}

		staff := w.scope(t, w.schoolStaff)
		res, err := w.svc.Events(ctx, staff, q)
		if err != nil {
			t.Fatal(err)
		}
		if res.Failed != 2 || res.Unit.ID != w.schoolA.ID {
			t.Errorf("Failed = %d (want the 2 broken sources), unit %d", res.Failed, res.Unit.ID)
		}
		var got []string
		for _, e := range res.Events {
			got = append(got, e.UID)
		}
		kd := func(name string) string {
			for _, e := range res.Events {
				if e.Title == name {
					return e.UID
				}
			}
			return "missing " + name
		}
		// 11/6: the all-day key date before the timed seminar.
		want := []string{"camp-1", kd("Ngày truyền thống thi đua yêu nước"), "act-1", "plan-1-deadline"}
		if !slices.Equal(got, want) {
			t.Errorf("June 2026 = %v, want %v", got, want)
		}

		// Kinds filter.
		q.Kinds = []calendar.Kind{calendar.KeyDate, calendar.Deadline}
		res, _ = w.svc.Events(ctx, staff, q)
		for _, e := range res.Events {
			if e.Kind != calendar.KeyDate && e.Kind != calendar.Deadline {
				t.Errorf("kind filter let %s through", e.Kind)
			}
		}
		if len(res.Events) != 2 {
			t.Errorf("keydate+deadline in June: %d events", len(res.Events))
		}
		q.Kinds = []calendar.Kind{"bogus"}
		if _, err := w.svc.Events(ctx, staff, q); !errs.Is(err, errs.Invalid) {
			t.Errorf("bogus kind: %v", err)
		}
		q.Kinds = nil

		// Whose calendar: a unit the caller holds a role reaching.
		for _, tc := range []struct {
			who  string
			sc   access.Scope
			unit int64
			ok   bool
		}{
			{"staff, own school", staff, w.schoolA.ID, true},
			{"staff, the ward above (seen, not held)", staff, w.ward.ID, false},
			{"staff, another school", staff, w.schoolB.ID, false},
			{"ward officer, a school below", w.scope(t, w.wardOfficer), w.schoolB.ID, true},
			{"no one", access.Scope{UserID: 99, Username: "khong-vai-tro"}, w.schoolA.ID, false},
		} {
			q.UnitID = tc.unit
			_, err := w.svc.Events(ctx, tc.sc, q)
			if (err == nil) != tc.ok || (err != nil && !errs.Is(err, errs.NotFound)) {
				t.Errorf("%s: %v, want ok=%v (else not found)", tc.who, err, tc.ok)
			}
		}
		// Bad periods.
		for _, bad := range []calendar.Query{{UnitID: w.schoolA.ID, From: vn(2026, 6, 1), To: vn(2026, 6, 1)},
			{UnitID: w.schoolA.ID, From: vn(2026, 1, 1), To: vn(2027, 6, 1)}} {
			if _, err := w.svc.Events(ctx, staff, bad); !errs.Is(err, errs.Invalid) {
				t.Errorf("period %v–%v: %v, want invalid", bad.From, bad.To, err)
			}
		}

		// The public: only public events, from every tree's root.
		fake.asked = nil
		pub, failed, err := w.svc.PublicEvents(ctx, 0, vn(2026, 6, 1), vn(2026, 7, 1))
		if err != nil || failed != 2 {
			t.Fatalf("public: %d failed, %v; want the 2 broken sources counted", failed, err)
		}
		if !slices.Equal(fake.asked, []int64{w.dept.ID}) {
			t.Errorf("the public calendar asked about units %v, want the root %d", fake.asked, w.dept.ID)
		}
		var titles []string
		for _, e := range pub {
			if !e.Public {
				t.Errorf("public calendar holds %+v", e)
			}
			titles = append(titles, e.Title)
		}
		if !slices.Contains(titles, "Tọa đàm 11/6") || !slices.Contains(titles, "Ngày truyền thống thi đua yêu nước") || len(titles) != 2 {
			t.Errorf("public June 2026 = %v", titles)
		}
		if _, _, err := w.svc.PublicEvents(ctx, 999999, vn(2026, 6, 1), vn(2026, 7, 1)); !errs.Is(err, errs.NotFound) {
			t.Errorf("public calendar of a missing unit: %v", err)
		}
	})
}

func TestMonthGrid(t *testing.T) {
	evs := []calendar.Event{
		{UID: "a", Title: "Khai giảng", Start: vn(2026, 9, 5), AllDay: true},
		{UID: "b", Title: "Đợt thi đua", Start: vn(2026, 9, 29), End: vn(2026, 10, 2), AllDay: true},
		{UID: "c", Title: "Họp đến nửa đêm", Start: time.Date(2026, 9, 10, 20, 0, 0, 0, viet.Zone), End: vn(2026, 9, 11)},
		{UID: "d", Title: "Nhận hồ sơ", Start: time.Date(2026, 8, 20, 9, 0, 0, 0, viet.Zone), End: time.Date(2026, 9, 16, 17, 0, 0, 0, viet.Zone)},
	}
	m := calendar.Month(time.Date(2026, 9, 17, 15, 0, 0, 0, time.UTC), evs, time.Date(2026, 9, 10, 23, 0, 0, 0, time.UTC))
	if m.Name() != "Tháng 9 năm 2026" || len(m.Weeks) != 5 {
		t.Fatalf("%s in %d weeks", m.Name(), len(m.Weeks))
	}
	first, last := m.Weeks[0][0], m.Weeks[4][6]
	if first.Date.Format("2006-01-02") != "2026-08-31" || first.InMonth || first.Weekday() != "Thứ Hai" {
		t.Errorf("the grid starts on %v (%s, in month %v), want Monday 31/8", first.Date, first.Weekday(), first.InMonth)
	}
	if last.Date.Format("2006-01-02") != "2026-10-04" || last.Weekday() != "Chủ nhật" {
		t.Errorf("the grid ends on %v (%s), want Sunday 4/10", last.Date, last.Weekday())
	}
	var today []string
	count := map[string][]string{}
	for _, w := range m.Weeks {
		for _, d := range w {
			if d.Today {
				today = append(today, d.Date.Format("02/01"))
			}
			for _, e := range d.Events {
				day := d.Date.Format("02/01")
				if e.Cont {
					day += "+"
				}
				count[e.UID] = append(count[e.UID], day)
				if (e.UID == "b" || e.UID == "d") != !e.Last.IsZero() {
					t.Errorf("%s on %s: last day %v", e.UID, day, e.Last)
				}
			}
		}
	}
	// 23:00 UTC on 10/9 is 06:00 on 11/9 in Vietnam.
	if !slices.Equal(today, []string{"11/09"}) {
		t.Errorf("today marked on %v, want 11/09", today)
	}
	// A span shows where it begins, then only where a week row begins
	// ("+": continued), never on every day it covers.
	if strings.Join(count["b"], " ") != "29/09" || strings.Join(count["c"], " ") != "10/09" || len(count["a"]) != 1 ||
		strings.Join(count["d"], " ") != "31/08+ 07/09+ 14/09+" {
		t.Errorf("events laid out on %v", count)
	}
	if m.Count() != 1+1+1+2 {
		t.Errorf("Count = %d, want 5 events shown in September", m.Count())
	}
	if p, n := m.Prev(), m.Next(); p.Format("2006-01") != "2026-08" || n.Format("2006-01") != "2026-10" {
		t.Errorf("prev %v next %v", p, n)
	}
	ag := calendar.Agenda(evs, vn(2026, 9, 1), vn(2026, 10, 1), vn(2026, 9, 5))
	var days []string
	for _, d := range ag {
		days = append(days, d.Date.Format("02/01"))
	}
	if strings.Join(days, " ") != "01/09 05/09 10/09 29/09" || !ag[1].Today || !ag[0].Events[0].Cont {
		t.Errorf("agenda days %v (5/9 today: %v)", days, ag[1].Today)
	}
}
