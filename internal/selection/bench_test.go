package selection_test

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
	"thidua/internal/notify"
	"thidua/internal/selection"
	"thidua/internal/unit"
)

// seedNominations adds five years of quarterly rounds at every ward office
// of the province and spreads n nominations over them, each with its own
// dossier and frozen version, straight through SQL. It returns the rounds.
func seedNominations(b *testing.B, db *database.DB, prov dbtest.Province, n int) []int64 {
	b.Helper()
	ctx := context.Background()
	start := time.Now()
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	now := database.Now()
	council := `{"members":[{"name":"A"},{"name":"B"},{"name":"C"},{"name":"D"},{"name":"E"}],"quorum":3,"threshold":80}`
	rubric := `[{"key":"a","label":"A","weight":100,"max":10}]`
	type round struct {
		id     int64
		office dbtest.Ward
	}
	var rounds []round
	for _, w := range prov.Wards {
		for q := 0; q < 20; q++ {
			from := time.Date(2021, time.Month(1+3*(q%4)), 1, 0, 0, 0, 0, time.UTC).AddDate(q/4, 0, 0)
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO rounds (unit_id, name, submit_from, submit_until, review_until, rubric, quota, council, status, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, 0, $7, 'released', $8, $8) RETURNING id`, w.Office.ID, fmt.Sprintf("Quý %d/%d", q%4+1, 2021+q/4),
				from, from.AddDate(0, 3, -1), from.AddDate(0, 3, 20), rubric, council, now).Scan(&id); err != nil {
				b.Fatal(err)
			}
			rounds = append(rounds, round{id, w})
		}
	}
	states := []selection.State{selection.Selected, selection.Rejected, selection.Returned, selection.UnderReview, selection.Submitted}
	rng := rand.New(rand.NewPCG(1, 2))
	const batch = 200
	for done := 0; done < n; done += batch {
		var dv, vv, nv []string
		var dargs, vargs, nargs []any
		k := min(batch, n-done)
		var ids []int64
		// Dossiers first, to learn their ids.
		for i := 0; i < k; i++ {
			r := rounds[(done+i)%len(rounds)]
			school := r.office.Schools[rng.IntN(len(r.office.Schools))]
			j := len(dargs)
			dv = append(dv, fmt.Sprintf("($%d, 'collective', $%d, $%d, 'outstanding', $%d, '', '[]', $%d, $%d)", j+1, j+2, j+3, j+4, j+5, j+5))
			dargs = append(dargs, school.ID, fmt.Sprintf("Tổ chuyên môn %d", done+i), fmt.Sprintf("collective:%d:to %d", school.ID, done+i),
				fmt.Sprintf("Hồ sơ số %d", done+i), now)
		}
		rows, err := tx.QueryContext(ctx, "INSERT INTO dossiers (unit_id, subject_kind, collective_name, subject_key, category, title, summary, criteria, created_at, updated_at) VALUES "+
			strings.Join(dv, ", ")+" RETURNING id, unit_id, subject_key, title", dargs...)
		if err != nil {
			b.Fatal(err)
		}
		type dossier struct {
			id, unit   int64
			key, title string
		}
		var ds []dossier
		for rows.Next() {
			var d dossier
			rows.Scan(&d.id, &d.unit, &d.key, &d.title)
			ds = append(ds, d)
		}
		rows.Close()
		slices.SortFunc(ds, func(a, b dossier) int { return int(a.id - b.id) })
		for i, d := range ds {
			j := len(vargs)
			vv = append(vv, fmt.Sprintf("($%d, 1, '{}', $%d, $%d)", j+1, j+2, j+3))
			vargs = append(vargs, d.id, fmt.Sprintf("%064d", d.id), now)
			_ = i
		}
		rows, err = tx.QueryContext(ctx, "INSERT INTO dossier_versions (dossier_id, number, snapshot, hash, created_at) VALUES "+strings.Join(vv, ", ")+" RETURNING id, dossier_id", vargs...)
		if err != nil {
			b.Fatal(err)
		}
		version := map[int64]int64{}
		for rows.Next() {
			var v, d int64
			rows.Scan(&v, &d)
			version[d] = v
		}
		rows.Close()
		for i, d := range ds {
			r := rounds[(done+i)%len(rounds)]
			st := states[rng.IntN(len(states))]
			j := len(nargs)
			nv = append(nv, fmt.Sprintf("($%d, $%d, $%d, $%d, $%d, $%d, 'outstanding', $%d, $%d, $%d, $%d, $%d, $%d)",
				j+1, j+2, j+3, j+4, j+5, j+6, j+7, j+8, j+9, j+10, j+11, j+12))
			nargs = append(nargs, r.id, d.id, version[d.id], d.key, d.key, d.title, d.unit, d.unit, string(st), now.Add(-time.Duration(rng.IntN(1e6))*time.Second), now, now)
			ids = append(ids, d.id)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO nominations (round_id, dossier_id, version_id, subject_key, subject_name, title, category, dossier_unit_id,
			submitting_unit_id, state, submitted_at, created_at, updated_at) VALUES `+strings.Join(nv, ", "), nargs...); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if db.Dialect == database.Postgres {
		db.W.ExecContext(ctx, "ANALYZE")
	}
	b.Logf("seeded %d rounds and %d nominations with their dossiers and versions in %v", len(rounds), n, time.Since(start).Round(time.Millisecond))
	out := make([]int64, len(rounds))
	for i, r := range rounds {
		out[i] = r.id
	}
	return out
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

// BenchmarkReviewQueue: an officer's review queue and the round overview at
// province scale (1,000 schools, 50,000 nominations over five years), and
// beside them the officer's home-page to-dos and the hourly reminder job.
func BenchmarkReviewQueue(b *testing.B) {
	dbtest.EachB(b, func(b *testing.B, db *database.DB) {
		prov := dbtest.SeedProvince(b, db, 1000, 0)
		rounds := seedNominations(b, db, prov, 50000)
		s := &selection.Store{DB: db, Units: &unit.Store{DB: db}}
		ctx := context.Background()
		w := prov.Wards[len(prov.Wards)/2]
		officer := access.Scope{UserID: 1, Username: "bench", Grants: []access.Grant{{UnitID: w.Office.ID, Path: w.Office.Path, Role: access.Officer}}}
		// The ward's latest round.
		var latest int64
		if err := db.R.QueryRowContext(ctx, "SELECT MAX(id) FROM rounds WHERE unit_id = $1", w.Office.ID).Scan(&latest); err != nil {
			b.Fatal(err)
		}
		_ = rounds
		b.Run("queue", func(b *testing.B) {
			measure(b, func() error {
				list, total, err := s.Queue(ctx, officer, latest, selection.QueueFilter{Limit: 50})
				if err == nil && (len(list) == 0 || total < 50) {
					err = fmt.Errorf("queue has %d of %d", len(list), total)
				}
				return err
			})
		})
		b.Run("queue-under-review", func(b *testing.B) {
			measure(b, func() error {
				_, _, err := s.Queue(ctx, officer, latest, selection.QueueFilter{State: selection.UnderReview, Limit: 50})
				return err
			})
		})
		b.Run("overview", func(b *testing.B) {
			measure(b, func() error {
				o, err := s.RoundOverview(ctx, officer, latest)
				if err == nil && len(o.ByUnit) == 0 {
					err = fmt.Errorf("empty overview")
				}
				return err
			})
		})
		b.Run("rounds-of-office", func(b *testing.B) {
			measure(b, func() error {
				_, _, err := s.Rounds(ctx, officer, w.Office.ID, 20, 0)
				return err
			})
		})
		// The officer's home page: nominations to score and the selection to-dos.
		b.Run("home-todos", func(b *testing.B) {
			measure(b, func() error {
				if _, err := s.ToScore(ctx, officer, 20); err != nil {
					return err
				}
				_, err := s.Todos(ctx, officer, 20)
				return err
			})
		})
		// The hourly reminder job over the whole province, two days before
		// the latest rounds' submission deadline.
		var until time.Time
		if err := db.R.QueryRowContext(ctx, "SELECT submit_until FROM rounds WHERE id = $1", latest).Scan(&until); err != nil {
			b.Fatal(err)
		}
		s.Notify = &notify.Store{DB: db}
		b.Run("reminders", func(b *testing.B) {
			measure(b, func() error {
				_, err := s.Remind(ctx, until.Add(-48*time.Hour))
				return err
			})
		})
	})
}
