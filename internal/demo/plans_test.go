package demo_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/demo"
	"thidua/internal/exemplar"
	"thidua/internal/movement"
	"thidua/internal/plan"
	"thidua/internal/unit"
)

// TestDemoPlans checks the movements, the seed plan and the compliance mixes
// the demo promises.
func TestDemoPlans(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		if _, err := demo.Load(ctx, db, demo.DefaultPassword); err != nil {
			t.Fatal(err)
		}
		sys := access.System()
		units := &unit.Store{DB: db}
		ps := &plan.Store{DB: db}
		ms := &movement.Store{DB: db}
		byCode := func(code string) unit.Unit {
			u, err := units.ByCode(ctx, sys, code)
			if err != nil {
				t.Fatalf("unit %s: %v", code, err)
			}
			return u
		}
		planOf := func(code string, f plan.Filter) []plan.Plan {
			f.UnitID, f.Limit = byCode(code).ID, 500
			list, _, err := ps.List(ctx, sys, f)
			if err != nil {
				t.Fatal(err)
			}
			return list
		}

		// The movements the seed names, launched by the Prime Minister, and education ones.
		all, _, err := ms.List(ctx, sys, movement.Filter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]movement.Movement{}
		for _, m := range all {
			names[m.Name] = m
		}
		for _, n := range []string{"Cả nước chung sức xây dựng nông thôn mới", "Cán bộ, công chức, viên chức thi đua thực hiện văn hóa công sở",
			"Doanh nghiệp Việt Nam hội nhập và phát triển", "Cả nước chung tay vì người nghèo - Không để ai bị bỏ lại phía sau"} {
			if m, ok := names[n]; !ok || m.Authority != movement.ThuTuong {
				t.Errorf("movement %q: %+v", n, m)
			}
		}
		for _, n := range []string{"Đổi mới, sáng tạo trong dạy và học", "Mỗi thầy cô giáo là một tấm gương đạo đức, tự học và sáng tạo"} {
			if m, ok := names[n]; !ok || m.Authority != movement.BoGDDT {
				t.Errorf("movement %q: %+v", n, m)
			}
		}
		var occasions []string
		for _, m := range all {
			cs, _ := ms.Campaigns(ctx, sys, m.ID)
			for _, c := range cs {
				occasions = append(occasions, c.Occasion)
			}
		}
		for _, o := range []string{"Đại hội Đảng bộ tỉnh Bình Dương lần thứ XI, nhiệm kỳ 2020 - 2025", "Đại hội Thi đua yêu nước tỉnh Bình Dương lần thứ V",
			"Ngày Nhà giáo Việt Nam 20/11"} {
			if !slices.Contains(occasions, o) {
				t.Errorf("no campaign greeting %q", o)
			}
		}

		// The seed plan, as the seed words it, based on 1924/KH-SGDĐT.
		office := planOf("TA-PGD", plan.Filter{})
		if len(office) != 1 {
			t.Fatalf("Thuận An plans: %d", len(office))
		}
		seed, err := ps.Get(ctx, sys, office[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if seed.Sections != demo.SeedSections() || !seed.Issued() || seed.Signer.Name != "Võ Anh Tuấn" ||
			strings.Join(seed.Signer.Lines(), " / ") != "KT. TRƯỞNG PHÒNG / PHÓ TRƯỞNG PHÒNG" ||
			!slices.Equal(seed.Recipients, []string{"Các trường MN, MG, TH, THCS;", "Lãnh đạo phòng GDĐT;", "Lưu: VT, VP."}) {
			t.Errorf("the seed plan = %+v", seed)
		}
		if seed.BasedOn == nil || seed.BasedOn.Label() != "Kế hoạch số 1924/KH-SGDĐT ngày 03/11/2020 của Sở Giáo dục và Đào tạo tỉnh Bình Dương" {
			t.Errorf("based on %+v", seed.BasedOn)
		}
		text := seed.Title + seed.Sections.Intro + seed.Sections.Purpose + seed.Sections.Content + seed.Sections.Forms + seed.Sections.Exemplars +
			seed.Sections.Organization + seed.Sections.Closing
		if strings.Contains(text, "diễn hình") || strings.Count(text, "điển hình") < 15 {
			t.Errorf("the seed's typo is still there, or its words are not")
		}
		schools, _, _ := units.List(ctx, sys, unit.Filter{Under: byCode("TA-PGD").ID, Kind: unit.School, WithClosed: true})
		if len(seed.Required) != len(schools) {
			t.Errorf("the seed plan requires %d units, want the %d schools", len(seed.Required), len(schools))
		}
		mix := func(p plan.Plan) map[plan.State]int {
			c, err := ps.Compliance(ctx, sys, p.ID, plan.ComplianceFilter{})
			if err != nil {
				t.Fatal(err)
			}
			return c.Counts
		}
		for name, c := range map[string]map[plan.State]int{"the seed plan": mix(seed), "the department's 1924": mix(planOf("BD-SGD", plan.Filter{})[0])} {
			if c[plan.OnTime] == 0 || c[plan.Missing] == 0 || name == "the seed plan" && c[plan.Late] == 0 {
				t.Errorf("%s: %v, want some on time, late and missing", name, c)
			}
		}

		// Today's tree: the 2025–2026 plan requiring the wards' offices, with a mix.
		var hcm2025 plan.Plan
		for _, p := range planOf("HCM-SGD", plan.Filter{Year: 2025}) {
			if strings.HasSuffix(p.Title, "năm học 2025-2026") {
				hcm2025 = p
			}
		}
		if hcm2025.ID == 0 {
			t.Fatal("no 2025–2026 plan of the HCM department")
		}
		if c := mix(hcm2025); c[plan.OnTime] == 0 || c[plan.Late] == 0 || c[plan.Missing] == 0 || c[plan.OnTime]+c[plan.Late]+c[plan.Missing] != 5 {
			t.Errorf("2025–2026 mix: %v", c)
		}

		// The Lái Thiêu primary school's leader has a plan to issue and a reminder.
		var id, unitID int64
		db.R.QueryRowContext(ctx, "SELECT id, unit_id FROM users WHERE username = 'th.laithieu.hieutruong'").Scan(&id, &unitID)
		grants, _ := account.Grants(ctx, db.R, id)
		todo, err := ps.ToIssue(ctx, access.Scope{UserID: id, UnitID: unitID, Grants: grants}, 10)
		if err != nil || len(todo) != 1 || todo[0].Plan.UnitName != "Phòng Văn hóa - Xã hội phường Lái Thiêu" {
			t.Errorf("the primary school's plans to issue: %+v %v", todo, err)
		}
		var notes int
		db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND dedupe_key LIKE 'plan-%'", id).Scan(&notes)
		if notes != 1 {
			t.Errorf("the primary school's leader has %d plan reminders, want 1", notes)
		}

		// Dossiers linked to movements.
		ds := &exemplar.Store{DB: db}
		linked := 0
		for _, m := range all {
			_, n, _ := ds.List(ctx, sys, exemplar.Filter{MovementID: m.ID})
			linked += n
		}
		if linked < 3 {
			t.Errorf("%d demo dossiers linked to movements, want at least 3", linked)
		}
	})
}
