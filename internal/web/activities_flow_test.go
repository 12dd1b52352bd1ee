package web

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/activity"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/jobs"
)

// runJobs runs every queued job through a runner with the server's
// handlers.
func (e *testEnv) runJobs(t *testing.T) {
	t.Helper()
	r := jobs.NewRunner(e.db)
	e.srv.RegisterJobs(r)
	for {
		ran, err := r.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !ran {
			return
		}
	}
}

// postMultipart sends fields and files (name → bytes, in order) as the
// "files" field of a multipart form.
func (e *testEnv) postMultipart(t *testing.T, path, token string, fields url.Values, files ...[2]string) *httptest.ResponseRecorder {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		fw, err := mw.CreateFormFile("files", f[0])
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(f[1]))
	}
	mw.Close()
	r := httptest.NewRequest("POST", path, &buf)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.AddCookie(&http.Cookie{Name: SessionCookie, Value: token})
	return e.serve(r)
}

func activityID(t *testing.T, w *httptest.ResponseRecorder) int64 {
	t.Helper()
	loc := w.Header().Get("Location")
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/activities/") {
		t.Fatalf("want a redirect to the activity, got %s: %s", outcome(w), snippet(w))
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(loc, "/activities/"), 10, 64)
	if err != nil {
		t.Fatalf("redirect to %q", loc)
	}
	return id
}

func TestActivityLoggedWithPhoto(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newDossierEnv(t, db)
		tok, _ := e.session(t, e.staffA.ID, account.Web)
		_, csrf := e.newPage(t, "/activities/new", tok)
		form := url.Values{"csrf": {csrf}, "unit_id": {idstr(e.a.ID)}, "title": {"Tọa đàm “Nhà giáo tâm huyết, sáng tạo”"}, "form": {"seminar"},
			"date": {"2025-11-18"}, "start_time": {"08:00"}, "end_time": {"10:30"}, "participants": {"1.200"}, "reach": {"3500"},
			"partners": {"Công đoàn trường"}, "links": {"https://tin-tuc.example/toa-dam\n"}, "public": {"1"}}
		photo := string(testJPEG(t, 640, 480, 3))

		// A GIF among the files: nothing is saved, the form says which file.
		files := e.countRows(t, "SELECT COUNT(*) FROM files")
		w := e.postMultipart(t, "/activities", tok, form, [2]string{"anh.jpg", photo}, [2]string{"dong.gif", "GIF89a\x01\x00\x01\x00\x00\x00\x00;"})
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "dong.gif") || !errAt(w.Body.String(), "files", "") {
			t.Errorf("with a GIF: %s: %s", outcome(w), snippet(w))
		}
		if !strings.Contains(w.Body.String(), `value="Tọa đàm “Nhà giáo tâm huyết, sáng tạo”"`) {
			t.Error("the title typed was not kept")
		}
		if n := e.countRows(t, "SELECT COUNT(*) FROM activities"); n != 0 {
			t.Fatalf("%d activities saved with a refused file", n)
		}
		if n := e.countRows(t, "SELECT COUNT(*) FROM files"); n != files {
			t.Errorf("%d files stored with a refused file", n-files)
		}

		// The photo alone: saved; the staff member's "public" is ignored.
		id := activityID(t, e.postMultipart(t, "/activities", tok, form, [2]string{"anh-toa-dam.jpg", photo}))
		a, err := e.srv.activity.Get(context.Background(), access.System(), id)
		if err != nil {
			t.Fatal(err)
		}
		if a.Public || a.Participants != 1200 || a.Reach != 3500 || a.StartTime != "08:00" || len(a.Files) != 1 || a.Files[0].Thumb != activity.ThumbPending {
			t.Errorf("saved %+v", a)
		}
		page := e.serve(pageReq("GET", "/activities/"+idstr(id), tok, nil)).Body.String()
		thumbPath := "/activities/" + idstr(id) + "/files/" + a.Files[0].SHA256 + "/thumb"
		if !strings.Contains(page, `src="`+thumbPath+`"`) || !strings.Contains(page, "data-pending") || !strings.Contains(page, "18/11/2025, 08:00 – 10:30") {
			t.Error("the activity page lacks the pending thumbnail or the time")
		}
		if strings.Contains(page, "Công khai trên cổng thông tin") {
			t.Error("a staff member is offered the public flag")
		}
		th := e.serve(pageReq("GET", thumbPath, tok, nil))
		if th.Code != http.StatusOK || th.Header().Get("X-Thumb") != "pending" || th.Header().Get("Content-Type") != "image/svg+xml" {
			t.Errorf("thumbnail before the job: %s %q %q", outcome(th), th.Header().Get("X-Thumb"), th.Header().Get("Content-Type"))
		}
		e.runJobs(t)
		th = e.serve(pageReq("GET", thumbPath, tok, nil))
		if cfg, err := jpeg.DecodeConfig(bytes.NewReader(th.Body.Bytes())); th.Header().Get("X-Thumb") != "ready" || err != nil || cfg.Width != 480 || cfg.Height != 360 {
			t.Errorf("thumbnail after the job: %q, %v %v", th.Header().Get("X-Thumb"), cfg, err)
		}
		list := e.serve(pageReq("GET", "/activities", tok, nil)).Body.String()
		if !strings.Contains(list, `src="`+thumbPath+`"`) || strings.Contains(list, "data-pending") || !strings.Contains(list, "1.200 người") {
			t.Error("the list does not show the ready thumbnail and the counts")
		}

		// The leader publishes it; a stale edit is refused and keeps what was typed.
		ltok, _ := e.session(t, e.leaderA.ID, account.Web)
		_, lcsrf := e.newPage(t, "/activities/"+idstr(id), ltok)
		w = e.serve(pageReq("POST", "/activities/"+idstr(id)+"/public", ltok, url.Values{"csrf": {lcsrf}, "version": {"1"}, "public": {"1"}}))
		if w.Code != http.StatusSeeOther {
			t.Fatalf("publish: %s: %s", outcome(w), snippet(w))
		}
		edit := activityForm(a)
		edit.Set("csrf", csrf)
		edit.Set("title", "Sửa từ bản cũ")
		w = e.serve(pageReq("POST", "/activities/"+idstr(id)+"/edit", tok, edit))
		if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "Sửa từ bản cũ") {
			t.Errorf("stale edit: %s: %s", outcome(w), snippet(w))
		}
		if b, _ := e.srv.activity.Get(context.Background(), access.System(), id); !b.Public || b.Title != a.Title {
			t.Errorf("after publish and a stale edit: public %v, title %q", b.Public, b.Title)
		}

		// Searching dossiers in the form (without script) saves nothing.
		d := e.createDossier(t, tok, teacherForm(e.a.ID, csrf))
		find := url.Values{"csrf": {csrf}, "unit_id": {idstr(e.a.ID)}, "title": {"Giao lưu"}, "do": {"find"}, "dossier_q": {"day gioi"}}
		w = e.serve(pageReq("POST", "/activities", tok, find))
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `name="dossiers" value="`+idstr(d)+`"`) {
			t.Errorf("dossier search: %s: %s", outcome(w), snippet(w))
		}
		if n := e.countRows(t, "SELECT COUNT(*) FROM activities"); n != 1 {
			t.Errorf("the search saved an activity (%d)", n)
		}
		// The picker's script gets the same as JSON; B's staff gets nothing of A.
		var opts []struct {
			ID    int64  `json:"id"`
			Title string `json:"title"`
		}
		decode(t, e.serve(pageReq("GET", "/activities/dossier-options?q=day+gioi", tok, nil)), &opts)
		if len(opts) != 1 || opts[0].ID != d {
			t.Errorf("dossier options = %+v", opts)
		}
		btok, _ := e.session(t, e.staffB.ID, account.Web)
		decode(t, e.serve(pageReq("GET", "/activities/dossier-options?q=day+gioi", btok, nil)), &opts)
		if len(opts) != 0 {
			t.Errorf("school B sees school A's dossiers in the picker: %+v", opts)
		}
	})
}

func TestActivityExportThroughPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newDossierEnv(t, db)
		ctx := context.Background()
		w := access.Scope{Username: "x", Grants: []access.Grant{{Path: access.SystemPath, Role: access.Staff}}}
		var want []string
		for i, c := range []struct {
			unit int64
			day  string
			form activity.Form
		}{{e.a.ID, "2025-09-10", activity.Seminar}, {e.b.ID, "2025-11-18", activity.Seminar}, {e.a.ID, "2025-11-19", activity.Culture},
			{e.b.ID, "2024-11-18", activity.Seminar}, {e.a.ID, "2026-03-26", activity.Seminar}} {
			day, _ := time.Parse("2006-01-02", c.day)
			title := "Hoạt động số " + strconv.Itoa(i+1)
			if _, err := e.srv.activity.Create(ctx, w, activity.Input{UnitID: c.unit, Date: day, Title: title, Form: c.form, Participants: 10 * (i + 1)}); err != nil {
				t.Fatal(err)
			}
			if c.form == activity.Seminar && c.day >= "2025-08-01" && c.day <= "2026-07-31" {
				want = append([]string{title}, want...)
			}
		}
		tok, _ := e.session(t, e.officer.ID, account.Web)
		list, csrf := e.newPage(t, "/activities?year=2025&form=seminar", tok)
		if !strings.Contains(list.Body.String(), "Xuất Excel (3 hoạt động)") {
			t.Fatalf("the list does not offer the export of 3: %s", snippet(list))
		}
		res := e.serve(pageReq("POST", "/activity-exports", tok, url.Values{"csrf": {csrf}, "year": {"2025"}, "form": {"seminar"}}))
		loc := res.Header().Get("Location")
		if res.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/activity-exports/") {
			t.Fatalf("start export: %s: %s", outcome(res), snippet(res))
		}
		page := e.serve(pageReq("GET", loc, tok, nil))
		if page.Code != http.StatusOK || page.Header().Get("Refresh") == "" || !strings.Contains(page.Body.String(), "Đang chờ xử lý") {
			t.Errorf("progress page before the job: %s, Refresh %q", outcome(page), page.Header().Get("Refresh"))
		}
		// Only the requester sees it.
		other, _ := e.session(t, e.staffA.ID, account.Web)
		if w := e.serve(pageReq("GET", loc, other, nil)); w.Code != http.StatusNotFound {
			t.Errorf("another user's export page: %s", outcome(w))
		}
		e.runJobs(t)
		page = e.serve(pageReq("GET", loc, tok, nil))
		if page.Header().Get("Refresh") != "" || !strings.Contains(page.Body.String(), `href="`+loc+`/file"`) || !strings.Contains(page.Body.String(), "3 hoạt động") {
			t.Errorf("progress page after the job: %s", snippet(page))
		}
		if w := e.serve(pageReq("GET", loc+"/file", other, nil)); w.Code != http.StatusNotFound {
			t.Errorf("another user downloads the export: %s", outcome(w))
		}
		file := e.serve(pageReq("GET", loc+"/file", tok, nil))
		if file.Code != http.StatusOK || !strings.Contains(file.Header().Get("Content-Disposition"), ".xlsx") {
			t.Fatalf("download: %s %q", outcome(file), file.Header().Get("Content-Disposition"))
		}
		x, err := excelize.OpenReader(bytes.NewReader(file.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows("Hoạt động tuyên truyền")
		var got []string
		for _, r := range rows[4:] {
			got = append(got, r[5])
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("exported %q, want %q", got, want)
		}
		if !strings.Contains(rows[1][0], "năm học 2025-2026") || !strings.Contains(rows[1][0], "Tọa đàm") {
			t.Errorf("title row %q", rows[1])
		}
		// An export of nothing is refused on the list, with the reason.
		res = e.serve(pageReq("POST", "/activity-exports", tok, url.Values{"csrf": {csrf}, "form": {"press"}}))
		if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body.String(), "Không có hoạt động nào phù hợp") {
			t.Errorf("empty export: %s: %s", outcome(res), snippet(res))
		}
	})
}

// noisyJPEG is a photo of random pixels: large for its size (over 1 MB).
func noisyJPEG(t *testing.T, side int) []byte {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.IntN(256))
	}
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 255
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestActivityAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newDossierEnv(t, db)
		tok, _ := e.session(t, e.staffA.ID, account.API)
		var ids []int64
		for i := 0; i < 7; i++ {
			w := e.serve(apiReq(t, "POST", "/api/v1/activities", tok, activityBody{UnitID: e.a.ID, Date: "2025-10-0" + strconv.Itoa(i+1),
				Title: "Tin bài số " + strconv.Itoa(i+1), Form: []string{"online", "press"}[i%2], Reach: 100 * i, Links: []string{"https://tin-tuc.example/" + strconv.Itoa(i)}}))
			var a activityJSON
			if w.Code != http.StatusCreated {
				t.Fatalf("create: %s: %s", outcome(w), w.Body.String())
			}
			decode(t, w, &a)
			if a.Status != activity.Held || a.StartTime != nil || a.EndDate != nil || a.FormLabel == "" {
				t.Errorf("created %+v", a)
			}
			ids = append(ids, a.ID)
		}
		// Pages of 3 by cursor, newest first, with the forms' counts.
		var all []int64
		next := ""
		for pages := 0; pages < 5; pages++ {
			var l activityListJSON
			decode(t, e.serve(apiReq(t, "GET", "/api/v1/activities?limit=3&after="+next, tok, nil)), &l)
			if l.Total != 7 || l.ByForm["online"] != 4 || l.ByForm["press"] != 3 || l.ByForm["seminar"] != 0 {
				t.Errorf("page %d: total %d by form %v", pages, l.Total, l.ByForm)
			}
			for _, a := range l.Items {
				all = append(all, a.ID)
			}
			if l.Next == nil {
				break
			}
			next = *l.Next
		}
		if len(all) != 7 || all[0] != ids[6] || all[6] != ids[0] {
			t.Errorf("paged %v, created %v", all, ids)
		}
		problemOf(t, e.serve(apiReq(t, "GET", "/api/v1/activities?form=hoi-thao", tok, nil)), http.StatusUnprocessableEntity)
		problemOf(t, e.serve(apiReq(t, "GET", "/api/v1/activities?offset=20000", tok, nil)), http.StatusUnprocessableEntity)

		// A photo over 1 MB goes through the API's raw upload; a GIF does not.
		big := noisyJPEG(t, 1000)
		if len(big) < 1<<20 {
			t.Fatalf("the test photo has only %d bytes", len(big))
		}
		r := httptest.NewRequest("POST", "/api/v1/activities/"+idstr(ids[0])+"/files?name=anh.jpg&version=1", bytes.NewReader(big))
		r.Header.Set("Authorization", "Bearer "+tok)
		r.Header.Set("Content-Type", "image/jpeg")
		w := e.serve(r)
		var a activityJSON
		if w.Code != http.StatusOK {
			t.Fatalf("upload of %d bytes: %s: %s", len(big), outcome(w), w.Body.String())
		}
		decode(t, w, &a)
		if len(a.Files) != 1 || a.Files[0].Size != int64(len(big)) || a.Files[0].Thumb != "pending" || a.Version != 2 {
			t.Errorf("after upload %+v", a)
		}
		r = httptest.NewRequest("POST", "/api/v1/activities/"+idstr(ids[0])+"/files?name=x.gif&version=2", strings.NewReader("GIF89a\x01\x00\x01\x00\x00\x00\x00;"))
		r.Header.Set("Authorization", "Bearer "+tok)
		if p := problemOf(t, e.serve(r), http.StatusUnprocessableEntity); p.Errors["files"] == "" {
			t.Errorf("GIF problem %+v", p)
		}
		// Stale writes get 409 and change nothing.
		problemOf(t, e.serve(apiReq(t, "PUT", "/api/v1/activities/"+idstr(ids[0]), tok, activityBody{Version: 1, Title: "Cũ", Form: "online", Date: "2025-10-01"})), http.StatusConflict)
		problemOf(t, e.serve(apiReq(t, "DELETE", "/api/v1/activities/"+idstr(ids[0])+"?version=1", tok, nil)), http.StatusConflict)
		problemOf(t, e.serve(apiReq(t, "POST", "/api/v1/activities/"+idstr(ids[0])+"/public", tok, publicBody{Version: 2, Public: true})), http.StatusForbidden)
		if w := e.serve(apiReq(t, "DELETE", "/api/v1/activities/"+idstr(ids[0])+"/files/"+a.Files[0].SHA256+"?version=2", tok, nil)); w.Code != http.StatusOK {
			t.Errorf("detach: %s", outcome(w))
		}
		if w := e.serve(apiReq(t, "DELETE", "/api/v1/activities/"+idstr(ids[0])+"?version=3", tok, nil)); w.Code != http.StatusNoContent {
			t.Errorf("delete: %s: %s", outcome(w), w.Body.String())
		}
		// An export through the API, followed to its file.
		w = e.serve(apiReq(t, "POST", "/api/v1/activity-exports", tok, exportBody{Form: "press"}))
		var ex exportJSON
		if w.Code != http.StatusAccepted {
			t.Fatalf("export: %s: %s", outcome(w), w.Body.String())
		}
		decode(t, w, &ex)
		e.runJobs(t)
		decode(t, e.serve(apiReq(t, "GET", "/api/v1/activity-exports/"+idstr(ex.ID), tok, nil)), &ex)
		if ex.Status != "done" || ex.Rows != 3 || ex.FileURL == nil {
			t.Fatalf("export after the job: %+v", ex)
		}
		file := e.serve(apiReq(t, "GET", *ex.FileURL, tok, nil))
		if _, err := excelize.OpenReader(bytes.NewReader(file.Body.Bytes())); err != nil || file.Code != http.StatusOK {
			t.Errorf("export file: %s, %v", outcome(file), err)
		}
		other, _ := e.session(t, e.staffB.ID, account.API)
		problemOf(t, e.serve(apiReq(t, "GET", *ex.FileURL, other, nil)), http.StatusNotFound)
	})
}

func TestActivityMovementPickers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newDossierEnv(t, db)
		ctx := context.Background()
		now := database.Now()
		var m, c int64
		if err := db.W.QueryRowContext(ctx, `INSERT INTO movements (unit_id, name, authority, kind, starts_on, status, created_at, updated_at)
			VALUES ($1, 'Đổi mới, sáng tạo trong dạy và học', 'bo_gddt', 'thuong_xuyen', $2, 'active', $3, $3) RETURNING id`, e.so.ID, now, now).Scan(&m); err != nil {
			t.Fatal(err)
		}
		if err := db.W.QueryRowContext(ctx, `INSERT INTO campaigns (movement_id, unit_id, name, starts_on, ends_on, created_at, updated_at)
			VALUES ($1, $2, 'Đợt thi đua chào mừng 20/11', $3, $3, $4, $4) RETURNING id`, m, e.so.ID, time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC), now).Scan(&c); err != nil {
			t.Fatal(err)
		}
		tok, _ := e.session(t, e.staffA.ID, account.Web)
		w, csrf := e.newPage(t, "/activities/new", tok)
		body := w.Body.String()
		if !strings.Contains(body, `name="movements" value="`+idstr(m)+`"`) || !strings.Contains(body, `name="campaigns" value="`+idstr(c)+`"`) {
			t.Fatal("the form offers no movement or campaign")
		}
		// Ticking the campaign links its movement too.
		id := activityID(t, e.serve(pageReq("POST", "/activities", tok, url.Values{"csrf": {csrf}, "unit_id": {idstr(e.a.ID)},
			"title": {"Văn nghệ 20/11"}, "form": {"culture"}, "date": {"2025-11-19"}, "campaigns": {idstr(c)}})))
		page := e.serve(pageReq("GET", "/activities/"+idstr(id), tok, nil)).Body.String()
		if !strings.Contains(page, "Đổi mới, sáng tạo trong dạy và học") || !strings.Contains(page, "Đợt thi đua chào mừng 20/11") {
			t.Error("the activity page does not name the movement and the campaign")
		}
		edit := e.serve(pageReq("GET", "/activities/"+idstr(id)+"/edit", tok, nil)).Body.String()
		for _, box := range []string{`name="movements" value="` + idstr(m) + `" checked`, `name="campaigns" value="` + idstr(c) + `" checked`} {
			if !strings.Contains(edit, box) {
				t.Errorf("the edit form lacks %s", box)
			}
		}
		for q, want := range map[string]bool{"movement=m" + idstr(m): true, "movement=c" + idstr(c): true, "movement=c" + idstr(c+100): false} {
			if got := strings.Contains(e.serve(pageReq("GET", "/activities?"+q, tok, nil)).Body.String(), "Văn nghệ 20/11"); got != want {
				t.Errorf("list with %s shows the activity: %v", q, got)
			}
		}
	})
}
