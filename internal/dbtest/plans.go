package dbtest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"thidua/internal/database"
)

// PlanSet is what SeedPlans made.
type PlanSet struct {
	Plans        int     // all plans
	Requirements int     // all required units
	Offices      []int64 // per year, the department's plan requiring the 25 offices (latest year last)
	Schools      []int64 // per year, the department's plan requiring every school (latest year last)
	OfficePlans  []int64 // the offices' plans of the latest year, each requiring its 40 schools
}

// SeedPlans adds years school years of plans to a province seeded by
// SeedProvince, in one transaction of plain SQL (no audit): every year the
// department issues a plan requiring every ward office and one requiring
// every school; the offices implement the first (nine in ten on time, the
// rest late or missing) with a plan requiring their schools; the schools
// implement both their office's plan and the department's (seven in ten on
// time, two late, one missing). Plans are inserted as drafts, their
// requirements added, then all issued in one update, as the freezing
// triggers allow.
func SeedPlans(tb testing.TB, db *database.DB, p Province, years int) PlanSet {
	tb.Helper()
	ctx := context.Background()
	start := time.Now()
	pg := db.Dialect == database.Postgres
	now := time.Now().UTC().Truncate(time.Microsecond)
	var set PlanSet
	var plans, reqs [][]any
	var id int64
	numbers := map[string]int{}
	add := func(unit int64, basedOn, basedLineage int64, on time.Time, title string, requireBy *time.Time, mode string) int64 {
		id++
		key := fmt.Sprint(unit, on.Year())
		numbers[key]++
		var based, lineage any
		if basedOn != 0 {
			based, lineage = basedOn, basedLineage
		}
		var by any
		if requireBy != nil {
			by = *requireBy
		}
		plans = append(plans, []any{id, unit, "draft", numbers[key], "KH-TEST", on, on.Year(), "Thành phố Hồ Chí Minh", "Đơn vị",
			title, "năm học", "Mục đích.", "- Nội dung.", "- Tổ chức.", "Lưu: VT.", "Hiệu trưởng", "Nguyễn Văn A",
			based, lineage, id, mode, by, strings.ToLower(title), now, now})
		return id
	}
	require := func(plan, unit int64) { reqs = append(reqs, []any{plan, unit}) }
	// state picks on time, late or missing for the i-th unit, in tenths.
	state := func(i, late, missing int) string {
		switch r := i % 10; {
		case r < missing:
			return "missing"
		case r < missing+late:
			return "late"
		}
		return "on_time"
	}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	first := time.Now().Year() - years
	for y := first; y < first+years; y++ {
		deadline, schoolDeadline := day(y, 10, 15), day(y, 10, 31)
		offices := add(p.Department.ID, 0, 0, day(y, 9, 15), fmt.Sprintf("Kế hoạch năm học %d-%d của Sở", y, y+1), &deadline, "offices")
		all := add(p.Department.ID, 0, 0, day(y, 9, 20), fmt.Sprintf("Kế hoạch chuyên đề năm học %d-%d", y, y+1), &schoolDeadline, "schools")
		set.Offices, set.Schools = append(set.Offices, offices), append(set.Schools, all)
		set.OfficePlans = set.OfficePlans[:0]
		n := 0
		for wi, w := range p.Wards {
			require(offices, w.Office.ID)
			var office int64
			switch state(wi, 1, 1) {
			case "on_time":
				office = add(w.Office.ID, offices, offices, day(y, 10, 5), "Kế hoạch của phòng", &schoolDeadline, "children")
			case "late":
				office = add(w.Office.ID, offices, offices, day(y, 10, 20), "Kế hoạch của phòng", ptrTime(day(y, 11, 15)), "children")
			}
			if office != 0 {
				set.OfficePlans = append(set.OfficePlans, office)
			}
			for _, s := range w.Schools {
				n++
				require(all, s.ID)
				switch state(n, 2, 1) {
				case "on_time":
					add(s.ID, all, all, day(y, 10, 25), "Kế hoạch của trường", nil, "")
				case "late":
					add(s.ID, all, all, day(y, 11, 10), "Kế hoạch của trường", nil, "")
				}
				if office == 0 {
					continue
				}
				require(office, s.ID)
				switch state(n+3, 2, 1) {
				case "on_time":
					add(s.ID, office, office, day(y, 10, 28), "Kế hoạch thực hiện của trường", nil, "")
				case "late":
					add(s.ID, office, office, day(y, 11, 20), "Kế hoạch thực hiện của trường", nil, "")
				}
			}
		}
	}
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	if err := insertRows(ctx, tx, pg, "plans", []string{"id", "unit_id", "status", "number", "symbol", "doc_date", "issued_year", "place", "issuer_name",
		"title", "period", "purpose", "content", "organization", "recipients", "signer_title", "signer_name",
		"based_on_id", "based_lineage", "lineage_id", "require_mode", "require_by", "search", "created_at", "updated_at"}, plans); err != nil {
		tb.Fatalf("seed plans: %v", err)
	}
	if err := insertRows(ctx, tx, pg, "plan_requirements", []string{"plan_id", "unit_id"}, reqs); err != nil {
		tb.Fatalf("seed plans: %v", err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE plans SET status = 'issued', issued_at = $1", now); err != nil {
		tb.Fatalf("seed plans: issue: %v", err)
	}
	if pg {
		if _, err := tx.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence('plans', 'id'), $1)", id); err != nil {
			tb.Fatalf("seed plans: sequence: %v", err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	if pg {
		if _, err := db.W.ExecContext(ctx, "ANALYZE plans, plan_requirements"); err != nil {
			tb.Fatal(err)
		}
	}
	set.Plans, set.Requirements = len(plans), len(reqs)
	tb.Logf("seeded %s: %d plans over %d school years, %d required units, in %v", db.Dialect, set.Plans, years, set.Requirements,
		time.Since(start).Round(time.Millisecond))
	return set
}

func ptrTime(t time.Time) *time.Time { return &t }
