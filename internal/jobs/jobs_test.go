package jobs_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/jobs"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func newRunner(db *database.DB) *jobs.Runner {
	return &jobs.Runner{DB: db, Logger: quiet}
}

func get(t *testing.T, q *jobs.Queue, id int64) jobs.Job {
	t.Helper()
	j, err := q.Get(context.Background(), access.System(), id)
	if err != nil {
		t.Fatalf("get job %d: %v", id, err)
	}
	return j
}

func runOnce(t *testing.T, r *jobs.Runner) bool {
	t.Helper()
	ran, err := r.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	return ran
}

// makeReady moves a job's run_at to the past, as if its backoff had elapsed.
func makeReady(t *testing.T, db *database.DB, id int64) {
	t.Helper()
	if _, err := db.W.ExecContext(context.Background(), "UPDATE jobs SET run_at = $1 WHERE id = $2", database.Now().Add(-time.Second), id); err != nil {
		t.Fatal(err)
	}
}

var staff = access.Scope{UserID: 7, Username: "gv", Grants: []access.Grant{{UnitID: 3, Path: "/1/3/", Role: access.Admin}}}

func TestEnqueueRunDone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		q := &jobs.Queue{DB: db}
		r := newRunner(db)
		type payload struct {
			UnitID int64  `json:"unit_id"`
			Name   string `json:"name"`
		}
		var got payload
		var progressSeen int
		r.Register("export", func(ctx context.Context, j *jobs.Job) error {
			if err := j.Decode(&got); err != nil {
				return err
			}
			if j.Status != jobs.Running || j.Attempts != 1 || j.LockedUntil == nil {
				t.Errorf("job handed over as %+v, want running, attempt 1, locked", j)
			}
			if err := j.SetProgress(ctx, 40); err != nil {
				return err
			}
			db.R.QueryRowContext(ctx, "SELECT progress FROM jobs WHERE id = $1", j.ID).Scan(&progressSeen)
			return nil
		})
		id, err := q.Enqueue(ctx, "export", payload{UnitID: 42, Name: "Trường THCS Nguyễn Du"})
		if err != nil {
			t.Fatal(err)
		}
		later, _ := q.Enqueue(ctx, "export", nil, jobs.After(time.Hour))
		other, _ := q.Enqueue(ctx, "unknown-kind", nil)
		// A job enqueued in a transaction that rolls back never exists.
		var rolled int64
		db.Tx(ctx, func(tx *sql.Tx) error {
			rolled, _ = q.EnqueueTx(ctx, tx, "export", nil)
			return errors.New("rollback")
		})

		if j := get(t, q, id); j.Status != jobs.Queued || j.Attempts != 0 || j.MaxAttempts != jobs.DefaultMaxAttempts {
			t.Fatalf("new job = %+v", j)
		}
		if !runOnce(t, r) {
			t.Fatal("RunOnce found no job")
		}
		if got.UnitID != 42 || got.Name != "Trường THCS Nguyễn Du" {
			t.Errorf("payload = %+v", got)
		}
		if progressSeen != 40 {
			t.Errorf("progress during the run = %d, want 40", progressSeen)
		}
		j := get(t, q, id)
		if j.Status != jobs.Done || j.Progress != 100 || j.Attempts != 1 || j.LockedUntil != nil || j.LastError != "" {
			t.Errorf("finished job = %+v, want done", j)
		}
		// Nothing else is ready: the delayed job waits, the unknown kind is
		// left for a runner that handles it.
		if runOnce(t, r) {
			t.Error("RunOnce ran a job that was not ready or not registered")
		}
		if j := get(t, q, later); j.Status != jobs.Queued {
			t.Errorf("delayed job = %s", j.Status)
		}
		if j := get(t, q, other); j.Status != jobs.Queued || j.Attempts != 0 {
			t.Errorf("job of an unregistered kind = %+v", j)
		}
		if _, err := q.Get(ctx, access.System(), rolled); !errs.Is(err, errs.NotFound) {
			t.Errorf("job from a rolled back transaction: %v, want not found", err)
		}
		if _, err := q.Enqueue(ctx, " ", nil); err == nil {
			t.Error("a job without kind was accepted")
		}
	})
}

func TestDefaultBackoff(t *testing.T) {
	want := map[int]time.Duration{1: 30 * time.Second, 2: time.Minute, 3: 2 * time.Minute, 5: 8 * time.Minute, 8: time.Hour, 40: time.Hour}
	for n, d := range want {
		if got := jobs.DefaultBackoff(n); got != d {
			t.Errorf("DefaultBackoff(%d) = %v, want %v", n, got, d)
		}
	}
}

func TestRetryWithBackoffThenFail(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		q := &jobs.Queue{DB: db}
		r := newRunner(db)
		calls := 0
		r.Register("flaky", func(ctx context.Context, j *jobs.Job) error {
			calls++
			return errors.New("máy chủ không phản hồi")
		})
		id, err := q.Enqueue(ctx, "flaky", map[string]int{"n": 1}, jobs.MaxAttempts(3))
		if err != nil {
			t.Fatal(err)
		}
		for attempt := 1; attempt <= 2; attempt++ {
			before := database.Now()
			if !runOnce(t, r) {
				t.Fatalf("attempt %d: no job ran", attempt)
			}
			after := database.Now()
			j := get(t, q, id)
			wait := jobs.DefaultBackoff(attempt)
			if j.Status != jobs.Queued || j.Attempts != attempt || j.LastError != "máy chủ không phản hồi" || j.LockedUntil != nil {
				t.Fatalf("after attempt %d: %+v, want queued for a retry with the error kept", attempt, j)
			}
			if j.RunAt.Before(before.Add(wait)) || j.RunAt.After(after.Add(wait)) {
				t.Errorf("after attempt %d: next run at %v, want %v after the failure", attempt, j.RunAt.Sub(before), wait)
			}
			if runOnce(t, r) {
				t.Fatalf("after attempt %d: the job ran again before its backoff elapsed", attempt)
			}
			makeReady(t, db, id)
		}
		runOnce(t, r)
		j := get(t, q, id)
		if j.Status != jobs.Failed || j.Attempts != 3 || j.LastError != "máy chủ không phản hồi" || calls != 3 {
			t.Fatalf("after the last attempt: %+v (%d calls), want failed after 3 with the error kept", j, calls)
		}
		if runOnce(t, r) {
			t.Fatal("a failed job ran again")
		}

		// The admin sees it among failed jobs and may retry it; others may not.
		list, total, err := q.List(ctx, access.System(), "failed", 10, 0)
		if err != nil || total != 1 || len(list) != 1 || list[0].ID != id {
			t.Fatalf("failed list = %v (total %d), err %v", list, total, err)
		}
		if _, _, err := q.List(ctx, access.System(), "bogus", 10, 0); errs.FieldsOf(err)["status"] == "" {
			t.Errorf("list with a bad status: %v, want a status field error", err)
		}
		if _, _, err := q.List(ctx, staff, "", 10, 0); !errs.Is(err, errs.Forbidden) {
			t.Errorf("list by a unit admin: %v, want forbidden", err)
		}
		if err := q.Retry(ctx, staff, id); !errs.Is(err, errs.Forbidden) {
			t.Errorf("retry by a unit admin: %v, want forbidden", err)
		}
		if _, err := q.Get(ctx, staff, id); !errs.Is(err, errs.Forbidden) {
			t.Errorf("get by a unit admin: %v, want forbidden", err)
		}
		if err := q.Retry(ctx, access.System(), id); err != nil {
			t.Fatal(err)
		}
		if j := get(t, q, id); j.Status != jobs.Queued || j.Attempts != 0 || j.LastError == "" {
			t.Errorf("retried job = %+v, want queued with fresh attempts and the old error visible", j)
		}
		var audited int
		db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE object_type = 'job' AND action = 'retry' AND object_id = $1", strconv.FormatInt(id, 10)).Scan(&audited)
		if audited != 1 {
			t.Errorf("audit entries for the retry of job %d: %d, want 1", id, audited)
		}
		if err := q.Retry(ctx, access.System(), id); !errs.Is(err, errs.Conflict) {
			t.Errorf("retry of a queued job: %v, want conflict", err)
		}
		if err := q.Retry(ctx, access.System(), 999); !errs.Is(err, errs.NotFound) {
			t.Errorf("retry of a missing job: %v, want not found", err)
		}
		runOnce(t, r)
		if j := get(t, q, id); j.Status != jobs.Queued || j.Attempts != 1 {
			t.Errorf("after the retried attempt: %+v", j)
		}
	})
}

func TestPermanentErrorAndPanic(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		q := &jobs.Queue{DB: db}
		r := newRunner(db)
		r.Register("bad", func(ctx context.Context, j *jobs.Job) error {
			return jobs.Permanent(errors.New("dữ liệu hỏng"))
		})
		r.Register("boom", func(ctx context.Context, j *jobs.Job) error { panic("không mong đợi") })
		r.Register("slow", func(ctx context.Context, j *jobs.Job) error {
			<-ctx.Done()
			return ctx.Err()
		})
		bad, _ := q.Enqueue(ctx, "bad", nil)
		boom, _ := q.Enqueue(ctx, "boom", nil)
		for runOnce(t, r) {
		}
		if j := get(t, q, bad); j.Status != jobs.Failed || j.Attempts != 1 || j.LastError != "dữ liệu hỏng" {
			t.Errorf("permanent error: %+v, want failed at once", j)
		}
		if j := get(t, q, boom); j.Status != jobs.Queued || !strings.Contains(j.LastError, "panic") || !strings.Contains(j.LastError, "không mong đợi") {
			t.Errorf("panicking handler: %+v, want a retry with the panic recorded", j)
		}
		// A handler that overruns the timeout is cancelled and retried.
		r.Timeout = 20 * time.Millisecond
		slow, _ := q.Enqueue(ctx, "slow", nil)
		runOnce(t, r)
		if j := get(t, q, slow); j.Status != jobs.Queued || !strings.Contains(j.LastError, "deadline") {
			t.Errorf("overrunning handler: %+v, want a retry after the timeout", j)
		}
	})
}

func TestRecoverExpiredClaims(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		q := &jobs.Queue{DB: db}
		crashed, _ := q.Enqueue(ctx, "work", nil)
		exhausted, _ := q.Enqueue(ctx, "work", nil, jobs.MaxAttempts(2))
		alive, _ := q.Enqueue(ctx, "work", nil)
		past, future := database.Now().Add(-time.Minute), database.Now().Add(time.Hour)
		set := func(id int64, attempts int, until time.Time) {
			if _, err := db.W.ExecContext(ctx, "UPDATE jobs SET status = 'running', attempts = $1, locked_until = $2 WHERE id = $3", attempts, until, id); err != nil {
				t.Fatal(err)
			}
		}
		set(crashed, 1, past)
		set(exhausted, 2, past)
		set(alive, 1, future)

		r := newRunner(db)
		var ran []int64
		r.Register("work", func(ctx context.Context, j *jobs.Job) error {
			ran = append(ran, j.ID)
			return nil
		})
		if runOnce(t, r) {
			t.Fatal("a running job was claimed again before recovery")
		}
		n, err := r.Recover(ctx)
		if err != nil || n != 2 {
			t.Fatalf("Recover = %d, %v; want 2", n, err)
		}
		if j := get(t, q, crashed); j.Status != jobs.Queued || j.LockedUntil != nil || j.LastError == "" {
			t.Errorf("crashed job = %+v, want queued again", j)
		}
		if j := get(t, q, exhausted); j.Status != jobs.Failed || j.LastError == "" {
			t.Errorf("crashed job on its last attempt = %+v, want failed", j)
		}
		if j := get(t, q, alive); j.Status != jobs.Running {
			t.Errorf("job with a live claim = %s, want still running", j.Status)
		}
		for runOnce(t, r) {
		}
		if len(ran) != 1 || ran[0] != crashed {
			t.Errorf("ran %v, want just the recovered job %d", ran, crashed)
		}
		if j := get(t, q, crashed); j.Status != jobs.Done || j.Attempts != 2 {
			t.Errorf("recovered job after its run = %+v", j)
		}

		// Run recovers on start too.
		set(crashed, 1, past)
		runCtx, cancel := context.WithCancel(ctx)
		r.Poll = 5 * time.Millisecond
		done := make(chan struct{})
		go func() { r.Run(runCtx); close(done) }()
		waitFor(t, func() bool { return get(t, q, crashed).Status == jobs.Done })
		cancel()
		<-done
	})
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestGracefulShutdown(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		q := &jobs.Queue{DB: db}
		r := newRunner(db)
		r.Poll = 5 * time.Millisecond
		started, release := make(chan struct{}), make(chan struct{})
		r.Register("long", func(ctx context.Context, j *jobs.Job) error {
			close(started)
			select {
			case <-release:
			case <-ctx.Done():
				return ctx.Err()
			}
			return j.SetProgress(ctx, 90)
		})
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { r.Run(runCtx); close(done) }()
		id, _ := q.Enqueue(ctx, "long", nil)
		<-started
		cancel()
		select {
		case <-done:
			t.Fatal("Run returned while its job was still running")
		case <-time.After(50 * time.Millisecond):
		}
		close(release)
		<-done
		if j := get(t, q, id); j.Status != jobs.Done {
			t.Errorf("job after shutdown = %+v, want done", j)
		}
	})
}

// runConcurrently runs each runner until n jobs have been handled, and
// returns how many times each job ran.
func runConcurrently(t *testing.T, q *jobs.Queue, n int, runners ...*jobs.Runner) map[int64]int {
	ctx := context.Background()
	var mu sync.Mutex
	counts := map[int64]int{}
	handled := 0
	for _, r := range runners {
		r.Workers = 2
		r.Poll = time.Millisecond
		r.Register("count", func(ctx context.Context, j *jobs.Job) error {
			mu.Lock()
			counts[j.ID]++
			handled++
			mu.Unlock()
			time.Sleep(time.Millisecond)
			return nil
		})
	}
	for i := 0; i < n; i++ {
		if _, err := q.Enqueue(ctx, "count", map[string]int{"i": i}); err != nil {
			t.Fatal(err)
		}
	}
	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, r := range runners {
		wg.Go(func() { r.Run(runCtx) })
	}
	waitFor(t, func() bool {
		_, done, err := q.List(ctx, access.System(), "done", 1, 0)
		return err == nil && done == n
	})
	cancel()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if handled != n {
		t.Errorf("%d handler calls for %d jobs", handled, n)
	}
	return counts
}

func checkOnce(t *testing.T, q *jobs.Queue, counts map[int64]int, n int) {
	t.Helper()
	if len(counts) != n {
		t.Errorf("%d distinct jobs ran, want %d", len(counts), n)
	}
	for id, c := range counts {
		if c != 1 {
			t.Errorf("job %d ran %d times", id, c)
		}
	}
	list, total, err := q.List(context.Background(), access.System(), "", 500, 0)
	if err != nil || total != n {
		t.Fatalf("list: total %d, err %v", total, err)
	}
	for _, j := range list {
		if j.Status != jobs.Done || j.Attempts != 1 {
			t.Errorf("job %d: %s after %d attempts, want done after 1", j.ID, j.Status, j.Attempts)
		}
	}
}

func TestTwoRunnersNeverRunAJobTwice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		const n = 60
		q := &jobs.Queue{DB: db}
		counts := runConcurrently(t, q, n, newRunner(db), newRunner(db))
		checkOnce(t, q, counts, n)
	})
}

// TestTwoProcessesOnOneSQLiteFile: two servers sharing one SQLite file (two
// connection pools, as two processes would have) still split the work.
func TestTwoProcessesOnOneSQLiteFile(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "shared.db")
	open := func() *database.DB {
		db, err := database.OpenSQLite(ctx, file)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return db
	}
	a, b := open(), open()
	const n = 60
	q := &jobs.Queue{DB: a}
	counts := runConcurrently(t, q, n, newRunner(a), newRunner(b))
	checkOnce(t, q, counts, n)
}

// TestLeaseRenewedWhileRunning: a job running longer than its lease keeps
// its claim, so recovery elsewhere does not hand it to a second runner.
func TestLeaseRenewedWhileRunning(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		q := &jobs.Queue{DB: db}
		r := newRunner(db)
		r.Lease = 60 * time.Millisecond
		other := newRunner(db)
		recovered := 0
		r.Register("long", func(ctx context.Context, j *jobs.Job) error {
			for i := 0; i < 10; i++ {
				time.Sleep(30 * time.Millisecond)
				n, err := other.Recover(ctx)
				if err != nil {
					return err
				}
				recovered += n
			}
			return nil
		})
		id, _ := q.Enqueue(ctx, "long", nil)
		runOnce(t, r)
		if j := get(t, q, id); recovered != 0 || j.Status != jobs.Done || j.Attempts != 1 {
			t.Errorf("job outliving its lease: %d recovered, %+v; want kept and done", recovered, j)
		}
	})
}
