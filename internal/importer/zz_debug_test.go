package importer_test

import (
	"context"
	"fmt"
	"testing"

	"thidua/internal/access"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/importer"
	"thidua/internal/unit"
)

func TestZZDebug(t *testing.T) {
	db := dbtest.SQLite(t)
	root := seedUnit(t, db, 0, unit.Department, "SO", "Sở Giáo dục và Đào tạo")
	pgd := seedUnit(t, db, root.ID, unit.Office, "PGD", "Phòng Giáo dục và Đào tạo")
	seedUnit(t, db, pgd.ID, unit.School, "TH-OLD", "Trường Tiểu học Cũ", "TH")
	h := []string{"Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã đơn vị cấp trên", "Cấp học", "Hiệu lực từ", "Hiệu lực đến"}
	data := csvFile(h,
		[]string{"TH-DUP", "Trường A", "Trường học", "PGD", "TH", "", ""},
		[]string{"th-dup", "Trường B", "Trường học", "PGD", "TH", "", ""},
		[]string{"TH-OLD", "Trường C", "Trường học", "PGD", "TH", "", ""},
		[]string{"C1", "Cụm 1", "Khác", "C2", "", "", ""},
		[]string{"C2", "Cụm 2", "Khác", "C1", "", "", ""},
		[]string{"TH-G", "Trường G", "Trường đại học", "PGD", "", "", ""},
		[]string{"TH-E", "Trường E", "Trường học", "PGD", "ĐH", "", ""},
		[]string{"X", "X", "", "PGD", "", "", ""},
		[]string{"TH-OK", "Trường OK", "Trường học", "C1", "TH", "", ""},
	)
	s, _ := importer.Parse(importer.Units, "a.csv", data)
	p, _ := importer.Preview(context.Background(), db, access.System(), s)
	for _, r := range p.Rows {
		fmt.Println(r.Line, r.Note)
		for _, e := range r.Errors {
			fmt.Printf("   [%s] %s\n", e.Column, e.Message)
		}
	}
	users := csvFile([]string{"Tên đăng nhập", "Họ", "Tên", "Mã đơn vị", "Vai trò", "Mật khẩu ban đầu"},
		[]string{"abc", "Lê", "A", "PGD", "Lãnh đạo, Hiệu trưởng", "12345678901"},
		[]string{"abcd", "Lê", "A", "PGD", "Cán bộ, giáo viên, nhân viên, quản trị", ""},
	)
	s, _ = importer.Parse(importer.Users, "a.csv", users)
	p, _ = importer.Preview(context.Background(), db, access.System(), s)
	for _, r := range p.Rows {
		fmt.Println(r.Line, r.Note)
		for _, e := range r.Errors {
			fmt.Printf("   [%s] %s\n", e.Column, e.Message)
		}
	}
	_, err := importer.Apply(context.Background(), db, access.System(), s)
	fmt.Println(errs.MessageOf(err))
	for _, c := range [][]byte{[]byte("PK\x03\x04abc"), []byte("M\xe3 \xf0\xf4n v\xec\n")} {
		_, err := importer.Parse(importer.Units, "x", c)
		fmt.Println(errs.MessageOf(err))
	}
	tmpl, _ := importer.Template(importer.Users, "xlsx")
	n := 0
	for i := 0; i < len(tmpl); i += len(tmpl)/40 + 1 {
		bad := append([]byte(nil), tmpl...)
		for j := i; j < min(i+64, len(bad)); j++ {
			bad[j] ^= 0x5a
		}
		if _, err := importer.Parse(importer.Users, "tk.xlsx", bad); err != nil {
			n++
		}
	}
	fmt.Println("garbage errors:", n)
}
