package notify

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/jobs"
	"thidua/internal/viet"
)

// digestWorld is a school whose leader has an address and whose officer
// has none.
type digestWorld struct {
	db              *database.DB
	s               *Store
	school          int64
	leader, officer access.Scope
}

func newDigestWorld(t *testing.T, db *database.DB) digestWorld {
	t.Helper()
	ctx := context.Background()
	p := dbtest.SeedProvince(t, db, 2, 20)
	w := digestWorld{db: db, s: &Store{DB: db, Jobs: &jobs.Queue{DB: db}, BaseURL: "https://thidua.example.vn/"}, school: p.Wards[0].Schools[0].ID}
	rows, err := db.R.QueryContext(ctx, "SELECT user_id, role FROM roles WHERE unit_id = $1", w.school)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var role string
		rows.Scan(&id, &role)
		switch access.Role(role) {
		case access.Leader:
			w.leader = access.Scope{UserID: id}
		case access.Officer:
			w.officer = access.Scope{UserID: id}
		}
	}
	rows.Close()
	if w.leader.UserID == 0 || w.officer.UserID == 0 {
		t.Fatal("the seeded school has no leader or officer")
	}
	if _, err := db.W.ExecContext(ctx, "UPDATE users SET email = '' WHERE id = $1", w.officer.UserID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.ExecContext(ctx, "UPDATE users SET email = 'hieutruong@example.vn', ho = 'Phan', dem = 'Thị Mỹ', ten = 'Dung' WHERE id = $1", w.leader.UserID); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w digestWorld) note(t *testing.T, n Note) {
	t.Helper()
	ctx := context.Background()
	if err := w.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := w.s.ToUnitTx(ctx, tx, w.school, []access.Role{access.Leader, access.Officer}, n)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

type sentMail struct{ to, subject, body string }

func (w digestWorld) mails(t *testing.T) []sentMail {
	t.Helper()
	rows, err := w.db.R.QueryContext(context.Background(), "SELECT payload FROM jobs WHERE kind = $1 ORDER BY id", jobs.KindMail)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []sentMail
	for rows.Next() {
		var payload string
		rows.Scan(&payload)
		j := jobs.Job{Payload: []byte(payload)}
		var p jobs.MailPayload
		if err := j.Decode(&p); err != nil {
			t.Fatal(err)
		}
		out = append(out, sentMail{p.To, p.Subject, p.Body})
	}
	return out
}

func TestDigestOneMailPerUserOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newDigestWorld(t, db)
		w.note(t, Note{Title: "Kết quả xét chọn: Hồ sơ A", Body: "Được chọn.", URL: "/nominations/1", Mail: true})
		w.note(t, Note{Title: "Sắp đến hạn nộp hồ sơ đợt Quý IV/2026", Body: "Còn 3 ngày.\nHạn nộp 05/12/2026.", URL: "/rounds/2", Key: "round-2-3d", Mail: true})
		w.note(t, Note{Title: "Chỉ trong ứng dụng", URL: "/rounds/2"}) // not meant for mail
		w.note(t, Note{Title: "Đã đọc trước khi có thư", Mail: true})
		list, _, err := w.s.List(ctx, w.leader, false, 10, 0)
		if err != nil || len(list) != 4 {
			t.Fatalf("leader has %d notes (%v), want 4", len(list), err)
		}
		if err := w.s.MarkRead(ctx, w.leader, list[0].ID); err != nil { // newest first: "Đã đọc trước khi có thư"
			t.Fatal(err)
		}
		if len(w.mails(t)) != 0 {
			t.Fatal("mail was queued before the digest")
		}

		day := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC) // 07:00 in Vietnam
		n, err := w.s.Digest(ctx, day)
		if err != nil || n != 1 {
			t.Fatalf("digest queued %d mails (%v), want 1: the leader (the officer has no address)", n, err)
		}
		m := w.mails(t)
		if len(m) != 1 {
			t.Fatalf("mails = %+v, want one", m)
		}
		if m[0].to != "hieutruong@example.vn" || m[0].subject != "thidua: 2 việc cần chú ý ngày 02/12/2026" {
			t.Errorf("mail to %q, subject %q", m[0].to, m[0].subject)
		}
		for _, want := range []string{"Kính gửi Phan Thị Mỹ Dung", "1. Kết quả xét chọn: Hồ sơ A", "https://thidua.example.vn/nominations/1",
			"2. Sắp đến hạn nộp hồ sơ đợt Quý IV/2026", "   Hạn nộp 05/12/2026.", "https://thidua.example.vn/notifications"} {
			if !strings.Contains(m[0].body, want) {
				t.Errorf("digest body lacks %q:\n%s", want, m[0].body)
			}
		}
		for _, unwanted := range []string{"Chỉ trong ứng dụng", "Đã đọc trước khi có thư"} {
			if strings.Contains(m[0].body, unwanted) {
				t.Errorf("digest lists %q:\n%s", unwanted, m[0].body)
			}
		}

		// Again (a retried job, a second server): nothing twice.
		if n, err := w.s.Digest(ctx, day); err != nil || n != 0 {
			t.Fatalf("second digest queued %d mails (%v), want 0", n, err)
		}
		var waiting int
		db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM notifications WHERE mail AND mailed_at IS NULL").Scan(&waiting)
		if waiting != 0 {
			t.Fatalf("%d notes still wait for a digest", waiting)
		}
		// In-app the notes are untouched by the mail.
		if u, _ := w.s.Unread(ctx, w.leader); u != 3 {
			t.Errorf("leader unread after the digest = %d, want 3", u)
		}

		// The next day's note goes into the next day's digest alone.
		w.note(t, Note{Title: "Hồ sơ B bị trả lại", Mail: true})
		if n, err := w.s.Digest(ctx, day.AddDate(0, 0, 1)); err != nil || n != 1 {
			t.Fatalf("next digest queued %d mails (%v), want 1", n, err)
		}
		m = w.mails(t)
		if len(m) != 2 || m[1].subject != "thidua: 1 việc cần chú ý ngày 03/12/2026" || strings.Contains(m[1].body, "Hồ sơ A") {
			t.Fatalf("next digest = %+v", m[len(m)-1])
		}
		// Read everything, then a note arrives and is read before 7:00: no mail.
		w.note(t, Note{Title: "Đọc ngay", Mail: true})
		if err := w.s.MarkRead(ctx, w.leader, 0); err != nil {
			t.Fatal(err)
		}
		if n, err := w.s.Digest(ctx, day.AddDate(0, 0, 2)); err != nil || n != 0 {
			t.Fatalf("digest of read notes queued %d mails (%v), want 0", n, err)
		}
	})
}

// TestDigestConcurrentRunsMailOnce runs the digest from several goroutines
// at once, as several servers sharing the database would.
func TestDigestConcurrentRunsMailOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newDigestWorld(t, db)
		for i := 0; i < 5; i++ {
			w.note(t, Note{Title: "Thông báo " + string(rune('A'+i)), Mail: true})
		}
		var wg sync.WaitGroup
		total := make(chan int, 4)
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := w.s.Digest(context.Background(), time.Now())
				if err != nil {
					t.Error(err)
				}
				total <- n
			}()
		}
		wg.Wait()
		close(total)
		sum := 0
		for n := range total {
			sum += n
		}
		if m := w.mails(t); sum != 1 || len(m) != 1 || !strings.HasPrefix(m[0].subject, "thidua: 5 việc cần chú ý ngày ") {
			t.Fatalf("concurrent digests reported %d mails and queued %+v, want exactly one with 5 notes", sum, m)
		}
	})
}

// TestDigestJobUsesSlotDay checks the handler names the digest after its
// slot's day in Vietnam.
func TestDigestJobUsesSlotDay(t *testing.T) {
	db := dbtest.SQLite(t)
	w := newDigestWorld(t, db)
	w.note(t, Note{Title: "Một việc", Mail: true})
	r := jobs.NewRunner(db)
	r.Daily(KindDigest, 7*time.Hour, viet.Zone, w.s.DigestJob)
	ctx := context.Background()
	// 07:30 on 1 January 2027 in Vietnam is 00:30 UTC.
	if n, err := r.Schedule(ctx, time.Date(2027, 1, 1, 0, 30, 0, 0, time.UTC)); err != nil || n != 1 {
		t.Fatalf("schedule queued %d (%v)", n, err)
	}
	if _, err := db.W.ExecContext(ctx, "UPDATE jobs SET run_at = $1", time.Now().UTC().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if ok, err := r.RunOnce(ctx); err != nil || !ok {
		t.Fatalf("run digest job: %v %v", ok, err)
	}
	if m := w.mails(t); len(m) != 1 || m[0].subject != "thidua: 1 việc cần chú ý ngày 01/01/2027" {
		t.Fatalf("mails = %+v", m)
	}
}
