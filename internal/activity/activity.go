// Package activity keeps the propaganda activities (hoạt động tuyên
// truyền) of the units: seminars, exchanges, cultural events, visual
// propaganda, news on the web, work with the press and the ward committees…
// Each is dated (an activity dated after today is planned, otherwise held),
// has a form (hình thức), may link the movements, campaigns and exemplar
// dossiers it publicises, counts its participants and its reach, and keeps
// its evidence (photos, PDF, Word, Excel) and links. Lists filter by
// subtree, period, form, movement and text, page with keyset cursors and
// export to XLSX through a background job; photos get thumbnails made by a
// background job. The Store is also the calendar's source of activities,
// and PublicRecent feeds the public portal.
package activity

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"thidua/internal/errs"
	"thidua/internal/viet"
)

// Form is the form (hình thức) of an activity, as the seed plan lists them
// (II.2 and III).
type Form string

const (
	Seminar    Form = "seminar"    // tọa đàm
	Exchange   Form = "exchange"   // giao lưu
	Experience Form = "experience" // trao đổi kinh nghiệm
	Emulate    Form = "emulate"    // thi đua cùng điển hình
	Culture    Form = "culture"    // văn hóa, văn nghệ
	Visual     Form = "visual"     // cổ động trực quan
	Online     Form = "online"     // tin bài trên website hoặc mạng xã hội
	Press      Form = "press"      // phối hợp báo, đài
	Commune    Form = "commune"    // phối hợp UBND xã, phường
	Other      Form = "other"      // khác, named in FormOther
)

// Forms lists every form in display order.
var Forms = []Form{Seminar, Exchange, Experience, Emulate, Culture, Visual, Online, Press, Commune, Other}

// Label is the Vietnamese name of a form.
func (f Form) Label() string {
	switch f {
	case Seminar:
		return "Tọa đàm"
	case Exchange:
		return "Giao lưu"
	case Experience:
		return "Trao đổi kinh nghiệm"
	case Emulate:
		return "Thi đua cùng điển hình"
	case Culture:
		return "Văn hóa, văn nghệ"
	case Visual:
		return "Cổ động trực quan"
	case Online:
		return "Tin bài trên website hoặc mạng xã hội"
	case Press:
		return "Phối hợp báo, đài"
	case Commune:
		return "Phối hợp UBND xã, phường"
	case Other:
		return "Khác"
	}
	return string(f)
}

// Valid reports whether f is a known form.
func (f Form) Valid() bool { return slices.Contains(Forms, f) }

// Status says whether an activity is still to come or has taken place.
type Status string

const (
	Planned Status = "planned" // kế hoạch: dated after today
	Held    Status = "held"    // đã tổ chức
)

// Label is the Vietnamese name of a status.
func (s Status) Label() string {
	switch s {
	case Planned:
		return "Kế hoạch"
	case Held:
		return "Đã tổ chức"
	}
	return string(s)
}

// Thumb states of an evidence file.
const (
	ThumbNone    = ""        // not an image
	ThumbPending = "pending" // the background job has not made it yet
	ThumbReady   = "ready"
	ThumbFailed  = "failed" // the image could not be decoded (or was too large to)
)

// FileRef is an evidence file of an activity.
type FileRef struct {
	SHA256      string `json:"sha256"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Thumb       string `json:"thumb"` // ThumbNone, ThumbPending, ThumbReady or ThumbFailed
}

// IsImage reports whether the file is a photo (it gets a thumbnail).
func (f FileRef) IsImage() bool { return strings.HasPrefix(f.ContentType, "image/") }

// Activity is one propaganda activity.
type Activity struct {
	ID       int64  `json:"id"`
	UnitID   int64  `json:"unit_id"`
	UnitName string `json:"unit_name"`
	UnitPath string `json:"-"`

	Date      time.Time  `json:"date"`       // the (first) day, midnight UTC standing for the Vietnamese calendar day
	StartTime string     `json:"start_time"` // "HH:MM" or ""
	EndDate   *time.Time `json:"end_date"`   // the last day, when the activity spans several
	EndTime   string     `json:"end_time"`   // "HH:MM" or ""

	Title        string   `json:"title"`
	Form         Form     `json:"form"`
	FormOther    string   `json:"form_other"` // the form's name when Form is Other
	Participants int      `json:"participants"`
	Reach        int      `json:"reach"` // số lượt tiếp cận, người xem
	Partners     string   `json:"partners"`
	Description  string   `json:"description"`
	Links        []string `json:"links"`
	Public       bool     `json:"public"`

	MovementIDs []int64   `json:"movement_ids"`
	CampaignIDs []int64   `json:"campaign_ids"`
	DossierIDs  []int64   `json:"dossier_ids"` // every linked dossier; pages show those the reader may see
	Files       []FileRef `json:"files"`

	Version   int       `json:"version"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedBy int64     `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
}

// FormName is the form's label, or the name given to an "other" form.
func (a Activity) FormName() string {
	if a.Form == Other && a.FormOther != "" {
		return a.FormOther
	}
	return a.Form.Label()
}

// StatusOn is Planned when the activity is dated after today (a day as
// Today returns it), Held otherwise.
func (a Activity) StatusOn(today time.Time) Status {
	if a.Date.After(today) {
		return Planned
	}
	return Held
}

// Thumbnail is the first image among the files (nil when there is none).
func (a Activity) Thumbnail() *FileRef {
	for i := range a.Files {
		if a.Files[i].IsImage() {
			return &a.Files[i]
		}
	}
	return nil
}

// When writes the date and times the Vietnamese way: "05/03/2025",
// "05/03/2025, 08:00 – 10:30", "05/03/2025 – 07/03/2025".
func (a Activity) When() string {
	s := viet.ShortDate(a.Date)
	if a.StartTime != "" {
		s += ", " + a.StartTime
	}
	multi := a.EndDate != nil && a.EndDate.After(a.Date)
	switch {
	case multi && a.EndTime != "":
		s += " – " + viet.ShortDate(*a.EndDate) + ", " + a.EndTime
	case multi:
		s += " – " + viet.ShortDate(*a.EndDate)
	case a.EndTime != "":
		s += " – " + a.EndTime
	}
	return s
}

// Summary is the start of the description, at most n characters, cut at a
// word.
func (a Activity) Summary(n int) string {
	d := strings.Join(strings.Fields(a.Description), " ")
	if utf8.RuneCountInString(d) <= n {
		return d
	}
	r := []rune(d)[:n]
	if i := strings.LastIndex(string(r), " "); i > n/2 {
		return string(r)[:i] + "…"
	}
	return string(r) + "…"
}

// Input is everything a person edits about an activity.
type Input struct {
	UnitID       int64 // the unit that held it; fixed once the activity exists (0 on Update: unchanged)
	Date         time.Time
	StartTime    string
	EndDate      *time.Time
	EndTime      string
	Title        string
	Form         Form
	FormOther    string
	Participants int
	Reach        int
	Partners     string
	Description  string
	Links        []string
	// Public is the công khai flag; nil leaves it as it is (false when
	// creating). Only leaders and officers may change it.
	Public      *bool
	MovementIDs []int64
	CampaignIDs []int64
	DossierIDs  []int64
}

// Input returns what a person edits about a, to change and pass to Update.
func (a Activity) Input() Input {
	pub := a.Public
	in := Input{UnitID: a.UnitID, Date: a.Date, StartTime: a.StartTime, EndTime: a.EndTime, Title: a.Title, Form: a.Form,
		FormOther: a.FormOther, Participants: a.Participants, Reach: a.Reach, Partners: a.Partners, Description: a.Description,
		Links: slices.Clone(a.Links), Public: &pub, MovementIDs: slices.Clone(a.MovementIDs), CampaignIDs: slices.Clone(a.CampaignIDs),
		DossierIDs: slices.Clone(a.DossierIDs)}
	if a.EndDate != nil {
		d := *a.EndDate
		in.EndDate = &d
	}
	return in
}

// Caps.
const (
	MaxFiles     = 30 // evidence files of one activity
	MaxLinks     = 20
	MaxDossiers  = 30
	MaxMovements = 20
	maxLine      = 300
	maxPartners  = 2000
	maxText      = 20000
	maxURL       = 2000
	maxCount     = 1_000_000_000
)

// Normalize puts text in its stored form: NFC, single-line fields with
// white space collapsed, multi-line fields with their line breaks kept;
// dates as days; id lists sorted without repeats; links trimmed, empty ones
// dropped.
func (in *Input) Normalize() {
	in.Title = viet.NFC(in.Title)
	in.Form = Form(strings.TrimSpace(string(in.Form)))
	in.FormOther = viet.NFC(in.FormOther)
	if in.Form != Other {
		in.FormOther = ""
	}
	in.Partners = multiline(in.Partners)
	in.Description = multiline(in.Description)
	in.StartTime, in.EndTime = strings.TrimSpace(in.StartTime), strings.TrimSpace(in.EndTime)
	if !in.Date.IsZero() {
		in.Date = day(in.Date)
	}
	if in.EndDate != nil {
		d := day(*in.EndDate)
		in.EndDate = &d
		if d.Equal(in.Date) {
			in.EndDate = nil
		}
	}
	var links []string
	for _, l := range in.Links {
		if l = strings.TrimSpace(norm.NFC.String(l)); l != "" && !slices.Contains(links, l) {
			links = append(links, l)
		}
	}
	in.Links = links
	in.MovementIDs, in.CampaignIDs, in.DossierIDs = ids(in.MovementIDs), ids(in.CampaignIDs), ids(in.DossierIDs)
}

// ids sorts a list of ids and drops repeats and non-positive ones.
func ids(list []int64) []int64 {
	out := make([]int64, 0, len(list))
	for _, id := range list {
		if id > 0 {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// day is the calendar day of t as midnight UTC (the form dates are stored
// in).
func day(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }

// multiline is the stored form of multi-line text: NFC, Unix line breaks,
// no trailing spaces, at most one blank line in a row, trimmed.
func multiline(s string) string {
	s = norm.NFC.String(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"))
	var out []string
	blank := false
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimRight(l, " \t\u00a0")
		if strings.TrimSpace(l) == "" {
			if blank {
				continue
			}
			blank, l = true, ""
		} else {
			blank = false
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// clock reports whether s is a time of day "HH:MM" (or "H:MM").
func clock(s string) (string, bool) {
	h, m, ok := strings.Cut(s, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || len(m) != 2 || len(h) > 2 || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return "", false
	}
	return strconv.Itoa(100 + hh)[1:] + ":" + m, true
}

// CheckLink validates a link: an absolute http or https URL with a host,
// without user name or password. It returns the link as stored.
func CheckLink(s string) (string, bool) {
	if tooLong(s, maxURL) || strings.ContainsAny(s, " \t\n\r\"<>") {
		return "", false
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.Hostname() == "" {
		return "", false
	}
	return u.String(), true
}

// validate checks what an activity needs to be saved, with today's date
// (Vietnam) for the plausibility of dates.
func (in *Input) validate(f errs.Fields, today time.Time) {
	if in.Title == "" {
		f.Add("title", "Nhập tên hoạt động.")
	} else if tooLong(in.Title, maxLine) {
		f.Add("title", "Tên hoạt động dài quá "+strconv.Itoa(maxLine)+" ký tự.")
	}
	if !in.Form.Valid() {
		f.Add("form", "Chọn hình thức tuyên truyền.")
	}
	if in.Form == Other && in.FormOther == "" {
		f.Add("form_other", "Nêu hình thức tuyên truyền khác là gì.")
	} else if tooLong(in.FormOther, maxLine) {
		f.Add("form_other", "Tên hình thức dài quá "+strconv.Itoa(maxLine)+" ký tự.")
	}
	switch {
	case in.Date.IsZero():
		f.Add("date", "Nhập ngày tổ chức hoạt động.")
	case in.Date.Year() < 2000 || in.Date.After(today.AddDate(5, 0, 0)):
		f.Add("date", "Ngày tổ chức không hợp lệ (từ năm 2000 đến 5 năm tới).")
	}
	if in.StartTime != "" {
		if t, ok := clock(in.StartTime); ok {
			in.StartTime = t
		} else {
			f.Add("start_time", "Giờ bắt đầu phải có dạng giờ:phút, ví dụ 08:00.")
		}
	}
	if in.EndTime != "" {
		if t, ok := clock(in.EndTime); !ok {
			f.Add("end_time", "Giờ kết thúc phải có dạng giờ:phút, ví dụ 10:30.")
		} else if in.StartTime == "" {
			f.Add("end_time", "Nhập giờ bắt đầu trước khi nhập giờ kết thúc.")
		} else {
			in.EndTime = t
		}
	}
	if in.EndDate != nil && !in.Date.IsZero() {
		switch {
		case in.EndDate.Before(in.Date):
			f.Add("end_date", "Ngày kết thúc không được trước ngày bắt đầu.")
		case in.EndDate.After(in.Date.AddDate(1, 0, 0)):
			f.Add("end_date", "Một hoạt động kéo dài tối đa một năm; hãy ghi thành nhiều hoạt động.")
		}
	}
	if in.EndDate == nil && in.StartTime != "" && in.EndTime != "" && f["start_time"] == "" && f["end_time"] == "" && in.EndTime <= in.StartTime {
		f.Add("end_time", "Giờ kết thúc phải sau giờ bắt đầu.")
	}
	if in.Participants < 0 || in.Participants > maxCount {
		f.Add("participants", "Số người tham gia không hợp lệ.")
	}
	if in.Reach < 0 || in.Reach > maxCount {
		f.Add("reach", "Số lượt tiếp cận không hợp lệ.")
	}
	if tooLong(in.Partners, maxPartners) {
		f.Add("partners", "Đơn vị phối hợp dài quá "+viet.Int(maxPartners)+" ký tự.")
	}
	if tooLong(in.Description, maxText) {
		f.Add("description", "Nội dung dài quá "+viet.Int(maxText)+" ký tự.")
	}
	if len(in.Links) > MaxLinks {
		f.Add("links", "Mỗi hoạt động có tối đa "+strconv.Itoa(MaxLinks)+" đường dẫn.")
	}
	for i, l := range in.Links {
		u, ok := CheckLink(l)
		if !ok {
			f.Add("links", "Đường dẫn “"+shorten(l, 80)+"” không hợp lệ: mỗi dòng một địa chỉ bắt đầu bằng http:// hoặc https://.")
			continue
		}
		in.Links[i] = u
	}
	if len(in.MovementIDs) > MaxMovements || len(in.CampaignIDs) > MaxMovements {
		f.Add("movements", "Chọn tối đa "+strconv.Itoa(MaxMovements)+" phong trào và "+strconv.Itoa(MaxMovements)+" đợt thi đua.")
	}
	if len(in.DossierIDs) > MaxDossiers {
		f.Add("dossiers", "Liên kết tối đa "+strconv.Itoa(MaxDossiers)+" hồ sơ điển hình.")
	}
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// describe names an activity in audit summaries.
func describe(a Activity) string {
	return "“" + a.Title + "” (" + viet.ShortDate(a.Date) + ", " + a.UnitName + ")"
}
