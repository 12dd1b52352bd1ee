package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/errs"
	"thidua/internal/exemplar"
	"thidua/internal/movement"
	"thidua/internal/plan"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// registerMovements adds the pages and API routes of emulation movements
// and their campaigns.
func (s *Server) registerMovements() {
	s.handle("GET /movements", LoggedIn, "Phong trào thi đua", s.movementList)
	s.handle("GET /movements/new", LoggedIn, "Biểu mẫu ghi nhận phong trào thi đua", s.movementNew)
	s.handle("POST /movements", LoggedIn, "Ghi nhận phong trào thi đua", s.movementCreate)
	s.handle("GET /movements/{id}", LoggedIn, "Xem phong trào thi đua, các đợt, kế hoạch và hồ sơ", s.movementView)
	s.handle("GET /movements/{id}/edit", LoggedIn, "Biểu mẫu sửa phong trào thi đua", s.movementEdit)
	s.handle("POST /movements/{id}/edit", LoggedIn, "Sửa phong trào thi đua", s.movementUpdate)
	s.handle("POST /movements/{id}/campaigns", LoggedIn, "Thêm đợt thi đua", s.campaignCreate)
	s.handle("GET /campaigns/{id}/edit", LoggedIn, "Biểu mẫu sửa đợt thi đua", s.campaignEdit)
	s.handle("POST /campaigns/{id}/edit", LoggedIn, "Sửa đợt thi đua", s.campaignUpdate)

	s.handle("GET /api/v1/movements", LoggedIn, "Danh sách phong trào thi đua", s.apiMovementList)
	s.handle("POST /api/v1/movements", LoggedIn, "Ghi nhận phong trào thi đua", s.apiMovementCreate)
	s.handle("GET /api/v1/movements/{id}", LoggedIn, "Xem phong trào thi đua", s.apiMovementGet)
	s.handle("PUT /api/v1/movements/{id}", LoggedIn, "Sửa phong trào thi đua", s.apiMovementUpdate)
	s.handle("GET /api/v1/movements/{id}/campaigns", LoggedIn, "Các đợt thi đua của phong trào", s.apiCampaignList)
	s.handle("POST /api/v1/movements/{id}/campaigns", LoggedIn, "Thêm đợt thi đua", s.apiCampaignCreate)
	s.handle("GET /api/v1/campaigns/{id}", LoggedIn, "Xem đợt thi đua", s.apiCampaignGet)
	s.handle("PUT /api/v1/campaigns/{id}", LoggedIn, "Sửa đợt thi đua", s.apiCampaignUpdate)
}

func init() {
	funcs["mvDates"] = func(from time.Time, to *time.Time) string {
		if to == nil {
			return "từ " + viet.ShortDate(from)
		}
		return viet.ShortDate(from) + " – " + viet.ShortDate(*to)
	}
}

// grantUnits lists the open units where the caller holds one of roles
// (the units of their grants, not every unit below them: a department's
// officer is not offered a thousand schools), then the units of extra the
// caller holds one of roles over, for a form opened for a unit below.
func (s *Server) grantUnits(r *http.Request, roles []access.Role, extra ...int64) []unit.Unit {
	ctx, sc := r.Context(), scope(r)
	var out []unit.Unit
	add := func(id int64) {
		if id == 0 || slices.ContainsFunc(out, func(u unit.Unit) bool { return u.ID == id }) {
			return
		}
		if u, err := s.units.Get(ctx, sc, id); err == nil && !u.ClosedNow() && sc.Has(u.Path, roles...) {
			out = append(out, u)
		}
	}
	for _, g := range sc.Grants {
		if slices.Contains(roles, g.Role) {
			add(g.UnitID)
		}
	}
	for _, id := range extra {
		add(id)
	}
	return out
}

// --- the list

type movementListData struct {
	Rows        []movement.Movement
	Query       url.Values
	Statuses    []movement.Status
	Authorities []movement.Authority
	Kinds       []movement.Kind
	CanAdd      bool
	Page        pager
}

func (s *Server) movementList(w http.ResponseWriter, r *http.Request) {
	sc, q := scope(r), r.URL.Query()
	f := movement.Filter{Status: movement.Status(q.Get("status")), Authority: movement.Authority(q.Get("authority")),
		Kind: movement.Kind(q.Get("kind")), Query: q.Get("q")}
	pg := newPager(r, 50)
	f.Limit, f.Offset = pg.Size, pg.Offset()
	ms, total, err := s.movements.List(r.Context(), sc, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := movementListData{Rows: ms, Query: q, Statuses: movement.Statuses, Authorities: movement.Authorities, Kinds: movement.Kinds,
		CanAdd: sc.HasAny(movement.Editors...), Page: pg.With(total, r)}
	s.render(w, r, http.StatusOK, "movements", &page{Title: "Phong trào thi đua", Section: "movements", Data: d})
}

// --- one movement

type movementViewData struct {
	M             movement.Movement
	CanEdit       bool
	Campaigns     []campaignRow
	CampaignUnits []unit.Unit // where the caller may add a campaign; none: no form
	Plans         []plan.Plan
	PlanTotal     int
	Dossiers      []exemplar.Dossier
	DossierTotal  int
	Today         time.Time
}

type campaignRow struct {
	movement.Campaign
	CanEdit bool
	Now     bool // under way today
}

func (s *Server) movementView(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderMovement(w, r, id, http.StatusOK, &page{})
}

func (s *Server) renderMovement(w http.ResponseWriter, r *http.Request, id int64, st int, p *page) {
	ctx, sc := r.Context(), scope(r)
	m, err := s.movements.Get(ctx, sc, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	today := dayIn(time.Now())
	d := movementViewData{M: m, CanEdit: m.CanEdit(sc), Today: today}
	cs, err := s.movements.Campaigns(ctx, sc, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, c := range cs {
		d.Campaigns = append(d.Campaigns, campaignRow{Campaign: c, CanEdit: c.CanEdit(sc), Now: c.RunsOn(today)})
	}
	if sc.HasAny(movement.Editors...) {
		d.CampaignUnits = s.grantUnits(r, movement.Editors, m.UnitID)
	}
	if d.Plans, d.PlanTotal, err = s.plans.List(ctx, sc, plan.Filter{MovementID: id, Status: plan.Issued, Limit: 20}); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Dossiers, d.DossierTotal, err = s.dossiers.List(ctx, sc, exemplar.Filter{MovementID: id, Limit: 20}); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Form == nil {
		p.Form = url.Values{"campaign.unit_id": {rid(m.UnitID)}}
	}
	p.Title, p.Section, p.Data = m.Name, "movements", d
	s.render(w, r, st, "movement", p)
}

// --- the movement form

type movementFormData struct {
	M           *movement.Movement // nil when creating
	Units       []unit.Unit
	Authorities []movement.Authority
	Kinds       []movement.Kind
	Statuses    []movement.Status
}

func (s *Server) renderMovementForm(w http.ResponseWriter, r *http.Request, st int, m *movement.Movement, p *page) {
	chosen, _ := strconv.ParseInt(p.Form.Get("unit_id"), 10, 64)
	d := movementFormData{M: m, Authorities: movement.Authorities, Kinds: movement.Kinds, Statuses: movement.Statuses}
	p.Title = "Ghi nhận phong trào thi đua"
	if m != nil {
		p.Title = "Sửa phong trào: " + m.Name
	} else {
		d.Units = s.grantUnits(r, movement.Editors, chosen)
	}
	p.Section, p.Data = "movements", d
	s.render(w, r, st, "movement_form", p)
}

func movementInput(r *http.Request) (movement.Input, errs.Fields) {
	f := errs.Fields{}
	v := r.PostFormValue
	in := movement.Input{UnitID: formInt(r, "unit_id"), Name: v("name"), Authority: movement.Authority(v("authority")),
		AuthorityName: v("authority_name"), Kind: movement.Kind(v("kind")), Description: v("description"), Status: movement.Status(v("status"))}
	if d, ok := formDay(r, "starts_on", "Nhập ngày phát động.", f); ok {
		in.StartsOn = d
	}
	in.EndsOn = parseDate(v("ends_on"), "ends_on", f)
	return in, f
}

func movementForm(m movement.Movement) url.Values {
	v := url.Values{"unit_id": {rid(m.UnitID)}, "name": {m.Name}, "authority": {string(m.Authority)}, "authority_name": {m.AuthorityName},
		"kind": {string(m.Kind)}, "starts_on": {m.StartsOn.Format("2006-01-02")}, "description": {m.Description},
		"status": {string(m.Status)}, "version": {strconv.Itoa(m.Version)}}
	if m.EndsOn != nil {
		v.Set("ends_on", m.EndsOn.Format("2006-01-02"))
	}
	return v
}

func (s *Server) movementNew(w http.ResponseWriter, r *http.Request) {
	sc := scope(r)
	if !sc.HasAny(movement.Editors...) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	form := url.Values{"kind": {string(movement.Regular)}, "status": {string(movement.Active)}, "authority": {string(movement.BoGDDT)},
		"starts_on": {dayIn(time.Now()).Format("2006-01-02")}, "unit_id": {rid(sc.UnitID)}}
	s.renderMovementForm(w, r, http.StatusOK, nil, &page{Form: form})
}

func (s *Server) movementCreate(w http.ResponseWriter, r *http.Request) {
	if !scope(r).HasAny(movement.Editors...) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	in, f := movementInput(r)
	err := f.Err()
	var m movement.Movement
	if err == nil {
		m, err = s.movements.Create(r.Context(), scope(r), in)
	}
	if fields := errs.FieldsOf(err); fields != nil {
		s.renderMovementForm(w, r, status(errs.CodeOf(err)), nil, &page{Form: r.PostForm, Errors: fields, Error: errs.MessageOf(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/movements/"+rid(m.ID), "Đã ghi nhận phong trào “"+m.Name+"”.")
}

// editableMovement reads movement {id} for a change.
func (s *Server) editableMovement(r *http.Request) (movement.Movement, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return movement.Movement{}, err
	}
	m, err := s.movements.Get(r.Context(), scope(r), id)
	if err != nil {
		return m, err
	}
	if !m.CanEdit(scope(r)) {
		return m, errs.ErrForbidden
	}
	return m, nil
}

func (s *Server) movementEdit(w http.ResponseWriter, r *http.Request) {
	m, err := s.editableMovement(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderMovementForm(w, r, http.StatusOK, &m, &page{Form: movementForm(m)})
}

func (s *Server) movementUpdate(w http.ResponseWriter, r *http.Request) {
	m, err := s.editableMovement(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, f := movementInput(r)
	in.UnitID = 0
	if err = f.Err(); err == nil {
		_, err = s.movements.Update(r.Context(), scope(r), m.ID, int(formInt(r, "version")), in)
	}
	if fields := errs.FieldsOf(err); fields != nil || errs.Is(err, errs.Conflict) {
		s.renderMovementForm(w, r, status(errs.CodeOf(err)), &m, &page{Form: r.PostForm, Errors: fields, Error: errs.MessageOf(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/movements/"+rid(m.ID), "Đã lưu phong trào.")
}

// --- campaigns

// campaignInput reads a campaign form whose fields are named prefix+name.
func campaignInput(r *http.Request, prefix string) (movement.CampaignInput, errs.Fields) {
	f := errs.Fields{}
	v := func(n string) string { return r.PostFormValue(prefix + n) }
	in := movement.CampaignInput{UnitID: formInt(r, prefix+"unit_id"), Name: v("name"), Occasion: v("occasion"), Description: v("description")}
	if d, ok := formDay(r, prefix+"starts_on", "Nhập ngày bắt đầu đợt thi đua.", f); ok {
		in.StartsOn = d
	}
	if d, ok := formDay(r, prefix+"ends_on", "Nhập ngày kết thúc đợt thi đua.", f); ok {
		in.EndsOn = d
	}
	return in, f
}

// prefixed renames the fields of a validation error with prefix.
func prefixed(fields map[string]string, prefix string) map[string]string {
	if fields == nil {
		return nil
	}
	out := map[string]string{}
	for k, v := range fields {
		if !strings.HasPrefix(k, prefix) {
			k = prefix + k
		}
		out[k] = v
	}
	return out
}

func (s *Server) campaignCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, f := campaignInput(r, "campaign.")
	err = f.Err()
	var c movement.Campaign
	if err == nil {
		c, err = s.movements.CreateCampaign(r.Context(), scope(r), id, in)
	}
	if fields := errs.FieldsOf(err); fields != nil {
		s.renderMovement(w, r, id, status(errs.CodeOf(err)), &page{Form: r.PostForm, Errors: prefixed(fields, "campaign."), Error: errs.MessageOf(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/movements/"+rid(id)+"#campaigns", "Đã thêm đợt thi đua “"+c.Name+"”.")
}

func (s *Server) editableCampaign(r *http.Request) (movement.Campaign, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return movement.Campaign{}, err
	}
	c, err := s.movements.Campaign(r.Context(), scope(r), id)
	if err != nil {
		return c, err
	}
	if !c.CanEdit(scope(r)) {
		return c, errs.ErrForbidden
	}
	return c, nil
}

func campaignForm(c movement.Campaign) url.Values {
	return url.Values{"name": {c.Name}, "occasion": {c.Occasion}, "starts_on": {c.StartsOn.Format("2006-01-02")},
		"ends_on": {c.EndsOn.Format("2006-01-02")}, "description": {c.Description}, "version": {strconv.Itoa(c.Version)}}
}

func (s *Server) renderCampaignForm(w http.ResponseWriter, r *http.Request, st int, c movement.Campaign, p *page) {
	p.Title, p.Section, p.Data = "Sửa đợt thi đua: "+c.Name, "movements", c
	s.render(w, r, st, "campaign_form", p)
}

func (s *Server) campaignEdit(w http.ResponseWriter, r *http.Request) {
	c, err := s.editableCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderCampaignForm(w, r, http.StatusOK, c, &page{Form: campaignForm(c)})
}

func (s *Server) campaignUpdate(w http.ResponseWriter, r *http.Request) {
	c, err := s.editableCampaign(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, f := campaignInput(r, "")
	in.UnitID = 0
	if err = f.Err(); err == nil {
		_, err = s.movements.UpdateCampaign(r.Context(), scope(r), c.ID, int(formInt(r, "version")), in)
	}
	if fields := errs.FieldsOf(err); fields != nil || errs.Is(err, errs.Conflict) {
		s.renderCampaignForm(w, r, status(errs.CodeOf(err)), c, &page{Form: r.PostForm, Errors: fields, Error: errs.MessageOf(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/movements/"+rid(c.MovementID)+"#campaigns", "Đã lưu đợt thi đua.")
}
