package demo_test

import (
	"context"
	"strings"
	"testing"

	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/demo"
	"thidua/internal/portal"
)

// TestPortalDemo checks what the demo puts on the public portal: published
// exemplars with photos, consent for every individual, a student's page
// under its minors check, featured ones, adoptions with check-ins.
func TestPortalDemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		if _, err := demo.Load(ctx, db, demo.DefaultPassword); err != nil {
			t.Fatal(err)
		}
		count := func(q string) int {
			t.Helper()
			var n int
			if err := db.R.QueryRowContext(ctx, q).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		if n := count("SELECT COUNT(*) FROM portal_entries"); n < 9 {
			t.Errorf("%d exemplars on the portal, want at least 9", n)
		}
		if n := count("SELECT COUNT(*) FROM portal_photos"); n < 8 {
			t.Errorf("%d photos on the portal, want at least 8", n)
		}
		if n := count(`SELECT COUNT(*) FROM publications p JOIN dossiers d ON d.id = p.dossier_id
			WHERE d.subject_kind = 'individual' AND p.status = 'published' AND p.consent_recorded_at IS NULL`); n != 0 {
			t.Errorf("%d individuals published without consent", n)
		}
		if n := count("SELECT COUNT(*) FROM publications WHERE minors_checked_at IS NOT NULL AND status = 'published'"); n < 2 {
			t.Errorf("%d published with the minors check, want the student and the chi đội", n)
		}
		if n := count("SELECT COUNT(*) FROM portal_entries WHERE featured = TRUE"); n < 3 {
			t.Errorf("%d featured, want at least 3", n)
		}
		if n := count("SELECT COUNT(*) FROM adoptions"); n < 10 {
			t.Errorf("%d adoptions, want at least 10", n)
		}
		if n := count("SELECT COUNT(*) FROM adoption_checkins"); n < 15 {
			t.Errorf("%d check-ins, want at least 15", n)
		}
		if n := count("SELECT COUNT(*) FROM adoptions WHERE status = 'completed'"); n == 0 {
			t.Error("no adoption completed")
		}

		s := &portal.Store{DB: db}
		r, err := s.Search(ctx, portal.Query{Text: "hoc sinh lop 5 nhat duoc vi"})
		if err != nil || r.Total == 0 {
			t.Fatalf("the student's page is not found: %+v %v", r, err)
		}
		pg, err := s.Page(ctx, r.Cards[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if pg.Subject != "Hân T." || !strings.HasPrefix(pg.Credit, "Một trường học thuộc ") || len(pg.Photos) != 0 {
			t.Errorf("the student's page shows %q, %q, %d photos", pg.Subject, pg.Credit, len(pg.Photos))
		}
		if r, _ := s.Search(ctx, portal.Query{Text: "Tran Ngoc Han"}); r.Total != 0 {
			t.Error("the student's full name is searchable")
		}
		if r, _ := s.Search(ctx, portal.Query{Text: "duc"}); r.Total == 0 || !strings.Contains(r.Cards[0].Title, "Đức") {
			t.Errorf("“duc” finds %+v", r.Cards)
		}
		if _, broken, err := audit.Verify(ctx, db); broken != nil || err != nil {
			t.Errorf("audit chain after the demo: %v %v", broken, err)
		}
	})
}
