package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"thidua/internal/access"
	"thidua/internal/errs"
	"thidua/internal/exemplar"
	"thidua/internal/movement"
	"thidua/internal/unit"
)

// registerDossiers adds the pages and API routes of exemplar dossiers.
func (s *Server) registerDossiers() {
	s.handle("GET /dossiers", LoggedIn, "Danh sách hồ sơ điển hình", s.dossierList)
	s.handle("GET /dossiers/new", LoggedIn, "Biểu mẫu lập hồ sơ điển hình", s.dossierNew)
	s.handle("POST /dossiers", LoggedIn, "Lập hồ sơ điển hình", s.dossierCreate)
	s.handle("GET /dossiers/{id}", LoggedIn, "Xem hồ sơ điển hình", s.dossierView)
	s.handle("GET /dossiers/{id}/edit", LoggedIn, "Biểu mẫu sửa hồ sơ điển hình", s.dossierEdit)
	s.handle("POST /dossiers/{id}/edit", LoggedIn, "Sửa hồ sơ điển hình", s.dossierUpdate)
	s.handle("POST /dossiers/{id}/files", LoggedIn, "Đính kèm tệp minh chứng", s.dossierAttach)
	s.handle("POST /dossiers/{id}/files/delete", LoggedIn, "Gỡ tệp minh chứng", s.dossierDetach)
	s.handle("GET /dossiers/{id}/files/{sha}", LoggedIn, "Tải tệp minh chứng", s.dossierFile)
	s.handle("POST /dossiers/{id}/commendations", LoggedIn, "Ghi nhận khen thưởng đã nhận", s.dossierCommend)
	s.handle("POST /dossiers/{id}/honours", LoggedIn, "Ghi nhận tôn vinh, nêu gương", s.dossierHonour)
	s.handle("GET /versions/{id}", LoggedIn, "Xem phiên bản đã chốt của hồ sơ", s.versionView)

	s.handle("GET /api/v1/dossiers", LoggedIn, "Danh sách hồ sơ điển hình", s.apiDossierList)
	s.handle("POST /api/v1/dossiers", LoggedIn, "Lập hồ sơ điển hình", s.apiDossierCreate)
	s.handle("GET /api/v1/dossiers/{id}", LoggedIn, "Xem hồ sơ điển hình", s.apiDossierGet)
	s.handle("PUT /api/v1/dossiers/{id}", LoggedIn, "Sửa hồ sơ điển hình", s.apiDossierUpdate)
	s.handle("POST /api/v1/dossiers/{id}/files", LoggedIn, "Đính kèm tệp minh chứng", s.apiDossierAttach)
	s.handle("GET /api/v1/dossiers/{id}/versions", LoggedIn, "Các phiên bản đã chốt của hồ sơ", s.apiDossierVersions)
	s.handle("GET /api/v1/versions/{id}", LoggedIn, "Xem phiên bản đã chốt và thay đổi so với phiên bản trước", s.apiVersionGet)
	s.handle("GET /api/v1/dossiers/{id}/commendations", LoggedIn, "Khen thưởng đã nhận của đối tượng", s.apiCommendationList)
	s.handle("POST /api/v1/dossiers/{id}/commendations", LoggedIn, "Ghi nhận khen thưởng đã nhận", s.apiCommendationAdd)
	s.handle("GET /api/v1/dossiers/{id}/honours", LoggedIn, "Tôn vinh, nêu gương", s.apiHonourList)
	s.handle("POST /api/v1/dossiers/{id}/honours", LoggedIn, "Ghi nhận tôn vinh, nêu gương", s.apiHonourAdd)
}

// dossierWriters are the roles that draft dossiers (the store's rule).
var dossierWriters = []access.Role{access.Staff, access.Officer, access.Leader}

// --- the form

// guideLabels names the fields of a replication guide, in order.
var guideLabels = []struct{ Field, Label, Hint string }{
	{"guide.context", "Bối cảnh, sự cần thiết", "Vì sao đơn vị làm mô hình, cách làm này; vấn đề cần giải quyết."},
	{"guide.steps", "Các bước thực hiện", "Mỗi bước một dòng, theo thứ tự."},
	{"guide.resources", "Nguồn lực và kinh phí", "Con người, thời gian, cơ sở vật chất, kinh phí đã dùng."},
	{"guide.results", "Kết quả đạt được và minh chứng", "Số liệu trước và sau, sản phẩm, nhận xét của cấp trên."},
	{"guide.conditions", "Điều kiện để nhân rộng", "Đơn vị khác cần có gì để áp dụng."},
	{"guide.contact", "Đầu mối liên hệ", "Người hoặc bộ phận, số điện thoại, thư điện tử."},
}

func guideValue(g *exemplar.Guide, field string) string {
	if g == nil {
		return ""
	}
	switch field {
	case "guide.context":
		return g.Context
	case "guide.steps":
		return g.Steps
	case "guide.resources":
		return g.Resources
	case "guide.results":
		return g.Results
	case "guide.conditions":
		return g.Conditions
	case "guide.contact":
		return g.Contact
	}
	return ""
}

// dossierInput reads the dossier form onto in (the stored draft's input when
// editing, so that what the form does not show is kept).
func dossierInput(r *http.Request, in exemplar.Input, editing bool) (exemplar.Input, errs.Fields) {
	f := errs.Fields{}
	v := func(name string) string { return r.PostFormValue(name) }
	if !editing {
		in.UnitID = formInt(r, "unit_id")
		if in.UnitID == 0 {
			f.Add("unit_id", "Chọn đơn vị lập hồ sơ.")
		}
	}
	in.SubjectKind = exemplar.SubjectKind(v("subject_kind"))
	p := in.Person
	p.Ho, p.Dem, p.Ten = v("person.ho"), v("person.dem"), v("person.ten")
	p.Gender, p.Position = v("person.gender"), v("person.position")
	p.Student = v("person.student") == "1"
	p.BirthYear = 0
	if y := strings.TrimSpace(v("person.birth_year")); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			f.Add("person.birth_year", "Năm sinh phải là một số, ví dụ 1985.")
		}
		p.BirthYear = n
	}
	in.Person = p
	in.CollectiveName = v("collective_name")
	if v("collective_is_unit") == "1" {
		if in.CollectiveUnitID == 0 {
			in.CollectiveUnitID = in.UnitID
		}
	} else {
		in.CollectiveUnitID = 0
	}
	in.Category = exemplar.Category(v("category"))
	in.Title, in.Summary = v("title"), v("summary")
	in.Criteria = nil
	for _, c := range exemplar.Criteria {
		in.Criteria = append(in.Criteria, exemplar.CriterionEntry{Key: c.Key,
			Checked: v("criteria."+c.Key+".checked") == "1", Evidence: v("criteria." + c.Key + ".evidence")})
	}
	in.MovementID, in.CampaignID = movementChoice(v("movement"))
	g := &exemplar.Guide{Context: v("guide.context"), Steps: v("guide.steps"), Resources: v("guide.resources"),
		Results: v("guide.results"), Conditions: v("guide.conditions"), Contact: v("guide.contact")}
	in.Guide = g
	return in, f
}

// movementChoice reads the form's movement picker: "" (none), "12" (a
// movement) or "12:5" (campaign 5 of movement 12).
func movementChoice(v string) (movementID, campaignID int64) {
	m, c, _ := strings.Cut(strings.TrimSpace(v), ":")
	movementID, _ = strconv.ParseInt(m, 10, 64)
	campaignID, _ = strconv.ParseInt(c, 10, 64)
	return movementID, campaignID
}

// movementValue writes a dossier's link as the picker's value.
func movementValue(movementID, campaignID int64) string {
	switch {
	case movementID == 0:
		return ""
	case campaignID == 0:
		return strconv.FormatInt(movementID, 10)
	}
	return strconv.FormatInt(movementID, 10) + ":" + strconv.FormatInt(campaignID, 10)
}

// movementFields shows a campaign error at the one picker the form has.
func movementFields(fields map[string]string) map[string]string {
	if msg, ok := fields["campaign_id"]; ok {
		delete(fields, "campaign_id")
		if _, taken := fields["movement_id"]; !taken {
			fields["movement_id"] = msg
		}
	}
	return fields
}

// dossierForm writes a dossier as the form's values.
func dossierForm(d exemplar.Dossier) url.Values {
	v := url.Values{}
	v.Set("version", strconv.Itoa(d.Version))
	v.Set("unit_id", strconv.FormatInt(d.UnitID, 10))
	v.Set("subject_kind", string(d.SubjectKind))
	if p := d.Person; p != nil {
		v.Set("person.ho", p.Ho)
		v.Set("person.dem", p.Dem)
		v.Set("person.ten", p.Ten)
		v.Set("person.gender", p.Gender)
		if p.BirthYear != 0 {
			v.Set("person.birth_year", strconv.Itoa(p.BirthYear))
		}
		v.Set("person.position", p.Position)
		if p.Student {
			v.Set("person.student", "1")
		}
	}
	v.Set("collective_name", d.CollectiveName)
	if d.CollectiveUnitID != 0 {
		v.Set("collective_is_unit", "1")
	}
	v.Set("category", string(d.Category))
	v.Set("title", d.Title)
	v.Set("summary", d.Summary)
	for _, c := range d.Criteria {
		if c.Checked {
			v.Set("criteria."+c.Key+".checked", "1")
		}
		v.Set("criteria."+c.Key+".evidence", c.Evidence)
	}
	for _, g := range guideLabels {
		v.Set(g.Field, guideValue(d.Guide, g.Field))
	}
	v.Set("movement", movementValue(d.MovementID, d.CampaignID))
	return v
}

type dossierFormData struct {
	Dossier    *exemplar.Dossier // nil when creating
	Units      []unit.Unit       // where the caller may draft (creating)
	Categories []exemplar.Category
	Criteria   []exemplar.Criterion
	Guide      []struct{ Field, Label, Hint string }
	Movements  []movement.Choice
}

// writableUnits lists the open units where the caller drafts dossiers,
// schools first, each group in tree order.
func (s *Server) writableUnits(r *http.Request) []unit.Unit {
	sc := scope(r)
	all, _, err := s.units.List(r.Context(), sc, unit.Filter{})
	if err != nil {
		return nil
	}
	var schools, others []unit.Unit
	for _, u := range all {
		switch {
		case !sc.Has(u.Path, dossierWriters...):
		case u.Kind == unit.School:
			schools = append(schools, u)
		default:
			others = append(others, u)
		}
	}
	return append(schools, others...)
}

func (s *Server) dossierFormPage(r *http.Request, d *exemplar.Dossier) (string, dossierFormData) {
	data := dossierFormData{Dossier: d, Categories: exemplar.Categories, Criteria: exemplar.Criteria, Guide: guideLabels}
	data.Movements, _ = movement.Choices(r.Context(), s.db.R)
	if d == nil {
		data.Units = s.writableUnits(r)
		return "Lập hồ sơ điển hình", data
	}
	return "Sửa hồ sơ: " + dossierName(*d), data
}

// dossierName is how a dossier is called in titles.
func dossierName(d exemplar.Dossier) string {
	if d.Title != "" {
		return d.Title
	}
	if n := d.SubjectName(); n != "" {
		return n
	}
	return "Hồ sơ #" + strconv.FormatInt(d.ID, 10)
}

func (s *Server) dossierNew(w http.ResponseWriter, r *http.Request) {
	sc := scope(r)
	if !sc.HasAny(dossierWriters...) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	title, data := s.dossierFormPage(r, nil)
	form := url.Values{"subject_kind": {string(exemplar.Individual)}, "category": {string(exemplar.Outstanding)}}
	if id := r.URL.Query().Get("unit"); id != "" {
		form.Set("unit_id", id)
	} else {
		for _, u := range data.Units {
			if u.ID == sc.UnitID {
				form.Set("unit_id", strconv.FormatInt(u.ID, 10))
			}
		}
	}
	s.render(w, r, http.StatusOK, "dossier_form", &page{Title: title, Section: "dossiers", Form: form, Data: data})
}

func (s *Server) dossierCreate(w http.ResponseWriter, r *http.Request) {
	if !scope(r).HasAny(dossierWriters...) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	in, f := dossierInput(r, exemplar.Input{}, false)
	err := f.Err()
	var d exemplar.Dossier
	if err == nil {
		d, err = s.dossiers.Create(r.Context(), scope(r), in)
	}
	if fields := errs.FieldsOf(err); fields != nil {
		title, data := s.dossierFormPage(r, nil)
		s.render(w, r, status(errs.CodeOf(err)), "dossier_form", &page{Title: title, Section: "dossiers", Form: r.PostForm,
			Errors: movementFields(fields), Error: errs.MessageOf(err), Data: data})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/dossiers/"+strconv.FormatInt(d.ID, 10), "Đã lập hồ sơ “"+dossierName(d)+"”. Đính kèm tệp minh chứng cho từng tiêu chí ở mục bên dưới.")
}

// editableDossier reads dossier {id} for a change: NotFound outside the
// caller's reach, Forbidden without a drafting role at its unit.
func (s *Server) editableDossier(r *http.Request) (exemplar.Dossier, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return exemplar.Dossier{}, err
	}
	d, err := s.dossiers.Get(r.Context(), scope(r), id)
	if err != nil {
		return d, err
	}
	if !scope(r).Has(d.UnitPath, dossierWriters...) {
		return d, errs.ErrForbidden
	}
	return d, nil
}

func (s *Server) dossierEdit(w http.ResponseWriter, r *http.Request) {
	d, err := s.editableDossier(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	title, data := s.dossierFormPage(r, &d)
	s.render(w, r, http.StatusOK, "dossier_form", &page{Title: title, Section: "dossiers", Form: dossierForm(d), Data: data})
}

func (s *Server) dossierUpdate(w http.ResponseWriter, r *http.Request) {
	d, err := s.editableDossier(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, f := dossierInput(r, d.Input(), true)
	if err = f.Err(); err == nil {
		_, err = s.dossiers.Update(r.Context(), scope(r), d.ID, int(formInt(r, "version")), in)
	}
	if fields := errs.FieldsOf(err); fields != nil || errs.Is(err, errs.Conflict) {
		title, data := s.dossierFormPage(r, &d)
		s.render(w, r, status(errs.CodeOf(err)), "dossier_form", &page{Title: title, Section: "dossiers", Form: r.PostForm,
			Errors: movementFields(fields), Error: errs.MessageOf(err), Data: data})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/dossiers/"+strconv.FormatInt(d.ID, 10), "Đã lưu hồ sơ.")
}

// --- the list

type dossierRow struct {
	exemplar.Dossier
	Checked int // ticked criteria
	Files   int
}

type dossierListData struct {
	Rows       []dossierRow
	Query      url.Values
	Units      []unit.Unit
	Categories []exemplar.Category
	CanAdd     bool
	Page       pager
}

func (s *Server) dossierList(w http.ResponseWriter, r *http.Request) {
	sc := scope(r)
	q := r.URL.Query()
	f := exemplar.Filter{Query: q.Get("q"), Category: exemplar.Category(q.Get("category")), SubjectKind: exemplar.SubjectKind(q.Get("kind"))}
	f.UnitID, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	f.MovementID, _ = strconv.ParseInt(q.Get("movement"), 10, 64)
	pg := newPager(r, 50)
	f.Limit, f.Offset = pg.Size, pg.Offset()
	ds, total, err := s.dossiers.List(r.Context(), sc, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	units, _, err := s.units.List(r.Context(), sc, unit.Filter{Limit: 1000})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := dossierListData{Query: q, Units: units, Categories: exemplar.Categories, CanAdd: sc.HasAny(dossierWriters...), Page: pg.With(total, r)}
	for _, d := range ds {
		row := dossierRow{Dossier: d, Files: len(d.Files)}
		for _, c := range d.Criteria {
			if c.Checked {
				row.Checked++
			}
			row.Files += len(c.Files)
		}
		data.Rows = append(data.Rows, row)
	}
	s.render(w, r, http.StatusOK, "dossiers", &page{Title: "Hồ sơ điển hình", Section: "dossiers", Data: data})
}

// evidenceIn reports whether list holds the file sha.
func evidenceIn(list []exemplar.FileRef, sha string) (exemplar.FileRef, bool) {
	i := slices.IndexFunc(list, func(f exemplar.FileRef) bool { return f.SHA256 == sha })
	if i < 0 {
		return exemplar.FileRef{}, false
	}
	return list[i], true
}

// evidenceOf finds the file sha among a dossier's evidence.
func evidenceOf(d exemplar.Dossier, sha string) (exemplar.FileRef, bool) {
	if f, ok := evidenceIn(d.Files, sha); ok {
		return f, true
	}
	for _, c := range d.Criteria {
		if f, ok := evidenceIn(c.Files, sha); ok {
			return f, true
		}
	}
	return exemplar.FileRef{}, false
}
