package importer_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/importer"
	"thidua/internal/unit"
)

// csvFile writes rows (the first is the header) as a CSV file.
func csvFile(rows ...[]string) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.WriteAll(rows)
	return buf.Bytes()
}

// xlsxFile writes rows on the first sheet, starting at row 1.
func xlsxFile(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustParse(t *testing.T, kind importer.Kind, name string, data []byte) *importer.Sheet {
	t.Helper()
	s, err := importer.Parse(kind, name, data)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return s
}

func mustPreview(t *testing.T, db *database.DB, sc access.Scope, s *importer.Sheet) *importer.Plan {
	t.Helper()
	p, err := importer.Preview(context.Background(), db, sc, s)
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	return p
}

func row(t *testing.T, p *importer.Plan, line int) importer.RowResult {
	t.Helper()
	for _, r := range p.Rows {
		if r.Line == line {
			return r
		}
	}
	t.Fatalf("no row at line %d", line)
	return importer.RowResult{}
}

// wantError checks the row at line has a message at column containing want.
func wantError(t *testing.T, p *importer.Plan, line int, column, want string) {
	t.Helper()
	r := row(t, p, line)
	msg := r.ErrorAt(column)
	if msg == "" || !strings.Contains(msg, want) {
		t.Errorf("line %d: message at %q = %q, want one containing %q (all errors: %+v)", line, column, msg, want, r.Errors)
	}
}

func wantOK(t *testing.T, p *importer.Plan, line int) {
	t.Helper()
	if r := row(t, p, line); !r.OK() {
		t.Errorf("line %d: unexpected errors %+v", line, r.Errors)
	}
}

func seedUnit(t *testing.T, db *database.DB, parent int64, kind unit.Kind, code, name string, levels ...string) unit.Unit {
	t.Helper()
	u, err := (&unit.Store{DB: db}).Create(context.Background(), access.System(),
		unit.Input{ParentID: parent, Kind: kind, Code: code, Name: name, Levels: levels})
	if err != nil {
		t.Fatalf("seed %s: %v", code, err)
	}
	return u
}

func byCode(t *testing.T, db *database.DB, code string) unit.Unit {
	t.Helper()
	u, err := (&unit.Store{DB: db}).ByCode(context.Background(), access.System(), code)
	if err != nil {
		t.Fatalf("unit %s: %v", code, err)
	}
	return u
}

type counts map[string]int

func count(t *testing.T, db *database.DB) counts {
	t.Helper()
	c := counts{}
	for _, table := range []string{"units", "users", "roles", "audit_log"} {
		var n int
		if err := db.R.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		c[table] = n
	}
	return c
}

func sameCounts(t *testing.T, before, after counts) {
	t.Helper()
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s: %d rows before, %d after; a refused import must change nothing", k, v, after[k])
		}
	}
}

func TestTemplateRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		sys := access.System()
		seedUnit(t, db, 0, unit.Ward, importer.ExampleParentCode, "UBND phường Thuận An")

		for _, kind := range []importer.Kind{importer.Units, importer.Users} {
			for _, format := range []string{"xlsx", "csv"} {
				data, err := importer.Template(kind, format)
				if err != nil {
					t.Fatalf("template %s %s: %v", kind, format, err)
				}
				if format == "csv" && !bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
					t.Errorf("%s csv template has no UTF-8 byte order mark", kind)
				}
				if format == "xlsx" {
					checkInstructions(t, kind, data)
				}
				s := mustParse(t, kind, "mau."+format, data)
				want := slices.DeleteFunc(importer.Columns(kind), func(c string) bool { return c == importer.ColFullName })
				if !slices.Equal(s.Columns, want) || len(s.Ignored) != 0 {
					t.Errorf("%s %s: columns %v ignored %v, want %v", kind, format, s.Columns, s.Ignored, want)
				}
				if len(s.Rows) != 2 || s.Rows[0].Line != 2 || s.Rows[1].Line != 3 {
					t.Fatalf("%s %s: rows %+v, want the two examples at lines 2 and 3", kind, format, s.Rows)
				}
				p := mustPreview(t, db, sys, s)
				if kind == importer.Units && !p.Valid {
					t.Errorf("units %s template: examples not valid: %+v", format, p.Rows)
				}
				if kind == importer.Users {
					// Before the example school exists, its code is the only problem.
					for _, r := range p.Rows {
						if len(r.Errors) != 1 || r.ErrorAt(importer.ColUserUnit) == "" {
							t.Errorf("users %s template line %d: errors %+v, want only the unknown unit", format, r.Line, r.Errors)
						}
					}
				}
			}
		}

		// Import the unit examples, then the account examples are valid too.
		units, _ := importer.Template(importer.Units, "xlsx")
		if _, err := importer.Apply(ctx, db, sys, mustParse(t, importer.Units, "mau.xlsx", units)); err != nil {
			t.Fatalf("apply unit examples: %v", err)
		}
		school := byCode(t, db, "TH-ANPHU")
		office := byCode(t, db, "VHXH-THUANAN")
		if school.ParentID != office.ID || school.LevelsLabel() != "TH" || school.ValidFrom == nil || school.ValidFrom.Format("02/01/2006") != "01/07/2025" {
			t.Errorf("example school = %+v (office %d)", school, office.ID)
		}
		for _, format := range []string{"xlsx", "csv"} {
			data, _ := importer.Template(importer.Users, format)
			if p := mustPreview(t, db, sys, mustParse(t, importer.Users, "mau."+format, data)); !p.Valid {
				t.Errorf("users %s template after the school exists: %+v", format, p.Rows)
			}
		}
		data, _ := importer.Template(importer.Users, "csv")
		res, err := importer.Apply(ctx, db, sys, mustParse(t, importer.Users, "mau.csv", data))
		if err != nil {
			t.Fatalf("apply account examples: %v", err)
		}
		if len(res.Users) != 2 || len(res.Passwords) != 2 || res.Passwords["nguyenvanan"] == "" {
			t.Errorf("account examples: %d users, passwords %v", len(res.Users), res.Passwords)
		}
	})
}

// checkInstructions opens an XLSX template and looks for its instructions
// sheet and the allowed values it must list.
func checkInstructions(t *testing.T, kind importer.Kind, data []byte) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("open template: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 2 || sheets[1] != "Hướng dẫn" {
		t.Fatalf("%s template sheets = %v, want data then Hướng dẫn", kind, sheets)
	}
	rows, err := f.GetRows("Hướng dẫn")
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, r := range rows {
		text.WriteString(strings.Join(r, "|") + "\n")
	}
	var want []string
	if kind == importer.Units {
		for _, k := range unit.Kinds {
			want = append(want, k.Label(), string(k))
		}
		want = append(want, unit.Levels...)
	} else {
		for _, r := range access.Roles {
			want = append(want, r.Label(), string(r))
		}
	}
	for _, c := range importer.Columns(kind) {
		want = append(want, c)
	}
	for _, w := range want {
		if !strings.Contains(text.String(), w) {
			t.Errorf("%s instructions do not mention %q", kind, w)
		}
	}
}

func TestUnitsParentsLaterInFile(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		root := seedUnit(t, db, 0, unit.Department, "SO-GD", "Sở Giáo dục và Đào tạo")
		data := csvFile(
			[]string{"Mã đơn vị*", "Tên đơn vị*", "Loại đơn vị*", "Mã đơn vị cấp trên", "Cấp học", "Hiệu lực từ"},
			[]string{"th-a", "Trường Tiểu học A", "school", "P1", "TH", "5/9/2025"},
			[]string{"THCS-B", "Trường TH&THCS B", "Truong hoc", "P1", "TH&THCS", ""},
			[]string{"P1", "Phòng Văn hóa - Xã hội phường 1", "Phòng", "W1", "", ""},
			[]string{"W1", "UBND phường 1", "PHUONG, XA", "so-gd", "", "2025-07-01"},
		)
		before := count(t, db)
		p := mustPreview(t, db, access.System(), mustParse(t, importer.Units, "donvi.csv", data))
		if !p.Valid {
			t.Fatalf("plan not valid: %+v", p.Rows)
		}
		res, err := importer.Apply(ctx, db, access.System(), mustParse(t, importer.Units, "donvi.csv", data))
		if err != nil {
			t.Fatalf("apply: %v", err)
		}
		var order []string
		for _, u := range res.Units {
			order = append(order, u.Code)
		}
		if order[0] != "W1" || order[1] != "P1" {
			t.Errorf("creation order %v: parents must come first", order)
		}
		w1, p1, a, b := byCode(t, db, "W1"), byCode(t, db, "P1"), byCode(t, db, "TH-A"), byCode(t, db, "THCS-B")
		id := func(u unit.Unit) string { return fmt.Sprint(u.ID) }
		if w1.Path != root.Path+id(w1)+"/" || p1.Path != w1.Path+id(p1)+"/" || a.Path != p1.Path+id(a)+"/" || b.Path != p1.Path+id(b)+"/" {
			t.Errorf("paths: W1 %s, P1 %s, TH-A %s, THCS-B %s (root %s)", w1.Path, p1.Path, a.Path, b.Path, root.Path)
		}
		if w1.Kind != unit.Ward || p1.Kind != unit.Office || b.Kind != unit.School || b.LevelsLabel() != "TH&THCS" {
			t.Errorf("kinds/levels: %s %s %s %s", w1.Kind, p1.Kind, b.Kind, b.LevelsLabel())
		}
		if a.ValidFrom == nil || !a.ValidFrom.Equal(time.Date(2025, 9, 5, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("TH-A valid from %v, want 5 September 2025", a.ValidFrom)
		}
		after := count(t, db)
		if after["units"] != before["units"]+4 || after["audit_log"] != before["audit_log"]+4 {
			t.Errorf("counts before %v after %v: want 4 more units and 4 audit entries", before, after)
		}
	})
}

func TestUnitErrors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		root := seedUnit(t, db, 0, unit.Department, "SO", "Sở Giáo dục và Đào tạo")
		pgd := seedUnit(t, db, root.ID, unit.Office, "PGD", "Phòng Giáo dục và Đào tạo")
		seedUnit(t, db, pgd.ID, unit.School, "TH-OLD", "Trường Tiểu học Cũ", "TH")
		h := []string{"Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã đơn vị cấp trên", "Cấp học", "Hiệu lực từ", "Hiệu lực đến"}
		data := csvFile(h,
			[]string{"TH-DUP", "Trường A", "Trường học", "PGD", "TH", "", ""},                 // 2 duplicate
			[]string{"th-dup", "Trường B", "Trường học", "PGD", "TH", "", ""},                 // 3 duplicate
			[]string{"TH-OLD", "Trường C", "Trường học", "PGD", "TH", "", ""},                 // 4 in the database
			[]string{"TH-D", "Trường D", "Trường học", "KHONGCO", "TH", "", ""},               // 5 unknown parent
			[]string{"C1", "Cụm 1", "Khác", "C2", "", "", ""},                                 // 6 cycle
			[]string{"C2", "Cụm 2", "Khác", "C3", "", "", ""},                                 // 7 cycle
			[]string{"C3", "Cụm 3", "Khác", "C1", "", "", ""},                                 // 8 cycle
			[]string{"C4", "Cụm 4", "Khác", "C1", "", "", ""},                                 // 9 under the cycle
			[]string{"TH-E", "Trường E", "Trường học", "PGD", "ĐH", "", ""},                   // 10 bad level
			[]string{"P-F", "Phòng F", "Phòng", "SO", "TH", "", ""},                           // 11 level on an office
			[]string{"TH-G", "Trường G", "Trường đại học", "PGD", "", "", ""},                 // 12 bad kind
			[]string{"TH-H", "Trường H", "Trường học", "PGD", "TH", "31/02/2025", ""},         // 13 bad date
			[]string{"TH-I", "Trường I", "Trường học", "PGD", "TH", "01/07/2025", "1/1/2025"}, // 14 end before start
			[]string{"TH-J", "Trường J", "Trường học", "TH-J", "TH", "", ""},                  // 15 own parent
			[]string{"TH-K", "", "Trường học", "PGD", "TH", "", ""},                           // 16 no name
			[]string{"mã có dấu", "Trường L", "Trường học", "PGD", "TH", "", ""},              // 17 bad code
			[]string{"TH-M", "Trường M", "Trường học", "PGD", "", "", ""},                     // 18 school without level
			[]string{"TH-OK", "Trường Tiểu học Được", "Trường học", "PGD", "TH", "", ""},      // 19 fine
		)
		before := count(t, db)
		s := mustParse(t, importer.Units, "loi.csv", data)
		p := mustPreview(t, db, access.System(), s)
		wantError(t, p, 2, importer.ColUnitCode, "dòng 3")
		wantError(t, p, 3, importer.ColUnitCode, "dòng 2")
		wantError(t, p, 4, importer.ColUnitCode, "đã có trong hệ thống")
		wantError(t, p, 5, importer.ColParentCode, "Không tìm thấy đơn vị cấp trên có mã “KHONGCO”")
		for _, line := range []int{6, 7, 8} {
			wantError(t, p, line, importer.ColParentCode, "vòng lặp")
		}
		wantError(t, p, 6, importer.ColParentCode, "C1 → C2 → C3 → C1")
		wantOK(t, p, 9)
		wantError(t, p, 10, importer.ColLevels, "“ĐH”")
		wantError(t, p, 11, importer.ColLevels, "Chỉ trường học")
		wantError(t, p, 12, importer.ColKind, "“Trường đại học” không hợp lệ")
		wantError(t, p, 13, importer.ColValidFrom, "31/02/2025")
		wantError(t, p, 14, importer.ColValidTo, "sau ngày bắt đầu")
		wantError(t, p, 15, importer.ColParentCode, "chính nó")
		wantError(t, p, 16, importer.ColUnitName, "Nhập tên đơn vị")
		wantError(t, p, 17, importer.ColUnitCode, "chữ không dấu")
		wantError(t, p, 18, importer.ColLevels, "ít nhất một cấp học")
		wantOK(t, p, 19)
		if r := row(t, p, 19); !strings.Contains(r.Note, "Phòng Giáo dục và Đào tạo") {
			t.Errorf("note of a valid row = %q, want its parent named", r.Note)
		}
		for _, r := range p.Rows {
			if len(r.Errors) > 0 && r.Line != 5 && r.Line != 9 && len(r.Errors) != 1 {
				t.Errorf("line %d: %d errors %+v, want exactly one", r.Line, len(r.Errors), r.Errors)
			}
		}
		if p.Valid || p.ErrorRows != 16 {
			t.Errorf("valid %v with %d error rows, want 16", p.Valid, p.ErrorRows)
		}
		res, err := importer.Apply(ctx, db, access.System(), s)
		if !errs.Is(err, errs.Invalid) || res == nil || res.Plan == nil || res.Plan.ErrorRows != 16 || len(res.Units) != 0 {
			t.Errorf("apply: err %v, result %+v; want invalid with the plan", err, res)
		}
		sameCounts(t, before, count(t, db))
	})
}

func TestSemicolonCSVWithBOM(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		seedUnit(t, db, 0, unit.Office, "PGD", "Phòng Giáo dục và Đào tạo")
		// Excel in a Vietnamese locale: semicolons, a byte order mark, CRLF,
		// headers typed without diacritics, a comma inside a cell.
		data := []byte("\xEF\xBB\xBFMa don vi;Ten don vi;Loai don vi;Ma don vi cap tren;Cap hoc;Ghi chú riêng\r\n" +
			"TH-A;Trường TH, THCS Ánh Dương;truong hoc;pgd;TH, THCS;\r\n" +
			";;;;;\r\n" +
			"\"MN-B\";\"Trường Mầm non \"\"Hoa Sen\"\"\";SCHOOL;PGD;mn;x\r\n")
		s := mustParse(t, importer.Units, "donvi.csv", data)
		if s.Format != "csv" || len(s.Rows) != 2 || s.Rows[0].Line != 2 || s.Rows[1].Line != 4 {
			t.Fatalf("sheet %+v", s)
		}
		if got := s.Rows[0].Values[importer.ColUnitName]; got != "Trường TH, THCS Ánh Dương" {
			t.Errorf("name = %q", got)
		}
		if got := s.Rows[1].Values[importer.ColUnitName]; got != "Trường Mầm non \"Hoa Sen\"" {
			t.Errorf("quoted name = %q", got)
		}
		if !slices.Equal(s.Ignored, []string{"Ghi chú riêng"}) {
			t.Errorf("ignored %v", s.Ignored)
		}
		p := mustPreview(t, db, access.System(), s)
		if !p.Valid {
			t.Fatalf("plan %+v", p.Rows)
		}
		res, err := importer.Apply(context.Background(), db, access.System(), s)
		if err != nil {
			t.Fatal(err)
		}
		if res.Units[0].LevelsLabel() != "TH&THCS" || res.Units[1].LevelsLabel() != "MN" {
			t.Errorf("levels %v %v", res.Units[0].Levels, res.Units[1].Levels)
		}
	})
}

func TestUserErrors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		sys := access.System()
		school := seedUnit(t, db, seedUnit(t, db, 0, unit.Ward, "PHUONG-A", "Phường A").ID, unit.School, "TH-A", "Trường Tiểu học A", "TH")
		if _, err := (&account.Store{DB: db}).Create(ctx, sys, account.Profile{Username: "dacoroi", Ten: "Có", UnitID: school.ID}, "mat-khau-rat-dai-9", false); err != nil {
			t.Fatal(err)
		}
		h := []string{"Tên đăng nhập", "Họ", "Đệm", "Tên", "Email", "Điện thoại", "Mã đơn vị", "Vai trò", "Mật khẩu ban đầu"}
		data := csvFile(h,
			[]string{"yeu", "Lê", "", "Yếu", "", "", "TH-A", "", "12345"},                                                        // 2 weak password
			[]string{"vaitro", "Lê", "", "Vai", "", "", "TH-A", "Lãnh đạo, Hiệu trưởng", ""},                                     // 3 unknown role
			[]string{"donvi", "Lê", "", "Đơn", "", "", "KHONGCO", "", ""},                                                        // 4 unknown unit
			[]string{"Nguyễn An", "Nguyễn", "", "An", "", "", "TH-A", "", ""},                                                    // 5 bad username
			[]string{"dacoroi", "Lê", "", "Có", "", "", "TH-A", "", ""},                                                          // 6 taken
			[]string{"trung", "Lê", "", "Một", "", "", "TH-A", "", ""},                                                           // 7 duplicate
			[]string{"TRUNG", "Lê", "", "Hai", "", "", "TH-A", "", ""},                                                           // 8 duplicate
			[]string{"chuaten", "Lê", "", "Chứa", "", "", "TH-A", "", "chuaten-2025!"},                                           // 9 password holds username
			[]string{"thu", "Lê", "", "Thư", "khong-phai-email", "", "TH-A", "", ""},                                             // 10 bad e-mail
			[]string{"khongten", "Lê", "Văn", "", "", "", "TH-A", "", ""},                                                        // 11 no tên
			[]string{"dienthoai", "Lê", "", "Thoại", "", "09x-abc", "TH-A", "", ""},                                              // 12 bad phone
			[]string{"tot", "Phạm", "Thị", "Tốt", "tot@example.edu.vn", "", "th-a", "Cán bộ, giáo viên, nhân viên; Chỉ xem", ""}, // 13 fine
			[]string{"", "Lê", "", "Không", "", "", "", "", ""},                                                                  // 14 no username, no unit
		)
		before := count(t, db)
		s := mustParse(t, importer.Users, "taikhoan.csv", data)
		p := mustPreview(t, db, sys, s)
		wantError(t, p, 2, importer.ColPassword, "ít nhất 10 ký tự")
		wantError(t, p, 3, importer.ColRoles, "“Hiệu trưởng”")
		wantError(t, p, 4, importer.ColUserUnit, "“KHONGCO”")
		wantError(t, p, 5, importer.ColUsername, "chữ thường không dấu")
		wantError(t, p, 6, importer.ColUsername, "đã có người dùng")
		wantError(t, p, 7, importer.ColUsername, "dòng 8")
		wantError(t, p, 8, importer.ColUsername, "dòng 7")
		wantError(t, p, 9, importer.ColPassword, "tên đăng nhập")
		wantError(t, p, 10, importer.ColEmail, "thư điện tử")
		wantError(t, p, 11, importer.ColTen, "Nhập tên")
		wantError(t, p, 12, importer.ColPhone, "Số điện thoại")
		wantOK(t, p, 13)
		wantError(t, p, 14, importer.ColUsername, "Nhập tên đăng nhập")
		wantError(t, p, 14, importer.ColUserUnit, "Nhập mã đơn vị")
		if r := row(t, p, 13); !strings.Contains(r.Note, "Cán bộ, giáo viên, nhân viên; Chỉ xem") {
			t.Errorf("note = %q, want both roles", r.Note)
		}
		if r := row(t, p, 2); r.Values[importer.ColPassword] == "12345" {
			t.Error("preview echoes a password in clear")
		}
		if p.Valid || p.ErrorRows != 12 {
			t.Errorf("valid %v, %d error rows; want 12", p.Valid, p.ErrorRows)
		}
		if _, err := importer.Apply(ctx, db, sys, s); !errs.Is(err, errs.Invalid) {
			t.Errorf("apply: %v, want invalid", err)
		}
		sameCounts(t, before, count(t, db))
	})
}

func TestScopedAdmin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		phong := seedUnit(t, db, 0, unit.Office, "PGD", "Phòng Giáo dục và Đào tạo")
		a := seedUnit(t, db, phong.ID, unit.School, "TH-A", "Trường Tiểu học A", "TH")
		seedUnit(t, db, phong.ID, unit.School, "TH-B", "Trường Tiểu học B", "TH")
		adminA := access.Scope{UserID: 77, Username: "qt-a", UnitID: a.ID, Grants: []access.Grant{{UnitID: a.ID, Path: a.Path, Role: access.Admin}}}

		h := []string{"Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã đơn vị cấp trên"}
		s := mustParse(t, importer.Units, "donvi.csv", csvFile(h,
			[]string{"TO-A", "Tổ chuyên môn khối 1", "Khác", "TH-A"},
			[]string{"TO-B", "Tổ chuyên môn trường B", "Khác", "TH-B"},
			[]string{"TO-C", "Tổ trực thuộc phòng", "Khác", "PGD"},
			[]string{"GOC", "Đơn vị gốc", "Khác", ""},
			[]string{"TO-D", "Tổ con của tổ A", "Khác", "TO-A"},
		))
		p := mustPreview(t, db, adminA, s)
		wantOK(t, p, 2)
		wantError(t, p, 3, importer.ColParentCode, "“TH-B”")
		wantError(t, p, 4, importer.ColParentCode, "Bạn không quản trị")
		wantError(t, p, 5, importer.ColParentCode, "quản trị toàn hệ thống")
		wantOK(t, p, 6)
		if p.ErrorRows != 3 {
			t.Errorf("%d error rows, want 3", p.ErrorRows)
		}

		// The rows inside the school import.
		ok := mustParse(t, importer.Units, "donvi.csv", csvFile(h,
			[]string{"TO-D", "Tổ con của tổ A", "Khác", "TO-A"},
			[]string{"TO-A", "Tổ chuyên môn khối 1", "Khác", "TH-A"}))
		if _, err := importer.Apply(ctx, db, adminA, ok); err != nil {
			t.Fatalf("apply inside the school: %v", err)
		}
		if toD := byCode(t, db, "TO-D"); !access.Within(toD.Path, a.Path) || toD.Depth != a.Depth+2 {
			t.Errorf("TO-D path %s depth %d, want two levels under %s", toD.Path, toD.Depth, a.Path)
		}

		users := mustParse(t, importer.Users, "tk.csv", csvFile(
			[]string{"Tên đăng nhập", "Họ và tên", "Mã đơn vị", "Vai trò"},
			[]string{"gv.a", "Nguyễn Văn An", "TH-A", "staff"},
			[]string{"gv.b", "Trần Thị Bình", "TH-B", "staff"},
			[]string{"gv.phong", "Lê Văn Cường", "PGD", "viewer"},
		))
		p = mustPreview(t, db, adminA, users)
		wantOK(t, p, 2)
		wantError(t, p, 3, importer.ColUserUnit, "“TH-B”")
		wantError(t, p, 4, importer.ColUserUnit, "Bạn không quản trị")

		viewer := access.Scope{UserID: 78, Grants: []access.Grant{{UnitID: a.ID, Path: a.Path, Role: access.Viewer}}}
		if _, err := importer.Preview(ctx, db, viewer, users); !errs.Is(err, errs.Forbidden) {
			t.Errorf("preview by a viewer: %v, want forbidden", err)
		}
	})
}

func TestApplyUsers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		sys := access.System()
		school := seedUnit(t, db, seedUnit(t, db, 0, unit.Ward, "PHUONG-A", "Phường A").ID, unit.School, "TH-A", "Trường Tiểu học A", "TH")
		// One "Họ và tên" column instead of three; XLSX with a number where
		// a telephone lost its leading zero.
		data := xlsxFile(t,
			[]any{"Tên đăng nhập*", "Họ và tên", "Điện thoại", "Chức vụ", "Mã đơn vị*", "Vai trò", "Mật khẩu ban đầu"},
			[]any{"Hieutruong.A", "  Nguyễn  Thị Minh Khai ", 912345678, "Hiệu trưởng", "TH-A", "Lãnh đạo; quan tri", "Truong-A-2025!"},
			[]any{"giaovien.b", "Trần Bình", "", "Giáo viên", "TH-A", "", ""},
		)
		before := count(t, db)
		res, err := importer.Apply(ctx, db, sys, mustParse(t, importer.Users, "tk.xlsx", data))
		if err != nil {
			t.Fatalf("apply: %v", err)
		}
		if len(res.Users) != 2 || len(res.Passwords) != 1 || res.Passwords["giaovien.b"] == "" {
			t.Fatalf("users %d, passwords %v: want only the generated one", len(res.Users), res.Passwords)
		}
		store := &account.Store{DB: db}
		ht, err := store.ByUsername(ctx, sys, "hieutruong.a")
		if err != nil {
			t.Fatal(err)
		}
		if ht.Ho != "Nguyễn" || ht.Dem != "Thị Minh" || ht.Ten != "Khai" || ht.Phone != "0912345678" || ht.UnitID != school.ID || !ht.MustChangePassword {
			t.Errorf("user = %+v", ht)
		}
		var got []access.Role
		for _, g := range ht.Roles {
			if g.UnitID != school.ID {
				t.Errorf("grant at unit %d, want the school %d", g.UnitID, school.ID)
			}
			got = append(got, g.Role)
		}
		if !slices.Equal(got, []access.Role{access.Leader, access.Admin}) {
			t.Errorf("roles %v, want leader and admin", got)
		}
		gv, err := store.ByUsername(ctx, sys, "giaovien.b")
		if err != nil {
			t.Fatal(err)
		}
		if len(gv.Roles) != 1 || gv.Roles[0].Role != access.Staff || !gv.MustChangePassword || gv.Ho != "Trần" || gv.Ten != "Bình" {
			t.Errorf("default role user = %+v roles %+v", gv, gv.Roles)
		}
		for username, pw := range map[string]string{"hieutruong.a": "Truong-A-2025!", "giaovien.b": res.Passwords["giaovien.b"]} {
			var hash string
			db.R.QueryRowContext(ctx, "SELECT password_hash FROM users WHERE username = $1", username).Scan(&hash)
			if !account.CheckPassword(hash, pw) {
				t.Errorf("%s cannot log in with the initial password", username)
			}
		}
		after := count(t, db)
		// 2 users and 3 roles, each with its audit entry.
		if after["users"] != before["users"]+2 || after["roles"] != before["roles"]+3 || after["audit_log"] != before["audit_log"]+5 {
			t.Errorf("counts before %v after %v", before, after)
		}
	})
}

func TestApplyOneBadRowChangesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		sys := access.System()
		seedUnit(t, db, 0, unit.Office, "PGD", "Phòng Giáo dục và Đào tạo")
		seedUnit(t, db, seedUnit(t, db, 0, unit.Ward, "PHUONG-A", "Phường A").ID, unit.School, "TH-A", "Trường Tiểu học A", "TH")
		rows := [][]string{{"Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã đơn vị cấp trên", "Cấp học"}}
		for i := range 30 {
			rows = append(rows, []string{fmt.Sprintf("TH-%02d", i), fmt.Sprintf("Trường %d", i), "Trường học", "PGD", "TH"})
		}
		rows = append(rows, []string{"TH-X", "Trường X", "Trường học", "PGD", "TH&ĐH"})
		before := count(t, db)
		if _, err := importer.Apply(ctx, db, sys, mustParse(t, importer.Units, "dv.csv", csvFile(rows...))); !errs.Is(err, errs.Invalid) || !strings.Contains(errs.MessageOf(err), "1 dòng lỗi") {
			t.Errorf("units apply: %v, want invalid naming 1 bad row", err)
		}
		sameCounts(t, before, count(t, db))

		users := [][]string{{"Tên đăng nhập", "Tên", "Mã đơn vị", "Vai trò"}}
		for i := range 5 {
			users = append(users, []string{fmt.Sprintf("gv%02d", i), "Giáo viên", "TH-A", "Cán bộ, giáo viên, nhân viên"})
		}
		users = append(users, []string{"gv99", "Giáo viên", "TH-A", "Siêu quản trị"})
		if _, err := importer.Apply(ctx, db, sys, mustParse(t, importer.Users, "tk.csv", csvFile(users...))); !errs.Is(err, errs.Invalid) {
			t.Errorf("users apply: %v, want invalid", err)
		}
		sameCounts(t, before, count(t, db))
	})
}

func TestXLSXDatesAndTitleRow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		seedUnit(t, db, 0, unit.Office, "PGD", "Phòng Giáo dục và Đào tạo")
		f := excelize.NewFile()
		defer f.Close()
		f.SetCellValue("Sheet1", "A1", "DANH SÁCH ĐƠN VỊ")
		f.SetSheetRow("Sheet1", "A3", &[]any{"Mã đơn vị (*)", "Tên đơn vị (*)", "Loại đơn vị (*)", "Mã đơn vị cấp trên", "Cấp học", "Hiệu lực từ", "Hiệu lực đến"})
		f.SetSheetRow("Sheet1", "A4", &[]any{"TH-A", "Trường A", "Trường học", "PGD", "TH", time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), "31/12/2030"})
		// A US date format would print 7/2/2025 for 2 July: the raw value wins.
		us, _ := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("m/d/yyyy")})
		f.SetSheetRow("Sheet1", "A6", &[]any{"TH-B", "Trường B", "Trường học", "PGD", "TH", time.Date(2025, 7, 2, 0, 0, 0, 0, time.UTC)})
		f.SetCellStyle("Sheet1", "F6", "F6", us)
		buf, _ := f.WriteToBuffer()
		s := mustParse(t, importer.Units, "dv.xlsx", buf.Bytes())
		if len(s.Rows) != 2 || s.Rows[0].Line != 4 || s.Rows[1].Line != 6 {
			t.Fatalf("rows %+v, want lines 4 and 6", s.Rows)
		}
		if a, b := s.Rows[0].Values[importer.ColValidFrom], s.Rows[1].Values[importer.ColValidFrom]; a != "01/07/2025" || b != "02/07/2025" {
			t.Errorf("dates %q %q, want 01/07/2025 and 02/07/2025", a, b)
		}
		if p := mustPreview(t, db, access.System(), s); !p.Valid {
			t.Errorf("plan %+v", p.Rows)
		}
	})
}

func ptr[T any](v T) *T { return &v }

func TestParseRefusals(t *testing.T) {
	tmpl, err := importer.Template(importer.Units, "xlsx")
	if err != nil {
		t.Fatal(err)
	}
	unitsHeader := []string{"Mã đơn vị", "Tên đơn vị", "Loại đơn vị"}
	big := [][]string{unitsHeader}
	for i := range importer.MaxRows + 1 {
		big = append(big, []string{fmt.Sprint("U", i), "Đơn vị", "Khác"})
	}
	atMax := big[:importer.MaxRows+1]
	if s, err := importer.Parse(importer.Units, "max.csv", csvFile(atMax...)); err != nil || len(s.Rows) != importer.MaxRows {
		t.Errorf("exactly %d rows: err %v", importer.MaxRows, err)
	}

	// A zip that is not a workbook, and a workbook whose sheet XML is garbage.
	var notBook bytes.Buffer
	{
		f := excelize.NewFile()
		f.SetCellValue("Sheet1", "A1", "x")
		b, _ := f.WriteToBuffer()
		notBook.Write(b.Bytes()[:30])
	}

	tests := []struct {
		name, file string
		data       []byte
		code       errs.Code
		want       string
	}{
		{"truncated xlsx", "mau.xlsx", tmpl[:len(tmpl)/2], errs.Invalid, "tệp Excel"},
		{"truncated xlsx, tiny", "mau.xlsx", tmpl[:10], errs.Invalid, "tệp Excel"},
		{"zip header then garbage", "mau.xlsx", append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0x42, 0x00, 0xff}, 300)...), errs.Invalid, "tệp Excel"},
		{"start of a workbook", "a.xlsx", notBook.Bytes(), errs.Invalid, "tệp Excel"},
		{"not a workbook at all", "mau.xlsx", []byte("\x00\x01garbage\xff\xfe"), errs.Invalid, ".xlsx"},
		{"old xls", "cu.xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 100)...), errs.Invalid, ".xls"},
		{"windows-1258 csv", "dv.csv", []byte("M\xe3 \xf0\xf4n v\xec,T\xean \xf0\xf4n v\xec,Lo\xe1i\r\nA,Tr\xd2\xf5ng,Kh\xe1c\r\n"), errs.Invalid, "lưu dưới dạng CSV UTF-8"},
		{"utf-16 csv", "dv.csv", []byte("\xff\xfeM\x00a\x00"), errs.Invalid, "CSV UTF-8"},
		{"binary named csv", "dv.csv", []byte("Mã đơn vị\x00\x00"), errs.Invalid, "CSV"},
		{"empty", "dv.csv", []byte("\xEF\xBB\xBF \r\n"), errs.Invalid, "trống"},
		{"header only", "dv.csv", csvFile(unitsHeader), errs.Invalid, "không có dòng dữ liệu"},
		{"missing columns", "dv.csv", csvFile([]string{"Mã đơn vị", "Tên"}, []string{"A", "B"}), errs.Invalid, "thiếu cột bắt buộc: Loại đơn vị"},
		{"accounts given as units", "dv.csv", csvFile([]string{"Tên đăng nhập", "Họ", "Tên", "Mã đơn vị"}, []string{"a", "b", "c", "d"}), errs.Invalid, "danh sách tài khoản"},
		{"no header at all", "dv.csv", csvFile([]string{"a", "b"}, []string{"c", "d"}), errs.Invalid, "Mã đơn vị, Tên đơn vị, Loại đơn vị"},
		{"column twice", "dv.csv", csvFile([]string{"Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Ma don vi"}, []string{"A", "B", "C", "D"}), errs.Invalid, "hai lần"},
		{"too many rows", "big.csv", csvFile(big...), errs.TooLarge, "20.000"},
		{"broken quotes", "dv.csv", []byte("Mã đơn vị,Tên đơn vị,Loại đơn vị\nA,\"B\"x\"y,C\n"), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := importer.Parse(importer.Units, tt.file, tt.data)
			if tt.code == "" { // must not crash; either outcome is acceptable
				return
			}
			if errs.CodeOf(err) != tt.code || !strings.Contains(strings.ToLower(errs.MessageOf(err)), strings.ToLower(tt.want)) {
				t.Errorf("err %v (sheet %v), want %s mentioning %q", err, s, tt.code, tt.want)
			}
		})
	}

	// Users need a name: Tên or Họ và tên.
	if _, err := importer.Parse(importer.Users, "tk.csv", csvFile([]string{"Tên đăng nhập", "Họ", "Mã đơn vị"}, []string{"a", "b", "c"})); !strings.Contains(errs.MessageOf(err), "Tên") {
		t.Errorf("users without a name column: %v", err)
	}
	if _, err := importer.Template("x", "csv"); !errs.Is(err, errs.Invalid) {
		t.Errorf("template of an unknown kind: %v", err)
	}
	if _, err := importer.Template(importer.Users, "pdf"); !errs.Is(err, errs.Invalid) {
		t.Errorf("template in an unknown format: %v", err)
	}
}

// TestParseGarbageNeverPanics feeds corrupted variants of a real template.
func TestParseGarbageNeverPanics(t *testing.T) {
	tmpl, _ := importer.Template(importer.Users, "xlsx")
	for i := 0; i < len(tmpl); i += len(tmpl)/40 + 1 {
		bad := bytes.Clone(tmpl)
		for j := i; j < min(i+64, len(bad)); j++ {
			bad[j] ^= 0x5a
		}
		s, err := importer.Parse(importer.Users, "tk.xlsx", bad)
		if err == nil && s == nil {
			t.Fatalf("offset %d: nil sheet without error", i)
		}
		if err != nil && errs.CodeOf(err) == errs.Internal {
			t.Errorf("offset %d: %v, want a message for the user", i, err)
		}
	}
}
