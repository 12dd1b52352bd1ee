// Package plan keeps the units' plans (kế hoạch): a numbered document
// ("Số: 15/KH-PGDĐT") with the sections of the seed plan (mục đích, yêu cầu;
// nội dung, hình thức tuyên truyền, phát hiện và nhân rộng điển hình; tổ
// chức thực hiện), its recipients and signer, the parent plan it implements
// and the movements it serves. A plan is drafted, then issued; an issued
// plan never changes (the database refuses to), and is corrected by a new
// plan that replaces it, numbered like any other document, as Decree
// 30/2020 has it. A plan may require units below to issue their own plan
// based on it by a deadline: its issuer sees who did, on time or late, and
// who did not (Compliance), and reminds the missing ones in one step.
package plan

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"thidua/internal/access"
	"thidua/internal/errs"
	"thidua/internal/viet"
)

// Status is draft (dự thảo) or issued (đã ban hành).
type Status string

const (
	Draft  Status = "draft"
	Issued Status = "issued"
)

// Label is the Vietnamese name of a status.
func (s Status) Label() string {
	switch s {
	case Draft:
		return "Dự thảo"
	case Issued:
		return "Đã ban hành"
	}
	return string(s)
}

// SignForm is how the signer signs (Decree 30/2020, art. 13): directly, or
// for someone: KT. (ký thay the head), TM. (thay mặt a collective body), Q.
// (quyền, acting head), TL. (thừa lệnh), TUQ. (thừa ủy quyền).
type SignForm string

const (
	SignDirect SignForm = ""
	SignKT     SignForm = "KT"
	SignTM     SignForm = "TM"
	SignQ      SignForm = "Q"
	SignTL     SignForm = "TL"
	SignTUQ    SignForm = "TUQ"
)

// SignForms lists every form in display order.
var SignForms = []SignForm{SignDirect, SignKT, SignTM, SignQ, SignTL, SignTUQ}

// Label is the Vietnamese description of a form.
func (f SignForm) Label() string {
	switch f {
	case SignDirect:
		return "Người đứng đầu ký trực tiếp"
	case SignKT:
		return "KT. – cấp phó ký thay người đứng đầu"
	case SignTM:
		return "TM. – thay mặt tập thể lãnh đạo"
	case SignQ:
		return "Q. – quyền người đứng đầu"
	case SignTL:
		return "TL. – thừa lệnh người đứng đầu"
	case SignTUQ:
		return "TUQ. – thừa ủy quyền người đứng đầu"
	}
	return string(f)
}

// Valid reports whether f is a known form.
func (f SignForm) Valid() bool { return slices.Contains(SignForms, f) }

// Signer is the signature block: the form, the authority signed for ("Trưởng
// phòng" in "KT. TRƯỞNG PHÒNG"), the signer's own title ("Phó Trưởng
// phòng") and name.
type Signer struct {
	Form      SignForm `json:"form"`
	Authority string   `json:"authority"`
	Title     string   `json:"title"`
	Name      string   `json:"name"`
}

// Lines are the title lines of the signature block, upper case as printed:
// ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"], ["Q. TRƯỞNG PHÒNG"], ["HIỆU TRƯỞNG"].
func (s Signer) Lines() []string {
	up := func(v string) string { return strings.ToUpper(v) }
	switch s.Form {
	case SignDirect:
		if s.Title == "" {
			return nil
		}
		return []string{up(s.Title)}
	case SignQ:
		out := []string{"Q. " + up(s.Authority)}
		if s.Title != "" {
			out = append(out, up(s.Title))
		}
		return out
	}
	out := []string{string(s.Form) + ". " + up(s.Authority)}
	if s.Title != "" {
		out = append(out, up(s.Title))
	}
	return out
}

// RequireMode says which units a plan requires to issue their own plan.
type RequireMode string

const (
	RequireNone     RequireMode = ""
	RequireChildren RequireMode = "children" // the units directly under the issuer
	RequireSchools  RequireMode = "schools"  // every school in the issuer's subtree
	RequireOffices  RequireMode = "offices"  // every office (Phòng) in the subtree
	RequireCustom   RequireMode = "custom"   // the units chosen one by one
)

// RequireModes lists every mode in display order.
var RequireModes = []RequireMode{RequireNone, RequireChildren, RequireSchools, RequireOffices, RequireCustom}

// Label is the Vietnamese description of a mode.
func (m RequireMode) Label() string {
	switch m {
	case RequireNone:
		return "Không yêu cầu đơn vị cấp dưới ban hành kế hoạch"
	case RequireChildren:
		return "Các đơn vị trực thuộc trực tiếp"
	case RequireSchools:
		return "Tất cả các trường trong phạm vi quản lý"
	case RequireOffices:
		return "Tất cả các phòng (Phòng GD&ĐT, Phòng Văn hóa - Xã hội…) trong phạm vi"
	case RequireCustom:
		return "Các đơn vị được chọn"
	}
	return string(m)
}

// Valid reports whether m is a known mode.
func (m RequireMode) Valid() bool { return slices.Contains(RequireModes, m) }

// Sections are the body of a plan, the seed's parts in order. Each is plain
// text: one paragraph per line, "- " lines are bullets, *words* italic.
type Sections struct {
	Intro        string `json:"intro"`        // căn cứ, mở đầu
	Purpose      string `json:"purpose"`      // I. Mục đích, yêu cầu
	Content      string `json:"content"`      // II.1 Nội dung tuyên truyền
	Forms        string `json:"forms"`        // II.2 Hình thức tuyên truyền
	Exemplars    string `json:"exemplars"`    // II.3 Phát hiện, lựa chọn và nhân rộng điển hình
	Organization string `json:"organization"` // III. Tổ chức thực hiện
	Closing      string `json:"closing"`      // "Trên đây là Kế hoạch…"
}

// Ref names another plan: the parent it implements, the plan it replaces or
// the one that replaced it.
type Ref struct {
	ID       int64      `json:"id"`
	UnitID   int64      `json:"unit_id"`
	UnitName string     `json:"unit_name"`
	Status   Status     `json:"status"`
	Number   int        `json:"number"`
	Symbol   string     `json:"symbol"`
	Date     *time.Time `json:"date"`
	Title    string     `json:"title"`
}

// NumberSymbol is the document's number and symbol, "15/KH-PGDĐT" (numbers
// under 10 with a leading zero), or "" for a draft without a number.
func NumberSymbol(number int, symbol string) string {
	if number <= 0 {
		return ""
	}
	n := strconv.Itoa(number)
	if number < 10 {
		n = "0" + n
	}
	if symbol == "" {
		return n
	}
	return n + "/" + symbol
}

// Label names the plan as documents cite it: "Kế hoạch số 15/KH-PGDĐT ngày
// 12/11/2020 của Phòng Giáo dục và Đào tạo thành phố Thuận An", or
// "dự thảo kế hoạch “…”" for a draft.
func (r Ref) Label() string {
	if r.Status != Issued {
		return "dự thảo kế hoạch “" + r.Title + "” của " + r.UnitName
	}
	s := "Kế hoạch số " + NumberSymbol(r.Number, r.Symbol)
	if r.Date != nil {
		s += " ngày " + viet.ShortDate(*r.Date)
	}
	return s + " của " + r.UnitName
}

// UnitRef is a unit as plans show it.
type UnitRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Path string `json:"-"`
}

// MovementRef is a linked movement.
type MovementRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Plan is a kế hoạch.
type Plan struct {
	ID       int64  `json:"id"`
	UnitID   int64  `json:"unit_id"` // the issuing unit
	UnitName string `json:"unit_name"`
	UnitPath string `json:"-"`
	Status   Status `json:"status"`

	Number       int        `json:"number"`
	Symbol       string     `json:"symbol"`
	Date         *time.Time `json:"date"`          // ngày ban hành on the document
	Place        string     `json:"place"`         // địa danh: "Thuận An"
	IssuerParent string     `json:"issuer_parent"` // cơ quan chủ quản, the header's first line
	IssuerName   string     `json:"issuer_name"`   // cơ quan ban hành, the header's second line
	Title        string     `json:"title"`         // trích yếu
	Period       string     `json:"period"`        // "giai đoạn 2020 - 2025", "năm học 2025-2026"
	Sections     Sections   `json:"sections"`
	Recipients   []string   `json:"recipients"` // nơi nhận, one entry per line
	Signer       Signer     `json:"signer"`

	BasedOn      *Ref          `json:"based_on"`      // the parent plan this one implements
	Amends       *Ref          `json:"amends"`        // the plan this one replaces
	SupersededBy *Ref          `json:"superseded_by"` // the plan that replaced this one
	LineageID    int64         `json:"lineage_id"`
	Movements    []MovementRef `json:"movements"`

	Require   RequireMode `json:"require"`
	RequireBy *time.Time  `json:"require_by"`
	Required  []UnitRef   `json:"required"` // the units required to issue their plan

	IssuedAt  *time.Time `json:"issued_at"`
	IssuedBy  int64      `json:"issued_by"`
	Version   int        `json:"version"`
	CreatedBy int64      `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// Ref names p.
func (p Plan) Ref() Ref {
	return Ref{ID: p.ID, UnitID: p.UnitID, UnitName: p.UnitName, Status: p.Status, Number: p.Number, Symbol: p.Symbol, Date: p.Date, Title: p.Title}
}

// NumberSymbol is "15/KH-PGDĐT", or "" without a number.
func (p Plan) NumberSymbol() string { return NumberSymbol(p.Number, p.Symbol) }

// DateLine is the document's place and date, "Thuận An, ngày 12 tháng 11
// năm 2020" (the date only without a place; "" without a date).
func (p Plan) DateLine() string {
	if p.Date == nil {
		return ""
	}
	if p.Place == "" {
		return viet.Date(*p.Date)
	}
	return p.Place + ", " + viet.Date(*p.Date)
}

// Issued reports whether the plan is issued.
func (p Plan) Issued() bool { return p.Status == Issued }

// Superseded reports whether a later plan replaced this one.
func (p Plan) Superseded() bool { return p.SupersededBy != nil }

// Requires reports whether the plan requires units to issue their own plan.
func (p Plan) Requires() bool { return p.Require != RequireNone && p.RequireBy != nil }

// Writers are the roles that draft and issue plans at their unit and below.
var Writers = []access.Role{access.Officer, access.Leader}

// CanWrite reports whether the caller drafts and issues plans of the plan's unit.
func (p Plan) CanWrite(sc access.Scope) bool { return sc.Has(p.UnitPath, Writers...) }

// Input returns what a person edits about p.
func (p Plan) Input() Input {
	in := Input{UnitID: p.UnitID, Number: p.Number, Symbol: p.Symbol, Date: p.Date, Place: p.Place, IssuerParent: p.IssuerParent,
		IssuerName: p.IssuerName, Title: p.Title, Period: p.Period, Sections: p.Sections, Recipients: slices.Clone(p.Recipients),
		Signer: p.Signer, Require: p.Require, RequireBy: p.RequireBy}
	if p.BasedOn != nil {
		in.BasedOnID = p.BasedOn.ID
	}
	if p.Amends != nil {
		in.AmendsID = p.Amends.ID
	}
	for _, m := range p.Movements {
		in.MovementIDs = append(in.MovementIDs, m.ID)
	}
	if p.Require == RequireCustom {
		for _, u := range p.Required {
			in.RequireUnitIDs = append(in.RequireUnitIDs, u.ID)
		}
	}
	return in
}

// Input is everything a person edits about a plan.
type Input struct {
	UnitID       int64 // the issuing unit; fixed once the draft exists (0 on Update: unchanged)
	Number       int
	Symbol       string
	Date         *time.Time
	Place        string
	IssuerParent string
	IssuerName   string
	Title        string
	Period       string
	Sections     Sections
	Recipients   []string
	Signer       Signer
	BasedOnID    int64
	AmendsID     int64
	MovementIDs  []int64
	Require      RequireMode
	RequireBy    *time.Time
	// RequireUnitIDs are the units of RequireCustom; the other modes
	// resolve their units from the tree when the plan is saved.
	RequireUnitIDs []int64
}

// Length caps, in characters.
const (
	maxLine      = 300
	maxTitle     = 500
	maxSection   = 50000
	maxRecipient = 60 // lines
	maxNumber    = 99999
)

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

func day(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }

func dayPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	d := day(*t)
	return &d
}

// Normalize puts the input in its stored form: NFC, single-line fields
// collapsed, sections with their lines kept, the symbol upper case without
// spaces, recipients without their leading "- ", ids unique.
func (in *Input) Normalize() {
	in.Symbol = strings.ToUpper(strings.ReplaceAll(viet.NFC(in.Symbol), " ", ""))
	in.Place = viet.NFC(in.Place)
	in.IssuerParent = viet.NFC(in.IssuerParent)
	in.IssuerName = viet.NFC(in.IssuerName)
	in.Title = viet.NFC(in.Title)
	in.Period = viet.NFC(in.Period)
	sec := &in.Sections
	for _, p := range []*string{&sec.Intro, &sec.Purpose, &sec.Content, &sec.Forms, &sec.Exemplars, &sec.Organization, &sec.Closing} {
		*p = viet.Text(*p)
	}
	var rec []string
	for _, r := range in.Recipients {
		for _, line := range strings.Split(r, "\n") {
			line = viet.NFC(line)
			line = strings.TrimSpace(strings.TrimLeft(line, "-–•+ "))
			if line != "" {
				rec = append(rec, line)
			}
		}
	}
	in.Recipients = rec
	in.Signer = Signer{Form: SignForm(strings.ToUpper(strings.Trim(strings.TrimSpace(string(in.Signer.Form)), "."))),
		Authority: viet.NFC(in.Signer.Authority), Title: viet.NFC(in.Signer.Title), Name: viet.NFC(in.Signer.Name)}
	in.Date, in.RequireBy = dayPtr(in.Date), dayPtr(in.RequireBy)
	in.Require = RequireMode(strings.TrimSpace(string(in.Require)))
	if in.Require == RequireNone {
		in.RequireBy, in.RequireUnitIDs = nil, nil
	}
	if in.Require != RequireCustom {
		in.RequireUnitIDs = nil
	}
	in.MovementIDs = uniqueIDs(in.MovementIDs)
	in.RequireUnitIDs = uniqueIDs(in.RequireUnitIDs)
}

func uniqueIDs(ids []int64) []int64 {
	var out []int64
	for _, id := range ids {
		if id > 0 && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// symbolPattern is a document symbol: letters (Vietnamese ones too) and
// digits in parts joined by "-", "&" or ".": KH-PGDĐT, KH-UBND, KH-TH&THCS.
var symbolPattern = regexp.MustCompile(`^[\p{L}\d]+([-&.][\p{L}\d]+)*$`)

// Validate adds to f the problems of the input on its own (the store also
// checks its links against the database), for a form that found problems of
// its own and wants to show them all at once. It normalizes in first.
func (in *Input) Validate(f errs.Fields) {
	in.Normalize()
	in.validate(f)
}

// validate checks what a draft needs to be saved at all; what issuing
// needs is checked by Complete.
func (in Input) validate(f errs.Fields) {
	switch {
	case in.Title == "":
		f.Add("title", "Nhập trích yếu (tên) của kế hoạch.")
	case tooLong(in.Title, maxTitle):
		f.Add("title", "Trích yếu dài quá "+strconv.Itoa(maxTitle)+" ký tự.")
	}
	if in.Number < 0 || in.Number > maxNumber {
		f.Add("number", "Số văn bản phải là số nguyên dương, tối đa "+viet.Int(maxNumber)+".")
	}
	if in.Symbol != "" && (!symbolPattern.MatchString(in.Symbol) || tooLong(in.Symbol, 40)) {
		f.Add("symbol", "Ký hiệu gồm chữ và số, nối bằng dấu gạch ngang, ví dụ KH-PGDĐT.")
	}
	for _, x := range []struct{ field, v, what string }{
		{"place", in.Place, "Địa danh"}, {"issuer_parent", in.IssuerParent, "Tên cơ quan chủ quản"},
		{"issuer_name", in.IssuerName, "Tên cơ quan ban hành"}, {"period", in.Period, "Thời gian thực hiện"},
		{"signer.authority", in.Signer.Authority, "Chức vụ người đứng đầu"}, {"signer.title", in.Signer.Title, "Chức vụ người ký"},
		{"signer.name", in.Signer.Name, "Họ tên người ký"},
	} {
		if tooLong(x.v, maxLine) {
			f.Add(x.field, x.what+" dài quá "+strconv.Itoa(maxLine)+" ký tự.")
		}
	}
	for _, s := range sectionFields(in.Sections) {
		if tooLong(s.Value, maxSection) {
			f.Add(s.Field, s.Label+" dài quá "+viet.Int(maxSection)+" ký tự.")
		}
	}
	if len(in.Recipients) > maxRecipient {
		f.Add("recipients", "Nơi nhận tối đa "+strconv.Itoa(maxRecipient)+" dòng.")
	}
	for _, r := range in.Recipients {
		if tooLong(r, maxLine) {
			f.Add("recipients", "Mỗi dòng nơi nhận tối đa "+strconv.Itoa(maxLine)+" ký tự.")
		}
	}
	if !in.Signer.Form.Valid() {
		f.Add("signer.form", "Chọn hình thức ký: ký trực tiếp, KT., TM., Q., TL. hoặc TUQ.")
	}
	if !in.Require.Valid() {
		f.Add("require", "Chọn các đơn vị phải ban hành kế hoạch.")
	}
	if in.Require != RequireNone && in.RequireBy == nil {
		f.Add("require_by", "Nhập hạn các đơn vị ban hành kế hoạch thực hiện.")
	}
	if in.Require == RequireCustom && len(in.RequireUnitIDs) == 0 {
		f.Add("require_units", "Chọn ít nhất một đơn vị phải ban hành kế hoạch.")
	}
	if in.Date != nil && in.RequireBy != nil && in.RequireBy.Before(*in.Date) {
		f.Add("require_by", "Hạn ban hành kế hoạch của đơn vị cấp dưới không được trước ngày ban hành kế hoạch này.")
	}
}

// SectionField is one section with its form name and Vietnamese label.
type SectionField struct{ Field, Label, Value string }

func sectionFields(s Sections) []SectionField {
	return []SectionField{
		{"sections.intro", "Phần mở đầu (căn cứ)", s.Intro},
		{"sections.purpose", "I. Mục đích, yêu cầu", s.Purpose},
		{"sections.content", "II.1. Nội dung tuyên truyền", s.Content},
		{"sections.forms", "II.2. Hình thức tuyên truyền", s.Forms},
		{"sections.exemplars", "II.3. Phát hiện, lựa chọn và nhân rộng điển hình tiên tiến", s.Exemplars},
		{"sections.organization", "III. Tổ chức thực hiện", s.Organization},
		{"sections.closing", "Phần kết", s.Closing},
	}
}

// SectionFields lists the sections of s with their form names and labels.
func SectionFields(s Sections) []SectionField { return sectionFields(s) }

// Complete checks that p may be issued as of today (a day, Vietnam time):
// a number and symbol, a date not after today and not before the parent
// plan's, a place, the issuing body's name, the title, sections I, II.1 and
// III, recipients and a signer. It returns an Invalid error with a
// Vietnamese message per field.
func (p Plan) Complete(today time.Time) error {
	f := errs.Fields{}
	if p.Number <= 0 {
		f.Add("number", "Nhập số văn bản (số thứ tự trong năm của đơn vị).")
	}
	if p.Symbol == "" {
		f.Add("symbol", "Nhập ký hiệu văn bản, ví dụ KH-PGDĐT.")
	}
	switch {
	case p.Date == nil:
		f.Add("date", "Nhập ngày ban hành.")
	case p.Date.After(day(today)):
		f.Add("date", "Ngày ban hành không được sau hôm nay ("+viet.ShortDate(today)+").")
	case p.BasedOn != nil && p.BasedOn.Date != nil && p.Date.Before(*p.BasedOn.Date):
		f.Add("date", "Ngày ban hành không được trước ngày của kế hoạch cấp trên ("+viet.ShortDate(*p.BasedOn.Date)+").")
	}
	if p.Place == "" {
		f.Add("place", "Nhập địa danh ghi trước ngày ban hành, ví dụ Thuận An.")
	}
	if p.IssuerName == "" {
		f.Add("issuer_name", "Nhập tên cơ quan ban hành.")
	}
	if p.Title == "" {
		f.Add("title", "Nhập trích yếu (tên) của kế hoạch.")
	}
	s := p.Sections
	if s.Purpose == "" {
		f.Add("sections.purpose", "Nhập mục I. Mục đích, yêu cầu.")
	}
	if s.Content == "" {
		f.Add("sections.content", "Nhập mục II.1. Nội dung tuyên truyền.")
	}
	if s.Organization == "" {
		f.Add("sections.organization", "Nhập mục III. Tổ chức thực hiện.")
	}
	if len(p.Recipients) == 0 {
		f.Add("recipients", "Nhập nơi nhận, mỗi dòng một nơi (ví dụ: Lưu: VT).")
	}
	sg := p.Signer
	if sg.Name == "" {
		f.Add("signer.name", "Nhập họ tên người ký.")
	}
	if sg.Form != SignDirect && sg.Authority == "" {
		f.Add("signer.authority", "Nhập chức vụ của người đứng đầu ghi sau "+string(sg.Form)+"., ví dụ Trưởng phòng.")
	}
	if sg.Form != SignQ && sg.Title == "" {
		f.Add("signer.title", "Nhập chức vụ của người ký, ví dụ Phó Trưởng phòng.")
	}
	if p.Requires() && p.Date != nil && p.RequireBy.Before(*p.Date) {
		f.Add("require_by", "Hạn ban hành kế hoạch của đơn vị cấp dưới không được trước ngày ban hành kế hoạch này.")
	}
	if p.Require != RequireNone && len(p.Required) == 0 {
		f.Add("require", "Không có đơn vị nào phải ban hành kế hoạch; hãy chọn lại.")
	}
	if len(f) == 0 {
		return nil
	}
	return &errs.Error{Code: errs.Invalid, Message: "Kế hoạch chưa đủ thông tin để ban hành. Vui lòng bổ sung các mục được đánh dấu.", Fields: f}
}

// lowerFirst lower-cases the first letter of s ("Tuyên truyền…" → "tuyên
// truyền…"), for a title quoted inside a sentence.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	// Keep words written in capitals (an abbreviation, "STEM").
	if n < len(s) {
		r2, _ := utf8.DecodeRuneInString(s[n:])
		if unicode.IsUpper(r2) {
			return s
		}
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// Abbreviation suggests the part of a document symbol naming a unit, from
// its name: "PGDĐT" for a Phòng Giáo dục và Đào tạo, "SGDĐT" for a Sở, "VHXH"
// for a Phòng Văn hóa - Xã hội, "UBND" for a ward, and for a school the
// initials after "Trường": "THLT" (Trường Tiểu học Lái Thiêu), "THCSNTT"
// (Trường THCS Nguyễn Trường Tộ).
func Abbreviation(name string) string {
	folded := viet.Fold(name)
	for _, k := range []struct{ prefix, abbr string }{
		{"phong giao duc va dao tao", "PGDĐT"}, {"phong gd&dt", "PGDĐT"}, {"so giao duc va dao tao", "SGDĐT"}, {"so gd&dt", "SGDĐT"},
		{"phong van hoa - xa hoi", "VHXH"}, {"phong van hoa va xa hoi", "VHXH"}, {"phong vh-xh", "VHXH"},
		{"ban thi dua - khen thuong", "BTĐKT"}, {"so noi vu", "SNV"}, {"phuong ", "UBND"}, {"xa ", "UBND"}, {"uy ban nhan dan", "UBND"},
	} {
		if strings.HasPrefix(folded, k.prefix) {
			return k.abbr
		}
	}
	words := strings.Fields(viet.NFC(name))
	if len(words) > 0 && viet.Fold(words[0]) == "truong" {
		words = words[1:]
	}
	var b strings.Builder
	for _, w := range words {
		w = strings.Trim(w, "-–,.()")
		if w == "" || w == "và" || w == "-" {
			continue
		}
		if strings.ToUpper(w) == w && utf8.RuneCountInString(w) > 1 {
			b.WriteString(strings.ReplaceAll(w, "&", ""))
			continue
		}
		r, _ := utf8.DecodeRuneInString(w)
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}
