package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"thidua/internal/errs"
	"thidua/internal/exemplar"
	"thidua/internal/portal"
)

// registerPortalAPI adds the portal's public JSON API: what the public
// pages show, for apps and the press. No token is needed; answers are
// cached and validated like the pages.
func (s *Server) registerPortalAPI() {
	s.handle("GET /api/v1/portal/exemplars", Public, "Tìm điển hình đang đăng trên cổng thông tin", s.apiPortalSearch)
	s.handle("GET /api/v1/portal/exemplars/{id}", Public, "Xem một điển hình đang đăng", s.apiPortalExemplar)
}

type portalCardJSON struct {
	ID          int64                `json:"id"`
	URL         string               `json:"url"`
	Title       string               `json:"title"`
	Category    exemplar.Category    `json:"category"`
	CategoryLbl string               `json:"category_label"`
	SubjectKind exemplar.SubjectKind `json:"subject_kind"`
	Excerpt     string               `json:"excerpt"`
	CoverURL    string               `json:"cover_url,omitempty"`
	Credit      string               `json:"credit"`
	UnitID      int64                `json:"unit_id,omitempty"`
	Year        int                  `json:"year"`
	PublishedAt time.Time            `json:"published_at"`
	UpdatedAt   time.Time            `json:"updated_at"`
	Score       int                  `json:"score"`
}

func cardJSON(base string, c portal.Card) portalCardJSON {
	j := portalCardJSON{ID: c.ID, URL: base + "/dien-hinh/" + c.Slug, Title: c.Title, Category: c.Category, CategoryLbl: c.Category.Label(),
		SubjectKind: c.Kind, Excerpt: c.Excerpt, Credit: c.Credit, UnitID: c.UnitID, Year: c.Year, PublishedAt: c.First, UpdatedAt: c.Published, Score: c.Score}
	if c.Cover != "" {
		j.CoverURL = base + photoURL(c.Cover)
	}
	return j
}

type portalPhotoJSON struct {
	URL     string `json:"url"`
	Caption string `json:"caption"`
	Width   int    `json:"width,omitempty"`
	Height  int    `json:"height,omitempty"`
}

type portalAdopterJSON struct {
	UnitID    int64  `json:"unit_id"`
	UnitName  string `json:"unit_name"`
	StartedOn string `json:"started_on"`
	Status    string `json:"status"`
	Progress  int    `json:"progress"`
}

type portalExemplarJSON struct {
	portalCardJSON
	Subject      string              `json:"subject"`
	SubjectLine  string              `json:"subject_line"`
	Story        string              `json:"story"`
	Achievements []string            `json:"achievements"`
	Guide        *exemplar.Guide     `json:"guide"`
	Photos       []portalPhotoJSON   `json:"photos"`
	Levels       []string            `json:"levels"`
	SelectedBy   string              `json:"selected_by"`
	RoundName    string              `json:"round_name"`
	Movement     string              `json:"movement,omitempty"`
	Revision     int                 `json:"revision"`
	Adopters     []portalAdopterJSON `json:"adopters"`
}

// publicJSON is a cached JSON answer.
func publicJSON(v any) (*cachedPage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, errs.Wrap(err, "web: encode")
	}
	return &cachedPage{status: http.StatusOK, ctype: "application/json; charset=utf-8", body: buf.Bytes()}, nil
}

func (s *Server) apiPortalSearch(w http.ResponseWriter, r *http.Request) {
	q := parseSearch(r)
	if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && n > 0 {
		q.PerPage = min(n, 100)
	}
	s.servePublic(w, r, true, func(ctx context.Context, st portal.State, base string) (*cachedPage, error) {
		res, err := s.pw.store.SearchAt(ctx, st, q)
		if err != nil {
			return nil, err
		}
		out := listOf[portalCardJSON](res.Total)
		for _, c := range res.Cards {
			out.Items = append(out.Items, cardJSON(base, c))
		}
		return publicJSON(out)
	})
}

func (s *Server) apiPortalExemplar(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.servePublic(w, r, true, func(ctx context.Context, st portal.State, base string) (*cachedPage, error) {
		pg, err := s.pw.store.Page(ctx, id)
		if err != nil {
			return nil, err
		}
		c := portal.Card{ID: pg.ID, Slug: pg.Slug, Title: pg.Title, Category: pg.Category, Kind: pg.SubjectKind, Excerpt: pg.Excerpt(),
			Credit: pg.Credit, UnitID: pg.CreditUnitID, Year: pg.Year, First: pg.First, Published: pg.Published}
		if len(pg.Photos) > 0 {
			c.Cover = pg.Photos[0].PublicSHA
		}
		out := portalExemplarJSON{portalCardJSON: cardJSON(base, c), Subject: pg.Subject, SubjectLine: pg.SubjectLine, Story: pg.Story,
			Achievements: bullets(pg.Achievements), Guide: pg.Guide, Photos: []portalPhotoJSON{}, Levels: pg.Levels, SelectedBy: pg.SelectedBy,
			RoundName: pg.RoundName, Movement: pg.MovementName, Revision: pg.Revision, Adopters: []portalAdopterJSON{}}
		if out.Achievements == nil {
			out.Achievements = []string{}
		}
		if out.Levels == nil {
			out.Levels = []string{}
		}
		for _, ph := range pg.Photos {
			out.Photos = append(out.Photos, portalPhotoJSON{URL: base + photoURL(ph.PublicSHA), Caption: ph.Caption, Width: ph.Width, Height: ph.Height})
		}
		if pg.Adoptable() {
			spread, err := s.pw.store.Spread(ctx, pg.ID)
			if err != nil {
				return nil, err
			}
			for _, a := range spread {
				out.Adopters = append(out.Adopters, portalAdopterJSON{UnitID: a.UnitID, UnitName: a.UnitName, StartedOn: a.Started.Format("2006-01-02"),
					Status: string(a.Status), Progress: a.Progress})
			}
		}
		return publicJSON(out)
	})
}

func init() {
	for k, v := range map[string]opDoc{
		"GET /api/v1/portal/exemplars": {Summary: "Tìm điển hình đang đăng trên cổng thông tin (không cần mã truy cập): q tìm không dấu, xếp hạng như trang tìm kiếm; lọc theo loai (loại), cap-hoc (cấp học), don-vi (đơn vị và cấp dưới), nam (năm), phong-trao; trang (từ 1), limit (tối đa 100)",
			Query: []string{"q", "loai", "cap-hoc", "don-vi", "nam", "phong-trao", "trang", "limit"}, Result: "list:PortalExemplarCard", Status: 200, Public: true},
		"GET /api/v1/portal/exemplars/{id}": {Summary: "Một điển hình đang đăng: câu chuyện, thành tích, ảnh, hướng dẫn nhân rộng, các đơn vị đang áp dụng (404 nếu không còn được đăng)",
			Result: "PortalExemplar", Status: 200, Public: true},
	} {
		apiDocs[k] = v
	}
	card := map[string]any{"id": integ, "url": str, "title": str, "category": enum(categoryValues()...), "category_label": str,
		"subject_kind": enum(string(exemplar.Individual), string(exemplar.Collective)), "excerpt": str, "cover_url": str, "credit": str,
		"unit_id": integ, "year": integ, "published_at": stamp, "updated_at": stamp, "score": integ}
	apiSchemas["PortalExemplarCard"] = obj(card)
	page := map[string]any{}
	for k, v := range card {
		page[k] = v
	}
	for k, v := range map[string]any{"subject": str, "subject_line": str, "story": str, "achievements": strs,
		"guide": map[string]any{"allOf": []any{ref("Guide")}, "nullable": true}, "levels": strs, "selected_by": str, "round_name": str, "movement": str,
		"revision": integ,
		"photos":   map[string]any{"type": "array", "items": obj(map[string]any{"url": str, "caption": str, "width": integ, "height": integ})},
		"adopters": map[string]any{"type": "array", "items": obj(map[string]any{"unit_id": integ, "unit_name": str, "started_on": date,
			"status": enum(string(portal.Applying), string(portal.Completed), string(portal.Stopped)), "progress": integ})}} {
		page[k] = v
	}
	apiSchemas["PortalExemplar"] = obj(page)
}

func categoryValues() []string {
	out := make([]string, len(exemplar.Categories))
	for i, c := range exemplar.Categories {
		out[i] = string(c)
	}
	return out
}
