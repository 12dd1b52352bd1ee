package demo_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/demo"
	"thidua/internal/errs"
	"thidua/internal/unit"
)

const pw = demo.DefaultPassword

func day(y int, m time.Month, d int) *time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &t
}

// counts returns the number of rows of the tables Load writes.
func counts(t *testing.T, db *database.DB) [4]int {
	t.Helper()
	var out [4]int
	for i, table := range []string{"units", "users", "roles", "audit_log"} {
		if err := db.R.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestLoad(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		sys := access.System()
		units := &unit.Store{DB: db}
		accounts := &account.Store{DB: db}

		start := time.Now()
		list, err := demo.Load(ctx, db, pw)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("loaded in %v", time.Since(start))
		if n := len(list); n < 15 || n > 25 {
			t.Errorf("%d demo accounts, want 15–25", n)
		}
		byCode := func(code string) unit.Unit {
			t.Helper()
			u, err := units.ByCode(ctx, sys, code)
			if err != nil {
				t.Fatalf("unit %s: %v", code, err)
			}
			return u
		}

		// The historical tree: the office and its schools, closed on 30/06/2025.
		pgd := byCode("TA-PGD")
		if pgd.ParentID != byCode("BD-SGD").ID || pgd.ValidFrom == nil || pgd.ValidFrom.Format(time.DateOnly) != "2020-02-01" {
			t.Errorf("Phòng GD&ĐT Thuận An = %+v", pgd)
		}
		old, _, err := units.List(ctx, sys, unit.Filter{Under: pgd.ID, Kind: unit.School, WithClosed: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(old) < 35 {
			t.Errorf("%d schools under Phòng GD&ĐT Thuận An, want at least 35", len(old))
		}
		multi := false
		for _, s := range old {
			if s.ParentID != pgd.ID || s.ValidTo == nil || s.ValidTo.Format(time.DateOnly) != "2025-06-30" {
				t.Errorf("historical school %s: parent %d, valid_to %v", s.Code, s.ParentID, s.ValidTo)
			}
			if slices.Equal(s.Levels, []string{"TH", "THCS"}) {
				multi = true
			}
		}
		if !multi {
			t.Error("no TH&THCS school with levels TH and THCS")
		}
		if b := byCode("BD-BTDKT"); b.Kind != unit.Board || b.ValidTo == nil {
			t.Errorf("Ban TĐKT Bình Dương = %+v", b)
		}

		// Today's tree: wards under the Sở, a Phòng VH-XH under each, schools under those.
		now := day(2026, 1, 1)
		so := byCode("HCM-SGD")
		wards, _, err := units.List(ctx, sys, unit.Filter{Kind: unit.Ward, ActiveOn: now})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, w := range wards {
			names = append(names, w.Name)
			if w.ParentID != so.ID {
				t.Errorf("ward %s not under the Sở", w.Name)
			}
			offices, _, _ := units.List(ctx, sys, unit.Filter{Under: w.ID, Kind: unit.Office, ActiveOn: now})
			if len(offices) != 1 || !strings.HasPrefix(offices[0].Name, "Phòng Văn hóa - Xã hội phường ") || offices[0].ParentID != w.ID {
				t.Errorf("offices under %s: %v", w.Name, offices)
				continue
			}
			sch, _, _ := units.List(ctx, sys, unit.Filter{Under: offices[0].ID, Kind: unit.School, ActiveOn: now})
			if len(sch) < 4 || len(sch) > 6 {
				t.Errorf("%d schools under %s, want 4–6", len(sch), offices[0].Name)
			}
		}
		for _, want := range []string{"Phường Lái Thiêu", "Phường Thuận Giao", "Phường An Phú", "Phường Bình Hòa", "Phường Thuận An"} {
			if !slices.Contains(names, want) {
				t.Errorf("today's wards %v lack %s", names, want)
			}
		}
		if b := byCode("HCM-BTDKT"); b.ParentID != byCode("HCM-SNV").ID {
			t.Error("Ban TĐKT TP.HCM is not in the Sở Nội vụ")
		}
		// Same names in both trees, different rows.
		oldTH, newTH := byCode("TA-TH-LAITHIEU"), byCode("HCM-LT-TH-LAITHIEU")
		if oldTH.Name != "Trường Tiểu học Lái Thiêu" || newTH.Name != oldTH.Name || newTH.ID == oldTH.ID {
			t.Errorf("Trường Tiểu học Lái Thiêu: old %+v, new %+v", oldTH, newTH)
		}
		if thpt := byCode("HCM-THPT-TRINHHOAIDUC"); thpt.ParentID != so.ID {
			t.Error("THPT school not directly under the Sở")
		}

		// Listing by day separates the trees.
		active := func(d *time.Time) map[string]bool {
			us, _, err := units.List(ctx, sys, unit.Filter{ActiveOn: d})
			if err != nil {
				t.Fatal(err)
			}
			m := map[string]bool{}
			for _, u := range us {
				m[u.Code] = true
			}
			return m
		}
		today, past := active(now), active(day(2024, 1, 1))
		for code := range today {
			if strings.HasPrefix(code, "BD-") || strings.HasPrefix(code, "TA-") {
				t.Errorf("historical unit %s active on 2026-01-01", code)
			}
		}
		for _, s := range old {
			if !past[s.Code] {
				t.Errorf("historical school %s not active on 2024-01-01", s.Code)
			}
		}
		for _, code := range []string{"BD-SGD", "BD-BTDKT", "TA-PGD", "HCM-SGD"} {
			if !past[code] {
				t.Errorf("%s not active on 2024-01-01", code)
			}
		}
		for _, code := range []string{"HCM-P-LAITHIEU", "HCM-LT-VHXH", "HCM-LT-TH-LAITHIEU"} {
			if past[code] {
				t.Errorf("%s active on 2024-01-01, before the new tree", code)
			}
			if !today[code] {
				t.Errorf("%s not active on 2026-01-01", code)
			}
		}

		// Every account logs in and holds the expected role at the expected unit.
		want := map[string]struct {
			role access.Role
			at   string // unit code; "" system-wide
		}{
			"admin":                   {access.Admin, ""},
			"so.lanhdao":              {access.Leader, "HCM-SGD"},
			"so.thidua":               {access.Officer, "HCM-SGD"},
			"ban.thidua":              {access.Officer, "HCM-BTDKT"},
			"laithieu.lanhdao":        {access.Leader, "HCM-P-LAITHIEU"},
			"laithieu.quantri":        {access.Admin, "HCM-P-LAITHIEU"},
			"laithieu.vhxh":           {access.Officer, "HCM-LT-VHXH"},
			"thuangiao.vhxh":          {access.Officer, "HCM-TG-VHXH"},
			"th.laithieu.hieutruong":  {access.Leader, "HCM-LT-TH-LAITHIEU"},
			"th.laithieu.thuky":       {access.Officer, "HCM-LT-TH-LAITHIEU"},
			"th.laithieu.gv":          {access.Staff, "HCM-LT-TH-LAITHIEU"},
			"th.laithieu.xem":         {access.Viewer, "HCM-LT-TH-LAITHIEU"},
			"mn.hoasen.gv":            {access.Staff, "HCM-LT-MN-HOASEN"},
			"thpt.trinhhoaiduc.thuky": {access.Officer, "HCM-THPT-TRINHHOAIDUC"},
			"pgd.thuanan.lanhdao":     {access.Leader, "TA-PGD"},
			"pgd.thuanan.thidua":      {access.Officer, "TA-PGD"},
		}
		seen := map[string]bool{}
		for _, a := range list {
			seen[a.Username] = true
			id, err := accounts.Login(ctx, a.Username, pw, "127.0.0.1")
			if err != nil {
				t.Errorf("login %s: %v", a.Username, err)
				continue
			}
			token, err := accounts.NewSession(ctx, id, account.Web, "127.0.0.1", "test")
			if err != nil {
				t.Fatal(err)
			}
			sess, err := accounts.Resolve(ctx, token, account.Web)
			if err != nil {
				t.Fatalf("resolve %s: %v", a.Username, err)
			}
			if sess.MustChange {
				t.Errorf("%s must change the password", a.Username)
			}
			if len(sess.Scope.Grants) != 1 {
				t.Errorf("%s holds %v, want one role", a.Username, sess.Scope.Grants)
				continue
			}
			g := sess.Scope.Grants[0]
			w, ok := want[a.Username]
			if !ok {
				t.Errorf("unexpected demo account %s", a.Username)
				continue
			}
			wantUnit, wantName := int64(0), "Toàn hệ thống"
			if w.at != "" {
				u := byCode(w.at)
				wantUnit, wantName = u.ID, u.Display()
			}
			if g.Role != w.role || g.UnitID != wantUnit {
				t.Errorf("%s holds %s at unit %d, want %s at %s (%d)", a.Username, g.Role, g.UnitID, w.role, w.at, wantUnit)
			}
			if a.Role != w.role.Label() || a.Unit != wantName {
				t.Errorf("Account %+v, want role %q at %q", a, w.role.Label(), wantName)
			}
		}
		for u := range want {
			if !seen[u] {
				t.Errorf("no demo account %s", u)
			}
		}
		if list[0].Username != "admin" || !strings.Contains(list[0].Note, "Dữ liệu minh họa (tổng hợp), không phải dữ liệu thật") || list[0].Unit != "Toàn hệ thống" {
			t.Errorf("admin account = %+v", list[0])
		}

		// Everything was audited: one entry per unit, account and role.
		c := counts(t, db)
		var treeEntries int
		db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE object_type IN ('unit', 'user', 'role')").Scan(&treeEntries)
		if treeEntries != c[0]+c[1]+c[2] {
			t.Errorf("audit entries %d, want %d units + %d users + %d roles", treeEntries, c[0], c[1], c[2])
		}

		// A second load changes nothing.
		again, err := demo.Load(ctx, db, pw)
		if !errors.Is(err, demo.ErrNotEmpty) || again != nil {
			t.Errorf("second load: %v, %v; want ErrNotEmpty", again, err)
		}
		if !errs.Is(err, errs.Conflict) {
			t.Errorf("ErrNotEmpty code %s, want conflict", errs.CodeOf(err))
		}
		if got := counts(t, db); got != c {
			t.Errorf("after the second load: %v rows, want %v", got, c)
		}
	})
}

func TestLoadAllOrNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		// A password the policy refuses fails at the first account, after
		// every unit was created: nothing may remain.
		_, err := demo.Load(context.Background(), db, "ngan")
		if errs.FieldsOf(err)["password"] == "" {
			t.Fatalf("weak password: %v, want a password message", err)
		}
		if got := counts(t, db); got != [4]int{} {
			t.Errorf("after a failed load: %v rows, want none", got)
		}
	})
}

func ExampleSummary() {
	fmt.Print(demo.Summary([]demo.Account{
		{Username: "admin", Role: "Quản trị", Unit: "Toàn hệ thống", Note: demo.SyntheticNote},
		{Username: "th.laithieu.gv", Role: "Cán bộ, giáo viên, nhân viên", Unit: "TH Lái Thiêu", Note: "Ghi hoạt động tuyên truyền"},
	}, "http://localhost:8080", "thidua-demo"))
	// Output:
	// Dữ liệu minh họa đã được nạp (tổng hợp, không phải dữ liệu thật).
	// Đăng nhập tại http://localhost:8080 với mật khẩu: thidua-demo
	//   Tên đăng nhập   Vai trò                       Đơn vị         Ghi chú
	//   admin           Quản trị                      Toàn hệ thống  Dữ liệu minh họa (tổng hợp), không phải dữ liệu thật
	//   th.laithieu.gv  Cán bộ, giáo viên, nhân viên  TH Lái Thiêu   Ghi hoạt động tuyên truyền
}

func TestSummary(t *testing.T) {
	accounts := []demo.Account{
		{Username: "admin", Role: access.Admin.Label(), Unit: "Toàn hệ thống", Note: demo.SyntheticNote},
		{Username: "th.laithieu.hieutruong", Role: access.Leader.Label(), Unit: "TH Lái Thiêu", Note: "Hiệu trưởng"},
		{Username: "mn.hoasen.gv", Role: access.Staff.Label(), Unit: "MN Hoa Sen"},
	}
	s := demo.Summary(accounts, "http://localhost:8080", pw)
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	if !strings.Contains(lines[0], "không phải dữ liệu thật") {
		t.Errorf("first line %q does not say the data is synthetic", lines[0])
	}
	if lines[1] != "Đăng nhập tại http://localhost:8080 với mật khẩu: "+pw {
		t.Errorf("login line = %q", lines[1])
	}
	if len(lines) != 3+len(accounts) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), 3+len(accounts), s)
	}
	// Columns line up: each column starts at the same rune offset on every line.
	col := func(line, cell string) int {
		i := strings.Index(line, cell)
		if i < 0 {
			t.Fatalf("%q not in %q", cell, line)
		}
		return utf8.RuneCountInString(line[:i])
	}
	header := lines[2]
	for i, a := range accounts {
		line := lines[3+i]
		if col(line, a.Username) != 2 || col(line, a.Role) != col(header, "Vai trò") || col(line, a.Unit) != col(header, "Đơn vị") {
			t.Errorf("misaligned:\n%s\n%s", header, line)
		}
		if strings.HasSuffix(line, " ") {
			t.Errorf("trailing space in %q", line)
		}
	}
	if got := demo.Summary(nil, "", pw); !strings.Contains(got, "Đăng nhập với mật khẩu: "+pw) {
		t.Errorf("without a URL: %q", got)
	}
}
