package web

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/exemplar"
	"thidua/internal/selection"
	"thidua/internal/unit"
)

// testPNG is a small PNG image whose bytes differ with seed.
func testPNG(t testing.TB, seed int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{uint8(seed), uint8(seed >> 8), uint8(seed >> 16), 255})
	img.Set(1, 1, color.RGBA{200, 30, 30, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// dossierEnv is a small tree (Sở → Phòng → schools A and B) with people
// holding roles at the schools and at the Phòng.
type dossierEnv struct {
	*testEnv
	so, phong, a, b                  unit.Unit
	staffA, leaderA, staffB, officer account.User
}

func newDossierEnv(t *testing.T, db *database.DB) *dossierEnv {
	t.Helper()
	e := &dossierEnv{testEnv: newEnv(t, db, 0, Options{})}
	e.so = e.mkUnit(t, nil, unit.Department, "SO-GD", "Sở Giáo dục và Đào tạo thử")
	e.phong = e.mkUnit(t, &e.so, unit.Office, "PGD-TA", "Phòng Giáo dục và Đào tạo Thuận An")
	e.a = e.mkUnit(t, &e.phong, unit.School, "TH-AP", "Trường Tiểu học An Phú", "TH")
	e.b = e.mkUnit(t, &e.phong, unit.School, "TH-BH", "Trường Tiểu học Bình Hòa", "TH")
	e.staffA = e.mkUser(t, "gv.anphu", e.a.ID, false, roleAt{access.Staff, e.a.ID})
	e.leaderA = e.mkUser(t, "ht.anphu", e.a.ID, false, roleAt{access.Leader, e.a.ID})
	e.staffB = e.mkUser(t, "gv.binhhoa", e.b.ID, false, roleAt{access.Staff, e.b.ID})
	e.officer = e.mkUser(t, "cb.phong", e.phong.ID, false, roleAt{access.Officer, e.phong.ID})
	return e
}

// scopeOf is the access scope of a user, as a session carries it.
func (e *testEnv) scopeOf(t testing.TB, userID int64) access.Scope {
	t.Helper()
	tok, _ := e.session(t, userID, account.API)
	s, err := e.accounts.Resolve(context.Background(), tok, account.API)
	if err != nil {
		t.Fatal(err)
	}
	return s.Scope
}

// teacherForm is a complete dossier form about a teacher of unit.
func teacherForm(unitID int64, csrf string) url.Values {
	return url.Values{"csrf": {csrf}, "unit_id": {strconv.FormatInt(unitID, 10)}, "subject_kind": {"individual"},
		"person.ho": {"Nguyễn"}, "person.dem": {"Thị"}, "person.ten": {"Hạnh"}, "person.gender": {"nu"}, "person.birth_year": {"1986"},
		"person.position": {"Giáo viên lớp 4"}, "category": {"outstanding"}, "title": {"Cô giáo dạy giỏi cấp tỉnh"},
		"summary":                      {"Ba năm liền giáo viên dạy giỏi.\nHướng dẫn học sinh đạt giải Trạng nguyên Tiếng Việt."},
		"criteria.achievement.checked": {"1"}, "criteria.achievement.evidence": {"Giấy chứng nhận giáo viên dạy giỏi cấp tỉnh 2024"}}
}

// newPage GETs a page and returns the answer and the page's CSRF token.
func (e *testEnv) newPage(t *testing.T, path, token string) (*httptest.ResponseRecorder, string) {
	t.Helper()
	w := e.serve(pageReq("GET", path, token, nil))
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", path, outcome(w), snippet(w))
	}
	return w, csrfOf(t, w)
}

// createDossier posts the form and returns the new dossier's id.
func (e *testEnv) createDossier(t *testing.T, token string, form url.Values) int64 {
	t.Helper()
	w := e.serve(pageReq("POST", "/dossiers", token, form))
	loc := w.Header().Get("Location")
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/dossiers/") {
		t.Fatalf("POST /dossiers: %s: %s", outcome(w), snippet(w))
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(loc, "/dossiers/"), 10, 64)
	if err != nil {
		t.Fatalf("redirect to %q", loc)
	}
	return id
}

func (e *testEnv) dossier(t testing.TB, id int64) exemplar.Dossier {
	t.Helper()
	d, err := e.srv.dossiers.Get(context.Background(), access.System(), id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// errAt reports whether a page shows msg as the error of field (the "err"
// partial), with the field marked invalid.
func errAt(body, field, msg string) bool {
	re := regexp.MustCompile(`id="err-` + regexp.QuoteMeta(field) + `">([^<]*)<`)
	m := re.FindStringSubmatch(body)
	return m != nil && strings.Contains(m[1], msg) && strings.Contains(body, `aria-describedby="err-`+field+`"`)
}

func TestDossierForm(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newDossierEnv(t, db)
		tok, _ := e.session(t, e.staffA.ID, account.Web)

		w, csrf := e.newPage(t, "/dossiers/new", tok)
		body := w.Body.String()
		if !strings.Contains(body, `<option value="`+strconv.FormatInt(e.a.ID, 10)+`" selected>`+e.a.Name) {
			t.Errorf("the form does not offer (and preselect) the staff member's school")
		}
		if strings.Contains(body, e.b.Name) {
			t.Errorf("the form offers another school")
		}
		for _, c := range exemplar.Criteria {
			if !strings.Contains(body, `name="criteria.`+c.Key+`.evidence"`) {
				t.Errorf("no evidence field for criterion %s", c.Key)
			}
		}

		id := e.createDossier(t, tok, teacherForm(e.a.ID, csrf))
		d := e.dossier(t, id)
		if d.Title != "Cô giáo dạy giỏi cấp tỉnh" || d.Person == nil || d.Person.FullName() != "Nguyễn Thị Hạnh" || d.Person.BirthYear != 1986 || d.UnitID != e.a.ID {
			t.Errorf("stored dossier = %+v", d)
		}
		if c, _ := d.Criterion("achievement"); !c.Checked || c.Evidence == "" {
			t.Errorf("criterion achievement = %+v", c)
		}
		if c, _ := d.Criterion("innovation"); c.Checked {
			t.Error("an unticked criterion was stored ticked")
		}

		// Listed (also by a folded search), and shown on its page.
		for _, p := range []string{"/dossiers", "/dossiers?q=co+giao+day+gioi", "/dossiers?category=outstanding&kind=individual&unit=" + strconv.FormatInt(e.a.ID, 10)} {
			if w := e.serve(pageReq("GET", p, tok, nil)); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `href="/dossiers/`+strconv.FormatInt(id, 10)+`"`) {
				t.Errorf("GET %s: %s, want the dossier listed", p, outcome(w))
			}
		}
		if w := e.serve(pageReq("GET", "/dossiers?category=new_model", tok, nil)); strings.Contains(w.Body.String(), `href="/dossiers/`+strconv.FormatInt(id, 10)+`"`) {
			t.Error("the category filter does not filter")
		}
		w = e.serve(pageReq("GET", "/dossiers/"+strconv.FormatInt(id, 10), tok, nil))
		body = w.Body.String()
		for _, want := range []string{"Cô giáo dạy giỏi cấp tỉnh", "Nguyễn Thị Hạnh", "Giấy chứng nhận giáo viên dạy giỏi cấp tỉnh 2024", "Thành tích xuất sắc trong phong trào thi đua"} {
			if w.Code != http.StatusOK || !strings.Contains(body, want) {
				t.Errorf("dossier page (%s) lacks %q", outcome(w), want)
			}
		}

		// A bad form comes back with the messages at their fields and
		// saves nothing.
		dossiers, persons := e.countRows(t, "SELECT COUNT(*) FROM dossiers"), e.countRows(t, "SELECT COUNT(*) FROM persons")
		bad := teacherForm(e.a.ID, csrf)
		bad.Set("person.ten", "")
		bad.Set("person.gender", "khac")
		bad.Set("category", "")
		bad.Set("criteria.innovation.evidence", strings.Repeat("x", 10001))
		w = e.serve(pageReq("POST", "/dossiers", tok, bad))
		body = w.Body.String()
		if w.Code != http.StatusUnprocessableEntity {
			t.Fatalf("bad form: %s: %s, want 422", outcome(w), snippet(w))
		}
		for field, msg := range map[string]string{"person.ten": "Nhập tên của cá nhân.", "person.gender": "Giới tính chỉ có thể là Nam hoặc Nữ.",
			"category": "Chọn lĩnh vực/loại điển hình.", "criteria.innovation": "Minh chứng dài quá"} {
			if !errAt(body, field, msg) {
				t.Errorf("bad form: no %q at %s", msg, field)
			}
			if !strings.Contains(body, `id="f-`+field+`"`) || !strings.Contains(body, `href="#f-`+field+`"`) {
				t.Errorf("bad form: the summary does not link to the input f-%s", field)
			}
		}
		if !strings.Contains(body, `value="Nguyễn"`) || !strings.Contains(body, "Hướng dẫn học sinh đạt giải") {
			t.Error("bad form: what was typed is lost")
		}
		bad = teacherForm(e.a.ID, csrf)
		bad.Set("person.birth_year", "năm tám sáu")
		if w := e.serve(pageReq("POST", "/dossiers", tok, bad)); w.Code != http.StatusUnprocessableEntity || !errAt(w.Body.String(), "person.birth_year", "Năm sinh phải là một số") {
			t.Errorf("birth year in words: %s: %s", outcome(w), snippet(w))
		}
		if e.countRows(t, "SELECT COUNT(*) FROM dossiers") != dossiers || e.countRows(t, "SELECT COUNT(*) FROM persons") != persons {
			t.Error("a refused form saved something")
		}

		// A collective that is the school itself takes the school's name.
		form := teacherForm(e.a.ID, csrf)
		form.Set("subject_kind", "collective")
		form.Set("collective_is_unit", "1")
		form.Set("category", "new_model")
		c := e.dossier(t, e.createDossier(t, tok, form))
		if c.SubjectKind != exemplar.Collective || c.CollectiveUnitID != e.a.ID || c.CollectiveName != e.a.Name || c.Person != nil {
			t.Errorf("collective dossier = %+v", c)
		}

		// Viewers and administrators do not draft.
		viewer := e.mkUser(t, "xem.anphu", e.a.ID, false, roleAt{access.Viewer, e.a.ID}, roleAt{access.Admin, e.a.ID})
		vtok, vcsrf := e.session(t, viewer.ID, account.Web)
		if w := e.serve(pageReq("GET", "/dossiers/new", vtok, nil)); w.Code != http.StatusForbidden {
			t.Errorf("viewer GET /dossiers/new: %s, want 403", outcome(w))
		}
		if w := e.serve(pageReq("POST", "/dossiers", vtok, teacherForm(e.a.ID, vcsrf))); w.Code != http.StatusForbidden {
			t.Errorf("viewer POST /dossiers: %s, want 403", outcome(w))
		}
		if w := e.serve(pageReq("GET", "/dossiers", vtok, nil)); strings.Contains(w.Body.String(), "+ Hồ sơ mới") || !strings.Contains(w.Body.String(), "Cô giáo dạy giỏi") {
			t.Error("viewer's list: offers a new dossier or lacks the school's dossier")
		}
	})
}

func TestDossierEditStale(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newDossierEnv(t, db)
		tok, _ := e.session(t, e.staffA.ID, account.Web)
		_, csrf := e.newPage(t, "/dossiers/new", tok)
		id := e.createDossier(t, tok, teacherForm(e.a.ID, csrf))
		path := "/dossiers/" + strconv.FormatInt(id, 10) + "/edit"

		w, _ := e.newPage(t, path, tok)
		if !strings.Contains(w.Body.String(), `name="version" value="1"`) || !strings.Contains(w.Body.String(), `value="Cô giáo dạy giỏi cấp tỉnh"`) {
			t.Fatalf("edit form lacks the version or the title: %s", snippet(w))
		}
		form := dossierForm(e.dossier(t, id))
		form.Set("csrf", csrf)
		form.Set("title", "Cô giáo Hạnh: dạy giỏi cấp tỉnh")
		form.Set("guide.steps", "1. Soạn bài\n2. Dự giờ")
		if w := e.serve(pageReq("POST", path, tok, form)); w.Code != http.StatusSeeOther {
			t.Fatalf("edit: %s: %s", outcome(w), snippet(w))
		}
		d := e.dossier(t, id)
		if d.Title != "Cô giáo Hạnh: dạy giỏi cấp tỉnh" || d.Version != 2 || d.Guide == nil || d.Guide.Steps != "1. Soạn bài\n2. Dự giờ" {
			t.Fatalf("after the edit: title %q version %d guide %+v", d.Title, d.Version, d.Guide)
		}
		// The same form again carries version 1: stale.
		form.Set("title", "Ghi đè")
		w = e.serve(pageReq("POST", path, tok, form))
		if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "Dữ liệu đã được người khác thay đổi") || !strings.Contains(w.Body.String(), `value="Ghi đè"`) {
			t.Errorf("stale edit: %s: %s, want 409 with the message and the typed text kept", outcome(w), snippet(w))
		}
		if got := e.dossier(t, id); got.Title != d.Title || got.Version != 2 {
			t.Errorf("a stale edit changed the dossier: %q v%d", got.Title, got.Version)
		}
		// Another school's staff cannot even open the form.
		btok, bcsrf := e.session(t, e.staffB.ID, account.Web)
		form.Set("csrf", bcsrf)
		form.Set("version", "2")
		for _, r := range []*http.Request{pageReq("GET", path, btok, nil), pageReq("POST", path, btok, form)} {
			if w := e.serve(r); w.Code != http.StatusNotFound {
				t.Errorf("staff of B %s %s: %s, want 404", r.Method, path, outcome(w))
			}
		}
	})
}

// upload posts a file to the dossier's page form.
func (e *testEnv) upload(t *testing.T, token, csrf string, id int64, version int, criterion, name string, data []byte) *httptest.ResponseRecorder {
	t.Helper()
	body, ct := multipartBody(t, map[string]string{"csrf": csrf, "version": strconv.Itoa(version), "criterion": criterion}, "file", name, data)
	r := httptest.NewRequest("POST", "/dossiers/"+strconv.FormatInt(id, 10)+"/files", bytes.NewReader(body))
	r.Header.Set("Content-Type", ct)
	r.AddCookie(&http.Cookie{Name: SessionCookie, Value: token})
	return e.serve(r)
}

func TestDossierFiles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newDossierEnv(t, db)
		tok, _ := e.session(t, e.staffA.ID, account.Web)
		_, csrf := e.newPage(t, "/dossiers/new", tok)
		id := e.createDossier(t, tok, teacherForm(e.a.ID, csrf))
		sid := strconv.FormatInt(id, 10)

		img := testPNG(t, 1)
		if w := e.upload(t, tok, csrf, id, 1, "achievement", `C:\fakepath\giấy khen 2024.png`, img); w.Code != http.StatusSeeOther {
			t.Fatalf("upload PNG: %s: %s", outcome(w), snippet(w))
		}
		d := e.dossier(t, id)
		c, _ := d.Criterion("achievement")
		if len(c.Files) != 1 || c.Files[0].Name != "giấy khen 2024.png" || c.Files[0].ContentType != "image/png" || d.Version != 2 {
			t.Fatalf("after the upload: files %+v, version %d", c.Files, d.Version)
		}
		sha := c.Files[0].SHA256
		page := e.serve(pageReq("GET", "/dossiers/"+sid, tok, nil)).Body.String()
		if !strings.Contains(page, `href="/dossiers/`+sid+`/files/`+sha+`"`) || !strings.Contains(page, "giấy khen 2024.png") {
			t.Error("the dossier page does not link the file")
		}

		// Download.
		w := e.serve(pageReq("GET", "/dossiers/"+sid+"/files/"+sha, tok, nil))
		if w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), img) {
			t.Fatalf("download: %s, %d bytes", outcome(w), w.Body.Len())
		}
		h := w.Header()
		if h.Get("Content-Type") != "image/png" || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("Content-Disposition") != `attachment; filename*=utf-8''gi%E1%BA%A5y%20khen%202024.png` {
			t.Errorf("download headers: %v", h)
		}

		// An HTML page named .png is refused; the dossier stays as it was.
		html := []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")
		w = e.upload(t, tok, csrf, id, 2, "achievement", "anh-minh-chung.png", html)
		if w.Code != http.StatusUnprocessableEntity || !errAt(w.Body.String(), "file", "Loại tệp không được chấp nhận") {
			t.Errorf("renamed HTML: %s: %s, want 422 with the refusal at the file field", outcome(w), snippet(w))
		}
		if got := e.dossier(t, id); got.Version != 2 || len(got.Criteria[1].Files)+len(got.Files) != 1 {
			t.Errorf("after the refused upload: version %d, %+v", got.Version, got.Criteria)
		}
		// No file chosen, a stale version, an unknown criterion.
		if w := e.upload(t, tok, csrf, id, 2, "achievement", "", nil); w.Code != http.StatusUnprocessableEntity || !errAt(w.Body.String(), "file", "Chọn tệp minh chứng") {
			t.Errorf("no file: %s: %s", outcome(w), snippet(w))
		}
		if w := e.upload(t, tok, csrf, id, 1, "achievement", "b.png", testPNG(t, 2)); w.Code != http.StatusConflict {
			t.Errorf("stale upload: %s, want 409", outcome(w))
		}
		if w := e.upload(t, tok, csrf, id, 2, "bogus", "b.png", testPNG(t, 2)); w.Code != http.StatusUnprocessableEntity || !errAt(w.Body.String(), "criterion", "không có trong danh sách") {
			t.Errorf("unknown criterion: %s: %s", outcome(w), snippet(w))
		}
		if got := e.dossier(t, id); got.Version != 2 {
			t.Errorf("refused uploads changed the dossier (version %d)", got.Version)
		}

		// Another school's staff sees neither the dossier nor its file, and
		// a file of their own is not served through this dossier.
		btok, bcsrf := e.session(t, e.staffB.ID, account.Web)
		for _, p := range []string{"/dossiers/" + sid, "/dossiers/" + sid + "/files/" + sha} {
			if w := e.serve(pageReq("GET", p, btok, nil)); w.Code != http.StatusNotFound || bytes.Contains(w.Body.Bytes(), img) || strings.Contains(w.Body.String(), "Cô giáo dạy giỏi") {
				t.Errorf("staff of B GET %s: %s, want 404 showing nothing", p, outcome(w))
			}
		}
		form := teacherForm(e.b.ID, bcsrf)
		form.Set("title", "Hồ sơ của trường Bình Hòa")
		bid := e.createDossier(t, btok, form)
		other := testPNG(t, 3)
		if w := e.upload(t, btok, bcsrf, bid, 1, "", "rieng.png", other); w.Code != http.StatusSeeOther {
			t.Fatalf("B's upload: %s: %s", outcome(w), snippet(w))
		}
		bsha := e.dossier(t, bid).Files[0].SHA256
		if w := e.serve(pageReq("GET", "/dossiers/"+sid+"/files/"+bsha, tok, nil)); w.Code != http.StatusNotFound {
			t.Errorf("A's staff fetches B's file through A's dossier: %s, want 404", outcome(w))
		}
		if w := e.serve(pageReq("GET", "/dossiers/"+sid+"/files/"+strings.Repeat("0", 64), tok, nil)); w.Code != http.StatusNotFound {
			t.Errorf("unknown sha: %s, want 404", outcome(w))
		}

		// Removing the file; a frozen version keeps it downloadable.
		if _, err := e.srv.dossiers.Freeze(context.Background(), e.scopeOf(t, e.leaderA.ID), id); err != nil {
			t.Fatal(err)
		}
		form = url.Values{"csrf": {csrf}, "version": {"2"}, "criterion": {"achievement"}, "sha": {sha}}
		if w := e.serve(pageReq("POST", "/dossiers/"+sid+"/files/delete", tok, form)); w.Code != http.StatusSeeOther {
			t.Fatalf("remove: %s: %s", outcome(w), snippet(w))
		}
		if got := e.dossier(t, id); got.Version != 3 || len(got.Criteria[1].Files) != 0 {
			t.Errorf("after the removal: version %d, files %+v", got.Version, got.Criteria[1].Files)
		}
		if w := e.serve(pageReq("GET", "/dossiers/"+sid+"/files/"+sha, tok, nil)); w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), img) {
			t.Errorf("the file of a frozen version: %s, want 200", outcome(w))
		}
		if w := e.serve(pageReq("GET", "/dossiers/"+sid+"/files/"+sha, btok, nil)); w.Code != http.StatusNotFound {
			t.Errorf("staff of B fetches the frozen file: %s, want 404", outcome(w))
		}
	})
}

func TestDossierVersionDiff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newDossierEnv(t, db)
		ctx := context.Background()
		tok, csrf := e.session(t, e.staffA.ID, account.Web)
		id := e.createDossier(t, tok, teacherForm(e.a.ID, csrf))
		leader := e.scopeOf(t, e.leaderA.ID)
		v1, err := e.srv.dossiers.Freeze(ctx, leader, id)
		if err != nil {
			t.Fatal(err)
		}
		form := dossierForm(e.dossier(t, id))
		form.Set("csrf", csrf)
		form.Set("title", "Cô giáo Hạnh – dạy giỏi cấp tỉnh ba năm liền")
		form.Set("criteria.mutual_help.checked", "1")
		form.Set("criteria.mutual_help.evidence", "Kèm cặp hai giáo viên mới")
		if w := e.serve(pageReq("POST", "/dossiers/"+strconv.FormatInt(id, 10)+"/edit", tok, form)); w.Code != http.StatusSeeOther {
			t.Fatalf("edit: %s: %s", outcome(w), snippet(w))
		}
		v2, err := e.srv.dossiers.Freeze(ctx, leader, id)
		if err != nil {
			t.Fatal(err)
		}

		w := e.serve(pageReq("GET", "/versions/"+strconv.FormatInt(v2.ID, 10), tok, nil))
		body := w.Body.String()
		for _, want := range []string{"Thay đổi so với phiên bản 1", "Tên điển hình", "Cô giáo dạy giỏi cấp tỉnh", "Cô giáo Hạnh – dạy giỏi cấp tỉnh ba năm liền",
			"Minh chứng cho tiêu chí “Có tinh thần tương thân tương ái", "Kèm cặp hai giáo viên mới", "nội dung còn nguyên vẹn"} {
			if w.Code != http.StatusOK || !strings.Contains(body, want) {
				t.Errorf("version 2 page (%s) lacks %q", outcome(w), want)
			}
		}
		if strings.Contains(body, `action="/dossiers/`) {
			t.Error("the frozen version offers forms that change the dossier")
		}
		w = e.serve(pageReq("GET", "/versions/"+strconv.FormatInt(v1.ID, 10), tok, nil))
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "phiên bản đầu tiên") || strings.Contains(w.Body.String(), "ba năm liền") {
			t.Errorf("version 1 page: %s", outcome(w))
		}
		page := e.serve(pageReq("GET", "/dossiers/"+strconv.FormatInt(id, 10), tok, nil)).Body.String()
		if !strings.Contains(page, `href="/versions/`+strconv.FormatInt(v1.ID, 10)+`"`) || !strings.Contains(page, `href="/versions/`+strconv.FormatInt(v2.ID, 10)+`"`) {
			t.Error("the dossier page does not list its versions")
		}

		// The API gives the same diff.
		atok, _ := e.session(t, e.officer.ID, account.API)
		var got versionDetailJSON
		w = e.serve(apiReq(t, "GET", "/api/v1/versions/"+strconv.FormatInt(v2.ID, 10), atok, nil))
		if w.Code != http.StatusOK {
			t.Fatalf("API version: %s: %s", outcome(w), w.Body.String())
		}
		decode(t, w, &got)
		fields := map[string]bool{}
		for _, c := range got.Changes {
			fields[c.Field] = true
		}
		if got.Number != 2 || got.PreviousID == nil || *got.PreviousID != v1.ID || !got.Intact || !fields["title"] || !fields["criteria.mutual_help.evidence"] || len(got.Changes) != 3 {
			t.Errorf("API version 2 = number %d previous %v intact %v changes %+v", got.Number, got.PreviousID, got.Intact, got.Changes)
		}
		var vs list[versionJSON]
		decode(t, e.serve(apiReq(t, "GET", "/api/v1/dossiers/"+strconv.FormatInt(id, 10)+"/versions", atok, nil)), &vs)
		if vs.Total != 2 || vs.Items[0].ID != v1.ID || vs.Items[1].Number != 2 {
			t.Errorf("API versions = %+v", vs)
		}
		// Another school: not found.
		btok, _ := e.session(t, e.staffB.ID, account.Web)
		if w := e.serve(pageReq("GET", "/versions/"+strconv.FormatInt(v2.ID, 10), btok, nil)); w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "ba năm liền") {
			t.Errorf("staff of B reads the version: %s", outcome(w))
		}
	})
}

// dossierBodyOf is the API body that writes d back unchanged.
func dossierBodyOf(d exemplar.Dossier) dossierBodyJSON {
	b := dossierBodyJSON{Version: d.Version, SubjectKind: string(d.SubjectKind), CollectiveName: d.CollectiveName, CollectiveUnitID: d.CollectiveUnitID,
		Category: string(d.Category), Title: d.Title, Summary: d.Summary}
	if p := d.Person; p != nil {
		b.Person = &personBody{Ho: p.Ho, Dem: p.Dem, Ten: p.Ten, Gender: p.Gender, BirthYear: p.BirthYear, Position: p.Position, UnitID: p.UnitID, Student: p.Student}
	}
	for _, c := range d.Criteria {
		b.Criteria = append(b.Criteria, criterionBody{Key: c.Key, Checked: c.Checked, Evidence: c.Evidence})
	}
	if g := d.Guide; g != nil {
		b.Guide = &guideJSON{g.Context, g.Steps, g.Resources, g.Results, g.Conditions, g.Contact}
	}
	return b
}

func TestDossierAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newDossierEnv(t, db)
		tok, _ := e.session(t, e.staffA.ID, account.API)
		in := dossierBodyJSON{UnitID: e.a.ID, SubjectKind: "individual",
			Person:   &personBody{Ho: "Trần", Dem: "Văn", Ten: "Bình", Gender: "nam", BirthYear: 1979, Position: "Tổng phụ trách Đội"},
			Category: "good_deed", Title: "Nhặt được của rơi trả người đánh mất", Summary: "Trả lại 20 triệu đồng.",
			Criteria: []criterionBody{{Key: "good_deed", Checked: true, Evidence: "Thư cảm ơn của gia đình"}}}
		w := e.serve(apiReq(t, "POST", "/api/v1/dossiers", tok, in))
		if w.Code != http.StatusCreated {
			t.Fatalf("POST: %s: %s", outcome(w), w.Body.String())
		}
		var raw map[string]any
		decode(t, w, &raw)
		person, _ := raw["person"].(map[string]any)
		if raw["subject_kind"] != "individual" || raw["collective_unit_id"] != nil || raw["guide"] != nil || person == nil ||
			person["birth_year"] != float64(1979) || person["full_name"] != "Trần Văn Bình" || raw["complete"] != true || raw["category_label"] != "Người tốt, việc tốt" {
			t.Errorf("created dossier JSON = %v", raw)
		}
		var d dossierJSON
		decode(t, w, &d)
		if w.Header().Get("Location") != "/api/v1/dossiers/"+strconv.FormatInt(d.ID, 10) || d.Version != 1 || len(d.Criteria) != len(exemplar.Criteria) {
			t.Errorf("Location %q, dossier %+v", w.Header().Get("Location"), d)
		}

		path := "/api/v1/dossiers/" + strconv.FormatInt(d.ID, 10)
		var got dossierJSON
		decode(t, e.serve(apiReq(t, "GET", path, tok, nil)), &got)
		if got.Title != in.Title || got.Person == nil || got.Person.Ten != "Bình" || !got.Criteria[5].Checked {
			t.Errorf("GET = %+v", got)
		}
		in.Version, in.Title = 1, "Trả lại của rơi 20 triệu đồng"
		w = e.serve(apiReq(t, "PUT", path, tok, in))
		if w.Code != http.StatusOK {
			t.Fatalf("PUT: %s: %s", outcome(w), w.Body.String())
		}
		decode(t, w, &got)
		if got.Version != 2 || got.Title != in.Title {
			t.Errorf("after PUT: %+v", got)
		}
		in.Title = "Ghi đè"
		problemOf(t, e.serve(apiReq(t, "PUT", path, tok, in)), http.StatusConflict)
		in.Version = 0
		if p := problemOf(t, e.serve(apiReq(t, "PUT", path, tok, in)), http.StatusUnprocessableEntity); p.Errors["version"] == "" {
			t.Errorf("PUT without version: %+v", p)
		}
		in.Version, in.Person.Ten = 2, ""
		if p := problemOf(t, e.serve(apiReq(t, "PUT", path, tok, in)), http.StatusUnprocessableEntity); p.Errors["person.ten"] == "" {
			t.Errorf("PUT without a name: %+v", p)
		}
		if e.dossier(t, d.ID).Title != "Trả lại của rơi 20 triệu đồng" {
			t.Error("refused PUTs changed the dossier")
		}

		// Raw upload.
		img := testPNG(t, 7)
		r := httptest.NewRequest("POST", path+"/files?criterion=good_deed&name=thu-cam-on.png&version=2", bytes.NewReader(img))
		r.Header.Set("Authorization", "Bearer "+tok)
		w = e.serve(r)
		if w.Code != http.StatusOK {
			t.Fatalf("upload: %s: %s", outcome(w), w.Body.String())
		}
		decode(t, w, &got)
		if f := got.Criteria[5].Files; got.Version != 3 || len(f) != 1 || f[0].Name != "thu-cam-on.png" || f[0].URL != "/dossiers/"+strconv.FormatInt(d.ID, 10)+"/files/"+f[0].SHA256 {
			t.Errorf("after the upload: %+v", got)
		}
		r = httptest.NewRequest("POST", path+"/files?criterion=good_deed&name=x.png&version=3", strings.NewReader("<html><script>alert(1)</script></html>"))
		r.Header.Set("Authorization", "Bearer "+tok)
		if p := problemOf(t, e.serve(r), http.StatusUnprocessableEntity); p.Errors["file"] == "" {
			t.Errorf("HTML upload: %+v", p)
		}

		// Listing and filters.
		var l list[dossierJSON]
		decode(t, e.serve(apiReq(t, "GET", "/api/v1/dossiers?q=tra+lai&category=good_deed", tok, nil)), &l)
		if l.Total != 1 || l.Items[0].ID != d.ID {
			t.Errorf("list = %+v", l)
		}

		// Commendations and honours.
		cb := commendationBody{Title: "Giấy khen của Chủ tịch UBND thành phố", DecisionNo: "123/QĐ-UBND", DecidedOn: "2024-05-20", Issuer: "UBND thành phố Thuận An"}
		w = e.serve(apiReq(t, "POST", path+"/commendations", tok, cb))
		if w.Code != http.StatusCreated || !strings.Contains(w.Body.String(), `"decided_on": "2024-05-20"`) {
			t.Errorf("commendation: %s: %s", outcome(w), w.Body.String())
		}
		problemOf(t, e.serve(apiReq(t, "POST", path+"/commendations", tok, cb)), http.StatusConflict)
		var cl list[commendationJSON]
		decode(t, e.serve(apiReq(t, "GET", path+"/commendations", tok, nil)), &cl)
		if cl.Total != 1 || cl.Items[0].PersonID == nil || cl.Items[0].DecisionNo != "123/QĐ-UBND" {
			t.Errorf("commendations = %+v", cl)
		}
		hb := honourBody{Form: "certificate", Date: "2025-01-09", DecisionNo: "05/QĐ-THAP"}
		problemOf(t, e.serve(apiReq(t, "POST", path+"/honours", tok, hb)), http.StatusForbidden)
		ltok, _ := e.session(t, e.leaderA.ID, account.API)
		w = e.serve(apiReq(t, "POST", path+"/honours", ltok, hb))
		if w.Code != http.StatusCreated || !strings.Contains(w.Body.String(), `"date": "2025-01-09"`) || !strings.Contains(w.Body.String(), `"form_label": "Tặng giấy khen"`) {
			t.Errorf("honour: %s: %s", outcome(w), w.Body.String())
		}
		var hl list[honourJSON]
		decode(t, e.serve(apiReq(t, "GET", path+"/honours", tok, nil)), &hl)
		if hl.Total != 1 || hl.Items[0].UnitID != e.a.ID {
			t.Errorf("honours = %+v", hl)
		}

		// Another school's staff: not found everywhere.
		btok, _ := e.session(t, e.staffB.ID, account.API)
		for _, r := range []*http.Request{apiReq(t, "GET", path, btok, nil), apiReq(t, "PUT", path, btok, dossierBodyOf(e.dossier(t, d.ID))),
			apiReq(t, "GET", path+"/versions", btok, nil), apiReq(t, "GET", path+"/commendations", btok, nil), apiReq(t, "GET", path+"/honours", btok, nil),
			apiReq(t, "POST", path+"/commendations", btok, commendationBody{Title: "X", DecisionNo: "1", DecidedOn: "2024-01-01", Issuer: "Y"})} {
			problemOf(t, e.serve(r), http.StatusNotFound)
		}
		decode(t, e.serve(apiReq(t, "GET", "/api/v1/dossiers", btok, nil)), &l)
		if l.Total != 0 {
			t.Errorf("staff of B lists %d dossiers of A", l.Total)
		}
	})
}

func TestDossierProfileAndSending(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newDossierEnv(t, db)
		ctx := context.Background()
		tok, csrf := e.session(t, e.staffA.ID, account.Web)
		id := e.createDossier(t, tok, teacherForm(e.a.ID, csrf))
		path := "/dossiers/" + strconv.FormatInt(id, 10)

		body := e.serve(pageReq("GET", path, tok, nil)).Body.String()
		if !strings.Contains(body, "Không có đơn vị cấp trên nào tổ chức xét chọn") {
			t.Error("no round holder above: the page does not say so")
		}
		// The Phòng holds rounds, with none open yet.
		ph, err := e.units.Get(ctx, access.System(), e.phong.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.units.Update(ctx, access.System(), ph.ID, ph.Version, unit.Input{ParentID: ph.ParentID, Kind: ph.Kind, Code: ph.Code, Name: ph.Name,
			RunsRounds: true, ValidTo: ph.ValidTo}); err != nil {
			t.Fatal(err)
		}
		body = e.serve(pageReq("GET", path, tok, nil)).Body.String()
		if !strings.Contains(body, "Gửi lên: <strong>"+e.phong.Name+"</strong>") || !strings.Contains(body, "Chưa có đợt xét chọn nào đang nhận hồ sơ") {
			t.Error("round holder without rounds: the page does not say where and that nothing is open")
		}
		now := time.Now()
		round, err := e.srv.sel.OpenRound(ctx, e.scopeOf(t, e.officer.ID), selection.RoundInput{UnitID: e.phong.ID, Name: "Quý III/2026 thử",
			SubmitFrom: now.Add(-24 * time.Hour), SubmitUntil: now.Add(72 * time.Hour), ReviewUntil: now.Add(240 * time.Hour),
			Council: selection.Council{Members: []selection.Member{{Name: "Lê Văn Chủ Tịch"}, {Name: "Phạm Thị Ủy Viên"}}}})
		if err != nil {
			t.Fatalf("open round: %v (%v)", err, errs.FieldsOf(err))
		}
		rid := `name="round_id" value="` + strconv.FormatInt(round.ID, 10) + `"`
		body = e.serve(pageReq("GET", path, tok, nil)).Body.String()
		if !strings.Contains(body, "Quý III/2026 thử") || !strings.Contains(body, rid) || !strings.Contains(body, `name="action" value="propose"`) ||
			!strings.Contains(body, ">Đề xuất</button>") || strings.Contains(body, `value="submit"`) || !strings.Contains(body, `action="/nominations"`) {
			t.Error("staff: the sending box lacks the round or the propose form (or offers to submit)")
		}
		ltok, lcsrf := e.session(t, e.leaderA.ID, account.Web)
		body = e.serve(pageReq("GET", path, ltok, nil)).Body.String()
		if !strings.Contains(body, rid) || !strings.Contains(body, `name="action" value="submit"`) || !strings.Contains(body, "Gửi đề nghị</button>") {
			t.Error("leader: the sending box lacks the submit form")
		}
		otok, _ := e.session(t, e.officer.ID, account.Web)
		body = e.serve(pageReq("GET", path, otok, nil)).Body.String()
		if strings.Contains(body, rid) || strings.Contains(body, "Gửi xét chọn") || !strings.Contains(body, "Cô giáo dạy giỏi") {
			t.Error("the reviewing officer: reads the dossier but must not be offered to send it into their own round")
		}
		viewer := e.mkUser(t, "xem.phong", e.phong.ID, false, roleAt{access.Viewer, e.phong.ID})
		vtok, _ := e.session(t, viewer.ID, account.Web)
		body = e.serve(pageReq("GET", path, vtok, nil)).Body.String()
		if strings.Contains(body, rid) || strings.Contains(body, "Gửi xét chọn") || !strings.Contains(body, "Cô giáo dạy giỏi") {
			t.Error("a viewer above: reads the dossier but must not get the sending box")
		}
		// After a submission the box links the nomination, and the
		// nomination is listed with its state.
		sub, err := e.srv.sel.Submit(ctx, e.scopeOf(t, e.leaderA.ID), id, round.ID)
		if err != nil {
			t.Fatalf("submit: %v (%v)", err, errs.FieldsOf(err))
		}
		body = e.serve(pageReq("GET", path, ltok, nil)).Body.String()
		nlink := `href="/nominations/` + strconv.FormatInt(sub.Nomination.ID, 10) + `"`
		if strings.Contains(body, rid) || strings.Count(body, nlink) < 2 || !strings.Contains(body, selection.Submitted.Label()) {
			t.Error("after submitting: the page still offers the round, or does not link the nomination with its state")
		}

		// Commendations through the page: a bad one comes back at its fields.
		bad := url.Values{"csrf": {csrf}, "commendation.title": {"Chiến sĩ thi đua cơ sở"}, "commendation.decided_on": {"31/02/2024"}}
		w := e.serve(pageReq("POST", path+"/commendations", tok, bad))
		if w.Code != http.StatusUnprocessableEntity || !errAt(w.Body.String(), "commendation.decided_on", "Ngày không hợp lệ") {
			t.Errorf("bad commendation: %s: %s", outcome(w), snippet(w))
		}
		bad.Set("commendation.decided_on", "20/05/2024")
		w = e.serve(pageReq("POST", path+"/commendations", tok, bad))
		if w.Code != http.StatusUnprocessableEntity || !errAt(w.Body.String(), "commendation.decision_no", "Nhập số quyết định") || !errAt(w.Body.String(), "commendation.issuer", "Nhập cơ quan") {
			t.Errorf("commendation without number and issuer: %s: %s", outcome(w), snippet(w))
		}
		good := url.Values{"csrf": {csrf}, "commendation.title": {"Chiến sĩ thi đua cơ sở"}, "commendation.decision_no": {"45/QĐ-PGDĐT"},
			"commendation.decided_on": {"2024-05-20"}, "commendation.issuer": {"Phòng GD&ĐT Thuận An"}}
		if w := e.serve(pageReq("POST", path+"/commendations", tok, good)); w.Code != http.StatusSeeOther {
			t.Fatalf("commendation: %s: %s", outcome(w), snippet(w))
		}
		// A second dossier about the same teacher shows the profile too.
		form := teacherForm(e.a.ID, csrf)
		form.Set("title", "Sáng kiến dạy đọc hiểu")
		form.Set("category", "good_practice")
		other := e.createDossier(t, tok, form)
		body = e.serve(pageReq("GET", "/dossiers/"+strconv.FormatInt(other, 10), tok, nil)).Body.String()
		if !strings.Contains(body, "Chiến sĩ thi đua cơ sở") || !strings.Contains(body, "45/QĐ-PGDĐT") || !strings.Contains(body, "20/05/2024") ||
			!strings.Contains(body, nlink) || !strings.Contains(body, `href="`+path+`"`) {
			t.Error("the other dossier of the subject lacks the commendation, the past nomination or the link to the first dossier")
		}

		// Honours: leaders and officers only.
		hon := url.Values{"csrf": {csrf}, "honour.form": {"bulletin"}, "honour.date": {"2025-03-08"}, "honour.note": {"Bảng tin tháng 3"}}
		if w := e.serve(pageReq("POST", path+"/honours", tok, hon)); w.Code != http.StatusForbidden {
			t.Errorf("staff records an honour: %s, want 403", outcome(w))
		}
		if strings.Contains(e.serve(pageReq("GET", path, tok, nil)).Body.String(), `action="`+path+`/honours"`) {
			t.Error("staff are offered the honour form")
		}
		hon.Set("csrf", lcsrf)
		hon.Set("honour.form", "certificate")
		w = e.serve(pageReq("POST", path+"/honours", ltok, hon))
		if w.Code != http.StatusUnprocessableEntity || !errAt(w.Body.String(), "honour.decision_no", "Nhập số quyết định tặng giấy khen") {
			t.Errorf("giấy khen without a decision: %s: %s", outcome(w), snippet(w))
		}
		hon.Set("honour.decision_no", "07/QĐ-THAP")
		if w := e.serve(pageReq("POST", path+"/honours", ltok, hon)); w.Code != http.StatusSeeOther {
			t.Fatalf("honour: %s: %s", outcome(w), snippet(w))
		}
		body = e.serve(pageReq("GET", path, tok, nil)).Body.String()
		if !strings.Contains(body, "Tặng giấy khen") || !strings.Contains(body, "07/QĐ-THAP") || !strings.Contains(body, "08/03/2025") {
			t.Error("the honour is not listed")
		}
	})
}

// --- the authorization walk

// walkWriter is a scope that drafts anywhere, for setting up the walk's
// dossiers.
func (f *walkFixture) walkWriter() access.Scope {
	return access.Scope{UserID: f.sys.ID, Username: f.sys.Username, UnitID: f.root.ID,
		Grants: []access.Grant{{Path: access.SystemPath, Role: access.Staff}}}
}

func walkDossierTitle(u unit.Unit) string { return "Hồ sơ thử của " + u.Code }

func walkDossierInput(unitID int64, title string) exemplar.Input {
	return exemplar.Input{UnitID: unitID, SubjectKind: exemplar.Individual,
		Person:   exemplar.Person{Ho: "Lê", Dem: "Thị", Ten: "Thử", Gender: exemplar.Female, BirthYear: 1990, Position: "Giáo viên"},
		Category: exemplar.Outstanding, Title: title, Summary: "Thành tích để thử phân quyền.",
		Criteria: []exemplar.CriterionEntry{{Key: "achievement", Checked: true, Evidence: "Giấy khen"}}}
}

// walkDossier returns the current state of the dossier at the target unit,
// created on first use, complete enough to freeze.
func (f *walkFixture) walkDossier(r rel) exemplar.Dossier {
	ctx := context.Background()
	title := walkDossierTitle(f.unit[r])
	var id int64
	err := f.db.R.QueryRowContext(ctx, "SELECT id FROM dossiers WHERE title = $1", title).Scan(&id)
	if err != nil {
		d, err := f.srv.dossiers.Create(ctx, f.walkWriter(), walkDossierInput(f.unit[r].ID, title))
		if err != nil {
			f.t.Fatalf("walk dossier at %s: %v", r, err)
		}
		return d
	}
	d, err := f.srv.dossiers.Get(ctx, f.walkWriter(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

// walkVersion returns the first frozen version of the dossier at r.
func (f *walkFixture) walkVersion(r rel) int64 {
	d := f.walkDossier(r)
	if d.LastFrozen == 0 {
		v, err := f.srv.dossiers.Freeze(context.Background(), f.walkWriter(), d.ID)
		if err != nil {
			f.t.Fatalf("freeze the walk dossier at %s: %v", r, err)
		}
		return v.ID
	}
	var id int64
	if err := f.db.R.QueryRowContext(context.Background(), "SELECT id FROM dossier_versions WHERE dossier_id = $1 ORDER BY number LIMIT 1", d.ID).Scan(&id); err != nil {
		f.t.Fatal(err)
	}
	return id
}

// walkFile attaches a fresh image to the dossier at r and returns it.
func (f *walkFixture) walkFile(r rel) (exemplar.Dossier, exemplar.FileRef, []byte) {
	d := f.walkDossier(r)
	data := testPNG(f.t, 1000+f.next())
	d, err := f.srv.dossiers.AttachFile(context.Background(), f.walkWriter(), d.ID, d.Version, "achievement", "minh-chung.png", bytes.NewReader(data))
	if err != nil {
		f.t.Fatal(err)
	}
	c, _ := d.Criterion("achievement")
	return d, c.Files[len(c.Files)-1], data
}

func (f *walkFixture) dossierVersion(id int64) func() string {
	return f.query("SELECT version FROM dossiers WHERE id = $1", id)
}

func (f *walkFixture) dossierTitled(title string) func() string {
	return f.query("SELECT COUNT(*) FROM dossiers WHERE title = $1", title)
}

func isDrafter(w who) bool {
	return w == who(access.Staff) || w == who(access.Officer) || w == who(access.Leader)
}

var (
	// readsDossier: any role at the dossier's unit or above it (in the
	// walk: the dossier at O or at its child C); never a sibling's, and
	// not the parent's, whose subtree the caller does not hold.
	readsDossier rule = func(w who, r rel) bool { return hasRole(w) && (r == own || r == child) }
	// draftsDossier: staff, officers and leaders at the dossier's unit or
	// above; viewers and administrators are refused (403).
	draftsDossier rule = func(w who, r rel) bool { return isDrafter(w) && (r == own || r == child) }
	// anyDrafter: the blank form, for anyone who drafts somewhere.
	anyDrafter rule = func(w who, _ rel) bool { return isDrafter(w) }
	// honoursDossier: leaders and officers at the dossier's unit or above.
	honoursDossier rule = func(w who, r rel) bool {
		return (w == who(access.Leader) || w == who(access.Officer)) && (r == own || r == child)
	}
	// nobody: the walk cannot name a file in the path (it fills {id} only),
	// so every caller is refused the placeholder "{sha}";
	// TestDossierFileWalk walks this route with real files.
	nobody rule = func(who, rel) bool { return false }
)

func init() {
	for p, r := range map[string]rule{
		"GET /dossiers":                            loggedIn,
		"GET /api/v1/dossiers":                     loggedIn,
		"GET /dossiers/new":                        anyDrafter,
		"POST /dossiers":                           draftsDossier,
		"POST /api/v1/dossiers":                    draftsDossier,
		"GET /dossiers/{id}":                       readsDossier,
		"GET /api/v1/dossiers/{id}":                readsDossier,
		"GET /dossiers/{id}/edit":                  draftsDossier,
		"POST /dossiers/{id}/edit":                 draftsDossier,
		"PUT /api/v1/dossiers/{id}":                draftsDossier,
		"POST /dossiers/{id}/files":                draftsDossier,
		"POST /api/v1/dossiers/{id}/files":         draftsDossier,
		"POST /dossiers/{id}/files/delete":         draftsDossier,
		"GET /dossiers/{id}/files/{sha}":           nobody,
		"POST /dossiers/{id}/commendations":        draftsDossier,
		"GET /api/v1/dossiers/{id}/commendations":  readsDossier,
		"POST /api/v1/dossiers/{id}/commendations": draftsDossier,
		"POST /dossiers/{id}/honours":              honoursDossier,
		"GET /api/v1/dossiers/{id}/honours":        readsDossier,
		"POST /api/v1/dossiers/{id}/honours":       honoursDossier,
		"GET /versions/{id}":                       readsDossier,
		"GET /api/v1/versions/{id}":                readsDossier,
		"GET /api/v1/dossiers/{id}/versions":       readsDossier,
	} {
		expectations[p] = r
	}

	// Creating at a sibling's unit (or without any role) is refused at the
	// unit field: 422, the unit being one the caller cannot see.
	notSeen := []int{http.StatusUnprocessableEntity}
	read := func(f *walkFixture, k walkCase) call {
		d := f.walkDossier(k.r)
		return call{id: d.ID, shows: d.Title}
	}
	readItems := func(f *walkFixture, k walkCase) call {
		return call{id: f.walkDossier(k.r).ID, shows: `"items"`}
	}
	version := func(f *walkFixture, k walkCase) call {
		return call{id: f.walkVersion(k.r), shows: walkDossierTitle(f.unit[k.r])}
	}
	for p, b := range map[string]builder{
		"GET /dossiers":        plain,
		"GET /api/v1/dossiers": plain,
		"GET /dossiers/new":    plain,
		"POST /dossiers": func(f *walkFixture, k walkCase) call {
			title := "Hồ sơ mới " + f.code()
			form := teacherForm(f.unit[k.r].ID, "")
			form.Del("csrf")
			form.Set("title", title)
			return call{form: form, state: f.dossierTitled(title), mutates: true, alsoDenied: notSeen}
		},
		"POST /api/v1/dossiers": func(f *walkFixture, k walkCase) call {
			title := "Hồ sơ mới " + f.code()
			b := dossierBodyJSON{UnitID: f.unit[k.r].ID, SubjectKind: "individual", Person: &personBody{Ho: "Lê", Ten: "Mới"},
				Category: "charity", Title: title}
			return call{json: b, state: f.dossierTitled(title), mutates: true, alsoDenied: notSeen}
		},
		"GET /dossiers/{id}":        read,
		"GET /api/v1/dossiers/{id}": read,
		"GET /dossiers/{id}/edit":   read,
		"POST /dossiers/{id}/edit": func(f *walkFixture, k walkCase) call {
			d := f.walkDossier(k.r)
			return call{id: d.ID, form: dossierForm(d), state: f.dossierVersion(d.ID), mutates: true}
		},
		"PUT /api/v1/dossiers/{id}": func(f *walkFixture, k walkCase) call {
			d := f.walkDossier(k.r)
			return call{id: d.ID, json: dossierBodyOf(d), state: f.dossierVersion(d.ID), mutates: true}
		},
		"POST /dossiers/{id}/files": func(f *walkFixture, k walkCase) call {
			d := f.walkDossier(k.r)
			data := testPNG(f.t, f.next())
			return call{id: d.ID, multipart: func(csrf string) ([]byte, string) {
				return multipartBody(f.t, map[string]string{"csrf": csrf, "version": strconv.Itoa(d.Version), "criterion": "achievement"}, "file", "anh.png", data)
			}, state: f.dossierVersion(d.ID), mutates: true}
		},
		"POST /api/v1/dossiers/{id}/files": func(f *walkFixture, k walkCase) call {
			d := f.walkDossier(k.r)
			return call{id: d.ID, raw: testPNG(f.t, f.next()), query: "criterion=achievement&name=anh.png&version=" + strconv.Itoa(d.Version),
				state: f.dossierVersion(d.ID), mutates: true}
		},
		"POST /dossiers/{id}/files/delete": func(f *walkFixture, k walkCase) call {
			d, file, _ := f.walkFile(k.r)
			return call{id: d.ID, form: url.Values{"version": {strconv.Itoa(d.Version)}, "criterion": {"achievement"}, "sha": {file.SHA256}},
				state: f.dossierVersion(d.ID), mutates: true}
		},
		"GET /dossiers/{id}/files/{sha}": func(f *walkFixture, k walkCase) call {
			return call{id: f.walkDossier(k.r).ID}
		},
		"POST /dossiers/{id}/commendations": func(f *walkFixture, k walkCase) call {
			no := f.code() + "/QĐ"
			return call{id: f.walkDossier(k.r).ID, form: url.Values{"commendation.title": {"Lao động tiên tiến"}, "commendation.decision_no": {no},
				"commendation.decided_on": {"2024-05-20"}, "commendation.issuer": {"UBND phường"}},
				state: f.query("SELECT COUNT(*) FROM commendations WHERE decision_no = $1", no), mutates: true}
		},
		"POST /api/v1/dossiers/{id}/commendations": func(f *walkFixture, k walkCase) call {
			no := f.code() + "/QĐ"
			return call{id: f.walkDossier(k.r).ID, json: commendationBody{Title: "Lao động tiên tiến", DecisionNo: no, DecidedOn: "2024-05-20", Issuer: "UBND phường"},
				state: f.query("SELECT COUNT(*) FROM commendations WHERE decision_no = $1", no), mutates: true}
		},
		"GET /api/v1/dossiers/{id}/commendations": readItems,
		"POST /dossiers/{id}/honours": func(f *walkFixture, k walkCase) call {
			d := f.walkDossier(k.r)
			return call{id: d.ID, form: url.Values{"honour.form": {"ceremony"}, "honour.date": {"2025-01-15"}, "honour.note": {"Chào cờ đầu tuần"}},
				state: f.query("SELECT COUNT(*) FROM honours WHERE dossier_id = $1", d.ID), mutates: true}
		},
		"POST /api/v1/dossiers/{id}/honours": func(f *walkFixture, k walkCase) call {
			d := f.walkDossier(k.r)
			return call{id: d.ID, json: honourBody{Form: "website", Date: "2025-01-15"},
				state: f.query("SELECT COUNT(*) FROM honours WHERE dossier_id = $1", d.ID), mutates: true}
		},
		"GET /api/v1/dossiers/{id}/honours":  readItems,
		"GET /api/v1/dossiers/{id}/versions": readItems,
		"GET /versions/{id}":                 version,
		"GET /api/v1/versions/{id}":          version,
	} {
		walkRequests[p] = b
	}
}

// TestDossierFileWalk walks the download route, which the shared walk
// cannot aim at a real file: every caller against a file of the dossier at
// O, C, S and P, and a file of another dossier asked through one the caller
// may read.
func TestDossierFileWalk(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newWalkFixture(t, db)
		rt := Route{Method: "GET", Path: "/dossiers/{id}/files/{sha}", Access: LoggedIn}
		type target struct {
			id   int64
			sha  string
			data []byte
		}
		targets := map[rel]target{}
		for _, r := range rels {
			d, file, data := f.walkFile(r)
			targets[r] = target{d.ID, file.SHA256, data}
		}
		for _, w := range whos() {
			for _, r := range rels {
				k := walkCase{w: w, r: r, c: f.caller[w]}
				if k.c != nil {
					k.token, _ = f.session(t, k.c.user.ID, account.Web)
				}
				tg := targets[r]
				c := call{shows: string(tg.data)}
				res := f.serve(pageReq("GET", "/dossiers/"+strconv.FormatInt(tg.id, 10)+"/files/"+tg.sha, k.token, nil))
				f.judge(t, rt, k, c, readsDossier(w, r), res, "", "")
				if readsDossier(w, r) && res.Header().Get("Content-Disposition") == "" {
					t.Errorf("%s at %s: no Content-Disposition", w, r)
				}
				// The sibling's file through the own dossier: never.
				res = f.serve(pageReq("GET", "/dossiers/"+strconv.FormatInt(targets[own].id, 10)+"/files/"+targets[sibling].sha, k.token, nil))
				f.judge(t, rt, k, call{shows: string(targets[sibling].data)}, false, res, "", "")
			}
		}
	})
}

// TestDossierJSONNames keeps the API's field names snake_case.
func TestDossierJSONNames(t *testing.T) {
	b, err := json.Marshal(toDossierJSON(exemplar.Dossier{Person: &exemplar.Person{}, SubjectKind: exemplar.Individual}))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	snake := regexp.MustCompile(`^[a-z0-9_]+$`)
	for k := range m {
		if !snake.MatchString(k) {
			t.Errorf("field %q is not snake_case", k)
		}
	}
	if _, ok := m["collective_unit_id"]; !ok || m["collective_unit_id"] != nil || m["guide"] != nil {
		t.Errorf("absent values must be null: %v", m)
	}
}

// TestDossierMissingOrder: what a draft lacks is listed in the form's
// order, criteria and guide fields in their lists' order.
func TestDossierMissingOrder(t *testing.T) {
	d := exemplar.Dossier{SubjectKind: exemplar.Collective, Category: exemplar.NewModel, Criteria: []exemplar.CriterionEntry{
		{Key: "social_charity", Checked: true}, {Key: "mutual_help", Checked: true}, {Key: "innovation", Checked: true}}}
	fields := errs.FieldsOf(d.Complete())
	var want []string
	for _, k := range []string{"collective_name", "title", "summary", "criteria.innovation", "criteria.mutual_help", "criteria.social_charity",
		"guide.context", "guide.steps", "guide.resources", "guide.results", "guide.conditions", "guide.contact"} {
		if fields[k] == "" {
			t.Fatalf("Complete() gives no message for %s: %v", k, fields)
		}
		want = append(want, fields[k])
	}
	if got := dossierMissing(d); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("dossierMissing =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
