package web

import (
	"fmt"
	"html/template"
	"math"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/errs"
	"thidua/internal/files"
	"thidua/internal/portal"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// registerAdoptions adds the pages of replication (nhân rộng): units
// recording that they apply a published model or practice, their
// check-ins and outcomes, and the officers' spread view.
func (s *Server) registerAdoptions() {
	s.handle("GET /adoptions", LoggedIn, "Nhân rộng: các đơn vị áp dụng mô hình, cách làm hay", s.adoptionList)
	s.handle("GET /adoptions/new", LoggedIn, "Biểu mẫu đăng ký áp dụng một mô hình, cách làm hay", s.adoptionNew)
	s.handle("POST /adoptions", LoggedIn, "Đăng ký áp dụng một mô hình, cách làm hay", s.adoptionCreate)
	s.handle("GET /adoptions/spread", LoggedIn, "Tình hình nhân rộng theo thời gian, đơn vị, cấp học", s.adoptionSpread)
	s.handle("GET /adoptions/{id}", LoggedIn, "Xem việc áp dụng tại một đơn vị", s.adoptionView)
	s.handle("POST /adoptions/{id}/edit", LoggedIn, "Sửa kế hoạch áp dụng", s.adoptionUpdate)
	s.handle("POST /adoptions/{id}/checkins", LoggedIn, "Cập nhật tiến độ áp dụng", s.adoptionCheckin)
	s.handle("POST /adoptions/{id}/outcome", LoggedIn, "Ghi nhận kết quả, kết thúc áp dụng", s.adoptionOutcome)
	s.handle("GET /adoptions/{id}/files/{sha}", LoggedIn, "Tải tệp kế hoạch, minh chứng áp dụng", s.adoptionFile)
}

var adoptionStatuses = []portal.AdoptionStatus{portal.Applying, portal.Completed, portal.Stopped}

type adoptionsData struct {
	Rows     []portal.Adoption
	Status   string
	Statuses []portal.AdoptionStatus
	Page     pager
	CanAdopt bool
}

func (s *Server) adoptionList(w http.ResponseWriter, r *http.Request) {
	sc := scope(r)
	d := adoptionsData{Status: r.URL.Query().Get("status"), Statuses: adoptionStatuses, CanAdopt: sc.HasAny(access.Officer, access.Leader)}
	f := portal.AdoptionFilter{PublicationID: int64(queryInt(r, "publication", 0))}
	for _, st := range adoptionStatuses {
		if string(st) == d.Status {
			f.Status = st
		}
	}
	d.Page = newPager(r, 30)
	f.Limit, f.Offset = d.Page.Size, d.Page.Offset()
	rows, total, err := s.pw.store.Adoptions(r.Context(), sc, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Rows, d.Page = rows, d.Page.With(total, r)
	s.render(w, r, http.StatusOK, "adoptions", &page{Title: "Nhân rộng mô hình, cách làm hay", Section: "adoptions", Data: d})
}

// --- registering an adoption

type adoptionFormData struct {
	Fixed     *portal.Card  // the exemplar, when the form came from its page
	Choices   []portal.Card // otherwise, the live models and practices
	Units     []unit.Unit   // where the caller may record an adoption
	Today     string
	NoRole    bool
	Adoption  *portal.Adoption // editing
	Publicity string
}

// adoptingUnits are the open units where the caller may record adoptions.
func (s *Server) adoptingUnits(r *http.Request) ([]unit.Unit, error) {
	sc := scope(r)
	all, _, err := s.units.List(r.Context(), sc, unit.Filter{})
	if err != nil {
		return nil, err
	}
	var out []unit.Unit
	for _, u := range all {
		if sc.Has(u.Path, access.Officer, access.Leader) {
			out = append(out, u)
		}
		if len(out) == 500 {
			break
		}
	}
	return out, nil
}

func (s *Server) adoptionForm(w http.ResponseWriter, r *http.Request, st int, p *page) {
	d := adoptionFormData{Today: time.Now().In(viet.Zone).Format("2006-01-02")}
	var err error
	if d.Units, err = s.adoptingUnits(r); err != nil {
		s.fail(w, r, err)
		return
	}
	d.NoRole = len(d.Units) == 0
	pubID := int64(queryInt(r, "publication", 0))
	if v := p.Value("publication_id"); v != "" {
		pubID, _ = strconv.ParseInt(v, 10, 64)
	}
	if pubID != 0 {
		if c, err := s.pw.store.Card(r.Context(), pubID); err == nil && c.Category.NeedsGuide() {
			d.Fixed = &c
		}
	}
	if d.Fixed == nil {
		if d.Choices, err = s.pw.store.Adoptable(r.Context(), 300); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	p.Title, p.Section, p.Data = "Đăng ký áp dụng mô hình, cách làm hay", "adoptions", d
	s.render(w, r, st, "adoption_form", p)
}

func (s *Server) adoptionNew(w http.ResponseWriter, r *http.Request) {
	s.adoptionForm(w, r, http.StatusOK, &page{})
}

// uploadsOf collects the files of a multipart field; the caller closes
// them through the returned function.
func uploadsOf(r *http.Request, field string) ([]portal.Upload, func()) {
	var ups []portal.Upload
	var opened []multipart.File
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File[field] {
			if fh.Size == 0 && fh.Filename == "" {
				continue
			}
			f, err := fh.Open()
			if err != nil {
				continue
			}
			opened = append(opened, f)
			ups = append(ups, portal.Upload{Name: fh.Filename, R: f})
		}
	}
	return ups, func() {
		for _, f := range opened {
			f.Close()
		}
	}
}

func formDate(r *http.Request, name string) (time.Time, error) {
	v := strings.TrimSpace(r.FormValue(name))
	if v == "" {
		return time.Time{}, nil
	}
	d, ok := viet.ParseDate(v)
	if !ok {
		return time.Time{}, errs.InvalidField(name, "Ngày không hợp lệ (dd/mm/yyyy).")
	}
	return d, nil
}

// formValues are the submitted values of a form, multipart or not.
func formValues(r *http.Request) map[string][]string {
	if r.MultipartForm != nil {
		return r.MultipartForm.Value
	}
	return r.PostForm
}

func (s *Server) adoptionCreate(w http.ResponseWriter, r *http.Request) {
	started, err := formDate(r, "started_on")
	in := portal.AdoptionInput{PublicationID: formInt(r, "publication_id"), UnitID: formInt(r, "unit_id"), StartedOn: started, Plan: r.FormValue("plan")}
	var a portal.Adoption
	if err == nil {
		ups, done := uploadsOf(r, "plan_file")
		a, err = s.pw.store.Adopt(r.Context(), scope(r), in, ups)
		done()
	}
	if dossierFormFailed(err) {
		s.adoptionForm(w, r, status(errs.CodeOf(err)), &page{Error: errs.MessageOf(err), Errors: errs.FieldsOf(err), Form: formValues(r)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/adoptions/"+rid(a.ID), "Đã đăng ký áp dụng “"+a.Title+"” tại "+a.UnitName+". Đơn vị xây dựng mô hình đã được thông báo.")
}

// --- one adoption

type adoptionData struct {
	A         portal.Adoption
	CanWrite  bool
	Today     string
	Statuses  []portal.AdoptionStatus
	LastCheck *portal.Checkin
}

func (s *Server) adoptionPage(w http.ResponseWriter, r *http.Request, id int64, st int, p *page) {
	sc := scope(r)
	a, err := s.pw.store.Adoption(r.Context(), sc, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := adoptionData{A: a, CanWrite: sc.Has(a.UnitPath, access.Officer, access.Leader), Today: time.Now().In(viet.Zone).Format("2006-01-02"),
		Statuses: []portal.AdoptionStatus{portal.Completed, portal.Stopped}}
	if n := len(a.Checkins); n > 0 {
		d.LastCheck = &a.Checkins[n-1]
	}
	p.Title, p.Section, p.Data = a.Title+" — "+a.UnitName, "adoptions", d
	s.render(w, r, st, "adoption", p)
}

func (s *Server) adoptionView(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.adoptionPage(w, r, id, http.StatusOK, &page{})
}

func (s *Server) adoptionResult(w http.ResponseWriter, r *http.Request, id int64, err error, anchor, done string) {
	if dossierFormFailed(err) {
		s.adoptionPage(w, r, id, status(errs.CodeOf(err)), &page{Error: errs.MessageOf(err), Errors: errs.FieldsOf(err), Form: formValues(r)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/adoptions/"+rid(id)+anchor, done)
}

func (s *Server) adoptionUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	started, err := formDate(r, "started_on")
	if err == nil {
		ups, done := uploadsOf(r, "plan_file")
		_, err = s.pw.store.UpdatePlan(r.Context(), scope(r), id, int(formInt(r, "version")), portal.AdoptionInput{StartedOn: started, Plan: r.FormValue("plan")}, ups)
		done()
	}
	s.adoptionResult(w, r, id, err, "#plan", "Đã lưu kế hoạch áp dụng.")
}

func (s *Server) adoptionCheckin(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	on, err := formDate(r, "on")
	if err == nil {
		progress, perr := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(r.FormValue("progress"), "%")))
		if perr != nil {
			progress = -1
		}
		ups, done := uploadsOf(r, "files")
		_, err = s.pw.store.CheckIn(r.Context(), scope(r), id, int(formInt(r, "version")), portal.CheckinInput{On: on, Progress: progress, Note: r.FormValue("note")}, ups)
		done()
	}
	s.adoptionResult(w, r, id, err, "#checkins", "Đã cập nhật tiến độ.")
}

func (s *Server) adoptionOutcome(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ended, err := formDate(r, "ended_on")
	if err == nil {
		_, err = s.pw.store.Conclude(r.Context(), scope(r), id, int(formInt(r, "version")),
			portal.OutcomeInput{Status: portal.AdoptionStatus(r.FormValue("status")), EndedOn: ended, Outcome: r.FormValue("outcome")})
	}
	s.adoptionResult(w, r, id, err, "#outcome", "Đã ghi nhận kết quả áp dụng.")
}

func (s *Server) adoptionFile(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.pw.store.AdoptionFileOf(r.Context(), scope(r), id, r.PathValue("sha"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sendFile(w, r, f.SHA256, f.Name)
}

// --- the spread view

type spreadData struct {
	S          portal.Spread
	Exemplar   int64
	Timeline   template.HTML
	Levels     template.HTML
	Parents    template.HTML
	TopUnits   []portal.Count
	MoreUnits  int
	ExemplarOf string
}

func (s *Server) adoptionSpread(w http.ResponseWriter, r *http.Request) {
	f := portal.SpreadFilter{PublicationID: int64(queryInt(r, "publication", 0))}
	sp, err := s.pw.store.SpreadView(r.Context(), scope(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := spreadData{S: sp, Exemplar: f.PublicationID, Timeline: timelineSVG(sp.Months), Levels: barsSVG("bars-levels", "Theo cấp học của đơn vị áp dụng", sp.ByLevel, 8),
		Parents: barsSVG("bars-parents", "Theo đơn vị quản lý (cấp trên trực tiếp của đơn vị áp dụng)", sp.ByParent, 10), TopUnits: sp.ByUnit}
	if len(d.TopUnits) > 30 {
		d.MoreUnits, d.TopUnits = len(d.TopUnits)-30, d.TopUnits[:30]
	}
	for _, e := range sp.Exemplars {
		if e.ID == f.PublicationID {
			d.ExemplarOf = e.Name
		}
	}
	s.render(w, r, http.StatusOK, "adoption_spread", &page{Title: "Tình hình nhân rộng", Section: "adoptions", Data: d})
}

// timelineSVG draws adoptions over time: bars of adoptions started each
// month and the line of the running total, value axes from 0.
func timelineSVG(months []portal.MonthCount) template.HTML {
	if len(months) == 0 {
		return ""
	}
	const w, h, left, right, top, bottom = 720.0, 230.0, 40.0, 40.0, 14.0, 44.0
	maxStarted, maxTotal := 1, 1
	for _, m := range months {
		maxStarted, maxTotal = max(maxStarted, m.Started), max(maxTotal, m.Total)
	}
	sTop, tTop := evenCeil(maxStarted), evenCeil(maxTotal)
	plotW, plotH := w-left-right, h-top-bottom
	step := plotW / float64(len(months))
	x := func(i int) float64 { return left + step*float64(i) + step/2 }
	ys := func(v int) float64 { return top + plotH - plotH*float64(v)/float64(sTop) }
	yt := func(v int) float64 { return top + plotH - plotH*float64(v)/float64(tTop) }
	var b strings.Builder
	last := months[len(months)-1]
	fmt.Fprintf(&b, `<svg class="chart timeline" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="tl-title tl-desc" xmlns="http://www.w3.org/2000/svg">`, w, h)
	fmt.Fprintf(&b, `<title id="tl-title">Số đơn vị bắt đầu áp dụng theo tháng và lũy kế</title><desc id="tl-desc">Từ %s đến %s: lũy kế %s lượt áp dụng.</desc>`,
		monthLabel(months[0].Month), monthLabel(last.Month), viet.Int(int64(last.Total)))
	for _, f := range []float64{0, 0.5, 1} {
		y := top + plotH - plotH*f
		fmt.Fprintf(&b, `<line class="grid" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/>`, left, w-right, y, y)
		fmt.Fprintf(&b, `<text class="axis" x="%.1f" y="%.1f" text-anchor="end">%d</text>`, left-6, y+4, int(math.Round(float64(sTop)*f)))
		fmt.Fprintf(&b, `<text class="axis total" x="%.1f" y="%.1f">%d</text>`, w-right+6, y+4, int(math.Round(float64(tTop)*f)))
	}
	bw := math.Max(step*0.6, 2)
	for i, m := range months {
		if m.Started > 0 {
			y := ys(m.Started)
			fmt.Fprintf(&b, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %d đơn vị bắt đầu</title></rect>`,
				x(i)-bw/2, y, bw, top+plotH-y, monthLabel(m.Month), m.Started)
		}
		if i%3 == 0 || i == len(months)-1 {
			fmt.Fprintf(&b, `<text class="axis" x="%.1f" y="%.1f" text-anchor="middle">%02d/%d</text>`, x(i), h-bottom+18, int(m.Month.Month()), m.Month.Year()%100)
		}
	}
	var pts []string
	for i, m := range months {
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), yt(m.Total)))
	}
	fmt.Fprintf(&b, `<polyline class="line" points="%s"/>`, strings.Join(pts, " "))
	fmt.Fprintf(&b, `<text class="legend" x="%.1f" y="%.1f">▮ bắt đầu trong tháng (trục trái)</text><text class="legend total" x="%.1f" y="%.1f">— lũy kế (trục phải)</text>`,
		left, h-6, left+250, h-6)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// barsSVG draws counts as horizontal bars (active, completed, the rest),
// the largest first, at most n bars.
func barsSVG(id, title string, counts []portal.Count, n int) template.HTML {
	if len(counts) == 0 {
		return ""
	}
	if len(counts) > n {
		counts = counts[:n]
	}
	const w, label, row = 520.0, 230.0, 28.0
	h := row*float64(len(counts)) + 30
	top := 1
	for _, c := range counts {
		top = max(top, c.Count)
	}
	scale := (w - label - 60) / float64(niceCeil(top))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart bars" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="%s" xmlns="http://www.w3.org/2000/svg"><title id="%s">%s</title>`,
		w, h, id, id, template.HTMLEscapeString(title))
	for i, c := range counts {
		y := float64(i) * row
		name := []rune(c.Label)
		if len(name) > 32 {
			name = append(name[:31], '…')
		}
		fmt.Fprintf(&b, `<text class="label" x="%.1f" y="%.1f" text-anchor="end">%s</text>`, label-8, y+19, template.HTMLEscapeString(string(name)))
		xx := label
		for _, part := range []struct {
			class string
			v     int
		}{{"bar active", c.Active}, {"bar done", c.Completed}, {"bar stopped", c.Count - c.Active - c.Completed}} {
			if part.v > 0 {
				fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="18"/>`, part.class, xx, y+5, scale*float64(part.v))
				xx += scale * float64(part.v)
			}
		}
		fmt.Fprintf(&b, `<text class="value" x="%.1f" y="%.1f">%d</text>`, xx+6, y+19, c.Count)
	}
	fmt.Fprintf(&b, `<text class="legend active" x="%.1f" y="%.1f">▮ đang áp dụng</text><text class="legend done" x="%.1f" y="%.1f">▮ đã hoàn thành</text><text class="legend stopped" x="%.1f" y="%.1f">▮ đã dừng</text>`,
		10.0, h-6, 130.0, h-6, 260.0, h-6)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// niceCeil rounds n up to 1, 2 or 5 times a power of ten.
func niceCeil(n int) int {
	if n <= 1 {
		return 1
	}
	p := 1
	for p*10 < n {
		p *= 10
	}
	for _, m := range []int{1, 2, 5, 10} {
		if m*p >= n {
			return m * p
		}
	}
	return 10 * p
}

// evenCeil is niceCeil with a whole half: 2, 6 (for 5), 10, 20, 60, 100…,
// so that the middle grid line of a chart has a whole number.
func evenCeil(n int) int {
	c := niceCeil(n)
	switch {
	case c == 1:
		return 2
	case c%10 == 5 || c == 5:
		return c / 5 * 6
	}
	return c
}

func monthLabel(t time.Time) string { return fmt.Sprintf("tháng %d/%d", int(t.Month()), t.Year()) }

func init() {
	funcs["humanSize"] = files.HumanSize
}
