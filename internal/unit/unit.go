// Package unit keeps the tree of units (đơn vị): the emulation board, the
// departments, offices, wards and schools. The hierarchy is data: any unit may
// sit under any other, each has validity dates, and the route a dossier or a
// report travels upward is read from the tree, never from fixed levels.
package unit

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"thidua/internal/errs"
	"thidua/internal/viet"
)

// Kind is what sort of body a unit is.
type Kind string

const (
	Board      Kind = "board"      // Ban Thi đua - Khen thưởng
	Department Kind = "department" // Sở
	Office     Kind = "office"     // Phòng (GD&ĐT, Văn hóa - Xã hội…)
	Ward       Kind = "ward"       // phường, xã, đặc khu (UBND)
	School     Kind = "school"     // trường, trung tâm
	Other      Kind = "other"
)

// Kinds lists every kind in display order.
var Kinds = []Kind{Board, Department, Office, Ward, School, Other}

// Label is the Vietnamese name of a kind.
func (k Kind) Label() string {
	switch k {
	case Board:
		return "Ban Thi đua - Khen thưởng"
	case Department:
		return "Sở"
	case Office:
		return "Phòng"
	case Ward:
		return "Phường, xã"
	case School:
		return "Trường học"
	case Other:
		return "Khác"
	}
	return string(k)
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Levels a school may teach; a multi-level school holds several.
var Levels = []string{"NT", "MG", "MN", "TH", "THCS", "THPT", "GDTX"}

// LevelLabel is the Vietnamese name of a school level.
func LevelLabel(l string) string {
	switch l {
	case "NT":
		return "Nhà trẻ"
	case "MG":
		return "Mẫu giáo"
	case "MN":
		return "Mầm non"
	case "TH":
		return "Tiểu học"
	case "THCS":
		return "Trung học cơ sở"
	case "THPT":
		return "Trung học phổ thông"
	case "GDTX":
		return "Giáo dục thường xuyên"
	}
	return l
}

// Unit is one node of the tree.
type Unit struct {
	ID        int64    `json:"id"`
	ParentID  int64    `json:"parent_id,omitempty"`
	Path      string   `json:"-"`
	Depth     int      `json:"depth"`
	Kind      Kind     `json:"kind"`
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	ShortName string   `json:"short_name"`
	Levels    []string `json:"levels"`
	// RunsRounds marks a unit that holds selection rounds; dossiers from its
	// subtree go up to the nearest such ancestor.
	RunsRounds bool       `json:"runs_rounds"`
	ValidFrom  *time.Time `json:"valid_from,omitempty"`
	ValidTo    *time.Time `json:"valid_to,omitempty"`
	Version    int        `json:"version"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// ActiveOn reports whether the unit exists on day d.
func (u Unit) ActiveOn(d time.Time) bool {
	if u.ValidFrom != nil && d.Before(*u.ValidFrom) {
		return false
	}
	return u.ValidTo == nil || !d.After(*u.ValidTo)
}

// ClosedNow reports whether the unit has ended by today (Vietnam time).
func (u Unit) ClosedNow() bool { return u.Closed(today()) }

// Closed reports whether the unit has ended by day d.
func (u Unit) Closed(d time.Time) bool { return u.ValidTo != nil && d.After(*u.ValidTo) }

// Display is the short name when there is one, else the name.
func (u Unit) Display() string {
	if u.ShortName != "" {
		return u.ShortName
	}
	return u.Name
}

// LevelsLabel writes the levels as in school names: "TH&THCS".
func (u Unit) LevelsLabel() string { return strings.Join(u.Levels, "&") }

// AncestorIDs returns the ids on the unit's path above it, root first.
func (u Unit) AncestorIDs() []int64 {
	return PathIDs(u.Path[:len(u.Path)-len(strconv.FormatInt(u.ID, 10))-1])
}

// PathIDs parses "/1/7/42/" into [1 7 42].
func PathIDs(path string) []int64 {
	var ids []int64
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// Input is what a person edits about a unit.
type Input struct {
	ParentID   int64
	Kind       Kind
	Code       string
	Name       string
	ShortName  string
	Levels     []string
	RunsRounds bool
	ValidFrom  *time.Time
	ValidTo    *time.Time
}

const errSchoolParent = "Trường học phải trực thuộc một đơn vị cấp trên; hãy chọn đơn vị cấp trên."

var codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$`)

// Normalize cleans in: NFC text, upper-case code, levels sorted and unique.
func (in *Input) Normalize() {
	in.Code = strings.ToUpper(strings.TrimSpace(in.Code))
	in.Name = viet.NFC(in.Name)
	in.ShortName = viet.NFC(in.ShortName)
	var lv []string
	for _, l := range Levels {
		for _, x := range in.Levels {
			if strings.EqualFold(strings.TrimSpace(x), l) && !slices.Contains(lv, l) {
				lv = append(lv, l)
			}
		}
	}
	unknown := false
	for _, x := range in.Levels {
		if strings.TrimSpace(x) != "" && !slices.ContainsFunc(Levels, func(l string) bool { return strings.EqualFold(strings.TrimSpace(x), l) }) {
			unknown = true
		}
	}
	if unknown {
		lv = append(lv, "?")
	}
	in.Levels = lv
}

// Validate checks in and returns field messages in Vietnamese.
func (in Input) Validate() error {
	f := errs.Fields{}
	if !in.Kind.Valid() {
		f.Add("kind", "Chọn loại đơn vị.")
	}
	switch {
	case in.Code == "":
		f.Add("code", "Nhập mã đơn vị.")
	case !codePattern.MatchString(in.Code):
		f.Add("code", "Mã đơn vị chỉ gồm chữ không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới (tối đa 40 ký tự).")
	}
	switch {
	case in.Name == "":
		f.Add("name", "Nhập tên đơn vị.")
	case len([]rune(in.Name)) > 200:
		f.Add("name", "Tên đơn vị dài quá 200 ký tự.")
	}
	if len([]rune(in.ShortName)) > 80 {
		f.Add("short_name", "Tên viết tắt dài quá 80 ký tự.")
	}
	if slices.Contains(in.Levels, "?") {
		f.Add("levels", "Cấp học không hợp lệ; dùng: "+strings.Join(Levels, ", ")+".")
	} else if len(in.Levels) > 0 && in.Kind != School {
		f.Add("levels", "Chỉ trường học mới có cấp học.")
	} else if len(in.Levels) == 0 && in.Kind == School {
		f.Add("levels", "Chọn ít nhất một cấp học cho trường.")
	}
	if in.Kind == School && in.ParentID == 0 {
		f.Add("parent_id", errSchoolParent)
	}
	if in.ValidFrom != nil && in.ValidTo != nil && in.ValidTo.Before(*in.ValidFrom) {
		f.Add("valid_to", "Ngày kết thúc phải sau ngày bắt đầu hiệu lực.")
	}
	return f.Err()
}
