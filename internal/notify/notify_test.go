package notify

import (
	"context"
	"database/sql"
	"testing"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/jobs"
)

func TestNotifyUnitOnceAndReadOwnOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		p := dbtest.SeedProvince(t, db, 2, 20)
		school := p.Wards[0].Schools[0].ID
		s := &Store{DB: db, Jobs: &jobs.Queue{DB: db}, BaseURL: "https://thidua.example.vn"}
		if _, err := db.W.ExecContext(ctx, "UPDATE users SET email = ''"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.W.ExecContext(ctx, "UPDATE users SET email = 'hieutruong@example.vn' WHERE id IN (SELECT user_id FROM roles WHERE unit_id = $1 AND role = 'leader')", school); err != nil {
			t.Fatal(err)
		}
		note := Note{Title: "Sắp đến hạn nộp kế hoạch", Body: "Còn 3 ngày.", URL: "/plans/1", Key: "plan-1-3d", Mail: true}
		send := func() int {
			var n int
			err := db.Tx(ctx, func(tx *sql.Tx) error {
				var err error
				n, err = s.ToUnitTx(ctx, tx, school, []access.Role{access.Leader, access.Officer}, note)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := send(); n != 2 {
			t.Fatalf("first send reached %d users, want the school's leader and officer (2)", n)
		}
		if n := send(); n != 0 {
			t.Fatalf("second send with the same key reached %d users, want 0", n)
		}
		var mails, waiting int
		db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM jobs WHERE kind = $1", jobs.KindMail).Scan(&mails)
		if mails != 0 {
			t.Fatalf("mail jobs = %d right after the note, want 0 (mail waits for the daily digest)", mails)
		}
		db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM notifications WHERE mail AND mailed_at IS NULL").Scan(&waiting)
		if waiting != 1 {
			t.Fatalf("notes waiting for the digest = %d, want 1 (only the leader has an address)", waiting)
		}

		var leader, staff access.Scope
		rows, _ := db.R.QueryContext(ctx, "SELECT user_id, role FROM roles WHERE unit_id = $1", school)
		for rows.Next() {
			var id int64
			var role string
			rows.Scan(&id, &role)
			switch role {
			case "leader":
				leader = access.Scope{UserID: id}
			case "staff":
				staff = access.Scope{UserID: id}
			}
		}
		rows.Close()
		list, total, err := s.List(ctx, leader, true, 10, 0)
		if err != nil || total != 1 || len(list) != 1 || list[0].Title != note.Title || list[0].UnitID != school || list[0].ReadAt != nil {
			t.Fatalf("leader list = %+v total %d err %v", list, total, err)
		}
		if n, _ := s.Unread(ctx, staff); n != 0 {
			t.Fatalf("staff unread = %d, want 0", n)
		}
		if err := s.MarkRead(ctx, staff, list[0].ID); err == nil {
			t.Fatal("staff marked the leader's notification read")
		}
		if err := s.MarkRead(ctx, leader, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.Unread(ctx, leader); n != 0 {
			t.Fatalf("leader unread after read = %d", n)
		}
		if _, total, _ := s.List(ctx, leader, false, 10, 0); total != 1 {
			t.Fatalf("leader all = %d, want 1", total)
		}
	})
}
