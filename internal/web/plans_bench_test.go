package web

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"thidua/internal/database"
	"thidua/internal/dbtest"
)

// BenchmarkCompliancePage: the compliance table as the department's people
// get it over HTTP (a web session and the rendered page), at province scale: 1,000
// schools, five school years of plans (see dbtest.SeedPlans).
func BenchmarkCompliancePage(b *testing.B) {
	dbtest.EachB(b, func(b *testing.B, db *database.DB) {
		prov := dbtest.SeedProvince(b, db, 1000, 0)
		set := dbtest.SeedPlans(b, db, prov, 5)
		e := newEnv(b, db, 0, Options{})
		tok := prov.DepartmentAdmin.Token
		id := set.Schools[len(set.Schools)-1]
		get := func(path string) func() error {
			return func() error {
				w := e.serve(pageReq("GET", path, tok, nil))
				if w.Code != http.StatusOK {
					return fmt.Errorf("GET %s: %s", path, outcome(w))
				}
				return nil
			}
		}
		measure := func(b *testing.B, op func() error) {
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
		b.Run("page-1000-schools", func(b *testing.B) { measure(b, get("/plans/"+idstr(id)+"/compliance")) })
		b.Run("page-1000-schools-missing", func(b *testing.B) { measure(b, get("/plans/"+idstr(id)+"/compliance?state=missing")) })
		b.Run("page-plan", func(b *testing.B) { measure(b, get("/plans/"+idstr(id))) })
	})
}
