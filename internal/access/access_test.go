package access

import (
	"reflect"
	"testing"
)

func TestScope(t *testing.T) {
	s := Scope{UserID: 1, Grants: []Grant{
		{UnitID: 2, Path: "/1/2/", Role: Officer},
		{UnitID: 5, Path: "/1/2/5/", Role: Leader},
		{UnitID: 9, Path: "/8/9/", Role: Viewer},
	}}
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"officer at own unit", s.Has("/1/2/", Officer), true},
		{"officer in child", s.Has("/1/2/5/6/", Officer), true},
		{"officer not at parent", s.Has("/1/", Officer), false},
		{"officer not at sibling", s.Has("/1/3/", Officer), false},
		{"prefix is by whole ids", s.Has("/1/22/", Officer), false},
		{"leader only below 5", s.Has("/1/2/", Leader), false},
		{"viewer reads its subtree", s.CanRead("/8/9/10/"), true},
		{"no role at all", s.CanRead("/7/"), false},
		{"sees ancestors", s.CanSeeUnit("/1/"), true},
		{"not siblings", s.CanSeeUnit("/1/3/"), false},
		{"not system admin", s.IsSystemAdmin(), false},
		{"system admin", System().IsSystemAdmin(), true},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	if got := s.Roots(); !reflect.DeepEqual(got, []string{"/1/2/", "/8/9/"}) {
		t.Errorf("Roots() = %v", got)
	}
	cond, args := s.Filter("u.path", 3, Officer, Leader)
	if cond != "(u.path LIKE $3)" || !reflect.DeepEqual(args, []any{"/1/2/%"}) {
		t.Errorf("Filter = %q %v", cond, args)
	}
	if cond, _ := s.Filter("u.path", 1, Admin); cond != "1 = 0" {
		t.Errorf("Filter without role = %q", cond)
	}
	if cond, _ := System().Filter("u.path", 1); cond != "1 = 1" {
		t.Errorf("system Filter = %q", cond)
	}
	dup := Scope{Grants: []Grant{{Path: "/1/", Role: Staff}, {Path: "/1/", Role: Viewer}}}
	if got := dup.Roots(); !reflect.DeepEqual(got, []string{"/1/"}) {
		t.Errorf("duplicate roots = %v", got)
	}
}
