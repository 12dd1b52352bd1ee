package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"thidua/internal/errs"
	"thidua/internal/exemplar"
	"thidua/internal/portal"
)

// The logged-in JSON API of the portal's work: publications (preparing,
// consent, the minors check, publishing, unpublishing, featuring) and
// adoptions (registering, check-ins, outcome, the spread). The same store
// methods as the pages, so the same scope, checks and messages; field
// names of the bodies are the fields the messages name.

func (s *Server) registerPortalWorkAPI() {
	s.handle("GET /api/v1/publications", LoggedIn, "Bài đăng điển hình của các đơn vị người gọi quản lý", s.apiPublicationList)
	s.handle("GET /api/v1/publications/candidates", LoggedIn, "Điển hình đã được chọn chưa chuẩn bị đăng", s.apiPublicationCandidates)
	s.handle("POST /api/v1/publications", LoggedIn, "Chuẩn bị đăng một điển hình đã được chọn", s.apiPublicationCreate)
	s.handle("GET /api/v1/publications/{id}", LoggedIn, "Xem bài đăng và những gì còn thiếu", s.apiPublicationGet)
	s.handle("PUT /api/v1/publications/{id}", LoggedIn, "Sửa nội dung bài đăng", s.apiPublicationUpdate)
	s.handle("PUT /api/v1/publications/{id}/consent", LoggedIn, "Ghi nhận sự đồng ý của cá nhân", s.apiPublicationConsent)
	s.handle("PUT /api/v1/publications/{id}/consent-file", LoggedIn, "Gửi giấy đồng ý đã quét", s.apiPublicationConsentFile)
	s.handle("GET /api/v1/publications/{id}/consent-file", LoggedIn, "Tải giấy đồng ý đã quét", s.publicationConsentFile)
	s.handle("PUT /api/v1/publications/{id}/minors", LoggedIn, "Kiểm tra bảo vệ học sinh", s.apiPublicationMinors)
	s.handle("POST /api/v1/publications/{id}/publish", LoggedIn, "Đăng lên cổng thông tin", s.apiPublicationPublish)
	s.handle("POST /api/v1/publications/{id}/unpublish", LoggedIn, "Gỡ khỏi cổng thông tin", s.apiPublicationUnpublish)
	s.handle("PUT /api/v1/publications/{id}/feature", LoggedIn, "Đưa lên hoặc bỏ khỏi mục nổi bật", s.apiPublicationFeature)
	s.handle("GET /api/v1/publications/{id}/revisions", LoggedIn, "Các lần đăng của bài", s.apiPublicationRevisions)

	s.handle("GET /api/v1/adoptions", LoggedIn, "Các đơn vị áp dụng mô hình, cách làm hay", s.apiAdoptionList)
	s.handle("POST /api/v1/adoptions", LoggedIn, "Đăng ký áp dụng một mô hình, cách làm hay", s.apiAdoptionCreate)
	s.handle("GET /api/v1/adoptions/spread", LoggedIn, "Tình hình nhân rộng", s.apiAdoptionSpread)
	s.handle("GET /api/v1/adoptions/{id}", LoggedIn, "Xem việc áp dụng tại một đơn vị", s.apiAdoptionGet)
	s.handle("PUT /api/v1/adoptions/{id}", LoggedIn, "Sửa kế hoạch áp dụng", s.apiAdoptionUpdate)
	s.handle("POST /api/v1/adoptions/{id}/files", LoggedIn, "Đính kèm tệp kế hoạch hoặc minh chứng của lần cập nhật mới nhất", s.apiAdoptionAttach)
	s.handle("GET /api/v1/adoptions/{id}/files/{sha}", LoggedIn, "Tải tệp kế hoạch, minh chứng", s.adoptionFile)
	s.handle("POST /api/v1/adoptions/{id}/checkins", LoggedIn, "Cập nhật tiến độ áp dụng", s.apiAdoptionCheckin)
	s.handle("PUT /api/v1/adoptions/{id}/outcome", LoggedIn, "Ghi nhận kết quả, kết thúc áp dụng", s.apiAdoptionOutcome)
}

// versioned is a request body that carries the version of what it changes.
type versioned interface{ version() int }

// readChange reads the path id and a JSON body that must carry the version
// the caller read (what names the object in the message). It answers a
// failure itself and reports whether to go on.
func (s *Server) readChange(w http.ResponseWriter, r *http.Request, b versioned, what string) (int64, bool) {
	id, err := pathID(r, "id")
	if err == nil {
		err = readJSON(r, b)
	}
	if err == nil && b.version() <= 0 {
		err = errs.InvalidField("version", "Thiếu số phiên bản (version) của "+what+" đã đọc.")
	}
	if err != nil {
		s.fail(w, r, err)
		return 0, false
	}
	return id, true
}

// rawUpload reads what the URL of an upload sent as the raw body names:
// the path id, ?version= (the version the caller read of what) and
// ?name= (the file's name; example is one).
func rawUpload(r *http.Request, what, example string) (id int64, version int, name string, err error) {
	if id, err = pathID(r, "id"); err != nil {
		return 0, 0, "", err
	}
	q := r.URL.Query()
	if version, err = strconv.Atoi(q.Get("version")); err != nil || version <= 0 {
		return 0, 0, "", errs.InvalidField("version", "Thiếu số phiên bản (version) của "+what+" đã đọc.")
	}
	if name = strings.TrimSpace(q.Get("name")); name == "" {
		return 0, 0, "", errs.InvalidField("name", "Cho biết tên tệp (name), ví dụ name="+example+".")
	}
	return id, version, name, nil
}

// reply writes v with status, or the error.
func (s *Server) reply(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, status, v)
}

// --- publications

type pubPhotoJSON struct {
	SHA256  string `json:"sha256"`
	Caption string `json:"caption"`
}

type pubImageJSON struct {
	SHA256 string `json:"sha256"`
	Name   string `json:"name"`
	Chosen bool   `json:"chosen"`
}

type pubSubjectJSON struct {
	Kind           exemplar.SubjectKind `json:"kind"`
	Category       exemplar.Category    `json:"category"`
	CategoryLabel  string               `json:"category_label"`
	Name           string               `json:"name"`
	Students       bool                 `json:"students"`
	RoundName      string               `json:"round_name"`
	ReviewUnitName string               `json:"review_unit_name"`
	MovementID     int64                `json:"movement_id,omitempty"`
	MovementName   string               `json:"movement_name,omitempty"`
	// Images are the dossier version's images the page may show.
	Images []pubImageJSON `json:"images"`
}

type consentJSON struct {
	By         string     `json:"consent_by"`
	Capacity   string     `json:"consent_capacity"`
	On         *string    `json:"consent_on"`
	Method     string     `json:"consent_method"`
	Scope      string     `json:"consent_scope"`
	Photos     bool       `json:"consent_photos"`
	FileName   string     `json:"consent_file_name,omitempty"`
	RecordedAt *time.Time `json:"recorded_at"`
}

type minorsJSON struct {
	Name      string     `json:"minors_name"`
	Photos    bool       `json:"minors_photos"`
	School    bool       `json:"minors_school"`
	CheckedAt *time.Time `json:"checked_at"`
}

type publicationJSON struct {
	ID               int64           `json:"id"`
	DossierID        int64           `json:"dossier_id"`
	NominationID     int64           `json:"nomination_id"`
	UnitID           int64           `json:"unit_id"`
	UnitName         string          `json:"unit_name"`
	CreditedUnitID   int64           `json:"credited_unit_id"`
	CreditedUnitName string          `json:"credited_unit_name"`
	Status           portal.Status   `json:"status"`
	StatusLabel      string          `json:"status_label"`
	URL              string          `json:"url,omitempty"` // the public page, while published
	Title            string          `json:"title"`
	SubjectLine      string          `json:"subject_line"`
	Story            string          `json:"story"`
	Achievements     string          `json:"achievements"`
	Guide            *exemplar.Guide `json:"guide"`
	Photos           []pubPhotoJSON  `json:"photos"`
	InvolvesMinors   bool            `json:"involves_minors"`
	Consent          consentJSON     `json:"consent"`
	Minors           minorsJSON      `json:"minors"`
	Revision         int             `json:"revision"`
	Dirty            bool            `json:"dirty"`
	Featured         bool            `json:"featured"`
	FeatureOrder     int             `json:"feature_order"`
	FirstPublishedAt *time.Time      `json:"first_published_at"`
	PublishedAt      *time.Time      `json:"published_at"`
	UnpublishedAt    *time.Time      `json:"unpublished_at"`
	UnpublishReason  string          `json:"unpublish_reason"`
	Version          int             `json:"version"`
	CreatedAt        time.Time       `json:"created_at"`
	UpdatedAt        time.Time       `json:"updated_at"`

	// Only when one publication is read:
	Subject      *pubSubjectJSON   `json:"subject,omitempty"`
	NeedsConsent bool              `json:"needs_consent"`
	NeedsMinors  bool              `json:"needs_minors_check"`
	Problems     map[string]string `json:"problems,omitempty"` // what keeps it from being published, by field
	Publishable  bool              `json:"publishable"`
}

func toPublicationJSON(base string, p portal.Publication, detail bool) publicationJSON {
	c := p.Content
	j := publicationJSON{ID: p.ID, DossierID: p.DossierID, NominationID: p.NominationID, UnitID: p.UnitID, UnitName: p.UnitName,
		CreditedUnitID: p.CreditedUnitID, CreditedUnitName: p.CreditedUnitName, Status: p.Status, StatusLabel: p.Status.Label(),
		Title: c.Title, SubjectLine: c.SubjectLine, Story: c.Story, Achievements: c.Achievements, Guide: c.Guide, Photos: []pubPhotoJSON{},
		InvolvesMinors: p.InvolvesMinors,
		Consent: consentJSON{By: p.Consent.By, Capacity: p.Consent.Capacity, On: isoDate(p.Consent.On), Method: p.Consent.Method,
			Scope: p.Consent.Scope, Photos: p.Consent.Photos, FileName: p.Consent.FileName, RecordedAt: p.Consent.RecordedAt},
		Minors:   minorsJSON{Name: p.Minors.Name, Photos: p.Minors.Photos, School: p.Minors.School, CheckedAt: p.Minors.CheckedAt},
		Revision: p.Revision, Dirty: p.Dirty, Featured: p.Featured, FeatureOrder: p.FeatureOrder,
		FirstPublishedAt: p.FirstPublishedAt, PublishedAt: p.PublishedAt, UnpublishedAt: p.UnpublishedAt, UnpublishReason: p.UnpublishReason,
		Version: p.Version, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	if p.Live() {
		j.URL = base + "/dien-hinh/" + p.Slug()
	}
	chosen := map[string]bool{}
	for _, ph := range c.Photos {
		j.Photos = append(j.Photos, pubPhotoJSON{SHA256: ph.SHA256, Caption: ph.Caption})
		chosen[ph.SHA256] = true
	}
	if detail {
		sub := p.Subject
		j.Subject = &pubSubjectJSON{Kind: sub.Kind, Category: sub.Category, CategoryLabel: sub.Category.Label(), Name: sub.Name, Students: sub.Students,
			RoundName: sub.RoundName, ReviewUnitName: sub.ReviewUnitName, MovementID: sub.MovementID, MovementName: sub.MovementName, Images: []pubImageJSON{}}
		for _, im := range sub.Images {
			j.Subject.Images = append(j.Subject.Images, pubImageJSON{SHA256: im.SHA256, Name: im.Name, Chosen: chosen[im.SHA256]})
		}
		j.NeedsConsent, j.NeedsMinors = p.NeedsConsent(), p.NeedsMinorsCheck()
		j.Problems = p.Problems()
		j.Publishable = len(j.Problems) == 0 && (p.Status != portal.Published || p.Dirty)
	}
	return j
}

func (s *Server) apiPublicationList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := portal.Filter{Status: portal.Status(q.Get("status")), Featured: q.Get("featured") == "1" || q.Get("featured") == "true"}
	f.Limit, f.Offset = limitOffset(r, 50)
	rows, total, err := s.pw.store.List(r.Context(), scope(r), f)
	out := listOf[publicationJSON](total)
	base := s.publicBase(r)
	for _, p := range rows {
		out.Items = append(out.Items, toPublicationJSON(base, p, false))
	}
	s.reply(w, r, http.StatusOK, out, err)
}

type candidateJSON struct {
	NominationID   int64             `json:"nomination_id"`
	DossierID      int64             `json:"dossier_id"`
	Title          string            `json:"title"`
	SubjectName    string            `json:"subject_name"`
	Category       exemplar.Category `json:"category"`
	RoundName      string            `json:"round_name"`
	ReviewUnitName string            `json:"review_unit_name"`
	DossierUnit    string            `json:"dossier_unit_name"`
	DecidedAt      *time.Time        `json:"decided_at"`
}

func (s *Server) apiPublicationCandidates(w http.ResponseWriter, r *http.Request) {
	cs, err := s.pw.store.Candidates(r.Context(), scope(r), queryInt(r, "limit", 50))
	out := listOf[candidateJSON](len(cs))
	for _, c := range cs {
		out.Items = append(out.Items, candidateJSON{NominationID: c.NominationID, DossierID: c.DossierID, Title: c.Title, SubjectName: c.SubjectName,
			Category: c.Category, RoundName: c.RoundName, ReviewUnitName: c.ReviewUnitName, DossierUnit: c.DossierUnit, DecidedAt: c.DecidedAt})
	}
	s.reply(w, r, http.StatusOK, out, err)
}

// publicationDetail answers with the publication as Get reads it (with its
// subject and problems), after a change.
func (s *Server) publicationDetail(w http.ResponseWriter, r *http.Request, status int, id int64, err error) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.pw.store.Get(r.Context(), scope(r), id)
	s.reply(w, r, status, toPublicationJSON(s.publicBase(r), p, true), err)
}

func (s *Server) apiPublicationCreate(w http.ResponseWriter, r *http.Request) {
	var b struct {
		NominationID int64 `json:"nomination_id"`
	}
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	if b.NominationID <= 0 {
		s.fail(w, r, errs.InvalidField("nomination_id", "Cho biết hồ sơ đã được chọn (nomination_id) cần chuẩn bị đăng."))
		return
	}
	p, err := s.pw.store.Create(r.Context(), scope(r), b.NominationID)
	if err == nil {
		w.Header().Set("Location", "/api/v1/publications/"+rid(p.ID))
	}
	s.publicationDetail(w, r, http.StatusCreated, p.ID, err)
}

func (s *Server) apiPublicationGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	s.publicationDetail(w, r, http.StatusOK, id, err)
}

type contentBody struct {
	Version        int             `json:"version"`
	Title          string          `json:"title"`
	SubjectLine    string          `json:"subject_line"`
	Story          string          `json:"story"`
	Achievements   string          `json:"achievements"`
	Guide          *exemplar.Guide `json:"guide"`
	Photos         []pubPhotoJSON  `json:"photos"`
	InvolvesMinors bool            `json:"involves_minors"`
}

func (b *contentBody) version() int { return b.Version }

func (s *Server) apiPublicationUpdate(w http.ResponseWriter, r *http.Request) {
	var b contentBody
	id, ok := s.readChange(w, r, &b, "bài đăng")
	if !ok {
		return
	}
	in := portal.ContentInput{Title: b.Title, SubjectLine: b.SubjectLine, Story: b.Story, Achievements: b.Achievements, Guide: b.Guide,
		InvolvesMinors: b.InvolvesMinors}
	for _, ph := range b.Photos {
		in.Photos = append(in.Photos, portal.Photo{SHA256: ph.SHA256, Caption: ph.Caption})
	}
	_, err := s.pw.store.Update(r.Context(), scope(r), id, b.Version, in)
	s.publicationDetail(w, r, http.StatusOK, id, err)
}

type consentBody struct {
	Version  int    `json:"version"`
	By       string `json:"consent_by"`
	Capacity string `json:"consent_capacity"`
	On       string `json:"consent_on"`
	Method   string `json:"consent_method"`
	Scope    string `json:"consent_scope"`
	Photos   bool   `json:"consent_photos"`
	// DropFile forgets the scanned form recorded before (kept otherwise).
	DropFile bool `json:"drop_file"`
}

func (b *consentBody) version() int { return b.Version }

func (s *Server) apiPublicationConsent(w http.ResponseWriter, r *http.Request) {
	var b consentBody
	id, ok := s.readChange(w, r, &b, "bài đăng")
	if !ok {
		return
	}
	f := errs.Fields{}
	in := portal.ConsentInput{By: b.By, Capacity: b.Capacity, Method: b.Method, Scope: b.Scope, Photos: b.Photos, KeepFile: !b.DropFile}
	if d := apiDay(b.On, "consent_on", f); d != nil {
		in.On = *d
	}
	if err := f.Err(); err != nil {
		s.fail(w, r, err)
		return
	}
	_, err := s.pw.store.RecordConsent(r.Context(), scope(r), id, b.Version, in, nil, "")
	s.publicationDetail(w, r, http.StatusOK, id, err)
}

// apiPublicationConsentFile attaches the scanned consent form, sent as the
// raw body, to the consent already recorded.
func (s *Server) apiPublicationConsentFile(w http.ResponseWriter, r *http.Request) {
	id, version, name, err := rawUpload(r, "bài đăng", "giay-dong-y.pdf")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.pw.store.Get(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if p.NeedsConsent() && !p.Consent.Recorded() {
		s.fail(w, r, errs.InvalidField("consent", "Ghi nhận sự đồng ý (PUT /api/v1/publications/"+rid(id)+"/consent) trước khi gửi giấy đồng ý đã quét."))
		return
	}
	c := p.Consent
	in := portal.ConsentInput{By: c.By, Capacity: c.Capacity, Method: c.Method, Scope: c.Scope, Photos: c.Photos}
	if c.On != nil {
		in.On = *c.On
	}
	_, err = s.pw.store.RecordConsent(r.Context(), scope(r), id, version, in, r.Body, name)
	s.publicationDetail(w, r, http.StatusOK, id, err)
}

type minorsBody struct {
	Version int    `json:"version"`
	Name    string `json:"minors_name"`
	Photos  bool   `json:"minors_photos"`
	School  bool   `json:"minors_school"`
	Confirm bool   `json:"minors_confirm"`
}

func (b *minorsBody) version() int { return b.Version }

func (s *Server) apiPublicationMinors(w http.ResponseWriter, r *http.Request) {
	var b minorsBody
	id, ok := s.readChange(w, r, &b, "bài đăng")
	if !ok {
		return
	}
	_, err := s.pw.store.RecordMinors(r.Context(), scope(r), id, b.Version, portal.MinorsInput{Name: b.Name, Photos: b.Photos, School: b.School, Confirm: b.Confirm})
	s.publicationDetail(w, r, http.StatusOK, id, err)
}

type publishBody struct {
	Version int    `json:"version"`
	Reason  string `json:"reason"` // of an unpublication
}

func (b *publishBody) version() int { return b.Version }

func (s *Server) apiPublicationPublish(w http.ResponseWriter, r *http.Request) {
	var b publishBody
	id, ok := s.readChange(w, r, &b, "bài đăng")
	if !ok {
		return
	}
	_, err := s.pw.store.Publish(r.Context(), scope(r), id, b.Version)
	s.publicationDetail(w, r, http.StatusOK, id, err)
}

func (s *Server) apiPublicationUnpublish(w http.ResponseWriter, r *http.Request) {
	var b publishBody
	id, ok := s.readChange(w, r, &b, "bài đăng")
	if !ok {
		return
	}
	_, err := s.pw.store.Unpublish(r.Context(), scope(r), id, b.Version, b.Reason)
	s.publicationDetail(w, r, http.StatusOK, id, err)
}

type featureBody struct {
	Version  int  `json:"version"`
	Featured bool `json:"featured"`
	Order    int  `json:"feature_order"`
}

func (b *featureBody) version() int { return b.Version }

func (s *Server) apiPublicationFeature(w http.ResponseWriter, r *http.Request) {
	var b featureBody
	id, ok := s.readChange(w, r, &b, "bài đăng")
	if !ok {
		return
	}
	_, err := s.pw.store.Feature(r.Context(), scope(r), id, b.Version, b.Featured, b.Order)
	s.publicationDetail(w, r, http.StatusOK, id, err)
}

type revisionJSON struct {
	Number      int       `json:"number"`
	Title       string    `json:"title"`
	Slug        string    `json:"slug"`
	PublishedBy int64     `json:"published_by"`
	PublishedAt time.Time `json:"published_at"`
}

func (s *Server) apiPublicationRevisions(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	revs, err := s.pw.store.Revisions(r.Context(), scope(r), id)
	out := listOf[revisionJSON](len(revs))
	for _, v := range revs {
		out.Items = append(out.Items, revisionJSON{Number: v.Number, Title: v.Page.Title, Slug: v.Page.Slug, PublishedBy: v.PublishedBy, PublishedAt: v.PublishedAt})
	}
	s.reply(w, r, http.StatusOK, out, err)
}

// --- adoptions

type adoptionFileJSON struct {
	SHA256      string `json:"sha256"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	URL         string `json:"url"`
}

type checkinJSON struct {
	ID        int64              `json:"id"`
	On        string             `json:"on"`
	Progress  int                `json:"progress"`
	Note      string             `json:"note"`
	Files     []adoptionFileJSON `json:"files"`
	CreatedAt time.Time          `json:"created_at"`
}

type adoptionJSON struct {
	ID             int64                 `json:"id"`
	PublicationID  int64                 `json:"publication_id"`
	Title          string                `json:"title"`
	URL            string                `json:"url,omitempty"` // the exemplar's public page, while published
	CreditedUnitID int64                 `json:"credited_unit_id"`
	CreditedUnit   string                `json:"credited_unit_name"`
	UnitID         int64                 `json:"unit_id"`
	UnitName       string                `json:"unit_name"`
	UnitLevels     []string              `json:"unit_levels"`
	StartedOn      string                `json:"started_on"`
	Plan           string                `json:"plan"`
	Status         portal.AdoptionStatus `json:"status"`
	StatusLabel    string                `json:"status_label"`
	Progress       int                   `json:"progress"`
	Outcome        string                `json:"outcome"`
	EndedOn        *string               `json:"ended_on"`
	Version        int                   `json:"version"`
	CreatedAt      time.Time             `json:"created_at"`
	UpdatedAt      time.Time             `json:"updated_at"`
	Files          []adoptionFileJSON    `json:"files,omitempty"`    // the plan's, when one adoption is read
	Checkins       []checkinJSON         `json:"checkins,omitempty"` // oldest first, when one adoption is read
}

func adoptionFilesJSON(id int64, fs []portal.AdoptionFile) []adoptionFileJSON {
	out := []adoptionFileJSON{}
	for _, f := range fs {
		out = append(out, adoptionFileJSON{SHA256: f.SHA256, Name: f.Name, ContentType: f.ContentType, Size: f.Size,
			URL: "/api/v1/adoptions/" + rid(id) + "/files/" + f.SHA256})
	}
	return out
}

func toAdoptionJSON(base string, a portal.Adoption, detail bool) adoptionJSON {
	levels := a.UnitLevels
	if levels == nil {
		levels = []string{}
	}
	j := adoptionJSON{ID: a.ID, PublicationID: a.PublicationID, Title: a.Title, CreditedUnitID: a.CreditedUnitID, CreditedUnit: a.CreditedUnit,
		UnitID: a.UnitID, UnitName: a.UnitName, UnitLevels: levels, StartedOn: a.StartedOn.Format("2006-01-02"), Plan: a.Plan, Status: a.Status,
		StatusLabel: a.Status.Label(), Progress: a.Progress, Outcome: a.Outcome, EndedOn: isoDate(a.EndedOn), Version: a.Version,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	if a.Slug != "" {
		j.URL = base + "/dien-hinh/" + a.Slug
	}
	if detail {
		j.Files, j.Checkins = adoptionFilesJSON(a.ID, a.Files), []checkinJSON{}
		for _, c := range a.Checkins {
			j.Checkins = append(j.Checkins, checkinJSON{ID: c.ID, On: c.On.Format("2006-01-02"), Progress: c.Progress, Note: c.Note,
				Files: adoptionFilesJSON(a.ID, c.Files), CreatedAt: c.CreatedAt})
		}
	}
	return j
}

func (s *Server) apiAdoptionList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := portal.AdoptionFilter{Status: portal.AdoptionStatus(q.Get("status"))}
	f.PublicationID, _ = strconv.ParseInt(q.Get("publication_id"), 10, 64)
	f.Limit, f.Offset = limitOffset(r, 50)
	rows, total, err := s.pw.store.Adoptions(r.Context(), scope(r), f)
	out := listOf[adoptionJSON](total)
	base := s.publicBase(r)
	for _, a := range rows {
		out.Items = append(out.Items, toAdoptionJSON(base, a, false))
	}
	s.reply(w, r, http.StatusOK, out, err)
}

// adoptionDetail answers with the adoption, its files and check-ins.
func (s *Server) adoptionDetail(w http.ResponseWriter, r *http.Request, status int, a portal.Adoption, err error) {
	if err == nil {
		a, err = s.pw.store.Adoption(r.Context(), scope(r), a.ID)
	}
	s.reply(w, r, status, toAdoptionJSON(s.publicBase(r), a, true), err)
}

type adoptionBody struct {
	Version       int    `json:"version"`
	PublicationID int64  `json:"publication_id"`
	UnitID        int64  `json:"unit_id"`
	StartedOn     string `json:"started_on"`
	Plan          string `json:"plan"`
}

func (b *adoptionBody) version() int { return b.Version }

func (b adoptionBody) input() (portal.AdoptionInput, error) {
	f := errs.Fields{}
	in := portal.AdoptionInput{PublicationID: b.PublicationID, UnitID: b.UnitID, Plan: b.Plan}
	if d := apiDay(b.StartedOn, "started_on", f); d != nil {
		in.StartedOn = *d
	}
	return in, f.Err()
}

func (s *Server) apiAdoptionCreate(w http.ResponseWriter, r *http.Request) {
	var b adoptionBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := b.input()
	var a portal.Adoption
	if err == nil {
		a, err = s.pw.store.Adopt(r.Context(), scope(r), in, nil)
	}
	if err == nil {
		w.Header().Set("Location", "/api/v1/adoptions/"+rid(a.ID))
	}
	s.adoptionDetail(w, r, http.StatusCreated, a, err)
}

func (s *Server) apiAdoptionGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	s.adoptionDetail(w, r, http.StatusOK, portal.Adoption{ID: id}, err)
}

func (s *Server) apiAdoptionUpdate(w http.ResponseWriter, r *http.Request) {
	var b adoptionBody
	id, ok := s.readChange(w, r, &b, "đăng ký áp dụng")
	if !ok {
		return
	}
	in, err := b.input()
	var a portal.Adoption
	if err == nil {
		a, err = s.pw.store.UpdatePlan(r.Context(), scope(r), id, b.Version, in, nil)
	}
	s.adoptionDetail(w, r, http.StatusOK, a, err)
}

// apiAdoptionAttach adds a file sent as the raw body: to the plan, or with
// to=checkin to the latest check-in's evidence (a new check-in that
// repeats its progress, since a check-in once made is not edited).
func (s *Server) apiAdoptionAttach(w http.ResponseWriter, r *http.Request) {
	id, version, name, err := rawUpload(r, "đăng ký áp dụng", "ke-hoach.pdf")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	a, err := s.pw.store.Adoption(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	up := []portal.Upload{{Name: name, R: r.Body}}
	switch q.Get("to") {
	case "", "plan":
		a, err = s.pw.store.UpdatePlan(r.Context(), scope(r), id, version, portal.AdoptionInput{StartedOn: a.StartedOn, Plan: a.Plan}, up)
	case "checkin":
		in := portal.CheckinInput{On: portal.Today(time.Now()), Progress: a.Progress, Note: strings.TrimSpace(q.Get("note"))}
		a, err = s.pw.store.CheckIn(r.Context(), scope(r), id, version, in, up)
	default:
		err = errs.InvalidField("to", "to là plan (tệp kế hoạch) hoặc checkin (minh chứng tiến độ).")
	}
	s.adoptionDetail(w, r, http.StatusOK, a, err)
}

type checkinBody struct {
	Version  int    `json:"version"`
	On       string `json:"on"`
	Progress *int   `json:"progress"`
	Note     string `json:"note"`
}

func (b *checkinBody) version() int { return b.Version }

func (s *Server) apiAdoptionCheckin(w http.ResponseWriter, r *http.Request) {
	var b checkinBody
	id, ok := s.readChange(w, r, &b, "đăng ký áp dụng")
	if !ok {
		return
	}
	f := errs.Fields{}
	in := portal.CheckinInput{Note: b.Note, Progress: -1}
	if d := apiDay(b.On, "on", f); d != nil {
		in.On = *d
	}
	if b.Progress != nil {
		in.Progress = *b.Progress
	}
	var a portal.Adoption
	err := f.Err()
	if err == nil {
		a, err = s.pw.store.CheckIn(r.Context(), scope(r), id, b.Version, in, nil)
	}
	s.adoptionDetail(w, r, http.StatusCreated, a, err)
}

type outcomeBody struct {
	Version int    `json:"version"`
	Status  string `json:"status"`
	EndedOn string `json:"ended_on"`
	Outcome string `json:"outcome"`
}

func (b *outcomeBody) version() int { return b.Version }

func (s *Server) apiAdoptionOutcome(w http.ResponseWriter, r *http.Request) {
	var b outcomeBody
	id, ok := s.readChange(w, r, &b, "đăng ký áp dụng")
	if !ok {
		return
	}
	f := errs.Fields{}
	in := portal.OutcomeInput{Status: portal.AdoptionStatus(b.Status), Outcome: b.Outcome}
	if d := apiDay(b.EndedOn, "ended_on", f); d != nil {
		in.EndedOn = *d
	}
	var a portal.Adoption
	err := f.Err()
	if err == nil {
		a, err = s.pw.store.Conclude(r.Context(), scope(r), id, b.Version, in)
	}
	s.adoptionDetail(w, r, http.StatusOK, a, err)
}

type countJSON struct {
	ID        int64  `json:"id"`
	Label     string `json:"label"`
	Count     int    `json:"count"`
	Active    int    `json:"active"`
	Completed int    `json:"completed"`
}

type monthJSON struct {
	Month   string `json:"month"` // "2026-09"
	Started int    `json:"started"`
	Total   int    `json:"total"`
}

type spreadJSON struct {
	Total        int         `json:"total"`
	Active       int         `json:"active"`
	Completed    int         `json:"completed"`
	Stopped      int         `json:"stopped"`
	MeanProgress int         `json:"mean_progress"`
	Months       []monthJSON `json:"months"`
	ByLevel      []countJSON `json:"by_level"`
	ByParent     []countJSON `json:"by_parent"`
	ByUnit       []countJSON `json:"by_unit"`
	ByExemplar   []countJSON `json:"by_exemplar"`
}

func countsJSON(cs []portal.Count) []countJSON {
	out := []countJSON{}
	for _, c := range cs {
		out = append(out, countJSON{ID: c.ID, Label: c.Label, Count: c.Count, Active: c.Active, Completed: c.Completed})
	}
	return out
}

func (s *Server) apiAdoptionSpread(w http.ResponseWriter, r *http.Request) {
	f := portal.SpreadFilter{Months: queryInt(r, "months", 0)}
	f.PublicationID, _ = strconv.ParseInt(r.URL.Query().Get("publication_id"), 10, 64)
	sp, err := s.pw.store.SpreadView(r.Context(), scope(r), f)
	out := spreadJSON{Total: sp.Total, Active: sp.Active, Completed: sp.Completed, Stopped: sp.Stopped, MeanProgress: sp.MeanProgress, Months: []monthJSON{},
		ByLevel: countsJSON(sp.ByLevel), ByParent: countsJSON(sp.ByParent), ByUnit: countsJSON(sp.ByUnit), ByExemplar: countsJSON(sp.ByExemplar)}
	for _, m := range sp.Months {
		out.Months = append(out.Months, monthJSON{Month: m.Month.Format("2006-01"), Started: m.Started, Total: m.Total})
	}
	s.reply(w, r, http.StatusOK, out, err)
}

func init() {
	nullableDate := map[string]any{"type": "string", "format": "date", "nullable": true}
	nullableStamp := map[string]any{"type": "string", "format": "date-time", "nullable": true}
	pubStatus := enum(string(portal.Draft), string(portal.Published), string(portal.Unpublished))
	adStatus := enum(string(portal.Applying), string(portal.Completed), string(portal.Stopped))
	version := map[string]any{"type": "integer", "description": "Phiên bản đã đọc; khác phiên bản hiện tại thì trả 409 và không thay đổi gì"}
	for k, v := range map[string]opDoc{
		"GET /api/v1/publications": {Summary: "Bài đăng điển hình của các đơn vị người gọi quản lý (phụ trách thi đua, lãnh đạo, quản trị), mới sửa trước; featured=1: các bài nổi bật theo thứ tự trên trang chủ",
			Query: []string{"status", "featured", "limit", "offset"}, Result: "list:Publication", Status: 200},
		"GET /api/v1/publications/candidates": {Summary: "Điển hình đã được chọn (kết quả đã công bố) ở các đợt của đơn vị người gọi quản lý, chưa chuẩn bị đăng",
			Query: []string{"limit"}, Result: "list:PublicationCandidate", Status: 200},
		"POST /api/v1/publications": {Summary: "Chuẩn bị đăng một điển hình đã được chọn: tạo bản làm việc từ phiên bản hồ sơ đã được chọn",
			Body: "PublicationCreate", Result: "Publication", Status: 201},
		"GET /api/v1/publications/{id}": {Summary: "Xem bài đăng; problems liệt kê theo trường những gì còn thiếu để đăng (sự đồng ý, kiểm tra bảo vệ học sinh, hướng dẫn nhân rộng…)",
			Result: "Publication", Status: 200},
		"PUT /api/v1/publications/{id}": {Summary: "Sửa nội dung bài đăng (thay toàn bộ); ảnh chọn trong subject.images. Bài đang đăng chỉ thay đổi trên cổng khi đăng bản sửa",
			Body: "PublicationContent", Result: "Publication", Status: 200},
		"PUT /api/v1/publications/{id}/consent": {Summary: "Ghi nhận sự đồng ý của cá nhân được nêu gương (với học sinh: cha, mẹ hoặc người giám hộ); giấy đã quét gửi riêng qua consent-file",
			Body: "ConsentBody", Result: "Publication", Status: 200},
		"PUT /api/v1/publications/{id}/consent-file": {Summary: "Gửi giấy đồng ý đã quét (PDF hoặc ảnh, kiểm tra theo nội dung) nguyên văn trong thân yêu cầu; name là tên tệp, version là phiên bản đã đọc. Tệp bị từ chối không làm thay đổi gì; giấy không bao giờ công khai",
			Query: []string{"version", "name"}, Body: "file", Result: "Publication", Status: 200},
		"GET /api/v1/publications/{id}/consent-file": {Summary: "Tải giấy đồng ý đã quét", Result: "file", Status: 200},
		"PUT /api/v1/publications/{id}/minors": {Summary: "Kiểm tra bảo vệ học sinh (người chưa thành niên): cách nêu tên, có đăng ảnh, có nêu tên trường; minors_confirm xác nhận đã rà soát",
			Body: "MinorsBody", Result: "Publication", Status: 200},
		"POST /api/v1/publications/{id}/publish": {Summary: "Đăng bản làm việc lên cổng thông tin (lần đầu, bản sửa hoặc đăng lại); bị từ chối (422, errors theo trường) khi còn thiếu",
			Body: "PublishBody", Result: "Publication", Status: 200},
		"POST /api/v1/publications/{id}/unpublish": {Summary: "Gỡ khỏi cổng thông tin ngay: trang, ảnh, tìm kiếm, nguồn tin, sơ đồ trang", Body: "PublishBody", Result: "Publication", Status: 200},
		"PUT /api/v1/publications/{id}/feature": {Summary: "Đưa lên (featured true, theo feature_order tăng dần) hoặc bỏ khỏi mục nổi bật của trang chủ cổng thông tin",
			Body: "FeatureBody", Result: "Publication", Status: 200},
		"GET /api/v1/publications/{id}/revisions": {Summary: "Các lần đăng (bản đã công khai) của bài, cũ trước", Result: "list:PublicationRevision", Status: 200},

		"GET /api/v1/adoptions": {Summary: "Việc áp dụng mô hình, cách làm hay mà người gọi được xem (đơn vị áp dụng, đơn vị đăng, đơn vị được ghi công và cấp trên), mới bắt đầu trước",
			Query: []string{"publication_id", "status", "limit", "offset"}, Result: "list:Adoption", Status: 200},
		"POST /api/v1/adoptions": {Summary: "Đăng ký áp dụng một mô hình, cách làm hay đang đăng tại đơn vị unit_id (phụ trách thi đua hoặc lãnh đạo của đơn vị hay cấp trên); đơn vị xây dựng mô hình được thông báo",
			Body: "AdoptionBody", Result: "Adoption", Status: 201},
		"GET /api/v1/adoptions/spread": {Summary: "Tình hình nhân rộng: tổng số, theo tháng, theo cấp học, theo đơn vị quản lý, theo đơn vị, theo điển hình",
			Query: []string{"publication_id", "months"}, Result: "Spread", Status: 200},
		"GET /api/v1/adoptions/{id}": {Summary: "Xem việc áp dụng với tệp kế hoạch và các lần cập nhật tiến độ", Result: "Adoption", Status: 200},
		"PUT /api/v1/adoptions/{id}": {Summary: "Sửa ngày bắt đầu và kế hoạch áp dụng", Body: "AdoptionBody", Result: "Adoption", Status: 200},
		"POST /api/v1/adoptions/{id}/files": {Summary: "Đính kèm một tệp gửi nguyên văn trong thân yêu cầu: to=plan (mặc định) vào kế hoạch, to=checkin thành minh chứng của một lần cập nhật mới (giữ mức độ hoàn thành, note là ghi chú); kiểm tra theo nội dung, tệp bị từ chối không làm thay đổi gì",
			Query: []string{"version", "name", "to", "note"}, Body: "file", Result: "Adoption", Status: 200},
		"GET /api/v1/adoptions/{id}/files/{sha}": {Summary: "Tải tệp kế hoạch hoặc minh chứng", Result: "file", Status: 200},
		"POST /api/v1/adoptions/{id}/checkins":   {Summary: "Cập nhật tiến độ (ngày, mức độ hoàn thành 0–100, nhận xét) khi đang áp dụng", Body: "CheckinBody", Result: "Adoption", Status: 201},
		"PUT /api/v1/adoptions/{id}/outcome":     {Summary: "Ghi nhận kết quả và kết thúc áp dụng: completed (đã hoàn thành) hoặc stopped (đã dừng)", Body: "OutcomeBody", Result: "Adoption", Status: 200},
	} {
		apiDocs[k] = v
	}
	photo := obj(map[string]any{"sha256": str, "caption": str}, "sha256")
	file := obj(map[string]any{"sha256": str, "name": str, "content_type": str, "size": integ, "url": str})
	count := obj(map[string]any{"id": integ, "label": str, "count": integ, "active": integ, "completed": integ})
	for k, v := range map[string]any{
		"Publication": obj(map[string]any{"id": integ, "dossier_id": integ, "nomination_id": integ, "unit_id": integ, "unit_name": str,
			"credited_unit_id": integ, "credited_unit_name": str, "status": pubStatus, "status_label": str, "url": str,
			"title": str, "subject_line": str, "story": str, "achievements": str,
			"guide": map[string]any{"allOf": []any{ref("Guide")}, "nullable": true}, "photos": map[string]any{"type": "array", "items": photo},
			"involves_minors": boolean,
			"consent": obj(map[string]any{"consent_by": str, "consent_capacity": enum(portal.Capacities...), "consent_on": nullableDate,
				"consent_method": enum(portal.ConsentMethods...), "consent_scope": str, "consent_photos": boolean, "consent_file_name": str, "recorded_at": nullableStamp}),
			"minors":   obj(map[string]any{"minors_name": enum(portal.NameDisplays...), "minors_photos": boolean, "minors_school": boolean, "checked_at": nullableStamp}),
			"revision": integ, "dirty": boolean, "featured": boolean, "feature_order": integ,
			"first_published_at": nullableStamp, "published_at": nullableStamp, "unpublished_at": nullableStamp, "unpublish_reason": str,
			"version": integ, "created_at": stamp, "updated_at": stamp,
			"subject": obj(map[string]any{"kind": str, "category": str, "category_label": str, "name": str, "students": boolean, "round_name": str,
				"review_unit_name": str, "movement_id": integ, "movement_name": str,
				"images": map[string]any{"type": "array", "items": obj(map[string]any{"sha256": str, "name": str, "chosen": boolean})}}),
			"needs_consent": boolean, "needs_minors_check": boolean,
			"problems":    map[string]any{"type": "object", "additionalProperties": str, "description": "Những gì còn thiếu để đăng, theo trường"},
			"publishable": boolean}),
		"PublicationCandidate": obj(map[string]any{"nomination_id": integ, "dossier_id": integ, "title": str, "subject_name": str, "category": str,
			"round_name": str, "review_unit_name": str, "dossier_unit_name": str, "decided_at": nullableStamp}),
		"PublicationRevision": obj(map[string]any{"number": integ, "title": str, "slug": str, "published_by": integ, "published_at": stamp}),
		"PublicationCreate":   obj(map[string]any{"nomination_id": integ}, "nomination_id"),
		"PublicationContent": obj(map[string]any{"version": version, "title": str, "subject_line": str, "story": str, "achievements": str,
			"guide": ref("Guide"), "photos": map[string]any{"type": "array", "items": photo}, "involves_minors": boolean}, "version", "title", "story"),
		"ConsentBody": obj(map[string]any{"version": version, "consent_by": str, "consent_capacity": enum(portal.Capacities...), "consent_on": date,
			"consent_method": enum(portal.ConsentMethods...), "consent_scope": str, "consent_photos": boolean,
			"drop_file": map[string]any{"type": "boolean", "description": "Bỏ giấy đồng ý đã quét gửi trước (mặc định giữ)"}},
			"version", "consent_by", "consent_capacity", "consent_on", "consent_method", "consent_scope"),
		"MinorsBody": obj(map[string]any{"version": version, "minors_name": enum(portal.NameDisplays...), "minors_photos": boolean, "minors_school": boolean,
			"minors_confirm": boolean}, "version", "minors_name", "minors_confirm"),
		"PublishBody": obj(map[string]any{"version": version, "reason": map[string]any{"type": "string", "description": "Lý do gỡ (khi gỡ)"}}, "version"),
		"FeatureBody": obj(map[string]any{"version": version, "featured": boolean, "feature_order": integ}, "version", "featured"),
		"Adoption": obj(map[string]any{"id": integ, "publication_id": integ, "title": str, "url": str, "credited_unit_id": integ, "credited_unit_name": str,
			"unit_id": integ, "unit_name": str, "unit_levels": strs, "started_on": date, "plan": str, "status": adStatus, "status_label": str,
			"progress": integ, "outcome": str, "ended_on": nullableDate, "version": integ, "created_at": stamp, "updated_at": stamp,
			"files": map[string]any{"type": "array", "items": file},
			"checkins": map[string]any{"type": "array", "items": obj(map[string]any{"id": integ, "on": date, "progress": integ, "note": str,
				"files": map[string]any{"type": "array", "items": file}, "created_at": stamp})}}),
		"AdoptionBody": obj(map[string]any{"version": version, "publication_id": integ, "unit_id": integ, "started_on": date, "plan": str}, "started_on", "plan"),
		"CheckinBody":  obj(map[string]any{"version": version, "on": date, "progress": integ, "note": str}, "version", "on", "progress"),
		"OutcomeBody":  obj(map[string]any{"version": version, "status": enum(string(portal.Completed), string(portal.Stopped)), "ended_on": date, "outcome": str}, "version", "status", "ended_on", "outcome"),
		"Spread": obj(map[string]any{"total": integ, "active": integ, "completed": integ, "stopped": integ, "mean_progress": integ,
			"months":   map[string]any{"type": "array", "items": obj(map[string]any{"month": str, "started": integ, "total": integ})},
			"by_level": map[string]any{"type": "array", "items": count}, "by_parent": map[string]any{"type": "array", "items": count},
			"by_unit": map[string]any{"type": "array", "items": count}, "by_exemplar": map[string]any{"type": "array", "items": count}}),
	} {
		apiSchemas[k] = v
	}
}
