package unit_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/unit"
)

func mustCreate(t *testing.T, s *unit.Store, sc access.Scope, in unit.Input) unit.Unit {
	t.Helper()
	u, err := s.Create(context.Background(), sc, in)
	if err != nil {
		t.Fatalf("create %s: %v", in.Code, err)
	}
	return u
}

func TestTree(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s := &unit.Store{DB: db}
		sys := access.System()
		so := mustCreate(t, s, sys, unit.Input{Kind: unit.Department, Code: "SO", Name: "Sở Giáo dục và Đào tạo"})
		phong := mustCreate(t, s, sys, unit.Input{ParentID: so.ID, Kind: unit.Office, Code: "PGD", Name: "Phòng GD&ĐT"})
		a := mustCreate(t, s, sys, unit.Input{ParentID: phong.ID, Kind: unit.School, Code: "th-a", Name: "Trường Tiểu học An Phú", Levels: []string{"th"}})
		b := mustCreate(t, s, sys, unit.Input{ParentID: phong.ID, Kind: unit.School, Code: "THCS-B", Name: "Trường TH&THCS Bình Hòa", Levels: []string{"THCS", "TH"}})
		if a.Code != "TH-A" || a.Path != so.Path+itoa(phong.ID)+"/"+itoa(a.ID)+"/" || a.Depth != 2 {
			t.Fatalf("unit a = %+v", a)
		}
		if got := b.LevelsLabel(); got != "TH&THCS" {
			t.Errorf("levels = %q, want TH&THCS (as a set, in level order)", got)
		}

		// Bad input: each refused with a message at its field, nothing saved.
		bad := []struct {
			name  string
			in    unit.Input
			field string
			code  errs.Code
		}{
			{"duplicate code", unit.Input{ParentID: phong.ID, Kind: unit.School, Code: "th-a", Name: "X", Levels: []string{"TH"}}, "code", errs.Conflict},
			{"unknown parent", unit.Input{ParentID: 9999, Kind: unit.Office, Code: "Z", Name: "Z"}, "parent_id", errs.Invalid},
			{"no name", unit.Input{ParentID: phong.ID, Kind: unit.Office, Code: "Z"}, "name", errs.Invalid},
			{"bad code", unit.Input{ParentID: phong.ID, Kind: unit.Office, Code: "mã có dấu", Name: "Z"}, "code", errs.Invalid},
			{"school without level", unit.Input{ParentID: phong.ID, Kind: unit.School, Code: "Z", Name: "Z"}, "levels", errs.Invalid},
			{"unknown level", unit.Input{ParentID: phong.ID, Kind: unit.School, Code: "Z", Name: "Z", Levels: []string{"ĐH"}}, "levels", errs.Invalid},
			{"school at the top", unit.Input{Kind: unit.School, Code: "Z", Name: "Z", Levels: []string{"TH"}}, "parent_id", errs.Invalid},
		}
		for _, tt := range bad {
			_, err := s.Create(ctx, sys, tt.in)
			if errs.CodeOf(err) != tt.code || errs.FieldsOf(err)[tt.field] == "" {
				t.Errorf("%s: err %v (fields %v), want %s at %s", tt.name, err, errs.FieldsOf(err), tt.code, tt.field)
			}
		}
		if n, _ := s.Count(ctx); n != 4 {
			t.Errorf("after refused creates: %d units, want 4", n)
		}

		// The route upward: the nearest ancestor holding rounds, skipping others.
		onDay := time.Date(2024, 9, 5, 0, 0, 0, 0, time.UTC)
		if _, err := s.RoundHolderAbove(ctx, a, onDay); !errs.Is(err, errs.NotFound) {
			t.Errorf("no round holder yet: %v", err)
		}
		so, _ = s.Get(ctx, sys, so.ID)
		var err error
		if so, err = s.Update(ctx, sys, so.ID, so.Version, unit.Input{Kind: so.Kind, Code: so.Code, Name: so.Name, RunsRounds: true}); err != nil {
			t.Fatal(err)
		}
		if got, err := s.RoundHolderAbove(ctx, a, onDay); err != nil || got.ID != so.ID {
			t.Errorf("school's round holder = %v, %v; want the department (the office does not hold rounds)", got.Name, err)
		}
		phong, _ = s.Get(ctx, sys, phong.ID)
		if phong, err = s.Update(ctx, sys, phong.ID, phong.Version, unit.Input{Kind: phong.Kind, Code: phong.Code, Name: phong.Name, RunsRounds: true}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.RoundHolderAbove(ctx, a, onDay); got.ID != phong.ID {
			t.Errorf("school's round holder = %v; want the office", got.Name)
		}
		if got, _ := s.RoundHolderAbove(ctx, phong, onDay); got.ID != so.ID {
			t.Errorf("office's round holder = %v; want the department", got.Name)
		}

		// A cycle is refused.
		if _, err := s.Move(ctx, sys, phong.ID, phong.Version, a.ID); errs.FieldsOf(err)["parent_id"] == "" {
			t.Errorf("moving a unit under its own child: err %v, want a parent_id message", err)
		}
		if _, err := s.Move(ctx, sys, a.ID, a.Version, 0); errs.FieldsOf(err)["parent_id"] == "" {
			t.Errorf("moving a school to the top: err %v, want a parent_id message", err)
		}
		// A stale version is refused.
		if _, err := s.Update(ctx, sys, a.ID, a.Version+1, unit.Input{Kind: unit.School, Code: "TH-A", Name: "Mới", Levels: []string{"TH"}}); !errs.Is(err, errs.Conflict) {
			t.Errorf("stale update: err %v, want conflict", err)
		}

		// Scoped admin: manages the office subtree, not its parent or siblings.
		adminPhong := access.Scope{UserID: 5, Username: "ad", Grants: []access.Grant{{UnitID: phong.ID, Path: phong.Path, Role: access.Admin}}}
		if _, err := s.Create(ctx, adminPhong, unit.Input{ParentID: so.ID, Kind: unit.Office, Code: "P2", Name: "Phòng khác"}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("office admin creating under the department: %v, want forbidden", err)
		}
		c := mustCreate(t, s, adminPhong, unit.Input{ParentID: phong.ID, Kind: unit.School, Code: "MN-C", Name: "Trường Mầm non Sen Hồng", Levels: []string{"MN"}})
		if _, err := s.Move(ctx, adminPhong, c.ID, c.Version, so.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("office admin moving a school out of the office: %v, want forbidden", err)
		}
		list, total, err := s.List(ctx, adminPhong, unit.Filter{})
		if err != nil || total != 4 {
			t.Fatalf("office admin list: %d units, err %v; want office + 3 schools", total, err)
		}
		if list[0].ID != phong.ID {
			t.Errorf("tree order starts with %s, want the office", list[0].Name)
		}
		if _, err := s.Get(ctx, adminPhong, so.ID); err != nil {
			t.Errorf("office admin sees its parent: %v", err)
		}
		schoolStaff := access.Scope{UserID: 6, Grants: []access.Grant{{UnitID: a.ID, Path: a.Path, Role: access.Staff}}}
		if _, err := s.Get(ctx, schoolStaff, b.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("school staff reading a sibling school: %v, want not found", err)
		}
		if got, _, _ := s.List(ctx, schoolStaff, unit.Filter{Query: "binh hoa"}); len(got) != 0 {
			t.Errorf("school staff search found a sibling: %v", got)
		}
		if got, _, _ := s.List(ctx, sys, unit.Filter{Query: "binh hoa"}); len(got) != 1 || got[0].ID != b.ID {
			t.Errorf("folded search 'binh hoa' = %v, want Bình Hòa", got)
		}

		// Move the office (with its schools) under a new ward: paths follow.
		ward := mustCreate(t, s, sys, unit.Input{Kind: unit.Ward, Code: "LT", Name: "Phường Lái Thiêu"})
		phong, _ = s.Get(ctx, sys, phong.ID)
		moved, err := s.Move(ctx, sys, phong.ID, phong.Version, ward.ID)
		if err != nil {
			t.Fatal(err)
		}
		a2, _ := s.Get(ctx, sys, a.ID)
		if a2.Path != moved.Path+itoa(a.ID)+"/" || a2.Depth != 2 {
			t.Errorf("after move, school path %q depth %d; want under %q", a2.Path, a2.Depth, moved.Path)
		}

		// Closing: refused while schools are open, accepted after.
		end := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
		if _, err := s.Close(ctx, sys, moved.ID, moved.Version, end); errs.FieldsOf(err)["valid_to"] == "" {
			t.Errorf("closing an office with open schools: %v", err)
		}
		for _, id := range []int64{a.ID, b.ID, c.ID} {
			u, _ := s.Get(ctx, sys, id)
			if _, err := s.Close(ctx, sys, id, u.Version, end); err != nil {
				t.Fatal(err)
			}
		}
		moved, _ = s.Get(ctx, sys, moved.ID)
		closed, err := s.Close(ctx, sys, moved.ID, moved.Version, end)
		if err != nil || closed.ValidTo == nil || closed.ValidTo.Format("02/01/2006") != "30/06/2025" {
			t.Fatalf("close: %+v, %v", closed, err)
		}
		if n, err := s.CountOpen(ctx, sys); err != nil || n != 2 {
			t.Errorf("CountOpen = %d, %v; want 2", n, err)
		}
		if _, total, _ := s.List(ctx, sys, unit.Filter{}); total != 2 {
			t.Errorf("open units today = %d, want 2 (department and ward)", total)
		}
		day := time.Date(2024, 9, 5, 0, 0, 0, 0, time.UTC)
		if _, total, _ := s.List(ctx, sys, unit.Filter{ActiveOn: &day}); total != 6 {
			t.Errorf("units on 05/09/2024 = %d, want 6", total)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
