package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/unit"
)

// The authorization walk: every caller (each role held at the caller's own
// unit O, a user with no role, and the anonymous public) against every
// registered route, aimed at O itself, at O's child C, at O's sibling S and
// at O's parent P. The tree is
//
//	R (department) → P (office) → O (ward) → C (school)
//	                            │          ↘ D (school, for C's staff)
//	                            ↘ S (ward)
//
// Unit routes aim at those units; account routes aim at an account whose
// home unit is that unit; create and import routes create under (or at) it.
// Every case runs with a fresh session; an allowed case must succeed (2xx,
// or 303 anywhere but the login page) and a refused one must answer 403 or
// 404 (never 2xx, 303 or 5xx) and change nothing. The anonymous public is
// sent to /login (pages) or answered 401 problem+json (API) on every route
// that is not Public.

// who is a caller of the walk: a role held at O, or one of the two below.
type who string

const (
	anon   who = "anonymous"
	noRole who = "no-role"
)

// whos lists every caller of the walk, most powerful first.
func whos() []who {
	out := make([]who, 0, len(access.Roles)+2)
	for _, r := range access.Roles {
		out = append(out, who(r))
	}
	return append(out, noRole, anon)
}

// rel is where a request aims, relative to the caller's own unit O.
type rel string

const (
	own     rel = "own"
	child   rel = "child"
	sibling rel = "sibling"
	parent  rel = "parent"
)

var rels = []rel{own, child, sibling, parent}

// rule says whether w may use a route aimed at r.
type rule func(w who, r rel) bool

func hasRole(w who) bool { return w != anon && w != noRole }

var (
	// everyone: public routes, the anonymous included.
	everyone rule = func(who, rel) bool { return true }
	// loggedIn: any logged-in user, with or without a role, aim irrelevant.
	loggedIn rule = func(w who, _ rel) bool { return w != anon }
	// anyAdmin: an administrator somewhere; the route does not aim at a unit.
	anyAdmin rule = func(w who, _ rel) bool { return w == who(access.Admin) }
	// adminBelow: an administrator of the target (own unit or below it).
	adminBelow rule = func(w who, r rel) bool { return w == who(access.Admin) && (r == own || r == child) }
	// adminMove: moving needs the administrator role at the unit and at its
	// destination; O's administrator can move C (under O again) but not O
	// itself, which could only go under P (not theirs) or into its own
	// subtree (a cycle).
	adminMove rule = func(w who, r rel) bool { return w == who(access.Admin) && r == child }
	// seesTree: any role reaches its subtree and sees the ancestors above
	// it, never a sibling's subtree.
	seesTree rule = func(w who, r rel) bool { return hasRole(w) && r != sibling }
	// systemAdmin: the whole-system administrator only, who is not among the
	// walk's callers (TestSystemAdminRoutes covers them).
	systemAdmin rule = func(who, rel) bool { return false }
)

// expectations is the authorization table: one rule per registered route.
// A route added without an entry here fails TestWalkTablesCoverRoutes.
var expectations = map[string]rule{
	// Operations, assets, login.
	"GET /healthz":             everyone,
	"GET /readyz":              everyone,
	"GET /metrics":             everyone,
	"GET /static/":             everyone,
	"GET /login":               everyone,
	"POST /login":              everyone,
	"GET /api/v1/openapi.json": everyone,
	"POST /api/v1/tokens":      everyone,

	// The caller's own session and account.
	"POST /logout":                  loggedIn,
	"GET /account/password":         loggedIn,
	"POST /account/password":        loggedIn,
	"DELETE /api/v1/tokens/current": loggedIn,
	"GET /api/v1/me":                loggedIn,
	// The to-do home page for users; the anonymous public goes to the portal.
	"GET /{$}": everyone,

	// Units: listings are scoped (TestScopedListings checks the content).
	"GET /units":                    loggedIn,
	"GET /api/v1/units":             loggedIn,
	"GET /units/{id}":               seesTree,
	"GET /api/v1/units/{id}":        seesTree,
	"GET /units/new":                anyAdmin,
	"POST /units":                   adminBelow,
	"POST /api/v1/units":            adminBelow,
	"GET /units/{id}/edit":          adminBelow,
	"POST /units/{id}/edit":         adminBelow,
	"PUT /api/v1/units/{id}":        adminBelow,
	"POST /units/{id}/move":         adminMove,
	"POST /api/v1/units/{id}/move":  adminMove,
	"POST /units/{id}/close":        adminBelow,
	"POST /api/v1/units/{id}/close": adminBelow,

	// Accounts: administrators, for accounts homed in their subtree
	// (TestAuthzSpecialCases covers one's own account).
	"GET /users":                              anyAdmin,
	"GET /api/v1/users":                       anyAdmin,
	"GET /users/new":                          anyAdmin,
	"POST /users":                             adminBelow,
	"POST /api/v1/users":                      adminBelow,
	"GET /users/{id}":                         adminBelow,
	"GET /api/v1/users/{id}":                  adminBelow,
	"POST /users/{id}/edit":                   adminBelow,
	"PUT /api/v1/users/{id}":                  adminBelow,
	"POST /users/{id}/active":                 adminBelow,
	"POST /api/v1/users/{id}/active":          adminBelow,
	"POST /users/{id}/password":               adminBelow,
	"POST /api/v1/users/{id}/password":        adminBelow,
	"GET /api/v1/users/{id}/roles":            adminBelow,
	"POST /users/{id}/roles":                  adminBelow,
	"POST /api/v1/users/{id}/roles":           adminBelow,
	"POST /users/{id}/roles/{grant}/delete":   adminBelow,
	"DELETE /api/v1/users/{id}/roles/{grant}": adminBelow,

	// Imports: administrators, creating units under a unit they administer.
	"GET /import": anyAdmin,
	// The empty template holds no data: any logged-in user may download it.
	"GET /import/template/{file}": loggedIn,
	"POST /import/preview":        adminBelow,
	"POST /import/apply":          adminBelow,
	"POST /api/v1/imports/{kind}": adminBelow,

	// Audit log: administrators (scoped to their subtrees).
	"GET /audit":        anyAdmin,
	"GET /api/v1/audit": anyAdmin,

	// Background work and mail: the system administrator only.
	"GET /admin/jobs":              systemAdmin,
	"POST /admin/jobs/{id}/retry":  systemAdmin,
	"GET /admin/outbox":            systemAdmin,
	"GET /api/v1/jobs":             systemAdmin,
	"POST /api/v1/jobs/{id}/retry": systemAdmin,
	"GET /api/v1/outbox":           systemAdmin,
}

// call is one concrete request of the walk.
type call struct {
	id, grant int64             // values for {id} and {grant}
	params    map[string]string // values for the route's other wildcards ({slug}, {sha}…)
	query     string            // appended to the path
	form      url.Values        // page body (the walker adds the caller's csrf)
	multipart func(csrf string) ([]byte, string)
	json      any    // API body
	raw       []byte // raw API body (uploads)
	shows     string // text an allowed answer holds and a refused one must not
	// state reads what the request may change. The walker requires it
	// unchanged when the request is refused (and always, unless mutates),
	// and changed when an allowed request mutates.
	state      func() string
	mutates    bool
	alsoDenied []int // statuses that also count as a refusal (an import's row errors)
	onAllowed  func()
}

// walkCase is who calls, with which fresh session, aiming where.
type walkCase struct {
	w     who
	c     *caller // nil for the anonymous
	token string  // a fresh session of the caller (web or API)
	csrf  string  // its CSRF token (web)
	r     rel
}

type builder func(f *walkFixture, k walkCase) call

// walkRequests says how to call each route so that an allowed call
// succeeds and repeating it is harmless. One entry per route, like
// expectations.
var walkRequests = map[string]builder{
	"GET /healthz":             plain,
	"GET /readyz":              plain,
	"GET /metrics":             plain,
	"GET /static/":             plain,
	"GET /login":               plain,
	"GET /api/v1/openapi.json": plain,
	"POST /login": func(f *walkFixture, k walkCase) call {
		return call{form: url.Values{"username": {f.login.Username}, "password": {testPassword}, "next": {"/units"}}}
	},
	"POST /api/v1/tokens": func(f *walkFixture, k walkCase) call {
		return call{json: tokenRequest{Username: f.login.Username, Password: testPassword}}
	},

	"POST /logout": func(f *walkFixture, k walkCase) call {
		return call{form: url.Values{}, state: f.sessionAlive(k.token, account.Web), mutates: true}
	},
	"DELETE /api/v1/tokens/current": func(f *walkFixture, k walkCase) call {
		return call{state: f.sessionAlive(k.token, account.API), mutates: true}
	},
	"GET /account/password": plain,
	"POST /account/password": func(f *walkFixture, k walkCase) call {
		if k.c == nil {
			return call{form: url.Values{"current": {testPassword}, "password": {"Mat-khau-moi-1"}, "password2": {"Mat-khau-moi-1"}}}
		}
		next := fmt.Sprintf("Mat-khau-moi-%d", f.next())
		return call{form: url.Values{"current": {k.c.password}, "password": {next}, "password2": {next}},
			state: f.passwordHash(k.c.user.ID), mutates: true, onAllowed: func() { k.c.password = next }}
	},
	"GET /api/v1/me": plain,
	"GET /{$}":       plain,

	"GET /units":        plain,
	"GET /api/v1/units": plain,
	"GET /units/new":    plain,
	"POST /units": func(f *walkFixture, k walkCase) call {
		code := f.code()
		return call{form: url.Values{"parent_id": {idstr(f.unit[k.r].ID)}, "kind": {string(unit.Other)}, "code": {code},
			"name": {"Đơn vị thử " + code}, "valid_to": {"2099-12-31"}}, state: f.unitExists(code), mutates: true}
	},
	"POST /api/v1/units": func(f *walkFixture, k walkCase) call {
		code := f.code()
		return call{json: unitBody{ParentID: f.unit[k.r].ID, Kind: unit.Other, Code: code, Name: "Đơn vị thử " + code, ValidTo: "2099-12-31"},
			state: f.unitExists(code), mutates: true}
	},
	"GET /units/{id}":        unitTarget,
	"GET /api/v1/units/{id}": unitTarget,
	"GET /units/{id}/edit":   unitTarget,
	"POST /units/{id}/edit": func(f *walkFixture, k walkCase) call {
		u := f.currentUnit(k.r)
		return call{id: u.ID, form: unitForm(u), state: f.unitVersion(u.ID), mutates: true}
	},
	"PUT /api/v1/units/{id}": func(f *walkFixture, k walkCase) call {
		u := f.currentUnit(k.r)
		return call{id: u.ID, json: unitBody{Version: u.Version, Kind: u.Kind, Code: u.Code, Name: u.Name, ShortName: u.ShortName,
			Levels: u.Levels, RunsRounds: u.RunsRounds, ValidTo: "2099-12-31"}, state: f.unitVersion(u.ID), mutates: true}
	},
	"POST /units/{id}/move": func(f *walkFixture, k walkCase) call {
		u := f.currentUnit(k.r)
		return call{id: u.ID, form: url.Values{"version": {strconv.Itoa(u.Version)}, "parent_id": {idstr(u.ParentID)}},
			state: f.unitVersion(u.ID), mutates: true}
	},
	"POST /api/v1/units/{id}/move": func(f *walkFixture, k walkCase) call {
		u := f.currentUnit(k.r)
		return call{id: u.ID, json: unitBody{Version: u.Version, ParentID: u.ParentID}, state: f.unitVersion(u.ID), mutates: true}
	},
	"POST /units/{id}/close": func(f *walkFixture, k walkCase) call {
		u := f.currentUnit(k.r)
		return call{id: u.ID, form: url.Values{"version": {strconv.Itoa(u.Version)}, "valid_to": {"2099-12-31"}},
			state: f.unitVersion(u.ID), mutates: true}
	},
	"POST /api/v1/units/{id}/close": func(f *walkFixture, k walkCase) call {
		u := f.currentUnit(k.r)
		return call{id: u.ID, json: unitBody{Version: u.Version, ValidTo: "2099-12-31"}, state: f.unitVersion(u.ID), mutates: true}
	},

	"GET /users":        plain,
	"GET /api/v1/users": plain,
	"GET /users/new":    plain,
	"POST /users": func(f *walkFixture, k walkCase) call {
		name := f.username()
		return call{form: url.Values{"username": {name}, "ten": {"Thử"}, "unit_id": {idstr(f.unit[k.r].ID)}, "password": {testPassword},
			"must_change": {"1"}, "role": {string(access.Viewer)}}, state: f.userExists(name), mutates: true}
	},
	"POST /api/v1/users": func(f *walkFixture, k walkCase) call {
		name := f.username()
		return call{json: userBody{Username: name, Ten: "Thử", UnitID: f.unit[k.r].ID, Password: testPassword},
			state: f.userExists(name), mutates: true}
	},
	"GET /users/{id}":        userTarget,
	"GET /api/v1/users/{id}": userTarget,
	"GET /api/v1/users/{id}/roles": func(f *walkFixture, k walkCase) call {
		u := f.target[k.r]
		f.freshGrant(u) // so that an allowed answer has a role to show
		return call{id: u.ID, shows: `"unit_name": "` + f.unit[k.r].Name + `"`}
	},
	"POST /users/{id}/edit": func(f *walkFixture, k walkCase) call {
		u := f.currentUser(k.r)
		return call{id: u.ID, form: userForm(u), state: f.userVersion(u.ID), mutates: true}
	},
	"PUT /api/v1/users/{id}": func(f *walkFixture, k walkCase) call {
		u := f.currentUser(k.r)
		return call{id: u.ID, json: userBody{Version: u.Version, Username: u.Username, Ho: u.Ho, Dem: u.Dem, Ten: u.Ten, UnitID: u.UnitID},
			state: f.userVersion(u.ID), mutates: true}
	},
	"POST /users/{id}/active": func(f *walkFixture, k walkCase) call {
		u := f.currentUser(k.r)
		return call{id: u.ID, form: url.Values{"version": {strconv.Itoa(u.Version)}, "active": {"1"}}, state: f.userVersion(u.ID), mutates: true}
	},
	"POST /api/v1/users/{id}/active": func(f *walkFixture, k walkCase) call {
		u := f.currentUser(k.r)
		yes := true
		return call{id: u.ID, json: userBody{Version: u.Version, Active: &yes}, state: f.userVersion(u.ID), mutates: true}
	},
	"POST /users/{id}/password": func(f *walkFixture, k walkCase) call {
		u := f.target[k.r]
		return call{id: u.ID, form: url.Values{"password": {"Dat-lai-mat-khau-9"}}, state: f.userVersion(u.ID), mutates: true}
	},
	"POST /api/v1/users/{id}/password": func(f *walkFixture, k walkCase) call {
		u := f.target[k.r]
		return call{id: u.ID, json: userBody{Password: "Dat-lai-mat-khau-9"}, state: f.userVersion(u.ID), mutates: true}
	},
	"POST /users/{id}/roles": func(f *walkFixture, k walkCase) call {
		u := f.target[k.r]
		f.clearRoles(u.ID)
		return call{id: u.ID, form: url.Values{"role": {string(access.Viewer)}, "role_unit_id": {idstr(u.UnitID)}},
			state: f.roleCount(u.ID), mutates: true}
	},
	"POST /api/v1/users/{id}/roles": func(f *walkFixture, k walkCase) call {
		u := f.target[k.r]
		f.clearRoles(u.ID)
		return call{id: u.ID, json: grantBody{UnitID: u.UnitID, Role: access.Viewer}, state: f.roleCount(u.ID), mutates: true}
	},
	"POST /users/{id}/roles/{grant}/delete": func(f *walkFixture, k walkCase) call {
		u := f.target[k.r]
		return call{id: u.ID, grant: f.freshGrant(u), form: url.Values{}, state: f.roleCount(u.ID), mutates: true}
	},
	"DELETE /api/v1/users/{id}/roles/{grant}": func(f *walkFixture, k walkCase) call {
		u := f.target[k.r]
		return call{id: u.ID, grant: f.freshGrant(u), state: f.roleCount(u.ID), mutates: true}
	},

	"GET /import":                 plain,
	"GET /import/template/{file}": plain,
	"POST /import/preview": func(f *walkFixture, k walkCase) call {
		code := f.code()
		csv := unitCSV(code, f.unit[k.r].Code)
		return call{multipart: func(csrf string) ([]byte, string) {
			return multipartBody(f.t, map[string]string{"csrf": csrf, "kind": "units"}, "file", "units.csv", csv)
		}, state: f.unitExists(code), alsoDenied: []int{http.StatusUnprocessableEntity}}
	},
	"POST /import/apply": func(f *walkFixture, k walkCase) call {
		code := f.code()
		file, err := f.files.Put(context.Background(), bytes.NewReader(unitCSV(code, f.unit[k.r].Code)), importKinds)
		if err != nil {
			f.t.Fatal(err)
		}
		return call{form: url.Values{"kind": {"units"}, "sha": {file.SHA256}, "filename": {"units.csv"}},
			state: f.unitExists(code), mutates: true, alsoDenied: []int{http.StatusUnprocessableEntity}}
	},
	"POST /api/v1/imports/{kind}": func(f *walkFixture, k walkCase) call {
		code := f.code()
		return call{raw: unitCSV(code, f.unit[k.r].Code), query: "apply=1&filename=units.csv",
			state: f.unitExists(code), mutates: true, alsoDenied: []int{http.StatusUnprocessableEntity}}
	},

	"GET /audit":        plain,
	"GET /api/v1/audit": plain,

	"GET /admin/jobs":              plain,
	"GET /admin/outbox":            plain,
	"GET /api/v1/jobs":             plain,
	"GET /api/v1/outbox":           plain,
	"POST /admin/jobs/{id}/retry":  jobTarget,
	"POST /api/v1/jobs/{id}/retry": jobTarget,
}

func plain(*walkFixture, walkCase) call { return call{} }

func unitTarget(f *walkFixture, k walkCase) call {
	return call{id: f.unit[k.r].ID, shows: f.unit[k.r].Code}
}

func userTarget(f *walkFixture, k walkCase) call {
	return call{id: f.target[k.r].ID, shows: f.target[k.r].Username}
}

func jobTarget(f *walkFixture, k walkCase) call {
	return call{id: f.job, form: url.Values{}, state: f.jobStatus(f.job), mutates: true}
}

func idstr(id int64) string { return strconv.FormatInt(id, 10) }

// unitCSV is an import file creating one unit, code, under parentCode.
func unitCSV(code, parentCode string) []byte {
	return []byte("Mã đơn vị,Tên đơn vị,Tên viết tắt,Loại đơn vị,Mã đơn vị cấp trên,Cấp học,Hiệu lực từ,Hiệu lực đến\n" +
		code + ",Đơn vị nhập " + code + ",,Khác," + parentCode + ",,,31/12/2099\n")
}

// caller is one of the walk's logged-in users.
type caller struct {
	user     account.User
	password string
}

// walkFixture is the tree, the callers and the targets of the walk.
type walkFixture struct {
	*testEnv
	t      testing.TB
	unit   map[rel]unit.Unit    // target units
	target map[rel]account.User // target accounts, at the target units
	caller map[who]*caller
	login  account.User // a spare account used by the login routes
	sys    account.User // the system administrator
	pview  account.User // a viewer at P (sees the sibling)
	cstaff account.User // a staff member of school C
	school unit.Unit    // D, a second school under O (C's sibling)
	root   unit.Unit
	job    int64 // a failed job
	seq    int
}

func newWalkFixture(t testing.TB, db *database.DB) *walkFixture {
	t.Helper()
	e := newEnv(t, db, 0, Options{})
	f := &walkFixture{testEnv: e, t: t, unit: map[rel]unit.Unit{}, target: map[rel]account.User{}, caller: map[who]*caller{}}
	f.root = e.mkUnit(t, nil, unit.Department, "R-SO", "Sở Giáo dục và Đào tạo thử")
	f.unit[parent] = e.mkUnit(t, &f.root, unit.Office, "P-PHONG", "Phòng Giáo dục thử")
	f.unit[own] = e.mkUnit(t, ptr(f.unit[parent]), unit.Ward, "O-PHUONG", "Phường Một")
	f.unit[sibling] = e.mkUnit(t, ptr(f.unit[parent]), unit.Ward, "S-PHUONG", "Phường Hai")
	f.unit[child] = e.mkUnit(t, ptr(f.unit[own]), unit.School, "C-TRUONG", "Trường Tiểu học Một", "TH")
	f.school = e.mkUnit(t, ptr(f.unit[own]), unit.School, "D-TRUONG", "Trường Tiểu học Hai", "TH")
	for _, r := range rels {
		f.target[r] = e.mkUser(t, "t-"+string(r), f.unit[r].ID, false)
	}
	o := f.unit[own].ID
	for _, role := range access.Roles {
		f.caller[who(role)] = &caller{user: e.mkUser(t, "c-"+string(role), o, false, roleAt{role, o}), password: testPassword}
	}
	f.caller[noRole] = &caller{user: e.mkUser(t, "c-none", o, false), password: testPassword}
	f.login = e.mkUser(t, "login-user", f.root.ID, false)
	f.sys = e.mkUser(t, "sysadmin", f.root.ID, false, roleAt{access.Admin, 0})
	f.pview = e.mkUser(t, "p-viewer", f.unit[parent].ID, false, roleAt{access.Viewer, f.unit[parent].ID})
	f.cstaff = e.mkUser(t, "c-school-staff", f.unit[child].ID, false, roleAt{access.Staff, f.unit[child].ID})
	f.job = f.failedJob()
	return f
}

func ptr[T any](v T) *T { return &v }

// failedJob enqueues a job and marks it failed, so that it may be retried.
func (f *walkFixture) failedJob() int64 {
	ctx := context.Background()
	id, err := f.jobs.Enqueue(ctx, "test.noop", nil)
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.db.W.ExecContext(ctx, "UPDATE jobs SET status = 'failed', attempts = 5, last_error = 'boom' WHERE id = $1", id); err != nil {
		f.t.Fatal(err)
	}
	return id
}

func (f *walkFixture) next() int { f.seq++; return f.seq }

func (f *walkFixture) code() string { return fmt.Sprintf("W%04d", f.next()) }

func (f *walkFixture) username() string { return fmt.Sprintf("walk%04d", f.next()) }

func (f *walkFixture) currentUnit(r rel) unit.Unit {
	u, err := f.units.Get(context.Background(), access.System(), f.unit[r].ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

func (f *walkFixture) currentUser(r rel) account.User {
	u, err := f.accounts.Get(context.Background(), access.System(), f.target[r].ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

func (f *walkFixture) clearRoles(userID int64) {
	if _, err := f.db.W.ExecContext(context.Background(), "DELETE FROM roles WHERE user_id = $1", userID); err != nil {
		f.t.Fatal(err)
	}
}

// freshGrant gives u the viewer role at their home unit (alone) and returns
// the grant's id.
func (f *walkFixture) freshGrant(u account.User) int64 {
	f.clearRoles(u.ID)
	g, err := f.accounts.Grant(context.Background(), access.System(), u.ID, u.UnitID, access.Viewer)
	if err != nil {
		f.t.Fatal(err)
	}
	return g.ID
}

// query returns a state reader for a one-value query.
func (f *walkFixture) query(q string, args ...any) func() string {
	return func() string {
		var v any
		if err := f.db.R.QueryRowContext(context.Background(), q, args...).Scan(&v); err != nil {
			return "error: " + err.Error()
		}
		return fmt.Sprint(v)
	}
}

func (f *walkFixture) unitVersion(id int64) func() string {
	return f.query("SELECT version FROM units WHERE id = $1", id)
}

func (f *walkFixture) unitExists(code string) func() string {
	return f.query("SELECT COUNT(*) FROM units WHERE code = $1", code)
}

func (f *walkFixture) userVersion(id int64) func() string {
	return f.query("SELECT version FROM users WHERE id = $1", id)
}

func (f *walkFixture) userExists(username string) func() string {
	return f.query("SELECT COUNT(*) FROM users WHERE username = $1", username)
}

func (f *walkFixture) roleCount(userID int64) func() string {
	return f.query("SELECT COUNT(*) FROM roles WHERE user_id = $1", userID)
}

func (f *walkFixture) passwordHash(userID int64) func() string {
	return f.query("SELECT password_hash FROM users WHERE id = $1", userID)
}

func (f *walkFixture) jobStatus(id int64) func() string {
	return f.query("SELECT status FROM jobs WHERE id = $1", id)
}

func (f *walkFixture) sessionAlive(token, kind string) func() string {
	return func() string {
		if _, err := f.accounts.Resolve(context.Background(), token, kind); err != nil {
			return "ended"
		}
		return "alive"
	}
}

// request turns a call into an HTTP request for route rt.
func (f *walkFixture) request(t testing.TB, rt Route, k walkCase, c call) *http.Request {
	t.Helper()
	path := rt.Path
	switch path {
	case "/{$}":
		path = "/"
	case "/static/":
		path = assetURL("app.css")
	}
	if strings.Contains(path, "{id}") && c.id == 0 {
		t.Fatalf("%s: the walk gives no {id}", rt.Pattern())
	}
	for k, v := range c.params {
		path = strings.ReplaceAll(path, "{"+k+"}", v)
	}
	path = strings.NewReplacer("{id}", idstr(c.id), "{grant}", idstr(c.grant), "{kind}", "units", "{file}", "units.xlsx").Replace(path)
	if c.query != "" {
		path += "?" + c.query
	}
	if rt.API() {
		if c.raw != nil {
			r := httptest.NewRequest(rt.Method, path, bytes.NewReader(c.raw))
			r.Header.Set("Content-Type", "text/csv")
			if k.token != "" {
				r.Header.Set("Authorization", "Bearer "+k.token)
			}
			return r
		}
		return apiReq(t, rt.Method, path, k.token, c.json)
	}
	csrf := k.csrf
	if c.multipart != nil {
		body, ct := c.multipart(csrf)
		r := httptest.NewRequest(rt.Method, path, bytes.NewReader(body))
		r.Header.Set("Content-Type", ct)
		if k.token != "" {
			r.AddCookie(&http.Cookie{Name: SessionCookie, Value: k.token})
		}
		return r
	}
	form := c.form
	if rt.Method != http.MethodGet && form == nil {
		form = url.Values{}
	}
	if form != nil && csrf != "" {
		form = cloneValues(form)
		form.Set("csrf", csrf)
	}
	return pageReq(rt.Method, path, k.token, form)
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, x := range v {
		out[k] = append([]string(nil), x...)
	}
	return out
}

// outcome classifies a response for the report.
func outcome(w *httptest.ResponseRecorder) string {
	s := strconv.Itoa(w.Code)
	if loc := w.Header().Get("Location"); loc != "" {
		s += " → " + loc
	}
	return s
}

var alertRE = regexp.MustCompile(`(?s)<title>(.*?)</title>|role="alert">(.*?)</`)

// snippet is what a failure report shows of a body: the page's title and
// alerts, or the start of a JSON answer.
func snippet(w *httptest.ResponseRecorder) string {
	b := w.Body.String()
	if !strings.Contains(w.Header().Get("Content-Type"), "html") {
		if len(b) > 300 {
			b = b[:300]
		}
		return b
	}
	var parts []string
	for _, m := range alertRE.FindAllStringSubmatch(b, 4) {
		parts = append(parts, strings.TrimSpace(m[1]+m[2]))
	}
	return strings.Join(parts, " | ")
}

// walkRoute runs every case of one route and reports every wrong answer.
func (f *walkFixture) walkRoute(t *testing.T, rt Route) {
	allow, build := expectations[rt.Pattern()], walkRequests[rt.Pattern()]
	if allow == nil || build == nil {
		t.Fatalf("no walk entry for %s", rt.Pattern())
	}
	for _, w := range whos() {
		for _, r := range rels {
			k := walkCase{w: w, r: r, c: f.caller[w]}
			if k.c != nil {
				kind := account.Web
				if rt.API() {
					kind = account.API
				}
				k.token, k.csrf = f.session(t, k.c.user.ID, kind)
			}
			c := build(f, k)
			before := ""
			if c.state != nil {
				before = c.state()
			}
			res := f.serve(f.request(t, rt, k, c))
			after := ""
			if c.state != nil {
				after = c.state()
			}
			f.judge(t, rt, k, c, allow(w, r), res, before, after)
		}
	}
}

// judge checks one answer against the expectation.
func (f *walkFixture) judge(t *testing.T, rt Route, k walkCase, c call, allowed bool, res *httptest.ResponseRecorder, before, after string) {
	t.Helper()
	name := fmt.Sprintf("%s as %s aiming at %s", rt.Pattern(), k.w, k.r)
	st, loc := res.Code, res.Header().Get("Location")
	if st >= 500 {
		t.Errorf("%s: server error %s: %s", name, outcome(res), snippet(res))
		return
	}
	loginRedirect := st == http.StatusSeeOther && strings.HasPrefix(loc, "/login?next=")
	switch {
	case allowed:
		if !(st >= 200 && st < 300 || st == http.StatusSeeOther && !loginRedirect) {
			t.Errorf("%s: want allowed (2xx or 303), got %s: %s", name, outcome(res), snippet(res))
		} else if c.onAllowed != nil {
			c.onAllowed()
		}
		if c.shows != "" && !strings.Contains(res.Body.String(), c.shows) {
			t.Errorf("%s: allowed (%s) but the answer lacks %q", name, outcome(res), c.shows)
		}
		if c.state != nil && c.mutates && before == after {
			t.Errorf("%s: allowed (%s) but nothing changed (state %q)", name, outcome(res), before)
		}
	case k.w == anon && rt.Access != Public:
		if rt.API() {
			if st != http.StatusUnauthorized || res.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s: want 401 problem+json, got %s (%s)", name, outcome(res), res.Header().Get("Content-Type"))
			}
		} else if !loginRedirect {
			t.Errorf("%s: want 303 to /login?next=…, got %s", name, outcome(res))
		}
	default:
		if st != http.StatusForbidden && st != http.StatusNotFound && !slices.Contains(c.alsoDenied, st) {
			t.Errorf("%s: want forbidden (403 or 404), got %s: %s", name, outcome(res), snippet(res))
		}
	}
	if !allowed && c.shows != "" && strings.Contains(res.Body.String(), c.shows) {
		t.Errorf("%s: refused (%s) but the answer shows %q", name, outcome(res), c.shows)
	}
	if c.state != nil && (!allowed || !c.mutates) && before != after {
		t.Errorf("%s: refused or read-only (%s) but the state changed from %q to %q", name, outcome(res), before, after)
	}
}

// missingAndStale compares the routing table with a walk table.
func missingAndStale[T any](routes []Route, table map[string]T) (missing, stale []string) {
	have := map[string]bool{}
	for _, rt := range routes {
		have[rt.Pattern()] = true
		if _, ok := table[rt.Pattern()]; !ok {
			missing = append(missing, rt.Pattern())
		}
	}
	for p := range table {
		if !have[p] {
			stale = append(stale, p)
		}
	}
	sort.Strings(stale)
	return missing, stale
}

// TestWalkTablesCoverRoutes fails when a route has no entry in the
// authorization table (or in the walk's request table), or an entry names
// a route that no longer exists.
func TestWalkTablesCoverRoutes(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t), 0, Options{})
	routes := e.srv.Routes()
	if len(routes) < 50 {
		t.Fatalf("only %d routes registered", len(routes))
	}
	if missing, stale := missingAndStale(routes, expectations); len(missing)+len(stale) > 0 {
		t.Errorf("expectations: routes without an authorization rule: %q; rules for unregistered routes: %q", missing, stale)
	}
	if missing, stale := missingAndStale(routes, walkRequests); len(missing)+len(stale) > 0 {
		t.Errorf("walkRequests: routes the walk cannot call: %q; entries for unregistered routes: %q", missing, stale)
	}
}

// TestAuthorizationWalk walks every caller × every route × own, child,
// sibling and parent, on SQLite and on PostgreSQL when available.
func TestAuthorizationWalk(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newWalkFixture(t, db)
		routes := f.srv.Routes()
		if missing, stale := missingAndStale(routes, expectations); len(missing)+len(stale) > 0 {
			t.Fatalf("the authorization table is out of step with the routes: missing %q, stale %q", missing, stale)
		}
		if missing, stale := missingAndStale(routes, walkRequests); len(missing)+len(stale) > 0 {
			t.Fatalf("the walk's request table is out of step with the routes: missing %q, stale %q", missing, stale)
		}
		for _, rt := range routes {
			t.Run(rt.Pattern(), func(t *testing.T) { f.walkRoute(t, rt) })
		}
	})
}

// codesOf lists the unit codes of an API unit listing.
func codesOf(t testing.TB, w *httptest.ResponseRecorder) []string {
	t.Helper()
	if w.Code != http.StatusOK {
		t.Fatalf("listing: %s: %s", outcome(w), w.Body.String())
	}
	var l list[unitJSON]
	decode(t, w, &l)
	if l.Total != len(l.Items) {
		t.Errorf("total %d but %d items", l.Total, len(l.Items))
	}
	var out []string
	for _, u := range l.Items {
		out = append(out, u.Code)
	}
	return out
}

// TestScopedListings checks that listings open to every logged-in user
// hold only what the caller's scope reaches.
func TestScopedListings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newWalkFixture(t, db)
		staff := f.caller[who(access.Staff)].user
		admin := f.caller[who(access.Admin)].user
		none := f.caller[noRole].user
		sibCode, ownCode, kidCode := f.unit[sibling].Code, f.unit[own].Code, f.unit[child].Code

		// Pages.
		for _, tc := range []struct {
			name       string
			user       int64
			has, hasnt []string
		}{
			{"staff at O", staff.ID, []string{ownCode, kidCode, f.school.Code}, []string{sibCode}},
			{"viewer at P", f.pview.ID, []string{ownCode, kidCode, sibCode}, nil},
			{"no role", none.ID, nil, []string{ownCode, kidCode, sibCode}},
		} {
			tok, _ := f.session(t, tc.user, account.Web)
			w := f.serve(pageReq("GET", "/units", tok, nil))
			if w.Code != http.StatusOK {
				t.Fatalf("%s: GET /units: %s", tc.name, outcome(w))
			}
			for _, c := range tc.has {
				if !strings.Contains(w.Body.String(), c) {
					t.Errorf("%s: GET /units lacks %s", tc.name, c)
				}
			}
			for _, c := range tc.hasnt {
				if strings.Contains(w.Body.String(), c) {
					t.Errorf("%s: GET /units shows %s, outside the caller's scope", tc.name, c)
				}
			}
		}

		// API.
		tok, _ := f.session(t, staff.ID, account.API)
		got := codesOf(t, f.serve(apiReq(t, "GET", "/api/v1/units", tok, nil)))
		sort.Strings(got)
		if want := []string{kidCode, f.school.Code, ownCode}; !slices.Equal(got, sortedCopy(want)) {
			t.Errorf("staff at O: GET /api/v1/units = %v, want %v", got, sortedCopy(want))
		}
		tok, _ = f.session(t, f.pview.ID, account.API)
		if got := codesOf(t, f.serve(apiReq(t, "GET", "/api/v1/units", tok, nil))); !slices.Contains(got, sibCode) || !slices.Contains(got, ownCode) {
			t.Errorf("viewer at P: GET /api/v1/units = %v, want both wards", got)
		}
		tok, _ = f.session(t, none.ID, account.API)
		if got := codesOf(t, f.serve(apiReq(t, "GET", "/api/v1/units", tok, nil))); len(got) != 0 {
			t.Errorf("no role: GET /api/v1/units = %v, want nothing", got)
		}
		// under= a unit outside the scope is not found, not an empty list.
		tok, _ = f.session(t, staff.ID, account.API)
		if w := f.serve(apiReq(t, "GET", "/api/v1/units?under="+idstr(f.unit[sibling].ID), tok, nil)); w.Code != http.StatusNotFound {
			t.Errorf("staff at O: units under the sibling: %s, want 404", outcome(w))
		}

		// Accounts an administrator at O manages: those whose home is in O's subtree.
		wtok, _ := f.session(t, admin.ID, account.Web)
		body := f.serve(pageReq("GET", "/users", wtok, nil)).Body.String()
		atok, _ := f.session(t, admin.ID, account.API)
		var users list[userJSON]
		decode(t, f.serve(apiReq(t, "GET", "/api/v1/users?limit=1000", atok, nil)), &users)
		names := map[string]bool{}
		for _, u := range users.Items {
			names[u.Username] = true
		}
		for r, u := range f.target {
			inScope := r == own || r == child
			if strings.Contains(body, u.Username) != inScope {
				t.Errorf("admin at O: GET /users shows %s (at %s): %v, want %v", u.Username, r, !inScope, inScope)
			}
			if names[u.Username] != inScope {
				t.Errorf("admin at O: GET /api/v1/users lists %s (at %s): %v, want %v", u.Username, r, !inScope, inScope)
			}
		}

		// The audit log of an administrator at O: O's subtree only.
		var entries list[auditJSON]
		decode(t, f.serve(apiReq(t, "GET", "/api/v1/audit?limit=1000", atok, nil)), &entries)
		var sawOwn bool
		for _, e := range entries.Items {
			if strings.Contains(e.Summary, sibCode) || strings.Contains(e.Summary, f.unit[parent].Code) || strings.Contains(e.Summary, "t-sibling") {
				t.Errorf("admin at O sees audit entry %q outside O's subtree", e.Summary)
			}
			sawOwn = sawOwn || strings.Contains(e.Summary, ownCode)
		}
		if !sawOwn {
			t.Errorf("admin at O: the audit log lacks the creation of O (%d entries)", len(entries.Items))
		}
		auditPage := f.serve(pageReq("GET", "/audit", wtok, nil)).Body.String()
		if strings.Contains(auditPage, sibCode) || !strings.Contains(auditPage, ownCode) {
			t.Errorf("admin at O: GET /audit shows the sibling or lacks O")
		}
	})
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	sort.Strings(out)
	return out
}

// TestAuthzSpecialCases covers the cases the issue names one by one.
func TestAuthzSpecialCases(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newWalkFixture(t, db)
		o := f.unit[own]

		t.Run("school staff cannot read another school", func(t *testing.T) {
			web, _ := f.session(t, f.cstaff.ID, account.Web)
			api, _ := f.session(t, f.cstaff.ID, account.API)
			for _, tc := range []struct {
				id   int64
				want int
			}{{f.school.ID, 404}, {f.unit[child].ID, 200}, {o.ID, 200}, {f.unit[parent].ID, 200}, {f.unit[sibling].ID, 404}} {
				if w := f.serve(pageReq("GET", "/units/"+idstr(tc.id), web, nil)); w.Code != tc.want {
					t.Errorf("staff at C: GET /units/%d: %s, want %d", tc.id, outcome(w), tc.want)
				}
				if w := f.serve(apiReq(t, "GET", "/api/v1/units/"+idstr(tc.id), api, nil)); w.Code != tc.want {
					t.Errorf("staff at C: GET /api/v1/units/%d: %s, want %d", tc.id, outcome(w), tc.want)
				}
			}
			// The parent's page must not list the other school.
			if body := f.serve(pageReq("GET", "/units/"+idstr(o.ID), web, nil)).Body.String(); strings.Contains(body, f.school.Name) {
				t.Errorf("staff at C: the page of O lists the other school %q", f.school.Name)
			}
		})

		editForm := func(csrf string) url.Values {
			v := unitForm(f.currentUnit(own))
			v.Set("name", "Phường Một (đã sửa)")
			if csrf != "" {
				v.Set("csrf", csrf)
			}
			return v
		}
		version := f.unitVersion(o.ID)

		t.Run("viewer cannot edit", func(t *testing.T) {
			tok, csrf := f.session(t, f.caller[who(access.Viewer)].user.ID, account.Web)
			before := version()
			if w := f.serve(pageReq("POST", "/units/"+idstr(o.ID)+"/edit", tok, editForm(csrf))); w.Code != http.StatusForbidden {
				t.Errorf("viewer POST edit: %s, want 403", outcome(w))
			}
			if version() != before {
				t.Error("viewer's edit changed the unit")
			}
		})

		admin := f.caller[who(access.Admin)].user
		t.Run("csrf", func(t *testing.T) {
			tok, csrf := f.session(t, admin.ID, account.Web)
			before := version()
			for name, form := range map[string]url.Values{"no token": editForm(""), "wrong token": editForm("x" + csrf)} {
				w := f.serve(pageReq("POST", "/units/"+idstr(o.ID)+"/edit", tok, form))
				if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "Phiên làm việc của biểu mẫu đã hết hạn") {
					t.Errorf("admin POST edit with %s: %s: %s, want 403 with the form-expired message", name, outcome(w), snippet(w))
				}
			}
			// Another user's token does not do either.
			_, other := f.session(t, f.caller[who(access.Viewer)].user.ID, account.Web)
			if w := f.serve(pageReq("POST", "/units/"+idstr(o.ID)+"/edit", tok, editForm(other))); w.Code != http.StatusForbidden {
				t.Errorf("admin POST edit with another session's csrf: %s, want 403", outcome(w))
			}
			if version() != before {
				t.Fatal("a request without a valid csrf token changed the unit")
			}
			// The header form of the token is accepted.
			r := pageReq("POST", "/units/"+idstr(o.ID)+"/edit", tok, editForm(""))
			r.Header.Set("X-CSRF-Token", csrf)
			if w := f.serve(r); w.Code != http.StatusSeeOther {
				t.Errorf("admin POST edit with X-CSRF-Token: %s: %s, want 303", outcome(w), snippet(w))
			}
			if version() == before {
				t.Error("the edit with a valid X-CSRF-Token did not save")
			}
		})

		t.Run("cross-origin", func(t *testing.T) {
			tok, csrf := f.session(t, admin.ID, account.Web)
			atok, _ := f.session(t, admin.ID, account.API)
			before := version()
			for name, hdr := range map[string][2]string{
				"Sec-Fetch-Site cross-site": {"Sec-Fetch-Site", "cross-site"},
				"Sec-Fetch-Site same-site":  {"Sec-Fetch-Site", "same-site"},
				"foreign Origin":            {"Origin", "https://evil.example"},
			} {
				r := pageReq("POST", "/units/"+idstr(o.ID)+"/edit", tok, editForm(csrf))
				r.Header.Set(hdr[0], hdr[1])
				w := f.serve(r)
				if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "Yêu cầu từ trang web khác bị từ chối.") {
					t.Errorf("page POST with %s: %s: %s, want 403", name, outcome(w), snippet(w))
				}
				u := f.currentUnit(own)
				r = apiReq(t, "PUT", "/api/v1/units/"+idstr(o.ID), atok, unitBody{Version: u.Version, Kind: u.Kind, Code: u.Code, Name: "Đổi từ trang khác", ValidTo: "2099-12-31"})
				r.Header.Set(hdr[0], hdr[1])
				problemOf(t, f.serve(r), http.StatusForbidden)
			}
			if version() != before {
				t.Fatal("a cross-origin request changed the unit")
			}
			r := pageReq("POST", "/units/"+idstr(o.ID)+"/edit", tok, editForm(csrf))
			r.Header.Set("Sec-Fetch-Site", "same-origin")
			if w := f.serve(r); w.Code != http.StatusSeeOther {
				t.Errorf("same-origin POST: %s: %s, want 303", outcome(w), snippet(w))
			}
		})

		t.Run("session cookie", func(t *testing.T) {
			for _, secure := range []bool{false, true} {
				e := newEnv(t, db, 0, Options{SecureCookies: secure})
				w := e.serve(pageReq("POST", "/login", "", url.Values{"username": {f.login.Username}, "password": {testPassword}}))
				if w.Code != http.StatusSeeOther {
					t.Fatalf("login: %s: %s", outcome(w), snippet(w))
				}
				var c *http.Cookie
				for _, x := range w.Result().Cookies() {
					if x.Name == SessionCookie {
						c = x
					}
				}
				if c == nil || c.Value == "" {
					t.Fatalf("login set no session cookie: %v", w.Header()["Set-Cookie"])
				}
				if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure != secure {
					t.Errorf("session cookie (SecureCookies=%v): HttpOnly=%v SameSite=%v Path=%q Secure=%v; want HttpOnly, Lax, /, Secure=%v",
						secure, c.HttpOnly, c.SameSite, c.Path, c.Secure, secure)
				}
				if secure && e.serve(pageReq("GET", "/login", "", nil)).Header().Get("Strict-Transport-Security") == "" {
					t.Error("SecureCookies without Strict-Transport-Security")
				}
			}
		})

		t.Run("own account", func(t *testing.T) {
			for w, c := range f.caller {
				web, csrf := f.session(t, c.user.ID, account.Web)
				api, _ := f.session(t, c.user.ID, account.API)
				if res := f.serve(pageReq("GET", "/users/"+idstr(c.user.ID), web, nil)); res.Code != http.StatusOK {
					t.Errorf("%s: GET own /users/{id}: %s", w, outcome(res))
				}
				res := f.serve(apiReq(t, "GET", "/api/v1/users/"+idstr(c.user.ID), api, nil))
				var u userJSON
				if res.Code != http.StatusOK {
					t.Errorf("%s: GET own /api/v1/users/{id}: %s", w, outcome(res))
				} else if decode(t, res, &u); u.Username != c.user.Username {
					t.Errorf("%s: GET own account gave %q", w, u.Username)
				}
				if w == who(access.Admin) {
					continue
				}
				// Seeing one's account is not managing it.
				form := userForm(c.user)
				form.Set("ten", "Tự sửa")
				form.Set("csrf", csrf)
				before := f.userVersion(c.user.ID)()
				if res := f.serve(pageReq("POST", "/users/"+idstr(c.user.ID)+"/edit", web, form)); res.Code != http.StatusForbidden {
					t.Errorf("%s: POST own /users/{id}/edit: %s, want 403", w, outcome(res))
				}
				if res := f.serve(apiReq(t, "POST", "/api/v1/users/"+idstr(c.user.ID)+"/roles", api, grantBody{UnitID: o.ID, Role: access.Admin})); res.Code != http.StatusForbidden && res.Code != http.StatusNotFound {
					t.Errorf("%s: granting oneself admin: %s, want 403 or 404", w, outcome(res))
				}
				if f.userVersion(c.user.ID)() != before {
					t.Errorf("%s: edited their own account without being an administrator", w)
				}
			}
		})

		t.Run("credentials stay in their channel", func(t *testing.T) {
			web, _ := f.session(t, admin.ID, account.Web)
			api, _ := f.session(t, admin.ID, account.API)
			r := httptest.NewRequest("GET", "/api/v1/me", nil)
			r.AddCookie(&http.Cookie{Name: SessionCookie, Value: web})
			problemOf(t, f.serve(r), http.StatusUnauthorized)
			problemOf(t, f.serve(apiReq(t, "GET", "/api/v1/me", web, nil)), http.StatusUnauthorized)
			r = httptest.NewRequest("GET", "/units", nil)
			r.Header.Set("Authorization", "Bearer "+api)
			if w := f.serve(r); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
				t.Errorf("page with a bearer token only: %s, want 303 to /login", outcome(w))
			}
			if w := f.serve(pageReq("GET", "/units", api, nil)); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
				t.Errorf("page with an API token as cookie: %s, want 303 to /login", outcome(w))
			}
		})
	})
}

// TestSystemAdminRoutes: the routes no unit role reaches serve the system
// administrator.
func TestSystemAdminRoutes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newWalkFixture(t, db)
		web, csrf := f.session(t, f.sys.ID, account.Web)
		api, _ := f.session(t, f.sys.ID, account.API)
		for _, p := range []string{"/admin/jobs", "/admin/jobs?status=failed", "/admin/outbox", "/audit"} {
			if w := f.serve(pageReq("GET", p, web, nil)); w.Code != http.StatusOK {
				t.Errorf("system admin GET %s: %s: %s", p, outcome(w), snippet(w))
			}
		}
		w := f.serve(apiReq(t, "GET", "/api/v1/jobs?status=failed", api, nil))
		var jl list[jobJSON]
		if w.Code != http.StatusOK {
			t.Fatalf("GET /api/v1/jobs: %s", outcome(w))
		}
		decode(t, w, &jl)
		if jl.Total != 1 || len(jl.Items) != 1 || jl.Items[0].ID != f.job {
			t.Errorf("GET /api/v1/jobs?status=failed = %+v, want job %d", jl, f.job)
		}
		if w := f.serve(apiReq(t, "GET", "/api/v1/outbox", api, nil)); w.Code != http.StatusOK {
			t.Errorf("GET /api/v1/outbox: %s", outcome(w))
		}
		// Retry through the page, then through the API on another failed job.
		status := f.jobStatus(f.job)
		if w := f.serve(pageReq("POST", "/admin/jobs/"+idstr(f.job)+"/retry", web, url.Values{"csrf": {csrf}})); w.Code != http.StatusSeeOther {
			t.Errorf("page retry: %s: %s", outcome(w), snippet(w))
		}
		if got := status(); got != "queued" {
			t.Errorf("after the retry the job is %s, want queued", got)
		}
		problemOf(t, f.serve(apiReq(t, "POST", "/api/v1/jobs/"+idstr(f.job)+"/retry", api, nil)), http.StatusConflict)
		other := f.failedJob()
		if w := f.serve(apiReq(t, "POST", "/api/v1/jobs/"+idstr(other)+"/retry", api, nil)); w.Code != http.StatusNoContent {
			t.Errorf("API retry: %s: %s", outcome(w), w.Body.String())
		}
		if got := f.jobStatus(other)(); got != "queued" {
			t.Errorf("after the API retry the job is %s, want queued", got)
		}
	})
}

// TestAdminCannotTakeOverWiderAccount: an administrator of O manages the
// accounts homed in O's subtree, but an account that also holds roles
// outside that subtree (here: the administrator of P, and a system
// administrator, both homed below O) carries more power than O's
// administrator has. Resetting its password or locking it would let O's
// administrator take over, or shut out, a wider administrator.
//
// Known bug (see the report): account.Store.change checks only the home
// unit, so both requests succeed today.
func TestAdminCannotTakeOverWiderAccount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newWalkFixture(t, db)
		wider := []account.User{
			f.mkUser(t, "admin-p-o-c", f.unit[child].ID, false, roleAt{access.Admin, f.unit[parent].ID}),
			f.mkUser(t, "admin-he-thong-o", f.unit[own].ID, false, roleAt{access.Admin, 0}),
		}
		admin := f.caller[who(access.Admin)].user
		web, csrf := f.session(t, admin.ID, account.Web)
		api, _ := f.session(t, admin.ID, account.API)
		refused := func(w *httptest.ResponseRecorder) bool {
			return w.Code == http.StatusForbidden || w.Code == http.StatusNotFound
		}
		for _, u := range wider {
			hash, version := f.passwordHash(u.ID), f.userVersion(u.ID)
			h0, v0 := hash(), version()
			if w := f.serve(apiReq(t, "POST", "/api/v1/users/"+idstr(u.ID)+"/password", api, userBody{Password: "Chiem-quyen-2026"})); !refused(w) {
				t.Errorf("admin at O resets the password of %s through the API: %s, want 403", u.Username, outcome(w))
			}
			if w := f.serve(apiReq(t, "POST", "/api/v1/tokens", "", tokenRequest{Username: u.Username, Password: "Chiem-quyen-2026"})); w.Code == http.StatusCreated {
				t.Errorf("admin at O can now log in as %s with the password they chose", u.Username)
			}
			if w := f.serve(pageReq("POST", "/users/"+idstr(u.ID)+"/password", web, url.Values{"csrf": {csrf}, "password": {"Chiem-quyen-2027"}})); !refused(w) {
				t.Errorf("admin at O resets the password of %s on the page: %s, want 403", u.Username, outcome(w))
			}
			no := false
			current, err := f.accounts.Get(context.Background(), access.System(), u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if w := f.serve(apiReq(t, "POST", "/api/v1/users/"+idstr(u.ID)+"/active", api, userBody{Version: current.Version, Active: &no})); !refused(w) {
				t.Errorf("admin at O locks %s: %s, want 403", u.Username, outcome(w))
			}
			if hash() != h0 || version() != v0 {
				t.Errorf("admin at O changed the account of %s, who holds roles beyond O", u.Username)
			}
		}
	})
}
