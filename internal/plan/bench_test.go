package plan_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/plan"
)

// measure runs op b.N times and reports the median and 95th percentile.
func measure(b *testing.B, op func() error) {
	b.ReportAllocs()
	var d []time.Duration
	for b.Loop() {
		t := time.Now()
		if err := op(); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(t))
	}
	slices.Sort(d)
	b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(d[len(d)*95/100].Microseconds())/1000, "ms-p95")
}

// BenchmarkCompliance: the compliance table at province scale (1,000
// schools in 25 wards, five school years of plans: about 10,000 issued
// plans and 10,000 required units).
func BenchmarkCompliance(b *testing.B) {
	dbtest.EachB(b, func(b *testing.B, db *database.DB) {
		prov := dbtest.SeedProvince(b, db, 1000, 0)
		set := dbtest.SeedPlans(b, db, prov, 5)
		s := &plan.Store{DB: db}
		ctx := context.Background()
		dept := access.Scope{UserID: 1, Username: "bench", Grants: []access.Grant{{UnitID: prov.Department.ID, Path: prov.Department.Path, Role: access.Officer}}}
		w := prov.Wards[len(prov.Wards)/2]
		office := access.Scope{UserID: 2, Username: "bench", Grants: []access.Grant{{UnitID: w.Office.ID, Path: w.Office.Path, Role: access.Officer}}}
		var officePlan int64
		if err := db.R.QueryRowContext(ctx, "SELECT MAX(id) FROM plans WHERE unit_id = $1", w.Office.ID).Scan(&officePlan); err != nil || officePlan == 0 {
			b.Fatalf("no plan of the office: %v", err)
		}
		table := func(sc access.Scope, id int64, f plan.ComplianceFilter, total int) func() error {
			return func() error {
				c, err := s.Compliance(ctx, sc, id, f)
				if err == nil && (c.Total != total || len(c.Rows) == 0) {
					err = fmt.Errorf("table of %d units, %d rows; want %d", c.Total, len(c.Rows), total)
				}
				return err
			}
		}
		last := len(set.Schools) - 1
		b.Run("office-40-schools", func(b *testing.B) { measure(b, table(office, officePlan, plan.ComplianceFilter{}, 40)) })
		b.Run("department-25-offices", func(b *testing.B) { measure(b, table(dept, set.Offices[last], plan.ComplianceFilter{}, 25)) })
		b.Run("department-1000-schools", func(b *testing.B) { measure(b, table(dept, set.Schools[last], plan.ComplianceFilter{}, 1000)) })
		b.Run("department-1000-schools-missing", func(b *testing.B) {
			measure(b, table(dept, set.Schools[last], plan.ComplianceFilter{State: plan.Missing}, 1000))
		})
		b.Run("department-1000-schools-search", func(b *testing.B) {
			measure(b, table(dept, set.Schools[last], plan.ComplianceFilter{Query: "tieu hoc"}, 1000))
		})
		school := w.Schools[3]
		leader := access.Scope{UserID: 3, Username: "bench", Grants: []access.Grant{{UnitID: school.ID, Path: school.Path, Role: access.Leader}}}
		b.Run("school-plans-to-issue", func(b *testing.B) {
			measure(b, func() error { _, err := s.ToIssue(ctx, leader, 20); return err })
		})
		b.Run("department-plan-list", func(b *testing.B) {
			measure(b, func() error {
				ps, total, err := s.List(ctx, dept, plan.Filter{Limit: 50})
				if err == nil && (len(ps) != 50 || total != set.Plans) {
					err = fmt.Errorf("list of %d, total %d; want 50 of %d", len(ps), total, set.Plans)
				}
				return err
			})
		})
	})
}
