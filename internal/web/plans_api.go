package web

import (
	"net/http"
	"strconv"
	"time"

	"thidua/internal/errs"
	"thidua/internal/plan"
)

// The JSON API of plans: snake_case, dates as "2006-01-02", null when absent.

type planRefJSON struct {
	ID       int64   `json:"id"`
	UnitID   int64   `json:"unit_id"`
	UnitName string  `json:"unit_name"`
	Status   string  `json:"status"`
	Number   int     `json:"number"`
	Symbol   string  `json:"symbol"`
	Date     *string `json:"date"`
	Title    string  `json:"title"`
	Label    string  `json:"label"`
}

func toPlanRefJSON(r *plan.Ref) *planRefJSON {
	if r == nil {
		return nil
	}
	return &planRefJSON{ID: r.ID, UnitID: r.UnitID, UnitName: r.UnitName, Status: string(r.Status), Number: r.Number, Symbol: r.Symbol,
		Date: isoDate(r.Date), Title: r.Title, Label: r.Label()}
}

type sectionsJSON struct {
	Intro        string `json:"intro"`
	Purpose      string `json:"purpose"`
	Content      string `json:"content"`
	Forms        string `json:"forms"`
	Exemplars    string `json:"exemplars"`
	Organization string `json:"organization"`
	Closing      string `json:"closing"`
}

type signerJSON struct {
	Form      string `json:"form"`
	Authority string `json:"authority"`
	Title     string `json:"title"`
	Name      string `json:"name"`
}

type idNameJSON struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type planJSON struct {
	ID            int64        `json:"id"`
	UnitID        int64        `json:"unit_id"`
	UnitName      string       `json:"unit_name"`
	Status        string       `json:"status"`
	Number        int          `json:"number"`
	Symbol        string       `json:"symbol"`
	NumberSymbol  string       `json:"number_symbol"`
	Date          *string      `json:"date"`
	Place         string       `json:"place"`
	IssuerParent  string       `json:"issuer_parent"`
	IssuerName    string       `json:"issuer_name"`
	Title         string       `json:"title"`
	Period        string       `json:"period"`
	Sections      sectionsJSON `json:"sections"`
	Recipients    []string     `json:"recipients"`
	Signer        signerJSON   `json:"signer"`
	BasedOn       *planRefJSON `json:"based_on"`
	Amends        *planRefJSON `json:"amends"`
	SupersededBy  *planRefJSON `json:"superseded_by"`
	Movements     []idNameJSON `json:"movements"`
	Require       string       `json:"require"`
	RequireBy     *string      `json:"require_by"`
	RequiredUnits []idNameJSON `json:"required_units"`
	IssuedAt      *time.Time   `json:"issued_at"`
	Version       int          `json:"version"`
	CreatedAt     time.Time    `json:"created_at"`
	UpdatedAt     time.Time    `json:"updated_at"`
}

func toPlanJSON(p plan.Plan) planJSON {
	s := p.Sections
	out := planJSON{ID: p.ID, UnitID: p.UnitID, UnitName: p.UnitName, Status: string(p.Status), Number: p.Number, Symbol: p.Symbol,
		NumberSymbol: p.NumberSymbol(), Date: isoDate(p.Date), Place: p.Place, IssuerParent: p.IssuerParent, IssuerName: p.IssuerName,
		Title: p.Title, Period: p.Period, Sections: sectionsJSON{s.Intro, s.Purpose, s.Content, s.Forms, s.Exemplars, s.Organization, s.Closing},
		Recipients: orEmpty(p.Recipients), Signer: signerJSON{string(p.Signer.Form), p.Signer.Authority, p.Signer.Title, p.Signer.Name},
		BasedOn: toPlanRefJSON(p.BasedOn), Amends: toPlanRefJSON(p.Amends), SupersededBy: toPlanRefJSON(p.SupersededBy),
		Movements: []idNameJSON{}, Require: string(p.Require), RequireBy: isoDate(p.RequireBy), RequiredUnits: []idNameJSON{},
		IssuedAt: p.IssuedAt, Version: p.Version, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	for _, m := range p.Movements {
		out.Movements = append(out.Movements, idNameJSON{m.ID, m.Name})
	}
	for _, u := range p.Required {
		out.RequiredUnits = append(out.RequiredUnits, idNameJSON{u.ID, u.Name})
	}
	return out
}

// planBody is the request body for drafting and editing a plan; PUT
// replaces everything it names. It is also what /plans/suggestion answers.
type planBody struct {
	Version       int          `json:"version"`
	UnitID        int64        `json:"unit_id"`
	Number        int          `json:"number"`
	Symbol        string       `json:"symbol"`
	Date          string       `json:"date"`
	Place         string       `json:"place"`
	IssuerParent  string       `json:"issuer_parent"`
	IssuerName    string       `json:"issuer_name"`
	Title         string       `json:"title"`
	Period        string       `json:"period"`
	Sections      sectionsJSON `json:"sections"`
	Recipients    []string     `json:"recipients"`
	Signer        signerJSON   `json:"signer"`
	BasedOnID     int64        `json:"based_on_id"`
	AmendsID      int64        `json:"amends_id"`
	MovementIDs   []int64      `json:"movement_ids"`
	Require       string       `json:"require"`
	RequireBy     string       `json:"require_by"`
	RequireUnitID []int64      `json:"require_unit_ids"`
}

func (b planBody) input() (plan.Input, error) {
	f := errs.Fields{}
	s := b.Sections
	in := plan.Input{UnitID: b.UnitID, Number: b.Number, Symbol: b.Symbol, Date: apiDay(b.Date, "date", f), Place: b.Place,
		IssuerParent: b.IssuerParent, IssuerName: b.IssuerName, Title: b.Title, Period: b.Period,
		Sections:   plan.Sections{Intro: s.Intro, Purpose: s.Purpose, Content: s.Content, Forms: s.Forms, Exemplars: s.Exemplars, Organization: s.Organization, Closing: s.Closing},
		Recipients: b.Recipients, Signer: plan.Signer{Form: plan.SignForm(b.Signer.Form), Authority: b.Signer.Authority, Title: b.Signer.Title, Name: b.Signer.Name},
		BasedOnID: b.BasedOnID, AmendsID: b.AmendsID, MovementIDs: b.MovementIDs, Require: plan.RequireMode(b.Require),
		RequireBy: apiDay(b.RequireBy, "require_by", f), RequireUnitIDs: b.RequireUnitID}
	return in, f.Err()
}

func toPlanBody(in plan.Input) planBody {
	s := in.Sections
	b := planBody{UnitID: in.UnitID, Number: in.Number, Symbol: in.Symbol, Place: in.Place, IssuerParent: in.IssuerParent, IssuerName: in.IssuerName,
		Title: in.Title, Period: in.Period, Sections: sectionsJSON{s.Intro, s.Purpose, s.Content, s.Forms, s.Exemplars, s.Organization, s.Closing},
		Recipients: orEmpty(in.Recipients), Signer: signerJSON{string(in.Signer.Form), in.Signer.Authority, in.Signer.Title, in.Signer.Name},
		BasedOnID: in.BasedOnID, AmendsID: in.AmendsID, MovementIDs: orEmpty(in.MovementIDs), Require: string(in.Require),
		RequireUnitID: orEmpty(in.RequireUnitIDs)}
	if in.Date != nil {
		b.Date = in.Date.Format("2006-01-02")
	}
	if in.RequireBy != nil {
		b.RequireBy = in.RequireBy.Format("2006-01-02")
	}
	return b
}

func (s *Server) apiPlanList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := plan.Filter{Status: plan.Status(q.Get("status")), Query: q.Get("q")}
	f.UnitID, _ = strconv.ParseInt(q.Get("unit_id"), 10, 64)
	f.MovementID, _ = strconv.ParseInt(q.Get("movement_id"), 10, 64)
	f.Year, _ = strconv.Atoi(q.Get("year"))
	f.Limit, f.Offset = limitOffset(r, 50)
	ps, total, err := s.plans.List(r.Context(), scope(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := listOf[planJSON](total)
	for _, p := range ps {
		out.Items = append(out.Items, toPlanJSON(p))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiPlanGet(w http.ResponseWriter, r *http.Request) {
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
	writeJSON(w, http.StatusOK, toPlanJSON(p))
}

func (s *Server) apiPlanSuggestion(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	unitID, _ := strconv.ParseInt(q.Get("unit_id"), 10, 64)
	basedOn, _ := strconv.ParseInt(q.Get("based_on"), 10, 64)
	amends, _ := strconv.ParseInt(q.Get("amends"), 10, 64)
	if unitID == 0 {
		s.fail(w, r, errs.InvalidField("unit_id", "Cho biết đơn vị ban hành (unit_id)."))
		return
	}
	in, err := s.plans.Suggest(r.Context(), scope(r), unitID, basedOn, amends)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toPlanBody(in))
}

func (s *Server) apiPlanCreate(w http.ResponseWriter, r *http.Request) {
	var b planBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := b.input()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.plans.Create(r.Context(), scope(r), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/plans/"+rid(p.ID))
	writeJSON(w, http.StatusCreated, toPlanJSON(p))
}

// versionOf reads the body's version, which a change must name.
func versionOf(v int) error {
	if v <= 0 {
		return errs.InvalidField("version", "Thiếu số phiên bản (version) của kế hoạch đã đọc.")
	}
	return nil
}

func (s *Server) apiPlanUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b planBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := versionOf(b.Version); err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := b.input()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.plans.Update(r.Context(), scope(r), id, b.Version, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toPlanJSON(p))
}

func (s *Server) apiPlanDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, _ := strconv.Atoi(r.URL.Query().Get("version"))
	if err := versionOf(v); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.plans.Delete(r.Context(), scope(r), id, v); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiPlanIssue(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b versionBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := versionOf(b.Version); err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.plans.Issue(r.Context(), scope(r), id, b.Version)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toPlanJSON(p))
}

type complianceRowJSON struct {
	UnitID     int64        `json:"unit_id"`
	UnitName   string       `json:"unit_name"`
	State      string       `json:"state"`
	StateLabel string       `json:"state_label"`
	Plan       *planRefJSON `json:"plan"`
	DaysLate   int          `json:"days_late"`
	Drafts     int          `json:"drafts"`
	Closed     bool         `json:"closed"`
	RemindedAt *time.Time   `json:"reminded_at"`
	Reminders  int          `json:"reminders"`
}

type complianceJSON struct {
	Plan     planRefJSON         `json:"plan"`
	Deadline string              `json:"deadline"`
	Overdue  bool                `json:"overdue"`
	Counts   map[string]int      `json:"counts"`
	Total    int                 `json:"total"`
	Open     int                 `json:"open_missing"`
	Matched  int                 `json:"matched"`
	Items    []complianceRowJSON `json:"items"`
}

func (s *Server) apiPlanCompliance(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := plan.ComplianceFilter{State: plan.State(q.Get("state")), Query: q.Get("q")}
	f.Limit, f.Offset = limitOffset(r, 100)
	if f.State != "" && !f.State.Valid() {
		s.fail(w, r, errs.InvalidField("state", "Trạng thái chỉ có thể là on_time, late hoặc missing."))
		return
	}
	c, err := s.plans.Compliance(r.Context(), scope(r), id, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := complianceJSON{Plan: *toPlanRefJSON(&c.Plan), Deadline: c.Deadline.Format("2006-01-02"), Overdue: c.Overdue, Counts: map[string]int{},
		Total: c.Total, Open: c.Open, Matched: c.Matched, Items: []complianceRowJSON{}}
	for _, st := range plan.States {
		out.Counts[string(st)] = c.Counts[st]
	}
	for _, row := range c.Rows {
		out.Items = append(out.Items, complianceRowJSON{UnitID: row.Unit.ID, UnitName: row.Unit.Name, State: string(row.State),
			StateLabel: row.State.Label(), Plan: toPlanRefJSON(row.Plan), DaysLate: row.DaysLate, Drafts: row.Drafts, Closed: row.Closed,
			RemindedAt: row.RemindedAt, Reminders: row.Reminders})
	}
	writeJSON(w, http.StatusOK, out)
}

type remindJSON struct {
	Units    int      `json:"units"`
	Closed   int      `json:"closed"`
	Notified int      `json:"notified"`
	Already  int      `json:"already_today"`
	NoLeader []string `json:"no_leader"`
	Message  string   `json:"message"`
}

func (s *Server) apiPlanRemind(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := s.plans.Remind(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, remindJSON{Units: rep.Units, Closed: rep.Closed, Notified: rep.Notified, Already: rep.Already, NoLeader: orEmpty(rep.NoLeader),
		Message: remindSummary(rep)})
}

func init() {
	forms := make([]string, len(plan.SignForms))
	for i, f := range plan.SignForms {
		forms[i] = string(f)
	}
	modes := make([]string, len(plan.RequireModes))
	for i, m := range plan.RequireModes {
		modes[i] = string(m)
	}
	states := enum(string(plan.OnTime), string(plan.Late), string(plan.Missing))
	nullDate := map[string]any{"type": "string", "format": "date", "nullable": true}
	nullRef := map[string]any{"allOf": []any{ref("PlanRef")}, "nullable": true}
	ids := map[string]any{"type": "array", "items": integ}
	idNames := map[string]any{"type": "array", "items": obj(map[string]any{"id": integ, "name": str})}
	sections := obj(map[string]any{"intro": str, "purpose": str, "content": str, "forms": str, "exemplars": str, "organization": str, "closing": str})
	signer := obj(map[string]any{"form": enum(forms...), "authority": str, "title": str, "name": str})
	for k, v := range map[string]opDoc{
		"GET /api/v1/plans": {Summary: "Danh sách kế hoạch người gọi được xem (dự thảo của đơn vị mình và cấp dưới, kế hoạch đã ban hành của cả cấp trên), dự thảo trước rồi mới nhất",
			Query: []string{"q", "status", "unit_id", "year", "movement_id", "limit", "offset"}, Result: "list:Plan", Status: 200},
		"POST /api/v1/plans": {Summary: "Soạn dự thảo kế hoạch của đơn vị unit_id (cán bộ phụ trách thi đua hoặc lãnh đạo của đơn vị hay cấp trên)",
			Body: "PlanBody", Result: "Plan", Status: 201},
		"GET /api/v1/plans/suggestion": {Summary: "Gợi ý nội dung kế hoạch mới của đơn vị unit_id: số tiếp theo trong năm, ký hiệu, người ký; based_on: sao chép từ kế hoạch cấp trên để điều chỉnh; amends: sao chép kế hoạch được thay thế",
			Query: []string{"unit_id", "based_on", "amends"}, Result: "PlanBody", Status: 200},
		"GET /api/v1/plans/{id}":      {Summary: "Xem kế hoạch", Result: "Plan", Status: 200},
		"GET /api/v1/plans/{id}/docx": {Summary: "Tải kế hoạch dạng Word (.docx) theo thể thức Nghị định 30/2020/NĐ-CP; dự thảo có dấu DỰ THẢO", Result: "file", Status: 200},
		"PUT /api/v1/plans/{id}": {Summary: "Sửa dự thảo kế hoạch (thay toàn bộ nội dung); version cũ trả 409; kế hoạch đã ban hành không sửa được (409)",
			Body: "PlanBody", Result: "Plan", Status: 200},
		"DELETE /api/v1/plans/{id}": {Summary: "Xóa dự thảo kế hoạch (version là phiên bản đã đọc); kế hoạch đã ban hành không xóa được", Query: []string{"version"}, Status: 204},
		"POST /api/v1/plans/{id}/issue": {Summary: "Ban hành kế hoạch: kiểm tra đủ thông tin, số chưa dùng trong năm; từ đó kế hoạch không sửa được, muốn điều chỉnh thì soạn kế hoạch thay thế (amends_id)",
			Body: "VersionBody", Result: "Plan", Status: 200},
		"GET /api/v1/plans/{id}/compliance": {Summary: "Các đơn vị được yêu cầu ban hành kế hoạch thực hiện: đúng hạn, trễ hạn, chưa ban hành (chỉ người của đơn vị ban hành và cấp trên)",
			Query: []string{"state", "q", "limit", "offset"}, Result: "Compliance", Status: 200},
		"POST /api/v1/plans/{id}/remind": {Summary: "Nhắc một lần tất cả đơn vị chưa ban hành kế hoạch: thông báo cho lãnh đạo các đơn vị (mỗi đơn vị tối đa một lần mỗi ngày), có ghi nhật ký",
			Result: "RemindReport", Status: 200},
	} {
		apiDocs[k] = v
	}
	for k, v := range map[string]any{
		"PlanRef": obj(map[string]any{"id": integ, "unit_id": integ, "unit_name": str, "status": enum("draft", "issued"), "number": integ, "symbol": str,
			"date": nullDate, "title": str, "label": str}),
		"PlanSections": sections,
		"PlanSigner":   signer,
		"Plan": obj(map[string]any{"id": integ, "unit_id": integ, "unit_name": str, "status": enum("draft", "issued"), "number": integ, "symbol": str,
			"number_symbol": str, "date": nullDate, "place": str, "issuer_parent": str, "issuer_name": str, "title": str, "period": str,
			"sections": ref("PlanSections"), "recipients": strs, "signer": ref("PlanSigner"), "based_on": nullRef, "amends": nullRef, "superseded_by": nullRef,
			"movements": idNames, "require": enum(modes...), "require_by": nullDate, "required_units": idNames, "issued_at": stamp,
			"version": integ, "created_at": stamp, "updated_at": stamp}),
		"PlanBody": obj(map[string]any{"version": integ, "unit_id": integ, "number": integ, "symbol": str, "date": date, "place": str,
			"issuer_parent": str, "issuer_name": str, "title": str, "period": str,
			"sections":   map[string]any{"allOf": []any{ref("PlanSections")}, "description": "Mỗi dòng là một đoạn; dòng bắt đầu bằng “- ” là ý gạch đầu dòng; *chữ nghiêng*"},
			"recipients": strs, "signer": ref("PlanSigner"), "based_on_id": integ, "amends_id": integ, "movement_ids": ids,
			"require": enum(modes...), "require_by": date, "require_unit_ids": map[string]any{"type": "array", "items": integ, "description": "Khi require là custom"}},
			"title"),
		"ComplianceRow": obj(map[string]any{"unit_id": integ, "unit_name": str, "state": states, "state_label": str, "plan": nullRef,
			"days_late": integ, "drafts": integ, "closed": boolean, "reminded_at": stamp, "reminders": integ}),
		"Compliance": obj(map[string]any{"plan": ref("PlanRef"), "deadline": date, "overdue": boolean,
			"counts": obj(map[string]any{"on_time": integ, "late": integ, "missing": integ}), "total": integ,
			"open_missing": map[string]any{"type": "integer", "description": "Đơn vị chưa ban hành và còn hoạt động (được nhắc)"}, "matched": integ,
			"items": map[string]any{"type": "array", "items": ref("ComplianceRow")}}),
		"RemindReport": obj(map[string]any{"units": integ, "closed": integ, "notified": integ, "already_today": integ, "no_leader": strs, "message": str}),
	} {
		apiSchemas[k] = v
	}
}
