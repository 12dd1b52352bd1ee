package importer

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// FieldError is one problem of one row, at the column it concerns.
type FieldError struct {
	Column  string `json:"column"` // the column title, as in the template (no star)
	Message string `json:"message"`
}

// RowResult is the verdict on one row of the file.
type RowResult struct {
	Line   int               `json:"line"`   // the row number the user sees in the spreadsheet
	Values map[string]string `json:"values"` // column title -> cell text (passwords masked)
	Errors []FieldError      `json:"errors"`
	Note   string            `json:"note"` // what the row will do, in Vietnamese
}

// OK reports whether the row has no error.
func (r RowResult) OK() bool { return len(r.Errors) == 0 }

// ErrorAt returns the message at column, or "".
func (r RowResult) ErrorAt(column string) string {
	for _, e := range r.Errors {
		if e.Column == column {
			return e.Message
		}
	}
	return ""
}

// add records msg at column unless the column already has a message: the
// first problem found is the one to fix first.
func (r *RowResult) add(column, msg string) {
	if r.ErrorAt(column) == "" {
		r.Errors = append(r.Errors, FieldError{Column: column, Message: msg})
	}
}

// Plan is the outcome of checking a file: every row with its errors. Valid
// means the file can be imported as it is.
type Plan struct {
	Kind      Kind        `json:"kind"`
	Columns   []string    `json:"columns"` // the file's recognised columns, in template order
	Ignored   []string    `json:"ignored"` // header titles left out
	Rows      []RowResult `json:"rows"`
	ErrorRows int         `json:"error_rows"` // rows with at least one error
	Valid     bool        `json:"valid"`

	units []plannedUnit // in creation order: parents first
	users []plannedUser
}

type plannedUnit struct {
	row        int // index in Rows
	in         unit.Input
	parentCode string
	parentRow  int // index of the parent's row in the file, -1 when the parent is in the database or absent
}

type plannedUser struct {
	row      int
	profile  account.Profile
	unitID   int64
	roles    []access.Role
	password string // as given; empty: generate one
}

// Preview checks every row of sheet for the caller, writing nothing: the
// required cells, the rules of units and accounts, duplicates inside the file
// and against the database, parents (in the database or anywhere in the file;
// a cycle is an error), the caller's administrator role where each unit or
// account goes, password policy, role names and dates.
func Preview(ctx context.Context, db *database.DB, sc access.Scope, sheet *Sheet) (*Plan, error) {
	if sheet == nil || !sheet.Kind.Valid() {
		return nil, invalid("Loại dữ liệu cần nhập không hợp lệ.")
	}
	if !sc.HasAny(access.Admin) {
		return nil, errs.ErrForbidden
	}
	plan := &Plan{Kind: sheet.Kind, Columns: sheet.Columns, Ignored: sheet.Ignored, Rows: make([]RowResult, len(sheet.Rows))}
	for i, r := range sheet.Rows {
		v := make(map[string]string, len(r.Values))
		for k, x := range r.Values {
			v[k] = x
		}
		if v[ColPassword] != "" {
			v[ColPassword] = "••••••••"
		}
		plan.Rows[i] = RowResult{Line: r.Line, Values: v}
	}
	var err error
	if sheet.Kind == Units {
		err = previewUnits(ctx, db, sc, sheet, plan)
	} else {
		err = previewUsers(ctx, db, sc, sheet, plan)
	}
	if err != nil {
		return nil, err
	}
	for _, r := range plan.Rows {
		if !r.OK() {
			plan.ErrorRows++
		}
	}
	plan.Valid = plan.ErrorRows == 0 && len(plan.Rows) > 0
	return plan, nil
}

// unitFields maps unit.Input.Validate's fields to columns, in column order.
var unitFields = []struct{ field, column string }{
	{"code", ColUnitCode}, {"name", ColUnitName}, {"short_name", ColShortName}, {"kind", ColKind},
	{"parent_id", ColParentCode}, {"levels", ColLevels}, {"valid_from", ColValidFrom}, {"valid_to", ColValidTo},
}

func normCode(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

func previewUnits(ctx context.Context, db *database.DB, sc access.Scope, sheet *Sheet, plan *Plan) error {
	n := len(sheet.Rows)
	pu := make([]plannedUnit, n)
	byCode := map[string][]int{}
	var lookup []string
	for i, row := range sheet.Rows {
		rr, v := &plan.Rows[i], row.Values
		in := unit.Input{Code: v[ColUnitCode], Name: v[ColUnitName], ShortName: v[ColShortName]}
		switch s := v[ColKind]; {
		case s == "":
			rr.add(ColKind, "Nhập loại đơn vị.")
		default:
			k, ok := parseKind(s)
			if !ok {
				rr.add(ColKind, fmt.Sprintf("Loại đơn vị “%s” không hợp lệ; dùng một trong: %s.", s, kindList()))
			}
			in.Kind = k
		}
		levels, bad := parseLevels(v[ColLevels])
		if len(bad) > 0 {
			rr.add(ColLevels, fmt.Sprintf("Cấp học “%s” không hợp lệ; dùng: %s (trường nhiều cấp ghi “TH, THCS” hoặc “TH&THCS”).",
				strings.Join(bad, ", "), strings.Join(unit.Levels, ", ")))
		}
		in.Levels = levels
		in.ValidFrom = dateCell(rr, ColValidFrom, v[ColValidFrom])
		in.ValidTo = dateCell(rr, ColValidTo, v[ColValidTo])
		in.Normalize()
		pc := normCode(v[ColParentCode])
		check := in
		if pc != "" {
			check.ParentID = -1 // resolved below; here only its presence matters
		}
		if err := check.Validate(); err != nil {
			f := errs.FieldsOf(err)
			for _, m := range unitFields {
				if msg := f[m.field]; msg != "" {
					rr.add(m.column, msg)
				}
			}
		}
		pu[i] = plannedUnit{row: i, in: in, parentCode: pc, parentRow: -1}
		if in.Code != "" {
			byCode[in.Code] = append(byCode[in.Code], i)
			lookup = append(lookup, in.Code)
		}
		if pc != "" {
			lookup = append(lookup, pc)
		}
	}

	// Duplicates inside the file: every occurrence is marked.
	for code, rows := range byCode {
		if len(rows) < 2 {
			continue
		}
		for _, i := range rows {
			var others []string
			for _, j := range rows {
				if j != i {
					others = append(others, fmt.Sprint(plan.Rows[j].Line))
				}
			}
			plan.Rows[i].add(ColUnitCode, fmt.Sprintf("Mã đơn vị “%s” bị trùng trong tệp (cũng có ở dòng %s).", code, strings.Join(others, ", ")))
		}
	}

	existing, err := loadUnits(ctx, db.R, lookup)
	if err != nil {
		return err
	}
	for i := range pu {
		p, rr := &pu[i], &plan.Rows[i]
		if u, ok := existing[p.in.Code]; ok {
			if sc.CanSeeUnit(u.Path) {
				rr.add(ColUnitCode, fmt.Sprintf("Mã đơn vị “%s” đã có trong hệ thống (%s).", u.Code, u.Name))
			} else {
				rr.add(ColUnitCode, fmt.Sprintf("Mã đơn vị “%s” đã được dùng cho một đơn vị khác trong hệ thống.", u.Code))
			}
		}
		switch pc := p.parentCode; {
		case pc == "":
			if !sc.IsSystemAdmin() {
				rr.add(ColParentCode, "Nhập mã đơn vị cấp trên: chỉ quản trị toàn hệ thống mới tạo được đơn vị cấp cao nhất.")
			}
			rr.Note = "Đơn vị cấp cao nhất"
		case pc == p.in.Code:
			rr.add(ColParentCode, "Đơn vị không thể là cấp trên của chính nó.")
		case existing[pc].ID != 0:
			u := existing[pc]
			switch {
			case !sc.CanSeeUnit(u.Path):
				rr.add(ColParentCode, fmt.Sprintf("Không tìm thấy đơn vị cấp trên có mã “%s”.", pc))
			case !sc.Has(u.Path, access.Admin):
				rr.add(ColParentCode, fmt.Sprintf("Bạn không quản trị đơn vị “%s” (%s) nên không thể thêm đơn vị trực thuộc đơn vị này.", u.Name, u.Code))
			default:
				p.in.ParentID = u.ID
				rr.Note = "Thuộc " + u.Name + " (" + u.Code + ")"
			}
		case len(byCode[pc]) > 0:
			p.parentRow = byCode[pc][0]
			rr.Note = fmt.Sprintf("Thuộc %s (%s), tạo từ dòng %d của tệp", sheet.Rows[p.parentRow].Values[ColUnitName], pc, plan.Rows[p.parentRow].Line)
		default:
			rr.add(ColParentCode, fmt.Sprintf("Không tìm thấy đơn vị cấp trên có mã “%s” trong hệ thống hay trong tệp.", pc))
		}
	}

	// Parents before children; a cycle inside the file is an error on each
	// of its rows.
	state := make([]int8, n) // 0 not seen, 1 on the current chain, 2 placed
	order := make([]int, 0, n)
	for i := range pu {
		if state[i] != 0 {
			continue
		}
		var chain []int
		j := i
		for j >= 0 && state[j] == 0 {
			state[j] = 1
			chain = append(chain, j)
			j = pu[j].parentRow
		}
		if j >= 0 && state[j] == 1 {
			k := slices.Index(chain, j)
			cycle := chain[k:]
			codes := make([]string, 0, len(cycle)+1)
			lines := make([]string, 0, len(cycle))
			for _, c := range cycle {
				codes = append(codes, pu[c].in.Code)
				lines = append(lines, fmt.Sprint(plan.Rows[c].Line))
			}
			codes = append(codes, pu[cycle[0]].in.Code)
			msg := fmt.Sprintf("Các dòng %s tạo thành vòng lặp cấp trên: %s (mũi tên chỉ tới đơn vị cấp trên). Hãy sửa mã đơn vị cấp trên để không đơn vị nào nằm dưới chính nó.",
				strings.Join(lines, ", "), strings.Join(codes, " → "))
			for _, c := range cycle {
				plan.Rows[c].add(ColParentCode, msg)
			}
		}
		for k := len(chain) - 1; k >= 0; k-- {
			state[chain[k]] = 2
			order = append(order, chain[k])
		}
	}
	plan.units = make([]plannedUnit, 0, n)
	for _, i := range order {
		plan.units = append(plan.units, pu[i])
	}
	return nil
}

// userFields maps account.Profile.Validate's fields to columns.
var userFields = []struct{ field, column string }{
	{"username", ColUsername}, {"ten", ColTen}, {"email", ColEmail},
}

func previewUsers(ctx context.Context, db *database.DB, sc access.Scope, sheet *Sheet, plan *Plan) error {
	pl := make([]plannedUser, len(sheet.Rows))
	byName := map[string][]int{}
	var names, codes []string
	for i, row := range sheet.Rows {
		rr, v := &plan.Rows[i], row.Values
		p := account.Profile{Username: v[ColUsername], Ho: v[ColHo], Dem: v[ColDem], Ten: v[ColTen],
			Email: v[ColEmail], Phone: v[ColPhone], Position: v[ColPosition]}
		nameCol := ColTen
		if !sheet.Has(ColTen) || (v[ColTen] == "" && v[ColHo] == "" && v[ColDem] == "" && v[ColFullName] != "") {
			nameCol = ColFullName
			p.Ho, p.Dem, p.Ten = viet.SplitName(v[ColFullName])
		}
		if v[ColUsername] == "" {
			rr.add(ColUsername, "Nhập tên đăng nhập.")
		}
		if p.Ten == "" {
			if nameCol == ColFullName {
				rr.add(nameCol, "Nhập họ và tên.")
			} else {
				rr.add(nameCol, "Nhập tên.")
			}
		}
		phone, ok := cleanPhone(p.Phone)
		if !ok {
			rr.add(ColPhone, "Số điện thoại chỉ gồm chữ số, khoảng trắng và các dấu + - . ( ), tối đa 30 ký tự.")
		}
		p.Phone = phone
		if len([]rune(viet.NFC(p.Position))) > 120 {
			rr.add(ColPosition, "Chức vụ dài quá 120 ký tự.")
		}
		p.UnitID = -1 // resolved below; Validate only needs it set
		p.Normalize()
		if err := p.Validate(); err != nil {
			f := errs.FieldsOf(err)
			for _, m := range userFields {
				if msg := f[m.field]; msg != "" {
					col := m.column
					if col == ColTen {
						col = nameCol
					}
					rr.add(col, msg)
				}
			}
		}
		p.UnitID = 0

		roles, bad := parseRoles(v[ColRoles])
		if len(bad) > 0 {
			rr.add(ColRoles, fmt.Sprintf("Không có vai trò “%s”; dùng: %s.", strings.Join(bad, "”, “"), roleList()))
		}
		if strings.TrimSpace(v[ColRoles]) == "" {
			roles = []access.Role{access.Staff}
		}
		pw := row.Values[ColPassword]
		if pw != "" {
			if err := account.CheckPolicy("password", p.Username, pw); err != nil {
				rr.add(ColPassword, errs.MessageOf(err))
			}
		}
		uc := normCode(v[ColUserUnit])
		if uc == "" {
			rr.add(ColUserUnit, "Nhập mã đơn vị công tác.")
		} else {
			codes = append(codes, uc)
		}
		pl[i] = plannedUser{row: i, profile: p, roles: roles, password: pw}
		if p.Username != "" {
			byName[p.Username] = append(byName[p.Username], i)
			names = append(names, p.Username)
		}
	}

	for name, rows := range byName {
		if len(rows) < 2 {
			continue
		}
		for _, i := range rows {
			var others []string
			for _, j := range rows {
				if j != i {
					others = append(others, fmt.Sprint(plan.Rows[j].Line))
				}
			}
			plan.Rows[i].add(ColUsername, fmt.Sprintf("Tên đăng nhập “%s” bị trùng trong tệp (cũng có ở dòng %s).", name, strings.Join(others, ", ")))
		}
	}

	taken, err := loadUsernames(ctx, db.R, names)
	if err != nil {
		return err
	}
	units, err := loadUnits(ctx, db.R, codes)
	if err != nil {
		return err
	}
	for i := range pl {
		p, rr, v := &pl[i], &plan.Rows[i], sheet.Rows[i].Values
		if taken[p.profile.Username] {
			rr.add(ColUsername, fmt.Sprintf("Tên đăng nhập “%s” đã có người dùng.", p.profile.Username))
		}
		uc := normCode(v[ColUserUnit])
		var note []string
		if uc != "" {
			u, ok := units[uc]
			switch {
			case !ok || !sc.CanSeeUnit(u.Path):
				rr.add(ColUserUnit, fmt.Sprintf("Không tìm thấy đơn vị có mã “%s” trong hệ thống.", uc))
			case !sc.Has(u.Path, access.Admin):
				rr.add(ColUserUnit, fmt.Sprintf("Bạn không quản trị đơn vị “%s” (%s) nên không thể tạo tài khoản tại đơn vị này.", u.Name, u.Code))
			default:
				p.unitID = u.ID
				p.profile.UnitID = u.ID
				note = append(note, u.Name)
			}
		}
		labels := make([]string, len(p.roles))
		for k, r := range p.roles {
			labels[k] = r.Label()
		}
		if strings.TrimSpace(v[ColRoles]) == "" {
			note = append(note, "vai trò: "+strings.Join(labels, ", ")+" (mặc định)")
		} else {
			note = append(note, "vai trò: "+strings.Join(labels, "; "))
		}
		if p.password == "" {
			note = append(note, "mật khẩu: hệ thống tự tạo")
		}
		rr.Note = viet.FullName(p.profile.Ho, p.profile.Dem, p.profile.Ten) + " · " + strings.Join(note, " · ")
	}
	plan.users = pl
	return nil
}

// parseKind reads a kind given by its Vietnamese label or its code.
func parseKind(s string) (unit.Kind, bool) {
	k := compactKey(s)
	for _, x := range unit.Kinds {
		if k == string(x) || k == compactKey(x.Label()) {
			return x, true
		}
	}
	if x, ok := kindAliases[k]; ok {
		return x, true
	}
	return "", false
}

var kindAliases = map[string]unit.Kind{
	"banthidua": unit.Board, "bantdkt": unit.Board, "banthiduakhenthuong": unit.Board,
	"sogddt": unit.Department, "sogiaoducvadaotao": unit.Department,
	"phonggddt": unit.Office, "phonggiaoducvadaotao": unit.Office, "phongvhxh": unit.Office, "phongvanhoaxahoi": unit.Office,
	"phuong": unit.Ward, "xa": unit.Ward, "ubnd": unit.Ward, "dackhu": unit.Ward, "phuongxadackhu": unit.Ward,
	"truong": unit.School, "trunghoc": unit.School, "trungtam": unit.School,
}

func kindList() string {
	out := make([]string, len(unit.Kinds))
	for i, k := range unit.Kinds {
		out[i] = "“" + k.Label() + "”"
	}
	return strings.Join(out, ", ")
}

// parseLevels reads "TH, THCS", "TH&THCS", "Tiểu học; THCS"… into level
// codes, returning the pieces it does not know.
func parseLevels(s string) (levels, bad []string) {
	for _, tok := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(",;&/+\n", r) }) {
		tok = strings.TrimSpace(tok)
		if tok == "" {
			continue
		}
		if l, ok := levelOf(tok); ok {
			levels = append(levels, l)
			continue
		}
		var got []string
		for _, w := range strings.Fields(tok) {
			if l, ok := levelOf(w); ok {
				got = append(got, l)
			} else {
				got = nil
				break
			}
		}
		if len(got) == 0 {
			bad = append(bad, tok)
		}
		levels = append(levels, got...)
	}
	return levels, bad
}

func levelOf(s string) (string, bool) {
	k := compactKey(s)
	for _, l := range unit.Levels {
		if k == strings.ToLower(l) || k == compactKey(unit.LevelLabel(l)) {
			return l, true
		}
	}
	return "", false
}

var roleKeys = func() map[string]access.Role {
	m := map[string]access.Role{
		"quantrivien": access.Admin, "quantrihethong": access.Admin,
		"lanhdaodonvi": access.Leader,
		"canbothidua":  access.Officer, "thuky": access.Officer,
		"giaovien": access.Staff, "canbogiaovien": access.Staff, "nhanvien": access.Staff,
		"xem": access.Viewer,
	}
	for _, r := range access.Roles {
		m[string(r)] = r
		m[compactKey(r.Label())] = r
	}
	return m
}()

// parseRoles reads roles separated by commas or semicolons, given by code
// or Vietnamese label ("Cán bộ, giáo viên, nhân viên" holds commas itself:
// the longest run of pieces naming a role wins).
func parseRoles(s string) (roles []access.Role, bad []string) {
	pieces := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '|' })
	for i := 0; i < len(pieces); {
		used := 0
		for j := len(pieces); j > i; j-- {
			if r, ok := roleKeys[compactKey(strings.Join(pieces[i:j], ","))]; ok {
				if !slices.Contains(roles, r) {
					roles = append(roles, r)
				}
				used = j - i
				break
			}
		}
		if used == 0 {
			if t := strings.TrimSpace(pieces[i]); t != "" {
				bad = append(bad, t)
			}
			used = 1
		}
		i += used
	}
	return roles, bad
}

func roleList() string {
	out := make([]string, len(access.Roles))
	for i, r := range access.Roles {
		out[i] = "“" + r.Label() + "” (" + string(r) + ")"
	}
	return strings.Join(out, ", ")
}

// dateCell reads a date cell, recording a message at column when it is not
// a date.
func dateCell(rr *RowResult, column, s string) *time.Time {
	if s == "" {
		return nil
	}
	t, ok := viet.ParseDate(s)
	if !ok {
		rr.add(column, fmt.Sprintf("Ngày “%s” không hợp lệ; ghi theo dạng dd/mm/yyyy, ví dụ 01/07/2025.", s))
		return nil
	}
	if t.Year() < 1945 || t.Year() > 2100 {
		rr.add(column, fmt.Sprintf("Năm của ngày “%s” không hợp lý.", s))
		return nil
	}
	return &t
}

// cleanPhone checks a telephone number and restores the leading zero a
// spreadsheet drops when it takes 0912345678 for a number.
func cleanPhone(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	if len([]rune(s)) > 30 {
		return s, false
	}
	digits := 0
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			digits++
		case strings.ContainsRune(" +-.()", r):
		default:
			return s, false
		}
	}
	if digits == 9 && len(s) == 9 && s[0] != '0' {
		s = "0" + s
	}
	return s, true
}

// dbUnit is what a preview needs of an existing unit.
type dbUnit struct {
	ID               int64
	Code, Name, Path string
}

const lookupChunk = 500

func unique(list []string) []string {
	seen := make(map[string]bool, len(list))
	out := make([]string, 0, len(list))
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// loadUnits returns the units with the given (normalised) codes.
func loadUnits(ctx context.Context, q database.Querier, codes []string) (map[string]dbUnit, error) {
	out := map[string]dbUnit{}
	codes = unique(codes)
	for len(codes) > 0 {
		part := codes[:min(lookupChunk, len(codes))]
		codes = codes[len(part):]
		args := make([]any, len(part))
		for i, c := range part {
			args[i] = c
		}
		rows, err := q.QueryContext(ctx, "SELECT id, code, name, path FROM units WHERE code IN ("+database.Placeholders(1, len(part))+")", args...)
		if err != nil {
			return nil, errs.Wrap(err, "importer: look up units")
		}
		for rows.Next() {
			var u dbUnit
			if err := rows.Scan(&u.ID, &u.Code, &u.Name, &u.Path); err != nil {
				rows.Close()
				return nil, errs.Wrap(err, "importer: scan unit")
			}
			out[u.Code] = u
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, errs.Wrap(err, "importer: look up units")
		}
	}
	return out, nil
}

// loadUsernames returns which of names are taken.
func loadUsernames(ctx context.Context, q database.Querier, names []string) (map[string]bool, error) {
	out := map[string]bool{}
	names = unique(names)
	for len(names) > 0 {
		part := names[:min(lookupChunk, len(names))]
		names = names[len(part):]
		args := make([]any, len(part))
		for i, c := range part {
			args[i] = c
		}
		rows, err := q.QueryContext(ctx, "SELECT username FROM users WHERE username IN ("+database.Placeholders(1, len(part))+")", args...)
		if err != nil {
			return nil, errs.Wrap(err, "importer: look up usernames")
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return nil, errs.Wrap(err, "importer: scan username")
			}
			out[s] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, errs.Wrap(err, "importer: look up usernames")
		}
	}
	return out, nil
}
