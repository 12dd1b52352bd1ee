package web

import (
	"context"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"

	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/portal"
)

// BenchmarkPortalPages measures the public pages in-process, without the
// cache (every request rebuilt), at THIDUA_PORTAL_BENCH_N published
// exemplars (20,000 by default).
func BenchmarkPortalPages(b *testing.B) {
	n, err := strconv.Atoi(os.Getenv("THIDUA_PORTAL_BENCH_N"))
	if err != nil || n <= 0 {
		n = 20000
	}
	dbtest.EachB(b, func(b *testing.B, db *database.DB) {
		prov := dbtest.SeedProvince(b, db, 1000, 0)
		var schools []int64
		for _, w := range prov.Wards {
			for _, s := range w.Schools {
				schools = append(schools, s.ID)
			}
		}
		pages, err := portal.Seed(context.Background(), db, portal.SeedInput{Holder: prov.Department.ID, Schools: schools, N: n, Seed: 42})
		if err != nil {
			b.Fatal(err)
		}
		e := newEnv(b, db, 0, Options{BaseURL: "https://thidua.example.vn"})
		e.srv.SetPortalCache(0)
		for _, c := range []struct{ name, path string }{
			{"exemplar", "/dien-hinh/" + pages[len(pages)/2].Slug},
			{"search-common", "/search?q=hoc+sinh"},
			{"search-rare", "/search?q=duc"},
			{"search-filter", "/search?loai=new_model"},
			{"home", "/dien-hinh"},
		} {
			b.Run(c.name, func(b *testing.B) {
				for b.Loop() {
					w := e.serve(httptest.NewRequest("GET", c.path, nil))
					if w.Code != 200 {
						b.Fatalf("%s: %d", c.path, w.Code)
					}
				}
			})
		}
	})
}
