package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/movement"
	"thidua/internal/plan"
	"thidua/internal/unit"
)

// plWalk is what the authorization walk needs of movements and plans: per
// target unit a movement with a campaign, an issued plan requiring one unit
// below it, and a draft.
type plWalk struct {
	hand access.Scope // every role everywhere, for building fixtures
	sets map[rel]*plSet
}

type plSet struct {
	unit     unit.Unit
	child    unit.Unit // required by the issued plan; has a leader
	movement movement.Movement
	campaign movement.Campaign
	issued   plan.Plan
	draft    plan.Plan
}

var plWalks sync.Map // *walkFixture → *plWalk

func plDay() time.Time { return dayIn(time.Now()).AddDate(0, 0, -1) }

// plComplete is a complete plan of unit u numbered n, ready to issue.
func plComplete(u unit.Unit, n int, title string) plan.Input {
	d := plDay()
	return plan.Input{UnitID: u.ID, Number: n, Symbol: "KH-THU", Date: &d, Place: "Thuận An", IssuerName: u.Name, Title: title,
		Sections:   plan.Sections{Purpose: "Mục đích.", Content: "- Nội dung.", Organization: "- Tổ chức."},
		Recipients: []string{"Lưu: VT."}, Signer: plan.Signer{Title: "Trưởng phòng", Name: "Nguyễn Văn A"}}
}

func plTitle(r rel, what string) string { return "Kế hoạch thử " + string(r) + " " + what }

func (f *walkFixture) plWorld() *plWalk {
	if w, ok := plWalks.Load(f); ok {
		return w.(*plWalk)
	}
	t, ctx := f.t, context.Background()
	w := &plWalk{hand: selHand(f.mkUser(t, "pl-hand", f.root.ID, false)), sets: map[rel]*plSet{}}
	for _, r := range rels {
		u := f.currentUnit(r)
		s := &plSet{unit: u}
		s.child = f.mkUnit(t, &u, unit.Other, "PL-"+strings.ToUpper(string(r)), "Đơn vị yêu cầu "+string(r))
		f.mkUser(t, "pl-lead-"+string(r), s.child.ID, false, roleAt{access.Leader, s.child.ID})
		var err error
		s.movement, err = f.srv.movements.Create(ctx, w.hand, movement.Input{UnitID: u.ID, Name: "Phong trào thử " + string(r),
			Authority: movement.UnitItself, Kind: movement.Regular, StartsOn: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		s.campaign, err = f.srv.movements.CreateCampaign(ctx, w.hand, s.movement.ID, movement.CampaignInput{Name: "Đợt thử " + string(r),
			StartsOn: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), EndsOn: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		in := plComplete(u, 1, plTitle(r, "đã ban hành"))
		in.Require, in.RequireBy, in.RequireUnitIDs = plan.RequireCustom, ptr(plDay().AddDate(0, 0, 30)), []int64{s.child.ID}
		p, err := f.srv.plans.Create(ctx, w.hand, in)
		if err != nil {
			t.Fatalf("plan at %s: %v", r, err)
		}
		if s.issued, err = f.srv.plans.Issue(ctx, w.hand, p.ID, p.Version); err != nil {
			t.Fatalf("issue at %s: %v", r, err)
		}
		if s.draft, err = f.srv.plans.Create(ctx, w.hand, plan.Input{UnitID: u.ID, Title: plTitle(r, "dự thảo")}); err != nil {
			t.Fatal(err)
		}
		w.sets[r] = s
	}
	plWalks.Store(f, w)
	return w
}

// plFresh is a new complete draft at the target unit, for issuing or deleting.
func (f *walkFixture) plFresh(k walkCase) plan.Plan {
	w := f.plWorld()
	p, err := f.srv.plans.Create(context.Background(), w.hand, plComplete(w.sets[k.r].unit, 100+f.next(), plTitle(k.r, "mới "+strconv.Itoa(f.next()))))
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

func (f *walkFixture) currentPlan(id int64) plan.Plan {
	p, err := f.srv.plans.Get(context.Background(), f.plWorld().hand, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

var (
	isEditor = isWho(access.Officer, access.Leader, access.Admin)
	isWriter = isWho(access.Officer, access.Leader)
	// mvEdits: officers, leaders and administrators of the recording unit
	// or above.
	mvEdits rule = func(w who, r rel) bool { return isEditor(w) && below(r) }
	// mvAnyEditor: the blank form, for editors anywhere.
	mvAnyEditor rule = func(w who, _ rel) bool { return isEditor(w) }
	// plWrites: officers and leaders of the plan's unit or above.
	plWrites rule = func(w who, r rel) bool { return isWriter(w) && below(r) }
	// plAnyWriter: the blank form, for writers anywhere.
	plAnyWriter rule = func(w who, _ rel) bool { return isWriter(w) }
	// plReadsIssued: an issued plan is read from its unit, above and below,
	// never by a sibling.
	plReadsIssued rule = func(w who, r rel) bool { return hasRole(w) && r != sibling }
	// plIssuersPeople: the compliance table, for any role at the issuing
	// unit or above; a unit below does not see its siblings' compliance.
	plIssuersPeople rule = func(w who, r rel) bool { return hasRole(w) && below(r) }
)

func init() {
	for p, r := range map[string]rule{
		"GET /movements":                        loggedIn,
		"GET /api/v1/movements":                 loggedIn,
		"GET /movements/new":                    mvAnyEditor,
		"POST /movements":                       mvEdits,
		"POST /api/v1/movements":                mvEdits,
		"GET /movements/{id}":                   loggedIn,
		"GET /api/v1/movements/{id}":            loggedIn,
		"GET /movements/{id}/edit":              mvEdits,
		"POST /movements/{id}/edit":             mvEdits,
		"PUT /api/v1/movements/{id}":            mvEdits,
		"POST /movements/{id}/campaigns":        mvEdits,
		"POST /api/v1/movements/{id}/campaigns": mvEdits,
		"GET /api/v1/movements/{id}/campaigns":  loggedIn,
		"GET /api/v1/campaigns/{id}":            loggedIn,
		"GET /campaigns/{id}/edit":              mvEdits,
		"POST /campaigns/{id}/edit":             mvEdits,
		"PUT /api/v1/campaigns/{id}":            mvEdits,

		"GET /plans":                        loggedIn,
		"GET /api/v1/plans":                 loggedIn,
		"GET /plans/new":                    plAnyWriter,
		"POST /plans":                       plWrites,
		"POST /api/v1/plans":                plWrites,
		"GET /api/v1/plans/suggestion":      plWrites,
		"GET /plans/{id}":                   plReadsIssued,
		"GET /api/v1/plans/{id}":            plReadsIssued,
		"GET /plans/{id}/edit":              plWrites,
		"POST /plans/{id}/edit":             plWrites,
		"PUT /api/v1/plans/{id}":            plWrites,
		"POST /plans/{id}/issue":            plWrites,
		"POST /api/v1/plans/{id}/issue":     plWrites,
		"POST /plans/{id}/delete":           plWrites,
		"DELETE /api/v1/plans/{id}":         plWrites,
		"GET /plans/{id}/docx":              plReadsIssued,
		"GET /api/v1/plans/{id}/docx":       plReadsIssued,
		"GET /plans/{id}/compliance":        plIssuersPeople,
		"GET /api/v1/plans/{id}/compliance": plIssuersPeople,
		"POST /plans/{id}/remind":           plWrites,
		"POST /api/v1/plans/{id}/remind":    plWrites,
	} {
		expectations[p] = r
	}

	// Creating at a unit the caller cannot see is refused at the unit
	// field (422), like a dossier's.
	notSeen := []int{http.StatusUnprocessableEntity}
	set := func(f *walkFixture, k walkCase) *plSet { return f.plWorld().sets[k.r] }
	mvName := func(f *walkFixture) (string, func() string) {
		name := fmt.Sprintf("Phong trào mới %d", f.next())
		return name, f.query("SELECT COUNT(*) FROM movements WHERE name = $1", name)
	}
	cpName := func(f *walkFixture) (string, func() string) {
		name := fmt.Sprintf("Đợt mới %d", f.next())
		return name, f.query("SELECT COUNT(*) FROM campaigns WHERE name = $1", name)
	}
	plNew := func(f *walkFixture) (string, func() string) {
		title := fmt.Sprintf("Kế hoạch mới %d", f.next())
		return title, f.query("SELECT COUNT(*) FROM plans WHERE title = $1", title)
	}
	mvState := func(f *walkFixture, id int64) func() string {
		return f.query("SELECT version FROM movements WHERE id = $1", id)
	}
	cpState := func(f *walkFixture, id int64) func() string {
		return f.query("SELECT version FROM campaigns WHERE id = $1", id)
	}
	plState := func(f *walkFixture, id int64) func() string {
		return f.query("SELECT version FROM plans WHERE id = $1", id)
	}
	plStatus := func(f *walkFixture, id int64) func() string {
		return f.query("SELECT status FROM plans WHERE id = $1", id)
	}
	plExists := func(f *walkFixture, id int64) func() string {
		return f.query("SELECT COUNT(*) FROM plans WHERE id = $1", id)
	}
	reminded := func(f *walkFixture, id int64) func() string {
		return f.query("SELECT COUNT(*) FROM audit_log WHERE object_type = 'plan' AND action = 'remind' AND object_id = $1", idstr(id))
	}
	mvBody := func(m movement.Movement) movementBody {
		return movementBody{Version: m.Version, Name: m.Name, Authority: string(m.Authority), Kind: string(m.Kind),
			StartsOn: m.StartsOn.Format("2006-01-02"), Description: m.Description + ".", Status: string(m.Status)}
	}
	cpBody := func(c movement.Campaign) campaignBody {
		return campaignBody{Version: c.Version, Name: c.Name, Occasion: c.Occasion + ".", StartsOn: c.StartsOn.Format("2006-01-02"),
			EndsOn: c.EndsOn.Format("2006-01-02")}
	}
	for p, b := range map[string]builder{
		"GET /movements": plain,
		"GET /api/v1/movements": func(f *walkFixture, k walkCase) call {
			return call{query: "q=" + url.QueryEscape(set(f, k).movement.Name), shows: set(f, k).movement.Name}
		},
		"GET /movements/new": plain,
		"POST /movements": func(f *walkFixture, k walkCase) call {
			name, state := mvName(f)
			return call{form: url.Values{"unit_id": {idstr(f.unit[k.r].ID)}, "name": {name}, "authority": {"bo_gddt"}, "kind": {"thuong_xuyen"},
				"starts_on": {"2026-09-05"}, "status": {"active"}}, state: state, mutates: true, alsoDenied: notSeen}
		},
		"POST /api/v1/movements": func(f *walkFixture, k walkCase) call {
			name, state := mvName(f)
			return call{json: movementBody{UnitID: f.unit[k.r].ID, Name: name, Authority: "bo_gddt", Kind: "thuong_xuyen", StartsOn: "2026-09-05"},
				state: state, mutates: true, alsoDenied: notSeen}
		},
		"GET /movements/{id}": func(f *walkFixture, k walkCase) call {
			s := set(f, k)
			return call{id: s.movement.ID, shows: s.campaign.Name}
		},
		"GET /api/v1/movements/{id}": func(f *walkFixture, k walkCase) call {
			s := set(f, k)
			return call{id: s.movement.ID, shows: s.movement.Name}
		},
		"GET /movements/{id}/edit": func(f *walkFixture, k walkCase) call {
			s := set(f, k)
			return call{id: s.movement.ID, shows: `value="` + s.movement.Name + `"`}
		},
		"POST /movements/{id}/edit": func(f *walkFixture, k walkCase) call {
			m, _ := f.srv.movements.Get(context.Background(), f.plWorld().hand, set(f, k).movement.ID)
			form := movementForm(m)
			form.Set("description", m.Description+".")
			return call{id: m.ID, form: form, state: mvState(f, m.ID), mutates: true}
		},
		"PUT /api/v1/movements/{id}": func(f *walkFixture, k walkCase) call {
			m, _ := f.srv.movements.Get(context.Background(), f.plWorld().hand, set(f, k).movement.ID)
			return call{id: m.ID, json: mvBody(m), state: mvState(f, m.ID), mutates: true}
		},
		"POST /movements/{id}/campaigns": func(f *walkFixture, k walkCase) call {
			name, state := cpName(f)
			return call{id: set(f, k).movement.ID, form: url.Values{"campaign.unit_id": {idstr(f.unit[k.r].ID)}, "campaign.name": {name},
				"campaign.starts_on": {"2026-10-01"}, "campaign.ends_on": {"2026-11-20"}}, state: state, mutates: true, alsoDenied: notSeen}
		},
		"POST /api/v1/movements/{id}/campaigns": func(f *walkFixture, k walkCase) call {
			name, state := cpName(f)
			return call{id: set(f, k).movement.ID, json: campaignBody{UnitID: f.unit[k.r].ID, Name: name, StartsOn: "2026-10-01", EndsOn: "2026-11-20"},
				state: state, mutates: true, alsoDenied: notSeen}
		},
		"GET /api/v1/movements/{id}/campaigns": func(f *walkFixture, k walkCase) call {
			s := set(f, k)
			return call{id: s.movement.ID, shows: s.campaign.Name}
		},
		"GET /api/v1/campaigns/{id}": func(f *walkFixture, k walkCase) call {
			s := set(f, k)
			return call{id: s.campaign.ID, shows: s.campaign.Name}
		},
		"GET /campaigns/{id}/edit": func(f *walkFixture, k walkCase) call {
			s := set(f, k)
			return call{id: s.campaign.ID, shows: `value="` + s.campaign.Name + `"`}
		},
		"POST /campaigns/{id}/edit": func(f *walkFixture, k walkCase) call {
			c, _ := f.srv.movements.Campaign(context.Background(), f.plWorld().hand, set(f, k).campaign.ID)
			form := campaignForm(c)
			form.Set("occasion", c.Occasion+".")
			return call{id: c.ID, form: form, state: cpState(f, c.ID), mutates: true}
		},
		"PUT /api/v1/campaigns/{id}": func(f *walkFixture, k walkCase) call {
			c, _ := f.srv.movements.Campaign(context.Background(), f.plWorld().hand, set(f, k).campaign.ID)
			return call{id: c.ID, json: cpBody(c), state: cpState(f, c.ID), mutates: true}
		},

		"GET /plans":        plain,
		"GET /api/v1/plans": plain,
		"GET /plans/new":    plain,
		"POST /plans": func(f *walkFixture, k walkCase) call {
			title, state := plNew(f)
			return call{form: url.Values{"unit_id": {idstr(f.unit[k.r].ID)}, "title": {title}}, state: state, mutates: true, alsoDenied: notSeen}
		},
		"POST /api/v1/plans": func(f *walkFixture, k walkCase) call {
			title, state := plNew(f)
			return call{json: planBody{UnitID: f.unit[k.r].ID, Title: title}, state: state, mutates: true, alsoDenied: notSeen}
		},
		"GET /api/v1/plans/suggestion": func(f *walkFixture, k walkCase) call {
			return call{query: "unit_id=" + idstr(f.unit[k.r].ID), shows: `"unit_id": ` + idstr(f.unit[k.r].ID)}
		},
		"GET /plans/{id}": func(f *walkFixture, k walkCase) call {
			s := set(f, k)
			return call{id: s.issued.ID, shows: s.issued.Title}
		},
		"GET /api/v1/plans/{id}": func(f *walkFixture, k walkCase) call {
			s := set(f, k)
			return call{id: s.issued.ID, shows: s.issued.Title}
		},
		"GET /plans/{id}/edit": func(f *walkFixture, k walkCase) call {
			s := set(f, k)
			return call{id: s.draft.ID, shows: s.draft.Title}
		},
		"POST /plans/{id}/edit": func(f *walkFixture, k walkCase) call {
			p := f.currentPlan(set(f, k).draft.ID)
			form := planForm(p.Input())
			form.Set("version", strconv.Itoa(p.Version))
			form.Set("period", "năm học "+strconv.Itoa(f.next()))
			return call{id: p.ID, form: form, state: plState(f, p.ID), mutates: true}
		},
		"PUT /api/v1/plans/{id}": func(f *walkFixture, k walkCase) call {
			p := f.currentPlan(set(f, k).draft.ID)
			b := toPlanBody(p.Input())
			b.Version, b.Period = p.Version, "năm học "+strconv.Itoa(f.next())
			return call{id: p.ID, json: b, state: plState(f, p.ID), mutates: true}
		},
		"POST /plans/{id}/issue": func(f *walkFixture, k walkCase) call {
			p := f.plFresh(k)
			return call{id: p.ID, form: url.Values{"version": {strconv.Itoa(p.Version)}}, state: plStatus(f, p.ID), mutates: true}
		},
		"POST /api/v1/plans/{id}/issue": func(f *walkFixture, k walkCase) call {
			p := f.plFresh(k)
			return call{id: p.ID, json: versionBody{Version: p.Version}, state: plStatus(f, p.ID), mutates: true}
		},
		"POST /plans/{id}/delete": func(f *walkFixture, k walkCase) call {
			p := f.plFresh(k)
			return call{id: p.ID, form: url.Values{"version": {strconv.Itoa(p.Version)}}, state: plExists(f, p.ID), mutates: true}
		},
		"DELETE /api/v1/plans/{id}": func(f *walkFixture, k walkCase) call {
			p := f.plFresh(k)
			return call{id: p.ID, query: "version=" + strconv.Itoa(p.Version), state: plExists(f, p.ID), mutates: true}
		},
		"GET /plans/{id}/docx": func(f *walkFixture, k walkCase) call {
			return call{id: set(f, k).issued.ID}
		},
		"GET /api/v1/plans/{id}/docx": func(f *walkFixture, k walkCase) call {
			return call{id: set(f, k).issued.ID}
		},
		"GET /plans/{id}/compliance": func(f *walkFixture, k walkCase) call {
			s := set(f, k)
			return call{id: s.issued.ID, shows: s.child.Name}
		},
		"GET /api/v1/plans/{id}/compliance": func(f *walkFixture, k walkCase) call {
			s := set(f, k)
			return call{id: s.issued.ID, shows: s.child.Name}
		},
		"POST /plans/{id}/remind": func(f *walkFixture, k walkCase) call {
			s := set(f, k)
			return call{id: s.issued.ID, form: url.Values{}, state: reminded(f, s.issued.ID), mutates: true}
		},
		"POST /api/v1/plans/{id}/remind": func(f *walkFixture, k walkCase) call {
			s := set(f, k)
			return call{id: s.issued.ID, state: reminded(f, s.issued.ID), mutates: true}
		},
	} {
		walkRequests[p] = b
	}
}

// TestPlanWalkSpecialCases: a school cannot edit the office's plan nor see
// another school's draft; compliance stays with the issuing unit.
func TestPlanWalkSpecialCases(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newWalkFixture(t, db)
		w := f.plWorld()
		ctx := context.Background()
		office := w.sets[own] // O, with schools C and D below
		cLeader := f.mkUser(t, "pl-c-leader", f.unit[child].ID, false, roleAt{access.Leader, f.unit[child].ID})
		dLeader := f.mkUser(t, "pl-d-leader", f.school.ID, false, roleAt{access.Leader, f.school.ID})
		cDraft, err := f.srv.plans.Create(ctx, w.hand, plan.Input{UnitID: f.unit[child].ID, Title: "Dự thảo kế hoạch của trường C"})
		if err != nil {
			t.Fatal(err)
		}
		web, csrf := f.session(t, cLeader.ID, account.Web)
		api, _ := f.session(t, cLeader.ID, account.API)
		dweb, _ := f.session(t, dLeader.ID, account.Web)
		dapi, _ := f.session(t, dLeader.ID, account.API)

		// C's leader reads the office's issued plan, not its draft, and edits neither.
		if res := f.serve(pageReq("GET", "/plans/"+idstr(office.issued.ID), web, nil)); res.Code != http.StatusOK {
			t.Errorf("school C reading the office's issued plan: %s", outcome(res))
		}
		if res := f.serve(pageReq("GET", "/plans/"+idstr(office.draft.ID), web, nil)); res.Code != http.StatusNotFound || strings.Contains(res.Body.String(), office.draft.Title) {
			t.Errorf("school C reading the office's draft: %s", outcome(res))
		}
		before := f.query("SELECT version FROM plans WHERE id = $1", office.draft.ID)()
		form := planForm(office.draft.Input())
		form.Set("csrf", csrf)
		form.Set("version", strconv.Itoa(office.draft.Version))
		form.Set("title", "Trường C sửa kế hoạch của Phòng")
		for _, id := range []int64{office.draft.ID, office.issued.ID} {
			if res := f.serve(pageReq("POST", "/plans/"+idstr(id)+"/edit", web, form)); res.Code != http.StatusNotFound {
				t.Errorf("school C editing the office's plan %d: %s", id, outcome(res))
			}
			b := toPlanBody(office.draft.Input())
			b.Version = 1
			if res := f.serve(apiReq(t, "PUT", "/api/v1/plans/"+idstr(id), api, b)); res.Code != http.StatusNotFound {
				t.Errorf("school C editing the office's plan %d through the API: %s", id, outcome(res))
			}
		}
		if f.query("SELECT version FROM plans WHERE id = $1", office.draft.ID)() != before {
			t.Error("school C changed the office's draft")
		}
		// Compliance stays with the office.
		if res := f.serve(pageReq("GET", "/plans/"+idstr(office.issued.ID)+"/compliance", web, nil)); res.Code != http.StatusNotFound {
			t.Errorf("school C reading the office's compliance table: %s", outcome(res))
		}
		// School D sees nothing of school C's draft.
		if res := f.serve(pageReq("GET", "/plans/"+idstr(cDraft.ID), dweb, nil)); res.Code != http.StatusNotFound || strings.Contains(res.Body.String(), cDraft.Title) {
			t.Errorf("school D reading school C's draft: %s", outcome(res))
		}
		if res := f.serve(apiReq(t, "GET", "/api/v1/plans/"+idstr(cDraft.ID), dapi, nil)); res.Code != http.StatusNotFound {
			t.Errorf("school D reading school C's draft through the API: %s", outcome(res))
		}
		res := f.serve(apiReq(t, "GET", "/api/v1/plans?limit=500", dapi, nil))
		if strings.Contains(res.Body.String(), cDraft.Title) || !strings.Contains(res.Body.String(), office.issued.Title) {
			t.Errorf("school D's list of plans: %s", res.Body.String())
		}
		if res := f.serve(pageReq("GET", "/plans", web, nil)); !strings.Contains(res.Body.String(), cDraft.Title) {
			t.Errorf("school C does not list its own draft")
		}
	})
}

// TestPlanPages drives a plan through the pages: bad input, a stale edit,
// issuing, the compliance table, the reminder and the to-do of the unit
// that must implement it.
func TestPlanPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newWalkFixture(t, db)
		f.plWorld()
		officer := f.caller[who(access.Officer)].user
		web, csrf := f.session(t, officer.ID, account.Web)
		api, _ := f.session(t, officer.ID, account.API)
		o := f.unit[own]

		// The blank form suggests the next number and the unit's symbol.
		page, _ := f.newPage(t, "/plans/new", web)
		if body := page.Body.String(); !strings.Contains(body, `name="number" value="2"`) || !strings.Contains(body, `value="KH-THU"`) {
			t.Errorf("the new plan form does not suggest 2 and KH-THU: %s", snippet(page))
		}
		// Bad input: Vietnamese messages at the fields.
		res := f.serve(pageReq("POST", "/plans", web, url.Values{"csrf": {csrf}, "unit_id": {idstr(o.ID)}, "number": {"mười"}, "date": {"31/02/2026"}}))
		if res.Code != http.StatusUnprocessableEntity {
			t.Fatalf("bad plan: %s", outcome(res))
		}
		for _, want := range []string{`id="err-title"`, "Nhập trích yếu", `id="err-number"`, `id="err-date"`} {
			if !strings.Contains(res.Body.String(), want) {
				t.Errorf("bad plan: the page lacks %q", want)
			}
		}
		p := problemOf(t, f.serve(apiReq(t, "POST", "/api/v1/plans", api, planBody{UnitID: o.ID, Symbol: "KH/PGD"})), http.StatusUnprocessableEntity)
		if !vietnamese(p.Errors["title"]) || !vietnamese(p.Errors["symbol"]) {
			t.Errorf("API errors = %v", p.Errors)
		}

		// A complete draft, requiring the schools below O.
		form := planForm(plComplete(o, 7, "Kế hoạch tuyên truyền năm học 2026-2027"))
		form.Set("csrf", csrf)
		form.Set("require", "children")
		form.Set("require_by", vnDay(time.Now().AddDate(0, 0, 10)))
		res = f.serve(pageReq("POST", "/plans", web, form))
		if res.Code != http.StatusSeeOther {
			t.Fatalf("create: %s: %s", outcome(res), snippet(res))
		}
		id, _ := strconv.ParseInt(strings.TrimPrefix(res.Header().Get("Location"), "/plans/"), 10, 64)
		draft := f.currentPlan(id)
		// A stale edit is refused with 409 and changes nothing.
		form.Set("version", strconv.Itoa(draft.Version-1))
		form.Set("title", "Tên cũ")
		if res := f.serve(pageReq("POST", "/plans/"+idstr(id)+"/edit", web, form)); res.Code != http.StatusConflict || !strings.Contains(res.Body.String(), "người khác thay đổi") {
			t.Errorf("stale page edit: %s: %s", outcome(res), snippet(res))
		}
		b := toPlanBody(draft.Input())
		b.Version = draft.Version + 5
		problemOf(t, f.serve(apiReq(t, "PUT", "/api/v1/plans/"+idstr(id), api, b)), http.StatusConflict)
		if f.currentPlan(id).Version != draft.Version {
			t.Fatal("a stale edit changed the draft")
		}
		// Issue it.
		res = f.serve(pageReq("POST", "/plans/"+idstr(id)+"/issue", web, url.Values{"csrf": {csrf}, "version": {strconv.Itoa(draft.Version)}}))
		if res.Code != http.StatusSeeOther {
			t.Fatalf("issue: %s: %s", outcome(res), snippet(res))
		}
		issued := f.currentPlan(id)
		if !issued.Issued() || len(issued.Required) < 3 { // C, D and the walk's unit below O
			t.Fatalf("issued plan = %+v", issued)
		}
		// Frozen: its edit form is refused with 409, and so is the API.
		if res := f.serve(pageReq("GET", "/plans/"+idstr(id)+"/edit", web, nil)); res.Code != http.StatusConflict {
			t.Errorf("edit form of an issued plan: %s", outcome(res))
		}
		b = toPlanBody(issued.Input())
		b.Version = issued.Version
		problemOf(t, f.serve(apiReq(t, "PUT", "/api/v1/plans/"+idstr(id), api, b)), http.StatusConflict)
		view := f.serve(pageReq("GET", "/plans/"+idstr(id), web, nil))
		for _, want := range []string{"Số: 07/KH-THU", "KẾ HOẠCH", "I. MỤC ĐÍCH, YÊU CẦU", "III. TỔ CHỨC THỰC HIỆN", "Nơi nhận:", "Soạn kế hoạch thay thế"} {
			if !strings.Contains(view.Body.String(), want) {
				t.Errorf("the plan page lacks %q", want)
			}
		}

		// The document downloads as Word.
		doc := f.serve(pageReq("GET", "/plans/"+idstr(id)+"/docx", web, nil))
		if doc.Code != http.StatusOK || !strings.Contains(doc.Header().Get("Content-Type"), "wordprocessingml") ||
			doc.Header().Get("Content-Disposition") != `attachment; filename="07-KH-THU-`+strconv.Itoa(issued.Date.Year())+`.docx"` || !bytes.HasPrefix(doc.Body.Bytes(), []byte("PK")) {
			t.Errorf("docx: %s %v", outcome(doc), doc.Header())
		}

		// The leader of school C has a plan to issue on the home page and
		// is reminded in one action.
		cLeader := f.mkUser(t, "pl-c-hieutruong", f.unit[child].ID, false, roleAt{access.Leader, f.unit[child].ID})
		cweb, _ := f.session(t, cLeader.ID, account.Web)
		home := f.serve(pageReq("GET", "/", cweb, nil)).Body.String()
		link := "/plans/new?based_on=" + idstr(id) + "&amp;unit=" + idstr(f.unit[child].ID)
		if !strings.Contains(home, link) || !strings.Contains(home, "Kế hoạch số 07/KH-THU") {
			t.Errorf("C's home page lacks the plan to issue (%s)", link)
		}
		res = f.serve(pageReq("POST", "/plans/"+idstr(id)+"/remind", web, url.Values{"csrf": {csrf}}))
		if res.Code != http.StatusSeeOther {
			t.Fatalf("remind: %s", outcome(res))
		}
		var notes int
		db.R.QueryRow("SELECT COUNT(*) FROM notifications WHERE user_id = $1", cLeader.ID).Scan(&notes)
		if notes != 1 {
			t.Errorf("C's leader got %d notifications, want 1", notes)
		}
		table := f.serve(pageReq("GET", "/plans/"+idstr(id)+"/compliance?state=missing", web, nil))
		if table.Code != http.StatusOK || !strings.Contains(table.Body.String(), f.unit[child].Name) || !strings.Contains(table.Body.String(), "Chưa ban hành") {
			t.Errorf("compliance page: %s: %s", outcome(table), snippet(table))
		}
		// C starts its plan from the office's: based on it, sections copied.
		cweb2, _ := f.session(t, cLeader.ID, account.Web)
		start := f.serve(pageReq("GET", strings.ReplaceAll(link, "&amp;", "&"), cweb2, nil)).Body.String()
		if !strings.Contains(start, "Thực hiện Kế hoạch số 07/KH-THU") || !strings.Contains(start, `value="`+idstr(id)+`" selected`) {
			t.Errorf("C's new plan form is not prefilled from the office's plan")
		}
		var sj complianceJSON
		decode(t, f.serve(apiReq(t, "GET", "/api/v1/plans/"+idstr(id)+"/compliance", api, nil)), &sj)
		if sj.Counts["missing"] != sj.Total || sj.Total < 3 {
			t.Errorf("compliance JSON = %+v", sj)
		}
	})
}

// TestMovementPages: bad input and stale edits of movements and campaigns,
// and a dossier linked to a campaign through its form.
func TestMovementPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newWalkFixture(t, db)
		w := f.plWorld()
		s := w.sets[own]
		officer := f.caller[who(access.Officer)].user
		web, csrf := f.session(t, officer.ID, account.Web)
		api, _ := f.session(t, officer.ID, account.API)

		res := f.serve(pageReq("POST", "/movements", web, url.Values{"csrf": {csrf}, "unit_id": {idstr(f.unit[own].ID)}, "authority": {"other"},
			"kind": {"x"}, "starts_on": {"2026-09-05"}, "ends_on": {"2026-01-01"}}))
		for _, want := range []string{`id="err-name"`, `id="err-authority_name"`, `id="err-kind"`, `id="err-ends_on"`, "Nhập tên phong trào"} {
			if !strings.Contains(res.Body.String(), want) {
				t.Errorf("bad movement: the page (%s) lacks %q", outcome(res), want)
			}
		}
		m, _ := f.srv.movements.Get(context.Background(), w.hand, s.movement.ID)
		body := movementBody{Version: m.Version + 1, Name: m.Name, Authority: string(m.Authority), Kind: string(m.Kind), StartsOn: "2020-01-01"}
		problemOf(t, f.serve(apiReq(t, "PUT", "/api/v1/movements/"+idstr(m.ID), api, body)), http.StatusConflict)
		c, _ := f.srv.movements.Campaign(context.Background(), w.hand, s.campaign.ID)
		problemOf(t, f.serve(apiReq(t, "PUT", "/api/v1/campaigns/"+idstr(c.ID), api, campaignBody{Version: c.Version + 1, Name: c.Name,
			StartsOn: "2026-01-01", EndsOn: "2026-02-01"})), http.StatusConflict)
		p := problemOf(t, f.serve(apiReq(t, "POST", "/api/v1/movements/"+idstr(m.ID)+"/campaigns", api, campaignBody{Name: "Trước phong trào",
			StartsOn: "2019-01-01", EndsOn: "2019-02-01"})), http.StatusUnprocessableEntity)
		if !vietnamese(p.Errors["starts_on"]) {
			t.Errorf("campaign before its movement: %v", p.Errors)
		}

		// A dossier linked to the campaign through the form; a campaign of
		// another movement is refused at the picker.
		staff := f.caller[who(access.Staff)].user
		sweb, scsrf := f.session(t, staff.ID, account.Web)
		form := teacherForm(f.unit[own].ID, scsrf)
		form.Set("movement", idstr(w.sets[child].movement.ID)+":"+idstr(s.campaign.ID))
		res = f.serve(pageReq("POST", "/dossiers", sweb, form))
		if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body.String(), `id="err-movement_id"`) {
			t.Errorf("a campaign of another movement: %s: %s", outcome(res), snippet(res))
		}
		form.Set("movement", idstr(s.movement.ID)+":"+idstr(s.campaign.ID))
		id := f.createDossier(t, sweb, form)
		d, err := f.srv.dossiers.Get(context.Background(), w.hand, id)
		if err != nil || d.MovementID != s.movement.ID || d.CampaignID != s.campaign.ID {
			t.Fatalf("dossier link = %d/%d, %v", d.MovementID, d.CampaignID, err)
		}
		edit := f.serve(pageReq("GET", "/dossiers/"+idstr(id)+"/edit", sweb, nil)).Body.String()
		if !strings.Contains(edit, `value="`+idstr(s.movement.ID)+":"+idstr(s.campaign.ID)+`" selected`) {
			t.Error("the dossier form does not show the chosen campaign")
		}
		view := f.serve(pageReq("GET", "/movements/"+idstr(s.movement.ID), sweb, nil)).Body.String()
		if !strings.Contains(view, "/dossiers/"+idstr(id)) {
			t.Errorf("the movement page does not list its dossier: %.3000s", view)
		}
		var dj dossierJSON
		decode(t, f.serve(apiReq(t, "GET", "/api/v1/dossiers/"+idstr(id), api, nil)), &dj)
		if dj.MovementID == nil || *dj.MovementID != s.movement.ID || dj.CampaignName != s.campaign.Name {
			t.Errorf("dossier JSON link = %v %q", dj.MovementID, dj.CampaignName)
		}
	})
}
