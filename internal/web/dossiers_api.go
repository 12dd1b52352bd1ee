package web

import (
	"net/http"
	"strconv"
	"time"

	"thidua/internal/errs"
	"thidua/internal/exemplar"
	"thidua/internal/viet"
)

// The JSON API of exemplar dossiers: snake_case DTOs, dates as
// "2006-01-02", null when absent.

type evidenceFileJSON struct {
	SHA256      string `json:"sha256"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	URL         string `json:"url"` // the download page (browser session)
}

type criterionJSON struct {
	Key      string             `json:"key"`
	Label    string             `json:"label"`
	Checked  bool               `json:"checked"`
	Evidence string             `json:"evidence"`
	Files    []evidenceFileJSON `json:"files"`
}

type personJSON struct {
	ID        int64  `json:"id"`
	Ho        string `json:"ho"`
	Dem       string `json:"dem"`
	Ten       string `json:"ten"`
	FullName  string `json:"full_name"`
	Gender    string `json:"gender"`
	BirthYear *int   `json:"birth_year"`
	Position  string `json:"position"`
	UnitID    int64  `json:"unit_id"`
	UnitName  string `json:"unit_name"`
	Student   bool   `json:"student"`
}

type guideJSON struct {
	Context    string `json:"context"`
	Steps      string `json:"steps"`
	Resources  string `json:"resources"`
	Results    string `json:"results"`
	Conditions string `json:"conditions"`
	Contact    string `json:"contact"`
}

type dossierJSON struct {
	ID               int64              `json:"id"`
	UnitID           int64              `json:"unit_id"`
	UnitName         string             `json:"unit_name"`
	SubjectKind      string             `json:"subject_kind"`
	SubjectName      string             `json:"subject_name"`
	Person           *personJSON        `json:"person"`
	CollectiveName   string             `json:"collective_name"`
	CollectiveUnitID *int64             `json:"collective_unit_id"`
	Category         string             `json:"category"`
	CategoryLabel    string             `json:"category_label"`
	Title            string             `json:"title"`
	Summary          string             `json:"summary"`
	Criteria         []criterionJSON    `json:"criteria"`
	Files            []evidenceFileJSON `json:"files"`
	Guide            *guideJSON         `json:"guide"`
	MovementID       *int64             `json:"movement_id"`
	MovementName     string             `json:"movement_name"`
	CampaignID       *int64             `json:"campaign_id"`
	CampaignName     string             `json:"campaign_name"`
	Complete         bool               `json:"complete"` // may be sent into a round
	Version          int                `json:"version"`
	LastFrozen       int                `json:"last_frozen"`
	CreatedBy        int64              `json:"created_by"`
	CreatedAt        time.Time          `json:"created_at"`
	UpdatedAt        time.Time          `json:"updated_at"`
}

func filesJSON(d exemplar.Dossier, refs []exemplar.FileRef) []evidenceFileJSON {
	out := make([]evidenceFileJSON, len(refs))
	for i, f := range refs {
		out[i] = evidenceFileJSON{SHA256: f.SHA256, Name: f.Name, ContentType: f.ContentType, Size: f.Size, URL: evidenceHref(d.ID, f.SHA256)}
	}
	return out
}

func idOrNull(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func toDossierJSON(d exemplar.Dossier) dossierJSON {
	out := dossierJSON{ID: d.ID, UnitID: d.UnitID, UnitName: d.UnitName, SubjectKind: string(d.SubjectKind), SubjectName: d.SubjectName(),
		CollectiveName: d.CollectiveName, CollectiveUnitID: idOrNull(d.CollectiveUnitID), Category: string(d.Category),
		CategoryLabel: d.Category.Label(), Title: d.Title, Summary: d.Summary, Criteria: []criterionJSON{}, Files: filesJSON(d, d.Files),
		Complete: d.Complete() == nil, Version: d.Version, LastFrozen: d.LastFrozen, CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
		MovementID: idOrNull(d.MovementID), MovementName: d.MovementName, CampaignID: idOrNull(d.CampaignID), CampaignName: d.CampaignName}
	if p := d.Person; p != nil && d.SubjectKind == exemplar.Individual {
		pj := &personJSON{ID: p.ID, Ho: p.Ho, Dem: p.Dem, Ten: p.Ten, FullName: p.FullName(), Gender: p.Gender, Position: p.Position,
			UnitID: p.UnitID, UnitName: p.UnitName, Student: p.Student}
		if p.BirthYear != 0 {
			y := p.BirthYear
			pj.BirthYear = &y
		}
		out.Person = pj
	}
	for _, c := range d.Criteria {
		out.Criteria = append(out.Criteria, criterionJSON{Key: c.Key, Label: exemplar.CriterionLabel(c.Key), Checked: c.Checked,
			Evidence: c.Evidence, Files: filesJSON(d, c.Files)})
	}
	if g := d.Guide; g != nil {
		out.Guide = &guideJSON{g.Context, g.Steps, g.Resources, g.Results, g.Conditions, g.Contact}
	}
	return out
}

// personBody is the individual in a dossier body.
type personBody struct {
	Ho        string `json:"ho"`
	Dem       string `json:"dem"`
	Ten       string `json:"ten"`
	Gender    string `json:"gender"`
	BirthYear int    `json:"birth_year"`
	Position  string `json:"position"`
	UnitID    int64  `json:"unit_id"`
	Student   bool   `json:"student"`
}

type criterionBody struct {
	Key      string `json:"key"`
	Checked  bool   `json:"checked"`
	Evidence string `json:"evidence"`
}

// dossierBodyJSON is the request body for creating and editing a dossier;
// PUT replaces everything it names.
type dossierBodyJSON struct {
	Version          int             `json:"version"`
	UnitID           int64           `json:"unit_id"`
	SubjectKind      string          `json:"subject_kind"`
	Person           *personBody     `json:"person"`
	CollectiveName   string          `json:"collective_name"`
	CollectiveUnitID int64           `json:"collective_unit_id"`
	Category         string          `json:"category"`
	Title            string          `json:"title"`
	Summary          string          `json:"summary"`
	Criteria         []criterionBody `json:"criteria"`
	Guide            *guideJSON      `json:"guide"`
	MovementID       *int64          `json:"movement_id"`
	CampaignID       *int64          `json:"campaign_id"`
}

func (b dossierBodyJSON) input() exemplar.Input {
	in := exemplar.Input{UnitID: b.UnitID, SubjectKind: exemplar.SubjectKind(b.SubjectKind), CollectiveName: b.CollectiveName,
		CollectiveUnitID: b.CollectiveUnitID, Category: exemplar.Category(b.Category), Title: b.Title, Summary: b.Summary}
	if p := b.Person; p != nil {
		in.Person = exemplar.Person{Ho: p.Ho, Dem: p.Dem, Ten: p.Ten, Gender: p.Gender, BirthYear: p.BirthYear, Position: p.Position,
			UnitID: p.UnitID, Student: p.Student}
	}
	for _, c := range b.Criteria {
		in.Criteria = append(in.Criteria, exemplar.CriterionEntry{Key: c.Key, Checked: c.Checked, Evidence: c.Evidence})
	}
	if g := b.Guide; g != nil {
		in.Guide = &exemplar.Guide{Context: g.Context, Steps: g.Steps, Resources: g.Resources, Results: g.Results, Conditions: g.Conditions, Contact: g.Contact}
	}
	if b.MovementID != nil {
		in.MovementID = *b.MovementID
	}
	if b.CampaignID != nil {
		in.CampaignID = *b.CampaignID
	}
	return in
}

func (s *Server) apiDossierList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := exemplar.Filter{Query: q.Get("q"), Category: exemplar.Category(q.Get("category")), SubjectKind: exemplar.SubjectKind(q.Get("subject_kind"))}
	f.UnitID, _ = strconv.ParseInt(q.Get("unit_id"), 10, 64)
	f.MovementID, _ = strconv.ParseInt(q.Get("movement_id"), 10, 64)
	f.Limit, f.Offset = limitOffset(r, 50)
	f.Limit = min(f.Limit, 500)
	ds, total, err := s.dossiers.List(r.Context(), scope(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := listOf[dossierJSON](total)
	for _, d := range ds {
		out.Items = append(out.Items, toDossierJSON(d))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiDossierGet(w http.ResponseWriter, r *http.Request) {
	d, err := s.apiDossier(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toDossierJSON(d))
}

// apiDossier reads the dossier {id} the caller may read.
func (s *Server) apiDossier(r *http.Request) (exemplar.Dossier, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return exemplar.Dossier{}, err
	}
	return s.dossiers.Get(r.Context(), scope(r), id)
}

func (s *Server) apiDossierCreate(w http.ResponseWriter, r *http.Request) {
	var b dossierBodyJSON
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.dossiers.Create(r.Context(), scope(r), b.input())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/dossiers/"+strconv.FormatInt(d.ID, 10))
	writeJSON(w, http.StatusCreated, toDossierJSON(d))
}

func (s *Server) apiDossierUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b dossierBodyJSON
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	if b.Version <= 0 {
		s.fail(w, r, errs.InvalidField("version", "Thiếu số phiên bản (version) của hồ sơ đã đọc."))
		return
	}
	d, err := s.dossiers.Update(r.Context(), scope(r), id, b.Version, b.input())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toDossierJSON(d))
}

func (s *Server) apiDossierAttach(w http.ResponseWriter, r *http.Request) {
	id, version, name, err := rawUpload(r, "hồ sơ", "giay-khen.pdf")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.dossiers.AttachFile(r.Context(), scope(r), id, version, r.URL.Query().Get("criterion"), name, r.Body)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toDossierJSON(d))
}

type changeJSON struct {
	Field  string `json:"field"`
	Label  string `json:"label"`
	Before string `json:"before"`
	After  string `json:"after"`
}

type versionJSON struct {
	ID        int64     `json:"id"`
	DossierID int64     `json:"dossier_id"`
	Number    int       `json:"number"`
	Hash      string    `json:"hash"`
	Intact    bool      `json:"intact"` // the stored snapshot still matches its hash
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// versionDetailJSON is a version with its snapshot and what changed since
// the version frozen before it (previous_id null and no changes for the
// first).
type versionDetailJSON struct {
	versionJSON
	Dossier    dossierJSON  `json:"dossier"`
	PreviousID *int64       `json:"previous_id"`
	Changes    []changeJSON `json:"changes"`
}

func toVersionJSON(v exemplar.Version) versionJSON {
	return versionJSON{ID: v.ID, DossierID: v.DossierID, Number: v.Number, Hash: v.Hash, Intact: v.Intact(), CreatedBy: v.CreatedBy, CreatedAt: v.CreatedAt}
}

func (s *Server) apiDossierVersions(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vs, err := s.dossiers.Versions(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := listOf[versionJSON](len(vs))
	for _, v := range vs {
		out.Items = append(out.Items, toVersionJSON(v))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiVersionGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, prev, _, err := s.versionWithPrevious(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := versionDetailJSON{versionJSON: toVersionJSON(v), Dossier: toDossierJSON(v.Dossier), Changes: []changeJSON{}}
	if prev != nil {
		out.PreviousID = &prev.ID
		for _, c := range exemplar.Diff(prev.Dossier, v.Dossier) {
			out.Changes = append(out.Changes, changeJSON(c))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

type commendationJSON struct {
	ID             int64     `json:"id"`
	PersonID       *int64    `json:"person_id"`
	UnitID         int64     `json:"unit_id"`
	CollectiveName string    `json:"collective_name"`
	Title          string    `json:"title"`
	DecisionNo     string    `json:"decision_no"`
	DecidedOn      *string   `json:"decided_on"`
	Issuer         string    `json:"issuer"`
	CreatedBy      int64     `json:"created_by"`
	CreatedAt      time.Time `json:"created_at"`
}

func toCommendationJSON(c exemplar.Commendation) commendationJSON {
	return commendationJSON{ID: c.ID, PersonID: idOrNull(c.PersonID), UnitID: c.UnitID, CollectiveName: c.CollectiveName, Title: c.Title,
		DecisionNo: c.DecisionNo, DecidedOn: isoDayOrNull(c.DecidedOn), Issuer: c.Issuer, CreatedBy: c.CreatedBy, CreatedAt: c.CreatedAt}
}

// isoDayOrNull writes a date as "2006-01-02", null when zero.
func isoDayOrNull(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	return isoDate(&t)
}

type commendationBody struct {
	Title      string `json:"title"`
	DecisionNo string `json:"decision_no"`
	DecidedOn  string `json:"decided_on"`
	Issuer     string `json:"issuer"`
}

func (s *Server) apiCommendationList(w http.ResponseWriter, r *http.Request) {
	d, err := s.apiDossier(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cs, err := s.dossiers.Commendations(r.Context(), scope(r), d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := listOf[commendationJSON](len(cs))
	for _, c := range cs {
		out.Items = append(out.Items, toCommendationJSON(c))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiCommendationAdd(w http.ResponseWriter, r *http.Request) {
	d, err := s.apiDossier(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b commendationBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	c := exemplar.SubjectCommendation(d)
	c.Title, c.DecisionNo, c.Issuer = b.Title, b.DecisionNo, b.Issuer
	if b.DecidedOn != "" {
		day, ok := viet.ParseDate(b.DecidedOn)
		if !ok {
			s.fail(w, r, errs.InvalidField("decided_on", "Ngày quyết định không hợp lệ; dùng dạng 2025-06-30."))
			return
		}
		c.DecidedOn = day
	}
	c, err = s.dossiers.AddCommendation(r.Context(), scope(r), c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toCommendationJSON(c))
}

type honourJSON struct {
	ID         int64     `json:"id"`
	DossierID  int64     `json:"dossier_id"`
	UnitID     int64     `json:"unit_id"`
	UnitName   string    `json:"unit_name"`
	Form       string    `json:"form"`
	FormLabel  string    `json:"form_label"`
	Date       *string   `json:"date"`
	DecisionNo string    `json:"decision_no"`
	Note       string    `json:"note"`
	CreatedBy  int64     `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
}

func toHonourJSON(h exemplar.Honour) honourJSON {
	return honourJSON{ID: h.ID, DossierID: h.DossierID, UnitID: h.UnitID, UnitName: h.UnitName, Form: h.Form, FormLabel: exemplar.HonourFormLabel(h.Form),
		Date: isoDayOrNull(h.Date), DecisionNo: h.DecisionNo, Note: h.Note, CreatedBy: h.CreatedBy, CreatedAt: h.CreatedAt}
}

type honourBody struct {
	UnitID     int64  `json:"unit_id"`
	Form       string `json:"form"`
	Date       string `json:"date"`
	DecisionNo string `json:"decision_no"`
	Note       string `json:"note"`
}

func (s *Server) apiHonourList(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hs, err := s.dossiers.Honours(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := listOf[honourJSON](len(hs))
	for _, h := range hs {
		out.Items = append(out.Items, toHonourJSON(h))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiHonourAdd(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b honourBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	h := exemplar.Honour{DossierID: id, UnitID: b.UnitID, Form: b.Form, DecisionNo: b.DecisionNo, Note: b.Note}
	if b.Date != "" {
		day, ok := viet.ParseDate(b.Date)
		if !ok {
			s.fail(w, r, errs.InvalidField("date", "Ngày tôn vinh không hợp lệ; dùng dạng 2025-06-30."))
			return
		}
		h.Date = day
	}
	h, err = s.dossiers.AddHonour(r.Context(), scope(r), h)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toHonourJSON(h))
}

func init() {
	for k, v := range map[string]opDoc{
		"GET /api/v1/dossiers": {Summary: "Danh sách hồ sơ điển hình trong phạm vi của người gọi, mới sửa trước; q tìm không dấu trong tên điển hình, tên đối tượng, tóm tắt",
			Query: []string{"q", "category", "subject_kind", "unit_id", "movement_id", "limit", "offset"}, Result: "list:Dossier", Status: 200},
		"POST /api/v1/dossiers": {Summary: "Lập hồ sơ điển hình (cán bộ, phụ trách thi đua hoặc lãnh đạo tại đơn vị unit_id hay cấp trên)",
			Body: "DossierBody", Result: "Dossier", Status: 201},
		"GET /api/v1/dossiers/{id}": {Summary: "Xem hồ sơ điển hình (bản nháp hiện tại)", Result: "Dossier", Status: 200},
		"PUT /api/v1/dossiers/{id}": {Summary: "Sửa hồ sơ (thay toàn bộ nội dung); version phải là phiên bản đã đọc, nếu không trả 409 và không thay đổi gì",
			Body: "DossierBody", Result: "Dossier", Status: 200},
		"POST /api/v1/dossiers/{id}/files": {Summary: "Đính kèm tệp minh chứng gửi nguyên văn trong thân yêu cầu (ảnh, PDF, Word, Excel; kiểm tra theo nội dung); criterion là mã tiêu chí (bỏ trống: minh chứng chung), name là tên tệp, version là phiên bản hồ sơ đã đọc. Tệp bị từ chối không làm thay đổi hồ sơ",
			Query: []string{"criterion", "name", "version"}, Body: "file", Result: "Dossier", Status: 200},
		"GET /api/v1/dossiers/{id}/versions": {Summary: "Các phiên bản đã chốt (khi gửi xét chọn) của hồ sơ, cũ trước", Result: "list:DossierVersion", Status: 200},
		"GET /api/v1/versions/{id}": {Summary: "Một phiên bản đã chốt: nội dung (không đổi được) và các thay đổi so với phiên bản trước",
			Result: "DossierVersionDetail", Status: 200},
		"GET /api/v1/dossiers/{id}/commendations":  {Summary: "Khen thưởng đã nhận của cá nhân hoặc tập thể trong hồ sơ, mới trước", Result: "list:Commendation", Status: 200},
		"POST /api/v1/dossiers/{id}/commendations": {Summary: "Ghi nhận một khen thưởng đã nhận của đối tượng hồ sơ", Body: "CommendationBody", Result: "Commendation", Status: 201},
		"GET /api/v1/dossiers/{id}/honours":        {Summary: "Các lần tôn vinh, nêu gương điển hình, mới trước", Result: "list:Honour", Status: 200},
		"POST /api/v1/dossiers/{id}/honours": {Summary: "Ghi nhận tôn vinh, nêu gương (lãnh đạo hoặc phụ trách thi đua của đơn vị hồ sơ hay cấp trên; unit_id 0: đơn vị của hồ sơ)",
			Body: "HonourBody", Result: "Honour", Status: 201},
	} {
		apiDocs[k] = v
	}

	categories := make([]string, len(exemplar.Categories))
	for i, c := range exemplar.Categories {
		categories[i] = string(c)
	}
	criteria := make([]string, len(exemplar.Criteria))
	for i, c := range exemplar.Criteria {
		criteria[i] = c.Key
	}
	kinds := enum(string(exemplar.Individual), string(exemplar.Collective))
	gender := enum("", exemplar.Male, exemplar.Female)
	nullable := func(m map[string]any) map[string]any {
		out := map[string]any{"nullable": true}
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	arrayOf := func(name string) map[string]any { return map[string]any{"type": "array", "items": ref(name)} }
	guide := map[string]any{"context": str, "steps": str, "resources": str, "results": str, "conditions": str, "contact": str}
	for k, v := range map[string]any{
		"EvidenceFile": obj(map[string]any{"sha256": str, "name": str, "content_type": str, "size": integ, "url": str}),
		"Criterion": obj(map[string]any{"key": enum(criteria...), "label": str, "checked": boolean, "evidence": str,
			"files": arrayOf("EvidenceFile")}),
		"Person": obj(map[string]any{"id": integ, "ho": str, "dem": str, "ten": str, "full_name": str, "gender": gender,
			"birth_year": nullable(integ), "position": str, "unit_id": integ, "unit_name": str, "student": boolean}),
		"Guide": obj(guide),
		"Dossier": obj(map[string]any{"id": integ, "unit_id": integ, "unit_name": str, "subject_kind": kinds, "subject_name": str,
			"person": map[string]any{"allOf": []any{ref("Person")}, "nullable": true}, "collective_name": str, "collective_unit_id": nullable(integ),
			"category": enum(categories...), "category_label": str, "title": str, "summary": str, "criteria": arrayOf("Criterion"),
			"files": arrayOf("EvidenceFile"), "guide": map[string]any{"allOf": []any{ref("Guide")}, "nullable": true}, "complete": boolean,
			"movement_id": nullable(integ), "movement_name": str, "campaign_id": nullable(integ), "campaign_name": str,
			"version": integ, "last_frozen": integ, "created_by": integ, "created_at": stamp, "updated_at": stamp}),
		"DossierBody": obj(map[string]any{"version": integ, "unit_id": integ, "subject_kind": kinds,
			"person":          obj(map[string]any{"ho": str, "dem": str, "ten": str, "gender": gender, "birth_year": integ, "position": str, "unit_id": integ, "student": boolean}),
			"collective_name": str, "collective_unit_id": integ, "category": enum(categories...), "title": str, "summary": str,
			"criteria":    map[string]any{"type": "array", "items": obj(map[string]any{"key": enum(criteria...), "checked": boolean, "evidence": str}, "key")},
			"guide":       ref("Guide"),
			"movement_id": map[string]any{"type": "integer", "nullable": true, "description": "Phong trào thi đua mà thành tích đạt được trong đó; null hoặc bỏ trống: không gắn"},
			"campaign_id": map[string]any{"type": "integer", "nullable": true, "description": "Một đợt thi đua của phong trào đó"}}, "subject_kind", "category"),
		"DossierVersion": obj(map[string]any{"id": integ, "dossier_id": integ, "number": integ, "hash": str, "intact": boolean,
			"created_by": integ, "created_at": stamp}),
		"Change": obj(map[string]any{"field": str, "label": str, "before": str, "after": str}),
		"DossierVersionDetail": obj(map[string]any{"id": integ, "dossier_id": integ, "number": integ, "hash": str, "intact": boolean,
			"created_by": integ, "created_at": stamp, "dossier": ref("Dossier"), "previous_id": nullable(integ), "changes": arrayOf("Change")}),
		"Commendation": obj(map[string]any{"id": integ, "person_id": nullable(integ), "unit_id": integ, "collective_name": str, "title": str,
			"decision_no": str, "decided_on": nullable(date), "issuer": str, "created_by": integ, "created_at": stamp}),
		"CommendationBody": obj(map[string]any{"title": str, "decision_no": str, "decided_on": date, "issuer": str}, "title", "decision_no", "decided_on", "issuer"),
		"Honour": obj(map[string]any{"id": integ, "dossier_id": integ, "unit_id": integ, "unit_name": str, "form": enum(exemplar.HonourForms...),
			"form_label": str, "date": nullable(date), "decision_no": str, "note": str, "created_by": integ, "created_at": stamp}),
		"HonourBody": obj(map[string]any{"unit_id": integ, "form": enum(exemplar.HonourForms...), "date": date, "decision_no": str, "note": str}, "form", "date"),
	} {
		apiSchemas[k] = v
	}
}
