// Package importer brings units and accounts in from spreadsheets (XLSX or
// CSV). An administrator downloads a template, fills it in, uploads it, sees
// a preview in which every row carries its own Vietnamese error messages at
// the column they concern, and only when no row has an error is the whole file
// written, in one transaction: all or nothing.
package importer

import (
	"slices"
	"strings"
	"unicode"

	"thidua/internal/errs"
	"thidua/internal/viet"
)

// Kind is what a file imports.
type Kind string

const (
	Units Kind = "units" // đơn vị
	Users Kind = "users" // tài khoản
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == Units || k == Users }

// Label is the Vietnamese name of what k imports.
func (k Kind) Label() string {
	switch k {
	case Units:
		return "Đơn vị"
	case Users:
		return "Tài khoản"
	}
	return string(k)
}

// MaxRows is the most data rows one file may hold.
const MaxRows = 20000

// MaxFileSize is the largest upload the web layer should accept for an
// import (callers cap the request body with it; Parse refuses more).
const MaxFileSize = 16 << 20

// Column titles as the user sees them, without the star that marks a
// required column in the template. They are also the keys of Row.Values and
// the Column of a FieldError.
const (
	ColUnitCode   = "Mã đơn vị"
	ColUnitName   = "Tên đơn vị"
	ColShortName  = "Tên viết tắt"
	ColKind       = "Loại đơn vị"
	ColParentCode = "Mã đơn vị cấp trên"
	ColLevels     = "Cấp học"
	ColValidFrom  = "Hiệu lực từ"
	ColValidTo    = "Hiệu lực đến"

	ColUsername = "Tên đăng nhập"
	ColHo       = "Họ"
	ColDem      = "Đệm"
	ColTen      = "Tên"
	ColFullName = "Họ và tên"
	ColEmail    = "Email"
	ColPhone    = "Điện thoại"
	ColPosition = "Chức vụ"
	ColUserUnit = "Mã đơn vị" // the account's unit
	ColRoles    = "Vai trò"
	ColPassword = "Mật khẩu ban đầu"
)

// column describes one column of an import file.
type column struct {
	Title    string
	Required bool
	InTempl  bool     // written in the template (Họ và tên is an alternative, not written)
	Aliases  []string // other accepted titles, folded
	Help     string   // for the instructions sheet
}

var unitColumns = []column{
	{Title: ColUnitCode, Required: true, InTempl: true, Aliases: []string{"ma", "ma dv", "code"},
		Help: "Mã duy nhất của đơn vị: chữ không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới; tối đa 40 ký tự. Ví dụ: TH-ANPHU."},
	{Title: ColUnitName, Required: true, InTempl: true, Aliases: []string{"ten", "ten day du", "name"},
		Help: "Tên đầy đủ của đơn vị, tối đa 200 ký tự."},
	{Title: ColShortName, InTempl: true, Aliases: []string{"ten ngan", "viet tat", "ten goi tat"},
		Help: "Tên ngắn dùng trong danh sách, tối đa 80 ký tự. Có thể để trống."},
	{Title: ColKind, Required: true, InTempl: true, Aliases: []string{"loai", "kind"},
		Help: "Một trong các loại ở bảng bên dưới; ghi tên tiếng Việt hoặc mã (không phân biệt hoa thường, có dấu hay không dấu)."},
	{Title: ColParentCode, InTempl: true, Aliases: []string{"ma cap tren", "don vi cap tren", "cap tren", "ma don vi cha", "parent"},
		Help: "Mã của đơn vị cấp trên: đơn vị đã có trong hệ thống hoặc một dòng khác trong cùng tệp (thứ tự dòng không quan trọng). Để trống nếu là đơn vị cấp cao nhất (chỉ quản trị toàn hệ thống được tạo)."},
	{Title: ColLevels, InTempl: true, Aliases: []string{"cap", "levels"},
		Help: "Chỉ dành cho trường học, bắt buộc với trường học. Một hoặc nhiều cấp, ví dụ “TH” hoặc “TH, THCS” hoặc “TH&THCS”."},
	{Title: ColValidFrom, InTempl: true, Aliases: []string{"tu ngay", "ngay hieu luc", "hieu luc tu ngay"},
		Help: "Ngày bắt đầu hoạt động, dạng dd/mm/yyyy, ví dụ 01/07/2025. Có thể để trống."},
	{Title: ColValidTo, InTempl: true, Aliases: []string{"den ngay", "ngay het hieu luc", "hieu luc den ngay"},
		Help: "Ngày kết thúc hoạt động (sáp nhập, giải thể), dạng dd/mm/yyyy. Để trống nếu đơn vị còn hoạt động."},
}

var userColumns = []column{
	{Title: ColUsername, Required: true, InTempl: true, Aliases: []string{"username", "tai khoan", "ten tai khoan"},
		Help: "3–40 ký tự: chữ thường không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới. Ví dụ: nguyenvanan."},
	{Title: ColHo, InTempl: true, Aliases: []string{"ho"},
		Help: "Họ, ví dụ Nguyễn."},
	{Title: ColDem, InTempl: true, Aliases: []string{"ten dem", "chu dem"},
		Help: "Tên đệm, ví dụ Văn. Có thể để trống."},
	{Title: ColTen, Required: true, InTempl: true, Aliases: []string{"ten goi"},
		Help: "Tên, ví dụ An. Thay cho ba cột Họ, Đệm, Tên có thể dùng một cột “Họ và tên”; hệ thống tự tách họ (từ đầu), tên (từ cuối) và đệm (phần giữa)."},
	{Title: ColFullName, Aliases: []string{"ho ten", "ho va ten day du"},
		Help: "Dùng thay cho ba cột Họ, Đệm, Tên."},
	{Title: ColEmail, InTempl: true, Aliases: []string{"e-mail", "thu dien tu", "dia chi email"},
		Help: "Địa chỉ thư điện tử. Có thể để trống."},
	{Title: ColPhone, InTempl: true, Aliases: []string{"so dien thoai", "dt", "sdt", "dien thoai di dong"},
		Help: "Số điện thoại. Có thể để trống."},
	{Title: ColPosition, InTempl: true, Aliases: []string{"chuc danh"},
		Help: "Ví dụ: Hiệu trưởng, Giáo viên. Có thể để trống."},
	{Title: ColUserUnit, Required: true, InTempl: true, Aliases: []string{"don vi", "ma don vi cong tac", "don vi cong tac"},
		Help: "Mã của đơn vị công tác, phải có sẵn trong hệ thống và thuộc phạm vi bạn quản trị."},
	{Title: ColRoles, InTempl: true, Aliases: []string{"quyen", "vai tro he thong"},
		Help: "Một hoặc nhiều vai trò ở bảng bên dưới, cách nhau bằng dấu chấm phẩy hoặc dấu phẩy; vai trò áp dụng tại đơn vị công tác. Để trống: Cán bộ, giáo viên, nhân viên."},
	{Title: ColPassword, InTempl: true, Aliases: []string{"mat khau", "password"},
		Help: "Có thể để trống: hệ thống tự tạo mật khẩu và hiển thị một lần sau khi nhập. Người dùng phải đổi mật khẩu ở lần đăng nhập đầu tiên. " +
			"Nếu ghi: ít nhất 10 ký tự, có chữ cái và chữ số hoặc ký tự đặc biệt, không chứa tên đăng nhập."},
}

func columnsOf(kind Kind) []column {
	if kind == Users {
		return userColumns
	}
	return unitColumns
}

// Columns returns the titles of kind's columns in template order, with the
// alternative "Họ và tên" last for users.
func Columns(kind Kind) []string {
	var out []string
	for _, c := range columnsOf(kind) {
		if c.InTempl {
			out = append(out, c.Title)
		}
	}
	for _, c := range columnsOf(kind) {
		if !c.InTempl {
			out = append(out, c.Title)
		}
	}
	return out
}

// headerKey folds a header title for matching: diacritics and case dropped,
// the required-star and any explanation in parentheses removed.
func headerKey(s string) string {
	s = strings.ReplaceAll(s, "*", "")
	for {
		i := strings.IndexAny(s, "([")
		if i < 0 {
			break
		}
		j := strings.IndexAny(s[i:], ")]")
		if j < 0 {
			s = s[:i]
			break
		}
		s = s[:i] + " " + s[i+j+1:]
	}
	s = strings.TrimRight(strings.TrimSpace(s), ":.")
	return viet.Fold(s)
}

// matchColumn returns the title of kind's column named by header, or "".
func matchColumn(kind Kind, header string) string {
	k := headerKey(header)
	if k == "" {
		return ""
	}
	for _, c := range columnsOf(kind) {
		if k == viet.Fold(c.Title) || slices.Contains(c.Aliases, k) {
			return c.Title
		}
	}
	return ""
}

// compactKey folds s and keeps only letters and digits, so "Phường, xã",
// "phuong xa" and "PHUONG-XA" compare equal.
func compactKey(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, viet.Fold(s))
}

func invalid(msg string) error { return errs.E(errs.Invalid, msg) }
