package importer

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"thidua/internal/access"
	"thidua/internal/errs"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// instructionsSheet names the second sheet of an XLSX template.
const instructionsSheet = "Hướng dẫn"

// ExampleParentCode is the code of the ward the example rows of the units
// template hang under: it must exist for them to import. The examples of the
// accounts template work at the school the unit examples create.
const ExampleParentCode = "UBND-THUANAN"

var unitExamples = [][]string{
	{"TH-ANPHU", "Trường Tiểu học An Phú", "TH An Phú", "Trường học", "VHXH-THUANAN", "TH", "01/07/2025", ""},
	{"VHXH-THUANAN", "Phòng Văn hóa - Xã hội phường Thuận An", "Phòng VH-XH Thuận An", "Phòng", ExampleParentCode, "", "01/07/2025", ""},
}

var userExamples = [][]string{
	{"nguyenvanan", "Nguyễn", "Văn", "An", "nguyenvanan@example.edu.vn", "0912345678", "Giáo viên", "TH-ANPHU", "Cán bộ, giáo viên, nhân viên", ""},
	{"tranthibinh", "Trần", "Thị", "Bình", "", "", "Hiệu trưởng", "TH-ANPHU", "Lãnh đạo; Quản trị", ""},
}

func examples(kind Kind) [][]string {
	if kind == Users {
		return userExamples
	}
	return unitExamples
}

// templateHeader is the header row of kind's template: the titles, required
// ones marked with a star.
func templateHeader(kind Kind) []string {
	var out []string
	for _, c := range columnsOf(kind) {
		if !c.InTempl {
			continue
		}
		t := c.Title
		if c.Required {
			t += "*"
		}
		out = append(out, t)
	}
	return out
}

// Template returns an empty import file for kind in format "xlsx" or "csv":
// a header row of Vietnamese column titles (required ones starred) and two
// example rows to replace. The XLSX template keeps every cell as text, so
// codes, telephone numbers and dates stay as typed, and explains each column
// and its allowed values on a second sheet, "Hướng dẫn". The CSV template is
// UTF-8 with a byte order mark, so Excel shows Vietnamese correctly.
func Template(kind Kind, format string) ([]byte, error) {
	if !kind.Valid() {
		return nil, invalid("Loại dữ liệu cần nhập không hợp lệ.")
	}
	switch strings.ToLower(format) {
	case "xlsx":
		return templateXLSX(kind)
	case "csv":
		return templateCSV(kind)
	}
	return nil, invalid("Định dạng tệp mẫu phải là xlsx hoặc csv.")
}

func templateCSV(kind Kind) ([]byte, error) {
	var buf bytes.Buffer
	buf.Write(utf8BOM)
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	w.Write(templateHeader(kind))
	for _, r := range examples(kind) {
		w.Write(r)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, errs.Wrap(err, "importer: csv template")
	}
	return buf.Bytes(), nil
}

func templateXLSX(kind Kind) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	data := kind.Label()
	if err := f.SetSheetName("Sheet1", data); err != nil {
		return nil, errs.Wrap(err, "importer: template sheet")
	}
	header := templateHeader(kind)
	last := colName(len(header) - 1)

	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return nil, errs.Wrap(err, "importer: template style")
	}
	border := []excelize.Border{{Type: "left", Color: "9AA5B1", Style: 1}, {Type: "right", Color: "9AA5B1", Style: 1},
		{Type: "top", Color: "9AA5B1", Style: 1}, {Type: "bottom", Color: "9AA5B1", Style: 1}}
	head, err := f.NewStyle(&excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true}, Border: border,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DCE8F5"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	if err != nil {
		return nil, errs.Wrap(err, "importer: template style")
	}
	example, err := f.NewStyle(&excelize.Style{NumFmt: 49, Font: &excelize.Font{Italic: true, Color: "52606D"}})
	if err != nil {
		return nil, errs.Wrap(err, "importer: template style")
	}
	set := func(sheet, cell string, v any) {
		if err == nil {
			err = f.SetCellValue(sheet, cell, v)
		}
	}
	if err = f.SetColStyle(data, "A:"+last, text); err != nil {
		return nil, errs.Wrap(err, "importer: template style")
	}
	for i, h := range header {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		set(data, cell, h)
		w := 16.0
		switch {
		case strings.HasPrefix(h, ColUnitName), strings.HasPrefix(h, ColRoles), strings.HasPrefix(h, ColEmail):
			w = 34
		case strings.HasPrefix(h, ColShortName), strings.HasPrefix(h, ColParentCode), strings.HasPrefix(h, ColPassword), strings.HasPrefix(h, ColKind):
			w = 22
		case h == ColHo, h == ColDem, h == ColTen+"*":
			w = 10
		}
		if err == nil {
			err = f.SetColWidth(data, colName(i), colName(i), w)
		}
	}
	for r, row := range examples(kind) {
		for i, v := range row {
			cell, _ := excelize.CoordinatesToCellName(i+1, r+2)
			set(data, cell, v)
		}
	}
	if err != nil {
		return nil, errs.Wrap(err, "importer: template cells")
	}
	if err := f.SetCellStyle(data, "A1", last+"1", head); err != nil {
		return nil, errs.Wrap(err, "importer: template style")
	}
	if err := f.SetCellStyle(data, "A2", fmt.Sprintf("%s%d", last, len(examples(kind))+1), example); err != nil {
		return nil, errs.Wrap(err, "importer: template style")
	}
	if err := f.SetPanes(data, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, errs.Wrap(err, "importer: template panes")
	}
	if err := writeInstructions(f, kind); err != nil {
		return nil, errs.Wrap(err, "importer: template instructions")
	}
	f.SetActiveSheet(0)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, errs.Wrap(err, "importer: template write")
	}
	return buf.Bytes(), nil
}

// writeInstructions fills the "Hướng dẫn" sheet: what each column holds and
// the values the coded columns accept.
func writeInstructions(f *excelize.File, kind Kind) error {
	s := instructionsSheet
	if _, err := f.NewSheet(s); err != nil {
		return err
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DCE8F5"}},
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return err
	}
	f.SetColWidth(s, "A", "A", 28)
	f.SetColWidth(s, "B", "B", 12)
	f.SetColWidth(s, "C", "C", 90)
	row := 1
	put := func(style int, cells ...string) {
		for i, c := range cells {
			cell, _ := excelize.CoordinatesToCellName(i+1, row)
			f.SetCellValue(s, cell, c)
		}
		last, _ := excelize.CoordinatesToCellName(max(len(cells), 1), row)
		f.SetCellStyle(s, "A"+fmt.Sprint(row), last, style)
		row++
	}
	put(title, "Hướng dẫn nhập "+strings.ToLower(kind.Label())+" từ tệp")
	notes := []string{
		"• Điền dữ liệu vào trang “" + kind.Label() + "”, mỗi dòng một " + strings.ToLower(kind.Label()) + ". Giữ nguyên dòng tiêu đề; cột có dấu * là bắt buộc.",
		"• Xóa hai dòng ví dụ (chữ nghiêng) trước khi nhập, trừ khi bạn muốn tạo đúng các " + strings.ToLower(kind.Label()) + " đó.",
	}
	if kind == Units {
		notes = append(notes, "• Ngày ghi theo dạng dd/mm/yyyy, ví dụ 01/07/2025.")
	}
	for _, l := range append(notes,
		"• Tối đa "+viet.Int(MaxRows)+" dòng mỗi tệp. Có thể lưu dưới dạng .xlsx hoặc CSV UTF-8 (dấu phẩy hoặc dấu chấm phẩy).",
		"• Hệ thống kiểm tra toàn bộ tệp trước và báo lỗi theo từng dòng, từng cột. Chỉ khi không còn dòng nào lỗi, dữ liệu mới được ghi, và ghi tất cả cùng lúc: không có chuyện nhập được một nửa.",
	) {
		put(wrap, l)
	}
	row++
	put(bold, "Cột", "Bắt buộc", "Nội dung")
	for _, c := range columnsOf(kind) {
		req := ""
		if c.Required {
			req = "Có"
		}
		if c.Title == ColTen {
			req = "Có (hoặc Họ và tên)"
		}
		if c.Title == ColFullName {
			req = "Thay cho Họ, Đệm, Tên"
		}
		put(wrap, c.Title, req, c.Help)
	}
	row++
	if kind == Units {
		put(bold, "Loại đơn vị", "Mã", "Ý nghĩa")
		for _, k := range unit.Kinds {
			put(wrap, k.Label(), string(k), kindHelp(k))
		}
		row++
		put(bold, "Cấp học", "Mã", "Ghi chú")
		for _, l := range unit.Levels {
			put(wrap, unit.LevelLabel(l), l, "")
		}
		put(wrap, "Trường nhiều cấp", "TH, THCS", "Ghi các mã cách nhau bằng dấu phẩy hoặc dấu &, ví dụ “TH&THCS”, “THCS, THPT”.")
	} else {
		put(bold, "Vai trò", "Mã", "Được làm gì (tại đơn vị công tác và các đơn vị trực thuộc)")
		for _, r := range access.Roles {
			put(wrap, r.Label(), string(r), roleHelp(r))
		}
	}
	return nil
}

func kindHelp(k unit.Kind) string {
	switch k {
	case unit.Board:
		return "Ban Thi đua - Khen thưởng (nay thuộc Sở Nội vụ)."
	case unit.Department:
		return "Sở, ví dụ Sở Giáo dục và Đào tạo."
	case unit.Office:
		return "Phòng, ví dụ Phòng Giáo dục và Đào tạo, Phòng Văn hóa - Xã hội."
	case unit.Ward:
		return "Phường, xã, đặc khu (Ủy ban nhân dân)."
	case unit.School:
		return "Trường học, trung tâm; cần ghi cấp học."
	}
	return "Đơn vị khác."
}

func roleHelp(r access.Role) string {
	switch r {
	case access.Admin:
		return "Quản lý đơn vị, tài khoản, nhập dữ liệu."
	case access.Leader:
		return "Ký, gửi hồ sơ và báo cáo thay mặt đơn vị."
	case access.Officer:
		return "Tổ chức đợt xét chọn, chấm điểm, theo dõi việc thực hiện."
	case access.Staff:
		return "Ghi nhận hoạt động, soạn hồ sơ điển hình."
	case access.Viewer:
		return "Chỉ xem."
	}
	return ""
}
