package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/errs"
	"thidua/internal/movement"
	"thidua/internal/plan"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// registerPlans adds the pages and API routes of plans and their
// compliance tables.
func (s *Server) registerPlans() {
	s.handle("GET /plans", LoggedIn, "Kế hoạch", s.planList)
	s.handle("GET /plans/new", LoggedIn, "Biểu mẫu soạn kế hoạch", s.planNew)
	s.handle("POST /plans", LoggedIn, "Soạn kế hoạch", s.planCreate)
	s.handle("GET /plans/{id}", LoggedIn, "Xem kế hoạch", s.planView)
	s.handle("GET /plans/{id}/edit", LoggedIn, "Biểu mẫu sửa dự thảo kế hoạch", s.planEdit)
	s.handle("POST /plans/{id}/edit", LoggedIn, "Sửa dự thảo kế hoạch", s.planUpdate)
	s.handle("POST /plans/{id}/issue", LoggedIn, "Ban hành kế hoạch", s.planIssue)
	s.handle("POST /plans/{id}/delete", LoggedIn, "Xóa dự thảo kế hoạch", s.planDelete)
	s.handle("GET /plans/{id}/docx", LoggedIn, "Tải kế hoạch dạng Word (thể thức Nghị định 30/2020)", s.planDOCX)
	s.handle("GET /plans/{id}/compliance", LoggedIn, "Theo dõi các đơn vị ban hành kế hoạch thực hiện", s.planCompliance)
	s.handle("POST /plans/{id}/remind", LoggedIn, "Nhắc các đơn vị chưa ban hành kế hoạch", s.planRemind)

	s.handle("GET /api/v1/plans", LoggedIn, "Danh sách kế hoạch", s.apiPlanList)
	s.handle("POST /api/v1/plans", LoggedIn, "Soạn kế hoạch", s.apiPlanCreate)
	s.handle("GET /api/v1/plans/suggestion", LoggedIn, "Gợi ý nội dung kế hoạch mới", s.apiPlanSuggestion)
	s.handle("GET /api/v1/plans/{id}", LoggedIn, "Xem kế hoạch", s.apiPlanGet)
	s.handle("PUT /api/v1/plans/{id}", LoggedIn, "Sửa dự thảo kế hoạch", s.apiPlanUpdate)
	s.handle("DELETE /api/v1/plans/{id}", LoggedIn, "Xóa dự thảo kế hoạch", s.apiPlanDelete)
	s.handle("POST /api/v1/plans/{id}/issue", LoggedIn, "Ban hành kế hoạch", s.apiPlanIssue)
	s.handle("GET /api/v1/plans/{id}/compliance", LoggedIn, "Tình hình các đơn vị ban hành kế hoạch thực hiện", s.apiPlanCompliance)
	s.handle("POST /api/v1/plans/{id}/remind", LoggedIn, "Nhắc các đơn vị chưa ban hành kế hoạch", s.apiPlanRemind)
	s.handle("GET /api/v1/plans/{id}/docx", LoggedIn, "Tải kế hoạch dạng Word", s.planDOCX)
}

func init() {
	funcs["plUpper"] = strings.ToUpper
	funcs["plNumber"] = func(p plan.Plan) string {
		if n := p.NumberSymbol(); n != "" {
			return n
		}
		return "      /" + p.Symbol
	}
	funcs["plRef"] = func(r *plan.Ref) string {
		if r == nil {
			return ""
		}
		return r.Label()
	}
	funcs["plNo"] = func(r *plan.Ref) string { return plan.NumberSymbol(r.Number, r.Symbol) }
	funcs["plLate"] = func(days int) string {
		if days > 60 {
			return "đã quá hạn"
		}
		return "quá hạn " + strconv.Itoa(days) + " ngày"
	}
	funcs["plLeft"] = func(d time.Time) string { return daysLeft(d, dayIn(time.Now())) }
}

// daysLeft says how far a deadline is from today: "còn 5 ngày", "hôm nay",
// "quá hạn 3 ngày".
func daysLeft(deadline, today time.Time) string {
	n := int(deadline.Sub(today).Hours() / 24)
	switch {
	case n > 0:
		return "còn " + strconv.Itoa(n) + " ngày"
	case n == 0:
		return "hạn là hôm nay"
	case n < -60:
		return "đã quá hạn"
	}
	return "quá hạn " + strconv.Itoa(-n) + " ngày"
}

// planTodos lists the plans the caller's units must still issue, for the
// home page. A failure is logged and leaves the rest of the page alone.
func (s *Server) planTodos(r *http.Request) []todo {
	ps, err := s.plans.ToIssue(r.Context(), scope(r), 20)
	if err != nil {
		s.log.Warn("home: plans to issue", "err", err)
		return nil
	}
	today := dayIn(time.Now())
	var out []todo
	for _, p := range ps {
		text := p.UnitName + ": ban hành kế hoạch thực hiện " + p.Plan.Label()
		text += fmt.Sprintf(" (hạn %s, %s)", viet.ShortDate(p.Deadline), daysLeft(p.Deadline, today))
		link := "/plans/new?based_on=" + rid(p.Plan.ID) + "&unit=" + rid(p.UnitID)
		if p.DraftID != 0 {
			text += "; đã có dự thảo"
			link = "/plans/" + rid(p.DraftID)
		}
		out = append(out, todo{text + ".", link})
	}
	return out
}

// --- the list

type planListData struct {
	Rows    []plan.Plan
	ToIssue []plan.Pending
	Query   url.Values
	Units   []unit.Unit
	Years   []int
	CanAdd  bool
	Page    pager
	Today   time.Time
}

func (s *Server) planList(w http.ResponseWriter, r *http.Request) {
	ctx, sc, q := r.Context(), scope(r), r.URL.Query()
	f := plan.Filter{Status: plan.Status(q.Get("status")), Query: q.Get("q")}
	f.UnitID, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	f.Year, _ = strconv.Atoi(q.Get("year"))
	f.MovementID, _ = strconv.ParseInt(q.Get("movement"), 10, 64)
	pg := newPager(r, 50)
	f.Limit, f.Offset = pg.Size, pg.Offset()
	rows, total, err := s.plans.List(ctx, sc, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := planListData{Rows: rows, Query: q, CanAdd: sc.HasAny(plan.Writers...), Page: pg.With(total, r), Today: dayIn(time.Now())}
	if d.ToIssue, err = s.plans.ToIssue(ctx, sc, 50); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Units, _, err = s.units.List(ctx, sc, unit.Filter{Limit: 1000}); err != nil {
		s.fail(w, r, err)
		return
	}
	for y := time.Now().In(viet.Zone).Year(); y >= 2020; y-- {
		d.Years = append(d.Years, y)
	}
	s.render(w, r, http.StatusOK, "plans", &page{Title: "Kế hoạch", Section: "plans", Data: d})
}

// --- the form

type planFormData struct {
	Plan      *plan.Plan // nil when creating
	Units     []unit.Unit
	Switch    []unit.Unit // links to start a plan of another unit (the first few)
	Parents   []plan.Ref  // plans of units above that the plan may implement
	Amends    *plan.Ref
	Movements []movement.Choice
	SignForms []plan.SignForm
	Modes     []plan.RequireMode
	Subtree   []unit.Unit // the issuing unit's units, for a custom requirement
	Sections  []planSection
}

// planSection is a section's box in the form.
type planSection struct{ Field, Label, Hint string }

// sectionHints say what each section holds, under its box.
var sectionHints = map[string]string{
	"sections.intro":        "Căn cứ ban hành và câu dẫn, ví dụ: “Thực hiện Kế hoạch số … Phòng … ban hành Kế hoạch … với những nội dung sau:”",
	"sections.purpose":      "Các mục đích, yêu cầu, mỗi ý một dòng (có thể đánh số 1., 2., 3.).",
	"sections.content":      "Nội dung tuyên truyền; mỗi ý một dòng bắt đầu bằng “- ”.",
	"sections.forms":        "Các hình thức: tọa đàm, giao lưu, trao đổi kinh nghiệm, văn hóa văn nghệ, cổ động trực quan…",
	"sections.exemplars":    "Đối tượng, tiêu chí chung, cách phát hiện, lựa chọn, tôn vinh và nhân rộng; các ý a), b), c) mỗi ý một dòng.",
	"sections.organization": "Nhiệm vụ của các đơn vị, phối hợp, chế độ báo cáo.",
	"sections.closing":      "Câu kết, ví dụ: “Trên đây là Kế hoạch … ./.”",
}

func (s *Server) planFormPage(r *http.Request, p *page, editing *plan.Plan) {
	ctx, sc := r.Context(), scope(r)
	d := planFormData{Plan: editing, SignForms: plan.SignForms, Modes: plan.RequireModes}
	var unitID int64
	if editing != nil {
		unitID = editing.UnitID
		p.Title = "Sửa dự thảo: " + editing.Title
	} else {
		unitID, _ = strconv.ParseInt(p.Form.Get("unit_id"), 10, 64)
		d.Units = s.grantUnits(r, plan.Writers, unitID)
		if len(d.Units) > 1 {
			d.Switch = d.Units[:min(len(d.Units), 12)]
		}
		p.Title = "Soạn kế hoạch"
	}
	for _, f := range plan.SectionFields(plan.Sections{}) {
		d.Sections = append(d.Sections, planSection{f.Field, f.Label, sectionHints[f.Field]})
	}
	d.Movements, _ = movement.Choices(ctx, s.db.R)
	if u, err := s.units.Get(ctx, sc, unitID); err == nil {
		if all, _, err := s.units.List(ctx, sc, unit.Filter{Under: u.ID}); err == nil {
			for _, x := range all {
				if x.ID != u.ID && !x.ClosedNow() {
					x.Depth -= u.Depth + 1
					d.Subtree = append(d.Subtree, x)
				}
			}
		}
		if issued, _, err := s.plans.List(ctx, sc, plan.Filter{Status: plan.Issued, Limit: 200}); err == nil {
			for _, x := range issued {
				if x.UnitID != u.ID && access.Within(u.Path, x.UnitPath) && !x.Superseded() {
					d.Parents = append(d.Parents, x.Ref())
				}
			}
		}
	}
	if id, _ := strconv.ParseInt(p.Form.Get("based_on_id"), 10, 64); id != 0 && !slices.ContainsFunc(d.Parents, func(x plan.Ref) bool { return x.ID == id }) {
		if x, err := s.plans.Get(ctx, sc, id); err == nil {
			d.Parents = append([]plan.Ref{x.Ref()}, d.Parents...)
		}
	}
	if id, _ := strconv.ParseInt(p.Form.Get("amends_id"), 10, 64); id != 0 {
		if x, err := s.plans.Get(ctx, sc, id); err == nil {
			ref := x.Ref()
			d.Amends = &ref
		}
	}
	if editing == nil && len(d.Units) == 0 && p.Error == "" {
		p.Error = "Bạn chưa là cán bộ phụ trách thi đua hoặc lãnh đạo tại đơn vị nào nên chưa soạn được kế hoạch."
	}
	p.Section, p.Data = "plans", d
}

// planInput reads the plan form.
func planInput(r *http.Request) (plan.Input, errs.Fields) {
	f := errs.Fields{}
	v := r.PostFormValue
	in := plan.Input{UnitID: formInt(r, "unit_id"), BasedOnID: formInt(r, "based_on_id"), AmendsID: formInt(r, "amends_id"),
		Symbol: v("symbol"), Place: v("place"), IssuerParent: v("issuer_parent"), IssuerName: v("issuer_name"),
		Title: v("title"), Period: v("period"), Recipients: []string{v("recipients")},
		Sections: plan.Sections{Intro: v("sections.intro"), Purpose: v("sections.purpose"), Content: v("sections.content"),
			Forms: v("sections.forms"), Exemplars: v("sections.exemplars"), Organization: v("sections.organization"), Closing: v("sections.closing")},
		Signer:  plan.Signer{Form: plan.SignForm(v("signer.form")), Authority: v("signer.authority"), Title: v("signer.title"), Name: v("signer.name")},
		Require: plan.RequireMode(v("require"))}
	in.Number = formNumber(r, "number", "Số văn bản là một số nguyên, ví dụ 15.", f)
	in.Date = parseDate(v("date"), "date", f)
	in.RequireBy = parseDate(v("require_by"), "require_by", f)
	for _, x := range r.PostForm["movement_ids"] {
		if id, err := strconv.ParseInt(x, 10, 64); err == nil {
			in.MovementIDs = append(in.MovementIDs, id)
		}
	}
	for _, x := range r.PostForm["require_units"] {
		if id, err := strconv.ParseInt(x, 10, 64); err == nil {
			in.RequireUnitIDs = append(in.RequireUnitIDs, id)
		}
	}
	return in, f
}

// planForm writes an input as the form's values.
func planForm(in plan.Input) url.Values {
	v := url.Values{"unit_id": {rid(in.UnitID)}, "symbol": {in.Symbol}, "place": {in.Place}, "issuer_parent": {in.IssuerParent},
		"issuer_name": {in.IssuerName}, "title": {in.Title}, "period": {in.Period}, "recipients": {strings.Join(in.Recipients, "\n")},
		"signer.form": {string(in.Signer.Form)}, "signer.authority": {in.Signer.Authority}, "signer.title": {in.Signer.Title},
		"signer.name": {in.Signer.Name}, "require": {string(in.Require)}}
	for _, sf := range plan.SectionFields(in.Sections) {
		v.Set(sf.Field, sf.Value)
	}
	if in.Number > 0 {
		v.Set("number", strconv.Itoa(in.Number))
	}
	if in.Date != nil {
		v.Set("date", in.Date.Format("2006-01-02"))
	}
	if in.RequireBy != nil {
		v.Set("require_by", in.RequireBy.Format("2006-01-02"))
	}
	if in.BasedOnID != 0 {
		v.Set("based_on_id", rid(in.BasedOnID))
	}
	if in.AmendsID != 0 {
		v.Set("amends_id", rid(in.AmendsID))
	}
	for _, id := range in.MovementIDs {
		v.Add("movement_ids", rid(id))
	}
	for _, id := range in.RequireUnitIDs {
		v.Add("require_units", rid(id))
	}
	return v
}

func (s *Server) planNew(w http.ResponseWriter, r *http.Request) {
	ctx, sc, q := r.Context(), scope(r), r.URL.Query()
	if !sc.HasAny(plan.Writers...) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	basedOn, _ := strconv.ParseInt(q.Get("based_on"), 10, 64)
	amends, _ := strconv.ParseInt(q.Get("amends"), 10, 64)
	unitID, _ := strconv.ParseInt(q.Get("unit"), 10, 64)
	units := s.grantUnits(r, plan.Writers)
	if unitID == 0 && amends != 0 {
		if p, err := s.plans.Get(ctx, sc, amends); err == nil {
			unitID = p.UnitID
		}
	}
	if unitID == 0 {
		// The caller's own unit when they write there, else the first.
		for _, u := range units {
			if u.ID == sc.UnitID || unitID == 0 {
				unitID = u.ID
			}
		}
	}
	p := &page{Form: url.Values{}}
	if unitID != 0 {
		in, err := s.plans.Suggest(ctx, sc, unitID, basedOn, amends)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Form = planForm(in)
	}
	s.planFormPage(r, p, nil)
	s.render(w, r, http.StatusOK, "plan_form", p)
}

func (s *Server) planCreate(w http.ResponseWriter, r *http.Request) {
	if !scope(r).HasAny(plan.Writers...) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	in, f := planInput(r)
	if len(f) > 0 {
		in.Validate(f)
	}
	err := f.Err()
	var p plan.Plan
	if err == nil {
		p, err = s.plans.Create(r.Context(), scope(r), in)
	}
	if fields := errs.FieldsOf(err); fields != nil {
		pg := &page{Form: r.PostForm, Errors: fields, Error: errs.MessageOf(err)}
		s.planFormPage(r, pg, nil)
		s.render(w, r, status(errs.CodeOf(err)), "plan_form", pg)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/plans/"+rid(p.ID), "Đã lưu dự thảo kế hoạch. Kiểm tra lại rồi bấm “Ban hành” khi văn bản đã được ký.")
}

// writablePlan reads plan {id} for a change by its writers.
func (s *Server) writablePlan(r *http.Request) (plan.Plan, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return plan.Plan{}, err
	}
	p, err := s.plans.Get(r.Context(), scope(r), id)
	if err != nil {
		return p, err
	}
	if !scope(r).CanRead(p.UnitPath) {
		return p, errs.ErrNotFound // a unit below reads an issued plan but never changes it
	}
	if !p.CanWrite(scope(r)) {
		return p, errs.ErrForbidden
	}
	return p, nil
}

func (s *Server) planEdit(w http.ResponseWriter, r *http.Request) {
	p, err := s.writablePlan(r)
	if err == nil && p.Issued() {
		err = plan.ErrFrozen
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	form := planForm(p.Input())
	form.Set("version", strconv.Itoa(p.Version))
	pg := &page{Form: form}
	s.planFormPage(r, pg, &p)
	s.render(w, r, http.StatusOK, "plan_form", pg)
}

func (s *Server) planUpdate(w http.ResponseWriter, r *http.Request) {
	p, err := s.writablePlan(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, f := planInput(r)
	in.UnitID = 0
	if len(f) > 0 {
		in.Validate(f)
	}
	if err = f.Err(); err == nil {
		_, err = s.plans.Update(r.Context(), scope(r), p.ID, int(formInt(r, "version")), in)
	}
	if fields := errs.FieldsOf(err); fields != nil || errs.Is(err, errs.Conflict) && p.Status == plan.Draft {
		pg := &page{Form: r.PostForm, Errors: fields, Error: errs.MessageOf(err)}
		s.planFormPage(r, pg, &p)
		s.render(w, r, status(errs.CodeOf(err)), "plan_form", pg)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/plans/"+rid(p.ID), "Đã lưu dự thảo kế hoạch.")
}

func (s *Server) planIssue(w http.ResponseWriter, r *http.Request) {
	p, err := s.writablePlan(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.plans.Issue(r.Context(), scope(r), p.ID, int(formInt(r, "version")))
	if fields := errs.FieldsOf(err); fields != nil || errs.Is(err, errs.Conflict) {
		s.renderPlan(w, r, p.ID, status(errs.CodeOf(err)), &page{Errors: fields, Error: errs.MessageOf(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msg := "Đã ban hành Kế hoạch số " + out.NumberSymbol() + "."
	if out.Requires() {
		msg += fmt.Sprintf(" %d đơn vị được yêu cầu ban hành kế hoạch thực hiện trước ngày %s.", len(out.Required), viet.ShortDate(*out.RequireBy))
	}
	s.redirect(w, r, "/plans/"+rid(out.ID), msg)
}

func (s *Server) planDelete(w http.ResponseWriter, r *http.Request) {
	p, err := s.writablePlan(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = s.plans.Delete(r.Context(), scope(r), p.ID, int(formInt(r, "version")))
	if errs.Is(err, errs.Conflict) {
		s.renderPlan(w, r, p.ID, http.StatusConflict, &page{Error: errs.MessageOf(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/plans", "Đã xóa dự thảo “"+p.Title+"”.")
}

// --- one plan

type planViewData struct {
	P          plan.Plan
	Outline    []plan.Part
	Signer     []string
	CanWrite   bool // edit, issue, delete (a draft) or replace (an issued plan)
	CanTrack   bool // sees the compliance table
	Counts     map[string]int
	Implement  []plan.Pending // the caller's units that must still implement this plan
	FieldLabel map[string]string
}

// planFieldLabels name the fields of a plan in the issue errors' list.
var planFieldLabels = map[string]string{
	"number": "Số văn bản", "symbol": "Ký hiệu", "date": "Ngày ban hành", "place": "Địa danh", "issuer_name": "Cơ quan ban hành",
	"title": "Trích yếu", "sections.purpose": "I. Mục đích, yêu cầu", "sections.content": "II.1. Nội dung tuyên truyền",
	"sections.organization": "III. Tổ chức thực hiện", "recipients": "Nơi nhận", "signer.name": "Người ký", "signer.title": "Chức vụ người ký",
	"signer.authority": "Thẩm quyền ký", "require_by": "Hạn ban hành của đơn vị cấp dưới", "require": "Đơn vị phải ban hành kế hoạch",
	"based_on_id": "Kế hoạch căn cứ", "amends_id": "Kế hoạch được thay thế",
}

func (s *Server) planView(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPlan(w, r, id, http.StatusOK, &page{})
}

func (s *Server) renderPlan(w http.ResponseWriter, r *http.Request, id int64, st int, pg *page) {
	ctx, sc := r.Context(), scope(r)
	p, err := s.plans.Get(ctx, sc, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := planViewData{P: p, Outline: p.Outline(), Signer: p.Signer.Lines(), CanWrite: p.CanWrite(sc) && sc.CanRead(p.UnitPath),
		CanTrack: p.Issued() && p.Requires() && sc.CanRead(p.UnitPath), FieldLabel: planFieldLabels}
	if d.CanTrack {
		if c, err := s.plans.Compliance(ctx, sc, id, plan.ComplianceFilter{Limit: 1}); err == nil {
			d.Counts = stateCounts(c)
		}
	}
	if p.Issued() && p.Requires() && !p.Superseded() {
		todo, err := s.plans.ToIssue(ctx, sc, 200)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, x := range todo {
			if x.Plan.ID == p.ID {
				d.Implement = append(d.Implement, x)
			}
		}
	}
	pg.Title, pg.Section, pg.Data = planTitle(p), "plans", d
	s.render(w, r, st, "plan", pg)
}

// planTitle is how a plan is called in titles.
func planTitle(p plan.Plan) string {
	if p.Issued() {
		return "Kế hoạch số " + p.NumberSymbol()
	}
	return "Dự thảo: " + p.Title
}

// planDOCX sends the plan as a Word document in the Decree 30 layout.
func (s *Server) planDOCX(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.plans.Get(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := p.DOCX(&buf); err != nil {
		s.fail(w, r, errs.Wrap(err, "web: plan docx"))
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
	w.Header().Set("Content-Disposition", `attachment; filename="`+p.DOCXName()+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// --- compliance

type complianceData struct {
	P         plan.Plan
	C         plan.Compliance
	States    []plan.State
	Query     url.Values
	Counts    map[string]int
	CanRemind bool
	Page      pager
}

// stateCounts keys a table's counts by name, for templates.
func stateCounts(c plan.Compliance) map[string]int {
	out := map[string]int{}
	for _, st := range plan.States {
		out[string(st)] = c.Counts[st]
	}
	return out
}

func (s *Server) planCompliance(w http.ResponseWriter, r *http.Request) {
	ctx, sc, q := r.Context(), scope(r), r.URL.Query()
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.plans.Get(ctx, sc, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := newPager(r, 100)
	f := plan.ComplianceFilter{State: plan.State(q.Get("state")), Query: q.Get("q"), Limit: pg.Size, Offset: pg.Offset()}
	c, err := s.plans.Compliance(ctx, sc, id, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := complianceData{P: p, C: c, States: plan.States, Query: q, Page: pg.With(c.Matched, r), Counts: stateCounts(c),
		CanRemind: p.CanWrite(sc) && !p.Superseded() && c.Open > 0}
	s.render(w, r, http.StatusOK, "plan_compliance", &page{Title: "Theo dõi ban hành kế hoạch thực hiện Kế hoạch số " + p.NumberSymbol(),
		Section: "plans", Data: d})
}

func (s *Server) planRemind(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := s.plans.Remind(r.Context(), scope(r), id)
	if errs.Is(err, errs.Invalid) {
		s.redirect(w, r, "/plans/"+rid(id)+"/compliance", errs.MessageOf(err))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/plans/"+rid(id)+"/compliance", remindSummary(rep))
}

// remindSummary says in one sentence what a reminder did.
func remindSummary(rep plan.RemindReport) string {
	msg := fmt.Sprintf("Đã nhắc %d đơn vị chưa ban hành kế hoạch: %d lãnh đạo đơn vị nhận được thông báo.", rep.Units, rep.Notified)
	if rep.Already > 0 {
		msg += fmt.Sprintf(" %d đơn vị đã được nhắc trong hôm nay nên không nhắc lại.", rep.Already)
	}
	if rep.Closed > 0 {
		msg += fmt.Sprintf(" %d đơn vị đã kết thúc hoạt động nên không nhắc.", rep.Closed)
	}
	if n := len(rep.NoLeader); n > 0 {
		names := rep.NoLeader
		if n > 5 {
			names = append(names[:5:5], "…")
		}
		msg += fmt.Sprintf(" %d đơn vị chưa có tài khoản lãnh đạo để nhận thông báo: %s.", n, strings.Join(names, ", "))
	}
	return msg
}
