package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"thidua/internal/errs"
)

// Periodic work (reminders, daily digests) runs as ordinary jobs: the runner
// enqueues one job per slot of each schedule, keyed by the slot, so several
// servers sharing a database queue it once, a restart neither loses nor
// repeats it, and a slot missed while every server was down is not replayed
// (the next one runs). The handler reads its slot with SlotOf.

// schedule is one periodic task.
type schedule struct {
	kind  string
	every time.Duration
	at    time.Duration // offset of the slots from midnight UTC, 1970-01-01
}

// slot is the start of the slot that holds t.
func (s schedule) slot(t time.Time) time.Time {
	base := time.Unix(0, 0).UTC().Add(s.at)
	n := t.Sub(base) / s.every
	if t.Before(base.Add(n * s.every)) {
		n--
	}
	return base.Add(n * s.every)
}

// Slot is the payload of a scheduled job.
type Slot struct {
	Slot time.Time `json:"slot"`
}

// SlotOf returns the slot a scheduled job was queued for (zero when j was
// not queued by a schedule).
func SlotOf(j *Job) time.Time {
	var s Slot
	if json.Unmarshal(j.Payload, &s) != nil {
		return time.Time{}
	}
	return s.Slot.UTC()
}

// Every registers fn as the handler of kind and runs it once every period:
// slots start at midnight UTC and every period after it (period should
// divide a day, or be a whole number of days).
func (r *Runner) Every(kind string, period time.Duration, fn Handler) {
	r.addSchedule(schedule{kind: kind, every: period}, fn)
}

// Daily registers fn as the handler of kind and runs it once a day at the
// time of day at (e.g. 7*time.Hour) in loc.
func (r *Runner) Daily(kind string, at time.Duration, loc *time.Location, fn Handler) {
	_, off := time.Date(2026, 1, 1, 0, 0, 0, 0, loc).Zone()
	day := 24 * time.Hour
	r.addSchedule(schedule{kind: kind, every: day, at: ((at-time.Duration(off)*time.Second)%day + day) % day}, fn)
}

func (r *Runner) addSchedule(s schedule, fn Handler) {
	if s.every <= 0 {
		panic("jobs: schedule " + s.kind + " needs a positive period")
	}
	r.Register(s.kind, fn)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.schedules = append(r.schedules, s)
}

// Schedule queues the job of every schedule's slot that holds now, unless it
// is queued already, and returns how many it queued. Run calls it on start
// and every ScheduleEvery; tests call it with the time they need.
func (r *Runner) Schedule(ctx context.Context, now time.Time) (int, error) {
	r.mu.RLock()
	ss := append([]schedule(nil), r.schedules...)
	r.mu.RUnlock()
	q := &Queue{DB: r.DB}
	n := 0
	for _, s := range ss {
		slot := s.slot(now.UTC())
		var created bool
		err := r.DB.Tx(ctx, func(tx *sql.Tx) error {
			var err error
			_, created, err = q.EnqueueOnceTx(ctx, tx, s.kind, s.kind+"@"+slot.Format(time.RFC3339), Slot{Slot: slot}, At(slot))
			return err
		})
		if err != nil {
			return n, err
		}
		if created {
			n++
		}
	}
	return n, nil
}

// EnqueueOnceTx is EnqueueTx for a job that must exist at most once: when a
// job with the same key was ever queued it does nothing and reports
// created = false with that job's id.
func (q *Queue) EnqueueOnceTx(ctx context.Context, tx *sql.Tx, kind, key string, payload any, opts ...Option) (id int64, created bool, err error) {
	if strings.TrimSpace(key) == "" {
		return 0, false, errs.Wrap(fmt.Errorf("empty key"), "jobs: enqueue once "+kind)
	}
	err = tx.QueryRowContext(ctx, "SELECT id FROM jobs WHERE unique_key = $1", key).Scan(&id)
	if err == nil {
		return id, false, nil
	}
	if err != sql.ErrNoRows {
		return 0, false, errs.Wrap(err, "jobs: enqueue once "+kind)
	}
	id, err = q.enqueue(ctx, tx, kind, key, payload, opts...)
	if err != nil {
		return 0, false, err
	}
	if id == 0 { // another server queued it between the SELECT and the INSERT
		err = tx.QueryRowContext(ctx, "SELECT id FROM jobs WHERE unique_key = $1", key).Scan(&id)
		return id, false, errs.Wrap(err, "jobs: enqueue once "+kind)
	}
	return id, true, nil
}

func (r *Runner) scheduleEvery() time.Duration { return orDefault(r.ScheduleEvery, 30*time.Second) }

// scheduleLoop runs Schedule now and every ScheduleEvery until ctx ends.
func (r *Runner) scheduleLoop(ctx context.Context) {
	r.mu.RLock()
	none := len(r.schedules) == 0
	r.mu.RUnlock()
	if none {
		return
	}
	t := time.NewTicker(r.scheduleEvery())
	defer t.Stop()
	for {
		if _, err := r.Schedule(ctx, time.Now()); err != nil && ctx.Err() == nil {
			r.log().Error("jobs: schedule", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
