package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"thidua/internal/activity"
	"thidua/internal/errs"
	"thidua/internal/viet"
)

// The JSON API of propaganda activities: snake_case, dates "2006-01-02",
// null when absent.

type activityFileJSON struct {
	SHA256      string `json:"sha256"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Thumb       string `json:"thumb"` // "", "pending", "ready" or "failed"
	URL         string `json:"url"`   // the page route (browser session)
}

type activityJSON struct {
	ID           int64              `json:"id"`
	UnitID       int64              `json:"unit_id"`
	UnitName     string             `json:"unit_name"`
	Date         string             `json:"date"`
	StartTime    *string            `json:"start_time"`
	EndDate      *string            `json:"end_date"`
	EndTime      *string            `json:"end_time"`
	Status       activity.Status    `json:"status"`
	Title        string             `json:"title"`
	Form         activity.Form      `json:"form"`
	FormLabel    string             `json:"form_label"`
	FormOther    string             `json:"form_other"`
	Participants int                `json:"participants"`
	Reach        int                `json:"reach"`
	Partners     string             `json:"partners"`
	Description  string             `json:"description"`
	Links        []string           `json:"links"`
	Public       bool               `json:"public"`
	MovementIDs  []int64            `json:"movement_ids"`
	CampaignIDs  []int64            `json:"campaign_ids"`
	DossierIDs   []int64            `json:"dossier_ids"` // the linked dossiers the caller may read
	Files        []activityFileJSON `json:"files"`
	Version      int                `json:"version"`
	CreatedBy    int64              `json:"created_by"`
	CreatedAt    time.Time          `json:"created_at"`
	UpdatedAt    time.Time          `json:"updated_at"`
}

func strOrNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (s *Server) toActivityJSON(r *http.Request, a activity.Activity) (activityJSON, error) {
	out := activityJSON{ID: a.ID, UnitID: a.UnitID, UnitName: a.UnitName, Date: a.Date.Format("2006-01-02"), StartTime: strOrNull(a.StartTime),
		EndTime: strOrNull(a.EndTime), Status: a.StatusOn(s.activity.Today()), Title: a.Title, Form: a.Form, FormLabel: a.Form.Label(),
		FormOther: a.FormOther, Participants: a.Participants, Reach: a.Reach, Partners: a.Partners, Description: a.Description,
		Links: a.Links, Public: a.Public, MovementIDs: a.MovementIDs, CampaignIDs: a.CampaignIDs, DossierIDs: []int64{},
		Files: []activityFileJSON{}, Version: a.Version, CreatedBy: a.CreatedBy, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	if a.EndDate != nil {
		out.EndDate = strOrNull(a.EndDate.Format("2006-01-02"))
	}
	links, _, err := s.activity.LinkedDossiers(r.Context(), scope(r), a)
	if err != nil {
		return out, err
	}
	for _, d := range links {
		out.DossierIDs = append(out.DossierIDs, d.ID)
	}
	for _, f := range a.Files {
		out.Files = append(out.Files, activityFileJSON{SHA256: f.SHA256, Name: f.Name, ContentType: f.ContentType, Size: f.Size, Thumb: f.Thumb,
			URL: activityFileHref(a.ID, f.SHA256)})
	}
	return out, nil
}

// activityBody is the request body for logging and editing an activity;
// PUT replaces everything it names (public: null leaves the flag as it
// is).
type activityBody struct {
	Version      int      `json:"version"`
	UnitID       int64    `json:"unit_id"`
	Date         string   `json:"date"`
	StartTime    string   `json:"start_time"`
	EndDate      string   `json:"end_date"`
	EndTime      string   `json:"end_time"`
	Title        string   `json:"title"`
	Form         string   `json:"form"`
	FormOther    string   `json:"form_other"`
	Participants int      `json:"participants"`
	Reach        int      `json:"reach"`
	Partners     string   `json:"partners"`
	Description  string   `json:"description"`
	Links        []string `json:"links"`
	Public       *bool    `json:"public"`
	MovementIDs  []int64  `json:"movement_ids"`
	CampaignIDs  []int64  `json:"campaign_ids"`
	DossierIDs   []int64  `json:"dossier_ids"`
}

func apiDate(v, field string, f errs.Fields) *time.Time {
	if v == "" {
		return nil
	}
	d, ok := viet.ParseDate(v)
	if !ok {
		f.Add(field, "Ngày không hợp lệ; dùng dạng 2025-11-20.")
		return nil
	}
	return &d
}

func (b activityBody) input() (activity.Input, error) {
	f := errs.Fields{}
	in := activity.Input{UnitID: b.UnitID, StartTime: b.StartTime, EndTime: b.EndTime, Title: b.Title, Form: activity.Form(b.Form),
		FormOther: b.FormOther, Participants: b.Participants, Reach: b.Reach, Partners: b.Partners, Description: b.Description,
		Links: b.Links, Public: b.Public, MovementIDs: b.MovementIDs, CampaignIDs: b.CampaignIDs, DossierIDs: b.DossierIDs}
	if d := apiDate(b.Date, "date", f); d != nil {
		in.Date = *d
	}
	in.EndDate = apiDate(b.EndDate, "end_date", f)
	return in, f.Err()
}

type activityListJSON struct {
	Items  []activityJSON `json:"items"`
	Total  int            `json:"total"`
	ByForm map[string]int `json:"by_form"`
	Next   *string        `json:"next"` // cursor: pass as after= for the next (older) page
	Prev   *string        `json:"prev"` // cursor: pass as before= for the previous page
}

// apiFilter reads the API's filter parameters (the API names them after
// the JSON fields: unit_id, school_year, movement_id, campaign_id).
func apiFilter(q url.Values) (activity.Filter, error) {
	bad := errs.Fields{}
	v := url.Values{"unit": {q.Get("unit_id")}, "year": {q.Get("school_year")}, "from": {q.Get("from")}, "to": {q.Get("to")},
		"form": {q.Get("form")}, "status": {q.Get("status")}, "q": {q.Get("q")}}
	if m := q.Get("movement_id"); m != "" {
		v.Set("movement", "m"+m)
	}
	if c := q.Get("campaign_id"); c != "" {
		v.Set("movement", "c"+c)
	}
	f := activityFilter(v, bad)
	if q.Get("form") != "" && f.Form == "" {
		bad.Add("form", "Hình thức tuyên truyền không hợp lệ.")
	}
	if st := q.Get("status"); st != "" && f.Status == "" {
		bad.Add("status", "Trạng thái chỉ có thể là planned (kế hoạch) hoặc held (đã tổ chức).")
	}
	return f, bad.Err()
}

// maxAPIOffset bounds offsets: deeper pages are read with the cursors,
// which cost the same at any depth.
const maxAPIOffset = 10_000

func (s *Server) apiActivityList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := apiFilter(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.Limit, f.Offset = limitOffset(r, 50)
	if f.Offset > maxAPIOffset {
		s.fail(w, r, errs.InvalidField("offset", "offset tối đa "+viet.Int(maxAPIOffset)+"; để đọc sâu hơn, dùng after= với giá trị next của trang trước."))
		return
	}
	f.After, f.Before = q.Get("after"), q.Get("before")
	p, err := s.activity.List(r.Context(), scope(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := activityListJSON{Items: []activityJSON{}, Total: p.Total, ByForm: map[string]int{}, Next: strOrNull(p.Next), Prev: strOrNull(p.Prev)}
	for _, f := range activity.Forms {
		out.ByForm[string(f)] = p.ByForm[f]
	}
	for _, a := range p.Items {
		j, err := s.toActivityJSON(r, a)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out.Items = append(out.Items, j)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) writeActivity(w http.ResponseWriter, r *http.Request, st int, a activity.Activity) {
	j, err := s.toActivityJSON(r, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, st, j)
}

func (s *Server) apiActivityCreate(w http.ResponseWriter, r *http.Request) {
	var b activityBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := b.input()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.activity.Create(r.Context(), scope(r), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/activities/"+strconv.FormatInt(a.ID, 10))
	s.writeActivity(w, r, http.StatusCreated, a)
}

func (s *Server) apiActivityGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.activity.Get(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeActivity(w, r, http.StatusOK, a)
}

var errNoVersion = errs.InvalidField("version", "Thiếu số phiên bản (version) của hoạt động đã đọc.")

func (s *Server) apiActivityUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b activityBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	if b.Version <= 0 {
		s.fail(w, r, errNoVersion)
		return
	}
	in, err := b.input()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.activity.Update(r.Context(), scope(r), id, b.Version, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeActivity(w, r, http.StatusOK, a)
}

// queryVersion reads ?version=N.
func queryVersion(r *http.Request) (int, error) {
	v, err := strconv.Atoi(r.URL.Query().Get("version"))
	if err != nil || v <= 0 {
		return 0, errNoVersion
	}
	return v, nil
}

func (s *Server) apiActivityDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := queryVersion(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.activity.Delete(r.Context(), scope(r), id, v); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type publicBody struct {
	Version int  `json:"version"`
	Public  bool `json:"public"`
}

func (s *Server) apiActivityPublic(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b publicBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	if b.Version <= 0 {
		s.fail(w, r, errNoVersion)
		return
	}
	a, err := s.activity.SetPublic(r.Context(), scope(r), id, b.Version, b.Public)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeActivity(w, r, http.StatusOK, a)
}

func (s *Server) apiActivityAttach(w http.ResponseWriter, r *http.Request) {
	id, v, name, err := rawUpload(r, "hoạt động", "anh-toa-dam.jpg")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.activity.AttachFiles(r.Context(), scope(r), id, v, activity.Upload{Name: name, R: r.Body})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeActivity(w, r, http.StatusOK, a)
}

func (s *Server) apiActivityDetach(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := queryVersion(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.activity.DetachFile(r.Context(), scope(r), id, v, r.PathValue("sha"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeActivity(w, r, http.StatusOK, a)
}

type exportJSON struct {
	ID         int64      `json:"id"`
	Title      string     `json:"title"`
	Status     string     `json:"status"`
	Progress   int        `json:"progress"`
	Total      int        `json:"total"`
	Rows       int        `json:"rows"`
	Error      string     `json:"error"`
	FileURL    *string    `json:"file_url"` // when done
	CreatedAt  time.Time  `json:"created_at"`
	FinishedAt *time.Time `json:"finished_at"`
}

func toExportJSON(e activity.Export) exportJSON {
	out := exportJSON{ID: e.ID, Title: e.Title, Status: e.Status, Progress: e.Progress, Total: e.Total, Rows: e.Rows, Error: e.Error,
		CreatedAt: e.CreatedAt, FinishedAt: e.FinishedAt}
	if e.Status == activity.ExportDone {
		out.FileURL = strOrNull("/api/v1/activity-exports/" + strconv.FormatInt(e.ID, 10) + "/file")
	}
	return out
}

// exportBody is the filter of an export, named as the list's parameters.
type exportBody struct {
	UnitID     int64  `json:"unit_id"`
	SchoolYear int    `json:"school_year"`
	From       string `json:"from"`
	To         string `json:"to"`
	Form       string `json:"form"`
	MovementID int64  `json:"movement_id"`
	CampaignID int64  `json:"campaign_id"`
	Status     string `json:"status"`
	Q          string `json:"q"`
}

func (s *Server) apiActivityExportStart(w http.ResponseWriter, r *http.Request) {
	var b exportBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	q := url.Values{"from": {b.From}, "to": {b.To}, "form": {b.Form}, "status": {b.Status}, "q": {b.Q}}
	for k, v := range map[string]int64{"unit_id": b.UnitID, "school_year": int64(b.SchoolYear), "movement_id": b.MovementID, "campaign_id": b.CampaignID} {
		if v != 0 {
			q.Set(k, strconv.FormatInt(v, 10))
		}
	}
	f, err := apiFilter(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := s.activity.StartExport(r.Context(), scope(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/activity-exports/"+strconv.FormatInt(e.ID, 10))
	writeJSON(w, http.StatusAccepted, toExportJSON(e))
}

func (s *Server) apiActivityExportGet(w http.ResponseWriter, r *http.Request) {
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
	writeJSON(w, http.StatusOK, toExportJSON(e))
}

func (s *Server) apiActivityExportFile(w http.ResponseWriter, r *http.Request) {
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

func init() {
	filter := []string{"unit_id", "school_year", "from", "to", "form", "movement_id", "campaign_id", "status", "q"}
	for k, v := range map[string]opDoc{
		"GET /api/v1/activities": {Summary: "Hoạt động tuyên truyền trong phạm vi của người gọi, mới trước (theo ngày rồi id); lọc theo đơn vị (cả đơn vị trực thuộc), năm học (school_year=2025: 01/08/2025–31/07/2026), khoảng ngày, hình thức, phong trào, đợt thi đua, trạng thái (planned/held), từ khóa không dấu. by_form đếm theo hình thức với mọi điều kiện trừ hình thức. Trang sau: after=next; trang trước: before=prev; offset tối đa 10.000",
			Query: append(append([]string{}, filter...), "limit", "offset", "after", "before"), Result: "ActivityList", Status: 200},
		"POST /api/v1/activities": {Summary: "Ghi hoạt động tuyên truyền (cán bộ, phụ trách thi đua hoặc lãnh đạo tại đơn vị unit_id hay cấp trên); public chỉ lãnh đạo hoặc phụ trách thi đua đặt được",
			Body: "ActivityBody", Result: "Activity", Status: 201},
		"GET /api/v1/activities/{id}": {Summary: "Xem hoạt động tuyên truyền", Result: "Activity", Status: 200},
		"PUT /api/v1/activities/{id}": {Summary: "Sửa hoạt động (thay toàn bộ nội dung; public null: giữ nguyên); version phải là phiên bản đã đọc, nếu không trả 409 và không thay đổi gì",
			Body: "ActivityBody", Result: "Activity", Status: 200},
		"DELETE /api/v1/activities/{id}": {Summary: "Xóa hoạt động (version là phiên bản đã đọc); hoạt động đang công khai chỉ lãnh đạo hoặc phụ trách thi đua xóa được",
			Query: []string{"version"}, Status: 204},
		"POST /api/v1/activities/{id}/public": {Summary: "Công khai (public=true) hoặc thôi công khai hoạt động trên cổng thông tin (lãnh đạo hoặc phụ trách thi đua; version)",
			Body: "ActivityPublicBody", Result: "Activity", Status: 200},
		"POST /api/v1/activities/{id}/files": {Summary: "Đính kèm một tệp minh chứng gửi nguyên văn trong thân yêu cầu (ảnh JPEG/PNG, PDF, Word, Excel; kiểm tra theo nội dung); name là tên tệp, version là phiên bản đã đọc. Tệp bị từ chối không làm thay đổi gì; ảnh được tạo ảnh thu nhỏ ở tác vụ nền",
			Query: []string{"name", "version"}, Body: "file", Result: "Activity", Status: 200},
		"DELETE /api/v1/activities/{id}/files/{sha}": {Summary: "Gỡ tệp minh chứng khỏi hoạt động (version)", Query: []string{"version"}, Result: "Activity", Status: 200},
		"POST /api/v1/activity-exports": {Summary: "Xuất danh sách đã lọc ra Excel ở tác vụ nền; trả về trạng thái, theo dõi bằng GET cho đến khi status là done. Chỉ người yêu cầu xem và tải được tệp",
			Body: "ActivityExportBody", Result: "ActivityExport", Status: 202},
		"GET /api/v1/activity-exports/{id}":      {Summary: "Tiến độ xuất Excel (progress 0–100) và đường dẫn tải khi xong", Result: "ActivityExport", Status: 200},
		"GET /api/v1/activity-exports/{id}/file": {Summary: "Tải tệp Excel đã xuất (409 khi chưa xong)", Result: "file", Status: 200},
	} {
		apiDocs[k] = v
	}
	forms := make([]string, len(activity.Forms))
	for i, f := range activity.Forms {
		forms[i] = string(f)
	}
	nullable := func(m map[string]any) map[string]any {
		out := map[string]any{"nullable": true}
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	ids := map[string]any{"type": "array", "items": integ}
	status := enum(string(activity.Planned), string(activity.Held))
	byForm := map[string]any{}
	for _, f := range forms {
		byForm[f] = integ
	}
	for k, v := range map[string]any{
		"ActivityFile": obj(map[string]any{"sha256": str, "name": str, "content_type": str, "size": integ,
			"thumb": enum("", activity.ThumbPending, activity.ThumbReady, activity.ThumbFailed), "url": str}),
		"Activity": obj(map[string]any{"id": integ, "unit_id": integ, "unit_name": str, "date": date, "start_time": nullable(str),
			"end_date": nullable(date), "end_time": nullable(str), "status": status, "title": str, "form": enum(forms...), "form_label": str,
			"form_other": str, "participants": integ, "reach": integ, "partners": str, "description": str, "links": strs, "public": boolean,
			"movement_ids": ids, "campaign_ids": ids, "dossier_ids": ids, "files": map[string]any{"type": "array", "items": ref("ActivityFile")},
			"version": integ, "created_by": integ, "created_at": stamp, "updated_at": stamp}),
		"ActivityList": obj(map[string]any{"items": map[string]any{"type": "array", "items": ref("Activity")}, "total": integ,
			"by_form": obj(byForm), "next": nullable(str), "prev": nullable(str)}, "items", "total"),
		"ActivityBody": obj(map[string]any{"version": integ, "unit_id": integ, "date": date, "start_time": str, "end_date": date, "end_time": str,
			"title": str, "form": enum(forms...), "form_other": str, "participants": integ, "reach": integ, "partners": str, "description": str,
			"links": strs, "public": nullable(boolean), "movement_ids": ids, "campaign_ids": ids, "dossier_ids": ids}, "date", "title", "form"),
		"ActivityPublicBody": obj(map[string]any{"version": integ, "public": boolean}, "version", "public"),
		"ActivityExportBody": obj(map[string]any{"unit_id": integ, "school_year": integ, "from": date, "to": date, "form": enum(forms...),
			"movement_id": integ, "campaign_id": integ, "status": status, "q": str}),
		"ActivityExport": obj(map[string]any{"id": integ, "title": str, "status": enum(activity.ExportQueued, activity.ExportRunning, activity.ExportDone, activity.ExportFailed),
			"progress": integ, "total": integ, "rows": integ, "error": str, "file_url": nullable(str), "created_at": stamp, "finished_at": nullable(stamp)}),
	} {
		apiSchemas[k] = v
	}
}
