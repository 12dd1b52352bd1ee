// Package calendar gathers dated things from every part of thidua (key dates,
// plan, round and report deadlines, planned and past activities) into one
// view per unit, an ICS feed and deadline reminders. Each domain package
// contributes through a Source, so the calendar never reads another
// package's tables.
package calendar

import (
	"context"
	"time"

	"thidua/internal/access"
)

// Kind says what an event is; the views colour and filter by it.
type Kind string

const (
	KeyDate  Kind = "keydate"  // ngày kỷ niệm, ngày truyền thống
	Deadline Kind = "deadline" // hạn nộp, hạn ban hành, hạn báo cáo
	Activity Kind = "activity" // hoạt động tuyên truyền (planned or held)
	Round    Kind = "round"    // đợt xét chọn: opening, submission window
	Campaign Kind = "campaign" // đợt thi đua
)

// Event is one dated entry. Dates without a time (AllDay) are midnight in
// Asia/Ho_Chi_Minh.
type Event struct {
	UID      string    // stable and unique, e.g. "plan-12-deadline-7"; the ICS UID is UID + "@thidua"
	Kind     Kind      //
	Title    string    // Vietnamese, shown as is
	Detail   string    // optional longer text
	Start    time.Time //
	End      time.Time // zero: a point in time, or one day when AllDay; for AllDay, the last day (inclusive)
	AllDay   bool      //
	UnitID   int64     // the unit the event belongs to (issuer, organiser)
	UnitName string    //
	URL      string    // path inside thidua, e.g. "/plans/12"
	Remind   bool      // a deadline the unit must meet: reminders go out before it
	Public   bool      // may appear in the public ICS (portal)
}

// Source lists the events that concern unit unitID (its own, its subtree's,
// and deadlines set for it by units above) between from (inclusive) and to
// (exclusive), as the caller sc may see them. The public ICS calls it with
// the zero Scope (the anonymous public) for each root unit: return only the
// events marked Public then (the calendar drops any other).
type Source interface {
	Events(ctx context.Context, sc access.Scope, unitID int64, from, to time.Time) ([]Event, error)
}

// SourceFunc adapts a function to Source.
type SourceFunc func(ctx context.Context, sc access.Scope, unitID int64, from, to time.Time) ([]Event, error)

// Events calls f.
func (f SourceFunc) Events(ctx context.Context, sc access.Scope, unitID int64, from, to time.Time) ([]Event, error) {
	return f(ctx, sc, unitID, from, to)
}

// Due is a deadline a unit has still to meet, for the reminder job: the
// unit's leaders and officers are reminded in the app (and by mail) a few
// days before At, for as long as the source keeps listing it, i.e. until the
// unit has done what was due.
type Due struct {
	Key    string    // stable and unique, e.g. "plan-12-unit-7"; reminders are deduplicated on Key and the days left
	UnitID int64     // the unit that must act
	Title  string    // Vietnamese: "Ban hành kế hoạch thực hiện Kế hoạch 15/KH-PGDĐT"
	At     time.Time // the deadline (a day: midnight in Asia/Ho_Chi_Minh)
	URL    string    // path inside thidua where it is done
}

// DueSource lists, across all units, the deadlines between from (inclusive)
// and to (exclusive) that are still open. The reminder job calls it as the
// system, so it takes no scope.
type DueSource interface {
	Due(ctx context.Context, from, to time.Time) ([]Due, error)
}
