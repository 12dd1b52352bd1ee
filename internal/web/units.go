package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/errs"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// parseDate reads an optional date field, recording a message on error.
func parseDate(v string, field string, f errs.Fields) *time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	d, ok := viet.ParseDate(v)
	if !ok {
		f.Add(field, "Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm, ví dụ 30/06/2025.")
		return nil
	}
	return &d
}

// unitInput reads the unit form.
func unitInput(r *http.Request) (unit.Input, errs.Fields) {
	f := errs.Fields{}
	in := unit.Input{
		ParentID:   formInt(r, "parent_id"), // "root" (the explicit top level) reads as 0
		Kind:       unit.Kind(r.PostFormValue("kind")),
		Code:       r.PostFormValue("code"),
		Name:       r.PostFormValue("name"),
		ShortName:  r.PostFormValue("short_name"),
		Levels:     r.PostForm["levels"],
		RunsRounds: r.PostFormValue("runs_rounds") == "1",
	}
	if _, ok := r.PostForm["parent_id"]; ok && r.PostFormValue("parent_id") == "" {
		f.Add("parent_id", "Chọn đơn vị cấp trên (hoặc “Không có” nếu đây là đơn vị gốc).")
	}
	in.ValidFrom = parseDate(r.PostFormValue("valid_from"), "valid_from", f)
	in.ValidTo = parseDate(r.PostFormValue("valid_to"), "valid_to", f)
	return in, f
}

type unitListData struct {
	Units  []unit.Unit
	Total  int
	MinDep int
	Query  url.Values
	CanAdd bool
	Page   pager
}

func (s *Server) unitList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := unit.Filter{Query: q.Get("q"), Kind: unit.Kind(q.Get("kind")), Level: q.Get("level"), WithClosed: q.Get("closed") == "1"}
	if d, ok := viet.ParseDate(q.Get("on")); ok {
		f.ActiveOn = &d
	}
	pg := newPager(r, 200)
	f.Limit, f.Offset = pg.Size, pg.Offset()
	units, total, err := s.units.List(r.Context(), scope(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := unitListData{Units: units, Total: total, Query: q, CanAdd: scope(r).HasAny(access.Admin), Page: pg.With(total, r)}
	d.MinDep = 1 << 30
	for _, u := range units {
		d.MinDep = min(d.MinDep, u.Depth)
	}
	for i := range d.Units {
		d.Units[i].Depth -= d.MinDep
	}
	s.render(w, r, http.StatusOK, "units", &page{Title: "Đơn vị", Section: "units", Data: d})
}

type unitViewData struct {
	Unit      unit.Unit
	Ancestors []unit.Unit
	Children  []unit.Unit
	CanManage bool
	Parents   []unit.Unit // where it may be moved
	Today     string
}

func (s *Server) unitView(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderUnit(w, r, id, http.StatusOK, &page{})
}

func (s *Server) renderUnit(w http.ResponseWriter, r *http.Request, id int64, st int, p *page) {
	sc := scope(r)
	u, err := s.units.Get(r.Context(), sc, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := unitViewData{Unit: u, CanManage: sc.Has(u.Path, access.Admin), Today: time.Now().In(viet.Zone).Format("2006-01-02")}
	if d.Ancestors, err = s.units.Ancestors(r.Context(), u); err != nil {
		s.fail(w, r, err)
		return
	}
	if sc.CanRead(u.Path) {
		all, _, err := s.units.List(r.Context(), sc, unit.Filter{Under: u.ID, WithClosed: true})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, c := range all {
			if c.ParentID == u.ID {
				d.Children = append(d.Children, c)
			}
		}
	}
	if d.CanManage {
		d.Parents = s.manageableParents(r, u.Path, u.ParentID)
	}
	p.Title, p.Section, p.Data = u.Name, "units", d
	s.render(w, r, st, "unit", p)
}

// manageableParents lists the units the caller administers that are not
// schools and not inside exclude (a unit's own subtree), for parent pickers:
// the open ones, plus keep (the current parent) even when it has closed, so
// the picker's default leaves the unit where it is.
func (s *Server) manageableParents(r *http.Request, exclude string, keep int64) []unit.Unit {
	sc := scope(r)
	all, _, err := s.units.List(r.Context(), sc, unit.Filter{WithClosed: true})
	if err != nil {
		return nil
	}
	today := time.Now().In(viet.Zone)
	var out []unit.Unit
	for _, u := range all {
		if u.Kind != unit.School && sc.Has(u.Path, access.Admin) && (exclude == "" || !access.Within(u.Path, exclude)) &&
			(!u.Closed(today) || u.ID == keep) {
			out = append(out, u)
		}
	}
	return out
}

type unitFormData struct {
	Unit    *unit.Unit
	Parents []unit.Unit
}

func (s *Server) unitNew(w http.ResponseWriter, r *http.Request) {
	if !scope(r).HasAny(access.Admin) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	form := url.Values{"parent_id": {r.URL.Query().Get("parent")}, "kind": {string(unit.School)}}
	s.render(w, r, http.StatusOK, "unit_form", &page{Title: "Thêm đơn vị", Section: "units", Form: form,
		Data: unitFormData{Parents: s.manageableParents(r, "", 0)}})
}

func (s *Server) unitCreate(w http.ResponseWriter, r *http.Request) {
	in, f := unitInput(r)
	if err := f.Err(); err != nil {
		s.render(w, r, http.StatusUnprocessableEntity, "unit_form", &page{Title: "Thêm đơn vị", Section: "units", Form: r.PostForm,
			Errors: f, Error: errs.MessageOf(err), Data: unitFormData{Parents: s.manageableParents(r, "", 0)}})
		return
	}
	u, err := s.units.Create(r.Context(), scope(r), in)
	if fields := errs.FieldsOf(err); fields != nil {
		s.render(w, r, status(errs.CodeOf(err)), "unit_form", &page{Title: "Thêm đơn vị", Section: "units", Form: r.PostForm,
			Errors: fields, Error: errs.MessageOf(err), Data: unitFormData{Parents: s.manageableParents(r, "", 0)}})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/units/"+strconv.FormatInt(u.ID, 10), "Đã thêm đơn vị "+u.Name+".")
}

func unitForm(u unit.Unit) url.Values {
	v := url.Values{"kind": {string(u.Kind)}, "code": {u.Code}, "name": {u.Name}, "short_name": {u.ShortName},
		"levels": u.Levels, "version": {strconv.Itoa(u.Version)}, "parent_id": {strconv.FormatInt(u.ParentID, 10)}}
	if u.RunsRounds {
		v.Set("runs_rounds", "1")
	}
	if u.ValidFrom != nil {
		v.Set("valid_from", u.ValidFrom.Format("2006-01-02"))
	}
	if u.ValidTo != nil {
		v.Set("valid_to", u.ValidTo.Format("2006-01-02"))
	}
	return v
}

func (s *Server) unitEdit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.units.Get(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !scope(r).Has(u.Path, access.Admin) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	s.render(w, r, http.StatusOK, "unit_form", &page{Title: "Sửa " + u.Name, Section: "units", Form: unitForm(u), Data: unitFormData{Unit: &u}})
}

func (s *Server) unitUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, f := unitInput(r)
	var u unit.Unit
	if err = f.Err(); err == nil {
		u, err = s.units.Update(r.Context(), scope(r), id, int(formInt(r, "version")), in)
	}
	if fields := errs.FieldsOf(err); fields != nil || errs.Is(err, errs.Conflict) {
		old, gerr := s.units.Get(r.Context(), scope(r), id)
		if gerr != nil {
			s.fail(w, r, gerr)
			return
		}
		s.render(w, r, status(errs.CodeOf(err)), "unit_form", &page{Title: "Sửa " + old.Name, Section: "units", Form: r.PostForm,
			Errors: fields, Error: errs.MessageOf(err), Data: unitFormData{Unit: &old}})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/units/"+strconv.FormatInt(u.ID, 10), "Đã lưu thay đổi.")
}

func (s *Server) unitMove(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.units.Move(r.Context(), scope(r), id, int(formInt(r, "version")), formInt(r, "parent_id"))
	if errs.FieldsOf(err) != nil || errs.Is(err, errs.Conflict) {
		s.renderUnit(w, r, id, status(errs.CodeOf(err)), &page{Error: errs.MessageOf(err), Errors: errs.FieldsOf(err), Form: r.PostForm})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/units/"+strconv.FormatInt(u.ID, 10), "Đã chuyển đơn vị.")
}

func (s *Server) unitClose(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := errs.Fields{}
	day := parseDate(r.PostFormValue("valid_to"), "valid_to", f)
	if day == nil {
		f.Add("valid_to", "Nhập ngày kết thúc hoạt động.")
	}
	var u unit.Unit
	if err = f.Err(); err == nil {
		u, err = s.units.Close(r.Context(), scope(r), id, int(formInt(r, "version")), *day)
	}
	if errs.FieldsOf(err) != nil || errs.Is(err, errs.Conflict) {
		s.renderUnit(w, r, id, status(errs.CodeOf(err)), &page{Error: errs.MessageOf(err), Errors: errs.FieldsOf(err), Form: r.PostForm})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/units/"+strconv.FormatInt(u.ID, 10), "Đã ghi nhận ngày kết thúc hoạt động.")
}
