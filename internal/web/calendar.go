package web

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/calendar"
	"thidua/internal/errs"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// registerCalendar adds the calendar: the month and agenda views, the key
// dates, the secret ICS feeds and the public ICS, with their API.
func (s *Server) registerCalendar() {
	s.handle("GET /calendar", LoggedIn, "Lịch tháng của đơn vị", s.calendarMonth)
	s.handle("GET /calendar/agenda", LoggedIn, "Lịch sắp tới của đơn vị", s.calendarAgenda)
	s.handle("GET /calendar/key-dates", LoggedIn, "Ngày kỷ niệm, ngày truyền thống", s.keyDateList)
	s.handle("GET /calendar/key-dates/new", LoggedIn, "Biểu mẫu thêm ngày kỷ niệm", s.keyDateNew)
	s.handle("POST /calendar/key-dates", LoggedIn, "Thêm ngày kỷ niệm", s.keyDateCreate)
	s.handle("GET /calendar/key-dates/{id}/edit", LoggedIn, "Biểu mẫu sửa ngày kỷ niệm", s.keyDateEdit)
	s.handle("POST /calendar/key-dates/{id}/edit", LoggedIn, "Sửa ngày kỷ niệm", s.keyDateUpdate)
	s.handle("POST /calendar/key-dates/{id}/delete", LoggedIn, "Xóa ngày kỷ niệm", s.keyDateDelete)
	s.handle("GET /calendar/feeds", LoggedIn, "Đường dẫn lịch cho ứng dụng lịch", s.feedList)
	s.handle("POST /calendar/feeds", LoggedIn, "Tạo đường dẫn lịch", s.feedCreate)
	s.handle("POST /calendar/feeds/{id}/regenerate", LoggedIn, "Tạo lại đường dẫn lịch", s.feedRenew)
	s.handle("POST /calendar/feeds/{id}/delete", LoggedIn, "Thu hồi đường dẫn lịch", s.feedRevoke)
	s.handle("GET /ics/{feed}", Public, "Lịch ICS của đơn vị qua đường dẫn bí mật", s.feedICS)
	s.handle("GET /lich-cong-khai.ics", Public, "Lịch công khai (ICS)", s.publicICS)

	s.handle("GET /api/v1/calendar", LoggedIn, "Lịch của đơn vị", s.apiCalendar)
	s.handle("GET /api/v1/key-dates", LoggedIn, "Ngày kỷ niệm", s.apiKeyDateList)
	s.handle("POST /api/v1/key-dates", LoggedIn, "Thêm ngày kỷ niệm", s.apiKeyDateCreate)
	s.handle("GET /api/v1/key-dates/{id}", LoggedIn, "Xem ngày kỷ niệm", s.apiKeyDateGet)
	s.handle("PUT /api/v1/key-dates/{id}", LoggedIn, "Sửa ngày kỷ niệm", s.apiKeyDateUpdate)
	s.handle("DELETE /api/v1/key-dates/{id}", LoggedIn, "Xóa ngày kỷ niệm", s.apiKeyDateDelete)
	s.handle("GET /api/v1/calendar/feeds", LoggedIn, "Đường dẫn lịch của tôi", s.apiFeedList)
	s.handle("POST /api/v1/calendar/feeds", LoggedIn, "Tạo đường dẫn lịch", s.apiFeedCreate)
	s.handle("POST /api/v1/calendar/feeds/{id}/regenerate", LoggedIn, "Tạo lại đường dẫn lịch", s.apiFeedRenew)
	s.handle("DELETE /api/v1/calendar/feeds/{id}", LoggedIn, "Thu hồi đường dẫn lịch", s.apiFeedRevoke)
}

func init() {
	funcs["calKind"] = func(k calendar.Kind) string { return k.Label() }
	funcs["calKinds"] = func() []calendar.Kind { return calendar.Kinds }
	funcs["calTime"] = func(e calendar.DayEvent) string {
		if e.AllDay || e.Cont {
			return ""
		}
		return e.Start.In(viet.Zone).Format("15:04")
	}
	// calUntil follows the title of an event of several days: "(đến 27/12)".
	funcs["calUntil"] = func(e calendar.DayEvent) string {
		if e.Last.IsZero() {
			return ""
		}
		if e.Cont {
			return "(tiếp, đến " + e.Last.In(viet.Zone).Format("02/01") + ")"
		}
		return "(đến " + e.Last.In(viet.Zone).Format("02/01") + ")"
	}
	funcs["calDay"] = func(t time.Time) string { return t.In(viet.Zone).Format("02") }
	funcs["calMonthNo"] = func(t time.Time) string { return t.In(viet.Zone).Format("/01") }
	funcs["calWeekdays"] = func() [7]string { return calendar.WeekdaysShort }
	funcs["calSpan"] = calSpan
	funcs["calDayName"] = func(d calendar.ViewDay) string {
		return d.Weekday() + ", " + viet.ShortDate(d.Date)
	}
	funcs["calSeq"] = func(from, to int) []int {
		var out []int
		for i := from; i <= to; i++ {
			out = append(out, i)
		}
		return out
	}
}

// calSpan writes when an event happens: "cả ngày", "17:00", "08:00 – 11:30",
// "01/11 – 20/11".
func calSpan(e calendar.Event) string {
	first, last := e.Days()
	if !last.Equal(first) {
		if e.AllDay {
			return viet.ShortDate(first) + " – " + viet.ShortDate(last)
		}
		return viet.DateTime(e.Start) + " – " + viet.DateTime(e.End)
	}
	if e.AllDay {
		return "Cả ngày"
	}
	t := e.Start.In(viet.Zone).Format("15:04")
	if !e.End.IsZero() && e.End.After(e.Start) {
		t += " – " + e.End.In(viet.Zone).Format("15:04")
	}
	return t
}

// unitPicker is the calendar's unit picker.
type unitPicker []calUnitOption

// HasChildren reports whether the picker lists units below the current.
func (p unitPicker) HasChildren() bool {
	for _, o := range p {
		if o.Group == "children" {
			return true
		}
	}
	return false
}

// calUnitOption is a unit in the calendar's picker.
type calUnitOption struct {
	ID    int64
	Name  string
	Group string // "mine" or "children"
}

// calendarUnit is the unit whose calendar the request asks for: unit_id,
// else the caller's home unit when a role reaches it, else the unit of
// their first role. ok is false when the caller holds no role at all.
func (s *Server) calendarUnit(r *http.Request) (u unit.Unit, ok bool, err error) {
	sc := scope(r)
	if v := r.URL.Query().Get("unit_id"); v != "" {
		id, _ := strconv.ParseInt(v, 10, 64)
		if id <= 0 {
			return u, false, errs.ErrNotFound
		}
		u, err = s.units.Get(r.Context(), sc, id)
		if err == nil && !sc.CanRead(u.Path) {
			err = errs.ErrNotFound
		}
		return u, err == nil, err
	}
	candidates := []int64{sc.UnitID}
	for _, g := range sc.Grants {
		if g.UnitID != 0 {
			candidates = append(candidates, g.UnitID)
		}
	}
	for _, id := range candidates {
		if u, err := s.units.Get(r.Context(), sc, id); err == nil && sc.CanRead(u.Path) {
			return u, true, nil
		}
	}
	return unit.Unit{}, false, nil
}

// calendarPicker lists the units the caller may switch to: those they hold
// roles at, their home unit, the current one and its children.
func (s *Server) calendarPicker(r *http.Request, current unit.Unit) unitPicker {
	sc := scope(r)
	seen := map[int64]bool{}
	var out unitPicker
	add := func(u unit.Unit, group string) {
		if seen[u.ID] || !sc.CanRead(u.Path) {
			return
		}
		seen[u.ID] = true
		out = append(out, calUnitOption{ID: u.ID, Name: u.Name, Group: group})
	}
	ids := []int64{sc.UnitID}
	for _, g := range sc.Grants {
		ids = append(ids, g.UnitID)
	}
	for _, id := range ids {
		if id == 0 {
			continue
		}
		if u, err := s.units.Get(r.Context(), sc, id); err == nil {
			add(u, "mine")
		}
	}
	if current.ID != 0 {
		add(current, "mine")
		kids, err := s.units.Children(r.Context(), sc, current.ID)
		if err != nil {
			s.log.Warn("calendar: children", "err", err)
		}
		for _, k := range kids {
			if !k.ClosedNow() || current.ClosedNow() {
				add(k, "children")
			}
		}
	}
	return out
}

// calKindsOf reads the kind filter (kind=keydate&kind=deadline, or
// kind=keydate,deadline); unknown kinds are dropped.
func calKindsOf(r *http.Request) []calendar.Kind {
	var out []calendar.Kind
	for _, v := range r.URL.Query()["kind"] {
		for _, k := range strings.Split(v, ",") {
			if kk := calendar.Kind(strings.TrimSpace(k)); kk.Valid() && !slices.Contains(out, kk) {
				out = append(out, kk)
			}
		}
	}
	return out
}

// calFilter is the state of a calendar page, for its links and its form.
type calFilter struct {
	UnitID int64
	Kinds  []calendar.Kind
	Month  string // "2006-01"
	Weeks  int
}

// Has reports whether kind k is filtered on.
func (f calFilter) Has(k calendar.Kind) bool { return slices.Contains(f.Kinds, k) }

// link builds a calendar URL at path keeping the unit and kinds, with
// extra parameters.
func (f calFilter) link(path string, extra ...string) string {
	q := url.Values{}
	if f.UnitID != 0 {
		q.Set("unit_id", strconv.FormatInt(f.UnitID, 10))
	}
	for _, k := range f.Kinds {
		q.Add("kind", string(k))
	}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// Month, Agenda and KeyDates are the links between the views.
func (f calFilter) MonthURL() string  { return f.link("/calendar", "month", f.Month) }
func (f calFilter) AgendaURL() string { return f.link("/calendar/agenda") }
func (f calFilter) KeyDatesURL() string {
	return "/calendar/key-dates?unit_id=" + strconv.FormatInt(f.UnitID, 10)
}

// calPage is what the month and agenda templates receive.
type calPage struct {
	Unit    unit.Unit
	NoUnit  bool
	Picker  unitPicker
	Action  string // where the filter form goes
	Filter  calFilter
	Month   calendar.MonthView
	Days    []calendar.ViewDay // agenda
	Today   time.Time
	Failed  int
	PrevURL string
	NextURL string
	NowURL  string
	Weeks   []int // agenda choices
	Until   time.Time
}

func (s *Server) calendarMonth(w http.ResponseWriter, r *http.Request) {
	u, ok, err := s.calendarUnit(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	today := s.cal.Today()
	first := calendar.MonthStart(today)
	if v := r.URL.Query().Get("month"); v != "" {
		t, err := time.ParseInLocation("2006-01", v, viet.Zone)
		if err != nil || t.Year() < 1900 || t.Year() > 2200 {
			s.fail(w, r, errs.InvalidField("month", "Tháng không hợp lệ; dùng dạng 2026-06."))
			return
		}
		first = t
	}
	f := calFilter{UnitID: u.ID, Kinds: calKindsOf(r), Month: first.Format("2006-01")}
	data := calPage{Unit: u, NoUnit: !ok, Filter: f, Today: today, Action: "/calendar", NowURL: f.link("/calendar")}
	var events []calendar.Event
	if ok {
		from, to := calendar.GridSpan(first)
		res, err := s.cal.Events(r.Context(), scope(r), calendar.Query{UnitID: u.ID, From: from, To: to, Kinds: f.Kinds})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		events, data.Failed = res.Events, res.Failed
		data.Picker = s.calendarPicker(r, u)
	}
	data.Month = calendar.Month(first, events, today)
	data.PrevURL = f.link("/calendar", "month", data.Month.Prev().Format("2006-01"))
	data.NextURL = f.link("/calendar", "month", data.Month.Next().Format("2006-01"))
	s.render(w, r, http.StatusOK, "calendar", &page{Title: "Lịch tháng " + strconv.Itoa(int(first.Month())) + " năm " + strconv.Itoa(first.Year()),
		Section: "calendar", Data: data})
}

// agendaWeeks are the lengths the agenda offers.
var agendaWeeks = []int{1, 2, 4, 8, 13, 26}

func (s *Server) calendarAgenda(w http.ResponseWriter, r *http.Request) {
	u, ok, err := s.calendarUnit(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	weeks := queryInt(r, "weeks", 4)
	if weeks < 1 || weeks > 26 {
		weeks = 4
	}
	today := s.cal.Today()
	f := calFilter{UnitID: u.ID, Kinds: calKindsOf(r), Weeks: weeks, Month: today.Format("2006-01")}
	data := calPage{Unit: u, NoUnit: !ok, Filter: f, Today: today, Action: "/calendar/agenda", Weeks: agendaWeeks, Until: today.AddDate(0, 0, 7*weeks-1)}
	if ok {
		to := today.AddDate(0, 0, 7*weeks)
		res, err := s.cal.Events(r.Context(), scope(r), calendar.Query{UnitID: u.ID, From: today, To: to, Kinds: f.Kinds})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		data.Days, data.Failed = calendar.Agenda(res.Events, today, to, today), res.Failed
		data.Picker = s.calendarPicker(r, u)
	}
	s.render(w, r, http.StatusOK, "calendar_agenda", &page{Title: "Lịch sắp tới", Section: "calendar", Data: data})
}

// --- key dates

// keyDatesPage is what the key date list receives.
type keyDatesPage struct {
	Unit         unit.Unit
	NoUnit       bool
	Picker       unitPicker
	National     []calendar.Observance
	Local        []calendar.Observance
	CanNational  bool // the caller may add national dates
	CanLocal     bool // … and dates of Unit
	CanEditLocal map[int64]bool
}

func (s *Server) keyDateList(w http.ResponseWriter, r *http.Request) {
	u, ok, err := s.calendarUnit(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sc := scope(r)
	var unitID int64
	if ok {
		unitID = u.ID
	}
	all, err := s.keyDates.For(r.Context(), sc, unitID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := keyDatesPage{Unit: u, NoUnit: !ok, CanNational: sc.IsSystemAdmin(), CanLocal: ok && calendar.CanEdit(sc, u.Path), CanEditLocal: map[int64]bool{}}
	for _, k := range all {
		if k.National() {
			data.National = append(data.National, k)
			continue
		}
		data.Local = append(data.Local, k)
		data.CanEditLocal[k.ID] = calendar.CanEdit(sc, k.UnitPath)
	}
	if ok {
		data.Picker = s.calendarPicker(r, u)
	}
	s.render(w, r, http.StatusOK, "keydates", &page{Title: "Ngày kỷ niệm, ngày truyền thống", Section: "calendar", Data: data})
}

// keyDateForm is what the key date form receives.
type keyDateForm struct {
	KeyDate  *calendar.Observance // nil: a new one
	UnitID   int64
	UnitName string // "" for national
}

// Back is the list the form returns to.
func (f keyDateForm) Back() string {
	if f.UnitID == 0 {
		return "/calendar/key-dates"
	}
	return "/calendar/key-dates?unit_id=" + strconv.FormatInt(f.UnitID, 10)
}

func keyDateValues(k calendar.Observance) url.Values {
	v := url.Values{"month": {strconv.Itoa(k.Month)}, "day": {strconv.Itoa(k.Day)}, "name": {k.Name}, "note": {k.Note},
		"version": {strconv.Itoa(k.Version)}}
	if k.SinceYear != 0 {
		v.Set("since_year", strconv.Itoa(k.SinceYear))
	}
	if k.Public {
		v.Set("public", "1")
	}
	return v
}

// keyDateInput reads the form; f collects what is not even a number.
func keyDateInput(r *http.Request) (calendar.ObservanceInput, errs.Fields) {
	f := errs.Fields{}
	num := func(name, msg string) int {
		v := strings.TrimSpace(r.PostFormValue(name))
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			f.Add(name, msg)
		}
		return n
	}
	in := calendar.ObservanceInput{UnitID: formInt(r, "unit_id"), Month: num("month", "Chọn tháng."), Day: num("day", "Chọn ngày."),
		SinceYear: num("since_year", "Năm phải là một số, ví dụ 1948."), Name: r.PostFormValue("name"), Note: r.PostFormValue("note"),
		Public: r.PostFormValue("public") == "1"}
	return in, f
}

func (s *Server) renderKeyDateForm(w http.ResponseWriter, r *http.Request, st int, p *page, data keyDateForm) {
	p.Section = "calendar"
	if data.KeyDate != nil {
		p.Title = "Sửa ngày kỷ niệm"
	} else if data.UnitID == 0 {
		p.Title = "Thêm ngày kỷ niệm toàn quốc"
	} else {
		p.Title = "Thêm ngày kỷ niệm của " + data.UnitName
	}
	p.Data = data
	s.render(w, r, st, "keydate_form", p)
}

// keyDateUnit resolves the unit a new key date is for (unit_id 0:
// national) and checks that the caller may add one there.
func (s *Server) keyDateUnit(r *http.Request, id int64) (keyDateForm, error) {
	sc := scope(r)
	if id == 0 {
		if !sc.IsSystemAdmin() {
			return keyDateForm{}, errs.ErrForbidden
		}
		return keyDateForm{}, nil
	}
	u, err := s.units.Get(r.Context(), sc, id)
	if err != nil {
		return keyDateForm{}, err
	}
	if !calendar.CanEdit(sc, u.Path) {
		return keyDateForm{}, errs.ErrForbidden
	}
	return keyDateForm{UnitID: u.ID, UnitName: u.Name}, nil
}

func (s *Server) keyDateNew(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.URL.Query().Get("unit_id"), 10, 64)
	data, err := s.keyDateUnit(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderKeyDateForm(w, r, http.StatusOK, &page{Form: url.Values{"public": {"1"}}}, data)
}

func (s *Server) keyDateCreate(w http.ResponseWriter, r *http.Request) {
	in, f := keyDateInput(r)
	data, err := s.keyDateUnit(r, in.UnitID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := f.Err(); err != nil {
		s.renderKeyDateForm(w, r, http.StatusUnprocessableEntity, &page{Form: r.PostForm, Errors: f, Error: errs.MessageOf(err)}, data)
		return
	}
	k, err := s.keyDates.Create(r.Context(), scope(r), in)
	if fields := errs.FieldsOf(err); fields != nil {
		s.renderKeyDateForm(w, r, status(errs.CodeOf(err)), &page{Form: r.PostForm, Errors: fields, Error: errs.MessageOf(err)}, data)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, keyDateBack(k), "Đã thêm ngày kỷ niệm "+k.DayMonth()+": "+k.Name+".")
}

// keyDateBack is the list page a key date is shown on.
func keyDateBack(k calendar.Observance) string { return keyDateForm{UnitID: k.UnitID}.Back() }

// editableKeyDate reads key date {id} for a caller who may edit it.
func (s *Server) editableKeyDate(r *http.Request) (calendar.Observance, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return calendar.Observance{}, err
	}
	k, err := s.keyDates.Get(r.Context(), scope(r), id)
	if err != nil {
		return k, err
	}
	if !calendar.CanEdit(scope(r), k.UnitPath) {
		return k, errs.ErrForbidden
	}
	return k, nil
}

func (s *Server) keyDateEdit(w http.ResponseWriter, r *http.Request) {
	k, err := s.editableKeyDate(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderKeyDateForm(w, r, http.StatusOK, &page{Form: keyDateValues(k)}, keyDateForm{KeyDate: &k, UnitID: k.UnitID, UnitName: k.UnitName})
}

func (s *Server) keyDateUpdate(w http.ResponseWriter, r *http.Request) {
	k, err := s.editableKeyDate(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := keyDateForm{KeyDate: &k, UnitID: k.UnitID, UnitName: k.UnitName}
	in, f := keyDateInput(r)
	if err := f.Err(); err != nil {
		s.renderKeyDateForm(w, r, http.StatusUnprocessableEntity, &page{Form: r.PostForm, Errors: f, Error: errs.MessageOf(err)}, data)
		return
	}
	k2, err := s.keyDates.Update(r.Context(), scope(r), k.ID, int(formInt(r, "version")), in)
	if fields := errs.FieldsOf(err); fields != nil || errs.Is(err, errs.Conflict) {
		s.renderKeyDateForm(w, r, status(errs.CodeOf(err)), &page{Form: r.PostForm, Errors: fields, Error: errs.MessageOf(err)}, data)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, keyDateBack(k2), "Đã lưu ngày kỷ niệm "+k2.DayMonth()+": "+k2.Name+".")
}

func (s *Server) keyDateDelete(w http.ResponseWriter, r *http.Request) {
	k, err := s.editableKeyDate(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.keyDates.Delete(r.Context(), scope(r), k.ID, int(formInt(r, "version"))); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, keyDateBack(k), "Đã xóa ngày kỷ niệm "+k.DayMonth()+": "+k.Name+".")
}

// --- feeds

// feedsPage is what the feed page receives.
type feedsPage struct {
	Feeds     []feedRow
	Choices   []calUnitOption // units the caller may make a feed of, without one yet
	New       string          // the link just made (shown once)
	NewWebcal string
	NewUnit   string
	PublicURL string
}

type feedRow struct {
	calendar.Feed
	Live bool
}

// absURL makes a path absolute with the configured public address, or the
// address the request came to.
func (s *Server) absURL(r *http.Request, path string) string {
	base := strings.TrimRight(s.opt.BaseURL, "/")
	if base == "" {
		scheme := "http"
		if r.TLS != nil || s.opt.SecureCookies {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	return base + path
}

// webcal turns an http(s) URL into the webcal: form calendar apps open.
func webcal(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		return "webcal" + u[i:]
	}
	return u
}

func (s *Server) renderFeeds(w http.ResponseWriter, r *http.Request, st int, p *page, newURL, newUnit string) {
	sc := scope(r)
	feeds, err := s.feeds.Mine(r.Context(), sc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := feedsPage{New: newURL, NewWebcal: webcal(newURL), NewUnit: newUnit, PublicURL: s.absURL(r, "/lich-cong-khai.ics")}
	have := map[int64]bool{}
	for _, f := range feeds {
		data.Feeds = append(data.Feeds, feedRow{Feed: f, Live: calendar.Live(sc, f)})
		have[f.UnitID] = true
	}
	for _, o := range s.calendarPicker(r, unit.Unit{}) {
		if !have[o.ID] {
			data.Choices = append(data.Choices, o)
		}
	}
	p.Title, p.Section, p.Data = "Đường dẫn lịch cho ứng dụng lịch", "calendar", data
	s.render(w, r, st, "calendar_feeds", p)
}

func (s *Server) feedList(w http.ResponseWriter, r *http.Request) {
	s.renderFeeds(w, r, http.StatusOK, &page{}, "", "")
}

func (s *Server) feedCreate(w http.ResponseWriter, r *http.Request) {
	f, token, err := s.feeds.Create(r.Context(), scope(r), formInt(r, "unit_id"))
	if fields := errs.FieldsOf(err); fields != nil {
		s.renderFeeds(w, r, status(errs.CodeOf(err)), &page{Errors: fields, Error: errs.MessageOf(err)}, "", "")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The link is shown on this answer only: a redirect would have to carry
	// the secret in a cookie or a URL.
	s.renderFeeds(w, r, http.StatusOK, &page{Flash: "Đã tạo đường dẫn lịch của " + f.UnitName + "."}, s.absURL(r, calendar.FeedPath(token)), f.UnitName)
}

func (s *Server) feedRenew(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, token, err := s.feeds.Renew(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderFeeds(w, r, http.StatusOK, &page{Flash: "Đã tạo lại đường dẫn lịch của " + f.UnitName + "; đường dẫn cũ không còn dùng được."},
		s.absURL(r, calendar.FeedPath(token)), f.UnitName)
}

func (s *Server) feedRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.feeds.Revoke(r.Context(), scope(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/calendar/feeds", "Đã thu hồi đường dẫn lịch; ứng dụng lịch đang dùng nó sẽ không nhận được gì nữa.")
}

// Feed windows: what a calendar app receives.
const (
	feedBack  = 90  // days of the past
	feedAhead = 400 // days ahead
)

// errFeedPartial answers a feed that a failing source would leave short:
// calendar apps keep their last copy on an error, not on a shorter feed.
var errFeedPartial = errs.E(errs.Internal, "Lịch tạm thời chưa tải được đầy đủ, vui lòng thử lại sau.")

func (s *Server) feedICS(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutSuffix(r.PathValue("feed"), ".ics")
	if !ok {
		s.icsFail(w, r, errs.ErrNotFound)
		return
	}
	f, sc, err := s.feeds.Open(r.Context(), token)
	if err != nil {
		s.icsFail(w, r, err)
		return
	}
	today := s.cal.Today()
	res, err := s.cal.Events(r.Context(), sc, calendar.Query{UnitID: f.UnitID, From: today.AddDate(0, 0, -feedBack), To: today.AddDate(0, 0, feedAhead)})
	if err == nil && res.Failed > 0 {
		err = errFeedPartial
	}
	if err != nil {
		s.icsFail(w, r, err)
		return
	}
	c := calendar.ICS{Name: "Lịch thi đua - " + res.Unit.Name, BaseURL: s.absURL(r, ""),
		Desc:   "Ngày kỷ niệm, thời hạn, đợt xét chọn, đợt thi đua và hoạt động tuyên truyền của " + res.Unit.Name + " (thidua).",
		Events: res.Events}
	s.serveICS(w, r, "feed-"+strconv.FormatInt(f.ID, 10), c, "private, max-age=900", "lich-thi-dua.ics")
}

func (s *Server) publicICS(w http.ResponseWriter, r *http.Request) {
	var unitID int64
	name := "Lịch công khai - thi đua, khen thưởng ngành Giáo dục"
	if v := r.URL.Query().Get("unit_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			s.icsFail(w, r, errs.ErrNotFound)
			return
		}
		u, err := s.units.Get(r.Context(), access.System(), id)
		if err != nil {
			s.icsFail(w, r, err)
			return
		}
		unitID, name = id, "Lịch công khai - "+u.Name
	}
	today := s.cal.Today()
	events, failed, err := s.cal.PublicEvents(r.Context(), unitID, today.AddDate(0, 0, -feedBack), today.AddDate(0, 0, feedAhead))
	if err == nil && failed > 0 {
		err = errFeedPartial
	}
	if err != nil {
		s.icsFail(w, r, err)
		return
	}
	c := calendar.ICS{Name: name, BaseURL: s.absURL(r, ""), Events: events,
		Desc: "Các ngày kỷ niệm, ngày truyền thống và sự kiện công khai về phong trào thi đua yêu nước, nhân rộng điển hình tiên tiến."}
	s.serveICS(w, r, "public-"+strconv.FormatInt(unitID, 10), c, "public, max-age=3600", "lich-cong-khai.ics")
}

// serveICS writes an ICS document with its ETag and Last-Modified, answering
// 304 to a client that has it already.
func (s *Server) serveICS(w http.ResponseWriter, r *http.Request, key string, c calendar.ICS, cache, filename string) {
	body, etag, modified := s.stamps.Render(key, c, time.Now())
	h := w.Header()
	h.Set("Content-Type", calendar.ContentType)
	h.Set("Cache-Control", cache)
	h.Set("ETag", etag)
	h.Set("Content-Disposition", `inline; filename="`+filename+`"`)
	http.ServeContent(w, r, filename, modified, bytes.NewReader(body))
}

// icsFail answers a calendar app in plain text: 404 for a link that
// shows nothing (unknown, revoked, or its owner's role gone), 503 with
// Retry-After when the calendar is incomplete or the server failed, so the
// app keeps its last copy. The path is never logged: it holds the secret.
func (s *Server) icsFail(w http.ResponseWriter, r *http.Request, err error) {
	st := status(errs.CodeOf(err))
	if st >= 500 {
		st = http.StatusServiceUnavailable
		w.Header().Set("Retry-After", "600")
		s.log.Error("calendar: ICS not served", "route", r.Pattern, "err", err)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(st)
	w.Write([]byte(errs.MessageOf(err) + "\n"))
}
