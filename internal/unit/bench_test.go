package unit_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/unit"
)

// BenchmarkSubtreeList measures unit.Store.List on a province of about
// 1,000 schools (1,051 units) with 10,000 accounts: an officer listing their
// ward (the ward, its office and 40 schools), the department listing the
// whole tree (the worst case: every unit, sorted into tree order), and a
// folded text search over the province. docs/benchmarks-foundation.md has the figures.
func BenchmarkSubtreeList(b *testing.B) {
	dbtest.EachB(b, func(b *testing.B, db *database.DB) {
		p := dbtest.SeedProvince(b, db, 1000, 10000)
		s := &unit.Store{DB: db}
		ctx := context.Background()
		ward := p.Wards[0]
		cases := []struct {
			name string
			who  dbtest.Account
			f    unit.Filter
			want int
		}{
			{"ward-officer", p.WardOfficer, unit.Filter{Under: ward.ID}, 2 + len(ward.Schools)},
			{"department", p.DepartmentAdmin, unit.Filter{Under: p.Department.ID}, p.Units},
			{"search-tieu-hoc", p.DepartmentAdmin, unit.Filter{Under: p.Department.ID, Query: "tiểu học"}, -1},
		}
		for _, c := range cases {
			sc := c.who.Scope()
			b.Run(c.name, func(b *testing.B) {
				b.ReportAllocs()
				var n int
				for b.Loop() {
					units, total, err := s.List(ctx, sc, c.f)
					if err != nil || (c.want >= 0 && total != c.want) || total == 0 {
						b.Fatalf("list: %v (%d units, want %d)", err, total, c.want)
					}
					n = len(units)
				}
				b.ReportMetric(float64(n), "units")
			})
		}
		// SortTree alone, on the rows in the order the query returns them
		// (path index order); an already sorted input would flatter it.
		b.Run("SortTree-department", func(b *testing.B) {
			all, _, err := s.List(ctx, p.DepartmentAdmin.Scope(), unit.Filter{})
			if err != nil {
				b.Fatal(err)
			}
			slices.SortFunc(all, func(a, b unit.Unit) int { return strings.Compare(a.Path, b.Path) })
			buf := make([]unit.Unit, len(all))
			b.ReportAllocs()
			for b.Loop() {
				copy(buf, all)
				unit.SortTree(buf)
			}
		})
	})
}
