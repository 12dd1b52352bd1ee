package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/errs"
	"thidua/internal/files"
	"thidua/internal/importer"
)

// registerAPIExtra adds the API routes for imports and background work.
func (s *Server) registerAPIExtra() {
	s.handle("POST /api/v1/imports/{kind}", LoggedIn, "Kiểm tra (mặc định) hoặc nhập (apply=1) tệp đơn vị hay tài khoản", s.apiImport)
	s.handle("GET /api/v1/jobs", LoggedIn, "Danh sách tác vụ nền", s.apiJobList)
	s.handle("POST /api/v1/jobs/{id}/retry", LoggedIn, "Chạy lại tác vụ lỗi", s.apiJobRetry)
	s.handle("GET /api/v1/outbox", LoggedIn, "Hộp thư đi", s.apiOutbox)
}

var importKinds = []files.Kind{files.XLSX, files.CSV}

type importData struct {
	Kind     importer.Kind
	Filename string
	SHA      string
	Plan     *importer.Plan
	Result   *importer.Result
}

func (s *Server) importForm(w http.ResponseWriter, r *http.Request) {
	if !scope(r).HasAny(access.Admin) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	s.render(w, r, http.StatusOK, "import", &page{Title: "Nhập dữ liệu", Section: "import", Form: r.URL.Query()})
}

func (s *Server) importTemplate(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	kind, format, _ := strings.Cut(name, ".")
	if !importer.Kind(kind).Valid() || (format != "xlsx" && format != "csv") {
		s.fail(w, r, errs.ErrNotFound)
		return
	}
	b, err := importer.Template(importer.Kind(kind), format)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ct := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", `attachment; filename="thidua-mau-`+name+`"`)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

// importFail re-renders the upload form with msg at the file field.
func (s *Server) importFail(w http.ResponseWriter, r *http.Request, kind string, err error) {
	if errs.CodeOf(err) == errs.Internal {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status(errs.CodeOf(err)), "import", &page{Title: "Nhập dữ liệu", Section: "import",
		Form: map[string][]string{"kind": {kind}}, Error: errs.MessageOf(err), Errors: map[string]string{"file": errs.MessageOf(err)}})
}

func (s *Server) importPreview(w http.ResponseWriter, r *http.Request) {
	if !scope(r).HasAny(access.Admin) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	kind := importer.Kind(r.FormValue("kind"))
	if !kind.Valid() {
		s.importFail(w, r, string(kind), errs.InvalidField("kind", "Chọn loại dữ liệu cần nhập."))
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		s.importFail(w, r, string(kind), errs.InvalidField("file", "Chọn tệp XLSX hoặc CSV để tải lên."))
		return
	}
	defer file.Close()
	f, err := s.files.Put(r.Context(), file, importKinds)
	if err != nil {
		s.importFail(w, r, string(kind), err)
		return
	}
	s.previewStored(w, r, kind, hdr.Filename, f.SHA256)
}

// previewStored parses a stored upload and shows what importing it would do.
func (s *Server) previewStored(w http.ResponseWriter, r *http.Request, kind importer.Kind, filename, sha string) {
	_, data, err := s.files.Open(r.Context(), sha)
	if err != nil {
		s.importFail(w, r, string(kind), err)
		return
	}
	sheet, err := importer.Parse(kind, filename, data)
	if err != nil {
		s.importFail(w, r, string(kind), err)
		return
	}
	plan, err := importer.Preview(r.Context(), s.db, scope(r), sheet)
	if err != nil {
		s.importFail(w, r, string(kind), err)
		return
	}
	st := http.StatusOK
	if !plan.Valid {
		st = http.StatusUnprocessableEntity
	}
	s.render(w, r, st, "import_preview", &page{Title: "Xem trước: " + kind.Label(), Section: "import",
		Data: importData{Kind: kind, Filename: filename, SHA: sha, Plan: plan}})
}

func (s *Server) importApply(w http.ResponseWriter, r *http.Request) {
	if !scope(r).HasAny(access.Admin) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	kind := importer.Kind(r.PostFormValue("kind"))
	sha, filename := r.PostFormValue("sha"), r.PostFormValue("filename")
	_, data, err := s.files.Open(r.Context(), sha)
	if err != nil {
		s.importFail(w, r, string(kind), errs.InvalidField("file", "Không tìm thấy tệp đã tải lên; vui lòng tải lại."))
		return
	}
	sheet, err := importer.Parse(kind, filename, data)
	if err != nil {
		s.importFail(w, r, string(kind), err)
		return
	}
	res, err := importer.Apply(r.Context(), s.db, scope(r), sheet)
	if err != nil {
		if res != nil && res.Plan != nil {
			s.render(w, r, http.StatusUnprocessableEntity, "import_preview", &page{Title: "Xem trước: " + kind.Label(), Section: "import",
				Error: errs.MessageOf(err), Data: importData{Kind: kind, Filename: filename, SHA: sha, Plan: res.Plan}})
			return
		}
		s.importFail(w, r, string(kind), err)
		return
	}
	s.render(w, r, http.StatusOK, "import_done", &page{Title: "Đã nhập " + kind.Label(), Section: "import",
		Data: importData{Kind: kind, Filename: filename, Result: res}})
}

// apiImport takes the file as the raw body: it answers with the plan (and
// 422 when rows have errors); with apply=1 it imports all or nothing.
func (s *Server) apiImport(w http.ResponseWriter, r *http.Request) {
	kind := importer.Kind(r.PathValue("kind"))
	if !kind.Valid() {
		s.fail(w, r, errs.ErrNotFound)
		return
	}
	if !scope(r).HasAny(access.Admin) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	f, err := s.files.Put(r.Context(), r.Body, importKinds)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, data, err := s.files.Open(r.Context(), f.SHA256)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sheet, err := importer.Parse(kind, r.URL.Query().Get("filename"), data)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.URL.Query().Get("apply") != "1" {
		plan, err := importer.Preview(r.Context(), s.db, scope(r), sheet)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		st := http.StatusOK
		if !plan.Valid {
			st = http.StatusUnprocessableEntity
		}
		writeJSON(w, st, plan)
		return
	}
	res, err := importer.Apply(r.Context(), s.db, scope(r), sheet)
	if err != nil && res != nil && res.Plan != nil {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		json.NewEncoder(w).Encode(struct {
			Problem
			Plan *importer.Plan `json:"plan"`
		}{Problem{Type: "about:blank", Title: titles[422], Status: 422, Detail: errs.MessageOf(err)}, res.Plan})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, res)
}
