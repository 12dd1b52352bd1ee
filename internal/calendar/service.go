package calendar

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"thidua/internal/access"
	"thidua/internal/errs"
	"thidua/internal/notify"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// Kinds lists every kind in display order.
var Kinds = []Kind{KeyDate, Deadline, Round, Campaign, Activity}

// Label is the Vietnamese name of a kind.
func (k Kind) Label() string {
	switch k {
	case KeyDate:
		return "Ngày kỷ niệm"
	case Deadline:
		return "Thời hạn"
	case Activity:
		return "Hoạt động tuyên truyền"
	case Round:
		return "Đợt xét chọn"
	case Campaign:
		return "Đợt thi đua"
	}
	return string(k)
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Service gathers the events of every source into one calendar, and sends
// the deadline reminders of every due source.
type Service struct {
	Sources    []Source
	DueSources []DueSource
	Units      *unit.Store
	Notify     *notify.Store    // for reminders
	Log        *slog.Logger     // failing sources are logged here
	Now        func() time.Time // nil: time.Now
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// Today is the current day in Vietnam, at midnight there.
func (s *Service) Today() time.Time { return Day(s.now()) }

// Day is the day of t in Vietnam, at midnight there.
func Day(t time.Time) time.Time {
	t = t.In(viet.Zone)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, viet.Zone)
}

// Query asks for the calendar of a unit.
type Query struct {
	UnitID   int64
	From, To time.Time // from inclusive, to exclusive
	Kinds    []Kind    // none: every kind
}

// Result is a calendar: the events, sorted, and how many sources failed
// (their events are missing; the failure is logged).
type Result struct {
	Unit   unit.Unit
	Events []Event
	Failed int
}

// MaxSpan caps the period of one query (an ICS feed covers three months
// back and a year ahead).
const MaxSpan = 500 * 24 * time.Hour

func (q Query) check() error {
	if q.From.IsZero() || q.To.IsZero() || !q.To.After(q.From) {
		return errs.InvalidField("to", "Ngày kết thúc phải sau ngày bắt đầu.")
	}
	if q.To.Sub(q.From) > MaxSpan {
		return errs.InvalidField("to", "Mỗi lần chỉ xem được tối đa 500 ngày.")
	}
	for _, k := range q.Kinds {
		if !k.Valid() {
			return errs.InvalidField("kind", "Loại sự kiện không hợp lệ: "+string(k)+".")
		}
	}
	return nil
}

// Events returns the calendar of q.UnitID as the caller sees it: every
// source's events between q.From and q.To, of the kinds asked for, sorted
// by time. The caller must hold a role reaching the unit. A source that
// fails (or panics) is logged and counted in Failed; the others still show.
func (s *Service) Events(ctx context.Context, sc access.Scope, q Query) (Result, error) {
	if err := q.check(); err != nil {
		return Result{}, err
	}
	u, err := s.Units.Get(ctx, sc, q.UnitID)
	if err != nil {
		return Result{}, err
	}
	if !sc.CanRead(u.Path) {
		return Result{}, errs.ErrNotFound
	}
	res := Result{Unit: u}
	res.Events, res.Failed = s.gather(ctx, sc, []int64{u.ID}, q)
	return res, nil
}

// PublicEvents returns the public calendar: the events marked Public that
// the sources give the anonymous public, for unitID (0: every tree), and
// how many source calls failed.
func (s *Service) PublicEvents(ctx context.Context, unitID int64, from, to time.Time) ([]Event, int, error) {
	q := Query{From: from, To: to}
	if err := q.check(); err != nil {
		return nil, 0, err
	}
	ids := []int64{unitID}
	if unitID == 0 {
		var err error
		if ids, err = s.Units.RootIDs(ctx); err != nil {
			return nil, 0, err
		}
	} else if _, err := s.Units.Get(ctx, access.System(), unitID); err != nil {
		return nil, 0, err
	}
	events, failed := s.gather(ctx, access.Scope{}, ids, q)
	return events, failed, nil
}

// gather asks every source about every unit of ids, keeps what q wants
// (and only public events for the anonymous), drops duplicates by UID and
// sorts.
func (s *Service) gather(ctx context.Context, sc access.Scope, ids []int64, q Query) ([]Event, int) {
	seen := map[string]bool{}
	var out []Event
	failed := 0
	for i, src := range s.Sources {
		for _, id := range ids {
			evs, err := call(ctx, src, sc, id, q.From, q.To)
			if err != nil {
				failed++
				s.log().Error("calendar: source failed", "source", i, "type", fmt.Sprintf("%T", src), "unit", id, "err", err)
				continue
			}
			for _, e := range evs {
				if seen[e.UID] || !wanted(e, sc, q) {
					continue
				}
				seen[e.UID] = true
				out = append(out, e)
			}
		}
	}
	Sort(out)
	return out, failed
}

// call runs one source, turning a panic into an error.
func call(ctx context.Context, src Source, sc access.Scope, id int64, from, to time.Time) (evs []Event, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return src.Events(ctx, sc, id, from, to)
}

func wanted(e Event, sc access.Scope, q Query) bool {
	if e.UID == "" || e.Start.IsZero() || (!sc.LoggedIn() && !e.Public) {
		return false
	}
	if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, e.Kind) {
		return false
	}
	first, last := e.Days()
	return !last.Before(Day(q.From)) && first.Before(q.To)
}

// Days returns the first and the last day the event covers, at midnight
// in Vietnam. A timed event ending at midnight does not cover the day it
// ends on.
func (e Event) Days() (first, last time.Time) {
	first = Day(e.Start)
	last = first
	if !e.End.IsZero() && e.End.After(e.Start) {
		end := e.End
		if !e.AllDay && end.Equal(Day(end)) {
			end = end.Add(-time.Nanosecond)
		}
		last = Day(end)
	}
	return first, last
}

// Covers reports whether the event covers day d (midnight in Vietnam).
func (e Event) Covers(d time.Time) bool {
	first, last := e.Days()
	return !d.Before(first) && !d.After(last)
}

// Sort orders events by start; all-day events before timed ones on the
// same day; then by kind and title.
func Sort(evs []Event) {
	slices.SortStableFunc(evs, func(a, b Event) int {
		if c := Day(a.Start).Compare(Day(b.Start)); c != 0 {
			return c
		}
		if a.AllDay != b.AllDay {
			if a.AllDay {
				return -1
			}
			return 1
		}
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		if c := cmp.Compare(slices.Index(Kinds, a.Kind), slices.Index(Kinds, b.Kind)); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Title, b.Title); c != 0 {
			return c
		}
		return cmp.Compare(a.UID, b.UID)
	})
}
