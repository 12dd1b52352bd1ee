package demo_test

import (
	"context"
	"testing"

	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/demo"
)

// TestPipelineStates checks that the demo shows the selection pipeline in
// every state, on the 2020–2025 tree and on today's.
func TestPipelineStates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		if _, err := demo.Load(ctx, db, demo.DefaultPassword); err != nil {
			t.Fatal(err)
		}
		states := func(prefix string) map[string]int {
			rows, err := db.R.QueryContext(ctx, `SELECT n.state, COUNT(*) FROM nominations n JOIN rounds r ON r.id = n.round_id
				JOIN units u ON u.id = r.unit_id WHERE u.code LIKE $1 GROUP BY n.state`, prefix+"%")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			out := map[string]int{}
			for rows.Next() {
				var s string
				var n int
				rows.Scan(&s, &n)
				out[s] = n
			}
			return out
		}
		old := states("TA-")
		for _, s := range []string{"draft", "submitted", "under_review", "returned", "rejected", "selected"} {
			if old[s] == 0 {
				t.Errorf("the 2020–2025 tree (Thuận An) has no nomination in state %s: %v", s, old)
			}
		}
		if up := states("BD-"); up["selected"] != 1 {
			t.Errorf("Bình Dương department states = %v, want the forwarded one selected", up)
		}
		// Today's releases told the school (the bell); the history told nobody.
		var told, leaderTold int
		db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM notifications").Scan(&told)
		db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id
			WHERE u.username = 'th.laithieu.hieutruong' AND n.title LIKE 'Kết quả xét chọn:%' AND n.read_at IS NULL AND n.mail`).Scan(&leaderTold)
		if leaderTold != 1 {
			t.Errorf("the TH Lái Thiêu leader has %d unread release notes (of %d notes), want 1", leaderTold, told)
		}
		var oldTold int
		db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications n JOIN units u ON u.id = n.unit_id WHERE u.code LIKE 'TA-%'`).Scan(&oldTold)
		if oldTold != 0 {
			t.Errorf("%d notes about the 2024–2025 history, want none", oldTold)
		}
		now := states("HCM-")
		for _, s := range []string{"draft", "submitted", "under_review", "returned", "rejected", "selected"} {
			if now[s] == 0 {
				t.Errorf("today's tree has no nomination in state %s: %v", s, now)
			}
		}
		var forwarded int
		db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM nominations WHERE forwarded_from_id IS NOT NULL").Scan(&forwarded)
		if forwarded != 2 {
			t.Errorf("forwarded nominations = %d, want 2 (one per tree)", forwarded)
		}
		if _, broken, err := audit.Verify(ctx, db); broken != nil || err != nil {
			t.Errorf("audit chain after the demo: %v %v", broken, err)
		}
	})
}
