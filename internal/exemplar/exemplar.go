// Package exemplar keeps exemplar dossiers (hồ sơ điển hình tiên tiến): an
// individual or a collective, a category, a summary of achievements, the
// general criteria of the plan as a checklist with evidence, and for new
// models and good practices a guide to replicate them. A draft is edited
// under optimistic concurrency; submission freezes it into an immutable,
// hashed version that reviewers score and compare (Diff). Beside every
// dossier stands its subject's achievement profile (past commendations) and
// the ways units honoured it locally (tôn vinh, nêu gương).
package exemplar

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"thidua/internal/errs"
	"thidua/internal/viet"
)

// Category is the kind of exemplar.
type Category string

const (
	Outstanding  Category = "outstanding"   // thành tích xuất sắc trong phong trào thi đua
	NewModel     Category = "new_model"     // mô hình mới
	GoodPractice Category = "good_practice" // cách làm hay
	GoodDeed     Category = "good_deed"     // người tốt, việc tốt
	BraveRescue  Category = "brave_rescue"  // dũng cảm cứu người
	Charity      Category = "charity"       // hoạt động xã hội, từ thiện
)

// Categories lists every category in display order.
var Categories = []Category{Outstanding, NewModel, GoodPractice, GoodDeed, BraveRescue, Charity}

// Label is the Vietnamese name of a category.
func (c Category) Label() string {
	switch c {
	case Outstanding:
		return "Thành tích xuất sắc trong phong trào thi đua"
	case NewModel:
		return "Mô hình mới"
	case GoodPractice:
		return "Cách làm hay"
	case GoodDeed:
		return "Người tốt, việc tốt"
	case BraveRescue:
		return "Dũng cảm cứu người"
	case Charity:
		return "Hoạt động xã hội, từ thiện"
	}
	return string(c)
}

// Valid reports whether c is a known category.
func (c Category) Valid() bool { return slices.Contains(Categories, c) }

// NeedsGuide reports whether dossiers of the category must explain how to
// replicate the exemplar: new models and good practices are meant to spread.
func (c Category) NeedsGuide() bool { return c == NewModel || c == GoodPractice }

// SubjectKind says whether a dossier is about a person or a collective.
type SubjectKind string

const (
	Individual SubjectKind = "individual" // cá nhân
	Collective SubjectKind = "collective" // tập thể: a unit, a tổ chuyên môn, a class…
)

// SubjectKinds lists both kinds.
var SubjectKinds = []SubjectKind{Individual, Collective}

// Label is the Vietnamese name of a subject kind.
func (k SubjectKind) Label() string {
	switch k {
	case Individual:
		return "Cá nhân"
	case Collective:
		return "Tập thể"
	}
	return string(k)
}

// Criterion is one checkable item of the plan's general criteria.
type Criterion struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

// Criteria are the general criteria of the seed plan (II.3.b, "Tiêu chí
// chung"), split into items a dossier ticks one by one.
var Criteria = []Criterion{
	{"law_abiding", "Gương mẫu chấp hành tốt chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước"},
	{"achievement", "Có thành tích xuất sắc, tiêu biểu trong công tác quản lý, giảng dạy, học tập, công tác"},
	{"innovation", "Sáng tạo, có sáng kiến cải tiến kỹ thuật, phương pháp quản lý, ứng dụng khoa học kỹ thuật, công nghệ cao"},
	{"mutual_help", "Có tinh thần tương thân tương ái, giúp đỡ mọi người cùng tiến bộ"},
	{"brave_rescue", "Tấm gương dũng cảm cứu người"},
	{"good_deed", "Gương người tốt, việc tốt"},
	{"social_charity", "Tích cực tham gia các hoạt động xã hội, từ thiện, góp phần đảm bảo an sinh xã hội"},
}

// CriterionLabel is the label of the criterion with key ("Minh chứng chung"
// for "", the key itself when unknown).
func CriterionLabel(key string) string {
	if key == "" {
		return "Minh chứng chung"
	}
	for _, c := range Criteria {
		if c.Key == key {
			return c.Label
		}
	}
	return key
}

func knownCriterion(key string) bool {
	return slices.ContainsFunc(Criteria, func(c Criterion) bool { return c.Key == key })
}

// CriterionEntry is a dossier's answer to one criterion.
type CriterionEntry struct {
	Key      string    `json:"key"`
	Checked  bool      `json:"checked"`
	Evidence string    `json:"evidence"`
	Files    []FileRef `json:"files"`
}

// FileRef is an evidence file attached to a dossier.
type FileRef struct {
	SHA256      string `json:"sha256"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// Guide explains how to replicate a model or practice (nhân rộng).
type Guide struct {
	Context    string `json:"context"`    // bối cảnh, sự cần thiết
	Steps      string `json:"steps"`      // các bước thực hiện
	Resources  string `json:"resources"`  // nguồn lực, kinh phí
	Results    string `json:"results"`    // kết quả và minh chứng
	Conditions string `json:"conditions"` // điều kiện để nhân rộng
	Contact    string `json:"contact"`    // đầu mối liên hệ
}

// guideFields lists a guide's fields with their names and labels, in order.
func guideFields(g *Guide) []struct{ Field, Label, Missing, Value string } {
	var v Guide
	if g != nil {
		v = *g
	}
	return []struct{ Field, Label, Missing, Value string }{
		{"guide.context", "Bối cảnh, sự cần thiết", "Nêu bối cảnh, sự cần thiết của mô hình, cách làm.", v.Context},
		{"guide.steps", "Các bước thực hiện", "Nêu các bước thực hiện.", v.Steps},
		{"guide.resources", "Nguồn lực và kinh phí", "Nêu nguồn lực và kinh phí cần có.", v.Resources},
		{"guide.results", "Kết quả đạt được và minh chứng", "Nêu kết quả đạt được và minh chứng.", v.Results},
		{"guide.conditions", "Điều kiện để nhân rộng", "Nêu điều kiện để đơn vị khác áp dụng.", v.Conditions},
		{"guide.contact", "Đầu mối liên hệ", "Nêu người hoặc bộ phận đầu mối để liên hệ.", v.Contact},
	}
}

func (g *Guide) empty() bool { return g == nil || *g == Guide{} }

// Genders a person may have ("" when not given).
const (
	Male   = "nam"
	Female = "nu"
)

// GenderLabel is the Vietnamese name of a gender.
func GenderLabel(g string) string {
	switch g {
	case Male:
		return "Nam"
	case Female:
		return "Nữ"
	}
	return g
}

// Person is a cá nhân, who needs no account.
type Person struct {
	ID        int64  `json:"id"`
	Ho        string `json:"ho"`
	Dem       string `json:"dem"`
	Ten       string `json:"ten"`
	Gender    string `json:"gender"` // Male, Female or ""
	BirthYear int    `json:"birth_year,omitempty"`
	Position  string `json:"position"` // chức vụ, công việc; for pupils, the class
	UnitID    int64  `json:"unit_id"`  // where the person works or studies
	UnitName  string `json:"unit_name"`
	// Student marks a pupil: a minor, who needs extra checks before anything
	// about them is published.
	Student bool `json:"student"`
}

// FullName is họ, đệm and tên as written.
func (p Person) FullName() string { return viet.FullName(p.Ho, p.Dem, p.Ten) }

// Dossier is an exemplar's dossier: the editable draft, or (inside a
// Version) the snapshot frozen at submission.
type Dossier struct {
	ID       int64  `json:"id"`
	UnitID   int64  `json:"unit_id"` // the unit that owns the draft
	UnitName string `json:"unit_name"`
	UnitPath string `json:"-"`

	SubjectKind SubjectKind `json:"subject_kind"`
	Person      *Person     `json:"person,omitempty"` // individuals
	// CollectiveName names a collective; CollectiveUnitID is set when the
	// collective is a unit of the tree (a school), 0 for a tổ or a class.
	CollectiveName   string `json:"collective_name,omitempty"`
	CollectiveUnitID int64  `json:"collective_unit_id,omitempty"`

	Category Category         `json:"category"`
	Title    string           `json:"title"`
	Summary  string           `json:"summary"`
	Criteria []CriterionEntry `json:"criteria"` // one entry per known criterion, in Criteria order
	Files    []FileRef        `json:"files"`    // general evidence, not tied to one criterion
	Guide    *Guide           `json:"guide,omitempty"`

	// MovementID links the dossier to the emulation movement (and
	// CampaignID to the campaign of it) the achievement was made in.
	MovementID   int64  `json:"movement_id,omitempty"`
	MovementName string `json:"movement_name,omitempty"`
	CampaignID   int64  `json:"campaign_id,omitempty"`
	CampaignName string `json:"campaign_name,omitempty"`

	Version    int `json:"version"`     // optimistic concurrency counter of the draft
	LastFrozen int `json:"last_frozen"` // latest frozen version (in a snapshot: its own number)

	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// SubjectName is the person's full name or the collective's name.
func (d Dossier) SubjectName() string {
	if d.SubjectKind == Individual && d.Person != nil {
		return d.Person.FullName()
	}
	return d.CollectiveName
}

// SubjectKey identifies the subject across dossiers and commendations:
// "person:ID", "unit:ID" for a collective that is a unit, and
// "collective:<unit id>:<folded name>" for a tổ, a class or another group
// inside the dossier's unit.
func (d Dossier) SubjectKey() string {
	if d.SubjectKind == Individual {
		if d.Person == nil {
			return ""
		}
		return "person:" + strconv.FormatInt(d.Person.ID, 10)
	}
	return collectiveKey(d.CollectiveUnitID, d.UnitID, d.CollectiveName)
}

func collectiveKey(collectiveUnitID, unitID int64, name string) string {
	if collectiveUnitID != 0 {
		return "unit:" + strconv.FormatInt(collectiveUnitID, 10)
	}
	return "collective:" + strconv.FormatInt(unitID, 10) + ":" + viet.Fold(name)
}

// Criterion returns the dossier's entry for key.
func (d Dossier) Criterion(key string) (CriterionEntry, bool) {
	for _, c := range d.Criteria {
		if c.Key == key {
			return c, true
		}
	}
	return CriterionEntry{Key: key}, false
}

// Input returns what a person edits about d, to change and pass to Update.
func (d Dossier) Input() Input {
	in := Input{
		UnitID: d.UnitID, SubjectKind: d.SubjectKind, CollectiveName: d.CollectiveName, CollectiveUnitID: d.CollectiveUnitID,
		Category: d.Category, Title: d.Title, Summary: d.Summary, MovementID: d.MovementID, CampaignID: d.CampaignID,
	}
	if d.Person != nil {
		in.Person = *d.Person
	}
	for _, c := range d.Criteria {
		in.Criteria = append(in.Criteria, CriterionEntry{Key: c.Key, Checked: c.Checked, Evidence: c.Evidence})
	}
	if d.Guide != nil {
		g := *d.Guide
		in.Guide = &g
	}
	return in
}

// Input is everything a person edits about a dossier.
type Input struct {
	UnitID      int64 // the owning unit; fixed once the draft exists (0 on Update: unchanged)
	SubjectKind SubjectKind
	// Person is the individual (ID is ignored: the person is found by unit,
	// name and birth year, or created). UnitID 0 means the dossier's unit.
	Person           Person
	CollectiveName   string
	CollectiveUnitID int64
	Category         Category
	Title            string
	Summary          string
	Criteria         []CriterionEntry // Files are ignored: see AttachFile
	Guide            *Guide
	MovementID       int64 // the movement the achievement was made in (0: none)
	CampaignID       int64 // one of its campaigns (0: none)
}

// Length caps, in characters.
const (
	maxName     = 60
	maxLine     = 300
	maxText     = 20000
	maxEvidence = 10000
)

// Normalize puts text in its stored form: NFC, single-line fields with
// white space collapsed, multi-line fields with their line breaks kept.
func (in *Input) Normalize() {
	in.SubjectKind = SubjectKind(strings.TrimSpace(string(in.SubjectKind)))
	in.Category = Category(strings.TrimSpace(string(in.Category)))
	p := &in.Person
	p.Ho, p.Dem, p.Ten = viet.NFC(p.Ho), viet.NFC(p.Dem), viet.NFC(p.Ten)
	p.Gender = strings.ToLower(strings.TrimSpace(p.Gender))
	p.Position = viet.NFC(p.Position)
	in.CollectiveName = viet.NFC(in.CollectiveName)
	in.Title = viet.NFC(in.Title)
	in.Summary = text(in.Summary)
	for i := range in.Criteria {
		c := &in.Criteria[i]
		c.Key = strings.TrimSpace(c.Key)
		c.Evidence = text(c.Evidence)
		c.Files = nil
	}
	if in.Guide != nil {
		g := *in.Guide
		g = Guide{text(g.Context), text(g.Steps), text(g.Resources), text(g.Results), text(g.Conditions), text(g.Contact)}
		in.Guide = &g
		if in.Guide.empty() {
			in.Guide = nil
		}
	}
}

// text is the stored form of multi-line text (see viet.Text).
func text(s string) string { return viet.Text(s) }

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// validate checks what a draft must have to be saved at all; what a dossier
// needs to be submitted is checked by Complete.
func (in *Input) validate(f errs.Fields) {
	if !slices.Contains(SubjectKinds, in.SubjectKind) {
		f.Add("subject_kind", "Chọn đối tượng là cá nhân hay tập thể.")
	}
	if !in.Category.Valid() {
		f.Add("category", "Chọn lĩnh vực/loại điển hình.")
	}
	switch in.SubjectKind {
	case Individual:
		p := in.Person
		if p.Ten == "" {
			f.Add("person.ten", "Nhập tên của cá nhân.")
		}
		for _, x := range []struct{ field, v, what string }{{"person.ho", p.Ho, "Họ"}, {"person.dem", p.Dem, "Tên đệm"}, {"person.ten", p.Ten, "Tên"}} {
			if tooLong(x.v, maxName) {
				f.Add(x.field, x.what+" dài quá "+strconv.Itoa(maxName)+" ký tự.")
			}
		}
		if p.Gender != "" && p.Gender != Male && p.Gender != Female {
			f.Add("person.gender", "Giới tính chỉ có thể là Nam hoặc Nữ.")
		}
		if p.BirthYear != 0 && (p.BirthYear < 1900 || p.BirthYear > time.Now().Year()) {
			f.Add("person.birth_year", "Năm sinh không hợp lệ.")
		}
		if tooLong(p.Position, maxLine) {
			f.Add("person.position", "Chức vụ dài quá "+strconv.Itoa(maxLine)+" ký tự.")
		}
	case Collective:
		if in.CollectiveName == "" && in.CollectiveUnitID == 0 {
			f.Add("collective_name", "Nhập tên tập thể (ví dụ: Tổ Toán, Lớp 5A) hoặc chọn đơn vị.")
		}
		if tooLong(in.CollectiveName, maxLine) {
			f.Add("collective_name", "Tên tập thể dài quá "+strconv.Itoa(maxLine)+" ký tự.")
		}
	}
	if tooLong(in.Title, maxLine) {
		f.Add("title", "Tên điển hình dài quá "+strconv.Itoa(maxLine)+" ký tự.")
	}
	if tooLong(in.Summary, maxText) {
		f.Add("summary", "Tóm tắt thành tích dài quá "+viet.Int(maxText)+" ký tự.")
	}
	seen := map[string]bool{}
	for _, c := range in.Criteria {
		switch {
		case !knownCriterion(c.Key):
			f.Add("criteria", "Tiêu chí “"+c.Key+"” không có trong danh sách tiêu chí chung.")
		case seen[c.Key]:
			f.Add("criteria."+c.Key, "Tiêu chí này được nhập hai lần.")
		case tooLong(c.Evidence, maxEvidence):
			f.Add("criteria."+c.Key, "Minh chứng dài quá "+viet.Int(maxEvidence)+" ký tự.")
		}
		seen[c.Key] = true
	}
	for _, g := range guideFields(in.Guide) {
		if tooLong(g.Value, maxEvidence) {
			f.Add(g.Field, g.Label+" dài quá "+viet.Int(maxEvidence)+" ký tự.")
		}
	}
}

// fullCriteria returns one entry per known criterion, in Criteria order,
// taking what entries say; entries of unknown keys (criteria retired since)
// are kept at the end.
func fullCriteria(entries []CriterionEntry) []CriterionEntry {
	byKey := map[string]CriterionEntry{}
	for _, e := range entries {
		byKey[e.Key] = e
	}
	out := make([]CriterionEntry, 0, len(Criteria))
	for _, c := range Criteria {
		e := byKey[c.Key]
		e.Key = c.Key
		out = append(out, e)
		delete(byKey, c.Key)
	}
	for _, e := range entries {
		if _, ok := byKey[e.Key]; ok {
			out = append(out, e)
			delete(byKey, e.Key)
		}
	}
	return out
}

// Complete checks that d may be submitted: a title, a summary, a named
// subject, at least one ticked criterion, evidence for every ticked one,
// and a full replication guide for new models and good practices. It
// returns an Invalid error with a Vietnamese message per field.
func (d Dossier) Complete() error {
	f := errs.Fields{}
	if d.Title == "" {
		f.Add("title", "Nhập tên điển hình (tiêu đề hồ sơ).")
	}
	if d.Summary == "" {
		f.Add("summary", "Nhập tóm tắt thành tích.")
	}
	switch d.SubjectKind {
	case Individual:
		if d.Person == nil || d.Person.Ten == "" {
			f.Add("person.ten", "Nhập tên của cá nhân.")
		} else {
			if d.Person.Ho == "" {
				f.Add("person.ho", "Nhập họ của cá nhân.")
			}
			if d.Person.Gender == "" {
				f.Add("person.gender", "Chọn giới tính.")
			}
			if d.Person.Position == "" {
				f.Add("person.position", "Nhập chức vụ, công việc (với học sinh: lớp đang học).")
			}
		}
	case Collective:
		if d.CollectiveName == "" {
			f.Add("collective_name", "Nhập tên tập thể.")
		}
	default:
		f.Add("subject_kind", "Chọn đối tượng là cá nhân hay tập thể.")
	}
	if !d.Category.Valid() {
		f.Add("category", "Chọn lĩnh vực/loại điển hình.")
	}
	checked := 0
	for _, c := range d.Criteria {
		if !c.Checked {
			continue
		}
		checked++
		if c.Evidence == "" && len(c.Files) == 0 {
			f.Add("criteria."+c.Key, "Nêu minh chứng hoặc đính kèm tệp cho tiêu chí “"+CriterionLabel(c.Key)+"”.")
		}
	}
	if checked == 0 {
		f.Add("criteria", "Đánh dấu ít nhất một tiêu chí chung mà điển hình đáp ứng, kèm minh chứng.")
	}
	if d.Category.NeedsGuide() {
		for _, g := range guideFields(d.Guide) {
			if g.Value == "" {
				f.Add(g.Field, g.Missing)
			}
		}
	}
	if len(f) == 0 {
		return nil
	}
	return &errs.Error{Code: errs.Invalid, Message: "Hồ sơ chưa đầy đủ nên chưa thể gửi. Vui lòng bổ sung các mục được đánh dấu.", Fields: f}
}
