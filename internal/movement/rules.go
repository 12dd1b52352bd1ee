package movement

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"thidua/internal/access"
	"thidua/internal/errs"
	"thidua/internal/viet"
)

// Authorities lists every launching authority in display order.
var Authorities = []Authority{ChinhPhu, ThuTuong, BoGDDT, UBNDTinh, UnitItself, OtherAuth}

// Label is the Vietnamese name of an authority.
func (a Authority) Label() string {
	switch a {
	case ChinhPhu:
		return "Chính phủ"
	case ThuTuong:
		return "Thủ tướng Chính phủ"
	case BoGDDT:
		return "Bộ Giáo dục và Đào tạo"
	case UBNDTinh:
		return "Ủy ban nhân dân tỉnh, thành phố"
	case UnitItself:
		return "Đơn vị tự phát động"
	case OtherAuth:
		return "Cơ quan khác"
	}
	return string(a)
}

// Valid reports whether a is a known authority.
func (a Authority) Valid() bool { return slices.Contains(Authorities, a) }

// Kinds lists both kinds.
var Kinds = []Kind{Regular, Themed}

// Label is the Vietnamese name of a kind.
func (k Kind) Label() string {
	switch k {
	case Regular:
		return "Thường xuyên"
	case Themed:
		return "Chuyên đề"
	}
	return string(k)
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Statuses lists both statuses.
var Statuses = []Status{Active, Ended}

// Label is the Vietnamese name of a status.
func (s Status) Label() string {
	switch s {
	case Active:
		return "Đang triển khai"
	case Ended:
		return "Đã kết thúc"
	}
	return string(s)
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Launcher names who launched the movement: the body's own name when one
// was given ("Ủy ban nhân dân tỉnh Bình Dương"), else the authority's label.
func (m Movement) Launcher() string {
	if m.AuthorityName != "" {
		return m.AuthorityName
	}
	if m.Authority == UnitItself {
		return m.UnitName
	}
	return m.Authority.Label()
}

// Editors are the roles that record and edit movements and campaigns at
// their unit and below.
var Editors = []access.Role{access.Officer, access.Leader, access.Admin}

// CanEdit reports whether the caller may edit the movement.
func (m Movement) CanEdit(sc access.Scope) bool { return sc.Has(m.UnitPath, Editors...) }

// CanEdit reports whether the caller may edit the campaign.
func (c Campaign) CanEdit(sc access.Scope) bool { return sc.Has(c.UnitPath, Editors...) }

// RunsOn reports whether the campaign is under way on day d.
func (c Campaign) RunsOn(d time.Time) bool { return !d.Before(c.StartsOn) && !d.After(c.EndsOn) }

// Input is what a person edits about a movement.
type Input struct {
	UnitID        int64 // the recording unit; fixed once created (0 on Update: unchanged)
	Name          string
	Authority     Authority
	AuthorityName string
	Kind          Kind
	StartsOn      time.Time
	EndsOn        *time.Time
	Description   string
	Status        Status
}

// CampaignInput is what a person edits about a campaign.
type CampaignInput struct {
	UnitID      int64 // the recording unit (0: the movement's); fixed once created
	Name        string
	Occasion    string
	StartsOn    time.Time
	EndsOn      time.Time
	Description string
}

// Length caps, in characters.
const (
	maxName = 300
	maxText = 20000
)

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// Input returns what a person edits about m.
func (m Movement) Input() Input {
	return Input{UnitID: m.UnitID, Name: m.Name, Authority: m.Authority, AuthorityName: m.AuthorityName, Kind: m.Kind,
		StartsOn: m.StartsOn, EndsOn: m.EndsOn, Description: m.Description, Status: m.Status}
}

// Input returns what a person edits about c.
func (c Campaign) Input() CampaignInput {
	return CampaignInput{UnitID: c.UnitID, Name: c.Name, Occasion: c.Occasion, StartsOn: c.StartsOn, EndsOn: c.EndsOn, Description: c.Description}
}

func day(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }

func (in *Input) normalize() {
	in.Name = viet.NFC(in.Name)
	in.Authority = Authority(strings.TrimSpace(string(in.Authority)))
	in.AuthorityName = viet.NFC(in.AuthorityName)
	in.Kind = Kind(strings.TrimSpace(string(in.Kind)))
	in.Status = Status(strings.TrimSpace(string(in.Status)))
	if in.Status == "" {
		in.Status = Active
	}
	in.Description = viet.Text(in.Description)
	if !in.StartsOn.IsZero() {
		in.StartsOn = day(in.StartsOn)
	}
	if in.EndsOn != nil {
		d := day(*in.EndsOn)
		in.EndsOn = &d
	}
}

func (in Input) validate() error {
	f := errs.Fields{}
	switch {
	case in.Name == "":
		f.Add("name", "Nhập tên phong trào thi đua.")
	case tooLong(in.Name, maxName):
		f.Add("name", "Tên phong trào dài quá "+strconv.Itoa(maxName)+" ký tự.")
	}
	if !in.Authority.Valid() {
		f.Add("authority", "Chọn cơ quan, người phát động phong trào.")
	}
	if in.Authority == OtherAuth && in.AuthorityName == "" {
		f.Add("authority_name", "Nhập tên cơ quan phát động.")
	}
	if tooLong(in.AuthorityName, maxName) {
		f.Add("authority_name", "Tên cơ quan phát động dài quá "+strconv.Itoa(maxName)+" ký tự.")
	}
	if !in.Kind.Valid() {
		f.Add("kind", "Chọn loại phong trào: thường xuyên hoặc chuyên đề.")
	}
	if in.StartsOn.IsZero() {
		f.Add("starts_on", "Nhập ngày phát động.")
	}
	if in.EndsOn != nil && !in.StartsOn.IsZero() && in.EndsOn.Before(in.StartsOn) {
		f.Add("ends_on", "Ngày kết thúc phải từ ngày phát động trở về sau.")
	}
	if !in.Status.Valid() {
		f.Add("status", "Chọn tình trạng: đang triển khai hoặc đã kết thúc.")
	}
	if tooLong(in.Description, maxText) {
		f.Add("description", "Mô tả dài quá "+viet.Int(maxText)+" ký tự.")
	}
	return f.Err()
}

func (in *CampaignInput) normalize() {
	in.Name = viet.NFC(in.Name)
	in.Occasion = viet.NFC(in.Occasion)
	in.Description = viet.Text(in.Description)
	if !in.StartsOn.IsZero() {
		in.StartsOn = day(in.StartsOn)
	}
	if !in.EndsOn.IsZero() {
		in.EndsOn = day(in.EndsOn)
	}
}

// validate checks a campaign against the movement it belongs to: its dates
// must lie within the movement's.
func (in CampaignInput) validate(m Movement) error {
	f := errs.Fields{}
	switch {
	case in.Name == "":
		f.Add("name", "Nhập tên đợt thi đua.")
	case tooLong(in.Name, maxName):
		f.Add("name", "Tên đợt thi đua dài quá "+strconv.Itoa(maxName)+" ký tự.")
	}
	if tooLong(in.Occasion, maxName) {
		f.Add("occasion", "Sự kiện dài quá "+strconv.Itoa(maxName)+" ký tự.")
	}
	switch {
	case in.StartsOn.IsZero():
		f.Add("starts_on", "Nhập ngày bắt đầu đợt thi đua.")
	case in.StartsOn.Before(m.StartsOn):
		f.Add("starts_on", "Đợt thi đua không thể bắt đầu trước ngày phát động phong trào ("+viet.ShortDate(m.StartsOn)+").")
	}
	switch {
	case in.EndsOn.IsZero():
		f.Add("ends_on", "Nhập ngày kết thúc đợt thi đua.")
	case !in.StartsOn.IsZero() && in.EndsOn.Before(in.StartsOn):
		f.Add("ends_on", "Ngày kết thúc phải từ ngày bắt đầu trở về sau.")
	case m.EndsOn != nil && in.EndsOn.After(*m.EndsOn):
		f.Add("ends_on", "Đợt thi đua không thể kết thúc sau ngày kết thúc phong trào ("+viet.ShortDate(*m.EndsOn)+").")
	}
	if tooLong(in.Description, maxText) {
		f.Add("description", "Mô tả dài quá "+viet.Int(maxText)+" ký tự.")
	}
	return f.Err()
}
