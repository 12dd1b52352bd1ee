package web

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/errs"
	"thidua/internal/exemplar"
	"thidua/internal/portal"
	"thidua/internal/viet"
)

// registerPublications adds the officers' pages that publish exemplars to
// the portal.
func (s *Server) registerPublications() {
	s.handle("GET /publications", LoggedIn, "Đăng điển hình lên cổng thông tin", s.publicationList)
	s.handle("POST /publications", LoggedIn, "Chuẩn bị đăng một điển hình đã được chọn", s.publicationCreate)
	s.handle("GET /publications/{id}", LoggedIn, "Soạn bài đăng điển hình", s.publicationView)
	s.handle("GET /publications/{id}/preview", LoggedIn, "Xem trước bài đăng", s.publicationPreview)
	s.handle("POST /publications/{id}/edit", LoggedIn, "Sửa nội dung bài đăng", s.publicationUpdate)
	s.handle("POST /publications/{id}/consent", LoggedIn, "Ghi nhận sự đồng ý của cá nhân", s.publicationConsent)
	s.handle("GET /publications/{id}/consent-file", LoggedIn, "Tải giấy đồng ý đã quét", s.publicationConsentFile)
	s.handle("POST /publications/{id}/minors", LoggedIn, "Kiểm tra bảo vệ học sinh trước khi đăng", s.publicationMinors)
	s.handle("POST /publications/{id}/publish", LoggedIn, "Đăng lên cổng thông tin", s.publicationPublish)
	s.handle("POST /publications/{id}/unpublish", LoggedIn, "Gỡ khỏi cổng thông tin", s.publicationUnpublish)
	s.handle("POST /publications/{id}/feature", LoggedIn, "Đưa lên hoặc bỏ khỏi mục nổi bật", s.publicationFeature)
}

// --- the list

type publicationsData struct {
	Candidates []portal.Candidate
	Rows       []portal.Publication
	Status     string
	Featured   bool
	Statuses   []portal.Status
	Page       pager
	CanManage  bool
}

func (s *Server) publicationList(w http.ResponseWriter, r *http.Request) {
	ctx, sc := r.Context(), scope(r)
	d := publicationsData{Status: r.URL.Query().Get("status"), Featured: r.URL.Query().Get("featured") == "1",
		Statuses: []portal.Status{portal.Draft, portal.Published, portal.Unpublished}, CanManage: sc.HasAny(access.Officer, access.Leader, access.Admin)}
	f := portal.Filter{Featured: d.Featured}
	for _, st := range d.Statuses {
		if string(st) == d.Status {
			f.Status = st
		}
	}
	d.Page = newPager(r, 30)
	f.Limit, f.Offset = d.Page.Size, d.Page.Offset()
	rows, total, err := s.pw.store.List(ctx, sc, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Rows, d.Page = rows, d.Page.With(total, r)
	if d.Candidates, err = s.pw.store.Candidates(ctx, sc, 50); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "publications", &page{Title: "Đăng điển hình lên cổng thông tin", Section: "publications", Data: d})
}

func (s *Server) publicationCreate(w http.ResponseWriter, r *http.Request) {
	p, err := s.pw.store.Create(r.Context(), scope(r), formInt(r, "nomination_id"))
	if errs.Is(err, errs.Invalid) || errs.Is(err, errs.Conflict) {
		s.redirect(w, r, "/publications", errs.MessageOf(err))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/publications/"+rid(p.ID), "Đã chuẩn bị bài đăng từ hồ sơ đã được chọn. Rà soát nội dung, ghi nhận sự đồng ý và kiểm tra bảo vệ học sinh (nếu cần) rồi đăng.")
}

// --- one publication

type imageChoice struct {
	SHA, Name, Caption string
	Chosen             bool
}

type publicationData struct {
	P            portal.Publication
	Problems     []problem
	Images       []imageChoice
	Guide        []struct{ Field, Label, Value string }
	Revisions    []portal.Revision
	Capacities   []string
	Methods      []string
	NameDisplays []string
	PublishLabel string
	Slug         string
	Today        string
}

type problem struct{ Field, Message string }

// problemOrder is the order the checklist lists what is missing.
var problemOrder = []string{"title", "subject_line", "story", "achievements", "guide.context", "guide.steps", "guide.resources", "guide.results",
	"guide.conditions", "guide.contact", "photos", "consent", "minors"}

func (s *Server) publicationPage(w http.ResponseWriter, r *http.Request, id int64, st int, p *page) {
	ctx, sc := r.Context(), scope(r)
	pub, err := s.pw.store.Get(ctx, sc, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := publicationData{P: pub, Guide: portal.GuideFields(pub.Content.Guide), Capacities: portal.Capacities, Methods: portal.ConsentMethods,
		NameDisplays: portal.NameDisplays, Slug: pub.Slug(), Today: time.Now().In(viet.Zone).Format("2006-01-02")}
	probs := pub.Problems()
	for _, f := range problemOrder {
		if m, ok := probs[f]; ok {
			d.Problems = append(d.Problems, problem{f, m})
		}
	}
	chosen := map[string]portal.Photo{}
	for _, ph := range pub.Content.Photos {
		chosen[ph.SHA256] = ph
	}
	for _, im := range pub.Subject.Images {
		c, ok := chosen[im.SHA256]
		d.Images = append(d.Images, imageChoice{SHA: im.SHA256, Name: im.Name, Caption: c.Caption, Chosen: ok})
	}
	if d.Revisions, err = s.pw.store.Revisions(ctx, sc, id); err != nil {
		s.fail(w, r, err)
		return
	}
	switch {
	case pub.Status == portal.Published:
		d.PublishLabel = "Đăng bản sửa"
	case pub.Status == portal.Unpublished:
		d.PublishLabel = "Đăng lại lên cổng"
	default:
		d.PublishLabel = "Đăng lên cổng thông tin"
	}
	p.Title, p.Section, p.Data = pub.Content.Title, "publications", d
	if p.Title == "" {
		p.Title = "Bài đăng điển hình"
	}
	s.render(w, r, st, "publication", p)
}

func (s *Server) publicationView(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.publicationPage(w, r, id, http.StatusOK, &page{})
}

// publicationResult redirects after a change, or shows the page again
// with the messages of a refused one.
func (s *Server) publicationResult(w http.ResponseWriter, r *http.Request, id int64, err error, anchor, done string) {
	if dossierFormFailed(err) {
		form := url.Values(r.PostForm)
		if r.MultipartForm != nil {
			form = url.Values(r.MultipartForm.Value)
		}
		s.publicationPage(w, r, id, status(errs.CodeOf(err)), &page{Error: errs.MessageOf(err), Errors: errs.FieldsOf(err), Form: form})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/publications/"+rid(id)+anchor, done)
}

func (s *Server) publicationUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := portal.ContentInput{Title: r.PostFormValue("title"), SubjectLine: r.PostFormValue("subject_line"), Story: r.PostFormValue("story"),
		Achievements: r.PostFormValue("achievements"), InvolvesMinors: r.PostFormValue("involves_minors") == "1"}
	g := exemplar.Guide{Context: r.PostFormValue("guide.context"), Steps: r.PostFormValue("guide.steps"), Resources: r.PostFormValue("guide.resources"),
		Results: r.PostFormValue("guide.results"), Conditions: r.PostFormValue("guide.conditions"), Contact: r.PostFormValue("guide.contact")}
	in.Guide = &g
	for _, sha := range r.PostForm["photo"] {
		in.Photos = append(in.Photos, portal.Photo{SHA256: sha, Caption: r.PostFormValue("caption." + sha)})
	}
	_, err = s.pw.store.Update(r.Context(), scope(r), id, int(formInt(r, "version")), in)
	s.publicationResult(w, r, id, err, "#content", "Đã lưu nội dung bài đăng.")
}

func (s *Server) publicationConsent(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") && r.MultipartForm == nil {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			s.fail(w, r, errs.E(errs.Invalid, "Biểu mẫu không hợp lệ."))
			return
		}
	}
	in := portal.ConsentInput{By: r.FormValue("consent_by"), Capacity: r.FormValue("consent_capacity"), Method: r.FormValue("consent_method"),
		Scope: r.FormValue("consent_scope"), Photos: r.FormValue("consent_photos") == "1", KeepFile: r.FormValue("keep_file") == "1"}
	if v := strings.TrimSpace(r.FormValue("consent_on")); v != "" {
		day, ok := viet.ParseDate(v)
		if !ok {
			s.publicationResult(w, r, id, errs.InvalidField("consent_on", "Ngày đồng ý không hợp lệ (dd/mm/yyyy)."), "", "")
			return
		}
		in.On = day
	}
	var body io.Reader // nil: no new scanned form
	var name string
	if file, hdr, err := r.FormFile("consent_file"); err == nil {
		defer file.Close()
		body, name = file, hdr.Filename
	}
	_, err = s.pw.store.RecordConsent(r.Context(), scope(r), id, int(formInt(r, "version")), in, body, name)
	s.publicationResult(w, r, id, err, "#consent", "Đã ghi nhận sự đồng ý.")
}

func (s *Server) publicationConsentFile(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sha, name, err := s.pw.store.ConsentFile(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sendFile(w, r, sha, name)
}

// sendFile sends a stored file as a download, never cached.
func (s *Server) sendFile(w http.ResponseWriter, r *http.Request, sha, name string) {
	f, data, err := s.files.Open(r.Context(), sha)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": name})
	if disposition == "" {
		disposition = "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", disposition)
	h.Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
}

func (s *Server) publicationMinors(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := portal.MinorsInput{Name: r.PostFormValue("minors_name"), Photos: r.PostFormValue("minors_photos") == "1",
		School: r.PostFormValue("minors_school") == "1", Confirm: r.PostFormValue("minors_confirm") == "1"}
	_, err = s.pw.store.RecordMinors(r.Context(), scope(r), id, int(formInt(r, "version")), in)
	s.publicationResult(w, r, id, err, "#minors", "Đã ghi nhận kiểm tra bảo vệ học sinh.")
}

func (s *Server) publicationPublish(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.pw.store.Publish(r.Context(), scope(r), id, int(formInt(r, "version")))
	msg := ""
	if err == nil {
		msg = fmt.Sprintf("Đã đăng lên cổng thông tin (lần %d): /dien-hinh/%s", p.Revision, portal.SlugOf(p.Content.Title, p.ID))
	}
	s.publicationResult(w, r, id, err, "", msg)
}

func (s *Server) publicationUnpublish(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, err = s.pw.store.Unpublish(r.Context(), scope(r), id, int(formInt(r, "version")), r.PostFormValue("reason"))
	s.publicationResult(w, r, id, err, "", "Đã gỡ khỏi cổng thông tin: trang, ảnh, kết quả tìm kiếm, nguồn tin và sơ đồ trang không còn điển hình này.")
}

func (s *Server) publicationFeature(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	order, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("feature_order")))
	featured := r.PostFormValue("featured") == "1"
	_, err = s.pw.store.Feature(r.Context(), scope(r), id, int(formInt(r, "version")), featured, order)
	msg := "Đã bỏ khỏi mục nổi bật trên trang chủ cổng thông tin."
	if featured {
		msg = "Đã đưa lên mục nổi bật trên trang chủ cổng thông tin (thứ tự " + strconv.Itoa(order) + ")."
	}
	back := r.PostFormValue("back")
	if err == nil && back == "list" {
		s.redirect(w, r, "/publications?featured=1", msg)
		return
	}
	s.publicationResult(w, r, id, err, "#feature", msg)
}

// publicationPreview shows the working copy as the public would see it.
func (s *Server) publicationPreview(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg, pub, err := s.pw.store.Preview(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := exemplarViewOf(pg)
	v.Preview, v.DossierID = true, pub.DossierID
	if pg.Adoptable() {
		if v.Spread, err = s.pw.store.Spread(r.Context(), pub.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	base := s.publicBase(r)
	body, err := s.renderPublic("portal_exemplar", &pubPage{Title: "Xem trước: " + pg.Title, Base: base, NoIndex: true, Type: "article",
		Published: pg.First, Modified: pg.Published, Description: pg.Excerpt(), Data: v})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(body)
}

// portalTodos are the home page's to-dos of the portal: selected
// exemplars not yet prepared for publication. A failure is logged and
// leaves the rest of the home page alone.
func (s *Server) portalTodos(r *http.Request) []todo {
	sc := scope(r)
	if sc.UserID == 0 || !sc.HasAny(access.Officer, access.Leader, access.Admin) {
		return nil
	}
	cands, err := s.pw.store.Candidates(r.Context(), sc, 50)
	if err != nil {
		s.log.Warn("home: portal candidates", "err", err)
		return nil
	}
	if len(cands) == 0 {
		return nil
	}
	return []todo{{fmt.Sprintf("%d điển hình đã được chọn chưa được đăng lên cổng thông tin.", len(cands)), "/publications"}}
}

func init() {
	// fv is a form value: what was just submitted when the page shows that
	// form again, the stored value otherwise.
	funcs["fv"] = func(p *page, form, name, stored string) string {
		if p.Form != nil && p.Form.Get("form") == form {
			return p.Form.Get(name)
		}
		return stored
	}
	funcs["fchk"] = func(p *page, form, name string, stored bool) bool {
		if p.Form != nil && p.Form.Get("form") == form {
			return p.Form.Get(name) == "1"
		}
		return stored
	}
	funcs["capacityLabel"] = portal.CapacityLabel
	funcs["methodLabel"] = portal.ConsentMethodLabel
	funcs["nameLabel"] = portal.NameDisplayLabel
}
