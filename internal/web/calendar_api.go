package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"thidua/internal/calendar"
	"thidua/internal/errs"
	"thidua/internal/viet"
)

// --- DTOs

type eventJSON struct {
	UID       string        `json:"uid"`
	Kind      calendar.Kind `json:"kind"`
	KindLabel string        `json:"kind_label"`
	Title     string        `json:"title"`
	Detail    string        `json:"detail"`
	Start     time.Time     `json:"start"`
	End       *time.Time    `json:"end"`
	AllDay    bool          `json:"all_day"`
	FirstDay  string        `json:"first_day"`
	LastDay   string        `json:"last_day"`
	UnitID    int64         `json:"unit_id"`
	UnitName  string        `json:"unit_name"`
	URL       string        `json:"url"`
	Remind    bool          `json:"remind"`
	Public    bool          `json:"public"`
}

func toEventJSON(e calendar.Event) eventJSON {
	first, last := e.Days()
	out := eventJSON{UID: e.UID, Kind: e.Kind, KindLabel: e.Kind.Label(), Title: e.Title, Detail: e.Detail, Start: e.Start.In(viet.Zone),
		AllDay: e.AllDay, FirstDay: first.Format(time.DateOnly), LastDay: last.Format(time.DateOnly), UnitID: e.UnitID, UnitName: e.UnitName,
		URL: e.URL, Remind: e.Remind, Public: e.Public}
	if !e.End.IsZero() {
		end := e.End.In(viet.Zone)
		out.End = &end
	}
	return out
}

type calendarJSON struct {
	UnitID   int64       `json:"unit_id"`
	UnitName string      `json:"unit_name"`
	From     string      `json:"from"`
	To       string      `json:"to"`
	Partial  bool        `json:"partial"`
	Items    []eventJSON `json:"items"`
	Total    int         `json:"total"`
}

type keyDateJSON struct {
	ID        int64     `json:"id"`
	National  bool      `json:"national"`
	UnitID    *int64    `json:"unit_id"`
	UnitName  string    `json:"unit_name"`
	Month     int       `json:"month"`
	Day       int       `json:"day"`
	SinceYear *int      `json:"since_year"`
	Name      string    `json:"name"`
	Note      string    `json:"note"`
	Public    bool      `json:"public"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toKeyDateJSON(k calendar.Observance) keyDateJSON {
	out := keyDateJSON{ID: k.ID, National: k.National(), UnitName: k.UnitName, Month: k.Month, Day: k.Day, Name: k.Name, Note: k.Note,
		Public: k.Public, Version: k.Version, CreatedAt: k.CreatedAt, UpdatedAt: k.UpdatedAt}
	if !k.National() {
		id := k.UnitID
		out.UnitID = &id
	}
	if k.SinceYear != 0 {
		y := k.SinceYear
		out.SinceYear = &y
	}
	return out
}

// keyDateBody is the request body for creating and editing a key date.
type keyDateBody struct {
	Version   int    `json:"version"`
	UnitID    int64  `json:"unit_id"`
	Month     int    `json:"month"`
	Day       int    `json:"day"`
	SinceYear int    `json:"since_year"`
	Name      string `json:"name"`
	Note      string `json:"note"`
	Public    *bool  `json:"public"`
}

func (b keyDateBody) input() calendar.ObservanceInput {
	public := true
	if b.Public != nil {
		public = *b.Public
	}
	return calendar.ObservanceInput{UnitID: b.UnitID, Month: b.Month, Day: b.Day, SinceYear: b.SinceYear, Name: b.Name, Note: b.Note, Public: public}
}

type feedJSON struct {
	ID         int64      `json:"id"`
	UnitID     int64      `json:"unit_id"`
	UnitName   string     `json:"unit_name"`
	Live       bool       `json:"live"`
	URL        string     `json:"url,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	RenewedAt  time.Time  `json:"renewed_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

type feedBody struct {
	UnitID int64 `json:"unit_id"`
}

// --- the calendar

// apiCalendar answers GET /api/v1/calendar: from and to are days, both
// included (default: the current month).
func (s *Server) apiCalendar(w http.ResponseWriter, r *http.Request) {
	u, ok, err := s.calendarUnit(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !ok {
		s.fail(w, r, errs.InvalidField("unit_id", "Bạn chưa có vai trò tại đơn vị nào; cho biết unit_id."))
		return
	}
	q := r.URL.Query()
	first := calendar.MonthStart(s.cal.Today())
	from, last := first, first.AddDate(0, 1, -1)
	f := errs.Fields{}
	day := func(name string, def time.Time) time.Time {
		v := q.Get(name)
		if v == "" {
			return def
		}
		d, ok := viet.ParseDate(v)
		if !ok {
			f.Add(name, "Ngày không hợp lệ; dùng dạng 2026-06-30.")
			return def
		}
		return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, viet.Zone)
	}
	from, last = day("from", from), day("to", last)
	var kinds []calendar.Kind
	for _, v := range q["kind"] {
		for _, k := range strings.Split(v, ",") {
			if k = strings.TrimSpace(k); k != "" {
				kinds = append(kinds, calendar.Kind(k))
			}
		}
	}
	if err := f.Err(); err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.cal.Events(r.Context(), scope(r), calendar.Query{UnitID: u.ID, From: from, To: last.AddDate(0, 0, 1), Kinds: kinds})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := calendarJSON{UnitID: u.ID, UnitName: u.Name, From: from.Format(time.DateOnly), To: last.Format(time.DateOnly), Partial: res.Failed > 0,
		Items: make([]eventJSON, 0, len(res.Events)), Total: len(res.Events)}
	for _, e := range res.Events {
		out.Items = append(out.Items, toEventJSON(e))
	}
	writeJSON(w, http.StatusOK, out)
}

// --- key dates

func (s *Server) apiKeyDateList(w http.ResponseWriter, r *http.Request) {
	sc := scope(r)
	var unitID int64
	if v := r.URL.Query().Get("unit_id"); v != "" {
		id, _ := strconv.ParseInt(v, 10, 64)
		u, err := s.units.Get(r.Context(), sc, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		unitID = u.ID
	}
	kds, err := s.keyDates.For(r.Context(), sc, unitID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := listOf[keyDateJSON](len(kds))
	for _, k := range kds {
		out.Items = append(out.Items, toKeyDateJSON(k))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiKeyDateGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	k, err := s.keyDates.Get(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toKeyDateJSON(k))
}

func (s *Server) apiKeyDateCreate(w http.ResponseWriter, r *http.Request) {
	var b keyDateBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	k, err := s.keyDates.Create(r.Context(), scope(r), b.input())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/key-dates/"+strconv.FormatInt(k.ID, 10))
	writeJSON(w, http.StatusCreated, toKeyDateJSON(k))
}

func (s *Server) apiKeyDateUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b keyDateBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	if b.Version <= 0 {
		s.fail(w, r, errs.InvalidField("version", "Thiếu số phiên bản (version) của ngày kỷ niệm đã đọc."))
		return
	}
	k, err := s.keyDates.Update(r.Context(), scope(r), id, b.Version, b.input())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toKeyDateJSON(k))
}

func (s *Server) apiKeyDateDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	version := queryInt(r, "version", 0)
	if version <= 0 {
		s.fail(w, r, errs.InvalidField("version", "Thiếu số phiên bản (version) của ngày kỷ niệm đã đọc."))
		return
	}
	if err := s.keyDates.Delete(r.Context(), scope(r), id, version); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// --- feeds

func (s *Server) toFeedJSON(r *http.Request, f calendar.Feed, token string) feedJSON {
	out := feedJSON{ID: f.ID, UnitID: f.UnitID, UnitName: f.UnitName, Live: calendar.Live(scope(r), f), CreatedAt: f.CreatedAt,
		RenewedAt: f.RenewedAt, LastUsedAt: f.LastUsedAt}
	if token != "" {
		out.URL = s.absURL(r, calendar.FeedPath(token))
	}
	return out
}

func (s *Server) apiFeedList(w http.ResponseWriter, r *http.Request) {
	feeds, err := s.feeds.Mine(r.Context(), scope(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := listOf[feedJSON](len(feeds))
	for _, f := range feeds {
		out.Items = append(out.Items, s.toFeedJSON(r, f, ""))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiFeedCreate(w http.ResponseWriter, r *http.Request) {
	var b feedBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	f, token, err := s.feeds.Create(r.Context(), scope(r), b.UnitID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.toFeedJSON(r, f, token))
}

func (s *Server) apiFeedRenew(w http.ResponseWriter, r *http.Request) {
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
	writeJSON(w, http.StatusOK, s.toFeedJSON(r, f, token))
}

func (s *Server) apiFeedRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.feeds.Revoke(r.Context(), scope(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// --- OpenAPI

func init() {
	kinds := enum("keydate", "deadline", "round", "campaign", "activity")
	for name, schema := range map[string]any{
		"CalendarEvent": obj(map[string]any{"uid": str, "kind": kinds, "kind_label": str, "title": str, "detail": str,
			"start":     map[string]any{"type": "string", "format": "date-time", "description": "Giờ Việt Nam (+07:00); sự kiện cả ngày bắt đầu lúc 00:00"},
			"end":       map[string]any{"type": "string", "format": "date-time", "description": "null: một thời điểm, hoặc một ngày khi all_day; với sự kiện cả ngày là ngày cuối (tính cả ngày đó)"},
			"all_day":   boolean,
			"first_day": date, "last_day": date, "unit_id": integ, "unit_name": str,
			"url":    map[string]any{"type": "string", "description": "Đường dẫn trong thidua"},
			"remind": map[string]any{"type": "boolean", "description": "Thời hạn đơn vị phải hoàn thành: có nhắc trước hạn"},
			"public": map[string]any{"type": "boolean", "description": "Có trong lịch công khai"}}),
		"Calendar": obj(map[string]any{"unit_id": integ, "unit_name": str, "from": date, "to": date,
			"partial": map[string]any{"type": "boolean", "description": "true: một nguồn dữ liệu bị lỗi nên lịch chưa đầy đủ"},
			"items":   map[string]any{"type": "array", "items": ref("CalendarEvent")}, "total": integ}, "items", "total"),
		"KeyDate": obj(map[string]any{"id": integ, "national": boolean,
			"unit_id": map[string]any{"type": "integer", "description": "null: ngày kỷ niệm toàn quốc"}, "unit_name": str,
			"month": integ, "day": integ, "since_year": map[string]any{"type": "integer", "description": "Năm của sự kiện được kỷ niệm (để tính số năm), có thể null"},
			"name": str, "note": str, "public": boolean, "version": integ, "created_at": stamp, "updated_at": stamp}),
		"KeyDateBody": obj(map[string]any{"version": integ,
			"unit_id": map[string]any{"type": "integer", "description": "Đơn vị (ngày truyền thống, ngày thành lập); 0: toàn quốc, chỉ quản trị hệ thống"},
			"month":   integ, "day": integ, "since_year": integ, "name": str, "note": str,
			"public": map[string]any{"type": "boolean", "description": "Mặc định true"}}, "month", "day", "name"),
		"CalendarFeed": obj(map[string]any{"id": integ, "unit_id": integ, "unit_name": str,
			"live":       map[string]any{"type": "boolean", "description": "false: chủ đường dẫn không còn vai trò tại đơn vị nên lịch không trả gì"},
			"url":        map[string]any{"type": "string", "description": "Đường dẫn bí mật, chỉ trả về khi vừa tạo hoặc tạo lại"},
			"created_at": stamp, "renewed_at": stamp, "last_used_at": stamp}),
		"CalendarFeedBody": obj(map[string]any{"unit_id": integ}, "unit_id"),
	} {
		apiSchemas[name] = schema
	}
	for k, d := range map[string]opDoc{
		"GET /api/v1/calendar": {Summary: "Lịch của đơn vị unit_id (mặc định đơn vị của người gọi) từ ngày from đến ngày to (tính cả hai ngày; mặc định tháng hiện tại, tối đa 500 ngày), lọc theo kind (lặp lại hoặc cách nhau bởi dấu phẩy); sắp theo thời gian",
			Query: []string{"unit_id", "from", "to", "kind"}, Result: "Calendar", Status: 200},
		"GET /api/v1/key-dates": {Summary: "Ngày kỷ niệm áp dụng cho đơn vị unit_id: toàn quốc, của đơn vị và của các đơn vị cấp trên (không có unit_id: chỉ toàn quốc)",
			Query: []string{"unit_id"}, Result: "list:KeyDate", Status: 200},
		"POST /api/v1/key-dates": {Summary: "Thêm ngày kỷ niệm của đơn vị (quản trị viên, cán bộ phụ trách thi đua của đơn vị) hoặc toàn quốc (quản trị hệ thống)",
			Body: "KeyDateBody", Result: "KeyDate", Status: 201},
		"GET /api/v1/key-dates/{id}": {Summary: "Xem ngày kỷ niệm", Result: "KeyDate", Status: 200},
		"PUT /api/v1/key-dates/{id}": {Summary: "Sửa ngày kỷ niệm (không đổi đơn vị); version phải là phiên bản đã đọc, nếu không trả 409",
			Body: "KeyDateBody", Result: "KeyDate", Status: 200},
		"DELETE /api/v1/key-dates/{id}": {Summary: "Xóa ngày kỷ niệm; version (tham số) phải là phiên bản đã đọc, nếu không trả 409",
			Query: []string{"version"}, Status: 204},
		"GET /api/v1/calendar/feeds": {Summary: "Các đường dẫn lịch (ICS) của người gọi", Result: "list:CalendarFeed", Status: 200},
		"POST /api/v1/calendar/feeds": {Summary: "Tạo đường dẫn lịch bí mật (ICS) cho một đơn vị người gọi có vai trò; url chỉ trả về lần này. Đã có đường dẫn của đơn vị đó: 409",
			Body: "CalendarFeedBody", Result: "CalendarFeed", Status: 201},
		"POST /api/v1/calendar/feeds/{id}/regenerate": {Summary: "Tạo lại đường dẫn lịch: đường dẫn cũ hết hiệu lực ngay; url mới chỉ trả về lần này",
			Result: "CalendarFeed", Status: 200},
		"DELETE /api/v1/calendar/feeds/{id}": {Summary: "Thu hồi đường dẫn lịch", Status: 204},
	} {
		apiDocs[k] = d
	}
}
