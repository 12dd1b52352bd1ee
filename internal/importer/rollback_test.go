package importer

import (
	"context"
	"strings"
	"testing"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/unit"
)

func tableCount(t *testing.T, db *database.DB, table string) int {
	t.Helper()
	var n int
	if err := db.R.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestFailureMidwayRollsBack lets another administrator take a code and a
// username between the preview and the writing: the write fails at that row
// and the rows already written in the same transaction are rolled back.
func TestFailureMidwayRollsBack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		sys := access.System()
		units := &unit.Store{DB: db}
		office, err := units.Create(ctx, sys, unit.Input{Kind: unit.Office, Code: "PGD", Name: "Phòng Giáo dục và Đào tạo"})
		if err != nil {
			t.Fatal(err)
		}

		s, err := Parse(Units, "dv.csv", []byte("Mã đơn vị,Tên đơn vị,Loại đơn vị,Mã đơn vị cấp trên,Cấp học\n"+
			"TH-1,Trường 1,Trường học,PGD,TH\nTH-2,Trường 2,Trường học,TH-1,TH\nTH-3,Trường 3,Trường học,PGD,TH\n"))
		if err != nil {
			t.Fatal(err)
		}
		plan, err := Preview(ctx, db, sys, s)
		if err != nil || !plan.Valid {
			t.Fatalf("preview: %v %+v", err, plan)
		}
		if _, err := units.Create(ctx, sys, unit.Input{ParentID: office.ID, Kind: unit.School, Code: "TH-3", Name: "Trường khác", Levels: []string{"TH"}}); err != nil {
			t.Fatal(err)
		}
		nUnits, nAudit := tableCount(t, db, "units"), tableCount(t, db, "audit_log")
		res, err := commit(ctx, db, sys, plan)
		if !errs.Is(err, errs.Conflict) || !strings.HasPrefix(errs.MessageOf(err), "Dòng 4:") || len(res.Units) != 0 {
			t.Errorf("commit: %v (%q), want a conflict at line 4 and nothing reported created", err, errs.MessageOf(err))
		}
		if tableCount(t, db, "units") != nUnits || tableCount(t, db, "audit_log") != nAudit {
			t.Error("units or audit entries written before the failing row were kept")
		}

		s, err = Parse(Users, "tk.csv", []byte("Tên đăng nhập,Tên,Mã đơn vị,Vai trò\nmot,Một,PGD,Quản trị\nhai,Hai,PGD,Chỉ xem\n"))
		if err != nil {
			t.Fatal(err)
		}
		plan, err = Preview(ctx, db, sys, s)
		if err != nil || !plan.Valid {
			t.Fatalf("preview users: %v %+v", err, plan)
		}
		if _, err := (&account.Store{DB: db}).Create(ctx, sys, account.Profile{Username: "hai", Ten: "Khác", UnitID: office.ID}, "mat-khau-du-dai-1", false); err != nil {
			t.Fatal(err)
		}
		nUsers, nRoles, nAudit := tableCount(t, db, "users"), tableCount(t, db, "roles"), tableCount(t, db, "audit_log")
		res, err = commit(ctx, db, sys, plan)
		if !errs.Is(err, errs.Conflict) || !strings.HasPrefix(errs.MessageOf(err), "Dòng 3:") || len(res.Passwords) != 0 {
			t.Errorf("commit users: %v, want a conflict at line 3 and no passwords", err)
		}
		if tableCount(t, db, "users") != nUsers || tableCount(t, db, "roles") != nRoles || tableCount(t, db, "audit_log") != nAudit {
			t.Error("accounts, roles or audit entries written before the failing row were kept")
		}
	})
}
