package account_test

import (
	"context"
	"testing"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/unit"
)

const pw = "thidua-demo"

func TestPasswordPolicy(t *testing.T) {
	tests := []struct {
		pw, want string
	}{
		{"ngắn-1", "Mật khẩu phải có ít nhất 10 ký tự."},
		{"chỉcóchữcái", "Mật khẩu phải có cả chữ cái và chữ số hoặc ký tự đặc biệt."},
		{"1234567890", "Mật khẩu phải có cả chữ cái và chữ số hoặc ký tự đặc biệt."},
		{"lan.nguyen-2026", "Mật khẩu không được chứa tên đăng nhập."},
		{"matkhau123", "Mật khẩu này quá phổ biến, dễ bị đoán; hãy chọn mật khẩu khác."},
		{"thidua-demo", ""},
		{account.RandomPassword(), ""},
	}
	for _, tt := range tests {
		err := account.CheckPolicy("password", "lan.nguyen", tt.pw)
		got := errs.FieldsOf(err)["password"]
		if got != tt.want {
			t.Errorf("CheckPolicy(%q) = %q, want %q", tt.pw, got, tt.want)
		}
	}
	h := account.HashPassword(pw)
	if !account.CheckPassword(h, pw) || account.CheckPassword(h, pw+"x") {
		t.Error("hash does not check")
	}
}

func TestAccounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		units := &unit.Store{DB: db}
		s := &account.Store{DB: db}
		sys := access.System()
		office, _ := units.Create(ctx, sys, unit.Input{Kind: unit.Office, Code: "P", Name: "Phòng GD&ĐT"})
		a, _ := units.Create(ctx, sys, unit.Input{ParentID: office.ID, Kind: unit.School, Code: "A", Name: "Trường A", Levels: []string{"TH"}})
		b, _ := units.Create(ctx, sys, unit.Input{ParentID: office.ID, Kind: unit.School, Code: "B", Name: "Trường B", Levels: []string{"TH"}})

		admin, err := s.Create(ctx, sys, account.Profile{Username: "Phong.Admin", Ten: "Quản trị", UnitID: office.ID}, pw, false)
		if err != nil {
			t.Fatal(err)
		}
		if admin.Username != "phong.admin" {
			t.Errorf("username = %q, want lower case", admin.Username)
		}
		if _, err := s.Grant(ctx, sys, admin.ID, office.ID, access.Admin); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Create(ctx, sys, account.Profile{Username: "phong.admin", Ten: "X", UnitID: a.ID}, pw, false); errs.FieldsOf(err)["username"] == "" {
			t.Errorf("duplicate username: %v", err)
		}
		if _, err := s.Create(ctx, sys, account.Profile{Username: "x.y", Ten: "X", UnitID: a.ID}, "ngan", false); errs.FieldsOf(err)["password"] == "" {
			t.Errorf("weak password: %v", err)
		}

		// Login, session, scope.
		id, err := s.Login(ctx, "PHONG.ADMIN", pw, "10.0.0.1")
		if err != nil || id != admin.ID {
			t.Fatalf("login: %d %v", id, err)
		}
		token, err := s.NewSession(ctx, id, account.Web, "10.0.0.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		sess, err := s.Resolve(ctx, token, account.Web)
		if err != nil || sess.CSRF == "" || len(sess.Scope.Grants) != 1 || !sess.Scope.Has(a.Path, access.Admin) {
			t.Fatalf("resolve: %+v %v", sess, err)
		}
		if _, err := s.Resolve(ctx, token, account.API); err == nil {
			t.Error("a web session token must not work as an API token")
		}

		// The office admin manages school accounts, not accounts elsewhere.
		sc := sess.Scope
		teacher, err := s.Create(ctx, sc, account.Profile{Username: "gv.a", Ho: "Nguyễn", Dem: "Thị", Ten: "Lan", UnitID: a.ID}, account.RandomPassword(), true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Grant(ctx, sc, teacher.ID, a.ID, access.Staff); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Grant(ctx, sc, teacher.ID, 0, access.Admin); !errs.Is(err, errs.Forbidden) {
			t.Errorf("office admin granting system admin: %v", err)
		}
		outsider, _ := s.Create(ctx, sys, account.Profile{Username: "so.x", Ten: "X", UnitID: office.ID}, pw, false)
		_ = outsider
		teacherScope := access.Scope{UserID: teacher.ID, Grants: []access.Grant{{UnitID: a.ID, Path: a.Path, Role: access.Staff}}}
		if _, err := s.Get(ctx, teacherScope, admin.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("staff reading another account: %v", err)
		}
		if _, err := s.Get(ctx, teacherScope, teacher.ID); err != nil {
			t.Errorf("reading oneself: %v", err)
		}
		if _, err := s.Create(ctx, teacherScope, account.Profile{Username: "gv.b", Ten: "B", UnitID: b.ID}, pw, false); !errs.Is(err, errs.Forbidden) {
			t.Errorf("staff creating an account: %v", err)
		}
		list, total, err := s.List(ctx, sc, account.Filter{Query: "nguyen lan"})
		if err != nil || total != 1 || list[0].ID != teacher.ID {
			t.Errorf("folded search: %v %d %v", list, total, err)
		}
		if _, total, _ := s.List(ctx, teacherScope, account.Filter{}); total != 0 {
			t.Errorf("staff listing accounts: %d", total)
		}

		// Stale write refused.
		if _, err := s.Update(ctx, sc, teacher.ID, teacher.Version+5, account.Profile{Ten: "Lan", UnitID: a.ID}); !errs.Is(err, errs.Conflict) {
			t.Errorf("stale update: %v", err)
		}

		// Deactivation ends sessions at once.
		tt, _ := s.NewSession(ctx, teacher.ID, account.API, "", "")
		if _, err := s.Resolve(ctx, tt, account.API); err != nil {
			t.Fatal(err)
		}
		teacher, _ = s.Get(ctx, sc, teacher.ID)
		if _, err := s.SetActive(ctx, sc, teacher.ID, teacher.Version, false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Resolve(ctx, tt, account.API); err == nil {
			t.Error("token still works after deactivation")
		}

		// Throttling after repeated failures, even with the right password.
		for i := 0; i < account.MaxUserFailures; i++ {
			if _, err := s.Login(ctx, "so.x", "sai-mat-khau-1", "10.0.0.9"); !errs.Is(err, errs.Unauthorized) {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
		if _, err := s.Login(ctx, "so.x", pw, "10.0.0.9"); !errs.Is(err, errs.TooMany) {
			t.Errorf("after %d failures: %v, want throttled", account.MaxUserFailures, err)
		}

		// Revoking: grant list shrinks, and the office admin cannot revoke a system role.
		g, _ := account.Grants(ctx, db.R, teacher.ID)
		if err := s.Revoke(ctx, sc, teacher.ID, g[0].ID); err != nil {
			t.Fatal(err)
		}
		if g, _ := account.Grants(ctx, db.R, teacher.ID); len(g) != 0 {
			t.Errorf("grants after revoke: %v", g)
		}

		// Without a role: so.x (active, no role) counts; the deactivated teacher does not.
		if n, err := s.CountWithoutRole(ctx, sc); err != nil || n != 1 {
			t.Errorf("CountWithoutRole = %d, %v; want 1", n, err)
		}
		if n, _ := s.CountWithoutRole(ctx, teacherScope); n != 0 {
			t.Errorf("CountWithoutRole for a non-admin = %d, want 0", n)
		}
	})
}
