package demo_test

import (
	"context"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/demo"
	"thidua/internal/unit"
)

// TestRouteUpward checks that the demo trees route dossiers the way the 2020–2025
// plan and today's two-level government do, read from the tree alone.
func TestRouteUpward(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		if _, err := demo.Load(ctx, db, demo.DefaultPassword); err != nil {
			t.Fatal(err)
		}
		units := &unit.Store{DB: db}
		route := func(code string, day time.Time) []string {
			u, err := units.ByCode(ctx, access.System(), code)
			if err != nil {
				t.Fatalf("%s: %v", code, err)
			}
			var out []string
			for {
				next, err := units.RoundHolderAbove(ctx, u, day)
				if err != nil {
					return out
				}
				out = append(out, next.Code)
				u = next
			}
		}
		old := route("TA-TH-LAITHIEU", time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC))
		if len(old) != 2 || old[0] != "TA-PGD" || old[1] != "BD-SGD" {
			t.Errorf("2024 route = %v, want [TA-PGD BD-SGD]", old)
		}
		now := route("HCM-LT-TH-LAITHIEU", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
		if len(now) != 2 || now[0] != "HCM-LT-VHXH" || now[1] != "HCM-SGD" {
			t.Errorf("2026 route = %v, want [HCM-LT-VHXH HCM-SGD]", now)
		}
		if thpt := route("HCM-THPT-TRINHHOAIDUC", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)); len(thpt) != 1 || thpt[0] != "HCM-SGD" {
			t.Errorf("THPT route = %v, want straight to the Sở", thpt)
		}
	})
}
