package demo_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/calendar"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/demo"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// TestDemoKeyDates: the local founding days of the historical tree recur
// on the old units' calendars while those units existed, and not after.
func TestDemoKeyDates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		if _, err := demo.Load(ctx, db, pw); err != nil {
			t.Fatal(err)
		}
		units := &unit.Store{DB: db}
		keys := &calendar.KeyDates{DB: db, Units: units}
		school, err := units.ByCode(ctx, access.System(), "TA-TH-LAITHIEU")
		if err != nil {
			t.Fatal(err)
		}
		titles := func(year int) []string {
			evs, err := keys.Events(ctx, access.System(), school.ID, time.Date(year, 1, 1, 0, 0, 0, 0, viet.Zone), time.Date(year, 3, 1, 0, 0, 0, 0, viet.Zone))
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, e := range evs {
				out = append(out, e.Start.Format("02/01/2006")+" "+e.Title)
			}
			return out
		}
		got := titles(2024)
		for _, want := range []string{"01/01/2024 Ngày tái lập tỉnh Bình Dương", "01/02/2024 Ngày thành lập thành phố Thuận An"} {
			if !slices.Contains(got, want) {
				t.Errorf("a Thuận An school in early 2024 lacks %q: %v", want, got)
			}
		}
		if got := titles(2026); len(got) != 0 {
			t.Errorf("the closed tree still celebrates in 2026: %v", got)
		}
		// Today's school has its own (invented) founding day, not public.
		lt, err := units.ByCode(ctx, access.System(), "HCM-LT-TH-LAITHIEU")
		if err != nil {
			t.Fatal(err)
		}
		kds, err := keys.For(ctx, access.System(), lt.ID)
		if err != nil {
			t.Fatal(err)
		}
		var local []calendar.Observance
		for _, k := range kds {
			if !k.National() {
				local = append(local, k)
			}
		}
		if len(local) != 1 || local[0].Name != "Ngày thành lập Trường Tiểu học Lái Thiêu" || local[0].Public {
			t.Errorf("today's Lái Thiêu primary school key dates: %+v", local)
		}
	})
}
