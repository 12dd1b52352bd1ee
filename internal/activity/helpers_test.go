package activity

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/database"
	"thidua/internal/exemplar"
	"thidua/internal/files"
	"thidua/internal/jobs"
	"thidua/internal/unit"
)

var farEnd = time.Date(2099, 12, 31, 0, 0, 0, 0, time.UTC)

// env is a small tree with people holding roles in it:
//
//	Sở → ward W1 → office O1 → schools A, B
//	   → ward W2 → office O2 → school C
type env struct {
	t                  testing.TB
	db                 *database.DB
	s                  *Store
	so, w1, o1, a, b   unit.Unit
	w2, o2, c          unit.Unit
	staffA, leaderA    access.Scope
	viewerA, staffB    access.Scope
	officer1, officer2 access.Scope // at the ward offices
	adminA             access.Scope
	clock              time.Time
}

// fixed is the test's today: 10 March 2026, 09:00 in Vietnam.
var fixed = time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)

func newEnv(t testing.TB, db *database.DB) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, db: db, clock: fixed}
	units := &unit.Store{DB: db}
	mk := func(parent *unit.Unit, kind unit.Kind, code, name string) unit.Unit {
		in := unit.Input{Kind: kind, Code: code, Name: name, ValidTo: &farEnd}
		if parent != nil {
			in.ParentID = parent.ID
		}
		if kind == unit.School {
			in.Levels = []string{"TH"}
		}
		u, err := units.Create(ctx, access.System(), in)
		if err != nil {
			t.Fatalf("unit %s: %v", code, err)
		}
		return u
	}
	e.so = mk(nil, unit.Department, "SO", "Sở Giáo dục và Đào tạo thử")
	e.w1 = mk(&e.so, unit.Ward, "W1", "Phường Một")
	e.o1 = mk(&e.w1, unit.Office, "O1", "Phòng Văn hóa - Xã hội phường Một")
	e.a = mk(&e.o1, unit.School, "TH-A", "Trường Tiểu học An Phú")
	e.b = mk(&e.o1, unit.School, "TH-B", "Trường Tiểu học Bình Hòa")
	e.w2 = mk(&e.so, unit.Ward, "W2", "Phường Hai")
	e.o2 = mk(&e.w2, unit.Office, "O2", "Phòng Văn hóa - Xã hội phường Hai")
	e.c = mk(&e.o2, unit.School, "TH-C", "Trường Tiểu học Chánh Nghĩa")
	accounts := &account.Store{DB: db}
	user := func(name string, u unit.Unit, role access.Role) access.Scope {
		acc, err := accounts.Create(ctx, access.System(), account.Profile{Username: name, Ho: "Nguyễn", Ten: "Thử", UnitID: u.ID}, "Mat-khau-thu-2026", false)
		if err != nil {
			t.Fatalf("user %s: %v", name, err)
		}
		if _, err := accounts.Grant(ctx, access.System(), acc.ID, u.ID, role); err != nil {
			t.Fatal(err)
		}
		grants, err := account.Grants(ctx, db.R, acc.ID)
		if err != nil {
			t.Fatal(err)
		}
		return access.Scope{UserID: acc.ID, Username: name, UnitID: u.ID, Grants: grants}
	}
	e.staffA = user("staff.a", e.a, access.Staff)
	e.leaderA = user("leader.a", e.a, access.Leader)
	e.viewerA = user("viewer.a", e.a, access.Viewer)
	e.adminA = user("admin.a", e.a, access.Admin)
	e.staffB = user("staff.b", e.b, access.Staff)
	e.officer1 = user("officer.o1", e.o1, access.Officer)
	e.officer2 = user("officer.o2", e.o2, access.Officer)
	fs := files.New(db, "", 0)
	e.s = &Store{DB: db, Files: fs, Jobs: &jobs.Queue{DB: db}, Dossiers: &exemplar.Store{DB: db, Files: fs},
		Now: func() time.Time { return e.clock }}
	return e
}

func d(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC) }

func dp(y int, m time.Month, dd int) *time.Time { t := d(y, m, dd); return &t }

// input is a valid activity of unit u on day.
func input(u unit.Unit, title string, day time.Time, f Form) Input {
	return Input{UnitID: u.ID, Date: day, Title: title, Form: f, Participants: 120, Reach: 800,
		Partners: "Đoàn phường", Description: "Tuyên truyền gương điển hình tiên tiến trong nhà trường."}
}

func (e *env) create(sc access.Scope, in Input, up ...Upload) Activity {
	e.t.Helper()
	a, err := e.s.Create(context.Background(), sc, in, up...)
	if err != nil {
		e.t.Fatalf("create %q: %v", in.Title, err)
	}
	return a
}

// photo is a JPEG (or PNG) of w × h pixels: a gradient with a dark
// square in the top left corner, so orientation can be checked.
func photo(t testing.TB, w, h int, asPNG bool, seed int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{uint8(200 + seed%50), uint8(x * 255 / w), uint8(y * 255 / h), 255}
			if x < w/4 && y < h/4 {
				c = color.RGBA{10, 10, 10, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	var err error
	if asPNG {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func upload(name string, data []byte) Upload { return Upload{Name: name, R: bytes.NewReader(data)} }

func (e *env) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.R.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// checkDayCounts compares activity_day_counts with the activities.
func (e *env) checkDayCounts() {
	e.t.Helper()
	read := func(q string) map[string]int {
		rows, err := e.db.R.QueryContext(context.Background(), q)
		if err != nil {
			e.t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var f string
			var day time.Time
			var n int
			if err := rows.Scan(&f, &day, &n); err != nil {
				e.t.Fatal(err)
			}
			if n != 0 {
				out[f+" "+day.UTC().Format("2006-01-02")] = n
			}
		}
		return out
	}
	kept := read("SELECT form, held_on, n FROM activity_day_counts")
	real := read("SELECT form, held_on, COUNT(*) FROM activities GROUP BY form, held_on")
	if len(kept) != len(real) {
		e.t.Errorf("day counts %v, activities %v", kept, real)
	}
	for k, n := range real {
		if kept[k] != n {
			e.t.Errorf("day count %s = %d, activities %d", k, kept[k], n)
		}
	}
}
