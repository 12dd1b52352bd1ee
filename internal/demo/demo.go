// Package demo loads synthetic demonstration data into an empty database, so
// that a fresh server can be tried at once. The data is invented: the unit
// names are modelled on real bodies (the Bình Dương education department, the
// Thuận An city education office, the wards of old Thuận An, Thành phố Hồ Chí
// Minh since the 2025 merger), but the list of schools, their codes, the way
// old wards map to new ones and every person and account are made up.
//
// It shows the hierarchy as data (DESIGN.md section 2) with two trees side by
// side:
//
//   - the 2020–2025 tree, closed on 30/06/2025: Ban Thi đua - Khen thưởng tỉnh
//     Bình Dương; Sở GD&ĐT Bình Dương → Phòng GD&ĐT Thuận An → about forty
//     preschools, primary and lower-secondary schools (THPT schools directly
//     under the Sở);
//   - today's tree, from 01/07/2025: Sở Nội vụ TP.HCM → Ban Thi đua - Khen
//     thưởng; Sở GD&ĐT TP.HCM → wards (phường) → each ward's Phòng Văn hóa -
//     Xã hội → its schools, with the THPT schools directly under the Sở.
//
// Today's schools are new unit rows bearing the same names as their
// historical counterparts, so documents of 2020–2025 still print the old
// tree. Everything is created through unit.Store and account.Store as the
// system, in one transaction, so it is all audited and all or nothing.
package demo

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// DefaultPassword is the password the demo accounts get when the operator
// chooses none.
const DefaultPassword = "thidua-demo"

// SyntheticNote is the warning carried by the administrator account's note.
const SyntheticNote = "Dữ liệu minh họa (tổng hợp), không phải dữ liệu thật"

// ErrNotEmpty is returned by Load when the database already holds units.
var ErrNotEmpty = errs.E(errs.Conflict, "Cơ sở dữ liệu đã có đơn vị; dữ liệu minh họa chỉ được nạp vào cơ sở dữ liệu trống.")

// Account describes one demo login, for the server to print at start-up.
type Account struct {
	Username string
	Role     string // the role's Vietnamese label
	Unit     string // where the role is held: the unit's short name, or "Toàn hệ thống"
	Note     string // what the account is there to show
}

// Dates of the trees.
var (
	binhDuongFounded = date(1997, 1, 1)  // tỉnh Bình Dương re-established
	thuanAnCity      = date(2020, 2, 1)  // Thuận An becomes a city
	oldTreeEnds      = date(2025, 6, 30) // last day of the district level
	newTreeBegins    = date(2025, 7, 1)  // two-level local government
)

func date(y int, m time.Month, d int) *time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &t
}

// ward is a ward of today's tree.
type ward struct {
	key  string // short code part: "LT"
	name string // "Lái Thiêu"
}

var wards = []ward{
	{"LT", "Lái Thiêu"},
	{"TG", "Thuận Giao"},
	{"AP", "An Phú"},
	{"BH", "Bình Hòa"},
	{"TA", "Thuận An"},
}

// school is a school of old Thuận An. ward is the key of today's ward it
// appears under in the demo, "" when the demo leaves it out of today's tree.
type school struct {
	kind  string // MN, MG, TH, THCS, TH&THCS, THPT
	place string // the part of the name after the kind: "Hoa Sen"
	ward  string
}

// schools lists the schools of the 2020–2025 Phòng GD&ĐT Thuận An, grouped
// by the old ward they stood in.
var schools = []school{
	// Lái Thiêu
	{"MN", "Hoa Sen", "LT"},
	{"MN", "Lái Thiêu", "LT"},
	{"TH", "Lái Thiêu", "LT"},
	{"THCS", "Nguyễn Trường Tộ", "LT"},
	// Bình Nhâm
	{"MN", "Bình Nhâm", ""},
	{"TH", "Bình Nhâm", "LT"},
	{"THCS", "Châu Văn Liêm", "LT"},
	// Thuận Giao
	{"MN", "Hoa Mai", "TG"},
	{"MN", "Thuận Giao", "TG"},
	{"TH", "Thuận Giao", "TG"},
	{"TH", "Nguyễn Du", "TG"},
	{"THCS", "Nguyễn Văn Trỗi", "TG"},
	{"THCS", "Lê Quý Đôn", ""},
	// Bình Chuẩn
	{"MN", "Bình Chuẩn", ""},
	{"TH", "Bình Chuẩn", "TG"},
	{"TH", "Lê Văn Tám", ""},
	{"THCS", "Bình Chuẩn", ""},
	{"TH&THCS", "Lý Tự Trọng", ""},
	// An Phú
	{"MN", "An Phú", "AP"},
	{"MG", "Họa Mi", "AP"},
	{"TH", "An Phú", "AP"},
	{"TH", "Trần Quốc Toản", "AP"},
	{"THCS", "An Phú", "AP"},
	// Bình Hòa
	{"MN", "Hoa Hồng", "BH"},
	{"MG", "Sơn Ca", "BH"},
	{"TH", "Bình Hòa", "BH"},
	{"TH", "Kim Đồng", "BH"},
	{"THCS", "Bình Hòa", "BH"},
	// Vĩnh Phú
	{"MN", "Vĩnh Phú", ""},
	{"TH", "Vĩnh Phú", ""},
	{"THCS", "Vĩnh Phú", ""},
	{"TH&THCS", "Ngô Thời Nhiệm", "BH"},
	// An Thạnh
	{"MN", "An Thạnh", "TA"},
	{"TH", "An Thạnh", "TA"},
	{"THCS", "Nguyễn Thái Bình", "TA"},
	// Hưng Định
	{"MG", "Vành Khuyên", "TA"},
	{"MN", "Hưng Định", ""},
	{"TH", "Hưng Định", "TA"},
	{"THCS", "Trần Hưng Đạo", ""},
	// An Sơn
	{"TH&THCS", "An Sơn", "TA"},
}

// highSchools stay under the Sở in both trees.
var highSchools = []school{
	{"THPT", "Trịnh Hoài Đức", ""},
	{"THPT", "Nguyễn Trãi", ""},
}

// kindNames gives, per school kind, the levels, the name prefix, the short
// name prefix and the code part.
var kindNames = map[string]struct {
	levels            []string
	name, short, code string
}{
	"MN":      {[]string{"MN"}, "Trường Mầm non", "MN", "MN"},
	"MG":      {[]string{"MG"}, "Trường Mẫu giáo", "MG", "MG"},
	"TH":      {[]string{"TH"}, "Trường Tiểu học", "TH", "TH"},
	"THCS":    {[]string{"THCS"}, "Trường THCS", "THCS", "THCS"},
	"TH&THCS": {[]string{"TH", "THCS"}, "Trường TH&THCS", "TH&THCS", "THTHCS"},
	"THPT":    {[]string{"THPT"}, "Trường THPT", "THPT", "THPT"},
}

// slug writes a Vietnamese name as an ASCII code part: "Lái Thiêu" → "LAITHIEU".
func slug(s string) string { return strings.ToUpper(strings.ReplaceAll(viet.Fold(s), " ", "")) }

// input builds the unit of a school under parent with code prefix.
func (s school) input(parent int64, prefix string, from, to *time.Time) unit.Input {
	k := kindNames[s.kind]
	return unit.Input{ParentID: parent, Kind: unit.School, Code: prefix + "-" + k.code + "-" + slug(s.place),
		Name: k.name + " " + s.place, ShortName: k.short + " " + s.place, Levels: k.levels, ValidFrom: from, ValidTo: to}
}

// person is a demo account: who, where, and the one role they hold.
type person struct {
	username     string
	ho, dem, ten string
	position     string
	home         string // code of the home unit
	role         access.Role
	at           string // code of the unit of the role; "" system-wide
	note         string
}

var people = []person{
	{"admin", "Trần", "Minh", "Quân", "Quản trị hệ thống", "HCM-SGD", access.Admin, "",
		SyntheticNote + "; quản trị toàn hệ thống"},
	{"so.lanhdao", "Phạm", "Thị Ngọc", "Lan", "Phó Giám đốc Sở", "HCM-SGD", access.Leader, "HCM-SGD",
		"Lãnh đạo Sở: duyệt và giới thiệu điển hình lên Ban Thi đua - Khen thưởng"},
	{"so.thidua", "Huỳnh", "Văn", "Phúc", "Chuyên viên Văn phòng Sở, Thường trực Thi đua - Khen thưởng", "HCM-SGD", access.Officer, "HCM-SGD",
		"Thường trực thi đua của Sở: đợt xét chọn toàn ngành, tổng hợp báo cáo"},
	{"ban.thidua", "Đặng", "Thị Kim", "Oanh", "Chuyên viên Ban Thi đua - Khen thưởng", "HCM-BTDKT", access.Officer, "HCM-BTDKT",
		"Ban Thi đua - Khen thưởng (thuộc Sở Nội vụ): nhận điển hình, báo cáo"},
	{"laithieu.lanhdao", "Bùi", "Quốc", "Thắng", "Phó Chủ tịch Ủy ban nhân dân phường", "HCM-P-LAITHIEU", access.Leader, "HCM-P-LAITHIEU",
		"Lãnh đạo phường: từ 01/07/2025 quản lý trường MN, TH, THCS"},
	{"laithieu.quantri", "Trương", "Thanh", "Tùng", "Công chức Văn phòng HĐND và UBND phường", "HCM-P-LAITHIEU", access.Admin, "HCM-P-LAITHIEU",
		"Quản trị đơn vị, tài khoản trong phường Lái Thiêu"},
	{"laithieu.vhxh", "Nguyễn", "Thị Thu", "Hà", "Chuyên viên Phòng Văn hóa - Xã hội", "HCM-LT-VHXH", access.Officer, "HCM-LT-VHXH",
		"Xét chọn điển hình hằng quý của các trường phường Lái Thiêu"},
	{"thuangiao.vhxh", "Lâm", "Hoàng", "Nam", "Chuyên viên Phòng Văn hóa - Xã hội", "HCM-TG-VHXH", access.Officer, "HCM-TG-VHXH",
		"Xét chọn điển hình hằng quý của các trường phường Thuận Giao"},
	{"th.laithieu.hieutruong", "Phan", "Thị Mỹ", "Dung", "Hiệu trưởng", "HCM-LT-TH-LAITHIEU", access.Leader, "HCM-LT-TH-LAITHIEU",
		"Ban hành kế hoạch của trường; gửi hồ sơ, báo cáo lên phường"},
	{"th.laithieu.thuky", "Đỗ", "Thị Hồng", "Nhung", "Giáo viên, Thư ký Hội đồng Thi đua - Khen thưởng", "HCM-LT-TH-LAITHIEU", access.Officer, "HCM-LT-TH-LAITHIEU",
		"Thư ký hội đồng thi đua: hồ sơ điển hình, hoạt động tuyên truyền"},
	{"th.laithieu.gv", "Lê", "Hoàng", "Khang", "Giáo viên", "HCM-LT-TH-LAITHIEU", access.Staff, "HCM-LT-TH-LAITHIEU",
		"Ghi hoạt động tuyên truyền, soạn hồ sơ điển hình"},
	{"th.laithieu.xem", "Ngô", "Thị Bích", "Ngọc", "Nhân viên văn thư", "HCM-LT-TH-LAITHIEU", access.Viewer, "HCM-LT-TH-LAITHIEU",
		"Chỉ xem dữ liệu của trường"},
	{"mn.hoasen.gv", "Hồ", "Thị Thanh", "Thúy", "Giáo viên", "HCM-LT-MN-HOASEN", access.Staff, "HCM-LT-MN-HOASEN",
		"Giáo viên mầm non: ghi hoạt động tuyên truyền"},
	{"thpt.trinhhoaiduc.thuky", "Tô", "Văn", "Bình", "Giáo viên, Thư ký Hội đồng Thi đua - Khen thưởng", "HCM-THPT-TRINHHOAIDUC", access.Officer, "HCM-THPT-TRINHHOAIDUC",
		"Trường THPT trực thuộc Sở, không qua phường"},
	{"pgd.thuanan.lanhdao", "Dương", "Văn", "Lợi", "Phó Trưởng phòng", "TA-PGD", access.Leader, "TA-PGD",
		"Đơn vị cũ 2020–2025 (kết thúc 30/06/2025): xem hồ sơ lịch sử"},
	{"pgd.thuanan.thidua", "Mai", "Thị", "Tuyết", "Chuyên viên", "TA-PGD", access.Officer, "TA-PGD",
		"Đơn vị cũ 2020–2025: các đợt xét chọn theo cây đơn vị cũ"},
}

// loader creates the demo data inside one transaction.
type loader struct {
	ctx      context.Context
	tx       *sql.Tx
	units    *unit.Store
	accounts *account.Store
	sys      access.Scope
	byCode   map[string]unit.Unit
}

func (l *loader) unit(in unit.Input) (unit.Unit, error) {
	u, err := l.units.CreateTx(l.ctx, l.tx, l.sys, in)
	if err != nil {
		return u, fmt.Errorf("demo: unit %s: %w", in.Code, err)
	}
	l.byCode[u.Code] = u
	return u, nil
}

// Load fills an empty database with the demo units and accounts, every
// account with password (which must satisfy the password policy) and no
// forced change at first login, and returns the accounts in a stable order.
// When the database already holds units it returns ErrNotEmpty and changes
// nothing; on any error nothing is kept.
func Load(ctx context.Context, db *database.DB, password string) ([]Account, error) {
	hash := account.HashPassword(password) // once: every demo account shares it
	l := &loader{ctx: ctx, units: &unit.Store{DB: db}, accounts: &account.Store{DB: db},
		sys: access.System(), byCode: map[string]unit.Unit{}}
	var out []Account
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM units").Scan(&n); err != nil {
			return errs.Wrap(err, "demo: count units")
		}
		if n > 0 {
			return ErrNotEmpty
		}
		l.tx = tx
		if err := l.oldTree(); err != nil {
			return err
		}
		if err := l.newTree(); err != nil {
			return err
		}
		var err error
		out, err = l.people(hash, password)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := loadPipeline(ctx, db); err != nil {
		return nil, err
	}
	if err := loadPlans(ctx, db); err != nil { // plans.go: movements, campaigns, plans
		return nil, fmt.Errorf("demo: movements and plans: %w", err)
	}
	if err := loadCalendar(ctx, db); err != nil { // calendar.go: local key dates
		return nil, err
	}
	if err := loadActivities(ctx, db); err != nil { // activities.go
		return nil, fmt.Errorf("demo: activities: %w", err)
	}
	if err := loadPortal(ctx, db); err != nil { // portal.go: published exemplars, adoptions
		return nil, err
	}
	return out, nil
}

// oldTree creates the 2020–2025 units, all closed on 30/06/2025.
func (l *loader) oldTree() error {
	to := oldTreeEnds
	if _, err := l.unit(unit.Input{Kind: unit.Board, Code: "BD-BTDKT", Name: "Ban Thi đua - Khen thưởng tỉnh Bình Dương",
		ShortName: "Ban TĐKT Bình Dương", ValidFrom: binhDuongFounded, ValidTo: to, RunsRounds: true}); err != nil {
		return err
	}
	so, err := l.unit(unit.Input{Kind: unit.Department, Code: "BD-SGD", Name: "Sở Giáo dục và Đào tạo tỉnh Bình Dương",
		ShortName: "Sở GD&ĐT Bình Dương", ValidFrom: binhDuongFounded, ValidTo: to, RunsRounds: true})
	if err != nil {
		return err
	}
	for _, s := range highSchools {
		if _, err := l.unit(s.input(so.ID, "BD", nil, to)); err != nil {
			return err
		}
	}
	phong, err := l.unit(unit.Input{ParentID: so.ID, Kind: unit.Office, Code: "TA-PGD", Name: "Phòng Giáo dục và Đào tạo thành phố Thuận An",
		ShortName: "Phòng GD&ĐT Thuận An", ValidFrom: thuanAnCity, ValidTo: to, RunsRounds: true})
	if err != nil {
		return err
	}
	// The schools are older than the city; their founding dates are not
	// part of the demo, so they carry only the end of the old tree.
	for _, s := range schools {
		if _, err := l.unit(s.input(phong.ID, "TA", nil, to)); err != nil {
			return err
		}
	}
	return nil
}

// newTree creates today's units, from 01/07/2025.
func (l *loader) newTree() error {
	from := newTreeBegins
	noiVu, err := l.unit(unit.Input{Kind: unit.Department, Code: "HCM-SNV", Name: "Sở Nội vụ Thành phố Hồ Chí Minh", ShortName: "Sở Nội vụ TP.HCM"})
	if err != nil {
		return err
	}
	if _, err := l.unit(unit.Input{ParentID: noiVu.ID, Kind: unit.Board, Code: "HCM-BTDKT", Name: "Ban Thi đua - Khen thưởng Thành phố Hồ Chí Minh",
		ShortName: "Ban TĐKT TP.HCM", RunsRounds: true}); err != nil {
		return err
	}
	so, err := l.unit(unit.Input{Kind: unit.Department, Code: "HCM-SGD", Name: "Sở Giáo dục và Đào tạo Thành phố Hồ Chí Minh", ShortName: "Sở GD&ĐT TP.HCM", RunsRounds: true})
	if err != nil {
		return err
	}
	for _, s := range highSchools {
		if _, err := l.unit(s.input(so.ID, "HCM", from, nil)); err != nil {
			return err
		}
	}
	for _, w := range wards {
		p, err := l.unit(unit.Input{ParentID: so.ID, Kind: unit.Ward, Code: "HCM-P-" + slug(w.name), Name: "Phường " + w.name, ValidFrom: from})
		if err != nil {
			return err
		}
		vhxh, err := l.unit(unit.Input{ParentID: p.ID, Kind: unit.Office, Code: "HCM-" + w.key + "-VHXH",
			Name: "Phòng Văn hóa - Xã hội phường " + w.name, ShortName: "Phòng VH-XH " + w.name, ValidFrom: from, RunsRounds: true})
		if err != nil {
			return err
		}
		for _, s := range schools {
			if s.ward != w.key {
				continue
			}
			if _, err := l.unit(s.input(vhxh.ID, "HCM-"+w.key, from, nil)); err != nil {
				return err
			}
		}
	}
	return nil
}

// people creates the accounts and their roles.
func (l *loader) people(hash, password string) ([]Account, error) {
	out := make([]Account, 0, len(people))
	for _, p := range people {
		home, ok := l.byCode[p.home]
		if !ok {
			return nil, fmt.Errorf("demo: account %s: no unit %s", p.username, p.home)
		}
		u, err := l.accounts.CreateTx(l.ctx, l.tx, l.sys, account.Profile{Username: p.username, Ho: p.ho, Dem: p.dem, Ten: p.ten,
			Email: p.username + "@example.edu.vn", Position: p.position, UnitID: home.ID}, hash, password, false)
		if err != nil {
			return nil, fmt.Errorf("demo: account %s: %w", p.username, err)
		}
		var at int64
		where := "Toàn hệ thống"
		if p.at != "" {
			g, ok := l.byCode[p.at]
			if !ok {
				return nil, fmt.Errorf("demo: account %s: no unit %s", p.username, p.at)
			}
			at, where = g.ID, g.Display()
		}
		if _, err := l.accounts.GrantTx(l.ctx, l.tx, l.sys, u.ID, at, p.role); err != nil {
			return nil, fmt.Errorf("demo: role of %s: %w", p.username, err)
		}
		out = append(out, Account{Username: u.Username, Role: p.role.Label(), Unit: where, Note: p.note})
	}
	return out, nil
}

// Summary writes the demo accounts as a block for the console: a warning
// that the data is synthetic, where to log in and with which password, then
// one line per account in aligned columns. url may be empty.
func Summary(accounts []Account, url, password string) string {
	var b strings.Builder
	b.WriteString("Dữ liệu minh họa đã được nạp (tổng hợp, không phải dữ liệu thật).\n")
	b.WriteString("Đăng nhập")
	if url != "" {
		b.WriteString(" tại " + url)
	}
	b.WriteString(" với mật khẩu: " + password + "\n")
	rows := [][]string{{"Tên đăng nhập", "Vai trò", "Đơn vị", "Ghi chú"}}
	for _, a := range accounts {
		rows = append(rows, []string{a.Username, a.Role, a.Unit, a.Note})
	}
	width := make([]int, 4)
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range rows {
		line := "  "
		for i, c := range r {
			line += c
			if i < len(r)-1 {
				line += strings.Repeat(" ", width[i]-utf8.RuneCountInString(c)+2)
			}
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	return b.String()
}
