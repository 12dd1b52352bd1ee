package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"thidua/internal/activity"
	"thidua/internal/errs"
	"thidua/internal/exemplar"
	"thidua/internal/movement"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// registerActivities adds the pages and API routes of propaganda
// activities (hoạt động tuyên truyền).
func (s *Server) registerActivities() {
	s.handle("GET /activities", LoggedIn, "Danh sách hoạt động tuyên truyền", s.activityList)
	s.handle("GET /activities/new", LoggedIn, "Biểu mẫu ghi hoạt động tuyên truyền", s.activityNew)
	s.handle("POST /activities", LoggedIn, "Ghi hoạt động tuyên truyền", s.activityCreate)
	s.handle("GET /activities/dossier-options", LoggedIn, "Tìm hồ sơ điển hình để liên kết với hoạt động", s.activityDossierOptions)
	s.handle("GET /activities/{id}", LoggedIn, "Xem hoạt động tuyên truyền", s.activityView)
	s.handle("GET /activities/{id}/edit", LoggedIn, "Biểu mẫu sửa hoạt động tuyên truyền", s.activityEdit)
	s.handle("POST /activities/{id}/edit", LoggedIn, "Sửa hoạt động tuyên truyền", s.activityUpdate)
	s.handle("POST /activities/{id}/public", LoggedIn, "Công khai hoặc thôi công khai hoạt động", s.activityPublic)
	s.handle("POST /activities/{id}/delete", LoggedIn, "Xóa hoạt động tuyên truyền", s.activityDelete)
	s.handle("POST /activities/{id}/files", LoggedIn, "Đính kèm minh chứng của hoạt động", s.activityAttach)
	s.handle("POST /activities/{id}/files/delete", LoggedIn, "Gỡ minh chứng của hoạt động", s.activityDetach)
	s.handle("GET /activities/{id}/files/{sha}", LoggedIn, "Mở tệp minh chứng của hoạt động", s.activityFile)
	s.handle("GET /activities/{id}/files/{sha}/thumb", LoggedIn, "Ảnh thu nhỏ của minh chứng", s.activityThumb)
	s.handle("POST /activity-exports", LoggedIn, "Xuất danh sách hoạt động ra Excel", s.activityExportStart)
	s.handle("GET /activity-exports/{id}", LoggedIn, "Tiến độ xuất Excel", s.activityExportView)
	s.handle("GET /activity-exports/{id}/file", LoggedIn, "Tải tệp Excel đã xuất", s.activityExportFile)
	s.handle("GET /public/activities/{id}/thumbnail", Public, "Ảnh thu nhỏ của hoạt động công khai", s.publicActivityThumb)

	s.handle("GET /api/v1/activities", LoggedIn, "Danh sách hoạt động tuyên truyền", s.apiActivityList)
	s.handle("POST /api/v1/activities", LoggedIn, "Ghi hoạt động tuyên truyền", s.apiActivityCreate)
	s.handle("GET /api/v1/activities/{id}", LoggedIn, "Xem hoạt động tuyên truyền", s.apiActivityGet)
	s.handle("PUT /api/v1/activities/{id}", LoggedIn, "Sửa hoạt động tuyên truyền", s.apiActivityUpdate)
	s.handle("DELETE /api/v1/activities/{id}", LoggedIn, "Xóa hoạt động tuyên truyền", s.apiActivityDelete)
	s.handle("POST /api/v1/activities/{id}/public", LoggedIn, "Công khai hoặc thôi công khai hoạt động", s.apiActivityPublic)
	s.handle("POST /api/v1/activities/{id}/files", LoggedIn, "Đính kèm minh chứng của hoạt động", s.apiActivityAttach)
	s.handle("DELETE /api/v1/activities/{id}/files/{sha}", LoggedIn, "Gỡ minh chứng của hoạt động", s.apiActivityDetach)
	s.handle("POST /api/v1/activity-exports", LoggedIn, "Xuất danh sách hoạt động ra Excel", s.apiActivityExportStart)
	s.handle("GET /api/v1/activity-exports/{id}", LoggedIn, "Tiến độ xuất Excel", s.apiActivityExportGet)
	s.handle("GET /api/v1/activity-exports/{id}/file", LoggedIn, "Tải tệp Excel đã xuất", s.apiActivityExportFile)
}

// --- the filter, from a query string or a posted form

// activityYears are the school years the filters offer: 2019-2020 up to
// the one after today's (plans are logged ahead).
func activityYears(today time.Time) []int {
	var out []int
	for y := activity.SchoolYearOf(today) + 1; y >= 2019; y-- {
		out = append(out, y)
	}
	return out
}

// activityFilter reads a filter from v (the list's query string, or the
// export form); unreadable dates are reported in f and ignored.
func activityFilter(v url.Values, f errs.Fields) activity.Filter {
	var out activity.Filter
	out.UnitID, _ = strconv.ParseInt(v.Get("unit"), 10, 64)
	out.SchoolYear, _ = strconv.Atoi(v.Get("year"))
	if out.SchoolYear < 1990 || out.SchoolYear > 2200 {
		out.SchoolYear = 0
	}
	out.From = parseDate(v.Get("from"), "from", f)
	out.To = parseDate(v.Get("to"), "to", f)
	out.Form = activity.Form(v.Get("form"))
	if !out.Form.Valid() {
		out.Form = ""
	}
	if m := v.Get("movement"); len(m) > 1 {
		id, _ := strconv.ParseInt(m[1:], 10, 64)
		switch m[0] {
		case 'm':
			out.MovementID = id
		case 'c':
			out.CampaignID = id
		}
	}
	switch st := activity.Status(v.Get("status")); st {
	case activity.Planned, activity.Held:
		out.Status = st
	}
	out.Query = v.Get("q")
	return out
}

// filterKeys are the query parameters of a filter, for links and the
// export form.
var filterKeys = []string{"unit", "year", "from", "to", "form", "movement", "status", "q"}

// filterValues keeps the filter's parameters of v (not the page's).
func filterValues(v url.Values) url.Values {
	out := url.Values{}
	for _, k := range filterKeys {
		if x := strings.TrimSpace(v.Get(k)); x != "" {
			out.Set(k, x)
		}
	}
	return out
}

// --- the list

type activityRow struct {
	activity.Activity
	Status activity.Status
	Thumb  *activity.FileRef
}

type formCount struct {
	Form    activity.Form
	Label   string
	Count   int
	Href    string
	Current bool
}

type activityListData struct {
	Rows        []activityRow
	Total       int
	Forms       []formCount
	AllHref     string
	AllCount    int
	Query       url.Values
	Filter      url.Values // the filter alone, for the export form
	Units       []unit.Unit
	Years       []int
	FormChoices []activity.Form
	Movements   []movement.Choice
	CanAdd      bool
	First       string
	Prev, Next  string
	Exports     []activity.Export
}

func (s *Server) activityListPage(r *http.Request, p *page) (*page, error) {
	ctx, sc := r.Context(), scope(r)
	q := r.URL.Query()
	bad := errs.Fields{}
	f := activityFilter(q, bad)
	f.After, f.Before, f.Limit = q.Get("after"), q.Get("before"), 30
	res, err := s.activity.List(ctx, sc, f)
	if errs.Is(err, errs.Invalid) && (f.After != "" || f.Before != "") {
		f.After, f.Before = "", ""
		res, err = s.activity.List(ctx, sc, f)
	}
	if err != nil {
		return nil, err
	}
	units, _, err := s.units.List(ctx, sc, unit.Filter{WithClosed: true, Limit: 2000})
	if err != nil {
		return nil, err
	}
	choices, err := movement.Choices(ctx, s.db.R)
	if err != nil {
		return nil, err
	}
	filter := filterValues(q)
	link := func(set map[string]string) string {
		v := filterValues(q)
		for k, x := range set {
			if x == "" {
				v.Del(k)
			} else {
				v.Set(k, x)
			}
		}
		if len(v) == 0 {
			return "/activities"
		}
		return "/activities?" + v.Encode()
	}
	d := activityListData{Total: res.Total, Query: q, Filter: filter, Units: units, Years: activityYears(s.activity.Today()),
		FormChoices: activity.Forms, Movements: choices, CanAdd: sc.HasAny(activity.Writers...), AllHref: link(map[string]string{"form": ""})}
	today := s.activity.Today()
	for _, a := range res.Items {
		d.Rows = append(d.Rows, activityRow{Activity: a, Status: a.StatusOn(today), Thumb: a.Thumbnail()})
	}
	for _, x := range activity.Forms {
		n := res.ByForm[x]
		d.AllCount += n
		if n > 0 || x == f.Form {
			d.Forms = append(d.Forms, formCount{Form: x, Label: x.Label(), Count: n, Href: link(map[string]string{"form": string(x)}), Current: x == f.Form})
		}
	}
	if res.Next != "" {
		d.Next = link(map[string]string{"after": res.Next})
	}
	if res.Prev != "" {
		d.Prev = link(map[string]string{"before": res.Prev})
		d.First = link(nil)
	}
	if d.Exports, err = s.activity.Exports(ctx, sc, 3); err != nil {
		return nil, err
	}
	if p == nil {
		p = &page{}
	}
	if len(bad) > 0 && p.Error == "" {
		for _, m := range bad {
			p.Error = m + " Bộ lọc ngày đó được bỏ qua."
		}
	}
	p.Title, p.Section, p.Data = "Hoạt động tuyên truyền", "activities", d
	return p, nil
}

func (s *Server) activityList(w http.ResponseWriter, r *http.Request) {
	p, err := s.activityListPage(r, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "activities", p)
}

// --- the form

type unitOption struct {
	ID     int64
	Name   string
	Closed string // "đã kết thúc 30/06/2025" for a unit of the old tree
}

type dossierChoice struct {
	ID                   int64
	Title, Subject, Unit string
	Checked              bool
}

type activityFormData struct {
	Activity   *activity.Activity // nil when creating
	Units      []unitOption       // creating: where the caller logs
	Forms      []activity.Form
	Movements  []movement.Choice
	Dossiers   []dossierChoice
	Hidden     int    // linked dossiers the caller cannot see (kept)
	DossierQ   string // the dossier search asked for
	Searched   bool
	CanPublish bool
	Accept     string
	MaxFiles   int
}

// activityUnits lists the units where the caller logs activities: open
// ones first (schools first), then the closed ones of the old tree, for
// activities of their time.
func (s *Server) activityUnits(r *http.Request) []unitOption {
	sc := scope(r)
	all, _, err := s.units.List(r.Context(), sc, unit.Filter{WithClosed: true})
	if err != nil {
		return nil
	}
	var schools, others, closed []unitOption
	for _, u := range all {
		if !sc.Has(u.Path, activity.Writers...) {
			continue
		}
		o := unitOption{ID: u.ID, Name: u.Name}
		switch {
		case u.ClosedNow():
			o.Closed = "đã kết thúc " + viet.ShortDate(*u.ValidTo)
			closed = append(closed, o)
		case u.Kind == unit.School:
			schools = append(schools, o)
		default:
			others = append(others, o)
		}
	}
	return append(append(schools, others...), closed...)
}

const activityAccept = "image/jpeg,image/png,application/pdf,.pdf,.docx,.xlsx,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// activityFormPage fills the form's data; form holds the values shown (the
// dossiers ticked among them).
func (s *Server) activityFormPage(r *http.Request, a *activity.Activity, form url.Values) (string, activityFormData, error) {
	ctx, sc := r.Context(), scope(r)
	data := activityFormData{Activity: a, Forms: activity.Forms, Accept: activityAccept, MaxFiles: activity.MaxFiles}
	var err error
	if data.Movements, err = movement.Choices(ctx, s.db.R); err != nil {
		return "", data, err
	}
	title := "Ghi hoạt động tuyên truyền"
	if a == nil {
		data.Units = s.activityUnits(r)
		data.CanPublish = sc.HasAny(activity.Publishers...)
	} else {
		title = "Sửa hoạt động: " + a.Title
		data.CanPublish = activity.CanPublish(sc, *a)
		_, data.Hidden, err = s.activity.LinkedDossiers(ctx, sc, *a)
		if err != nil {
			return "", data, err
		}
	}
	// The ticked dossiers, then what a search found.
	seen := map[int64]bool{}
	for _, v := range form["dossiers"] {
		id, _ := strconv.ParseInt(v, 10, 64)
		if id <= 0 || seen[id] {
			continue
		}
		d, err := s.dossiers.Get(ctx, sc, id)
		if err != nil {
			continue
		}
		seen[id] = true
		data.Dossiers = append(data.Dossiers, dossierChoice{ID: d.ID, Title: dossierName(d), Subject: d.SubjectName(), Unit: d.UnitName, Checked: true})
	}
	// What a search found; before any, the latest dossiers the caller
	// may read, as suggestions.
	q := strings.TrimSpace(form.Get("dossier_q"))
	data.DossierQ, data.Searched = q, q != "" || form.Get("do") == "find"
	limit := 6
	if data.Searched {
		limit = 20
	}
	found, err := s.dossierOptions(r, q, limit)
	if err != nil {
		return "", data, err
	}
	for _, d := range found {
		if !seen[d.ID] {
			data.Dossiers = append(data.Dossiers, d)
		}
	}
	return title, data, nil
}

// dossierOptions finds the dossiers the caller may link: those they may
// read, matching q (folded), the latest changed first, at most limit.
func (s *Server) dossierOptions(r *http.Request, q string, limit int) ([]dossierChoice, error) {
	ds, _, err := s.dossiers.List(r.Context(), scope(r), exemplar.Filter{Query: q, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]dossierChoice, 0, len(ds))
	for _, d := range ds {
		out = append(out, dossierChoice{ID: d.ID, Title: dossierName(d), Subject: d.SubjectName(), Unit: d.UnitName})
	}
	return out, nil
}

// activityForm writes an activity as the form's values.
func activityForm(a activity.Activity) url.Values {
	v := url.Values{}
	v.Set("version", strconv.Itoa(a.Version))
	v.Set("unit_id", strconv.FormatInt(a.UnitID, 10))
	v.Set("date", a.Date.Format("2006-01-02"))
	v.Set("start_time", a.StartTime)
	if a.EndDate != nil {
		v.Set("end_date", a.EndDate.Format("2006-01-02"))
	}
	v.Set("end_time", a.EndTime)
	v.Set("title", a.Title)
	v.Set("form", string(a.Form))
	v.Set("form_other", a.FormOther)
	if a.Participants > 0 {
		v.Set("participants", strconv.Itoa(a.Participants))
	}
	if a.Reach > 0 {
		v.Set("reach", strconv.Itoa(a.Reach))
	}
	v.Set("partners", a.Partners)
	v.Set("description", a.Description)
	v.Set("links", strings.Join(a.Links, "\n"))
	if a.Public {
		v.Set("public", "1")
	}
	for _, id := range a.MovementIDs {
		v.Add("movements", strconv.FormatInt(id, 10))
	}
	for _, id := range a.CampaignIDs {
		v.Add("campaigns", strconv.FormatInt(id, 10))
	}
	for _, id := range a.DossierIDs {
		v.Add("dossiers", strconv.FormatInt(id, 10))
	}
	return v
}

// count reads a number field written the Vietnamese way ("1.200") or
// plainly; empty is 0.
func count(v, field string, f errs.Fields) int {
	v = strings.NewReplacer(".", "", " ", "", "\u00a0", "").Replace(strings.TrimSpace(v))
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		f.Add(field, "Nhập một số nguyên không âm, ví dụ 1.200.")
		return 0
	}
	return n
}

// activityInput reads the form onto in. publish says whether the caller
// may set the public flag (otherwise it is left as it is).
func activityInput(r *http.Request, in activity.Input, creating, publish bool) (activity.Input, errs.Fields) {
	f := errs.Fields{}
	v := r.PostFormValue
	if creating {
		in.UnitID = formInt(r, "unit_id")
		if in.UnitID == 0 {
			f.Add("unit_id", "Chọn đơn vị tổ chức hoạt động.")
		}
	}
	in.Date = time.Time{}
	if d := parseDate(v("date"), "date", f); d != nil {
		in.Date = *d
	}
	in.EndDate = parseDate(v("end_date"), "end_date", f)
	in.StartTime, in.EndTime = v("start_time"), v("end_time")
	in.Title, in.Form, in.FormOther = v("title"), activity.Form(v("form")), v("form_other")
	in.Participants = count(v("participants"), "participants", f)
	in.Reach = count(v("reach"), "reach", f)
	in.Partners, in.Description = v("partners"), v("description")
	in.Links = strings.Split(v("links"), "\n")
	in.MovementIDs, in.CampaignIDs, in.DossierIDs = formIDs(r.PostForm["movements"]), formIDs(r.PostForm["campaigns"]), formIDs(r.PostForm["dossiers"])
	in.Public = nil
	if publish {
		yes := v("public") == "1"
		in.Public = &yes
	}
	return in, f
}

// uploads are the files sent in the form's "files" field.
func uploads(r *http.Request) ([]activity.Upload, func(), error) {
	if r.MultipartForm == nil {
		return nil, func() {}, nil
	}
	var out []activity.Upload
	var closers []func() error
	done := func() {
		for _, c := range closers {
			c()
		}
	}
	for _, h := range r.MultipartForm.File["files"] {
		if h.Filename == "" && h.Size == 0 {
			continue // an empty file input
		}
		fh, err := h.Open()
		if err != nil {
			done()
			return nil, func() {}, errs.Wrap(err, "web: open upload")
		}
		closers = append(closers, fh.Close)
		out = append(out, activity.Upload{Name: h.Filename, R: fh})
	}
	return out, done, nil
}

// postedForm is what the browser sent, multipart or not, to show again.
func postedForm(r *http.Request) url.Values {
	if r.MultipartForm != nil {
		return url.Values(r.MultipartForm.Value)
	}
	return r.PostForm
}

func (s *Server) activityNew(w http.ResponseWriter, r *http.Request) {
	sc := scope(r)
	if !sc.HasAny(activity.Writers...) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	form := url.Values{"date": {s.activity.Today().Format("2006-01-02")}}
	if id := r.URL.Query().Get("unit"); id != "" {
		form.Set("unit_id", id)
	}
	title, data, err := s.activityFormPage(r, nil, form)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if form.Get("unit_id") == "" {
		for _, u := range data.Units {
			if u.ID == sc.UnitID {
				form.Set("unit_id", strconv.FormatInt(u.ID, 10))
			}
		}
		if form.Get("unit_id") == "" && len(data.Units) == 1 {
			form.Set("unit_id", strconv.FormatInt(data.Units[0].ID, 10))
		}
	}
	s.render(w, r, http.StatusOK, "activity_form", &page{Title: title, Section: "activities", Form: form, Data: data})
}

// activityFormFailed reports whether err is one the form shows at its
// fields (invalid input, a stale version, a refused file or public flag).
func activityFormFailed(err error) bool {
	switch errs.CodeOf(err) {
	case errs.Invalid, errs.Conflict, errs.TooLarge:
		return true
	case errs.Forbidden:
		return errs.FieldsOf(err) != nil
	}
	return false
}

func (s *Server) activityCreate(w http.ResponseWriter, r *http.Request) {
	sc := scope(r)
	if !sc.HasAny(activity.Writers...) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	posted := postedForm(r)
	rerender := func(st int, err error, note string) {
		title, data, ferr := s.activityFormPage(r, nil, posted)
		if ferr != nil {
			s.fail(w, r, ferr)
			return
		}
		p := &page{Title: title, Section: "activities", Form: posted, Data: data}
		if err != nil {
			p.Errors, p.Error = errs.FieldsOf(err), errs.MessageOf(err)
		}
		if note != "" {
			p.Error = note
		}
		s.render(w, r, st, "activity_form", p)
	}
	ups, done, err := uploads(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer done()
	if r.PostFormValue("do") == "find" {
		note := ""
		if len(ups) > 0 {
			note = "Trình duyệt không giữ lại tệp đã chọn khi tìm hồ sơ; vui lòng chọn lại tệp minh chứng trước khi lưu."
		}
		rerender(http.StatusOK, nil, note)
		return
	}
	u := formInt(r, "unit_id")
	publish := false
	for _, x := range s.activityUnits(r) {
		if x.ID == u {
			if uu, err := s.units.Get(r.Context(), sc, u); err == nil {
				publish = sc.Has(uu.Path, activity.Publishers...)
			}
		}
	}
	in, f := activityInput(r, activity.Input{}, true, publish)
	err = f.Err()
	var a activity.Activity
	if err == nil {
		a, err = s.activity.Create(r.Context(), sc, in, ups...)
	}
	if activityFormFailed(err) {
		note := ""
		if len(ups) > 0 {
			note = errs.MessageOf(err) + " Các tệp đã chọn chưa được lưu; vui lòng chọn lại."
		}
		rerender(status(errs.CodeOf(err)), err, note)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msg := "Đã ghi hoạt động “" + a.Title + "”."
	if n := len(a.Files); n > 0 {
		msg += " Đã đính kèm " + strconv.Itoa(n) + " tệp minh chứng."
	}
	s.redirect(w, r, "/activities/"+strconv.FormatInt(a.ID, 10), msg)
}

// editableActivity reads activity {id} for a change: NotFound outside the
// caller's reach, Forbidden without a writing role at its unit.
func (s *Server) editableActivity(r *http.Request) (activity.Activity, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return activity.Activity{}, err
	}
	a, err := s.activity.Get(r.Context(), scope(r), id)
	if err != nil {
		return a, err
	}
	if !activity.CanEdit(scope(r), a) {
		return a, errs.ErrForbidden
	}
	return a, nil
}

func (s *Server) activityEdit(w http.ResponseWriter, r *http.Request) {
	a, err := s.editableActivity(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	form := activityForm(a)
	title, data, err := s.activityFormPage(r, &a, form)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "activity_form", &page{Title: title, Section: "activities", Form: form, Data: data})
}

func (s *Server) activityUpdate(w http.ResponseWriter, r *http.Request) {
	a, err := s.editableActivity(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	posted := postedForm(r)
	rerender := func(st int, err error) {
		title, data, ferr := s.activityFormPage(r, &a, posted)
		if ferr != nil {
			s.fail(w, r, ferr)
			return
		}
		p := &page{Title: title, Section: "activities", Form: posted, Data: data}
		if err != nil {
			p.Errors, p.Error = errs.FieldsOf(err), errs.MessageOf(err)
		}
		s.render(w, r, st, "activity_form", p)
	}
	if r.PostFormValue("do") == "find" {
		rerender(http.StatusOK, nil)
		return
	}
	in, f := activityInput(r, a.Input(), false, activity.CanPublish(scope(r), a))
	if err = f.Err(); err == nil {
		_, err = s.activity.Update(r.Context(), scope(r), a.ID, int(formInt(r, "version")), in)
	}
	if activityFormFailed(err) {
		rerender(status(errs.CodeOf(err)), err)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/activities/"+strconv.FormatInt(a.ID, 10), "Đã lưu hoạt động.")
}

// activityDossierOptions answers the dossier picker's search (JSON, for
// the page's script): the dossiers the caller may link.
func (s *Server) activityDossierOptions(w http.ResponseWriter, r *http.Request) {
	found, err := s.dossierOptions(r, r.URL.Query().Get("q"), 20)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type option struct {
		ID      int64  `json:"id"`
		Title   string `json:"title"`
		Subject string `json:"subject"`
		Unit    string `json:"unit"`
	}
	out := make([]option, len(found))
	for i, d := range found {
		out[i] = option{d.ID, d.Title, d.Subject, d.Unit}
	}
	writeJSON(w, http.StatusOK, out)
}
