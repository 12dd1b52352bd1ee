package audit_test

import (
	"context"
	"database/sql"
	"testing"

	"thidua/internal/access"
	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/dbtest"
)

func TestChainDetectsTampering(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		sc := access.Scope{UserID: 0, Username: "tester"}
		for i, path := range []string{"/1/", "/1/2/", "/3/"} {
			err := db.Tx(ctx, func(tx *sql.Tx) error {
				return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitPath: path, Action: "update", ObjectType: "unit",
					ObjectID: i, Summary: "Đổi tên đơn vị", Before: map[string]string{"name": "A"}, After: map[string]string{"name": "B"}})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		n, broken, err := audit.Verify(ctx, db)
		if err != nil || broken != nil || n != 3 {
			t.Fatalf("Verify = %d, %v, %v; want 3 intact", n, broken, err)
		}

		// A scoped admin sees only their subtree's entries.
		scoped := access.Scope{UserID: 9, Grants: []access.Grant{{Path: "/1/", Role: access.Admin}}}
		got, total, err := audit.List(ctx, db, scoped, audit.Filter{})
		if err != nil || total != 2 || len(got) != 2 {
			t.Fatalf("scoped list: %d entries (total %d), err %v; want 2", len(got), total, err)
		}
		if _, _, err := audit.List(ctx, db, access.Scope{UserID: 9, Grants: []access.Grant{{Path: "/1/", Role: access.Staff}}}, audit.Filter{}); err == nil {
			t.Fatal("staff may not read the audit log")
		}

		// Editing the middle entry is detected there.
		if _, err := db.W.ExecContext(ctx, "UPDATE audit_log SET summary = 'sửa lén' WHERE id = 2"); err != nil {
			t.Fatal(err)
		}
		_, broken, err = audit.Verify(ctx, db)
		if err != nil || broken == nil || broken.ID != 2 {
			t.Fatalf("after edit: broken %v err %v; want entry 2", broken, err)
		}
		db.W.ExecContext(ctx, "UPDATE audit_log SET summary = 'Đổi tên đơn vị' WHERE id = 2")
		// Deleting the last entry is detected through the head.
		if _, err := db.W.ExecContext(ctx, "DELETE FROM audit_log WHERE id = 3"); err != nil {
			t.Fatal(err)
		}
		if _, broken, _ = audit.Verify(ctx, db); broken == nil {
			t.Fatal("deleting the last entry went unnoticed")
		}
	})
}
