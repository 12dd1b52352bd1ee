package demo_test

import (
	"context"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/activity"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/demo"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// TestDemoActivities: the demo holds activities of every form on both
// trees, within each unit's lifetime, some planned, some with photos whose
// thumbnails are ready, a few public, some linked to the demo's dossiers.
func TestDemoActivities(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		if _, err := demo.Load(ctx, db, pw); err != nil {
			t.Fatal(err)
		}
		s := &activity.Store{DB: db}
		sys := access.System()
		units := &unit.Store{DB: db}
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if err := db.R.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, tc := range []struct {
			code     string
			from, to time.Time
		}{
			{"TA-PGD", time.Date(2020, 8, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)},
			{"HCM-SGD", time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), s.Today().AddDate(1, 0, 0)},
		} {
			u, err := units.ByCode(ctx, sys, tc.code)
			if err != nil {
				t.Fatal(err)
			}
			all := activity.Filter{UnitID: u.ID}
			p, err := s.List(ctx, sys, all)
			if err != nil {
				t.Fatal(err)
			}
			if p.Total < 100 {
				t.Errorf("%s: only %d activities", tc.code, p.Total)
			}
			for _, f := range activity.Forms {
				if p.ByForm[f] == 0 {
					t.Errorf("%s: no activity of the form %s", tc.code, f.Label())
				}
			}
			outside := all
			outside.To = new(tc.from.AddDate(0, 0, -1))
			if q, _ := s.List(ctx, sys, outside); q.Total != 0 {
				t.Errorf("%s: %d activities before %s", tc.code, q.Total, viet.ShortDate(tc.from))
			}
			outside = all
			outside.To, outside.From = nil, new(tc.to.AddDate(0, 0, 1))
			if q, _ := s.List(ctx, sys, outside); q.Total != 0 {
				t.Errorf("%s: %d activities after %s", tc.code, q.Total, viet.ShortDate(tc.to))
			}
		}
		if n := count("SELECT COUNT(*) FROM activities WHERE held_on > $1", s.Today()); n == 0 {
			t.Error("no planned activity")
		}
		if n := count("SELECT COUNT(DISTINCT activity_id) FROM activity_files"); n < 20 {
			t.Errorf("%d activities with photos", n)
		}
		if n := count("SELECT COUNT(*) FROM activity_files f LEFT JOIN activity_thumbnails t ON t.sha256 = f.sha256 WHERE t.status IS NULL OR t.status <> 'ready'"); n != 0 {
			t.Errorf("%d photos without a ready thumbnail", n)
		}
		if n := count("SELECT COUNT(*) FROM activity_dossiers"); n == 0 {
			t.Error("no activity links a dossier")
		}
		recent, err := activity.PublicRecent(ctx, db.R, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(recent) < 3 || recent[0].ThumbnailURL == "" {
			t.Errorf("%d public activities; the first %+v", len(recent), recent)
		}
		// The laithieu.vhxh officer sees the ward's schools' activities.
		var id int64
		if err := db.R.QueryRowContext(ctx, "SELECT id FROM users WHERE username = 'laithieu.vhxh'").Scan(&id); err != nil {
			t.Fatal(err)
		}
		office, _ := units.ByCode(ctx, sys, "HCM-LT-VHXH")
		sc := access.Scope{UserID: id, Grants: []access.Grant{{UnitID: office.ID, Path: office.Path, Role: access.Officer}}}
		if p, err := s.List(ctx, sc, activity.Filter{}); err != nil || p.Total < 20 {
			t.Errorf("the Lái Thiêu officer sees %d activities, %v", p.Total, err)
		}
	})
}
