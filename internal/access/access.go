// Package access resolves what a caller may do. A Scope is built once per
// request from the caller's role grants and handed to every store method, so
// queries are filtered by the caller's subtrees below the handlers: a handler
// that forgets a check still cannot read another unit's data.
package access

import (
	"fmt"
	"strings"
)

// Role is what a user may do at a unit and in its whole subtree.
type Role string

const (
	Admin   Role = "admin"   // quản trị: units, accounts, imports in the subtree
	Leader  Role = "leader"  // lãnh đạo: signs and submits on behalf of the unit
	Officer Role = "officer" // cán bộ phụ trách thi đua: runs rounds, reviews, compliance
	Staff   Role = "staff"   // cán bộ, giáo viên, nhân viên: drafts and logs
	Viewer  Role = "viewer"  // xem
)

// Roles lists every role, most powerful first.
var Roles = []Role{Admin, Leader, Officer, Staff, Viewer}

// Label is the Vietnamese name of a role.
func (r Role) Label() string {
	switch r {
	case Admin:
		return "Quản trị"
	case Leader:
		return "Lãnh đạo"
	case Officer:
		return "Cán bộ phụ trách thi đua"
	case Staff:
		return "Cán bộ, giáo viên, nhân viên"
	case Viewer:
		return "Chỉ xem"
	}
	return string(r)
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// SystemPath is the path of a system-wide grant: every unit path starts with it.
const SystemPath = "/"

// Grant is one role held at one unit (UnitID 0: the whole system).
type Grant struct {
	ID       int64
	UnitID   int64
	UnitName string
	Path     string // the unit's path, "/1/7/"; SystemPath for system-wide
	Role     Role
}

// Scope is the caller: who they are and what they hold. The zero Scope is
// the anonymous public, which holds nothing.
type Scope struct {
	UserID   int64
	Username string
	UnitID   int64 // the user's home unit
	Grants   []Grant
}

// System is the scope of the command line and of background work: the
// whole system, as administrator.
func System() Scope {
	return Scope{Username: "system", Grants: []Grant{{Path: SystemPath, Role: Admin}}}
}

// LoggedIn reports whether the scope is a user's.
func (s Scope) LoggedIn() bool { return s.UserID != 0 || s.Username == "system" }

// Within reports whether path lies in the subtree rooted at root.
func Within(path, root string) bool { return strings.HasPrefix(path, root) }

// Has reports whether the caller holds one of roles at the unit with this
// path (a role at an ancestor counts).
func (s Scope) Has(path string, roles ...Role) bool {
	for _, g := range s.Grants {
		if Within(path, g.Path) && (len(roles) == 0 || contains(roles, g.Role)) {
			return true
		}
	}
	return false
}

// CanRead reports whether the caller may see the unit at path: any role in
// its subtree reaches it.
func (s Scope) CanRead(path string) bool { return s.Has(path) }

// CanSeeUnit reports whether the caller may see a unit's name and place:
// units in their subtrees, and the ancestors of the units they hold roles at
// (a school sees the office and department above it).
func (s Scope) CanSeeUnit(path string) bool {
	for _, g := range s.Grants {
		if Within(path, g.Path) || Within(g.Path, path) {
			return true
		}
	}
	return false
}

// IsSystemAdmin reports whether the caller administers the whole system.
func (s Scope) IsSystemAdmin() bool {
	for _, g := range s.Grants {
		if g.Path == SystemPath && g.Role == Admin {
			return true
		}
	}
	return false
}

// HasAny reports whether the caller holds any of roles anywhere.
func (s Scope) HasAny(roles ...Role) bool {
	for _, g := range s.Grants {
		if contains(roles, g.Role) {
			return true
		}
	}
	return false
}

// Roots returns the paths of the caller's subtrees for the given roles (all
// roles when none are given), with nested ones removed.
func (s Scope) Roots(roles ...Role) []string {
	var out []string
	for _, g := range s.Grants {
		if len(roles) > 0 && !contains(roles, g.Role) {
			continue
		}
		out = append(out, g.Path)
	}
	// Drop paths inside another path of the list.
	var roots []string
	for i, p := range out {
		inner := false
		for j, q := range out {
			if i != j && Within(p, q) && (p != q || j < i) {
				inner = true
				break
			}
		}
		if !inner {
			roots = append(roots, p)
		}
	}
	return roots
}

// Filter returns an SQL condition restricting col (a unit path column) to the
// caller's subtrees for roles, with its arguments numbered from argN. A caller
// without such roles gets a condition that is always false.
func (s Scope) Filter(col string, argN int, roles ...Role) (string, []any) {
	roots := s.Roots(roles...)
	if len(roots) == 0 {
		return "1 = 0", nil
	}
	for _, r := range roots {
		if r == SystemPath {
			return "1 = 1", nil
		}
	}
	parts := make([]string, len(roots))
	args := make([]any, len(roots))
	for i, r := range roots {
		parts[i] = fmt.Sprintf("%s LIKE $%d", col, argN+i)
		args[i] = r + "%"
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

func contains(roles []Role, r Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}
