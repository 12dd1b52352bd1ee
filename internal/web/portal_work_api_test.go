package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
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

// rawReq is an API request with a raw body (an upload).
func rawReq(method, path, token string, body []byte) *http.Request {
	r := httptest.NewRequest(method, path, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/octet-stream")
	r.Header.Set("Authorization", "Bearer "+token)
	return r
}

// TestPublicationAPI takes a student's exemplar from selection to the
// portal and off it again through the JSON API: what is missing is listed
// by field, a guardian's consent and its scanned copy, the minors check,
// a stale version refused with 409, a rejected file that changes nothing,
// publishing, featuring, unpublishing.
func TestPublicationAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newPortalEnv(t, db, Options{BaseURL: "https://thidua.example.vn"})
		tok, _ := e.session(t, e.officer.ID, account.API)
		nom := e.selectedAt(e.schoolA, exemplar.Input{SubjectKind: exemplar.Individual,
			Person:   exemplar.Person{Ho: "Lê", Dem: "Minh", Ten: "Khôi", Gender: exemplar.Male, BirthYear: 2014, Position: "Học sinh lớp 6A", Student: true},
			Category: exemplar.GoodDeed, Title: "Nhặt được của rơi trả người đánh mất", Summary: "Em nhặt được ví có 5 triệu đồng và trả lại.",
			Criteria: []exemplar.CriterionEntry{{Key: "good_deed", Checked: true, Evidence: "Thư cảm ơn của gia đình."}}}, walkPNG(t, 77))

		var cands list[candidateJSON]
		decode(t, e.serve(apiReq(t, "GET", "/api/v1/publications/candidates", tok, nil)), &cands)
		if cands.Total != 1 || cands.Items[0].NominationID != nom || cands.Items[0].Title != "Nhặt được của rơi trả người đánh mất" {
			t.Fatalf("candidates: %+v", cands)
		}
		problemOf(t, e.serve(apiReq(t, "POST", "/api/v1/publications", tok, map[string]any{})), http.StatusUnprocessableEntity)
		w := e.serve(apiReq(t, "POST", "/api/v1/publications", tok, map[string]int64{"nomination_id": nom}))
		if w.Code != http.StatusCreated {
			t.Fatalf("create: %s", outcome(w))
		}
		var p publicationJSON
		p = publicationJSON{}
		decode(t, w, &p)
		loc := "/api/v1/publications/" + strconv.FormatInt(p.ID, 10)
		if w.Header().Get("Location") != loc || p.Status != portal.Draft || !p.NeedsConsent || !p.NeedsMinors || p.Publishable ||
			p.Problems["consent"] == "" || p.Problems["minors"] == "" || p.Subject == nil || len(p.Subject.Images) != 1 || !p.Subject.Students {
			t.Fatalf("created: %s %+v", w.Header().Get("Location"), p)
		}
		// Twice is a conflict.
		problemOf(t, e.serve(apiReq(t, "POST", "/api/v1/publications", tok, map[string]int64{"nomination_id": nom})), http.StatusConflict)

		// Publishing now is refused with the reasons by field.
		pr := problemOf(t, e.serve(apiReq(t, "POST", loc+"/publish", tok, publishBody{Version: p.Version})), http.StatusUnprocessableEntity)
		if !strings.Contains(pr.Errors["consent"], "đồng ý") || !strings.Contains(pr.Errors["minors"], "học sinh") {
			t.Errorf("publish without consent: %+v", pr)
		}
		// A student's consent must come from a guardian; a missing version is refused.
		problemOf(t, e.serve(apiReq(t, "PUT", loc+"/consent", tok, consentBody{By: "Lê Minh Khôi"})), http.StatusUnprocessableEntity)
		today := time.Now().Format("2006-01-02")
		consent := consentBody{Version: p.Version, By: "Lê Minh Khôi", Capacity: portal.CapacitySelf, On: today, Method: portal.ConsentWritten,
			Scope: "Tên, câu chuyện, ảnh.", Photos: true}
		pr = problemOf(t, e.serve(apiReq(t, "PUT", loc+"/consent", tok, consent)), http.StatusUnprocessableEntity)
		if !strings.Contains(pr.Errors["consent_capacity"], "cha, mẹ hoặc người giám hộ") {
			t.Errorf("a student consenting alone: %+v", pr)
		}
		consent.By, consent.Capacity, consent.On = "Lê Văn Hòa", portal.CapacityGuardian, "31/02/2026"
		pr = problemOf(t, e.serve(apiReq(t, "PUT", loc+"/consent", tok, consent)), http.StatusUnprocessableEntity)
		if pr.Errors["consent_on"] == "" {
			t.Errorf("a bad date: %+v", pr)
		}
		consent.On = today
		w = e.serve(apiReq(t, "PUT", loc+"/consent", tok, consent))
		p = publicationJSON{}
		decode(t, w, &p)
		if w.Code != 200 || p.Consent.RecordedAt == nil || p.Consent.By != "Lê Văn Hòa" || p.Problems["consent"] != "" {
			t.Fatalf("consent: %s %+v", outcome(w), p)
		}
		// The scanned form: a text file is refused and changes nothing;
		// a PDF is kept and read back, never cached.
		before := p.Version
		w = e.serve(rawReq("PUT", loc+"/consent-file?name=dong-y.txt&version="+strconv.Itoa(p.Version), tok, []byte("chỉ là chữ")))
		if w.Code < 400 || w.Code >= 500 {
			t.Fatalf("a text file as the form: %s", outcome(w))
		}
		p = publicationJSON{}
		decode(t, e.serve(apiReq(t, "GET", loc, tok, nil)), &p)
		if p.Version != before || p.Consent.FileName != "" {
			t.Fatalf("the refused file changed the publication: %+v", p.Consent)
		}
		w = e.serve(rawReq("PUT", loc+"/consent-file?name=dong-y.pdf&version="+strconv.Itoa(p.Version), tok, []byte("%PDF-1.4 giấy đồng ý của phụ huynh")))
		p = publicationJSON{}
		decode(t, w, &p)
		if w.Code != 200 || p.Consent.FileName != "dong-y.pdf" || p.Consent.By != "Lê Văn Hòa" {
			t.Fatalf("consent file: %s", outcome(w))
		}
		if w := e.serve(apiReq(t, "GET", loc+"/consent-file", tok, nil)); w.Code != 200 || !strings.Contains(w.Body.String(), "giấy đồng ý của phụ huynh") ||
			w.Header().Get("Cache-Control") != "private, no-store" {
			t.Errorf("read the form back: %s", outcome(w))
		}

		// The minors check: a stale version is refused and changes nothing.
		problemOf(t, e.serve(apiReq(t, "PUT", loc+"/minors", tok, minorsBody{Version: p.Version - 1, Name: portal.NameInitial, Confirm: true})), http.StatusConflict)
		pr = problemOf(t, e.serve(apiReq(t, "PUT", loc+"/minors", tok, minorsBody{Version: p.Version, Name: portal.NameInitial})), http.StatusUnprocessableEntity)
		if pr.Errors["minors_confirm"] == "" {
			t.Errorf("minors without confirming: %+v", pr)
		}
		w = e.serve(apiReq(t, "PUT", loc+"/minors", tok, minorsBody{Version: p.Version, Name: portal.NameInitial, Photos: false, School: true, Confirm: true}))
		p = publicationJSON{}
		decode(t, w, &p)
		if w.Code != 200 || p.Minors.CheckedAt == nil || p.Minors.Name != portal.NameInitial {
			t.Fatalf("minors: %s", outcome(w))
		}
		// Content with the student's full name and a photo is not publishable
		// under that check: the reasons are at the fields.
		c := contentBody{Version: p.Version, Title: "Em Khôi L. trả lại của rơi", Story: "Em Lê Minh Khôi nhặt được ví và trả lại.", Achievements: p.Achievements,
			Photos: []pubPhotoJSON{{SHA256: p.Subject.Images[0].SHA256, Caption: "Em Khôi"}}}
		w = e.serve(apiReq(t, "PUT", loc, tok, c))
		p = publicationJSON{}
		decode(t, w, &p)
		if w.Code != 200 || p.Publishable || !strings.Contains(p.Problems["story"], "họ tên đầy đủ") || p.Problems["photos"] == "" || len(p.Photos) != 1 {
			t.Fatalf("content with the full name: %s %+v", outcome(w), p.Problems)
		}
		c.Version, c.Story, c.Photos = p.Version, "Em Khôi L. nhặt được ví và trả lại.", nil
		w = e.serve(apiReq(t, "PUT", loc, tok, c))
		p = publicationJSON{}
		decode(t, w, &p)
		if w.Code != 200 || !p.Publishable || len(p.Problems) != 0 {
			t.Fatalf("fixed content: %s %+v", outcome(w), p.Problems)
		}

		// Publish; the public page is there; feature it; unpublish; gone.
		w = e.serve(apiReq(t, "POST", loc+"/publish", tok, publishBody{Version: p.Version}))
		p = publicationJSON{}
		decode(t, w, &p)
		if w.Code != 200 || p.Status != portal.Published || p.Revision != 1 || !strings.HasPrefix(p.URL, "https://thidua.example.vn/dien-hinh/") {
			t.Fatalf("publish: %s %+v", outcome(w), p)
		}
		page := strings.TrimPrefix(p.URL, "https://thidua.example.vn")
		if w := e.get(page); w.Code != 200 || !strings.Contains(w.Body.String(), "Em Khôi L. trả lại của rơi") || strings.Contains(w.Body.String(), "Lê Minh Khôi") {
			t.Fatalf("the public page: %s", outcome(w))
		}
		w = e.serve(apiReq(t, "PUT", loc+"/feature", tok, featureBody{Version: p.Version, Featured: true, Order: 2}))
		p = publicationJSON{}
		decode(t, w, &p)
		if w.Code != 200 || !p.Featured || p.FeatureOrder != 2 {
			t.Fatalf("feature: %s", outcome(w))
		}
		var featured list[publicationJSON]
		decode(t, e.serve(apiReq(t, "GET", "/api/v1/publications?featured=1", tok, nil)), &featured)
		if featured.Total != 1 || featured.Items[0].ID != p.ID {
			t.Errorf("featured list: %+v", featured)
		}
		var revs list[revisionJSON]
		decode(t, e.serve(apiReq(t, "GET", loc+"/revisions", tok, nil)), &revs)
		if revs.Total != 1 || revs.Items[0].Number != 1 || revs.Items[0].Title != "Em Khôi L. trả lại của rơi" {
			t.Errorf("revisions: %+v", revs)
		}
		w = e.serve(apiReq(t, "POST", loc+"/unpublish", tok, publishBody{Version: p.Version, Reason: "Gia đình đề nghị gỡ."}))
		p = publicationJSON{}
		decode(t, w, &p)
		if w.Code != 200 || p.Status != portal.Unpublished || p.URL != "" || p.UnpublishReason != "Gia đình đề nghị gỡ." {
			t.Fatalf("unpublish: %s %+v", outcome(w), p)
		}
		if w := e.get(page); w.Code != http.StatusNotFound {
			t.Errorf("the page after unpublishing: %s", outcome(w))
		}
		pr = problemOf(t, e.serve(apiReq(t, "PUT", loc+"/feature", tok, featureBody{Version: p.Version, Featured: true})), http.StatusUnprocessableEntity)
		if pr.Errors["featured"] == "" {
			t.Errorf("featuring what is off the portal: %+v", pr)
		}

		// A school's leader manages nothing here.
		ctok, _ := e.session(t, e.leaderC.ID, account.API)
		var none list[publicationJSON]
		decode(t, e.serve(apiReq(t, "GET", "/api/v1/publications", ctok, nil)), &none)
		if none.Total != 0 {
			t.Errorf("school C's leader lists %d publications", none.Total)
		}
		if w := e.serve(apiReq(t, "GET", loc, ctok, nil)); w.Code != http.StatusForbidden && w.Code != http.StatusNotFound {
			t.Errorf("school C's leader reads the publication: %s", outcome(w))
		}
	})
}

// TestAdoptionAPI registers an adoption of a published practice through
// the API, checks in, attaches files (a refused one changes nothing),
// concludes it, and reads the spread; a sibling school sees none of it.
func TestAdoptionAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newPortalEnv(t, db, Options{BaseURL: "https://thidua.example.vn"})
		pub, _ := e.publish(e.schoolA, "Vườn rau sạch trong trường", false)
		tok, _ := e.session(t, e.leaderC.ID, account.API)
		otok, _ := e.session(t, e.officer.ID, account.API)

		body := adoptionBody{PublicationID: pub.ID, UnitID: e.schoolC.ID, StartedOn: "hôm qua", Plan: ""}
		pr := problemOf(t, e.serve(apiReq(t, "POST", "/api/v1/adoptions", tok, body)), http.StatusUnprocessableEntity)
		if pr.Errors["started_on"] == "" {
			t.Errorf("a bad date: %+v", pr)
		}
		body.StartedOn = time.Now().AddDate(0, 0, -20).Format("2006-01-02")
		pr = problemOf(t, e.serve(apiReq(t, "POST", "/api/v1/adoptions", tok, body)), http.StatusUnprocessableEntity)
		if pr.Errors["plan"] == "" {
			t.Errorf("no plan: %+v", pr)
		}
		// At the exemplar's own school: refused at the unit.
		bad := body
		bad.UnitID, bad.Plan = e.schoolA.ID, "Kế hoạch."
		problemOf(t, e.serve(apiReq(t, "POST", "/api/v1/adoptions", otok, bad)), http.StatusUnprocessableEntity)
		if n := e.countRows(t, "SELECT COUNT(*) FROM adoptions"); n != 0 {
			t.Fatalf("refused registrations left %d adoptions", n)
		}
		body.Plan = "Tháng 1: cải tạo đất; tháng 2: trồng rau; cô Hạnh phụ trách."
		w := e.serve(apiReq(t, "POST", "/api/v1/adoptions", tok, body))
		if w.Code != http.StatusCreated {
			t.Fatalf("adopt: %s", outcome(w))
		}
		var a adoptionJSON
		a = adoptionJSON{}
		decode(t, w, &a)
		loc := "/api/v1/adoptions/" + strconv.FormatInt(a.ID, 10)
		if w.Header().Get("Location") != loc || a.Status != portal.Applying || a.UnitID != e.schoolC.ID || a.CreditedUnitID != e.schoolA.ID ||
			!strings.HasPrefix(a.URL, "https://thidua.example.vn/dien-hinh/") || len(a.Checkins) != 0 {
			t.Fatalf("adopted: %+v", a)
		}

		// Files: a refused one changes nothing; a PDF joins the plan; with
		// to=checkin it is the evidence of a new check-in.
		w = e.serve(rawReq("POST", loc+"/files?name=x.exe&version="+strconv.Itoa(a.Version), tok, []byte("MZ\x90\x00 not allowed")))
		if w.Code < 400 || w.Code >= 500 {
			t.Fatalf("an executable: %s", outcome(w))
		}
		if n := e.countRows(t, "SELECT COUNT(*) FROM adoption_files WHERE adoption_id = $1", a.ID); n != 0 {
			t.Fatalf("the refused file was kept (%d files)", n)
		}
		w = e.serve(rawReq("POST", loc+"/files?name=ke-hoach.pdf&version="+strconv.Itoa(a.Version), tok, []byte("%PDF-1.4 kế hoạch vườn rau")))
		a = adoptionJSON{}
		decode(t, w, &a)
		if w.Code != 200 || len(a.Files) != 1 || a.Files[0].Name != "ke-hoach.pdf" {
			t.Fatalf("plan file: %s", outcome(w))
		}
		if w := e.serve(apiReq(t, "GET", a.Files[0].URL, otok, nil)); w.Code != 200 || !strings.Contains(w.Body.String(), "kế hoạch vườn rau") {
			t.Errorf("the officer reads the plan file: %s", outcome(w))
		}

		// Check-ins: progress out of range is refused at the field.
		progress := 150
		pr = problemOf(t, e.serve(apiReq(t, "POST", loc+"/checkins", tok, checkinBody{Version: a.Version, On: time.Now().Format("2006-01-02"), Progress: &progress, Note: "Tốt."})),
			http.StatusUnprocessableEntity)
		if pr.Errors["progress"] == "" {
			t.Errorf("progress 150: %+v", pr)
		}
		problemOf(t, e.serve(apiReq(t, "POST", loc+"/checkins", tok, checkinBody{Version: a.Version, On: time.Now().Format("2006-01-02"), Note: "Tốt."})),
			http.StatusUnprocessableEntity)
		progress = 60
		w = e.serve(apiReq(t, "POST", loc+"/checkins", tok, checkinBody{Version: a.Version, On: time.Now().AddDate(0, 0, -1).Format("2006-01-02"), Progress: &progress,
			Note: "Đã trồng xong hai luống rau."}))
		a = adoptionJSON{}
		decode(t, w, &a)
		if w.Code != http.StatusCreated || a.Progress != 60 || len(a.Checkins) != 1 || a.Checkins[0].Note != "Đã trồng xong hai luống rau." {
			t.Fatalf("check-in: %s %+v", outcome(w), a)
		}
		w = e.serve(rawReq("POST", loc+"/files?to=checkin&name=anh.png&note=%E1%BA%A2nh+v%C6%B0%E1%BB%9Dn+rau&version="+strconv.Itoa(a.Version), tok, walkPNG(t, 30)))
		a = adoptionJSON{}
		decode(t, w, &a)
		if w.Code != 200 || len(a.Checkins) != 2 || a.Checkins[1].Progress != 60 || len(a.Checkins[1].Files) != 1 || a.Checkins[1].Note != "Ảnh vườn rau" {
			t.Fatalf("evidence: %s %+v", outcome(w), a.Checkins)
		}
		// A stale edit is refused and changes nothing.
		problemOf(t, e.serve(apiReq(t, "PUT", loc, tok, adoptionBody{Version: a.Version - 1, StartedOn: body.StartedOn, Plan: "Khác."})), http.StatusConflict)
		w = e.serve(apiReq(t, "PUT", loc, tok, adoptionBody{Version: a.Version, StartedOn: body.StartedOn, Plan: body.Plan + " Thêm tháng 3: thu hoạch."}))
		a = adoptionJSON{}
		decode(t, w, &a)
		if w.Code != 200 || !strings.HasSuffix(a.Plan, "thu hoạch.") {
			t.Fatalf("edit plan: %s", outcome(w))
		}

		// The spread, as the officer of the Phòng sees it.
		var sp spreadJSON
		decode(t, e.serve(apiReq(t, "GET", "/api/v1/adoptions/spread?publication_id="+strconv.FormatInt(pub.ID, 10), otok, nil)), &sp)
		if sp.Total != 1 || sp.Active != 1 || sp.MeanProgress != 60 || len(sp.ByUnit) != 1 || sp.ByUnit[0].Label != e.schoolC.Name || len(sp.Months) == 0 {
			t.Errorf("spread: %+v", sp)
		}
		// Conclude: an end date in the future is refused; then completed.
		pr = problemOf(t, e.serve(apiReq(t, "PUT", loc+"/outcome", tok, outcomeBody{Version: a.Version, Status: "completed",
			EndedOn: time.Now().AddDate(0, 0, 3).Format("2006-01-02"), Outcome: "Xong."})), http.StatusUnprocessableEntity)
		if pr.Errors["ended_on"] == "" {
			t.Errorf("future end: %+v", pr)
		}
		w = e.serve(apiReq(t, "PUT", loc+"/outcome", tok, outcomeBody{Version: a.Version, Status: "completed", EndedOn: time.Now().Format("2006-01-02"),
			Outcome: "Học sinh tự chăm sóc vườn; bếp ăn dùng rau của trường."}))
		a = adoptionJSON{}
		decode(t, w, &a)
		if w.Code != 200 || a.Status != portal.Completed || a.EndedOn == nil {
			t.Fatalf("outcome: %s", outcome(w))
		}
		var l list[adoptionJSON]
		decode(t, e.serve(apiReq(t, "GET", "/api/v1/adoptions?status=completed", otok, nil)), &l)
		if l.Total != 1 || l.Items[0].ID != a.ID || l.Items[0].Checkins != nil {
			t.Errorf("the officer's list: %+v", l)
		}

		// A sibling school's leader sees none of it.
		b := e.mkUser(t, "b.leader", e.schoolB.ID, false, roleAt{access.Leader, e.schoolB.ID})
		btok, _ := e.session(t, b.ID, account.API)
		decode(t, e.serve(apiReq(t, "GET", "/api/v1/adoptions", btok, nil)), &l)
		if l.Total != 0 {
			t.Errorf("school B lists %d adoptions", l.Total)
		}
		if w := e.serve(apiReq(t, "GET", loc, btok, nil)); w.Code != http.StatusForbidden && w.Code != http.StatusNotFound {
			t.Errorf("school B reads the adoption: %s", outcome(w))
		}
		decode(t, e.serve(apiReq(t, "GET", "/api/v1/adoptions/spread", btok, nil)), &sp)
		if sp.Total != 0 {
			t.Errorf("school B's spread counts %d", sp.Total)
		}
	})
}
