package calendar_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/calendar"
	"thidua/internal/database"
	"thidua/internal/jobs"
	"thidua/internal/notify"
	"thidua/internal/unit"
)

// world is a small tree with people in it:
//
//	dept (Sở) → ward (phường) → school A, school B
//	          ↘ closed office (2020-02-01 … 2025-06-30)
type world struct {
	db       *database.DB
	units    *unit.Store
	accounts *account.Store
	keys     *calendar.KeyDates
	feeds    *calendar.Feeds
	svc      *calendar.Service

	dept, ward, schoolA, schoolB, closed unit.Unit

	sysAdmin, wardOfficer, schoolAdmin, schoolStaff, schoolLeader, schoolBOfficer account.User
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func day(y int, m time.Month, d int) *time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &t
}

func newWorld(t *testing.T, db *database.DB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{db: db, units: &unit.Store{DB: db}, accounts: &account.Store{DB: db}}
	w.keys = &calendar.KeyDates{DB: db, Units: w.units}
	w.feeds = &calendar.Feeds{DB: db, Units: w.units}
	w.svc = &calendar.Service{Sources: []calendar.Source{w.keys}, Units: w.units, Log: quiet,
		Notify: &notify.Store{DB: db, Jobs: &jobs.Queue{DB: db}, BaseURL: "https://thidua.example.vn"}}
	mk := func(parent *unit.Unit, kind unit.Kind, code, name string, from, to *time.Time) unit.Unit {
		in := unit.Input{Kind: kind, Code: code, Name: name, ValidFrom: from, ValidTo: to}
		if parent != nil {
			in.ParentID = parent.ID
		}
		if kind == unit.School {
			in.Levels = []string{"TH"}
		}
		u, err := w.units.Create(ctx, access.System(), in)
		if err != nil {
			t.Fatalf("unit %s: %v", code, err)
		}
		return u
	}
	w.dept = mk(nil, unit.Department, "SGD", "Sở Giáo dục và Đào tạo thử", nil, nil)
	w.ward = mk(&w.dept, unit.Ward, "P1", "Phường Một", nil, nil)
	w.schoolA = mk(&w.ward, unit.School, "TH-A", "Trường Tiểu học An Phú", nil, nil)
	w.schoolB = mk(&w.ward, unit.School, "TH-B", "Trường Tiểu học Bình Hòa", nil, nil)
	w.closed = mk(&w.dept, unit.Office, "PGD-CU", "Phòng Giáo dục và Đào tạo thành phố cũ", day(2020, 2, 1), day(2025, 6, 30))
	user := func(name string, home unit.Unit, role access.Role, at int64) account.User {
		u, err := w.accounts.Create(ctx, access.System(), account.Profile{Username: name, Ho: "Nguyễn", Ten: "Thử", UnitID: home.ID,
			Email: name + "@example.edu.vn"}, "Thidua-kiem-tra-2026", false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.accounts.Grant(ctx, access.System(), u.ID, at, role); err != nil {
			t.Fatal(err)
		}
		return u
	}
	w.sysAdmin = user("quantri", w.dept, access.Admin, 0)
	w.wardOfficer = user("phuong.thidua", w.ward, access.Officer, w.ward.ID)
	w.schoolAdmin = user("a.quantri", w.schoolA, access.Admin, w.schoolA.ID)
	w.schoolStaff = user("a.giaovien", w.schoolA, access.Staff, w.schoolA.ID)
	w.schoolLeader = user("a.hieutruong", w.schoolA, access.Leader, w.schoolA.ID)
	w.schoolBOfficer = user("b.thidua", w.schoolB, access.Officer, w.schoolB.ID)
	return w
}

// scope is the user's scope as a request would have it.
func (w *world) scope(t *testing.T, u account.User) access.Scope {
	t.Helper()
	g, err := account.Grants(context.Background(), w.db.R, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return access.Scope{UserID: u.ID, Username: u.Username, UnitID: u.UnitID, Grants: g}
}
