package web

import (
	"bytes"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"thidua/internal/activity"
	"thidua/internal/errs"
	"thidua/internal/files"
)

type activityFileView struct {
	activity.FileRef
	Href, ThumbHref, Size, Kind string
}

type activityViewData struct {
	A          activity.Activity
	Status     activity.Status
	Photos     []activityFileView
	Documents  []activityFileView
	Movements  []string
	Dossiers   []activity.DossierLink
	Hidden     int
	CanEdit    bool
	CanPublish bool
	Accept     string
	MaxFiles   int
}

func activityFileHref(id int64, sha string) string {
	return "/activities/" + strconv.FormatInt(id, 10) + "/files/" + sha
}

func (s *Server) activityView(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderActivity(w, r, id, http.StatusOK, &page{})
}

// renderActivity shows activity id with status; p may carry the errors of
// one of the page's forms.
func (s *Server) renderActivity(w http.ResponseWriter, r *http.Request, id int64, st int, p *page) {
	ctx, sc := r.Context(), scope(r)
	a, err := s.activity.Get(ctx, sc, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := activityViewData{A: a, Status: a.StatusOn(s.activity.Today()), CanEdit: activity.CanEdit(sc, a), CanPublish: activity.CanPublish(sc, a),
		Accept: activityAccept, MaxFiles: activity.MaxFiles}
	for _, f := range a.Files {
		v := activityFileView{FileRef: f, Href: activityFileHref(a.ID, f.SHA256), Size: files.HumanSize(f.Size), Kind: evidenceKind(f.ContentType)}
		if f.IsImage() {
			v.ThumbHref = v.Href + "/thumb"
			d.Photos = append(d.Photos, v)
		} else {
			d.Documents = append(d.Documents, v)
		}
	}
	names, err := activity.MovementNames(ctx, s.db.R)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Movements = names.Of(a)
	if d.Dossiers, d.Hidden, err = s.activity.LinkedDossiers(ctx, sc, a); err != nil {
		s.fail(w, r, err)
		return
	}
	p.Title, p.Section, p.Data = a.Title, "activities", d
	s.render(w, r, st, "activity", p)
}

func (s *Server) activityPublic(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	public := r.PostFormValue("public") == "1"
	a, err := s.activity.SetPublic(r.Context(), scope(r), id, int(formInt(r, "version")), public)
	if errs.Is(err, errs.Conflict) {
		s.renderActivity(w, r, id, http.StatusConflict, &page{Error: errs.MessageOf(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msg := "Hoạt động đã được công khai trên cổng thông tin."
	if !a.Public {
		msg = "Hoạt động không còn công khai."
	}
	s.redirect(w, r, "/activities/"+strconv.FormatInt(id, 10), msg)
}

func (s *Server) activityDelete(w http.ResponseWriter, r *http.Request) {
	a, err := s.editableActivity(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = s.activity.Delete(r.Context(), scope(r), a.ID, int(formInt(r, "version")))
	if errs.Is(err, errs.Conflict) {
		s.renderActivity(w, r, a.ID, http.StatusConflict, &page{Error: errs.MessageOf(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/activities", "Đã xóa hoạt động “"+a.Title+"”.")
}

func (s *Server) activityAttach(w http.ResponseWriter, r *http.Request) {
	a, err := s.editableActivity(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ups, done, err := uploads(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer done()
	b, err := s.activity.AttachFiles(r.Context(), scope(r), a.ID, int(formInt(r, "version")), ups...)
	if activityFormFailed(err) {
		s.renderActivity(w, r, a.ID, status(errs.CodeOf(err)), &page{Error: errs.MessageOf(err), Errors: errs.FieldsOf(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/activities/"+strconv.FormatInt(a.ID, 10)+"#evidence",
		"Đã đính kèm "+strconv.Itoa(len(b.Files)-len(a.Files))+" tệp minh chứng.")
}

func (s *Server) activityDetach(w http.ResponseWriter, r *http.Request) {
	a, err := s.editableActivity(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, err = s.activity.DetachFile(r.Context(), scope(r), a.ID, int(formInt(r, "version")), r.PostFormValue("sha"))
	if errs.Is(err, errs.Conflict) {
		s.renderActivity(w, r, a.ID, http.StatusConflict, &page{Error: errs.MessageOf(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/activities/"+strconv.FormatInt(a.ID, 10)+"#evidence", "Đã gỡ tệp khỏi hoạt động.")
}

// activityFile serves an evidence file of an activity the caller may read:
// photos open in the browser, documents download.
func (s *Server) activityFile(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, data, err := s.activity.File(r.Context(), scope(r), id, r.PathValue("sha"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	kind := "attachment"
	if f.IsImage() {
		kind = "inline"
	}
	disposition := mime.FormatMediaType(kind, map[string]string{"filename": f.Name})
	if disposition == "" {
		disposition = kind
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", disposition)
	h.Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
}

// thumbPlaceholder is shown while a thumbnail is being made (or when none
// can be): a neutral frame, made here, never from an upload.
func thumbPlaceholder(failed bool) []byte {
	label := "Đang tạo ảnh thu nhỏ…"
	if failed {
		label = "Không có ảnh thu nhỏ"
	}
	return []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="480" height="360" viewBox="0 0 480 360">` +
		`<rect width="480" height="360" fill="#efe9e6"/><path d="M180 230l50-60 40 45 30-30 50 45z" fill="#cfc5bf"/>` +
		`<circle cx="300" cy="140" r="18" fill="#cfc5bf"/><text x="240" y="300" font-family="sans-serif" font-size="22" fill="#6f6863" text-anchor="middle">` +
		label + `</text></svg>`)
}

// activityThumb serves the thumbnail of a photo of an activity the caller
// may read, or a placeholder (with X-Thumb: pending) until it is made.
func (s *Server) activityThumb(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data, state, err := s.activity.Thumbnail(r.Context(), scope(r), id, r.PathValue("sha"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	if state != activity.ThumbReady {
		h.Set("Content-Type", "image/svg+xml")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Thumb", state)
		w.Write(thumbPlaceholder(state == activity.ThumbFailed))
		return
	}
	h.Set("Content-Type", "image/jpeg")
	h.Set("Cache-Control", "private, max-age=86400")
	h.Set("X-Thumb", state)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
}

// publicActivityThumb serves the thumbnail of a public activity to anyone
// (the portal's pages show it).
func (s *Server) publicActivityThumb(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data, err := s.activity.PublicThumbnail(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Cache-Control", "public, max-age=600") // an activity made private again drops out soon
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
}

// --- exports

func (s *Server) activityExportStart(w http.ResponseWriter, r *http.Request) {
	bad := errs.Fields{}
	f := activityFilter(r.PostForm, bad)
	e, err := s.activity.StartExport(r.Context(), scope(r), f)
	if errs.Is(err, errs.Invalid) {
		// Back to the list it came from, with the reason.
		r.URL.RawQuery = filterValues(r.PostForm).Encode()
		p, perr := s.activityListPage(r, &page{Error: errs.MessageOf(err)})
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, "activities", p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/activity-exports/"+strconv.FormatInt(e.ID, 10), "")
}

type activityExportData struct {
	E       activity.Export
	Label   string
	Running bool
	Back    string
}

func (s *Server) activityExportView(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := s.activity.Export(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := activityExportData{E: e, Label: activity.ExportStatusLabel(e.Status), Running: e.Status == activity.ExportQueued || e.Status == activity.ExportRunning}
	back := exportQuery(e.Filter)
	d.Back = "/activities"
	if len(back) > 0 {
		d.Back += "?" + back.Encode()
	}
	if d.Running {
		// The page reloads itself until the file is ready (no script needed).
		w.Header().Set("Refresh", "2")
	}
	s.render(w, r, http.StatusOK, "activity_export", &page{Title: "Xuất danh sách hoạt động ra Excel", Section: "activities", Data: d})
}

// exportQuery writes a filter back as the list's query string.
func exportQuery(f activity.Filter) url.Values {
	v := url.Values{}
	set := func(k, x string) {
		if x != "" && x != "0" {
			v.Set(k, x)
		}
	}
	set("unit", strconv.FormatInt(f.UnitID, 10))
	set("year", strconv.Itoa(f.SchoolYear))
	if f.From != nil {
		set("from", f.From.Format("2006-01-02"))
	}
	if f.To != nil {
		set("to", f.To.Format("2006-01-02"))
	}
	set("form", string(f.Form))
	if f.MovementID != 0 {
		set("movement", "m"+strconv.FormatInt(f.MovementID, 10))
	}
	if f.CampaignID != 0 {
		set("movement", "c"+strconv.FormatInt(f.CampaignID, 10))
	}
	set("status", string(f.Status))
	set("q", strings.TrimSpace(f.Query))
	return v
}

func (s *Server) activityExportFile(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, data, err := s.activity.ExportFile(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	serveExport(w, r, e, data)
}

func serveExport(w http.ResponseWriter, r *http.Request, e activity.Export, data []byte) {
	h := w.Header()
	h.Set("Content-Type", files.TypeXLSX)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": e.FileName}))
	h.Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
}
