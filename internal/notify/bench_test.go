package notify

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/jobs"
)

// BenchmarkUnread: the bell's count, on every page, with 100,000
// notifications over the province's 1,000 accounts (the caller has 100, 60
// of them unread); and the list page of one user.
func BenchmarkUnread(b *testing.B) {
	dbtest.EachB(b, func(b *testing.B, db *database.DB) {
		ctx := context.Background()
		dbtest.SeedProvince(b, db, 1000, 1000)
		start := time.Now()
		now := database.Now()
		tx, err := db.W.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		const perUser = 100
		var users []int64
		rows, err := tx.QueryContext(ctx, "SELECT id FROM users ORDER BY id")
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			users = append(users, id)
		}
		rows.Close()
		for _, u := range users {
			var vals []string
			var args []any
			for k := 0; k < perUser; k++ {
				var read any
				if k%5 < 2 {
					read = now
				}
				j := len(args)
				vals = append(vals, fmt.Sprintf("($%d, $%d, '', '/rounds/1', $%d, $%d, $%d)", j+1, j+2, j+3, j+4, j+5))
				args = append(args, u, fmt.Sprintf("Thông báo %d", k), now.Add(time.Duration(k)*time.Second), read, k%2 == 0)
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO notifications (user_id, title, body, url, created_at, read_at, mail) VALUES "+strings.Join(vals, ", "), args...); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		if db.Dialect == database.Postgres {
			db.W.ExecContext(ctx, "ANALYZE")
		}
		b.Logf("seeded %d notifications in %v", len(users)*perUser, time.Since(start).Round(time.Millisecond))
		s := &Store{DB: db, Jobs: &jobs.Queue{DB: db}}
		me := access.Scope{UserID: users[len(users)/2]}
		b.Run("unread-count", func(b *testing.B) {
			for b.Loop() {
				n, err := s.Unread(ctx, me)
				if err != nil || n != 60 {
					b.Fatalf("unread = %d, %v", n, err)
				}
			}
		})
		b.Run("list-page", func(b *testing.B) {
			for b.Loop() {
				if _, _, err := s.List(ctx, me, false, 30, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}
