package unit_test

import (
	"context"
	"slices"
	"testing"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/unit"
)

func TestRootsAndChildren(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s := &unit.Store{DB: db}
		sys := access.System()
		so := mustCreate(t, s, sys, unit.Input{Kind: unit.Department, Code: "SO", Name: "Sở Giáo dục và Đào tạo"})
		ban := mustCreate(t, s, sys, unit.Input{Kind: unit.Board, Code: "BAN", Name: "Ban Thi đua - Khen thưởng"})
		p := mustCreate(t, s, sys, unit.Input{ParentID: so.ID, Kind: unit.Ward, Code: "P1", Name: "Phường Một"})
		b := mustCreate(t, s, sys, unit.Input{ParentID: p.ID, Kind: unit.School, Code: "TH-B", Name: "Trường Tiểu học Bình Hòa", Levels: []string{"TH"}})
		a := mustCreate(t, s, sys, unit.Input{ParentID: p.ID, Kind: unit.School, Code: "TH-A", Name: "Trường Tiểu học An Phú", Levels: []string{"TH"}})
		o := mustCreate(t, s, sys, unit.Input{ParentID: p.ID, Kind: unit.Office, Code: "VHXH", Name: "Phòng Văn hóa - Xã hội"})

		roots, err := s.RootIDs(ctx)
		if err != nil || !slices.Equal(roots, []int64{so.ID, ban.ID}) {
			t.Errorf("RootIDs = %v, %v; want %v", roots, err, []int64{so.ID, ban.ID})
		}
		names := func(us []unit.Unit) []string {
			var out []string
			for _, u := range us {
				out = append(out, u.Code)
			}
			return out
		}
		kids, err := s.Children(ctx, sys, p.ID)
		if err != nil || !slices.Equal(names(kids), []string{o.Code, a.Code, b.Code}) {
			t.Errorf("children of the ward = %v, %v; want the office, then the schools by name", names(kids), err)
		}
		// A school's staff sees its own school below the ward, not the others.
		staffA := access.Scope{UserID: 9, Grants: []access.Grant{{UnitID: a.ID, Path: a.Path, Role: access.Staff}}}
		if kids, _ := s.Children(ctx, staffA, p.ID); !slices.Equal(names(kids), []string{a.Code}) {
			t.Errorf("children of the ward for school A's staff = %v", names(kids))
		}
		if kids, _ := s.Children(ctx, access.Scope{}, p.ID); len(kids) != 0 {
			t.Errorf("the public sees children %v", names(kids))
		}
	})
}
