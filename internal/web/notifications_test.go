package web

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/jobs"
	"thidua/internal/notify"
	"thidua/internal/unit"
)

// note gives user one notification and returns its id.
func (e *testEnv) note(t testing.TB, userID int64, n notify.Note) int64 {
	t.Helper()
	ctx := context.Background()
	if err := e.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := e.srv.notes.ToUsersTx(ctx, tx, 0, []int64{userID}, n)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := e.db.R.QueryRowContext(ctx, "SELECT MAX(id) FROM notifications WHERE user_id = $1", userID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// walkNote gives the walk's caller (the spare login account for the
// anonymous) a fresh notification.
func (f *walkFixture) walkNote(k walkCase) (user, id int64) {
	user = f.login.ID
	if k.c != nil {
		user = k.c.user.ID
	}
	return user, f.note(f.t, user, notify.Note{Title: fmt.Sprintf("Thông báo thử %d", f.next()), URL: "/units"})
}

func init() {
	for _, p := range []string{"GET /notifications", "POST /notifications/{id}/read", "POST /notifications/read-all",
		"GET /api/v1/notifications", "POST /api/v1/notifications/{id}/read", "POST /api/v1/notifications/read-all"} {
		// Everyone reads and marks only their own: TestNotificationsOwnOnly.
		expectations[p] = loggedIn
	}
	list := func(f *walkFixture, k walkCase) call {
		if k.c == nil {
			return call{}
		}
		_, id := f.walkNote(k)
		var title string
		f.db.R.QueryRow("SELECT title FROM notifications WHERE id = $1", id).Scan(&title)
		return call{shows: title}
	}
	read := func(f *walkFixture, k walkCase) call {
		_, id := f.walkNote(k)
		return call{id: id, form: url.Values{}, state: f.query("SELECT COUNT(*) FROM notifications WHERE id = $1 AND read_at IS NULL", id), mutates: true}
	}
	readAll := func(f *walkFixture, k walkCase) call {
		user, _ := f.walkNote(k)
		return call{form: url.Values{}, state: f.query("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL", user), mutates: true}
	}
	walkRequests["GET /notifications"] = list
	walkRequests["GET /api/v1/notifications"] = list
	walkRequests["POST /notifications/{id}/read"] = read
	walkRequests["POST /api/v1/notifications/{id}/read"] = read
	walkRequests["POST /notifications/read-all"] = readAll
	walkRequests["POST /api/v1/notifications/read-all"] = readAll
}

// notesEnv is a server with two users at one school.
func notesEnv(t *testing.T, db *database.DB) (*testEnv, int64, int64) {
	e := newEnv(t, db, 0, Options{})
	root := e.mkUnit(t, nil, unit.Department, "SO", "Sở Giáo dục và Đào tạo")
	school := e.mkUnit(t, &root, unit.School, "TH-A", "Trường Tiểu học A", "TH")
	a := e.mkUser(t, "hieutruong", school.ID, false, roleAt{access.Leader, school.ID})
	b := e.mkUser(t, "giaovien", school.ID, false, roleAt{access.Staff, school.ID})
	return e, a.ID, b.ID
}

// TestNotificationsPageAndBell: the bell counts the unread, the page lists
// newest first, opening one marks it read and follows its link, and "mark
// all" empties the bell.
func TestNotificationsPageAndBell(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e, leader, _ := notesEnv(t, db)
		first := e.note(t, leader, notify.Note{Title: "Kết quả xét chọn: Hồ sơ A — Được chọn", Body: "Kết quả đợt Quý IV/2026.\nHồ sơ: A", URL: "/nominations/7"})
		e.note(t, leader, notify.Note{Title: "Sắp đến hạn nộp hồ sơ đợt Quý IV/2026: 1 đề nghị chưa gửi", URL: "/rounds/3"})
		token, csrf := e.session(t, leader, "web")

		home := e.serve(pageReq("GET", "/", token, nil))
		if home.Code != http.StatusOK || !strings.Contains(home.Body.String(), `<span class="count">2<span class="visually-hidden"> chưa đọc</span></span>`) {
			t.Fatalf("home page bell: %d %s", home.Code, snippet(home))
		}
		list := e.serve(pageReq("GET", "/notifications", token, nil)).Body.String()
		i, j := strings.Index(list, "Sắp đến hạn nộp hồ sơ"), strings.Index(list, "Kết quả xét chọn: Hồ sơ A")
		if i < 0 || j < 0 || i > j {
			t.Fatalf("the list does not show both, newest first:\n%s", list)
		}
		if !strings.Contains(list, "Kết quả đợt Quý IV/2026.\nHồ sơ: A") || strings.Count(list, `<span class="badge">Chưa đọc</span>`) != 2 {
			t.Errorf("bodies or unread marks missing")
		}

		open := e.serve(pageReq("POST", fmt.Sprintf("/notifications/%d/read", first), token, url.Values{"csrf": {csrf}}))
		if open.Code != http.StatusSeeOther || open.Header().Get("Location") != "/nominations/7" {
			t.Fatalf("opening a notification: %s", outcome(open))
		}
		if n := e.countRows(t, "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL", leader); n != 1 {
			t.Errorf("unread after opening one = %d, want 1", n)
		}
		if page := e.serve(pageReq("GET", "/notifications?unread=1", token, nil)).Body.String(); strings.Contains(page, "Hồ sơ A") ||
			!strings.Contains(page, `<span class="count">1<span`) {
			t.Errorf("unread filter after opening one:\n%s", page)
		}

		all := e.serve(pageReq("POST", "/notifications/read-all", token, url.Values{"csrf": {csrf}}))
		if all.Code != http.StatusSeeOther || all.Header().Get("Location") != "/notifications" {
			t.Fatalf("mark all read: %s", outcome(all))
		}
		page := e.serve(pageReq("GET", "/notifications", token, nil)).Body.String()
		if strings.Contains(page, `class="count"`) || strings.Contains(page, "Chưa đọc</span>") {
			t.Errorf("after mark all read the bell or the marks remain:\n%s", page)
		}
		// Without CSRF nothing is marked.
		e.note(t, leader, notify.Note{Title: "Mới"})
		if w := e.serve(pageReq("POST", "/notifications/read-all", token, url.Values{})); w.Code < 400 {
			t.Errorf("mark all read without csrf: %s", outcome(w))
		}

		// Thirty-five notes make two pages of thirty.
		for k := 0; k < 34; k++ {
			e.note(t, leader, notify.Note{Title: fmt.Sprintf("Thông báo số %02d", k)})
		}
		p1 := e.serve(pageReq("GET", "/notifications", token, nil)).Body.String()
		p2 := e.serve(pageReq("GET", "/notifications?page=2", token, nil)).Body.String()
		if !strings.Contains(p1, "Thông báo số 33") || strings.Contains(p1, "Thông báo số 03") || !strings.Contains(p1, "Trang 1/2") ||
			!strings.Contains(p2, "Thông báo số 03") || !strings.Contains(p2, "Hồ sơ A") {
			t.Errorf("pagination: page 1 and 2 do not split 37 notes newest first")
		}
		if !strings.Contains(p1, `<span class="count">35<span`) {
			t.Errorf("bell after 35 new notes")
		}
		for k := 0; k < 70; k++ {
			e.note(t, leader, notify.Note{Title: "Nữa"})
		}
		if p := e.serve(pageReq("GET", "/", token, nil)).Body.String(); !strings.Contains(p, `<span class="count">99+<span`) {
			t.Errorf("the bell shows more than 99 as 99+")
		}
	})
}

// TestNotificationsOwnOnly: nobody reads or marks another user's
// notifications, through the pages or the API.
func TestNotificationsOwnOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e, leader, staff := notesEnv(t, db)
		theirs := e.note(t, leader, notify.Note{Title: "Riêng của hiệu trưởng", URL: "/rounds/1"})
		token, csrf := e.session(t, staff, "web")
		if w := e.serve(pageReq("POST", fmt.Sprintf("/notifications/%d/read", theirs), token, url.Values{"csrf": {csrf}})); w.Code != http.StatusNotFound {
			t.Errorf("staff opening the leader's notification: %s", outcome(w))
		}
		if w := e.serve(pageReq("POST", "/notifications/read-all", token, url.Values{"csrf": {csrf}})); w.Code != http.StatusSeeOther {
			t.Errorf("staff marking their own read: %s", outcome(w))
		}
		if p := e.serve(pageReq("GET", "/notifications", token, nil)).Body.String(); strings.Contains(p, "Riêng của hiệu trưởng") || !strings.Contains(p, "Chưa có thông báo nào.") {
			t.Errorf("staff's list shows the leader's notification")
		}
		api, _ := e.session(t, staff, "api")
		problemOf(t, e.serve(apiReq(t, "POST", fmt.Sprintf("/api/v1/notifications/%d/read", theirs), api, nil)), http.StatusNotFound)
		var l notificationList
		decode(t, e.serve(apiReq(t, "GET", "/api/v1/notifications", api, nil)), &l)
		if l.Total != 0 || len(l.Items) != 0 || l.Unread != 0 {
			t.Errorf("staff's API list: %+v", l)
		}
		if n := e.countRows(t, "SELECT COUNT(*) FROM notifications WHERE id = $1 AND read_at IS NULL", theirs); n != 1 {
			t.Errorf("the leader's notification was marked read by someone else")
		}
	})
}

func TestNotificationsAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e, leader, _ := notesEnv(t, db)
		a := e.note(t, leader, notify.Note{Title: "Một", Body: "Nội dung một", URL: "/rounds/1"})
		e.note(t, leader, notify.Note{Title: "Hai"})
		token, _ := e.session(t, leader, "api")
		var l notificationList
		w := e.serve(apiReq(t, "GET", "/api/v1/notifications", token, nil))
		decode(t, w, &l)
		if w.Code != http.StatusOK || l.Total != 2 || l.Unread != 2 || len(l.Items) != 2 || l.Items[0].Title != "Hai" || l.Items[1].URL != "/rounds/1" {
			t.Fatalf("list: %d %+v", w.Code, l)
		}
		var n notificationJSON
		w = e.serve(apiReq(t, "POST", fmt.Sprintf("/api/v1/notifications/%d/read", a), token, nil))
		decode(t, w, &n)
		if w.Code != http.StatusOK || n.ID != a || n.ReadAt == nil || n.Body != "Nội dung một" {
			t.Fatalf("read: %d %+v", w.Code, n)
		}
		w = e.serve(apiReq(t, "GET", "/api/v1/notifications?unread=1&limit=1", token, nil))
		decode(t, w, &l)
		if l.Total != 1 || l.Unread != 1 || len(l.Items) != 1 || l.Items[0].Title != "Hai" {
			t.Fatalf("unread list: %+v", l)
		}
		if w := e.serve(apiReq(t, "POST", "/api/v1/notifications/read-all", token, nil)); w.Code != http.StatusNoContent {
			t.Fatalf("read-all: %s %s", outcome(w), w.Body.String())
		}
		decode(t, e.serve(apiReq(t, "GET", "/api/v1/notifications", token, nil)), &l)
		if l.Total != 2 || l.Unread != 0 {
			t.Fatalf("after read-all: %+v", l)
		}
		problemOf(t, e.serve(apiReq(t, "POST", "/api/v1/notifications/999999/read", token, nil)), http.StatusNotFound)
	})
}

// TestRegisterJobs: the server schedules the calendar's reminders at 06:30
// and the daily digest at 07:00 in Vietnam, and the selection reminders
// every hour.
func TestRegisterJobs(t *testing.T) {
	db := dbtest.SQLite(t)
	e := newEnv(t, db, 0, Options{})
	r := jobs.NewRunner(db)
	e.srv.RegisterJobs(r)
	ctx := context.Background()
	at := time.Date(2026, 12, 2, 3, 30, 0, 0, time.UTC) // 10:30 in Vietnam
	if n, err := r.Schedule(ctx, at); err != nil || n != 3 {
		t.Fatalf("schedule queued %d jobs (%v), want 3", n, err)
	}
	slots := map[string]time.Time{}
	rows, err := db.R.QueryContext(ctx, "SELECT kind, run_at FROM jobs")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var kind string
		var run time.Time
		rows.Scan(&kind, &run)
		slots[kind] = run.UTC()
	}
	rows.Close()
	if got := slots[notify.KindDigest]; !got.Equal(time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("digest slot %v, want 07:00 in Vietnam (00:00 UTC)", got)
	}
	if got := slots["calendar-reminders"]; !got.Equal(time.Date(2026, 12, 1, 23, 30, 0, 0, time.UTC)) {
		t.Errorf("calendar reminders slot %v, want 06:30 in Vietnam (23:30 UTC the day before)", got)
	}
	if got := slots["selection-reminders"]; !got.Equal(time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)) {
		t.Errorf("reminders slot %v, want the hour", got)
	}
}
