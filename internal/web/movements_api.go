package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"thidua/internal/errs"
	"thidua/internal/movement"
	"thidua/internal/viet"
)

// The JSON API of movements and campaigns: dates as "2006-01-02", null
// when absent.

type movementJSON struct {
	ID             int64   `json:"id"`
	UnitID         int64   `json:"unit_id"`
	UnitName       string  `json:"unit_name"`
	Name           string  `json:"name"`
	Authority      string  `json:"authority"`
	AuthorityLabel string  `json:"authority_label"`
	AuthorityName  string  `json:"authority_name"`
	Launcher       string  `json:"launcher"`
	Kind           string  `json:"kind"`
	StartsOn       string  `json:"starts_on"`
	EndsOn         *string `json:"ends_on"`
	Description    string  `json:"description"`
	Status         string  `json:"status"`
	Version        int     `json:"version"`
	CreatedAt      string  `json:"created_at"`
	UpdatedAt      string  `json:"updated_at"`
}

func toMovementJSON(m movement.Movement) movementJSON {
	return movementJSON{ID: m.ID, UnitID: m.UnitID, UnitName: m.UnitName, Name: m.Name, Authority: string(m.Authority),
		AuthorityLabel: m.Authority.Label(), AuthorityName: m.AuthorityName, Launcher: m.Launcher(), Kind: string(m.Kind),
		StartsOn: m.StartsOn.Format("2006-01-02"), EndsOn: isoDate(m.EndsOn), Description: m.Description, Status: string(m.Status),
		Version: m.Version, CreatedAt: m.CreatedAt.Format(time.RFC3339), UpdatedAt: m.UpdatedAt.Format(time.RFC3339)}
}

type campaignJSON struct {
	ID           int64  `json:"id"`
	MovementID   int64  `json:"movement_id"`
	MovementName string `json:"movement_name"`
	UnitID       int64  `json:"unit_id"`
	UnitName     string `json:"unit_name"`
	Name         string `json:"name"`
	Occasion     string `json:"occasion"`
	StartsOn     string `json:"starts_on"`
	EndsOn       string `json:"ends_on"`
	Description  string `json:"description"`
	Version      int    `json:"version"`
}

func toCampaignJSON(c movement.Campaign) campaignJSON {
	return campaignJSON{ID: c.ID, MovementID: c.MovementID, MovementName: c.MovementName, UnitID: c.UnitID, UnitName: c.UnitName, Name: c.Name,
		Occasion: c.Occasion, StartsOn: c.StartsOn.Format("2006-01-02"), EndsOn: c.EndsOn.Format("2006-01-02"), Description: c.Description,
		Version: c.Version}
}

// movementBody is the request body for recording and editing a movement.
type movementBody struct {
	Version       int    `json:"version"`
	UnitID        int64  `json:"unit_id"`
	Name          string `json:"name"`
	Authority     string `json:"authority"`
	AuthorityName string `json:"authority_name"`
	Kind          string `json:"kind"`
	StartsOn      string `json:"starts_on"`
	EndsOn        string `json:"ends_on"`
	Description   string `json:"description"`
	Status        string `json:"status"`
}

// apiDay reads an optional API date ("2006-01-02" or dd/mm/yyyy).
func apiDay(v, field string, f errs.Fields) *time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	d, ok := viet.ParseDate(v)
	if !ok {
		f.Add(field, "Ngày không hợp lệ; dùng dạng 2026-09-05.")
		return nil
	}
	return &d
}

func (b movementBody) input() (movement.Input, error) {
	f := errs.Fields{}
	in := movement.Input{UnitID: b.UnitID, Name: b.Name, Authority: movement.Authority(b.Authority), AuthorityName: b.AuthorityName,
		Kind: movement.Kind(b.Kind), Description: b.Description, Status: movement.Status(b.Status), EndsOn: apiDay(b.EndsOn, "ends_on", f)}
	if d := apiDay(b.StartsOn, "starts_on", f); d != nil {
		in.StartsOn = *d
	}
	return in, f.Err()
}

type campaignBody struct {
	Version     int    `json:"version"`
	UnitID      int64  `json:"unit_id"`
	Name        string `json:"name"`
	Occasion    string `json:"occasion"`
	StartsOn    string `json:"starts_on"`
	EndsOn      string `json:"ends_on"`
	Description string `json:"description"`
}

func (b campaignBody) input() (movement.CampaignInput, error) {
	f := errs.Fields{}
	in := movement.CampaignInput{UnitID: b.UnitID, Name: b.Name, Occasion: b.Occasion, Description: b.Description}
	if d := apiDay(b.StartsOn, "starts_on", f); d != nil {
		in.StartsOn = *d
	}
	if d := apiDay(b.EndsOn, "ends_on", f); d != nil {
		in.EndsOn = *d
	}
	return in, f.Err()
}

func (s *Server) apiMovementList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := movement.Filter{Status: movement.Status(q.Get("status")), Authority: movement.Authority(q.Get("authority")),
		Kind: movement.Kind(q.Get("kind")), Query: q.Get("q")}
	f.UnitID, _ = strconv.ParseInt(q.Get("unit_id"), 10, 64)
	f.Limit, f.Offset = limitOffset(r, 50)
	ms, total, err := s.movements.List(r.Context(), scope(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := listOf[movementJSON](total)
	for _, m := range ms {
		out.Items = append(out.Items, toMovementJSON(m))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiMovementGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m, err := s.movements.Get(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toMovementJSON(m))
}

func (s *Server) apiMovementCreate(w http.ResponseWriter, r *http.Request) {
	var b movementBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := b.input()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m, err := s.movements.Create(r.Context(), scope(r), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/movements/"+rid(m.ID))
	writeJSON(w, http.StatusCreated, toMovementJSON(m))
}

func (s *Server) apiMovementUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b movementBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	if b.Version <= 0 {
		s.fail(w, r, errs.InvalidField("version", "Thiếu số phiên bản (version) của phong trào đã đọc."))
		return
	}
	in, err := b.input()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m, err := s.movements.Update(r.Context(), scope(r), id, b.Version, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toMovementJSON(m))
}

func (s *Server) apiCampaignList(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cs, err := s.movements.Campaigns(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := listOf[campaignJSON](len(cs))
	for _, c := range cs {
		out.Items = append(out.Items, toCampaignJSON(c))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiCampaignGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.movements.Campaign(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toCampaignJSON(c))
}

func (s *Server) apiCampaignCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b campaignBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := b.input()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.movements.CreateCampaign(r.Context(), scope(r), id, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/campaigns/"+rid(c.ID))
	writeJSON(w, http.StatusCreated, toCampaignJSON(c))
}

func (s *Server) apiCampaignUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b campaignBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	if b.Version <= 0 {
		s.fail(w, r, errs.InvalidField("version", "Thiếu số phiên bản (version) của đợt thi đua đã đọc."))
		return
	}
	in, err := b.input()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := s.movements.UpdateCampaign(r.Context(), scope(r), id, b.Version, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toCampaignJSON(c))
}

func init() {
	authorities := make([]string, len(movement.Authorities))
	for i, a := range movement.Authorities {
		authorities[i] = string(a)
	}
	kinds := enum(string(movement.Regular), string(movement.Themed))
	statuses := enum(string(movement.Active), string(movement.Ended))
	for k, v := range map[string]opDoc{
		"GET /api/v1/movements": {Summary: "Danh sách phong trào thi đua (mọi người dùng đã đăng nhập), đang triển khai trước; q tìm không dấu trong tên, cơ quan phát động, mô tả",
			Query: []string{"q", "status", "authority", "kind", "unit_id", "limit", "offset"}, Result: "list:Movement", Status: 200},
		"POST /api/v1/movements": {Summary: "Ghi nhận phong trào thi đua tại đơn vị unit_id (cán bộ phụ trách thi đua, lãnh đạo hoặc quản trị của đơn vị hay cấp trên)",
			Body: "MovementBody", Result: "Movement", Status: 201},
		"GET /api/v1/movements/{id}": {Summary: "Xem phong trào thi đua", Result: "Movement", Status: 200},
		"PUT /api/v1/movements/{id}": {Summary: "Sửa phong trào thi đua; version phải là phiên bản đã đọc, nếu không trả 409",
			Body: "MovementBody", Result: "Movement", Status: 200},
		"GET /api/v1/movements/{id}/campaigns": {Summary: "Các đợt thi đua của phong trào, sớm trước", Result: "list:Campaign", Status: 200},
		"POST /api/v1/movements/{id}/campaigns": {Summary: "Thêm đợt thi đua vào phong trào, ghi nhận tại đơn vị unit_id (bỏ trống: đơn vị ghi nhận phong trào); ngày nằm trong thời gian của phong trào",
			Body: "CampaignBody", Result: "Campaign", Status: 201},
		"GET /api/v1/campaigns/{id}": {Summary: "Xem đợt thi đua", Result: "Campaign", Status: 200},
		"PUT /api/v1/campaigns/{id}": {Summary: "Sửa đợt thi đua; version phải là phiên bản đã đọc, nếu không trả 409",
			Body: "CampaignBody", Result: "Campaign", Status: 200},
	} {
		apiDocs[k] = v
	}
	for k, v := range map[string]any{
		"Movement": obj(map[string]any{"id": integ, "unit_id": integ, "unit_name": str, "name": str, "authority": enum(authorities...),
			"authority_label": str, "authority_name": str, "launcher": str, "kind": kinds, "starts_on": date,
			"ends_on": map[string]any{"type": "string", "format": "date", "nullable": true}, "description": str, "status": statuses,
			"version": integ, "created_at": stamp, "updated_at": stamp}),
		"MovementBody": obj(map[string]any{"version": integ, "unit_id": integ, "name": str, "authority": enum(authorities...),
			"authority_name": map[string]any{"type": "string", "description": "Tên cơ quan phát động; bắt buộc khi authority là other"},
			"kind":           kinds, "starts_on": date, "ends_on": date, "description": str, "status": statuses}, "name", "authority", "kind", "starts_on"),
		"Campaign": obj(map[string]any{"id": integ, "movement_id": integ, "movement_name": str, "unit_id": integ, "unit_name": str, "name": str,
			"occasion": str, "starts_on": date, "ends_on": date, "description": str, "version": integ}),
		"CampaignBody": obj(map[string]any{"version": integ, "unit_id": integ, "name": str,
			"occasion":  map[string]any{"type": "string", "description": "Sự kiện gắn với đợt, ví dụ Ngày Nhà giáo Việt Nam 20/11"},
			"starts_on": date, "ends_on": date, "description": str}, "name", "starts_on", "ends_on"),
	} {
		apiSchemas[k] = v
	}
}
