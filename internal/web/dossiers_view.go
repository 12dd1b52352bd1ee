package web

import (
	"bytes"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/errs"
	"thidua/internal/exemplar"
	"thidua/internal/files"
	"thidua/internal/selection"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// evidenceView is an evidence file as the pages show it.
type evidenceView struct {
	Name, Href, Size, Kind, SHA, Criterion string
}

type criterionView struct {
	Key, Label string
	Checked    bool
	Evidence   string
	Files      []evidenceView
}

type dossierFact struct{ Label, Value string }

// dossierBody is what the "dossier-body" partial shows of a draft or of a
// frozen snapshot: the subject, the summary, the criteria with evidence, the
// general evidence and the replication guide.
type dossierBody struct {
	D          exemplar.Dossier
	Subject    []dossierFact
	Criteria   []criterionView
	Files      []evidenceView // general evidence
	Guide      []dossierFact
	NeedsGuide bool
	Editable   bool // upload and remove forms (the draft, for its writers)
}

func evidenceHref(dossierID int64, sha string) string {
	return "/dossiers/" + strconv.FormatInt(dossierID, 10) + "/files/" + sha
}

func evidenceViews(d exemplar.Dossier, criterion string, refs []exemplar.FileRef) []evidenceView {
	out := make([]evidenceView, 0, len(refs))
	for _, f := range refs {
		out = append(out, evidenceView{Name: f.Name, Href: evidenceHref(d.ID, f.SHA256), Size: files.HumanSize(f.Size), Kind: evidenceKind(f.ContentType),
			SHA: f.SHA256, Criterion: criterion})
	}
	return out
}

// evidenceKind is a short name of a content type.
func evidenceKind(ct string) string {
	switch {
	case strings.HasPrefix(ct, "image/"):
		return "Ảnh " + strings.ToUpper(strings.TrimPrefix(ct, "image/"))
	case ct == "application/pdf":
		return "PDF"
	case strings.Contains(ct, "wordprocessingml"):
		return "Word"
	case strings.Contains(ct, "spreadsheetml"):
		return "Excel"
	}
	return ct
}

func newDossierBody(d exemplar.Dossier, editable bool) dossierBody {
	b := dossierBody{D: d, NeedsGuide: d.Category.NeedsGuide(), Editable: editable, Files: evidenceViews(d, "", d.Files)}
	add := func(label, value string) {
		if value != "" {
			b.Subject = append(b.Subject, dossierFact{label, value})
		}
	}
	add("Đối tượng", d.SubjectKind.Label())
	if d.SubjectKind == exemplar.Individual && d.Person != nil {
		p := d.Person
		add("Họ và tên", p.FullName())
		add("Giới tính", exemplar.GenderLabel(p.Gender))
		if p.BirthYear != 0 {
			add("Năm sinh", strconv.Itoa(p.BirthYear))
		}
		if p.Student {
			add("Lớp", p.Position)
			add("Là học sinh", "Có (người chưa thành niên: kiểm tra kỹ trước khi công bố thông tin)")
		} else {
			add("Chức vụ, công việc", p.Position)
		}
		add("Đơn vị công tác", p.UnitName)
	} else {
		add("Tên tập thể", d.CollectiveName)
	}
	add("Đơn vị lập hồ sơ", d.UnitName)
	add("Loại điển hình", d.Category.Label())
	if d.CampaignName != "" {
		add("Phong trào thi đua", d.MovementName+" – "+d.CampaignName)
	} else {
		add("Phong trào thi đua", d.MovementName)
	}
	for _, c := range d.Criteria {
		b.Criteria = append(b.Criteria, criterionView{Key: c.Key, Label: exemplar.CriterionLabel(c.Key), Checked: c.Checked,
			Evidence: c.Evidence, Files: evidenceViews(d, c.Key, c.Files)})
	}
	for _, g := range guideLabels {
		b.Guide = append(b.Guide, dossierFact{g.Label, guideValue(d.Guide, g.Field)})
	}
	return b
}

type honourView struct {
	exemplar.Honour
	FormLabel string
}

type sendRound struct {
	selection.Round
	Late       bool
	Nomination int64 // this dossier's nomination in the round, 0 when none
}

// sendBoxView is the "Gửi xét chọn" box: the open rounds of the nearest unit
// above that holds rounds.
type sendBoxView struct {
	Holder     unit.Unit
	Rounds     []sendRound
	Note       string // why nothing can be sent, when nothing can
	CanSubmit  bool   // leaders: "Gửi đề nghị"
	CanPropose bool   // staff and officers: "Đề xuất"
}

type dossierOption struct{ Value, Label string }

type dossierViewData struct {
	Body            dossierBody
	CanEdit         bool
	CanCommend      bool
	CanHonour       bool
	Versions        []exemplar.Version
	Nominations     []selection.Nomination // this dossier's
	PastNominations []selection.Nomination // the subject's, through other dossiers
	Commendations   []exemplar.Commendation
	Honours         []honourView
	HonourUnits     []unit.Unit
	HonourForms     []dossierOption
	Others          []exemplar.Dossier // the subject's other dossiers
	Target          *sendBoxView       // nil for callers who cannot send
	Missing         []string           // what the dossier lacks before it can be sent
}

func (s *Server) dossierView(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderDossier(w, r, id, http.StatusOK, &page{})
}

// renderDossier shows dossier id with status; p may carry errors and the
// submitted form of one of the page's forms.
func (s *Server) renderDossier(w http.ResponseWriter, r *http.Request, id int64, st int, p *page) {
	ctx, sc := r.Context(), scope(r)
	d, err := s.dossiers.Get(ctx, sc, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := dossierViewData{CanEdit: sc.Has(d.UnitPath, dossierWriters...), CanHonour: sc.Has(d.UnitPath, access.Leader, access.Officer)}
	data.CanCommend = data.CanEdit
	data.Body = newDossierBody(d, data.CanEdit)
	fail := func(e error) bool {
		if e != nil {
			s.fail(w, r, e)
			return true
		}
		return false
	}
	if data.Versions, err = s.dossiers.Versions(ctx, sc, d.ID); fail(err) {
		return
	}
	slices.Reverse(data.Versions)
	if data.Commendations, err = s.dossiers.Commendations(ctx, sc, d); fail(err) {
		return
	}
	honours, err := s.dossiers.Honours(ctx, sc, d.ID)
	if fail(err) {
		return
	}
	for _, h := range honours {
		data.Honours = append(data.Honours, honourView{h, exemplar.HonourFormLabel(h.Form)})
	}
	if data.Nominations, err = s.sel.OfDossier(ctx, sc, d.ID); fail(err) {
		return
	}
	past, err := s.sel.OfSubject(ctx, sc, d.SubjectKey())
	if fail(err) {
		return
	}
	for _, n := range past {
		if n.DossierID != d.ID {
			data.PastNominations = append(data.PastNominations, n)
		}
	}
	if data.Others, err = s.dossiers.SubjectDossiers(ctx, sc, d); fail(err) {
		return
	}
	if data.CanHonour {
		for _, f := range exemplar.HonourForms {
			data.HonourForms = append(data.HonourForms, dossierOption{f, exemplar.HonourFormLabel(f)})
		}
		if data.HonourUnits, err = s.honourUnits(r, d); fail(err) {
			return
		}
	}
	if data.CanEdit {
		if data.Target, err = s.sendBox(r, d, data.Nominations); fail(err) {
			return
		}
		data.Missing = dossierMissing(d)
	}
	if p.Form == nil {
		p.Form = url.Values{}
	}
	if !p.Form.Has("criterion") {
		// The upload form offers the first ticked criterion.
		p.Form.Set("criterion", "")
		for _, c := range d.Criteria {
			if c.Checked {
				p.Form.Set("criterion", c.Key)
				break
			}
		}
	}
	p.Title, p.Section, p.Data = dossierName(d), "dossiers", data
	s.render(w, r, st, "dossier", p)
}

// honourUnits lists the dossier's unit and the units above it where the
// caller may record an honour, nearest first.
func (s *Server) honourUnits(r *http.Request, d exemplar.Dossier) ([]unit.Unit, error) {
	sc := scope(r)
	u, err := s.units.Get(r.Context(), sc, d.UnitID)
	if err != nil {
		return nil, err
	}
	above, err := s.units.Ancestors(r.Context(), u)
	if err != nil {
		return nil, err
	}
	chain := append([]unit.Unit{u}, above...)
	slices.Reverse(chain[1:])
	var out []unit.Unit
	for _, x := range chain {
		if sc.Has(x.Path, access.Leader, access.Officer) {
			out = append(out, x)
		}
	}
	return out, nil
}

// sendBox fills the "Gửi xét chọn" box for a caller who drafts at the
// dossier's unit; nil for those who hold a role at the reviewing unit.
func (s *Server) sendBox(r *http.Request, d exemplar.Dossier, noms []selection.Nomination) (*sendBoxView, error) {
	sc := scope(r)
	u, err := s.units.Get(r.Context(), sc, d.UnitID)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	holder, rounds, err := s.sel.TargetRounds(r.Context(), u, now)
	t := &sendBoxView{Holder: holder}
	switch {
	case errs.Is(err, errs.NotFound):
		t.Note = errs.MessageOf(err)
		return t, nil
	case err != nil:
		return nil, err
	case sc.Has(holder.Path):
		// People of the reviewing unit (or above it) review what comes
		// up; they do not send into their own rounds.
		return nil, nil
	}
	for _, x := range rounds {
		o := sendRound{Round: x, Late: x.LateAt(now)}
		for _, n := range noms {
			if n.RoundID == x.ID {
				o.Nomination = n.ID
			}
		}
		t.Rounds = append(t.Rounds, o)
	}
	if len(t.Rounds) == 0 {
		t.Note = "Chưa có đợt xét chọn nào đang nhận hồ sơ."
	}
	t.CanSubmit = selection.Can(sc, selection.Submit, d.UnitPath, holder.Path)
	t.CanPropose = !t.CanSubmit && selection.Can(sc, selection.Propose, d.UnitPath, holder.Path)
	return t, nil
}

// dossierFieldOrder ranks the fields of a dossier as the form shows them
// (criteria and guide fields in their lists' order).
func dossierFieldOrder(field string) int {
	for i, p := range []string{"subject_kind", "person.ho", "person.dem", "person.ten", "person.gender", "person.birth_year", "person.position",
		"collective_name", "category", "title", "summary", "criteria", "criteria.", "guide."} {
		if field == p {
			return i * 100
		}
		if strings.HasSuffix(p, ".") && strings.HasPrefix(field, p) {
			rank := slices.IndexFunc(exemplar.Criteria, func(c exemplar.Criterion) bool { return p+c.Key == field })
			if p == "guide." {
				rank = slices.IndexFunc(guideLabels, func(g struct{ Field, Label, Hint string }) bool { return g.Field == field })
			}
			if rank < 0 {
				rank = 99
			}
			return i*100 + rank
		}
	}
	return 10000
}

// dossierMissing lists what a draft still lacks before it can be sent, in the
// form's order.
func dossierMissing(d exemplar.Dossier) []string {
	fields := errs.FieldsOf(d.Complete())
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if x, y := dossierFieldOrder(a), dossierFieldOrder(b); x != y {
			return x - y
		}
		return strings.Compare(a, b)
	})
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = fields[k]
	}
	return out
}

// prefixed renames the fields of a form's errors, for a page with several
// forms.
func prefixFields(prefix string, fields map[string]string) map[string]string {
	if fields == nil {
		return nil
	}
	out := make(map[string]string, len(fields))
	for k, v := range fields {
		out[prefix+k] = v
	}
	return out
}

// formFailed reports whether err is one the page shows at its form
// (invalid input, a stale version, a duplicate, a refused upload).
func dossierFormFailed(err error) bool {
	switch errs.CodeOf(err) {
	case errs.Invalid, errs.Conflict, errs.TooLarge:
		return true
	}
	return false
}

func (s *Server) dossierAttach(w http.ResponseWriter, r *http.Request) {
	d, err := s.editableDossier(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var name string
	err = func() error {
		file, hdr, err := r.FormFile("file")
		if err != nil {
			return errs.InvalidField("file", "Chọn tệp minh chứng để tải lên.")
		}
		defer file.Close()
		name = hdr.Filename
		_, err = s.dossiers.AttachFile(r.Context(), scope(r), d.ID, int(formInt(r, "version")), r.FormValue("criterion"), hdr.Filename, file)
		return err
	}()
	if dossierFormFailed(err) {
		form := url.Values{}
		if r.MultipartForm != nil {
			form = url.Values(r.MultipartForm.Value)
		}
		s.renderDossier(w, r, d.ID, status(errs.CodeOf(err)), &page{Error: errs.MessageOf(err), Errors: errs.FieldsOf(err), Form: form})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/dossiers/"+strconv.FormatInt(d.ID, 10)+"#criteria", "Đã đính kèm tệp “"+name+"”.")
}

func (s *Server) dossierDetach(w http.ResponseWriter, r *http.Request) {
	d, err := s.editableDossier(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, err = s.dossiers.DetachFile(r.Context(), scope(r), d.ID, int(formInt(r, "version")), r.PostFormValue("criterion"), r.PostFormValue("sha"))
	if dossierFormFailed(err) {
		s.renderDossier(w, r, d.ID, status(errs.CodeOf(err)), &page{Error: errs.MessageOf(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/dossiers/"+strconv.FormatInt(d.ID, 10)+"#criteria", "Đã gỡ tệp khỏi hồ sơ.")
}

// dossierFile streams an evidence file of a dossier the caller may read:
// one of the draft's files or of any of its frozen versions.
func (s *Server) dossierFile(w http.ResponseWriter, r *http.Request) {
	ref, err := s.evidenceFile(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, data, err := s.files.Open(r.Context(), ref.SHA256)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": ref.Name})
	if disposition == "" {
		disposition = "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", disposition)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
}

// evidenceFile finds the file {sha} of dossier {id}: NotFound when the
// caller cannot read the dossier or the file is none of its evidence.
func (s *Server) evidenceFile(r *http.Request) (exemplar.FileRef, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return exemplar.FileRef{}, err
	}
	ctx, sc := r.Context(), scope(r)
	d, err := s.dossiers.Get(ctx, sc, id)
	if err != nil {
		return exemplar.FileRef{}, err
	}
	sha := r.PathValue("sha")
	if ref, ok := evidenceOf(d, sha); ok {
		return ref, nil
	}
	vs, err := s.dossiers.Versions(ctx, sc, id)
	if err != nil {
		return exemplar.FileRef{}, err
	}
	for i := len(vs) - 1; i >= 0; i-- {
		if ref, ok := evidenceOf(vs[i].Dossier, sha); ok {
			return ref, nil
		}
	}
	return exemplar.FileRef{}, errs.E(errs.NotFound, "Không tìm thấy tệp này trong hồ sơ.")
}

// dossierDate parses a date field; an unreadable one is recorded in f.
func dossierDate(v, field string, f errs.Fields) time.Time {
	if d := parseDate(v, field, f); d != nil {
		return *d
	}
	return time.Time{}
}

func (s *Server) dossierCommend(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.dossiers.Get(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !scope(r).Has(d.UnitPath, dossierWriters...) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	c := exemplar.SubjectCommendation(d)
	f := errs.Fields{}
	c.Title, c.DecisionNo, c.Issuer = r.PostFormValue("commendation.title"), r.PostFormValue("commendation.decision_no"), r.PostFormValue("commendation.issuer")
	c.DecidedOn = dossierDate(r.PostFormValue("commendation.decided_on"), "decided_on", f)
	err = f.Err()
	if err == nil {
		c, err = s.dossiers.AddCommendation(r.Context(), scope(r), c)
	}
	if dossierFormFailed(err) {
		s.renderDossier(w, r, d.ID, status(errs.CodeOf(err)), &page{Error: errs.MessageOf(err), Errors: prefixFields("commendation.", errs.FieldsOf(err)), Form: r.PostForm})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/dossiers/"+strconv.FormatInt(d.ID, 10)+"#profile", "Đã ghi nhận khen thưởng “"+c.Title+"”.")
}

func (s *Server) dossierHonour(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.dossiers.Get(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !scope(r).Has(d.UnitPath, access.Leader, access.Officer) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	f := errs.Fields{}
	h := exemplar.Honour{DossierID: d.ID, UnitID: formInt(r, "honour.unit_id"), Form: r.PostFormValue("honour.form"),
		DecisionNo: r.PostFormValue("honour.decision_no"), Note: r.PostFormValue("honour.note")}
	h.Date = dossierDate(r.PostFormValue("honour.date"), "date", f)
	err = f.Err()
	if err == nil {
		h, err = s.dossiers.AddHonour(r.Context(), scope(r), h)
	}
	if dossierFormFailed(err) {
		s.renderDossier(w, r, d.ID, status(errs.CodeOf(err)), &page{Error: errs.MessageOf(err), Errors: prefixFields("honour.", errs.FieldsOf(err)), Form: r.PostForm})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/dossiers/"+strconv.FormatInt(d.ID, 10)+"#honours", "Đã ghi nhận: "+h.UnitName+" – "+strings.ToLower(exemplar.HonourFormLabel(h.Form))+", "+viet.ShortDate(h.Date)+".")
}

type versionViewData struct {
	Version  exemplar.Version
	Body     dossierBody
	Previous *exemplar.Version
	Changes  []exemplar.Change
	Versions []exemplar.Version
	Intact   bool
}

func (s *Server) versionView(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, prev, all, err := s.versionWithPrevious(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := versionViewData{Version: v, Body: newDossierBody(v.Dossier, false), Previous: prev, Versions: all, Intact: v.Intact()}
	if prev != nil {
		data.Changes = exemplar.Diff(prev.Dossier, v.Dossier)
	}
	s.render(w, r, http.StatusOK, "version", &page{Title: "Phiên bản " + strconv.Itoa(v.Number) + ": " + dossierName(v.Dossier), Section: "dossiers", Data: data})
}

// versionWithPrevious reads a version, the one frozen before it (nil for the
// first) and every version of the dossier, oldest first.
func (s *Server) versionWithPrevious(r *http.Request, id int64) (exemplar.Version, *exemplar.Version, []exemplar.Version, error) {
	v, err := s.dossiers.Version(r.Context(), scope(r), id)
	if err != nil {
		return v, nil, nil, err
	}
	all, err := s.dossiers.Versions(r.Context(), scope(r), v.DossierID)
	if err != nil {
		return v, nil, nil, err
	}
	var prev *exemplar.Version
	for i := range all {
		if all[i].Number < v.Number && (prev == nil || all[i].Number > prev.Number) {
			prev = &all[i]
		}
	}
	return v, prev, all, nil
}
