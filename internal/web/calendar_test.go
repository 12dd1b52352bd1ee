package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/calendar"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/jobs"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// --- the authorization walk

var (
	// calReads: a role reaching the unit (own or below); the parent is seen
	// but not held, the sibling not even seen.
	calReads rule = func(w who, r rel) bool { return hasRole(w) && (r == own || r == child) }
	// calEdits: administrators and emulation officers of the unit or above.
	calEdits rule = func(w who, r rel) bool {
		return (w == who(access.Admin) || w == who(access.Officer)) && (r == own || r == child)
	}
	// calSees: the unit's key dates are read by whoever sees the unit,
	// ancestors included.
	calSees rule = func(w who, r rel) bool { return hasRole(w) && r != sibling }
	// calNobody: the walk cannot put a real token in the path;
	// TestCalendarFeedWalk walks the feed with real ones.
	calNobody rule = func(who, rel) bool { return false }
)

// calMarkerName names the key date the walk plants at a unit, on today's
// day of the year so that every view of today shows it.
func calMarkerName(u unit.Unit) string { return "Ngày truyền thống " + u.Code }

// calMarker returns the walk's key date at the unit aimed at, creating it
// the first time.
func (f *walkFixture) calMarker(r rel) calendar.Observance {
	u := f.unit[r]
	ctx := context.Background()
	sys := access.System()
	kds, err := f.srv.keyDates.For(ctx, sys, u.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, k := range kds {
		if k.Name == calMarkerName(u) {
			return k
		}
	}
	today := time.Now().In(viet.Zone)
	k, err := f.srv.keyDates.Create(ctx, sys, calendar.ObservanceInput{UnitID: u.ID, Month: int(today.Month()), Day: today.Day(),
		Name: calMarkerName(u), Note: "Mốc của phép thử phân quyền", Public: false})
	if err != nil {
		f.t.Fatal(err)
	}
	return k
}

// calFreshKeyDate creates a key date at the unit aimed at, for a request
// that deletes it.
func (f *walkFixture) calFreshKeyDate(r rel) (calendar.Observance, func() string) {
	k, err := f.srv.keyDates.Create(context.Background(), access.System(), calendar.ObservanceInput{UnitID: f.unit[r].ID, Month: 3, Day: 8,
		Name: "Ngày sẽ xóa " + f.code()})
	if err != nil {
		f.t.Fatal(err)
	}
	return k, f.query("SELECT COUNT(*) FROM key_dates WHERE id = $1", k.ID)
}

// calFeed plants a feed of user at unitID straight in the table (as if
// made while the user still held a role there) and returns its id and
// token.
func (f *walkFixture) calFeed(userID, unitID int64) (int64, string) {
	ctx := context.Background()
	if _, err := f.db.W.ExecContext(ctx, "DELETE FROM calendar_feeds WHERE user_id = $1 AND unit_id = $2", userID, unitID); err != nil {
		f.t.Fatal(err)
	}
	token := fmt.Sprintf("walk-token-%d-%d-%d", userID, unitID, f.next())
	h := sha256.Sum256([]byte(token))
	now := time.Now().UTC()
	var id int64
	err := f.db.W.QueryRowContext(ctx, `INSERT INTO calendar_feeds (user_id, unit_id, token_hash, created_at, renewed_at)
		VALUES ($1, $2, $3, $4, $4) RETURNING id`, userID, unitID, hex.EncodeToString(h[:]), now).Scan(&id)
	if err != nil {
		f.t.Fatal(err)
	}
	return id, token
}

// calOwner is the user a walk case's feed belongs to: the caller, or a
// bystander for the anonymous.
func (f *walkFixture) calOwner(k walkCase) int64 {
	if k.c == nil {
		return f.login.ID
	}
	return k.c.user.ID
}

func init() {
	for p, r := range map[string]rule{
		"GET /calendar":                               calReads,
		"GET /calendar/agenda":                        calReads,
		"GET /api/v1/calendar":                        calReads,
		"GET /calendar/key-dates":                     calReads,
		"GET /api/v1/key-dates":                       calSees,
		"GET /api/v1/key-dates/{id}":                  calSees,
		"GET /calendar/key-dates/new":                 calEdits,
		"POST /calendar/key-dates":                    calEdits,
		"POST /api/v1/key-dates":                      calEdits,
		"GET /calendar/key-dates/{id}/edit":           calEdits,
		"POST /calendar/key-dates/{id}/edit":          calEdits,
		"PUT /api/v1/key-dates/{id}":                  calEdits,
		"POST /calendar/key-dates/{id}/delete":        calEdits,
		"DELETE /api/v1/key-dates/{id}":               calEdits,
		"GET /calendar/feeds":                         loggedIn,
		"GET /api/v1/calendar/feeds":                  loggedIn,
		"POST /calendar/feeds":                        calReads,
		"POST /api/v1/calendar/feeds":                 calReads,
		"POST /calendar/feeds/{id}/regenerate":        calReads,
		"POST /api/v1/calendar/feeds/{id}/regenerate": calReads,
		// One's own feed may always be revoked, even once it shows nothing.
		"POST /calendar/feeds/{id}/delete":   loggedIn,
		"DELETE /api/v1/calendar/feeds/{id}": loggedIn,
		"GET /ics/{feed}":                    calNobody,
		"GET /lich-cong-khai.ics":            everyone,
	} {
		expectations[p] = r
	}

	// Creating for a unit the caller cannot see is refused at the unit
	// field (422).
	notSeen := []int{http.StatusUnprocessableEntity}
	marker := func(f *walkFixture, k walkCase) call {
		f.calMarker(k.r)
		f.calMarker(parent) // seen above every unit aimed at, never a refusal's proof
		return call{query: "unit_id=" + idstr(f.unit[k.r].ID), shows: calMarkerName(f.unit[k.r])}
	}
	markerByID := func(f *walkFixture, k walkCase) call {
		m := f.calMarker(k.r)
		return call{id: m.ID, shows: m.Name}
	}
	newKeyDate := func(f *walkFixture) (string, func() string) {
		name := "Ngày thành lập " + f.code()
		return name, f.query("SELECT COUNT(*) FROM key_dates WHERE name = $1", name)
	}
	feedCount := func(f *walkFixture, k walkCase) func() string {
		owner, unitID := f.calOwner(k), f.unit[k.r].ID
		f.db.W.ExecContext(context.Background(), "DELETE FROM calendar_feeds WHERE user_id = $1 AND unit_id = $2", owner, unitID)
		return f.query("SELECT COUNT(*) FROM calendar_feeds WHERE user_id = $1 AND unit_id = $2", owner, unitID)
	}
	renew := func(f *walkFixture, k walkCase) call {
		id, _ := f.calFeed(f.calOwner(k), f.unit[k.r].ID)
		return call{id: id, form: url.Values{}, state: f.query("SELECT token_hash FROM calendar_feeds WHERE id = $1", id), mutates: true}
	}
	revoke := func(f *walkFixture, k walkCase) call {
		id, _ := f.calFeed(f.calOwner(k), f.unit[k.r].ID)
		return call{id: id, form: url.Values{}, state: f.query("SELECT COUNT(*) FROM calendar_feeds WHERE id = $1", id), mutates: true}
	}
	for p, b := range map[string]builder{
		"GET /calendar":              marker,
		"GET /calendar/agenda":       marker,
		"GET /api/v1/calendar":       marker,
		"GET /calendar/key-dates":    marker,
		"GET /api/v1/key-dates":      marker,
		"GET /api/v1/key-dates/{id}": markerByID,
		"GET /calendar/key-dates/new": func(f *walkFixture, k walkCase) call {
			return call{query: "unit_id=" + idstr(f.unit[k.r].ID), shows: "Thêm ngày kỷ niệm của " + f.unit[k.r].Name}
		},
		"POST /calendar/key-dates": func(f *walkFixture, k walkCase) call {
			name, state := newKeyDate(f)
			return call{form: url.Values{"unit_id": {idstr(f.unit[k.r].ID)}, "day": {"19"}, "month": {"8"}, "name": {name}, "public": {"1"}},
				state: state, mutates: true}
		},
		"POST /api/v1/key-dates": func(f *walkFixture, k walkCase) call {
			name, state := newKeyDate(f)
			return call{json: keyDateBody{UnitID: f.unit[k.r].ID, Day: 19, Month: 8, Name: name}, state: state, mutates: true, alsoDenied: notSeen}
		},
		"GET /calendar/key-dates/{id}/edit": markerByID,
		"POST /calendar/key-dates/{id}/edit": func(f *walkFixture, k walkCase) call {
			m := f.calMarker(k.r)
			form := keyDateValues(m)
			form.Set("note", m.Note+".")
			return call{id: m.ID, form: form, state: f.query("SELECT version FROM key_dates WHERE id = $1", m.ID), mutates: true}
		},
		"PUT /api/v1/key-dates/{id}": func(f *walkFixture, k walkCase) call {
			m := f.calMarker(k.r)
			no := false
			return call{id: m.ID, json: keyDateBody{Version: m.Version, Month: m.Month, Day: m.Day, Name: m.Name, Note: m.Note + ".", Public: &no},
				state: f.query("SELECT version FROM key_dates WHERE id = $1", m.ID), mutates: true}
		},
		"POST /calendar/key-dates/{id}/delete": func(f *walkFixture, k walkCase) call {
			kd, state := f.calFreshKeyDate(k.r)
			return call{id: kd.ID, form: url.Values{"version": {strconv.Itoa(kd.Version)}}, state: state, mutates: true}
		},
		"DELETE /api/v1/key-dates/{id}": func(f *walkFixture, k walkCase) call {
			kd, state := f.calFreshKeyDate(k.r)
			return call{id: kd.ID, query: "version=" + strconv.Itoa(kd.Version), state: state, mutates: true}
		},
		"GET /calendar/feeds":        plain,
		"GET /api/v1/calendar/feeds": plain,
		"POST /calendar/feeds": func(f *walkFixture, k walkCase) call {
			return call{form: url.Values{"unit_id": {idstr(f.unit[k.r].ID)}}, state: feedCount(f, k), mutates: true, alsoDenied: notSeen}
		},
		"POST /api/v1/calendar/feeds": func(f *walkFixture, k walkCase) call {
			return call{json: feedBody{UnitID: f.unit[k.r].ID}, state: feedCount(f, k), mutates: true, alsoDenied: notSeen}
		},
		"POST /calendar/feeds/{id}/regenerate":        renew,
		"POST /api/v1/calendar/feeds/{id}/regenerate": renew,
		"POST /calendar/feeds/{id}/delete":            revoke,
		"DELETE /api/v1/calendar/feeds/{id}":          revoke,
		"GET /ics/{feed}":                             plain,
		"GET /lich-cong-khai.ics": func(f *walkFixture, k walkCase) call {
			return call{shows: "SUMMARY:Ngày Nhà giáo Việt Nam"}
		},
	} {
		walkRequests[p] = b
	}
}

// TestCalendarFeedWalk walks the secret feed with real tokens: every
// caller's own feed of O, C, S and P (planted as if made while they held a
// role there) shows the unit's calendar only while their roles reach it.
func TestCalendarFeedWalk(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newWalkFixture(t, db)
		rt := Route{Method: "GET", Path: "/ics/{feed}", Access: Public}
		for _, r := range rels {
			f.calMarker(r)
		}
		for _, w := range whos() {
			for _, r := range rels {
				k := walkCase{w: w, r: r, c: f.caller[w]}
				token := "nobody-has-this-token"
				if k.c != nil {
					_, token = f.calFeed(k.c.user.ID, f.unit[r].ID)
				}
				res := f.serve(httptest.NewRequest("GET", calendar.FeedPath(token), nil))
				f.judge(t, rt, k, call{shows: "SUMMARY:" + calMarkerName(f.unit[r])}, calReads(w, r), res, "", "")
				if calReads(w, r) && res.Header().Get("Content-Type") != calendar.ContentType {
					t.Errorf("%s at %s: Content-Type %q", w, r, res.Header().Get("Content-Type"))
				}
			}
		}
	})
}

// parseFeed checks the octet rules RFC 5545 parsers forgive and parses the
// body with a real iCalendar parser.
func parseFeed(t *testing.T, body []byte) *ics.Calendar {
	t.Helper()
	for i, line := range bytes.Split(bytes.TrimSuffix(body, []byte("\r\n")), []byte("\r\n")) {
		if len(line) > 75 || bytes.ContainsAny(line, "\r\n") {
			t.Errorf("line %d: %q", i+1, line)
		}
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, body)
	}
	return cal
}

// summaries lists the events of a parsed feed by summary.
func summaries(cal *ics.Calendar) map[string]*ics.VEvent {
	out := map[string]*ics.VEvent{}
	for _, e := range cal.Events() {
		if p := e.GetProperty(ics.ComponentPropertySummary); p != nil {
			out[ics.FromText(p.Value)] = e
		}
	}
	return out
}

// TestCalendarFeedLifecycle: a user makes a feed link of their unit; a
// calendar app reads it (a real parser checks it); the owner loses the role
// and the feed yields nothing; renewing and revoking kill old links.
func TestCalendarFeedLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newWalkFixture(t, db)
		ctx := context.Background()
		o := f.unit[own]
		marker := f.calMarker(own)
		staff := f.caller[who(access.Staff)].user
		web, csrf := f.session(t, staff.ID, account.Web)

		// Made on the page: the link is shown once, on the answer.
		res := f.serve(pageReq("POST", "/calendar/feeds", web, url.Values{"csrf": {csrf}, "unit_id": {idstr(o.ID)}}))
		if res.Code != http.StatusOK {
			t.Fatalf("create feed: %s: %s", outcome(res), snippet(res))
		}
		m := regexp.MustCompile(`value="(https?://[^"]+/ics/[A-Za-z0-9_-]{43}\.ics)"`).FindStringSubmatch(res.Body.String())
		if m == nil {
			t.Fatalf("the page shows no feed link:\n%s", res.Body.String())
		}
		link, _ := url.Parse(m[1])
		if strings.Contains(f.serve(pageReq("GET", "/calendar/feeds", web, nil)).Body.String(), link.Path) {
			t.Error("the feed list shows the secret link again")
		}
		var count int
		db.R.QueryRow("SELECT COUNT(*) FROM calendar_feeds WHERE token_hash LIKE $1", "%"+strings.TrimSuffix(strings.TrimPrefix(link.Path, "/ics/"), ".ics")+"%").Scan(&count)
		if count != 0 {
			t.Error("the token is stored in clear")
		}

		res = f.serve(httptest.NewRequest("GET", link.Path, nil))
		if res.Code != http.StatusOK {
			t.Fatalf("GET feed: %s: %s", outcome(res), res.Body.String())
		}
		cal := parseFeed(t, res.Body.Bytes())
		name := ""
		for _, p := range cal.CalendarProperties {
			if p.IANAToken == "X-WR-CALNAME" {
				name = ics.FromText(p.Value)
			}
		}
		if name != "Lịch thi đua - "+o.Name {
			t.Errorf("X-WR-CALNAME = %q", name)
		}
		evs := summaries(cal)
		e := evs[marker.Name]
		if e == nil {
			t.Fatalf("the feed lacks the unit's key date; it has %d events", len(evs))
		}
		if start, err := e.GetAllDayStartAt(); err != nil || start.Format("0102") != fmt.Sprintf("%02d%02d", marker.Month, marker.Day) {
			t.Errorf("key date starts %v, %v", start, err)
		}
		if evs["Ngày truyền thống thi đua yêu nước"] == nil || evs["Ngày Nhà giáo Việt Nam"] == nil {
			t.Error("the feed lacks the national key dates")
		}
		if evs[calMarkerName(f.unit[sibling])] != nil {
			t.Error("the feed shows the sibling's key date")
		}
		// Unchanged: 304 to the app that has it.
		etag := res.Header().Get("ETag")
		req := httptest.NewRequest("GET", link.Path, nil)
		req.Header.Set("If-None-Match", etag)
		if r2 := f.serve(req); r2.Code != http.StatusNotModified {
			t.Errorf("If-None-Match %s: %s", etag, outcome(r2))
		}
		if cc := res.Header().Get("Cache-Control"); !strings.HasPrefix(cc, "private") {
			t.Errorf("Cache-Control %q, want private", cc)
		}

		// The role goes: the feed yields nothing.
		grants, _ := account.Grants(ctx, db.R, staff.ID)
		if err := f.accounts.Revoke(ctx, access.System(), staff.ID, grants[0].ID); err != nil {
			t.Fatal(err)
		}
		if r := f.serve(httptest.NewRequest("GET", link.Path, nil)); r.Code != http.StatusNotFound || strings.Contains(r.Body.String(), "VEVENT") {
			t.Errorf("feed after the role was revoked: %s", outcome(r))
		}
		// The role comes back through the API: renew, the old link stops.
		if _, err := f.accounts.Grant(ctx, access.System(), staff.ID, o.ID, access.Staff); err != nil {
			t.Fatal(err)
		}
		api, _ := f.session(t, staff.ID, account.API)
		var feeds list[feedJSON]
		decode(t, f.serve(apiReq(t, "GET", "/api/v1/calendar/feeds", api, nil)), &feeds)
		if feeds.Total != 1 || !feeds.Items[0].Live || feeds.Items[0].URL != "" {
			t.Fatalf("feeds = %+v: want one live feed without its link", feeds)
		}
		var renewed feedJSON
		r := f.serve(apiReq(t, "POST", "/api/v1/calendar/feeds/"+idstr(feeds.Items[0].ID)+"/regenerate", api, nil))
		if r.Code != http.StatusOK {
			t.Fatalf("regenerate: %s", outcome(r))
		}
		decode(t, r, &renewed)
		newLink, _ := url.Parse(renewed.URL)
		if f.serve(httptest.NewRequest("GET", link.Path, nil)).Code != http.StatusNotFound {
			t.Error("the old link still works after regenerating")
		}
		if f.serve(httptest.NewRequest("GET", newLink.Path, nil)).Code != http.StatusOK {
			t.Error("the new link does not work")
		}
		// A locked account's feed stops.
		u, _ := f.accounts.Get(ctx, access.System(), staff.ID)
		if _, err := f.accounts.SetActive(ctx, access.System(), staff.ID, u.Version, false); err != nil {
			t.Fatal(err)
		}
		if r := f.serve(httptest.NewRequest("GET", newLink.Path, nil)); r.Code != http.StatusNotFound {
			t.Errorf("feed of a locked account: %s", outcome(r))
		}
	})
}

// TestCalendarKeyDateRights: a school cannot edit another unit's key
// dates, through the pages or the API.
func TestCalendarKeyDateRights(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newWalkFixture(t, db)
		d := f.school
		officerD := f.mkUser(t, "d-thidua", d.ID, false, roleAt{access.Officer, d.ID})
		adminD := f.mkUser(t, "d-quantri", d.ID, false, roleAt{access.Admin, d.ID})
		cDate := f.calMarker(child)
		oDate := f.calMarker(own)
		version := func(id int64) string { return f.query("SELECT version FROM key_dates WHERE id = $1", id)() }
		for _, u := range []account.User{officerD, adminD} {
			web, csrf := f.session(t, u.ID, account.Web)
			api, _ := f.session(t, u.ID, account.API)
			for _, tc := range []struct {
				k    calendar.Observance
				want int
			}{{cDate, http.StatusNotFound}, {oDate, http.StatusForbidden}} {
				before := version(tc.k.ID)
				form := keyDateValues(tc.k)
				form.Set("name", "Đổi tên trái phép")
				form.Set("csrf", csrf)
				if r := f.serve(pageReq("POST", "/calendar/key-dates/"+idstr(tc.k.ID)+"/edit", web, form)); r.Code != tc.want {
					t.Errorf("%s edits %q on the page: %s, want %d", u.Username, tc.k.Name, outcome(r), tc.want)
				}
				if r := f.serve(apiReq(t, "PUT", "/api/v1/key-dates/"+idstr(tc.k.ID), api, keyDateBody{Version: tc.k.Version, Month: 1, Day: 1, Name: "Đổi"})); r.Code != tc.want {
					t.Errorf("%s edits %q through the API: %s, want %d", u.Username, tc.k.Name, outcome(r), tc.want)
				}
				if r := f.serve(apiReq(t, "DELETE", "/api/v1/key-dates/"+idstr(tc.k.ID)+"?version="+strconv.Itoa(tc.k.Version), api, nil)); r.Code != tc.want {
					t.Errorf("%s deletes %q: %s, want %d", u.Username, tc.k.Name, outcome(r), tc.want)
				}
				if version(tc.k.ID) != before {
					t.Errorf("%s changed %q", u.Username, tc.k.Name)
				}
			}
			// Its own school's date: fine.
			if r := f.serve(apiReq(t, "POST", "/api/v1/key-dates", api, keyDateBody{UnitID: d.ID, Month: 9, Day: 9, Name: "Ngày thành lập trường " + u.Username})); r.Code != http.StatusCreated {
				t.Errorf("%s adds a date of its own school: %s: %s", u.Username, outcome(r), r.Body.String())
			}
			// A national date: no.
			problemOf(t, f.serve(apiReq(t, "POST", "/api/v1/key-dates", api, keyDateBody{Month: 9, Day: 9, Name: "Ngày toàn quốc"})), http.StatusForbidden)
		}
		// A stale version through the API: 409, nothing changed.
		admin := f.caller[who(access.Admin)].user
		api, _ := f.session(t, admin.ID, account.API)
		before := version(oDate.ID)
		problemOf(t, f.serve(apiReq(t, "PUT", "/api/v1/key-dates/"+idstr(oDate.ID), api,
			keyDateBody{Version: oDate.Version + 5, Month: oDate.Month, Day: oDate.Day, Name: "Cũ"})), http.StatusConflict)
		if version(oDate.ID) != before {
			t.Error("a stale edit changed the date")
		}
		// Bad input: per-field problems.
		p := problemOf(t, f.serve(apiReq(t, "POST", "/api/v1/key-dates", api, keyDateBody{UnitID: f.unit[own].ID, Month: 2, Day: 30})), http.StatusUnprocessableEntity)
		if p.Errors["day"] == "" || p.Errors["name"] == "" {
			t.Errorf("errors %v, want day and name", p.Errors)
		}
		// The system administrator edits national dates.
		sys, _ := f.session(t, f.sys.ID, account.API)
		var national list[keyDateJSON]
		decode(t, f.serve(apiReq(t, "GET", "/api/v1/key-dates", sys, nil)), &national)
		if national.Total != 7 || national.Items[0].UnitID != nil || !national.Items[0].National {
			t.Fatalf("national dates %+v", national)
		}
		n := national.Items[3]
		if r := f.serve(apiReq(t, "PUT", "/api/v1/key-dates/"+idstr(n.ID), sys, keyDateBody{Version: n.Version, Month: n.Month, Day: n.Day, Name: n.Name,
			Note: n.Note + " Sửa thử."})); r.Code != http.StatusOK {
			t.Errorf("system admin edits %q: %s", n.Name, outcome(r))
		}
	})
}

// TestCalendarPagesAndAPI: the month grid and the agenda in Vietnamese,
// the kind filter, and the JSON calendar.
func TestCalendarPagesAndAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newWalkFixture(t, db)
		o := f.unit[own]
		marker := f.calMarker(own)
		staff := f.caller[who(access.Staff)].user
		web, _ := f.session(t, staff.ID, account.Web)

		body := f.serve(pageReq("GET", "/calendar", web, nil)).Body.String()
		for _, want := range []string{o.Name, marker.Name, "T2", "CN", `aria-current="date"`, "Hôm nay", "Tháng trước", "Tháng sau",
			`class="cal-ev k-keydate"`, "Ngày kỷ niệm", "Đợt xét chọn"} {
			if !strings.Contains(body, want) {
				t.Errorf("the month page lacks %q", want)
			}
		}
		// November 2026: 20/11 is a Friday; the grid starts on Monday 26/10.
		body = f.serve(pageReq("GET", "/calendar?month=2026-11&unit_id="+idstr(o.ID), web, nil)).Body.String()
		if !strings.Contains(body, "Tháng 11 năm 2026") || !strings.Contains(body, "Thứ Sáu, </span><span class=\"cal-dd\">20") ||
			!strings.Contains(body, "Ngày Nhà giáo Việt Nam") || !strings.Contains(body, "Thứ Hai, </span><span class=\"cal-dd\">26</span><span class=\"cal-mm\">/10") {
			t.Errorf("November 2026 grid is wrong:\n%s", body)
		}
		if !strings.Contains(body, "month=2026-10") || !strings.Contains(body, "month=2026-12") {
			t.Error("no links to October and December")
		}
		// The kind filter: deadlines only hides key dates.
		body = f.serve(pageReq("GET", "/calendar?month=2026-11&kind=deadline&unit_id="+idstr(o.ID), web, nil)).Body.String()
		if strings.Contains(body, "Ngày Nhà giáo Việt Nam</a>") || !strings.Contains(body, "Không có sự kiện nào trong tháng này theo bộ lọc đã chọn") {
			t.Error("the deadline filter still shows key dates")
		}
		if r := f.serve(pageReq("GET", "/calendar?month=2026-13", web, nil)); r.Code != http.StatusUnprocessableEntity {
			t.Errorf("month 2026-13: %s", outcome(r))
		}
		// The agenda lists today's marker under today.
		body = f.serve(pageReq("GET", "/calendar/agenda?weeks=1", web, nil)).Body.String()
		today := calendar.Day(time.Now())
		if !strings.Contains(body, calendar.WeekdayName(today)+", "+viet.ShortDate(today)) || !strings.Contains(body, marker.Name) {
			t.Errorf("the agenda lacks today (%s) or the marker", viet.ShortDate(today))
		}
		// A user without any role gets a clear page, not an error.
		none, _ := f.session(t, f.caller[noRole].user.ID, account.Web)
		if r := f.serve(pageReq("GET", "/calendar", none, nil)); r.Code != http.StatusOK || !strings.Contains(r.Body.String(), "chưa có vai trò tại đơn vị nào") {
			t.Errorf("no role: %s", outcome(r))
		}

		api, _ := f.session(t, staff.ID, account.API)
		var cal calendarJSON
		r := f.serve(apiReq(t, "GET", "/api/v1/calendar?from=2026-11-01&to=2026-11-30&kind=keydate", api, nil))
		decode(t, r, &cal)
		if cal.UnitID != o.ID || cal.From != "2026-11-01" || cal.To != "2026-11-30" || cal.Partial || cal.Total != len(cal.Items) {
			t.Errorf("calendar = %+v", cal)
		}
		var found bool
		for _, e := range cal.Items {
			if e.Title == "Ngày Nhà giáo Việt Nam" {
				found = e.AllDay && e.FirstDay == "2026-11-20" && e.Kind == calendar.KeyDate && e.KindLabel == "Ngày kỷ niệm" &&
					e.Start.Format(time.RFC3339) == "2026-11-20T00:00:00+07:00" && strings.HasPrefix(e.Detail, "Kỷ niệm 44 năm")
			}
		}
		if !found {
			t.Errorf("20/11 missing or wrong in %+v", cal.Items)
		}
		problemOf(t, f.serve(apiReq(t, "GET", "/api/v1/calendar?from=2026-11-31", api, nil)), http.StatusUnprocessableEntity)
		problemOf(t, f.serve(apiReq(t, "GET", "/api/v1/calendar?kind=nope", api, nil)), http.StatusUnprocessableEntity)
		problemOf(t, f.serve(apiReq(t, "GET", "/api/v1/calendar?from=2026-01-01&to=2027-12-31", api, nil)), http.StatusUnprocessableEntity)
		problemOf(t, f.serve(apiReq(t, "GET", "/api/v1/calendar?unit_id="+idstr(f.unit[sibling].ID), api, nil)), http.StatusNotFound)
	})
}

// TestPublicICS: no login, public events only, cacheable.
func TestPublicICS(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newWalkFixture(t, db)
		ctx := context.Background()
		private := f.calMarker(own)
		public, err := f.srv.keyDates.Create(ctx, access.System(), calendar.ObservanceInput{UnitID: f.unit[own].ID, Month: private.Month,
			Day: private.Day, SinceYear: 2000, Name: "Ngày truyền thống công khai của phường", Public: true})
		if err != nil {
			t.Fatal(err)
		}
		res := f.serve(httptest.NewRequest("GET", "/lich-cong-khai.ics", nil))
		if res.Code != http.StatusOK || res.Header().Get("Content-Type") != calendar.ContentType {
			t.Fatalf("GET /lich-cong-khai.ics: %s %s", outcome(res), res.Header().Get("Content-Type"))
		}
		evs := summaries(parseFeed(t, res.Body.Bytes()))
		if evs[public.Name] == nil || evs["Ngày truyền thống thi đua yêu nước"] == nil {
			t.Errorf("the public calendar lacks public dates: %d events", len(evs))
		}
		if evs[private.Name] != nil {
			t.Error("the public calendar shows a date not marked public")
		}
		for s, e := range evs {
			if c := e.GetProperty(ics.ComponentPropertyClass); c == nil || c.Value != "PUBLIC" {
				t.Errorf("%q is not CLASS:PUBLIC", s)
			}
		}
		if cc := res.Header().Get("Cache-Control"); !strings.Contains(cc, "public") || !strings.Contains(cc, "max-age") {
			t.Errorf("Cache-Control %q", cc)
		}
		etag, lm := res.Header().Get("ETag"), res.Header().Get("Last-Modified")
		if etag == "" || lm == "" {
			t.Fatalf("ETag %q, Last-Modified %q", etag, lm)
		}
		req := httptest.NewRequest("GET", "/lich-cong-khai.ics", nil)
		req.Header.Set("If-None-Match", etag)
		if r := f.serve(req); r.Code != http.StatusNotModified || r.Body.Len() != 0 {
			t.Errorf("If-None-Match: %s", outcome(r))
		}
		req = httptest.NewRequest("GET", "/lich-cong-khai.ics", nil)
		req.Header.Set("If-Modified-Since", lm)
		if r := f.serve(req); r.Code != http.StatusNotModified {
			t.Errorf("If-Modified-Since: %s", outcome(r))
		}
		// A change gives a new ETag.
		if _, err := f.srv.keyDates.Update(ctx, access.System(), public.ID, public.Version, calendar.ObservanceInput{Month: 12, Day: 1,
			Name: public.Name + " (mới)", Public: true}); err != nil {
			t.Fatal(err)
		}
		req = httptest.NewRequest("GET", "/lich-cong-khai.ics", nil)
		req.Header.Set("If-None-Match", etag)
		if r := f.serve(req); r.Code != http.StatusOK || r.Header().Get("ETag") == etag {
			t.Errorf("after a change: %s, ETag %s", outcome(r), r.Header().Get("ETag"))
		}
		// One unit's public calendar; a unit that does not exist is not found.
		res = f.serve(httptest.NewRequest("GET", "/lich-cong-khai.ics?unit_id="+idstr(f.unit[sibling].ID), nil))
		if evs := summaries(parseFeed(t, res.Body.Bytes())); evs[public.Name+" (mới)"] != nil || evs["Ngày Nhà giáo Việt Nam"] == nil {
			t.Errorf("the sibling's public calendar: %d events, the ward's own date shown: %v", len(evs), evs[public.Name+" (mới)"] != nil)
		}
		if r := f.serve(httptest.NewRequest("GET", "/lich-cong-khai.ics?unit_id=999999", nil)); r.Code != http.StatusNotFound {
			t.Errorf("unknown unit: %s", outcome(r))
		}
	})
}

// TestCalendarBrokenSource: a failing source leaves the page up with a
// notice, and the feed answers 503 so calendar apps keep their copy.
func TestCalendarBrokenSource(t *testing.T) {
	f := newWalkFixture(t, dbtest.SQLite(t))
	f.srv.cal.Sources = append(f.srv.cal.Sources, calendar.SourceFunc(func(context.Context, access.Scope, int64, time.Time, time.Time) ([]calendar.Event, error) {
		return nil, fmt.Errorf("nguồn hỏng")
	}))
	marker := f.calMarker(own)
	staff := f.caller[who(access.Staff)].user
	web, _ := f.session(t, staff.ID, account.Web)
	r := f.serve(pageReq("GET", "/calendar", web, nil))
	if r.Code != http.StatusOK || !strings.Contains(r.Body.String(), "Một phần lịch tạm thời chưa tải được") || !strings.Contains(r.Body.String(), marker.Name) {
		t.Errorf("month page with a broken source: %s", outcome(r))
	}
	_, token := f.calFeed(staff.ID, f.unit[own].ID)
	if r := f.serve(httptest.NewRequest("GET", calendar.FeedPath(token), nil)); r.Code != http.StatusServiceUnavailable || r.Header().Get("Retry-After") == "" {
		t.Errorf("feed with a broken source: %s", outcome(r))
	}
	api, _ := f.session(t, staff.ID, account.API)
	var cal calendarJSON
	decode(t, f.serve(apiReq(t, "GET", "/api/v1/calendar", api, nil)), &cal)
	if !cal.Partial {
		t.Error("the API does not say the calendar is partial")
	}
}

// TestCalendarRemindersRegistered: the server registers the daily
// reminder job, queued for 07:00 Vietnam time, and it runs.
func TestCalendarRemindersRegistered(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t), 0, Options{})
	r := jobs.NewRunner(e.db)
	r.Logger = e.srv.log
	e.srv.RegisterJobs(r)
	at := time.Date(2026, 9, 1, 3, 0, 0, 0, time.UTC) // 10:00 in Vietnam
	if n, err := r.Schedule(context.Background(), at); err != nil || n < 1 {
		t.Fatalf("Schedule = %d, %v", n, err)
	}
	var runAt time.Time
	if err := e.db.R.QueryRow("SELECT run_at FROM jobs WHERE kind = 'calendar-reminders'").Scan(&runAt); err != nil {
		t.Fatalf("no calendar-reminders job: %v", err)
	}
	if want := time.Date(2026, 9, 1, 6, 30, 0, 0, viet.Zone); !runAt.Equal(want) {
		t.Errorf("queued for %v, want %v", runAt, want)
	}
	for {
		ran, err := r.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !ran {
			break
		}
	}
	var status string
	e.db.R.QueryRow("SELECT status FROM jobs WHERE kind = 'calendar-reminders'").Scan(&status)
	if status != "done" {
		t.Errorf("the reminder job is %s, want done", status)
	}
}
