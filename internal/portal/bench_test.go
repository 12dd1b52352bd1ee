package portal_test

import (
	"context"
	"database/sql"
	"strconv"
	"testing"

	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/portal"
)

// BenchmarkSearch measures portal.Search at province scale (20,000
// published exemplars): a common word, two words, a rare name, a filter
// alone, a deep page.
func BenchmarkSearch(b *testing.B) {
	dbtest.EachB(b, func(b *testing.B, db *database.DB) {
		prov := dbtest.SeedProvince(b, db, 1000, 0)
		var schools []int64
		for _, w := range prov.Wards {
			for _, s := range w.Schools {
				schools = append(schools, s.ID)
			}
		}
		if _, err := portal.Seed(context.Background(), db, portal.SeedInput{Holder: prov.Department.ID, Schools: schools, N: 20000, Seed: 42}); err != nil {
			b.Fatal(err)
		}
		s := &portal.Store{DB: db}
		ctx := context.Background()
		// Cold: a query not asked before (its ranking is computed: the
		// database's matches, then the ranking in Go).
		words := []string{"hoc sinh", "doc sach", "an toan", "tiet kiem", "giao vien", "phu huynh", "mo hinh", "thu vien", "dat giai", "truong hoc"}
		b.Run("cold-query", func(b *testing.B) {
			i := 0
			for b.Loop() {
				i++
				if _, err := s.Search(ctx, portal.Query{Text: words[i%len(words)] + " " + strconv.Itoa(i)}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("cold-common-word", func(b *testing.B) {
			i := 0
			for b.Loop() {
				i++
				// Each iteration a new pair of common words (after 100, pairs repeat: run under 100 iterations).
				if _, err := s.Search(ctx, portal.Query{Text: words[i%len(words)] + " " + words[(i/len(words))%len(words)]}); err != nil {
					b.Fatal(err)
				}
			}
		})
		// After a change the public can see: the snapshot is reloaded.
		b.Run("after-change", func(b *testing.B) {
			for b.Loop() {
				if err := db.Tx(ctx, func(tx *sql.Tx) error { return portal.Invalidate(ctx, tx) }); err != nil {
					b.Fatal(err)
				}
				if _, err := s.Search(ctx, portal.Query{Text: "hoc sinh"}); err != nil {
					b.Fatal(err)
				}
			}
		})
		for _, c := range []struct {
			name string
			q    portal.Query
		}{
			{"common-word", portal.Query{Text: "hoc sinh"}},
			{"phrase", portal.Query{Text: "dien hinh tien tien"}},
			{"two-words", portal.Query{Text: "doc sach"}},
			{"rare-name", portal.Query{Text: "duc"}},
			{"category-only", portal.Query{Category: "new_model"}},
			{"words-and-year", portal.Query{Text: "vuon rau", Year: 2024}},
			{"page-5", portal.Query{Text: "mo hinh", Page: 5}},
		} {
			b.Run(c.name, func(b *testing.B) {
				var total int
				for b.Loop() {
					r, err := s.Search(context.Background(), c.q)
					if err != nil {
						b.Fatal(err)
					}
					total = r.Total
				}
				b.ReportMetric(float64(total), "matches")
			})
		}
		// What a watching server does after a change, in the background:
		// reload the snapshot and rank again the queries asked before.
		b.Run("warm-after-change", func(b *testing.B) {
			var carried int
			for b.Loop() {
				if err := db.Tx(ctx, func(tx *sql.Tx) error { return portal.Invalidate(ctx, tx) }); err != nil {
					b.Fatal(err)
				}
				st, err := s.State(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if err := s.WarmSearch(ctx, st); err != nil {
					b.Fatal(err)
				}
				carried = len(portal.Ranked(s))
			}
			b.ReportMetric(float64(carried), "rankings")
		})
		// The first visitor's search after that warm-up.
		b.Run("after-change-warmed", func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				if err := db.Tx(ctx, func(tx *sql.Tx) error { return portal.Invalidate(ctx, tx) }); err != nil {
					b.Fatal(err)
				}
				st, err := s.State(ctx)
				if err == nil {
					err = s.WarmSearch(ctx, st)
				}
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := s.Search(ctx, portal.Query{Text: "hoc sinh"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}
