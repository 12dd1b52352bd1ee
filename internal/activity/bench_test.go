package activity

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/viet"
)

// benchTitles are the words the seeded activities are made of.
var benchTitles = []string{
	"Tọa đàm kỷ niệm Ngày Nhà giáo Việt Nam", "Giao lưu với điển hình tiên tiến", "Trao đổi kinh nghiệm chuyển đổi số",
	"Thi đua cùng điển hình “Dạy tốt - Học tốt”", "Hội diễn văn nghệ chào mừng 20/11", "Pano, áp phích cổ động Ngày truyền thống thi đua yêu nước 11/6",
	"Tin bài gương người tốt việc tốt trên trang thông tin điện tử", "Phóng sự phối hợp Đài Truyền thanh phường", "Phối hợp Ủy ban nhân dân phường tuyên truyền",
	"Sinh hoạt dưới cờ chủ đề thi đua yêu nước",
}

// seedActivities spreads n activities over the province's schools and five
// school years (1/8/2020 to 31/7/2025), every form, about one in five
// linked to one of ten movements and one in fifty public, straight through
// SQL in one transaction.
func seedActivities(b *testing.B, db *database.DB, prov dbtest.Province, n int) {
	b.Helper()
	ctx := context.Background()
	start := time.Now()
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	now := database.Now()
	var movements []int64
	for i := 0; i < 10; i++ {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO movements (unit_id, name, authority, kind, starts_on, status, created_at, updated_at)
			VALUES ($1, $2, 'bo_gddt', 'thuong_xuyen', $3, 'active', $4, $4) RETURNING id`, prov.Department.ID, fmt.Sprintf("Phong trào %d", i+1),
			time.Date(2020, 9, 1, 0, 0, 0, 0, time.UTC), now).Scan(&id); err != nil {
			b.Fatal(err)
		}
		movements = append(movements, id)
	}
	var schools []dbtest.Node
	for _, w := range prov.Wards {
		schools = append(schools, w.Schools...)
	}
	first := time.Date(2020, 8, 1, 0, 0, 0, 0, time.UTC)
	days := int(time.Date(2025, 7, 31, 0, 0, 0, 0, time.UTC).Sub(first).Hours()/24) + 1
	rng := rand.New(rand.NewPCG(4, 2026))
	const batch = 400
	for done := 0; done < n; done += batch {
		k := min(batch, n-done)
		var vals []string
		var args []any
		for i := 0; i < k; i++ {
			s := schools[rng.IntN(len(schools))]
			f := Forms[rng.IntN(len(Forms)-1)]
			title := benchTitles[rng.IntN(len(benchTitles))] + fmt.Sprintf(" (%d)", done+i)
			desc := "Hoạt động tuyên truyền của " + s.Name + " về các phong trào thi đua yêu nước và gương điển hình tiên tiến."
			day := first.AddDate(0, 0, rng.IntN(days))
			j := len(args)
			vals = append(vals, fmt.Sprintf("($%d, $%d, $%d, $%d, $%d, $%d, $%d, '[]', $%d, $%d, 1, $%d, $%d)", j+1, j+2, j+3, j+4, j+5, j+6, j+7, j+8, j+9, j+10, j+11))
			args = append(args, s.ID, day, title, string(f), 20+rng.IntN(800), rng.IntN(5000), desc, rng.IntN(50) == 0,
				viet.Fold(title+" "+desc), now, now)
		}
		rows, err := tx.QueryContext(ctx, `INSERT INTO activities (unit_id, held_on, title, form, participants, reach, description, links, public, search,
			version, created_at, updated_at) VALUES `+strings.Join(vals, ", ")+" RETURNING id, unit_id", args...)
		if err != nil {
			b.Fatal(err)
		}
		var ids []int64
		unitOf := map[int64]int64{}
		for rows.Next() {
			var id, u int64
			rows.Scan(&id, &u)
			ids = append(ids, id)
			unitOf[id] = u
		}
		rows.Close()
		var links []string
		var largs []any
		for _, id := range ids {
			if rng.IntN(5) == 0 {
				j := len(largs)
				links = append(links, fmt.Sprintf("($%d, $%d, $%d)", j+1, j+2, j+3))
				largs = append(largs, id, movements[rng.IntN(len(movements))], unitOf[id])
			}
		}
		if len(links) > 0 {
			if _, err := tx.ExecContext(ctx, "INSERT INTO activity_movements (activity_id, movement_id, unit_id) VALUES "+strings.Join(links, ", "), largs...); err != nil {
				b.Fatal(err)
			}
		}
	}
	// The day counts, as the store keeps them.
	if _, err := tx.ExecContext(ctx, "INSERT INTO activity_day_counts (form, held_on, n) SELECT form, held_on, COUNT(*) FROM activities GROUP BY form, held_on"); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if db.Dialect == database.Postgres {
		// As autovacuum does after a bulk insert: statistics, and the
		// visibility map that lets counts read the indexes alone.
		if _, err := db.W.ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("seeded %d activities in %v", n, time.Since(start).Round(time.Millisecond))
}

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

// BenchmarkList: the activity list at province scale (1,000 schools,
// 200,000 activities over five school years), each op one page of 50 with
// the total and the per-form counts, as the list page asks for it.
func BenchmarkList(b *testing.B) {
	dbtest.EachB(b, func(b *testing.B, db *database.DB) {
		prov := dbtest.SeedProvince(b, db, 1000, 0)
		seedActivities(b, db, prov, 200_000)
		s := &Store{DB: db}
		ctx := context.Background()
		w := prov.Wards[len(prov.Wards)/2]
		ward := access.Scope{UserID: 1, Username: "ward", Grants: []access.Grant{{UnitID: w.ID, Path: w.Path, Role: access.Officer}}}
		school := access.Scope{UserID: 2, Username: "school", Grants: []access.Grant{{UnitID: w.Schools[3].ID, Path: w.Schools[3].Path, Role: access.Staff}}}
		dep := access.Scope{UserID: 3, Username: "so", Grants: []access.Grant{{UnitID: prov.Department.ID, Path: prov.Department.Path, Role: access.Leader}}}
		var movement int64
		db.R.QueryRowContext(ctx, "SELECT MIN(id) FROM movements").Scan(&movement)
		// A cursor half way down the province's list, for the deep page.
		var deep Cursor
		db.R.QueryRowContext(ctx, "SELECT held_on, id FROM activities ORDER BY held_on DESC, id DESC LIMIT 1 OFFSET 100000").Scan(&deep.Day, &deep.ID)
		deep.Day = day(deep.Day.UTC())
		for _, c := range []struct {
			name string
			sc   access.Scope
			f    Filter
		}{
			{"ward-officer-year-form", ward, Filter{SchoolYear: 2023, Form: Seminar}},
			{"ward-officer-year", ward, Filter{SchoolYear: 2023}},
			{"ward-officer-all", ward, Filter{}},
			{"ward-officer-movement", ward, Filter{MovementID: movement}},
			{"school-staff-all", school, Filter{}},
			{"province-first-page", dep, Filter{}},
			{"province-first-page-system", access.System(), Filter{}},
			{"province-year-form", dep, Filter{SchoolYear: 2023, Form: Seminar}},
			{"province-deep-page-cursor", dep, Filter{After: deep.String()}},
			{"province-offset-100000", dep, Filter{Offset: 100000}},
			{"province-search", dep, Filter{Query: "giao lưu điển hình"}},
			{"ward-officer-search", ward, Filter{Query: "giao lưu"}},
			{"province-search-selective", dep, Filter{Query: "12345"}},
		} {
			b.Run(c.name, func(b *testing.B) {
				f := c.f
				f.Limit = 50
				measure(b, func() error {
					p, err := s.List(ctx, c.sc, f)
					if err == nil && (len(p.Items) == 0 || p.Total == 0) {
						err = fmt.Errorf("empty page (total %d)", p.Total)
					}
					return err
				})
			})
		}
	})
}
