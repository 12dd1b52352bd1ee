package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/viet"
)

// EachB runs fn once per available database as a sub-benchmark named for it,
// like Each does for tests. fn seeds what it needs once and runs its own
// sub-benchmarks on it.
func EachB(b *testing.B, fn func(b *testing.B, db *database.DB)) {
	b.Helper()
	b.Run("sqlite", func(b *testing.B) { fn(b, SQLite(b)) })
	if os.Getenv(EnvPostgres) == "" {
		b.Run("postgres", func(b *testing.B) {
			b.Skip("PostgreSQL benchmarks skipped: set " + EnvPostgres + " (for example postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
		})
		return
	}
	b.Run("postgres", func(b *testing.B) { fn(b, Postgres(b)) })
}

// SeedPassword is the password of every seeded account; SeedPasswordHash is
// its argon2id hash, computed once so seeding hashes nothing.
const (
	SeedPassword     = "thidua-bench"
	SeedPasswordHash = "$argon2id$v=19$m=19456,t=2,p=1$ZC5wo2NhDFUwkoBTLpkJGA$oBuGyS9QrUe6B85T5Nyf0aoSnszoMn7Ril09lpwaqT0"
)

// SchoolsPerWard is how many schools SeedProvince puts under each ward's
// office.
const SchoolsPerWard = 40

// Node is a seeded unit.
type Node struct {
	ID   int64
	Path string
	Name string
}

// Ward is a seeded ward with its Phòng Văn hóa - Xã hội and the schools
// under that office.
type Ward struct {
	Node
	Office  Node
	Schools []Node
}

// Account is a seeded user with the one role they hold and a web session.
type Account struct {
	ID       int64
	Username string
	UnitID   int64 // home unit
	Grant    access.Grant
	Token    string // a live web session token
}

// Scope is the account's scope, as account.Store.Resolve builds it.
func (a Account) Scope() access.Scope {
	return access.Scope{UserID: a.ID, Username: a.Username, UnitID: a.UnitID, Grants: []access.Grant{a.Grant}}
}

// Province is what SeedProvince made.
type Province struct {
	Department Node
	Wards      []Ward
	Units      int // all units: the department, the wards, their offices and the schools
	Users      int
	// Tokens are web session tokens of a sample of the accounts (every tenth
	// account and the named ones below), for picking requests at random.
	Tokens []string
	// Named accounts. The ward ones are at Wards[0]; SchoolStaff is at
	// Wards[0].Schools[0].
	SystemAdmin     Account // admin of the whole system, home at the department
	DepartmentAdmin Account
	WardAdmin       Account
	WardOfficer     Account
	SchoolStaff     Account
}

var wardNames = []string{
	"Bến Thành", "Sài Gòn", "Tân Định", "Bàn Cờ", "Xuân Hòa", "Nhiêu Lộc", "Chợ Quán", "An Đông", "Chợ Lớn", "Bình Tây",
	"Bình Tiên", "Phú Lâm", "Tân Sơn Nhất", "Bảy Hiền", "Tân Bình", "Gia Định", "Bình Thạnh", "Thạnh Mỹ Tây", "Hạnh Thông", "Gò Vấp",
	"An Nhơn", "Thông Tây Hội", "Thủ Đức", "Linh Xuân", "Tam Bình", "Hiệp Bình", "Lái Thiêu", "Thuận Giao", "An Phú", "Bình Hòa",
}

var places = []string{
	"Nguyễn Du", "Lê Quý Đôn", "Trần Hưng Đạo", "Kim Đồng", "Hoa Sen", "Hoa Mai", "Sơn Ca", "Họa Mi", "Lý Tự Trọng", "Ngô Thời Nhiệm",
	"Nguyễn Trãi", "Võ Thị Sáu", "Lê Văn Tám", "Châu Văn Liêm", "Trần Quốc Toản", "Nguyễn Văn Trỗi", "Đinh Tiên Hoàng", "Lê Lợi", "Quang Trung", "Hai Bà Trưng",
}

// schoolKinds cycles through the kinds of school: name prefix, short name
// prefix, code part and levels.
var schoolKinds = []struct{ name, short, code, levels string }{
	{"Trường Mầm non", "MN", "MN", ",MN,"},
	{"Trường Tiểu học", "TH", "TH", ",TH,"},
	{"Trường THCS", "THCS", "THCS", ",THCS,"},
	{"Trường Mẫu giáo", "MG", "MG", ",MG,"},
	{"Trường Tiểu học", "TH", "TH", ",TH,"},
	{"Trường TH&THCS", "TH&THCS", "THTHCS", ",TH,THCS,"},
}

var (
	hos  = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
	dems = []string{"Văn", "Thị", "Minh", "Thị Ngọc", "Quốc", "Thanh", "Hữu", "Thị Kim", "Đức", "Ngọc", "Hoàng", "Thị Thu"}
	tens = []string{"An", "Bình", "Châu", "Dũng", "Đạt", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Khánh", "Lan", "Linh", "Long",
		"Mai", "Minh", "Nam", "Nga", "Oanh", "Phúc", "Phương", "Quân", "Quyên", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Tuấn", "Vy", "Yến"}
)

// SeedProvince fills an empty, migrated database with a province for
// benchmarks, in one transaction of plain SQL (no audit, no password
// hashing): one Sở GD&ĐT → wards → each ward's Phòng Văn hóa - Xã hội →
// SchoolsPerWard schools each, about schools/SchoolsPerWard wards; and
// accounts users with one role each (never fewer than the upper-level ones):
// a system administrator; an administrator, a leader and an officer at the
// department; an administrator, a leader and an officer at each ward and an
// officer at each office; the rest spread evenly over the schools, school by
// school (per school one administrator, leader, officer and viewer, the
// others staff). Every tenth account and the named ones get a web session.
// On PostgreSQL the tables are analysed afterwards, as autovacuum would soon
// do after such a load.
func SeedProvince(tb testing.TB, db *database.DB, schools, accounts int) Province {
	tb.Helper()
	ctx := context.Background()
	start := time.Now()
	nWards := max(1, (schools+SchoolsPerWard-1)/SchoolsPerWard)
	now := time.Now().UTC().Truncate(time.Microsecond)
	var p Province

	// Units, with explicit ids so paths are known before inserting.
	var units [][]any
	var nextUnit int64
	addUnit := func(parent *Node, kind, code, name, short, levels string, runsRounds bool) Node {
		nextUnit++
		n := Node{ID: nextUnit, Name: name}
		var parentID any
		path, depth := "/", 0
		if parent != nil {
			parentID, path, depth = parent.ID, parent.Path, strings.Count(parent.Path, "/")-1
		}
		n.Path = path + strconv.FormatInt(n.ID, 10) + "/"
		units = append(units, []any{n.ID, parentID, n.Path, depth, kind, code, name, short, levels, runsRounds,
			viet.Fold(code + " " + name + " " + short), now, now})
		return n
	}
	p.Department = addUnit(nil, "department", "HCM-SGD", "Sở Giáo dục và Đào tạo Thành phố Hồ Chí Minh", "Sở GD&ĐT", "", true)
	for w := 0; w < nWards; w++ {
		name := wardNames[w%len(wardNames)]
		if w >= len(wardNames) {
			name += " " + strconv.Itoa(w/len(wardNames)+1)
		}
		code := fmt.Sprintf("HCM-P%02d", w+1)
		ward := Ward{Node: addUnit(&p.Department, "ward", code, "Ủy ban nhân dân phường "+name, "Phường "+name, "", false)}
		ward.Office = addUnit(&ward.Node, "office", code+"-VHXH", "Phòng Văn hóa - Xã hội phường "+name, "Phòng VH-XH "+name, "", true)
		p.Wards = append(p.Wards, ward)
	}
	for s := 0; s < schools; s++ {
		w := &p.Wards[s%nWards]
		j := len(w.Schools)
		k := schoolKinds[j%len(schoolKinds)]
		place := places[j%len(places)]
		code := fmt.Sprintf("HCM-P%02d-%s-%02d", s%nWards+1, k.code, j+1)
		w.Schools = append(w.Schools, addUnit(&w.Office, "school", code, k.name+" "+place, k.short+" "+place, k.levels, false))
	}
	p.Units = len(units)

	// Users and their roles; ids explicit, role id = user id.
	var users, roles [][]any
	var sample []int64
	tokens := map[int64]string{}
	addUser := func(home Node, role access.Role, at *Node) Account {
		id := int64(len(users) + 1)
		username := fmt.Sprintf("u%05d", id)
		ho, dem, ten := hos[id%int64(len(hos))], dems[id/3%int64(len(dems))], tens[id/7%int64(len(tens))]
		users = append(users, []any{id, username, ho, dem, ten, username + "@truong.edu.vn", home.ID, true, false, SeedPasswordHash,
			viet.Fold(username + " " + viet.FullName(ho, dem, ten) + " " + username + "@truong.edu.vn"), now, now})
		a := Account{ID: id, Username: username, UnitID: home.ID,
			Grant: access.Grant{ID: id, UnitID: 0, UnitName: "Toàn hệ thống", Path: access.SystemPath, Role: role}}
		var unitID any
		if at != nil {
			unitID = at.ID
			a.Grant.UnitID, a.Grant.UnitName, a.Grant.Path = at.ID, at.Name, at.Path
		}
		roles = append(roles, []any{id, id, unitID, string(role), now})
		if id%10 == 0 {
			sample = append(sample, id)
		}
		return a
	}
	named := func(a Account) Account {
		if a.ID%10 != 0 {
			sample = append(sample, a.ID)
		}
		return a
	}
	dep := p.Department
	p.SystemAdmin = named(addUser(dep, access.Admin, nil))
	p.DepartmentAdmin = named(addUser(dep, access.Admin, &dep))
	addUser(dep, access.Leader, &dep)
	addUser(dep, access.Officer, &dep)
	for i := range p.Wards {
		w := &p.Wards[i]
		a := addUser(w.Node, access.Admin, &w.Node)
		addUser(w.Node, access.Leader, &w.Node)
		o := addUser(w.Office, access.Officer, &w.Node)
		addUser(w.Office, access.Officer, &w.Office)
		if i == 0 {
			p.WardAdmin, p.WardOfficer = named(a), named(o)
		}
	}
	var all []Node
	for _, w := range p.Wards {
		all = append(all, w.Schools...)
	}
	// School accounts are created school by school, as an import of each
	// school's staff list would: consecutive ids, so a school's accounts
	// share table pages.
	rest := max(0, accounts-len(users))
	for i, s := range all {
		n := rest / len(all)
		if i < rest%len(all) {
			n++
		}
		for r := 0; r < n; r++ {
			role := access.Staff
			switch r {
			case 0:
				role = access.Admin
			case 1:
				role = access.Leader
			case 2:
				role = access.Officer
			case 3:
				role = access.Viewer
			}
			a := addUser(s, role, &s)
			if i == 0 && r == 4 {
				p.SchoolStaff = named(a)
			}
		}
	}
	p.Users = len(users)

	// Web sessions, stored as account.NewSession stores them.
	var sessions [][]any
	for _, id := range sample {
		token, csrf := randomToken(), randomToken()
		tokens[id] = token
		p.Tokens = append(p.Tokens, token)
		h := sha256.Sum256([]byte(token))
		sessions = append(sessions, []any{hex.EncodeToString(h[:]), "web", id, csrf, now, now.Add(12 * time.Hour), now, "127.0.0.1", "bench"})
	}
	for _, a := range []*Account{&p.SystemAdmin, &p.DepartmentAdmin, &p.WardAdmin, &p.WardOfficer, &p.SchoolStaff} {
		a.Token = tokens[a.ID]
	}

	pg := db.Dialect == database.Postgres
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if err := insertRows(ctx, tx, pg, "units", []string{"id", "parent_id", "path", "depth", "kind", "code", "name", "short_name", "levels",
			"runs_rounds", "search", "created_at", "updated_at"}, units); err != nil {
			return err
		}
		if err := insertRows(ctx, tx, pg, "users", []string{"id", "username", "ho", "dem", "ten", "email", "unit_id", "active", "must_change_password",
			"password_hash", "search", "created_at", "updated_at"}, users); err != nil {
			return err
		}
		if err := insertRows(ctx, tx, pg, "roles", []string{"id", "user_id", "unit_id", "role", "created_at"}, roles); err != nil {
			return err
		}
		if err := insertRows(ctx, tx, pg, "sessions", []string{"token_hash", "kind", "user_id", "csrf_token", "created_at", "expires_at",
			"last_seen_at", "ip", "user_agent"}, sessions); err != nil {
			return err
		}
		if db.Dialect == database.Postgres {
			// Explicit ids leave the identity sequences behind.
			for _, t := range []string{"units", "users", "roles"} {
				if _, err := tx.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence('"+t+"', 'id'), (SELECT MAX(id) FROM "+t+"))"); err != nil {
					return fmt.Errorf("setval %s: %w", t, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("seed province: %v", err)
	}
	if pg {
		if _, err := db.W.ExecContext(ctx, "ANALYZE units, users, roles, sessions"); err != nil {
			tb.Fatalf("seed province: analyze: %v", err)
		}
	}
	tb.Logf("seeded %s: %d units, %d accounts, %d web sessions in %v", db.Dialect, p.Units, p.Users, len(p.Tokens), time.Since(start).Round(time.Millisecond))
	return p
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// insertRows inserts rows into table: on PostgreSQL in multi-row INSERTs of
// a few hundred rows (one round trip each); on SQLite row by row through one
// prepared statement, which is faster there than a long VALUES list of $N
// parameters (SQLite resolves each named parameter by a linear search).
func insertRows(ctx context.Context, tx *sql.Tx, pg bool, table string, cols []string, rows [][]any) error {
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	if len(rows) > 0 && !pg {
		st, err := tx.PrepareContext(ctx, head+"("+database.Placeholders(1, len(cols))+")")
		if err != nil {
			return fmt.Errorf("insert %s: %w", table, err)
		}
		defer st.Close()
		for _, r := range rows {
			if _, err := st.ExecContext(ctx, r...); err != nil {
				return fmt.Errorf("insert %s: %w", table, err)
			}
		}
		return nil
	}
	per := 4000 / len(cols)
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var q strings.Builder
		q.WriteString(head)
		args := make([]any, 0, len(chunk)*len(cols))
		for i, r := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(" + database.Placeholders(len(args)+1, len(cols)) + ")")
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("insert %s: %w", table, err)
		}
	}
	return nil
}
