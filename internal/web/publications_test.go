package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/exemplar"
	"thidua/internal/portal"
)

var versionRE = regexp.MustCompile(`name="version" value="(\d+)"`)

func formVersion(t *testing.T, body string) string {
	t.Helper()
	m := versionRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no version field in the page")
	}
	return m[1]
}

// TestPublicationPages walks an officer through the pages: a selected
// exemplar waits on the list and the home page; publishing without the
// consent shows the reason at the consent; the consent form (with its
// scanned copy) and the publish button put the page on the portal, with
// its Open Graph tags; a wrong slug is sent to the canonical one.
func TestPublicationPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newPortalEnv(t, db, Options{BaseURL: "https://thidua.example.vn"})
		nom := e.selectedAt(e.schoolA, exemplar.Input{SubjectKind: exemplar.Individual,
			Person:   exemplar.Person{Ho: "Nguyễn", Dem: "Thị", Ten: "Mai", Gender: exemplar.Female, BirthYear: 1982, Position: "Giáo viên chủ nhiệm lớp 1"},
			Category: exemplar.Outstanding, Title: "Đổi mới phương pháp dạy đọc", Summary: "Ba năm liền đạt giáo viên dạy giỏi cấp thành phố.\nCô xây dựng bộ thẻ chữ.",
			Criteria: []exemplar.CriterionEntry{{Key: "achievement", Checked: true, Evidence: "Giáo viên dạy giỏi cấp thành phố."}}}, walkPNG(t, 120))

		home := e.serve(pageReq("GET", "/", e.web, nil))
		mustContain(t, "the officer's home", home, "1 điển hình đã được chọn chưa được đăng lên cổng thông tin.", `href="/publications"`)
		list := e.serve(pageReq("GET", "/publications", e.web, nil))
		mustContain(t, "the list", list, "Đổi mới phương pháp dạy đọc", "Chuẩn bị đăng", fmt.Sprintf(`name="nomination_id" value="%d"`, nom))
		w := e.serve(pageReq("POST", "/publications", e.web, url.Values{"csrf": {e.csrf}, "nomination_id": {idstr(nom)}}))
		loc := w.Header().Get("Location")
		if w.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/publications/") {
			t.Fatalf("create: %s", outcome(w))
		}
		page := e.serve(pageReq("GET", loc, e.web, nil))
		body := page.Body.String()
		mustContain(t, "the editor", page, "Nội dung đăng", "Sự đồng ý của cá nhân", "Chưa đăng được, còn thiếu", `value="Đổi mới phương pháp dạy đọc"`,
			"Giáo viên chủ nhiệm lớp 1", "- Giáo viên dạy giỏi cấp thành phố.")
		if strings.Contains(body, "Bảo vệ học sinh") {
			t.Error("a teacher's page asks for the minors check")
		}

		// Publish without consent: 422, the message at the consent.
		w = e.serve(pageReq("POST", loc+"/publish", e.web, url.Values{"csrf": {e.csrf}, "version": {formVersion(t, body)}, "form": {"publish"}}))
		if w.Code != http.StatusUnprocessableEntity || !msgAt(w.Body.String(), "consent", "sự đồng ý") || !strings.Contains(w.Body.String(), "Chưa đăng được") {
			t.Fatalf("publish without consent: %s: %s", outcome(w), snippet(w))
		}
		// A consent form with errors keeps what was typed.
		mp, ct := multipartBody(t, map[string]string{"csrf": e.csrf, "version": formVersion(t, body), "form": "consent", "consent_by": "Nguyễn Thị Mai",
			"consent_on": time.Now().AddDate(0, 0, 2).Format("2006-01-02"), "consent_method": portal.ConsentWritten}, "", "", nil)
		r := httptestRequest("POST", loc+"/consent", mp, ct, e.web)
		w = e.serve(r)
		if w.Code != http.StatusUnprocessableEntity || !selErrAt(w.Body.String(), "consent_on", "sau hôm nay") || !selErrAt(w.Body.String(), "consent_scope", "bao gồm") ||
			!strings.Contains(w.Body.String(), `value="Nguyễn Thị Mai"`) {
			t.Fatalf("consent with errors: %s: %s", outcome(w), snippet(w))
		}
		mp, ct = multipartBody(t, map[string]string{"csrf": e.csrf, "version": formVersion(t, body), "form": "consent", "consent_by": "Nguyễn Thị Mai",
			"consent_capacity": portal.CapacitySelf, "consent_on": time.Now().Format("2006-01-02"), "consent_method": portal.ConsentWritten,
			"consent_scope": "Họ tên, câu chuyện, thành tích.", "consent_photos": "1"}, "consent_file", "dong-y.pdf", []byte("%PDF-1.4 đồng ý"))
		if w = e.serve(httptestRequest("POST", loc+"/consent", mp, ct, e.web)); w.Code != http.StatusSeeOther {
			t.Fatalf("consent: %s: %s", outcome(w), snippet(w))
		}
		body = e.serve(pageReq("GET", loc, e.web, nil)).Body.String()
		if !strings.Contains(body, "Đã ghi nhận: <strong>Nguyễn Thị Mai</strong>") || !strings.Contains(body, loc+"/consent-file") {
			t.Fatal("the recorded consent is not shown")
		}
		if w := e.serve(pageReq("GET", loc+"/consent-file", e.web, nil)); w.Code != 200 || !strings.Contains(w.Body.String(), "đồng ý") ||
			!strings.Contains(w.Header().Get("Content-Disposition"), "attachment") || w.Header().Get("Cache-Control") != "private, no-store" {
			t.Errorf("consent file: %s %q", outcome(w), w.Header().Get("Content-Disposition"))
		}
		// Choose the photo, then preview: what the public will see.
		sha := regexp.MustCompile(`name="photo" value="([0-9a-f]{64})"`).FindStringSubmatch(body)
		if sha == nil {
			t.Fatal("no photo to choose")
		}
		form := url.Values{"csrf": {e.csrf}, "version": {formVersion(t, body)}, "form": {"content"}, "title": {"Cô Mai và bộ thẻ chữ"},
			"subject_line": {"Giáo viên chủ nhiệm lớp 1"}, "story": {"Ba năm liền đạt giáo viên dạy giỏi cấp thành phố.\n\nCô xây dựng bộ thẻ chữ."},
			"achievements": {"- Giáo viên dạy giỏi"}, "photo": {sha[1]}, "caption." + sha[1]: {"Giờ học đọc"}}
		if w := e.serve(pageReq("POST", loc+"/edit", e.web, form)); w.Code != http.StatusSeeOther {
			t.Fatalf("edit: %s: %s", outcome(w), snippet(w))
		}
		pv := e.serve(pageReq("GET", loc+"/preview", e.web, nil))
		mustContain(t, "the preview", pv, "Bản xem trước", "Cô Mai và bộ thẻ chữ", `<meta name="robots" content="noindex">`, "Giờ học đọc")
		if pv.Header().Get("Cache-Control") != "no-store" {
			t.Error("the preview may be cached")
		}
		body = e.serve(pageReq("GET", loc, e.web, nil)).Body.String()
		if strings.Contains(body, "Chưa đăng được") {
			t.Fatal("the checklist still lists problems")
		}
		w = e.serve(pageReq("POST", loc+"/publish", e.web, url.Values{"csrf": {e.csrf}, "version": {formVersion(t, body)}}))
		if w.Code != http.StatusSeeOther {
			t.Fatalf("publish: %s: %s", outcome(w), snippet(w))
		}
		id := mustAtoi(t, strings.TrimPrefix(loc, "/publications/"))
		slug := portal.SlugOf("Cô Mai và bộ thẻ chữ", id)
		if slug != "co-mai-va-bo-the-chu-"+portal.ShortID(id) {
			t.Errorf("slug %q", slug)
		}

		// The public page: title, Open Graph and Twitter tags, canonical.
		pub := e.get("/dien-hinh/" + slug)
		base := "https://thidua.example.vn"
		mustContain(t, "the public page", pub, "<title>Cô Mai và bộ thẻ chữ · Điển hình tiên tiến ngành Giáo dục</title>",
			`<link rel="canonical" href="`+base+`/dien-hinh/`+slug+`">`, `<meta property="og:title" content="Cô Mai và bộ thẻ chữ">`,
			`<meta property="og:type" content="article">`, `<meta property="og:url" content="`+base+`/dien-hinh/`+slug+`">`,
			`<meta property="og:image" content="`+base+`/dien-hinh/anh/`, `<meta name="twitter:card" content="summary_large_image">`,
			`<meta property="og:description" content="Ba năm liền đạt giáo viên dạy giỏi cấp thành phố. Cô xây dựng bộ thẻ chữ.">`,
			"<p>Ba năm liền đạt giáo viên dạy giỏi cấp thành phố.</p>", "<li>Giáo viên dạy giỏi</li>", "Nguyễn Thị Mai", "Trường Tiểu học Hoa Sen",
			"Được Phòng Giáo dục và Đào tạo Thuận Lợi chọn (Quý thử)", `href="/login"`)
		mustNotContain(t, "the public page", pub, "dong-y.pdf", "consent", "app.js")
		// Old or wrong slugs go to the canonical one; an unknown id is not found.
		for _, old := range []string{"doi-moi-phuong-phap-day-doc-" + portal.ShortID(id), portal.ShortID(id)} {
			if w := e.get("/dien-hinh/" + old); w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != "/dien-hinh/"+slug {
				t.Errorf("/dien-hinh/%s: %s", old, outcome(w))
			}
		}
		for _, bad := range []string{"khong-co-zzzz", "abc-0", "-", "x-" + portal.ShortID(id+100)} {
			if w := e.get("/dien-hinh/" + bad); w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "Không tìm thấy trang này") {
				t.Errorf("/dien-hinh/%s: %s", bad, outcome(w))
			}
		}
		// The search page: no accents needed, words marked, filters kept.
		s := e.get("/search?q=the+chu&loai=outstanding")
		mustContain(t, "the search", s, "Tìm thấy <strong>1</strong> điển hình", "<mark>thẻ</mark> <mark>chữ</mark>", `<option value="outstanding" selected>`)
		if w := e.get("/search?q=the+chu&loai=good_deed"); !strings.Contains(w.Body.String(), "Không tìm thấy điển hình nào") {
			t.Error("the category filter does not filter")
		}
		// A stale form is refused with 409 and changes nothing.
		w = e.serve(pageReq("POST", loc+"/feature", e.web, url.Values{"csrf": {e.csrf}, "version": {"1"}, "featured": {"1"}, "feature_order": {"1"}}))
		if w.Code != http.StatusConflict {
			t.Errorf("stale feature: %s", outcome(w))
		}
	})
}

// msgAt reports whether a page shows msg as the message of field (for
// sections that are not one input).
func msgAt(body, field, msg string) bool {
	m := regexp.MustCompile(`id="err-` + regexp.QuoteMeta(field) + `">([^<]*)<`).FindStringSubmatch(body)
	return m != nil && strings.Contains(m[1], msg)
}

func mustAtoi(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return n
}

func httptestRequest(method, path string, body []byte, ct, token string) *http.Request {
	r := pageReq(method, path, token, nil)
	r.Body = nopCloser{strings.NewReader(string(body))}
	r.ContentLength = int64(len(body))
	r.Header.Set("Content-Type", ct)
	return r
}

type nopCloser struct{ *strings.Reader }

func (nopCloser) Close() error { return nil }

// TestAdoptionPages: a school's leader registers from the exemplar's page,
// reports progress with evidence, concludes; the public page shows the
// spread; officers see the spread view with its charts.
func TestAdoptionPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newPortalEnv(t, db, Options{})
		p, pg := e.publish(e.schoolA, "Góc thư viện xanh từ vật liệu tái chế", false)
		pubPage := e.get("/dien-hinh/" + pg.Slug)
		mustContain(t, "the practice's page", pubPage, "Hướng dẫn nhân rộng", "Các bước thực hiện", "Chưa có đơn vị nào đăng ký áp dụng.",
			fmt.Sprintf(`href="/adoptions/new?publication=%d"`, p.ID))

		// The anonymous visitor is sent to log in first, then back.
		if w := e.get(fmt.Sprintf("/adoptions/new?publication=%d", p.ID)); w.Code != http.StatusSeeOther || !strings.Contains(w.Header().Get("Location"), "next=%2Fadoptions%2Fnew") {
			t.Errorf("anonymous: %s", outcome(w))
		}
		form := e.serve(pageReq("GET", fmt.Sprintf("/adoptions/new?publication=%d", p.ID), e.cweb, nil))
		mustContain(t, "the form", form, "Góc thư viện xanh từ vật liệu tái chế", e.schoolC.Name, `name="plan"`)
		// Errors come back at their fields.
		mp, ct := multipartBody(t, map[string]string{"csrf": e.ccsrf, "publication_id": idstr(p.ID), "unit_id": idstr(e.schoolC.ID), "started_on": ""}, "", "", nil)
		w := e.serve(httptestRequest("POST", "/adoptions", mp, ct, e.cweb))
		if w.Code != http.StatusUnprocessableEntity || !selErrAt(w.Body.String(), "plan", "kế hoạch") || !selErrAt(w.Body.String(), "started_on", "ngày bắt đầu") {
			t.Fatalf("adopt with errors: %s: %s", outcome(w), snippet(w))
		}
		mp, ct = multipartBody(t, map[string]string{"csrf": e.ccsrf, "publication_id": idstr(p.ID), "unit_id": idstr(e.schoolC.ID),
			"started_on": time.Now().AddDate(0, -1, 0).Format("2006-01-02"), "plan": "Làm kệ sách cho lớp lá."}, "plan_file", "ke-hoach.pdf", []byte("%PDF-1.4 kế hoạch"))
		w = e.serve(httptestRequest("POST", "/adoptions", mp, ct, e.cweb))
		loc := w.Header().Get("Location")
		if w.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/adoptions/") {
			t.Fatalf("adopt: %s: %s", outcome(w), snippet(w))
		}
		body := e.serve(pageReq("GET", loc, e.cweb, nil)).Body.String()
		if !strings.Contains(body, "ke-hoach.pdf") || !strings.Contains(body, "Cập nhật tiến độ") {
			t.Fatal("the adoption page lacks the plan file or the check-in form")
		}
		mp, ct = multipartBody(t, map[string]string{"csrf": e.ccsrf, "version": formVersion(t, body), "on": time.Now().Format("2006-01-02"), "progress": "45",
			"note": "Đã làm xong kệ sách."}, "files", "anh.png", walkPNG(t, 7))
		if w := e.serve(httptestRequest("POST", loc+"/checkins", mp, ct, e.cweb)); w.Code != http.StatusSeeOther {
			t.Fatalf("check-in: %s: %s", outcome(w), snippet(w))
		}
		body = e.serve(pageReq("GET", loc, e.cweb, nil)).Body.String()
		if !strings.Contains(body, "<strong>45%</strong>") || !strings.Contains(body, "anh.png") {
			t.Error("the check-in is not shown")
		}
		// The public page shows where it spread, and the adopter's page.
		pubPage = e.get("/dien-hinh/" + pg.Slug)
		mustContain(t, "the practice's page after the adoption", pubPage, "1 đơn vị đã đăng ký áp dụng", e.schoolC.Name, "Đang áp dụng, 45%")
		mustNotContain(t, "the practice's page after the adoption", pubPage, "Làm kệ sách cho lớp lá", "Đã làm xong kệ sách")
		if w := e.get("/don-vi/" + portal.SlugOf(e.schoolC.Name, e.schoolC.ID)); w.Code != 200 || !strings.Contains(w.Body.String(), pg.Title) {
			t.Errorf("the adopter's page: %s", outcome(w))
		}
		// The spread view, for the office's officer.
		sp := e.serve(pageReq("GET", "/adoptions/spread", e.web, nil))
		mustContain(t, "the spread view", sp, `<svg class="chart timeline"`, `<svg class="chart bars"`, "Mầm non", e.schoolC.Name, "lượt áp dụng", "Phòng Giáo dục và Đào tạo Thuận Lợi")
		if strings.Contains(sp.Body.String(), "style=") {
			t.Error("the charts use inline styles, which the CSP blocks")
		}
		// The school's staff may not write; another office sees nothing.
		other := e.mkUser(t, "b.leader", e.schoolB.ID, false, roleAt{access.Leader, e.schoolB.ID})
		btok, bcsrf := e.session(t, other.ID, account.Web)
		if w := e.serve(pageReq("GET", loc, btok, nil)); w.Code != http.StatusNotFound {
			t.Errorf("another school reads the adoption: %s", outcome(w))
		}
		w = e.serve(pageReq("POST", loc+"/outcome", btok, url.Values{"csrf": {bcsrf}, "version": {formVersion(t, body)}, "status": {"completed"},
			"ended_on": {time.Now().Format("2006-01-02")}, "outcome": {"x"}}))
		if w.Code != http.StatusNotFound {
			t.Errorf("another school concludes: %s", outcome(w))
		}
		w = e.serve(pageReq("POST", loc+"/outcome", e.cweb, url.Values{"csrf": {e.ccsrf}, "version": {formVersion(t, body)}, "status": {"completed"},
			"ended_on": {time.Now().Format("2006-01-02")}, "outcome": {"Trẻ lớp lá đọc sách mỗi tuần."}}))
		if w.Code != http.StatusSeeOther {
			t.Fatalf("conclude: %s: %s", outcome(w), snippet(w))
		}
		if n := e.countRows(t, "SELECT COUNT(*) FROM audit_log WHERE object_type = 'adoption'"); n != 3 {
			t.Errorf("%d adoption audit entries, want 3", n)
		}
	})
}
