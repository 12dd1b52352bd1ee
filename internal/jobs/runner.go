package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	"thidua/internal/database"
)

// Handler does the work of one job. It should honour ctx (cancelled at the
// runner's Timeout) and may be called again for the same job after a crash
// or an error. Returning an error schedules a retry unless it is Permanent.
type Handler func(ctx context.Context, j *Job) error

type permanentError struct{ err error }

func (p permanentError) Error() string { return p.err.Error() }
func (p permanentError) Unwrap() error { return p.err }

// Permanent marks err as not worth retrying (a malformed payload, a
// recipient that does not exist): the job fails at once.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// DefaultBackoff waits 30s before the second attempt and doubles each time,
// capped at one hour: 30s, 1m, 2m, 4m, 8m, 16m, 32m, 1h, 1h…
func DefaultBackoff(attempts int) time.Duration {
	const base, ceiling = 30 * time.Second, time.Hour
	d := base
	for i := 1; i < attempts && d < ceiling; i++ {
		d *= 2
	}
	return min(d, ceiling)
}

// Runner claims ready jobs from the table and runs their handlers. Several
// runners (in one process or on several servers) may share a database: a job
// is claimed by one atomic UPDATE, so it runs once per attempt. Zero fields
// take the defaults noted.
type Runner struct {
	DB            *database.DB
	Workers       int                              // jobs run at once; default 1, at most the number of CPUs
	Poll          time.Duration                    // wait when the queue is empty; default 1s
	Timeout       time.Duration                    // per attempt; default 30 minutes
	Lease         time.Duration                    // claim length, renewed while the job runs; default 1 minute
	RecoverEvery  time.Duration                    // how often expired claims are released; default 1 minute
	Backoff       func(attempts int) time.Duration // delay before the next attempt; default DefaultBackoff
	Logger        *slog.Logger                     // default slog.Default()
	ScheduleEvery time.Duration                    // how often periodic tasks are checked for a new slot; default 30s

	mu        sync.RWMutex
	handlers  map[string]Handler
	schedules []schedule
}

// NewRunner returns a runner on db with the defaults.
func NewRunner(db *database.DB) *Runner { return &Runner{DB: db} }

// Register sets the handler of kind. Only registered kinds are claimed, so
// runners with different handler sets can share a table.
func (r *Runner) Register(kind string, fn Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.handlers == nil {
		r.handlers = map[string]Handler{}
	}
	r.handlers[kind] = fn
}

func (r *Runner) handler(kind string) Handler {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.handlers[kind]
}

func (r *Runner) kinds() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	ks := make([]string, 0, len(r.handlers))
	for k := range r.handlers {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func (r *Runner) workers() int { return min(max(r.Workers, 1), runtime.NumCPU()) }
func (r *Runner) poll() time.Duration {
	return orDefault(r.Poll, time.Second)
}
func (r *Runner) timeout() time.Duration { return orDefault(r.Timeout, 30*time.Minute) }
func (r *Runner) lease() time.Duration   { return orDefault(r.Lease, time.Minute) }
func (r *Runner) recoverEvery() time.Duration {
	return orDefault(r.RecoverEvery, time.Minute)
}
func (r *Runner) backoff(attempts int) time.Duration {
	if r.Backoff != nil {
		return r.Backoff(attempts)
	}
	return DefaultBackoff(attempts)
}
func (r *Runner) log() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.Default()
}

// Run releases expired claims, then runs jobs with Workers workers (and
// queues the slots of periodic tasks, see Every) until ctx is cancelled. It then stops claiming, waits for the jobs under way to
// finish (each still bounded by Timeout) and returns nil.
func (r *Runner) Run(ctx context.Context) error {
	if _, err := r.Recover(ctx); err != nil && ctx.Err() == nil {
		r.log().Error("jobs: recover", "err", err)
	}
	var wg sync.WaitGroup
	for range r.workers() {
		wg.Go(func() { r.work(ctx) })
	}
	wg.Go(func() { r.scheduleLoop(ctx) })
	wg.Go(func() {
		t := time.NewTicker(r.recoverEvery())
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if _, err := r.Recover(ctx); err != nil && ctx.Err() == nil {
					r.log().Error("jobs: recover", "err", err)
				}
			}
		}
	})
	wg.Wait()
	return nil
}

func (r *Runner) work(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		ran, err := r.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			r.log().Error("jobs: claim", "err", err)
		}
		if ctx.Err() != nil {
			return
		}
		if ran && err == nil {
			continue // there may be more ready
		}
		timer.Reset(r.poll())
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
	}
}

// RunOnce claims one ready job of a registered kind and runs it to the end,
// reporting whether there was one. A handler's failure is recorded on the
// job, not returned; the error is about the queue itself. A job already
// claimed runs to its end even if ctx is cancelled meanwhile.
func (r *Runner) RunOnce(ctx context.Context) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	kinds := r.kinds()
	if len(kinds) == 0 {
		return false, nil
	}
	// Once the UPDATE is sent the claim must be seen through: a cancelled
	// context must not lose a job we hold.
	j, err := r.claim(context.WithoutCancel(ctx), kinds)
	if err != nil || j == nil {
		return false, err
	}
	r.execute(context.WithoutCancel(ctx), j)
	return true, nil
}

// claim marks the oldest ready job as running and returns it, nil when none
// is ready. The UPDATE re-checks status = 'queued', so of two runners that
// picked the same candidate only one gets it. On PostgreSQL the candidate is
// also locked with SKIP LOCKED so concurrent runners pick different jobs;
// SQLite serialises writers anyway.
func (r *Runner) claim(ctx context.Context, kinds []string) (*Job, error) {
	now := database.Now()
	args := []any{now.Add(r.lease()), now}
	for _, k := range kinds {
		args = append(args, k)
	}
	lock := ""
	if r.DB.Dialect == database.Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	q := `UPDATE jobs SET status = 'running', locked_until = $1, attempts = attempts + 1, updated_at = $2
		WHERE status = 'queued' AND id = (SELECT id FROM jobs
			WHERE status = 'queued' AND run_at <= $2 AND kind IN (` + database.Placeholders(3, len(kinds)) + `)
			ORDER BY run_at, id LIMIT 1` + lock + `)
		RETURNING ` + columns
	rows, err := r.DB.W.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("jobs: claim: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("jobs: claim: %w", err)
		}
		return nil, nil
	}
	j, err := scanJob(rows)
	if err != nil {
		return nil, fmt.Errorf("jobs: claim: %w", err)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("jobs: claim: %w", err)
	}
	j.db = r.DB
	return &j, nil
}

// execute runs the handler of j, renewing the claim while it runs, and
// records the outcome.
func (r *Runner) execute(ctx context.Context, j *Job) {
	jctx, cancel := context.WithTimeout(ctx, r.timeout())
	defer cancel()

	stop := make(chan struct{})
	var beat sync.WaitGroup
	beat.Go(func() {
		t := time.NewTicker(max(r.lease()/3, time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				_, err := r.DB.W.ExecContext(ctx, "UPDATE jobs SET locked_until = $1 WHERE id = $2 AND status = 'running' AND attempts = $3",
					database.Now().Add(r.lease()), j.ID, j.Attempts)
				if err != nil {
					r.log().Warn("jobs: renew claim", "job", j.ID, "err", err)
				}
			}
		}
	})

	start := time.Now()
	err := r.call(jctx, j)
	close(stop)
	beat.Wait()

	fctx, fcancel := context.WithTimeout(ctx, 30*time.Second)
	defer fcancel()
	if ferr := r.finish(fctx, j, err); ferr != nil {
		r.log().Error("jobs: record outcome", "job", j.ID, "kind", j.Kind, "err", ferr)
	}
	if err != nil {
		r.log().Warn("jobs: attempt failed", "job", j.ID, "kind", j.Kind, "attempt", j.Attempts, "of", j.MaxAttempts, "err", err)
	} else {
		r.log().Debug("jobs: done", "job", j.ID, "kind", j.Kind, "took", time.Since(start))
	}
}

// call runs the handler, turning a panic into an error.
func (r *Runner) call(ctx context.Context, j *Job) (err error) {
	h := r.handler(j.Kind)
	if h == nil {
		return Permanent(fmt.Errorf("jobs: no handler for kind %q", j.Kind))
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("jobs: panic in %s handler: %v\n%s", j.Kind, p, debug.Stack())
		}
	}()
	return h(ctx, j)
}

// maxErrorLen bounds last_error (a panic carries a whole stack).
const maxErrorLen = 4000

// finish records the outcome of the attempt: done, queued again after the
// backoff, or failed. The attempt number fences off a runner whose claim
// expired and was taken over meanwhile.
func (r *Runner) finish(ctx context.Context, j *Job, runErr error) error {
	now := database.Now()
	var q string
	var args []any
	switch {
	case runErr == nil:
		q = "UPDATE jobs SET status = 'done', progress = 100, locked_until = NULL, updated_at = $1 WHERE id = $2 AND status = 'running' AND attempts = $3"
		args = []any{now, j.ID, j.Attempts}
		j.Status, j.Progress = Done, 100
	default:
		msg := runErr.Error()
		if len(msg) > maxErrorLen {
			msg = msg[:maxErrorLen]
		}
		j.LastError = msg
		var perm permanentError
		if errors.As(runErr, &perm) || j.Attempts >= j.MaxAttempts {
			q = "UPDATE jobs SET status = 'failed', last_error = $1, locked_until = NULL, updated_at = $2 WHERE id = $3 AND status = 'running' AND attempts = $4"
			args = []any{msg, now, j.ID, j.Attempts}
			j.Status = Failed
		} else {
			j.RunAt = now.Add(r.backoff(j.Attempts))
			q = "UPDATE jobs SET status = 'queued', last_error = $1, locked_until = NULL, run_at = $2, updated_at = $3 WHERE id = $4 AND status = 'running' AND attempts = $5"
			args = []any{msg, j.RunAt, now, j.ID, j.Attempts}
			j.Status = Queued
		}
	}
	res, err := r.DB.W.ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("jobs: finish job %d: %w", j.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("jobs: finish job %d: the claim was lost (lease expired and the job was released)", j.ID)
	}
	return nil
}

// interrupted is the last_error of a job whose runner vanished.
const interrupted = "Bị gián đoạn: máy chủ dừng hoặc mất kết nối khi công việc đang chạy."

// Recover releases the claims that expired without an outcome (the server
// running them stopped): such jobs are queued again to run now, or failed
// when they have used all their attempts. It returns how many it released.
// Run calls it on start and every RecoverEvery.
func (r *Runner) Recover(ctx context.Context) (int, error) {
	now := database.Now()
	res, err := r.DB.W.ExecContext(ctx, `UPDATE jobs SET
		status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
		last_error = $1, locked_until = NULL, run_at = $2, updated_at = $2
		WHERE status = 'running' AND locked_until < $2`, interrupted, now)
	if err != nil {
		return 0, fmt.Errorf("jobs: recover: %w", err)
	}
	n, _ := res.RowsAffected()
	if n > 0 {
		r.log().Warn("jobs: released interrupted jobs", "count", n)
	}
	return int(n), nil
}
