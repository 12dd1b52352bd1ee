package calendar

import (
	"strconv"
	"time"

	"thidua/internal/viet"
)

// Weekdays are the Vietnamese names of the days, Monday first (weeks
// start on Monday in Vietnam).
var Weekdays = [7]string{"Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"}

// WeekdaysShort are the column heads of a month grid.
var WeekdaysShort = [7]string{"T2", "T3", "T4", "T5", "T6", "T7", "CN"}

// WeekdayIndex is the column of t in a week starting on Monday (0..6).
func WeekdayIndex(t time.Time) int { return (int(t.Weekday()) + 6) % 7 }

// WeekdayName is the Vietnamese name of t's day of the week.
func WeekdayName(t time.Time) string { return Weekdays[WeekdayIndex(t)] }

// MonthName writes "Tháng 6 năm 2026".
func MonthName(t time.Time) string {
	return "Tháng " + strconv.Itoa(int(t.Month())) + " năm " + strconv.Itoa(t.Year())
}

// ViewDay is one day of a view with its events.
type ViewDay struct {
	Date    time.Time // midnight in Vietnam
	InMonth bool      // in the month shown (a grid shows the edges of the weeks around it)
	Today   bool
	Events  []DayEvent
}

// DayEvent is an event as a day of a view shows it. An event of several
// days (a submission window, a campaign) is shown once where it begins and
// again only where a new row of the view starts while it lasts, not on
// every day it covers: a quarter-long round would otherwise fill every cell.
type DayEvent struct {
	Event
	Cont bool      // it began on an earlier day
	Last time.Time // its last day when it spans several days, else zero
}

// dayEvent is e as day d shows it, and whether d shows it at all: on its
// first day, and on d when rowStart says d begins a row of the view.
func dayEvent(e Event, d time.Time, rowStart bool) (DayEvent, bool) {
	first, last := e.Days()
	if d.Before(first) || d.After(last) {
		return DayEvent{}, false
	}
	de := DayEvent{Event: e, Cont: d.After(first)}
	if last.After(first) {
		de.Last = last
	}
	return de, !de.Cont || rowStart
}

// Weekday is the Vietnamese name of the day of the week.
func (d ViewDay) Weekday() string { return WeekdayName(d.Date) }

// MonthView is a month as a grid of whole weeks, Monday first.
type MonthView struct {
	First time.Time // the first day of the month
	Weeks [][7]ViewDay
}

// Name is "Tháng 6 năm 2026".
func (m MonthView) Name() string { return MonthName(m.First) }

// Prev and Next are the first days of the months around.
func (m MonthView) Prev() time.Time { return m.First.AddDate(0, -1, 0) }
func (m MonthView) Next() time.Time { return m.First.AddDate(0, 1, 0) }

// Count is the number of events the days of the month itself show.
func (m MonthView) Count() int {
	n := 0
	for _, w := range m.Weeks {
		for _, d := range w {
			if d.InMonth {
				n += len(d.Events)
			}
		}
	}
	return n
}

// MonthStart is the first day of t's month, midnight in Vietnam.
func MonthStart(t time.Time) time.Time {
	t = t.In(viet.Zone)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, viet.Zone)
}

// GridSpan is the period a month grid shows: from the Monday on or before
// the first of the month to the day after the Sunday on or after its last.
func GridSpan(first time.Time) (from, to time.Time) {
	first = MonthStart(first)
	from = first.AddDate(0, 0, -WeekdayIndex(first))
	last := first.AddDate(0, 1, -1)
	to = last.AddDate(0, 0, 7-WeekdayIndex(last))
	return from, to
}

// Month lays the events out on the grid of the month of first; an event
// spanning several days appears on its first day and again at the start of
// each later week it lasts into (and on the grid's first day).
func Month(first time.Time, events []Event, today time.Time) MonthView {
	first = MonthStart(first)
	from, to := GridSpan(first)
	today = Day(today)
	m := MonthView{First: first}
	var week [7]ViewDay
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		vd := ViewDay{Date: d, InMonth: d.Month() == first.Month(), Today: d.Equal(today)}
		for _, e := range events {
			if de, ok := dayEvent(e, d, WeekdayIndex(d) == 0 || d.Equal(from)); ok {
				vd.Events = append(vd.Events, de)
			}
		}
		week[WeekdayIndex(d)] = vd
		if WeekdayIndex(d) == 6 {
			m.Weeks = append(m.Weeks, week)
			week = [7]ViewDay{}
		}
	}
	return m
}

// Agenda groups the events by day from from (inclusive) to to
// (exclusive), keeping only the days that have events; an event spanning
// several days is listed once, on its first day within the period.
func Agenda(events []Event, from, to, today time.Time) []ViewDay {
	from, today = Day(from), Day(today)
	var out []ViewDay
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		var evs []DayEvent
		for _, e := range events {
			if de, ok := dayEvent(e, d, d.Equal(from)); ok {
				evs = append(evs, de)
			}
		}
		if len(evs) > 0 {
			out = append(out, ViewDay{Date: d, InMonth: true, Today: d.Equal(today), Events: evs})
		}
	}
	return out
}
