package movement_test

import (
	"context"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/movement"
	"thidua/internal/unit"
)

// tree is a department with an office and a school under it, and a second
// office beside the first.
type tree struct {
	dept, office, school, other unit.Unit
}

func mkTree(t *testing.T, db *database.DB) tree {
	t.Helper()
	us := &unit.Store{DB: db}
	mk := func(parent *unit.Unit, kind unit.Kind, code, name string, levels ...string) unit.Unit {
		in := unit.Input{Kind: kind, Code: code, Name: name, Levels: levels}
		if parent != nil {
			in.ParentID = parent.ID
		}
		u, err := us.Create(context.Background(), access.System(), in)
		if err != nil {
			t.Fatalf("unit %s: %v", code, err)
		}
		return u
	}
	var tr tree
	tr.dept = mk(nil, unit.Department, "SGD", "Sở Giáo dục và Đào tạo")
	tr.office = mk(&tr.dept, unit.Office, "PGD", "Phòng Giáo dục và Đào tạo")
	tr.school = mk(&tr.office, unit.School, "TH", "Trường Tiểu học Lái Thiêu", "TH")
	tr.other = mk(&tr.dept, unit.Office, "PGD2", "Phòng Giáo dục và Đào tạo khác")
	return tr
}

func as(id int64, role access.Role, u unit.Unit) access.Scope {
	return access.Scope{UserID: id, Username: "u" + string(role), UnitID: u.ID, Grants: []access.Grant{{UnitID: u.ID, Path: u.Path, Role: role}}}
}

func d(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC) }

func TestMovementStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		tr := mkTree(t, db)
		s := &movement.Store{DB: db}
		officer := as(1, access.Officer, tr.office)
		end := d(2025, 12, 31)
		in := movement.Input{UnitID: tr.office.ID, Name: "  Đổi mới,  sáng tạo trong dạy và học ", Authority: movement.BoGDDT,
			Kind: movement.Regular, StartsOn: d(2021, 9, 5), EndsOn: &end, Description: "Phát động trong toàn ngành.\r\n\r\n\r\nTiếp tục."}
		m, err := s.Create(ctx, officer, in)
		if err != nil {
			t.Fatal(err)
		}
		if m.Name != "Đổi mới, sáng tạo trong dạy và học" || m.Description != "Phát động trong toàn ngành.\n\nTiếp tục." || m.Status != movement.Active ||
			m.UnitName != tr.office.Name || m.Version != 1 || !m.StartsOn.Equal(d(2021, 9, 5)) || m.EndsOn == nil || !m.EndsOn.Equal(end) {
			t.Fatalf("created %+v", m)
		}
		if m.Launcher() != "Bộ Giáo dục và Đào tạo" {
			t.Errorf("Launcher = %q", m.Launcher())
		}

		// Who may record and edit: officers, leaders and administrators of
		// the recording unit or above; not staff, not a school below, not a
		// sibling office.
		for _, c := range []struct {
			name string
			sc   access.Scope
			code errs.Code
		}{
			{"leader above", as(2, access.Leader, tr.dept), ""},
			{"admin of the unit", as(3, access.Admin, tr.office), ""},
			{"staff of the unit", as(4, access.Staff, tr.office), errs.Forbidden},
			{"officer of a school below", as(5, access.Officer, tr.school), errs.Forbidden},
			{"officer of another office", as(6, access.Officer, tr.other), errs.Forbidden},
		} {
			cur, err := s.Get(ctx, c.sc, m.ID)
			if err != nil {
				t.Fatalf("%s: every logged-in user reads movements: %v", c.name, err)
			}
			upd := cur.Input()
			upd.Name = cur.Name + "."
			_, err = s.Update(ctx, c.sc, m.ID, cur.Version, upd)
			if errs.CodeOf(err) != c.code {
				t.Errorf("%s: update = %v, want code %q", c.name, err, c.code)
			}
			_, err = s.Create(ctx, c.sc, in)
			if c.code == "" && err != nil || c.code != "" && err == nil {
				t.Errorf("%s: create = %v", c.name, err)
			}
		}
		if _, err := s.Get(ctx, access.Scope{}, m.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("the anonymous public reads a movement through the store: %v", err)
		}

		// A stale write changes nothing.
		cur, _ := s.Get(ctx, officer, m.ID)
		stale := cur.Input()
		stale.Name = "Tên cũ"
		if _, err := s.Update(ctx, officer, m.ID, cur.Version-1, stale); !errs.Is(err, errs.Conflict) {
			t.Fatalf("stale update: %v", err)
		}
		if again, _ := s.Get(ctx, officer, m.ID); again.Name == "Tên cũ" || again.Version != cur.Version {
			t.Errorf("the stale write changed the movement: %+v", again)
		}

		// Bad input: Vietnamese messages at the fields.
		bad := movement.Input{UnitID: tr.office.ID, Authority: movement.OtherAuth, Kind: "x", StartsOn: d(2022, 1, 1), EndsOn: ptr(d(2021, 1, 1))}
		_, err = s.Create(ctx, officer, bad)
		fields := errs.FieldsOf(err)
		for _, f := range []string{"name", "authority_name", "kind", "ends_on"} {
			if fields[f] == "" {
				t.Errorf("bad input: no message at %s (%v)", f, err)
			}
		}
		if _, err := s.Create(ctx, officer, movement.Input{UnitID: tr.other.ID + 1000, Name: "X", Authority: movement.BoGDDT, Kind: movement.Regular,
			StartsOn: d(2022, 1, 1)}); errs.FieldsOf(err)["unit_id"] == "" {
			t.Errorf("unknown unit: %v", err)
		}

		// Campaigns: within the movement's dates; recorded by a unit below.
		school := as(7, access.Officer, tr.school)
		c, err := s.CreateCampaign(ctx, school, m.ID, movement.CampaignInput{UnitID: tr.school.ID, Name: "Đợt thi đua chào mừng 20/11",
			Occasion: "Ngày Nhà giáo Việt Nam 20/11", StartsOn: d(2024, 10, 1), EndsOn: d(2024, 11, 20)})
		if err != nil {
			t.Fatal(err)
		}
		if c.MovementName != cur.Name || c.UnitName != tr.school.Name {
			t.Errorf("campaign %+v", c)
		}
		_, err = s.CreateCampaign(ctx, officer, m.ID, movement.CampaignInput{Name: "Ngoài thời gian", StartsOn: d(2020, 1, 1), EndsOn: d(2026, 1, 1)})
		if f := errs.FieldsOf(err); f["starts_on"] == "" || f["ends_on"] == "" {
			t.Errorf("campaign outside the movement: %v", err)
		}
		if _, err := s.CreateCampaign(ctx, school, m.ID, movement.CampaignInput{Name: "Đợt của Phòng", StartsOn: d(2024, 1, 1), EndsOn: d(2024, 2, 1)}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("a school records a campaign at the office (default unit): %v", err)
		}
		ci := c.Input()
		ci.Name = "Đợt thi đua chào mừng Ngày Nhà giáo Việt Nam 20/11"
		if _, err := s.UpdateCampaign(ctx, as(8, access.Officer, tr.other), c.ID, c.Version, ci); !errs.Is(err, errs.Forbidden) {
			t.Errorf("another office edits the school's campaign: %v", err)
		}
		if _, err := s.UpdateCampaign(ctx, school, c.ID, c.Version+1, ci); !errs.Is(err, errs.Conflict) {
			t.Errorf("stale campaign edit: %v", err)
		}
		c2, err := s.UpdateCampaign(ctx, school, c.ID, c.Version, ci)
		if err != nil || c2.Name != ci.Name || c2.Version != 2 {
			t.Fatalf("campaign edit: %+v %v", c2, err)
		}
		// The movement's dates cannot shrink below its campaigns'.
		shrink := cur.Input()
		shrink.EndsOn = ptr(d(2024, 10, 31))
		if _, err := s.Update(ctx, officer, m.ID, cur.Version, shrink); errs.FieldsOf(err)["ends_on"] == "" {
			t.Errorf("movement ends before its campaign: %v", err)
		}
		cs, err := s.Campaigns(ctx, officer, m.ID)
		if err != nil || len(cs) != 1 || cs[0].ID != c.ID {
			t.Errorf("Campaigns = %+v, %v", cs, err)
		}

		// Listing and filters.
		if _, err := s.Create(ctx, officer, movement.Input{UnitID: tr.office.ID, Name: "Cả nước chung tay vì người nghèo - Không để ai bị bỏ lại phía sau",
			Authority: movement.ThuTuong, Kind: movement.Themed, StartsOn: d(2016, 1, 1), Status: movement.Ended}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			f    movement.Filter
			want int
		}{
			{movement.Filter{}, 4}, // one by the officer, two by the leader and the admin, this one
			{movement.Filter{Query: "nguoi ngheo"}, 1},
			{movement.Filter{Query: "đổi mới"}, 3},
			{movement.Filter{Query: "thu tuong"}, 1},
			{movement.Filter{Status: movement.Ended}, 1},
			{movement.Filter{Authority: movement.BoGDDT}, 3},
			{movement.Filter{Kind: movement.Themed}, 1},
			{movement.Filter{UnitID: tr.school.ID}, 0},
			{movement.Filter{Query: "100%_"}, 0},
		} {
			ms, total, err := s.List(ctx, school, c.f)
			if err != nil || total != c.want || len(ms) != c.want {
				t.Errorf("List(%+v) = %d/%d, %v; want %d", c.f, len(ms), total, err, c.want)
			}
		}
		ms, _, _ := s.List(ctx, school, movement.Filter{})
		if len(ms) != 4 || ms[3].Status != movement.Ended {
			t.Errorf("ongoing movements are not listed first: %+v", ms)
		}

		// The audit log holds every change.
		// 4 movements and 1 campaign created, 2 movement edits and 1
		// campaign edit; the refused and stale writes left nothing.
		var n int
		if err := db.R.QueryRow("SELECT COUNT(*) FROM audit_log WHERE object_type IN ('movement', 'campaign')").Scan(&n); err != nil || n != 8 {
			t.Errorf("%d audit entries (%v), want 8", n, err)
		}
	})
}

func ptr[T any](v T) *T { return &v }

func TestCurrent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		tr := mkTree(t, db)
		s := &movement.Store{DB: db}
		sc := as(1, access.Officer, tr.dept)
		mk := func(name string, from time.Time, to *time.Time, status movement.Status) movement.Movement {
			m, err := s.Create(ctx, sc, movement.Input{UnitID: tr.dept.ID, Name: name, Authority: movement.BoGDDT, Kind: movement.Regular,
				StartsOn: from, EndsOn: to, Status: status})
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		on := d(2026, 11, 10)
		quiet := mk("Đang triển khai, không có đợt", d(2025, 1, 1), nil, movement.Active)
		busy := mk("Đang triển khai, có đợt", d(2020, 1, 1), nil, movement.Active)
		mk("Đã kết thúc theo ngày", d(2020, 1, 1), ptr(d(2026, 1, 1)), movement.Active)
		mk("Đã kết thúc", d(2020, 1, 1), nil, movement.Ended)
		mk("Chưa phát động", d(2027, 1, 1), nil, movement.Active)
		now, err := s.CreateCampaign(ctx, sc, busy.ID, movement.CampaignInput{Name: "Chào mừng 20/11", StartsOn: d(2026, 10, 1), EndsOn: d(2026, 11, 20)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateCampaign(ctx, sc, busy.ID, movement.CampaignInput{Name: "Đã qua", StartsOn: d(2025, 10, 1), EndsOn: d(2025, 11, 20)}); err != nil {
			t.Fatal(err)
		}
		got, err := movement.Current(ctx, db.R, on, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != busy.ID || got[1].ID != quiet.ID {
			t.Fatalf("Current = %+v", got)
		}
		if len(got[0].Campaigns) != 1 || got[0].Campaigns[0].ID != now.ID || len(got[1].Campaigns) != 0 {
			t.Errorf("current campaigns = %+v / %+v", got[0].Campaigns, got[1].Campaigns)
		}
		if got, _ := movement.Current(ctx, db.R, on, 1); len(got) != 1 || got[0].ID != busy.ID {
			t.Errorf("Current limit 1 = %+v", got)
		}
	})
}
