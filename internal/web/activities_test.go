package web

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
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
	"thidua/internal/files"
	"thidua/internal/unit"
)

// --- the authorization walk

func walkActivityTitle(u unit.Unit) string { return "Hoạt động thử của " + u.Code }

func walkActivityInput(u unit.Unit, title string) activity.Input {
	return activity.Input{UnitID: u.ID, Date: time.Date(2025, 11, 18, 0, 0, 0, 0, time.UTC), Title: title, Form: activity.Seminar,
		Participants: 80, Reach: 300, Description: "Hoạt động để thử phân quyền."}
}

// walkActivity returns the current state of the activity at the target
// unit, created on first use.
func (f *walkFixture) walkActivity(r rel) activity.Activity {
	ctx := context.Background()
	title := walkActivityTitle(f.unit[r])
	var id int64
	if err := f.db.R.QueryRowContext(ctx, "SELECT id FROM activities WHERE title = $1", title).Scan(&id); err != nil {
		a, err := f.srv.activity.Create(ctx, f.walkWriter(), walkActivityInput(f.unit[r], title))
		if err != nil {
			f.t.Fatalf("walk activity at %s: %v", r, err)
		}
		return a
	}
	a, err := f.srv.activity.Get(ctx, f.walkWriter(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// freshActivity logs a new activity at r (for routes that delete it).
func (f *walkFixture) freshActivity(r rel) activity.Activity {
	a, err := f.srv.activity.Create(context.Background(), f.walkWriter(), walkActivityInput(f.unit[r], "Hoạt động để xóa "+f.code()))
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// walkActivityFile attaches a fresh photo to the activity at r.
func (f *walkFixture) walkActivityFile(r rel) (activity.Activity, activity.FileRef, []byte) {
	a := f.walkActivity(r)
	data := testPNG(f.t, 5000+f.next())
	a, err := f.srv.activity.AttachFiles(context.Background(), f.walkWriter(), a.ID, a.Version, activity.Upload{Name: "anh.png", R: bytes.NewReader(data)})
	if err != nil {
		f.t.Fatal(err)
	}
	return a, a.Files[len(a.Files)-1], data
}

// publicActivity is a public activity at r whose photo has its thumbnail.
func (f *walkFixture) publicActivity(r rel) activity.Activity {
	ctx := context.Background()
	title := "Hoạt động công khai của " + f.unit[r].Code
	var id int64
	if f.db.R.QueryRowContext(ctx, "SELECT id FROM activities WHERE title = $1", title).Scan(&id) == nil {
		a, _ := f.srv.activity.Get(ctx, f.walkWriter(), id)
		return a
	}
	yes := true
	in := walkActivityInput(f.unit[r], title)
	in.Public = &yes
	writer := f.walkWriter()
	writer.Grants = append(writer.Grants, access.Grant{Path: access.SystemPath, Role: access.Leader})
	a, err := f.srv.activity.Create(ctx, writer, in, activity.Upload{Name: "anh.jpg", R: bytes.NewReader(testJPEG(f.t, 64, 48, f.next()))})
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.srv.activity.MakeThumbnail(ctx, a.Files[0].SHA256); err != nil {
		f.t.Fatal(err)
	}
	return a
}

// walkExport records a finished export owned by the caller when aiming at
// their own unit, by another user otherwise (and for the anonymous).
func (f *walkFixture) walkExport(k walkCase) int64 {
	ctx := context.Background()
	owner := f.target[k.r].ID
	if k.c != nil && k.r == own {
		owner = k.c.user.ID
	}
	x := excelize.NewFile()
	x.SetCellValue("Sheet1", "A1", "Tệp thử "+f.code())
	buf, err := x.WriteToBuffer()
	if err != nil {
		f.t.Fatal(err)
	}
	file, err := f.files.Put(ctx, bytes.NewReader(buf.Bytes()), []files.Kind{files.XLSX})
	if err != nil {
		f.t.Fatal(err)
	}
	var id int64
	if err := f.db.W.QueryRowContext(ctx, `INSERT INTO activity_exports (user_id, filter_json, title, status, progress, total, row_count, file_sha256, file_name, created_at, finished_at)
		VALUES ($1, '{}', 'Tệp thử', 'done', 100, 1, 1, $2, 'thu.xlsx', $3, $3) RETURNING id`, owner, file.SHA256, database.Now()).Scan(&id); err != nil {
		f.t.Fatal(err)
	}
	return id
}

func (f *walkFixture) activityVersion(id int64) func() string {
	return f.query("SELECT version FROM activities WHERE id = $1", id)
}

func (f *walkFixture) activityTitled(title string) func() string {
	return f.query("SELECT COUNT(*) FROM activities WHERE title = $1", title)
}

// testJPEG is a small photo.
func testJPEG(t testing.TB, w, h, seed int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x*4 + seed), uint8(y * 5), uint8(seed * 7), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var (
	// writesActivity: staff, officers and leaders at the activity's unit
	// or above; viewers and administrators are refused.
	writesActivity rule = func(w who, r rel) bool { return isDrafter(w) && (r == own || r == child) }
	// publishesActivity: leaders and officers at the unit or above.
	publishesActivity rule = func(w who, r rel) bool {
		return (w == who(access.Leader) || w == who(access.Officer)) && (r == own || r == child)
	}
	// ownExport: an export is its requester's alone (the walk makes the
	// caller the requester of the export aimed at their own unit).
	ownExport rule = func(w who, r rel) bool { return w != anon && r == own }
	// exportsUnder: any role may export what it reads under a unit it sees
	// (its own subtree, or the ancestor above it, which holds its own
	// subtree's activities); a sibling's unit is not found.
	exportsUnder rule = func(w who, r rel) bool { return hasRole(w) && r != sibling }
)

func init() {
	for p, r := range map[string]rule{
		"GET /activities":                            loggedIn,
		"GET /api/v1/activities":                     loggedIn,
		"GET /activities/new":                        anyDrafter,
		"GET /activities/dossier-options":            loggedIn,
		"POST /activities":                           writesActivity,
		"POST /api/v1/activities":                    writesActivity,
		"GET /activities/{id}":                       readsDossier,
		"GET /api/v1/activities/{id}":                readsDossier,
		"GET /activities/{id}/edit":                  writesActivity,
		"POST /activities/{id}/edit":                 writesActivity,
		"PUT /api/v1/activities/{id}":                writesActivity,
		"POST /activities/{id}/public":               publishesActivity,
		"POST /api/v1/activities/{id}/public":        publishesActivity,
		"POST /activities/{id}/delete":               writesActivity,
		"DELETE /api/v1/activities/{id}":             writesActivity,
		"POST /activities/{id}/files":                writesActivity,
		"POST /api/v1/activities/{id}/files":         writesActivity,
		"POST /activities/{id}/files/delete":         writesActivity,
		"DELETE /api/v1/activities/{id}/files/{sha}": nobody, // TestActivityFileWalk
		"GET /activities/{id}/files/{sha}":           nobody, // TestActivityFileWalk
		"GET /activities/{id}/files/{sha}/thumb":     nobody, // TestActivityFileWalk
		"POST /activity-exports":                     exportsUnder,
		"POST /api/v1/activity-exports":              exportsUnder,
		"GET /activity-exports/{id}":                 ownExport,
		"GET /activity-exports/{id}/file":            ownExport,
		"GET /api/v1/activity-exports/{id}":          ownExport,
		"GET /api/v1/activity-exports/{id}/file":     ownExport,
		"GET /public/activities/{id}/thumbnail":      everyone,
	} {
		expectations[p] = r
	}

	// Logging at a sibling's unit (or without any role) is refused at the
	// unit field: 422, the unit being one the caller cannot see.
	notSeen := []int{http.StatusUnprocessableEntity}
	read := func(f *walkFixture, k walkCase) call {
		a := f.walkActivity(k.r)
		return call{id: a.ID, shows: a.Title}
	}
	export := func(f *walkFixture, k walkCase) call { return call{id: f.walkExport(k)} }
	exportCount := func(f *walkFixture, k walkCase) func() string {
		id := int64(0)
		if k.c != nil {
			id = k.c.user.ID
		}
		return f.query("SELECT COUNT(*) FROM activity_exports WHERE user_id = $1", id)
	}
	for p, b := range map[string]builder{
		"GET /activities":                 plain,
		"GET /api/v1/activities":          plain,
		"GET /activities/new":             plain,
		"GET /activities/dossier-options": plain,
		"POST /activities": func(f *walkFixture, k walkCase) call {
			title := "Hoạt động mới " + f.code()
			return call{form: url.Values{"unit_id": {idstr(f.unit[k.r].ID)}, "title": {title}, "form": {"seminar"}, "date": {"2025-11-18"}},
				state: f.activityTitled(title), mutates: true, alsoDenied: notSeen}
		},
		"POST /api/v1/activities": func(f *walkFixture, k walkCase) call {
			title := "Hoạt động mới " + f.code()
			return call{json: activityBody{UnitID: f.unit[k.r].ID, Title: title, Form: "culture", Date: "2025-11-19"},
				state: f.activityTitled(title), mutates: true, alsoDenied: notSeen}
		},
		"GET /activities/{id}":        read,
		"GET /api/v1/activities/{id}": read,
		"GET /activities/{id}/edit":   read,
		"POST /activities/{id}/edit": func(f *walkFixture, k walkCase) call {
			a := f.walkActivity(k.r)
			return call{id: a.ID, form: activityForm(a), state: f.activityVersion(a.ID), mutates: true}
		},
		"PUT /api/v1/activities/{id}": func(f *walkFixture, k walkCase) call {
			a := f.walkActivity(k.r)
			return call{id: a.ID, json: activityBody{Version: a.Version, Title: a.Title, Form: string(a.Form), Date: a.Date.Format("2006-01-02"), Reach: a.Reach + 1},
				state: f.activityVersion(a.ID), mutates: true}
		},
		"POST /activities/{id}/public": func(f *walkFixture, k walkCase) call {
			a := f.walkActivity(k.r)
			v := "1"
			if a.Public {
				v = "0"
			}
			return call{id: a.ID, form: url.Values{"version": {strconv.Itoa(a.Version)}, "public": {v}}, state: f.activityVersion(a.ID), mutates: true}
		},
		"POST /api/v1/activities/{id}/public": func(f *walkFixture, k walkCase) call {
			a := f.walkActivity(k.r)
			return call{id: a.ID, json: publicBody{Version: a.Version, Public: !a.Public}, state: f.activityVersion(a.ID), mutates: true}
		},
		"POST /activities/{id}/delete": func(f *walkFixture, k walkCase) call {
			a := f.freshActivity(k.r)
			return call{id: a.ID, form: url.Values{"version": {strconv.Itoa(a.Version)}}, state: f.query("SELECT COUNT(*) FROM activities WHERE id = $1", a.ID), mutates: true}
		},
		"DELETE /api/v1/activities/{id}": func(f *walkFixture, k walkCase) call {
			a := f.freshActivity(k.r)
			return call{id: a.ID, query: "version=" + strconv.Itoa(a.Version), state: f.query("SELECT COUNT(*) FROM activities WHERE id = $1", a.ID), mutates: true}
		},
		"POST /activities/{id}/files": func(f *walkFixture, k walkCase) call {
			a := f.walkActivity(k.r)
			data := testPNG(f.t, 9000+f.next())
			return call{id: a.ID, multipart: func(csrf string) ([]byte, string) {
				return multipartBody(f.t, map[string]string{"csrf": csrf, "version": strconv.Itoa(a.Version)}, "files", "anh.png", data)
			}, state: f.activityVersion(a.ID), mutates: true}
		},
		"POST /api/v1/activities/{id}/files": func(f *walkFixture, k walkCase) call {
			a := f.walkActivity(k.r)
			return call{id: a.ID, raw: testPNG(f.t, 9000+f.next()), query: "name=anh.png&version=" + strconv.Itoa(a.Version),
				state: f.activityVersion(a.ID), mutates: true}
		},
		"POST /activities/{id}/files/delete": func(f *walkFixture, k walkCase) call {
			a, file, _ := f.walkActivityFile(k.r)
			return call{id: a.ID, form: url.Values{"version": {strconv.Itoa(a.Version)}, "sha": {file.SHA256}}, state: f.activityVersion(a.ID), mutates: true}
		},
		"DELETE /api/v1/activities/{id}/files/{sha}": func(f *walkFixture, k walkCase) call {
			a := f.walkActivity(k.r)
			return call{id: a.ID, query: "version=" + strconv.Itoa(a.Version), state: f.activityVersion(a.ID)}
		},
		"GET /activities/{id}/files/{sha}":       func(f *walkFixture, k walkCase) call { return call{id: f.walkActivity(k.r).ID} },
		"GET /activities/{id}/files/{sha}/thumb": func(f *walkFixture, k walkCase) call { return call{id: f.walkActivity(k.r).ID} },
		"POST /activity-exports": func(f *walkFixture, k walkCase) call {
			f.walkActivity(own)
			f.walkActivity(child)
			f.walkActivity(k.r)
			return call{form: url.Values{"unit": {idstr(f.unit[k.r].ID)}}, state: exportCount(f, k), mutates: true}
		},
		"POST /api/v1/activity-exports": func(f *walkFixture, k walkCase) call {
			f.walkActivity(own)
			f.walkActivity(child)
			f.walkActivity(k.r)
			return call{json: exportBody{UnitID: f.unit[k.r].ID}, state: exportCount(f, k), mutates: true}
		},
		"GET /activity-exports/{id}":             export,
		"GET /activity-exports/{id}/file":        export,
		"GET /api/v1/activity-exports/{id}":      export,
		"GET /api/v1/activity-exports/{id}/file": export,
		"GET /public/activities/{id}/thumbnail": func(f *walkFixture, k walkCase) call {
			return call{id: f.publicActivity(k.r).ID}
		},
	} {
		walkRequests[p] = b
	}
}

// TestActivityFileWalk walks the routes the shared walk cannot aim at a
// real file: every caller against a photo of the activity at O, C, S and
// P (the original, its thumbnail, removing it through the API), a photo
// of another activity asked through one the caller may read, and the
// public thumbnail of an activity that is not public.
func TestActivityFileWalk(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newWalkFixture(t, db)
		ctx := context.Background()
		type target struct {
			id   int64
			sha  string
			data []byte
		}
		targets := map[rel]target{}
		for _, r := range rels {
			a, file, data := f.walkActivityFile(r)
			targets[r] = target{a.ID, file.SHA256, data}
		}
		get := Route{Method: "GET", Path: "/activities/{id}/files/{sha}", Access: LoggedIn}
		thumb := Route{Method: "GET", Path: "/activities/{id}/files/{sha}/thumb", Access: LoggedIn}
		del := Route{Method: "DELETE", Path: "/api/v1/activities/{id}/files/{sha}", Access: LoggedIn}
		for _, w := range whos() {
			for _, r := range rels {
				k := walkCase{w: w, r: r, c: f.caller[w]}
				if k.c != nil {
					k.token, _ = f.session(t, k.c.user.ID, account.Web)
				}
				tg := targets[r]
				path := "/activities/" + idstr(tg.id) + "/files/" + tg.sha
				res := f.serve(pageReq("GET", path, k.token, nil))
				f.judge(t, get, k, call{shows: string(tg.data)}, readsDossier(w, r), res, "", "")
				if readsDossier(w, r) && (res.Header().Get("Content-Type") != "image/png" || !strings.HasPrefix(res.Header().Get("Content-Disposition"), "inline")) {
					t.Errorf("%s at %s: photo served as %q, %q", w, r, res.Header().Get("Content-Type"), res.Header().Get("Content-Disposition"))
				}
				res = f.serve(pageReq("GET", path+"/thumb", k.token, nil))
				f.judge(t, thumb, k, call{}, readsDossier(w, r), res, "", "")
				// Another activity's photo through the caller's own activity: never.
				res = f.serve(pageReq("GET", "/activities/"+idstr(targets[own].id)+"/files/"+targets[sibling].sha, k.token, nil))
				f.judge(t, get, k, call{shows: string(targets[sibling].data)}, false, res, "", "")
				res = f.serve(pageReq("GET", "/activities/"+idstr(targets[own].id)+"/files/"+targets[sibling].sha+"/thumb", k.token, nil))
				f.judge(t, thumb, k, call{}, false, res, "", "")
			}
		}
		// Removing a photo through the API: a fresh photo per allowed call.
		for _, w := range whos() {
			for _, r := range rels {
				k := walkCase{w: w, r: r, c: f.caller[w]}
				if k.c != nil {
					k.token, _ = f.session(t, k.c.user.ID, account.API)
				}
				a, file, _ := f.walkActivityFile(r)
				state := f.activityVersion(a.ID)
				before := state()
				res := f.serve(apiReq(t, "DELETE", "/api/v1/activities/"+idstr(a.ID)+"/files/"+file.SHA256+"?version="+strconv.Itoa(a.Version), k.token, nil))
				f.judge(t, del, k, call{state: state, mutates: true}, writesActivity(w, r), res, before, state())
			}
		}
		// A thumbnail of an activity that is not public is nobody's business.
		private := f.walkActivity(own)
		if err := f.srv.activity.MakeThumbnail(ctx, targets[own].sha); err != nil {
			t.Fatal(err)
		}
		for _, w := range whos() {
			k := walkCase{w: w, r: own, c: f.caller[w]}
			if k.c != nil {
				k.token, _ = f.session(t, k.c.user.ID, account.Web)
			}
			res := f.serve(pageReq("GET", "/public/activities/"+idstr(private.ID)+"/thumbnail", k.token, nil))
			if res.Code != http.StatusNotFound {
				t.Errorf("%s: public thumbnail of a private activity: %s", w, outcome(res))
			}
		}
	})
}

// TestActivitySchoolsAndWardsApart: a school's staff sees neither another
// school's activities nor their files, in the list, the page or the API;
// a ward's officer does not see a sibling ward's.
func TestActivitySchoolsAndWardsApart(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newWalkFixture(t, db)
		ctx := context.Background()
		mine := f.walkActivity(child) // at school C
		other, err := f.srv.activity.Create(ctx, f.walkWriter(), walkActivityInput(f.school, "Hoạt động của trường D"),
			activity.Upload{Name: "d.png", R: bytes.NewReader(testPNG(t, 77))})
		if err != nil {
			t.Fatal(err)
		}
		sib := f.walkActivity(sibling)
		web, _ := f.session(t, f.cstaff.ID, account.Web)
		api, _ := f.session(t, f.cstaff.ID, account.API)
		body := f.serve(pageReq("GET", "/activities", web, nil)).Body.String()
		if !strings.Contains(body, mine.Title) || strings.Contains(body, other.Title) || strings.Contains(body, sib.Title) {
			t.Errorf("school C's list: own %v, school D's %v, sibling ward's %v", strings.Contains(body, mine.Title), strings.Contains(body, other.Title), strings.Contains(body, sib.Title))
		}
		var l activityListJSON
		decode(t, f.serve(apiReq(t, "GET", "/api/v1/activities?unit_id="+idstr(f.unit[own].ID), api, nil)), &l)
		if l.Total != 1 || len(l.Items) != 1 || l.Items[0].ID != mine.ID {
			t.Errorf("school C's API list under the ward: %+v", l)
		}
		for _, p := range []string{"/activities/" + idstr(other.ID), "/activities/" + idstr(other.ID) + "/files/" + other.Files[0].SHA256,
			"/activities/" + idstr(other.ID) + "/files/" + other.Files[0].SHA256 + "/thumb", "/activities/" + idstr(sib.ID)} {
			if w := f.serve(pageReq("GET", p, web, nil)); w.Code != http.StatusNotFound {
				t.Errorf("school C's staff GET %s: %s", p, outcome(w))
			}
		}
		problemOf(t, f.serve(apiReq(t, "GET", "/api/v1/activities/"+idstr(other.ID), api, nil)), http.StatusNotFound)
		// The ward's officer sees both schools, not the sibling ward.
		otok, _ := f.session(t, f.caller[who(access.Officer)].user.ID, account.Web)
		body = f.serve(pageReq("GET", "/activities", otok, nil)).Body.String()
		if !strings.Contains(body, mine.Title) || !strings.Contains(body, other.Title) || strings.Contains(body, sib.Title) {
			t.Errorf("ward O's list: C %v, D %v, sibling %v", strings.Contains(body, mine.Title), strings.Contains(body, other.Title), strings.Contains(body, sib.Title))
		}
		if w := f.serve(pageReq("GET", "/activities?unit="+idstr(f.unit[sibling].ID), otok, nil)); w.Code != http.StatusNotFound {
			t.Errorf("ward O filtering by the sibling ward: %s", outcome(w))
		}
	})
}
