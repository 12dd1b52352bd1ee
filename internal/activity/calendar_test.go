package activity

import (
	"context"
	"slices"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/calendar"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/viet"
)

func TestCalendarEvents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		var src calendar.Source = e.s
		yes := true
		timed := input(e.a, "Tọa đàm 20/11", d(2025, 11, 18), Seminar)
		timed.StartTime, timed.EndTime = "08:00", "10:30"
		ta := e.create(e.staffA, timed)
		multi := input(e.a, "Tuần lễ văn hóa", d(2025, 11, 28), Culture)
		multi.EndDate = dp(2025, 12, 2)
		ma := e.create(e.staffA, multi)
		pub := input(e.b, "Tin bài công khai", d(2025, 11, 5), Online)
		pub.Public = &yes
		pa := e.create(e.officer1, pub)
		planned := e.create(e.staffA, input(e.a, "Pano 11/6", d(2026, 6, 11), Visual))
		e.create(e.officer2, input(e.c, "Ở phường khác", d(2025, 11, 10), Press))

		nov := time.Date(2025, 11, 1, 0, 0, 0, 0, viet.Zone)
		dec := time.Date(2025, 12, 1, 0, 0, 0, 0, viet.Zone)
		uids := func(es []calendar.Event) []string {
			var out []string
			for _, x := range es {
				out = append(out, x.UID)
			}
			return out
		}
		id := func(a Activity) string { return "activity-" + itoa(a.ID) }

		// The ward officer's calendar of the ward: the ward's activities in
		// November, including the one running into December.
		es, err := src.Events(ctx, e.officer1, e.w1.ID, nov, dec)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{id(pa), id(ta), id(ma)}; !slices.Equal(uids(es), want) {
			t.Fatalf("November of ward 1 = %q, want %q", uids(es), want)
		}
		for _, x := range es {
			if x.Kind != calendar.Activity || x.URL != "/activities/"+x.UID[len("activity-"):] || x.UnitName == "" || x.Title == "" {
				t.Errorf("event %+v", x)
			}
		}
		tev, mev, pev := es[1], es[0+2], es[0]
		if tev.AllDay || !tev.Start.Equal(time.Date(2025, 11, 18, 8, 0, 0, 0, viet.Zone)) || !tev.End.Equal(time.Date(2025, 11, 18, 10, 30, 0, 0, viet.Zone)) {
			t.Errorf("timed event %v – %v (all day %v)", tev.Start, tev.End, tev.AllDay)
		}
		if !mev.AllDay || !mev.Start.Equal(time.Date(2025, 11, 28, 0, 0, 0, 0, viet.Zone)) || !mev.End.Equal(time.Date(2025, 12, 3, 0, 0, 0, 0, viet.Zone)) {
			t.Errorf("multi-day event %v – %v", mev.Start, mev.End)
		}
		if !pev.Public || tev.Public || !pev.AllDay || !pev.End.IsZero() {
			t.Errorf("public flags %v %v, single day end %v", pev.Public, tev.Public, pev.End)
		}
		// December holds the end of the culture week; a later window holds
		// the planned activity, marked as planned.
		es, _ = src.Events(ctx, e.officer1, e.w1.ID, dec, dec.AddDate(0, 1, 0))
		if !slices.Equal(uids(es), []string{id(ma)}) {
			t.Errorf("December = %q", uids(es))
		}
		es, _ = src.Events(ctx, e.staffA, e.a.ID, time.Date(2026, 6, 1, 0, 0, 0, 0, viet.Zone), time.Date(2026, 7, 1, 0, 0, 0, 0, viet.Zone))
		if !slices.Equal(uids(es), []string{id(planned)}) || es[0].Detail[:len("Kế hoạch")] != "Kế hoạch" {
			t.Errorf("June 2026 = %+v", es)
		}
		// School A's staff on the ward's calendar: their school's only.
		es, _ = src.Events(ctx, e.staffA, e.w1.ID, nov, dec)
		if want := []string{id(ta), id(ma)}; !slices.Equal(uids(es), want) {
			t.Errorf("staff of A on ward 1 = %q, want %q", uids(es), want)
		}
		// A unit outside the scope is not found.
		if _, err := src.Events(ctx, e.staffA, e.c.ID, nov, dec); !errs.Is(err, errs.NotFound) {
			t.Errorf("staff of A on school C: %v", err)
		}
		// The anonymous public (a public feed) gets the public ones only.
		es, err = src.Events(ctx, access.Scope{}, e.so.ID, nov, dec)
		if err != nil || !slices.Equal(uids(es), []string{id(pa)}) {
			t.Errorf("public feed = %q, %v", uids(es), err)
		}
		// The window's bounds: an activity on the last day before to is in,
		// one on the day of to is out.
		es, _ = src.Events(ctx, e.staffA, e.a.ID, time.Date(2025, 11, 18, 10, 30, 0, 0, viet.Zone), time.Date(2025, 11, 28, 0, 0, 0, 0, viet.Zone))
		if len(es) != 0 {
			t.Errorf("after the seminar ended and before the week began: %q", uids(es))
		}
	})
}

func TestPublicRecent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		yes := true
		mk := func(title string, day time.Time, public bool, photo_ bool) Activity {
			in := input(e.a, title, day, Culture)
			if public {
				in.Public = &yes
			}
			var ups []Upload
			if photo_ {
				ups = append(ups, upload("anh.jpg", photo(t, 40, 30, false, int(day.Unix()%97))))
			}
			return e.create(e.leaderA, in, ups...)
		}
		today := day(time.Now().In(viet.Zone))
		old := mk("Công khai cũ", today.AddDate(0, -2, 0), true, true)
		mk("Không công khai", today.AddDate(0, -1, 0), false, true)
		recent := mk("Công khai gần đây", today, true, false)
		mk("Công khai nhưng chưa tổ chức", today.AddDate(0, 0, 3), true, false)
		if err := e.s.MakeThumbnail(ctx, old.Files[0].SHA256); err != nil {
			t.Fatal(err)
		}
		got, err := PublicRecent(ctx, db.R, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != recent.ID || got[1].ID != old.ID {
			t.Fatalf("PublicRecent = %+v", got)
		}
		if got[0].ThumbnailURL != "" || got[1].ThumbnailURL != PublicThumbnailURL(old.ID) || got[1].FormName != "Văn hóa, văn nghệ" ||
			got[1].UnitName != e.a.Name || got[1].Summary == "" || !got[1].Date.Equal(old.Date) {
			t.Errorf("PublicRecent = %+v", got)
		}
		if one, _ := PublicRecent(ctx, db.R, 1); len(one) != 1 {
			t.Errorf("limit 1 gave %d", len(one))
		}
	})
}
