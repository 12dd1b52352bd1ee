// Package jobs runs background work (mail, reminders, big imports and
// exports) from the jobs table of the main database, so nothing is lost on
// restart and several instances can share the work. A Queue adds jobs, a
// Runner claims and runs them with retries, and the mail kind delivers mail
// through SMTP while keeping every message in the outbox table.
//
// Delivery is at least once: a job whose server dies mid-run is run again
// after its lease expires, so handlers must tolerate a repeat.
package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/errs"
)

// Status is where a job stands.
type Status string

const (
	Queued  Status = "queued"  // waiting for run_at
	Running Status = "running" // claimed by a runner until locked_until
	Done    Status = "done"
	Failed  Status = "failed" // out of attempts, or a permanent error; last_error says why
)

// Label is the Vietnamese name of a status.
func (s Status) Label() string {
	switch s {
	case Queued:
		return "Đang chờ"
	case Running:
		return "Đang chạy"
	case Done:
		return "Hoàn thành"
	case Failed:
		return "Thất bại"
	}
	return string(s)
}

// DefaultMaxAttempts is how many times a job is tried unless MaxAttempts says
// otherwise.
const DefaultMaxAttempts = 5

// Job is one row of the jobs table.
type Job struct {
	ID          int64
	Kind        string
	Payload     json.RawMessage
	Status      Status
	Attempts    int // tries started so far, this one included while running
	MaxAttempts int
	RunAt       time.Time
	LockedUntil *time.Time
	Progress    int // 0–100
	LastError   string
	CreatedAt   time.Time
	UpdatedAt   time.Time

	db *database.DB // set on jobs handed to a handler, for SetProgress
}

// Decode unmarshals the payload into v.
func (j *Job) Decode(v any) error {
	if err := json.Unmarshal(j.Payload, v); err != nil {
		return fmt.Errorf("jobs: decode payload of job %d (%s): %w", j.ID, j.Kind, err)
	}
	return nil
}

// SetProgress records how far a running job has come, 0–100, for the admin
// pages.
func (j *Job) SetProgress(ctx context.Context, pct int) error {
	pct = min(max(pct, 0), 100)
	j.Progress = pct
	if j.db == nil {
		return nil
	}
	_, err := j.db.W.ExecContext(ctx, "UPDATE jobs SET progress = $1, updated_at = $2 WHERE id = $3 AND status = 'running' AND attempts = $4",
		pct, database.Now(), j.ID, j.Attempts)
	if err != nil {
		return fmt.Errorf("jobs: progress of job %d: %w", j.ID, err)
	}
	return nil
}

const columns = "id, kind, payload, status, attempts, max_attempts, run_at, locked_until, progress, last_error, created_at, updated_at"

type scanner interface{ Scan(dest ...any) error }

func scanJob(s scanner) (Job, error) {
	var j Job
	var payload string
	var locked sql.NullTime
	err := s.Scan(&j.ID, &j.Kind, &payload, &j.Status, &j.Attempts, &j.MaxAttempts, &j.RunAt, &locked, &j.Progress, &j.LastError, &j.CreatedAt, &j.UpdatedAt)
	if err != nil {
		return j, err
	}
	j.Payload = json.RawMessage(payload)
	j.RunAt, j.CreatedAt, j.UpdatedAt = j.RunAt.UTC(), j.CreatedAt.UTC(), j.UpdatedAt.UTC()
	if locked.Valid {
		t := locked.Time.UTC()
		j.LockedUntil = &t
	}
	return j, nil
}

// Queue adds jobs and serves the admin pages about them.
type Queue struct{ DB *database.DB }

// Option adjusts a job being enqueued.
type Option func(*options)

type options struct {
	runAt       time.Time
	maxAttempts int
}

// At schedules the job for t instead of now.
func At(t time.Time) Option { return func(o *options) { o.runAt = t.UTC().Truncate(time.Microsecond) } }

// After schedules the job d from now.
func After(d time.Duration) Option { return func(o *options) { o.runAt = database.Now().Add(d) } }

// MaxAttempts sets how many times the job is tried before it fails (at
// least 1).
func MaxAttempts(n int) Option { return func(o *options) { o.maxAttempts = max(n, 1) } }

// Enqueue adds a job of kind with payload (marshalled to JSON; a
// json.RawMessage is stored as is; nil stores {}) and returns its id.
func (q *Queue) Enqueue(ctx context.Context, kind string, payload any, opts ...Option) (int64, error) {
	var id int64
	err := q.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = q.EnqueueTx(ctx, tx, kind, payload, opts...)
		return err
	})
	return id, err
}

// EnqueueTx is Enqueue inside tx, so a job is created if and only if the
// change that needs it is committed.
func (q *Queue) EnqueueTx(ctx context.Context, tx *sql.Tx, kind string, payload any, opts ...Option) (int64, error) {
	return q.enqueue(ctx, tx, kind, "", payload, opts...)
}

// enqueue inserts the job; with a key that is taken it inserts nothing and
// returns id 0.
func (q *Queue) enqueue(ctx context.Context, tx *sql.Tx, kind, key string, payload any, opts ...Option) (int64, error) {
	if strings.TrimSpace(kind) == "" {
		return 0, errs.Wrap(errors.New("empty kind"), "jobs: enqueue")
	}
	var body []byte
	switch p := payload.(type) {
	case nil:
		body = []byte("{}")
	case json.RawMessage:
		body = p
	default:
		b, err := json.Marshal(payload)
		if err != nil {
			return 0, errs.Wrap(err, "jobs: marshal payload of "+kind)
		}
		body = b
	}
	now := database.Now()
	o := options{runAt: now, maxAttempts: DefaultMaxAttempts}
	for _, opt := range opts {
		opt(&o)
	}
	var id int64
	var unique any
	if key != "" {
		unique = key
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO jobs (kind, payload, status, attempts, max_attempts, run_at, progress, last_error, created_at, updated_at, unique_key)
		VALUES ($1, $2, 'queued', 0, $3, $4, 0, '', $5, $5, $6) ON CONFLICT DO NOTHING RETURNING id`, kind, string(body), o.maxAttempts, o.runAt, now, unique).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) && key != "" {
		return 0, nil
	}
	if err != nil {
		return 0, errs.Wrap(err, "jobs: enqueue "+kind)
	}
	return id, nil
}

// Get returns one job; system administrators only.
func (q *Queue) Get(ctx context.Context, sc access.Scope, id int64) (Job, error) {
	if !sc.IsSystemAdmin() {
		return Job{}, errs.ErrForbidden
	}
	return q.get(ctx, q.DB.R, id)
}

func (q *Queue) get(ctx context.Context, db database.Querier, id int64) (Job, error) {
	j, err := scanJob(db.QueryRowContext(ctx, "SELECT "+columns+" FROM jobs WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Job{}, errs.ErrNotFound
	}
	if err != nil {
		return Job{}, errs.Wrap(err, "jobs: get")
	}
	return j, nil
}

// pageBounds applies the default and maximum page size.
func pageBounds(limit, offset int) (int, int) {
	if limit <= 0 {
		limit = 50
	}
	return min(limit, 500), max(offset, 0)
}

// List returns jobs with status ("" for all), newest first, and how many
// match; system administrators only.
func (q *Queue) List(ctx context.Context, sc access.Scope, status string, limit, offset int) ([]Job, int, error) {
	if !sc.IsSystemAdmin() {
		return nil, 0, errs.ErrForbidden
	}
	where, args := "", []any{}
	switch Status(status) {
	case "":
	case Queued, Running, Done, Failed:
		where, args = " WHERE status = $1", append(args, status)
	default:
		return nil, 0, errs.InvalidField("status", "Trạng thái công việc không hợp lệ.")
	}
	var total int
	if err := q.DB.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM jobs"+where, args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "jobs: count")
	}
	limit, offset = pageBounds(limit, offset)
	n := len(args)
	rows, err := q.DB.R.QueryContext(ctx, fmt.Sprintf("SELECT %s FROM jobs%s ORDER BY id DESC LIMIT $%d OFFSET $%d", columns, where, n+1, n+2),
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "jobs: list")
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, 0, errs.Wrap(err, "jobs: scan")
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, errs.Wrap(err, "jobs: list")
	}
	return out, total, nil
}

// Retry puts a failed job back in the queue with a fresh set of attempts,
// to run now; system administrators only. The last error is kept until the
// next attempt ends. The change is audited.
func (q *Queue) Retry(ctx context.Context, sc access.Scope, id int64) error {
	if !sc.IsSystemAdmin() {
		return errs.ErrForbidden
	}
	return q.DB.Tx(ctx, func(tx *sql.Tx) error {
		j, err := q.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if j.Status != Failed {
			return errs.E(errs.Conflict, "Chỉ có thể chạy lại công việc đã thất bại.")
		}
		now := database.Now()
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET status = 'queued', attempts = 0, run_at = $1, locked_until = NULL, progress = 0, updated_at = $1
			WHERE id = $2 AND status = 'failed'`, now, id)
		if err != nil {
			return errs.Wrap(err, "jobs: retry")
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.ErrStale
		}
		return audit.Record(ctx, tx, audit.Change{
			Scope: sc, Action: "retry", ObjectType: "job", ObjectID: id,
			Summary: fmt.Sprintf("Chạy lại công việc #%d (%s)", id, j.Kind),
			Before:  map[string]any{"status": j.Status, "attempts": j.Attempts, "last_error": j.LastError},
			After:   map[string]any{"status": Queued, "attempts": 0},
		})
	})
}
