package jobs_test

import (
	"context"
	"database/sql"
	"sync/atomic"
	"testing"
	"time"

	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/jobs"
	"thidua/internal/viet"
)

func TestScheduleQueuesEachSlotOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		var ran atomic.Int32
		var slots []time.Time
		handler := func(_ context.Context, j *jobs.Job) error {
			ran.Add(1)
			slots = append(slots, jobs.SlotOf(j))
			return nil
		}
		// Two servers on one database, each with the same schedules.
		a, b := newRunner(db), newRunner(db)
		for _, r := range []*jobs.Runner{a, b} {
			r.Every("tick", time.Hour, handler)
			r.Daily("digest", 7*time.Hour, viet.Zone, handler)
		}

		at := time.Date(2026, 12, 2, 1, 30, 0, 0, time.UTC) // 08:30 in Vietnam
		n, err := a.Schedule(ctx, at)
		if err != nil || n != 2 {
			t.Fatalf("first Schedule = %d, %v; want 2 jobs (tick and digest)", n, err)
		}
		for _, r := range []*jobs.Runner{a, b} {
			if n, err := r.Schedule(ctx, at.Add(20*time.Minute)); err != nil || n != 0 {
				t.Fatalf("same slots again = %d, %v; want 0", n, err)
			}
		}
		for runOnce(t, a) {
		}
		if ran.Load() != 2 {
			t.Fatalf("ran %d jobs, want 2", ran.Load())
		}
		want := map[time.Time]bool{
			time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC): true, // the hour
			time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC): true, // 07:00 in Vietnam
		}
		for _, s := range slots {
			if !want[s] {
				t.Errorf("ran slot %s, want one of %v", s, want)
			}
		}

		// The next hour queues the tick only; the next morning the digest too.
		if n, err := b.Schedule(ctx, at.Add(time.Hour)); err != nil || n != 1 {
			t.Fatalf("next hour = %d, %v; want 1", n, err)
		}
		if n, err := b.Schedule(ctx, at.Add(24*time.Hour)); err != nil || n != 2 {
			t.Fatalf("next day = %d, %v; want 2", n, err)
		}
		// Just before 07:00 Vietnam time the digest slot is still yesterday's.
		if n, err := b.Schedule(ctx, time.Date(2026, 12, 3, 23, 59, 0, 0, time.UTC)); err != nil || n != 1 {
			t.Fatalf("06:59 next day = %d, %v; want only the tick", n, err)
		}
	})
}

func TestEnqueueOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		q := &jobs.Queue{DB: db}
		var first, second int64
		var created1, created2 bool
		for i, dst := range []*int64{&first, &second} {
			err := db.Tx(ctx, func(tx *sql.Tx) error {
				var err error
				var c bool
				*dst, c, err = q.EnqueueOnceTx(ctx, tx, "export", "export-42", map[string]int{"n": i})
				if i == 0 {
					created1 = c
				} else {
					created2 = c
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		if !created1 || created2 || first == 0 || first != second {
			t.Fatalf("EnqueueOnce twice: ids %d %d, created %v %v; want the same id, created once", first, second, created1, created2)
		}
		// Plain jobs are not affected by keys.
		for range 2 {
			if _, err := q.Enqueue(ctx, "export", nil); err != nil {
				t.Fatal(err)
			}
		}
		var n int
		if err := db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM jobs WHERE kind = 'export'").Scan(&n); err != nil || n != 3 {
			t.Fatalf("jobs = %d, %v; want 3", n, err)
		}
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			_, _, err := q.EnqueueOnceTx(ctx, tx, "export", " ", nil)
			return err
		})
		if err == nil {
			t.Fatal("an empty key was accepted")
		}
	})
}
