package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/exemplar"
	"thidua/internal/selection"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// --- helpers shared by the tests of rounds and nominations

// selDossierInput is a complete individual dossier at unitID.
func selDossierInput(unitID int64, title, ten string) exemplar.Input {
	return exemplar.Input{UnitID: unitID, SubjectKind: exemplar.Individual,
		Person:   exemplar.Person{Ho: "Nguyễn", Dem: "Thị", Ten: ten, Gender: exemplar.Female, BirthYear: 1986, Position: "Giáo viên"},
		Category: exemplar.Outstanding, Title: title, Summary: "Nhiều năm liền đạt giáo viên dạy giỏi cấp thành phố.",
		Criteria: []exemplar.CriterionEntry{{Key: "achievement", Checked: true, Evidence: "Giấy khen số 12/QĐ-PGDĐT"}}}
}

// selHand is a scope holding every role everywhere, for setting tests up.
func selHand(user account.User) access.Scope {
	sc := access.Scope{UserID: user.ID, Username: user.Username, UnitID: user.UnitID}
	for _, r := range access.Roles {
		sc.Grants = append(sc.Grants, access.Grant{Path: access.SystemPath, Role: r})
	}
	return sc
}

// selRunsRounds marks units as holding rounds.
func selRunsRounds(t testing.TB, db *database.DB, units ...unit.Unit) {
	t.Helper()
	for _, u := range units {
		if _, err := db.W.ExecContext(context.Background(), "UPDATE units SET runs_rounds = $1 WHERE id = $2", true, u.ID); err != nil {
			t.Fatal(err)
		}
	}
}

func vnDay(t time.Time) string { return t.In(viet.Zone).Format("2006-01-02") }

var nominationPathRE = regexp.MustCompile(`^/nominations/(\d+)$`)

// selScope is the access scope of a user, as a session carries it.
func selScope(t testing.TB, e *testEnv, userID int64) access.Scope {
	t.Helper()
	grants, err := account.Grants(context.Background(), e.db.R, userID)
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.accounts.Get(context.Background(), access.System(), userID)
	if err != nil {
		t.Fatal(err)
	}
	return access.Scope{UserID: u.ID, Username: u.Username, UnitID: u.UnitID, Grants: grants}
}

// selErrAt reports whether a page shows msg as the error of field, with
// the field marked invalid.
func selErrAt(body, field, msg string) bool {
	re := regexp.MustCompile(`id="err-` + regexp.QuoteMeta(field) + `">([^<]*)<`)
	m := re.FindStringSubmatch(body)
	return m != nil && strings.Contains(m[1], msg) && strings.Contains(body, `aria-describedby="err-`+field+`"`)
}

// --- the authorization walk over rounds and nominations
//
// Every unit of the walk's tree (R, P, O, S, C) holds rounds. For each
// target r the round "Đợt thử r" is held at the unit r, with a school of
// its own below it ("RW-r") whose dossiers are submitted into it, one
// nomination per purpose, and a later round of the same unit to carry over
// into. The walk's officer at O is assigned to score the nominations of
// the rounds at O and C. Builders put each nomination back into the state
// its route needs before every request, so the order of routes does not
// matter.

type selSet struct {
	holder, school unit.Unit
	main, next     selection.Round
	reviewer       account.User // works at the holder: no conflict
	n              map[string]int64
}

type selWalk struct {
	hand access.Scope
	sets map[rel]*selSet
	top  selection.Round
}

var selWalks sync.Map // *walkFixture → *selWalk

var selPurposes = []string{"read", "assign", "score", "decide", "release", "forward", "carry", "resubmit"}

func selTitle(r rel, purpose string) string {
	return "Hồ sơ xét chọn " + string(r) + " " + purpose
}

func selCouncil() selection.Council {
	return selection.Council{Members: []selection.Member{{Name: "Chủ tịch"}, {Name: "Phó Chủ tịch"}, {Name: "Thư ký"}}, Quorum: 2}
}

// selWorld builds (once per fixture) the rounds and nominations of the walk.
func (f *walkFixture) selWorld() *selWalk {
	if w, ok := selWalks.Load(f); ok {
		return w.(*selWalk)
	}
	t, ctx := f.t, context.Background()
	hand := f.mkUser(t, "sel-hand", f.root.ID, false)
	w := &selWalk{hand: selHand(hand), sets: map[rel]*selSet{}}
	selRunsRounds(t, f.db, f.root, f.unit[parent], f.unit[own], f.unit[sibling], f.unit[child])
	now := time.Now()
	open := func(u unit.Unit, name string, from time.Time, days int) selection.Round {
		rd, err := f.srv.sel.OpenRound(ctx, w.hand, selection.RoundInput{UnitID: u.ID, Name: name, SubmitFrom: from,
			SubmitUntil: now.AddDate(0, 0, days), ReviewUntil: now.AddDate(0, 0, days+10), Council: selCouncil()})
		if err != nil {
			t.Fatalf("open %s: %v", name, err)
		}
		return rd
	}
	w.top = open(f.root, "Đợt thử gốc", now.Add(-24*time.Hour), 10)
	officer := f.caller[who(access.Officer)].user
	for _, r := range rels {
		holder := f.currentUnit(r)
		s := &selSet{holder: holder, n: map[string]int64{}}
		s.school = f.mkUnit(t, &holder, unit.School, "RW-"+strings.ToUpper(string(r)), "Trường thử xét chọn "+string(r), "TH")
		s.main = open(holder, "Đợt thử "+string(r), now.Add(-24*time.Hour), 10)
		s.next = open(holder, "Đợt sau "+string(r), now.Add(-time.Hour), 40)
		s.reviewer = f.mkUser(t, "rv-"+string(r), holder.ID, false)
		for _, p := range selPurposes {
			d, err := f.srv.dossiers.Create(ctx, w.hand, selDossierInput(s.school.ID, selTitle(r, p), "Thử"))
			if err != nil {
				t.Fatal(err)
			}
			sub, err := f.srv.sel.Submit(ctx, w.hand, d.ID, s.main.ID)
			if err != nil {
				t.Fatalf("submit %s: %v", selTitle(r, p), err)
			}
			s.n[p] = sub.Nomination.ID
		}
		reviewers := []int64{s.reviewer.ID}
		if r == own || r == child {
			reviewers = append(reviewers, officer.ID)
		}
		if _, err := f.srv.sel.AssignReviewers(ctx, w.hand, []int64{s.n["score"], s.n["read"]}, reviewers); err != nil {
			t.Fatalf("assign at %s: %v", r, err)
		}
		w.sets[r] = s
	}
	selWalks.Store(f, w)
	return w
}

// exec runs statements for a builder's reset.
func (f *walkFixture) exec(q string, args ...any) {
	if _, err := f.db.W.ExecContext(context.Background(), q, args...); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
}

// setNomination forces a nomination's state and decision.
func (f *walkFixture) setNomination(id int64, state selection.State, decision selection.Decision) {
	f.exec("UPDATE nominations SET state = $1, decision = $2 WHERE id = $3", string(state), string(decision), id)
}

// dropDerived removes the nominations made from id by forwarding or
// carrying over, so that it may be forwarded or carried again.
func (f *walkFixture) dropDerived(id int64, column string) {
	f.exec("UPDATE nominations SET forwarded_to_id = NULL WHERE id = $1", id)
	sub := "SELECT id FROM nominations WHERE " + column + " = $1"
	f.exec("DELETE FROM nomination_events WHERE nomination_id IN ("+sub+")", id)
	f.exec("DELETE FROM nomination_reviewers WHERE nomination_id IN ("+sub+")", id)
	f.exec("DELETE FROM scores WHERE nomination_id IN ("+sub+")", id)
	f.exec("DELETE FROM nominations WHERE "+column+" = $1", id)
}

func (f *walkFixture) nominationVersion(id int64) int {
	var v int
	if err := f.db.R.QueryRowContext(context.Background(), "SELECT version FROM nominations WHERE id = $1", id).Scan(&v); err != nil {
		f.t.Fatal(err)
	}
	return v
}

func (f *walkFixture) currentRound(id int64) selection.Round {
	rd, err := f.srv.sel.Round(context.Background(), access.System(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return rd
}

// fullScores gives every criterion of the round its maximum.
func fullScores(rd selection.Round) map[string]int {
	out := map[string]int{}
	for _, it := range rd.Rubric {
		out[it.Key] = it.Max
	}
	return out
}

func scoreForm(rd selection.Round) url.Values {
	v := url.Values{"comment": {"Tốt"}}
	for k, n := range fullScores(rd) {
		v.Set("score_"+k, strconv.Itoa(n))
	}
	return v
}

func roundBodyOf(rd selection.Round) roundBody {
	return roundBody{Version: rd.Version, Name: rd.Name, SubmitFrom: rd.SubmitFrom.Format(time.RFC3339), SubmitUntil: rd.SubmitUntil.Format(time.RFC3339),
		ReviewUntil: rd.ReviewUntil.Format(time.RFC3339), Quota: rd.Quota, Council: toCouncilJSON(rd.Council), Minutes: rd.Minutes + "."}
}

func isWho(ws ...access.Role) func(who) bool {
	return func(w who) bool {
		for _, r := range ws {
			if w == who(r) {
				return true
			}
		}
		return false
	}
}

var (
	below = func(r rel) bool { return r == own || r == child }
	// selSeesRound: a round is read by anyone who can see its unit, its
	// ancestors and subtree alike; never a sibling's.
	selSeesRound rule = func(w who, r rel) bool { return hasRole(w) && r != sibling }
	// selRunsRound: the officer of the round's unit (or above it).
	selRunsRound rule = func(w who, r rel) bool { return w == who(access.Officer) && below(r) }
	// selReviewSide: officers, leaders and administrators of the round's unit.
	selReviewSide rule = func(w who, r rel) bool {
		return isWho(access.Officer, access.Leader, access.Admin)(w) && below(r)
	}
	// selForwards: officers and leaders of the round's unit.
	selForwards rule = func(w who, r rel) bool { return isWho(access.Officer, access.Leader)(w) && below(r) }
	// selLeads: the leader of the dossier's unit (or above it).
	selLeads rule = func(w who, r rel) bool { return w == who(access.Leader) && below(r) }
	// selReadsNomination: any role over the dossier's unit (an assignment
	// too, which the walk's callers hold only where they read anyway).
	selReadsNomination rule = func(w who, r rel) bool { return hasRole(w) && below(r) }
	// selScores: the assigned reviewer; the walk assigns its officer at O
	// to the rounds at O and C.
	selScores rule = func(w who, r rel) bool { return w == who(access.Officer) && below(r) }
	// selAnyOfficer: the blank round form, for officers anywhere.
	selAnyOfficer rule = func(w who, _ rel) bool { return w == who(access.Officer) }
)

func init() {
	for p, r := range map[string]rule{
		"GET /rounds":                            loggedIn,
		"GET /rounds/new":                        selAnyOfficer,
		"POST /rounds":                           selRunsRound,
		"POST /api/v1/rounds":                    selRunsRound,
		"GET /rounds/{id}":                       selSeesRound,
		"GET /api/v1/rounds/{id}":                selSeesRound,
		"GET /api/v1/rounds":                     selSeesRound,
		"GET /api/v1/rounds/{id}/nominations":    selSeesRound,
		"GET /api/v1/rounds/{id}/overview":       selReviewSide,
		"GET /api/v1/rounds/{id}/candidates":     selRunsRound,
		"GET /rounds/{id}/edit":                  selRunsRound,
		"POST /rounds/{id}/edit":                 selRunsRound,
		"PUT /api/v1/rounds/{id}":                selRunsRound,
		"POST /rounds/{id}/assign":               selRunsRound,
		"POST /api/v1/rounds/{id}/assign":        selRunsRound,
		"POST /rounds/{id}/release":              selRunsRound,
		"POST /api/v1/rounds/{id}/release":       selRunsRound,
		"POST /rounds/{id}/forward":              selForwards,
		"POST /api/v1/rounds/{id}/forward":       selForwards,
		"POST /rounds/{id}/carry-over":           selRunsRound,
		"POST /api/v1/rounds/{id}/carry-over":    selRunsRound,
		"POST /nominations":                      selLeads,
		"POST /api/v1/nominations":               selLeads,
		"GET /nominations/{id}":                  selReadsNomination,
		"GET /api/v1/nominations/{id}":           selReadsNomination,
		"GET /api/v1/nominations/{id}/history":   selReadsNomination,
		"GET /api/v1/nominations/{id}/scores":    selReviewSide,
		"POST /nominations/{id}/score":           selScores,
		"POST /api/v1/nominations/{id}/scores":   selScores,
		"POST /nominations/{id}/decide":          selRunsRound,
		"POST /api/v1/nominations/{id}/decision": selRunsRound,
		"POST /nominations/{id}/resubmit":        selLeads,
		"POST /api/v1/nominations/{id}/resubmit": selLeads,
	} {
		expectations[p] = r
	}

	set := func(f *walkFixture, k walkCase) *selSet { return f.selWorld().sets[k.r] }
	roundRead := func(f *walkFixture, k walkCase) call {
		s := set(f, k)
		return call{id: s.main.ID, shows: s.main.Name}
	}
	newRound := func(f *walkFixture, k walkCase) (string, func() string) {
		name := fmt.Sprintf("Đợt mở thử %d", f.next())
		return name, f.query("SELECT COUNT(*) FROM rounds WHERE name = $1", name)
	}
	assign := func(f *walkFixture, k walkCase) (*selSet, func() string) {
		s := set(f, k)
		id := s.n["assign"]
		f.exec("DELETE FROM nomination_reviewers WHERE nomination_id = $1", id)
		f.setNomination(id, selection.Submitted, "")
		return s, f.query("SELECT COUNT(*) FROM nomination_reviewers WHERE nomination_id = $1", id)
	}
	release := func(f *walkFixture, k walkCase) (*selSet, func() string) {
		s := set(f, k)
		f.setNomination(s.n["release"], selection.UnderReview, selection.DecideSelect)
		return s, f.query("SELECT state FROM nominations WHERE id = $1", s.n["release"])
	}
	forward := func(f *walkFixture, k walkCase) (*selSet, func() string) {
		s := set(f, k)
		f.dropDerived(s.n["forward"], "forwarded_from_id")
		f.setNomination(s.n["forward"], selection.Selected, selection.DecideSelect)
		return s, f.query("SELECT COALESCE(forwarded_to_id, 0) FROM nominations WHERE id = $1", s.n["forward"])
	}
	carry := func(f *walkFixture, k walkCase) (*selSet, func() string) {
		s := set(f, k)
		f.dropDerived(s.n["carry"], "carried_from_id")
		f.setNomination(s.n["carry"], selection.Rejected, selection.DecideReject)
		return s, f.query("SELECT COUNT(*) FROM nominations WHERE carried_from_id = $1", s.n["carry"])
	}
	submit := func(f *walkFixture, k walkCase) (*selSet, int64, func() string) {
		s := set(f, k)
		d, err := f.srv.dossiers.Create(context.Background(), f.selWorld().hand, selDossierInput(s.school.ID, fmt.Sprintf("Hồ sơ gửi thử %d", f.next()), "Gửi"))
		if err != nil {
			f.t.Fatal(err)
		}
		return s, d.ID, f.query("SELECT COUNT(*) FROM nominations WHERE dossier_id = $1", d.ID)
	}
	score := func(f *walkFixture, k walkCase) (*selSet, func() string) {
		s := set(f, k)
		id := s.n["score"]
		f.exec("DELETE FROM scores WHERE nomination_id = $1", id)
		f.setNomination(id, selection.UnderReview, "")
		return s, f.query("SELECT COUNT(*) FROM scores WHERE nomination_id = $1", id)
	}
	decide := func(f *walkFixture, k walkCase) (*selSet, int, func() string) {
		s := set(f, k)
		id := s.n["decide"]
		f.setNomination(id, selection.UnderReview, "")
		return s, f.nominationVersion(id), f.query("SELECT version FROM nominations WHERE id = $1", id)
	}
	resubmit := func(f *walkFixture, k walkCase) (*selSet, int, func() string) {
		s := set(f, k)
		id := s.n["resubmit"]
		f.setNomination(id, selection.Returned, selection.DecideReturn)
		return s, f.nominationVersion(id), f.query("SELECT version FROM nominations WHERE id = $1", id)
	}

	for p, b := range map[string]builder{
		"GET /rounds":     plain,
		"GET /rounds/new": plain,
		"POST /rounds": func(f *walkFixture, k walkCase) call {
			s := set(f, k)
			name, state := newRound(f, k)
			today := time.Now()
			return call{form: url.Values{"unit_id": {idstr(s.holder.ID)}, "name": {name}, "submit_from": {vnDay(today)},
				"submit_until": {vnDay(today.AddDate(0, 0, 30))}, "review_until": {vnDay(today.AddDate(0, 0, 60))}, "quota": {"0"},
				"council": {"Nguyễn Văn A — Chủ tịch\nTrần Thị B — Ủy viên\nLê Văn C — Thư ký"}, "threshold": {"80"}},
				state: state, mutates: true}
		},
		"POST /api/v1/rounds": func(f *walkFixture, k walkCase) call {
			s := set(f, k)
			name, state := newRound(f, k)
			today := time.Now()
			return call{json: roundBody{UnitID: s.holder.ID, Name: name, SubmitFrom: vnDay(today), SubmitUntil: vnDay(today.AddDate(0, 0, 30)),
				ReviewUntil: vnDay(today.AddDate(0, 0, 60)), Council: toCouncilJSON(selCouncil())}, state: state, mutates: true}
		},
		"GET /rounds/{id}":                 roundRead,
		"GET /api/v1/rounds/{id}":          roundRead,
		"GET /rounds/{id}/edit":            roundRead,
		"GET /api/v1/rounds/{id}/overview": roundRead,
		"GET /api/v1/rounds/{id}/nominations": func(f *walkFixture, k walkCase) call {
			return call{id: set(f, k).main.ID}
		},
		"GET /api/v1/rounds/{id}/candidates": func(f *walkFixture, k walkCase) call {
			s := set(f, k)
			return call{id: s.main.ID, shows: s.reviewer.Username}
		},
		"GET /api/v1/rounds": func(f *walkFixture, k walkCase) call {
			s := set(f, k)
			return call{query: "unit_id=" + idstr(s.holder.ID), shows: s.main.Name}
		},
		"POST /rounds/{id}/edit": func(f *walkFixture, k walkCase) call {
			rd := f.currentRound(set(f, k).main.ID)
			form := roundForm(rd)
			form.Set("minutes", rd.Minutes+".")
			return call{id: rd.ID, form: form, state: f.query("SELECT version FROM rounds WHERE id = $1", rd.ID), mutates: true}
		},
		"PUT /api/v1/rounds/{id}": func(f *walkFixture, k walkCase) call {
			rd := f.currentRound(set(f, k).main.ID)
			return call{id: rd.ID, json: roundBodyOf(rd), state: f.query("SELECT version FROM rounds WHERE id = $1", rd.ID), mutates: true}
		},
		"POST /rounds/{id}/assign": func(f *walkFixture, k walkCase) call {
			s, state := assign(f, k)
			return call{id: s.main.ID, form: url.Values{"ids": {idstr(s.n["assign"])}, "reviewers": {idstr(s.reviewer.ID)}}, state: state, mutates: true}
		},
		"POST /api/v1/rounds/{id}/assign": func(f *walkFixture, k walkCase) call {
			s, state := assign(f, k)
			return call{id: s.main.ID, json: assignBody{NominationIDs: []int64{s.n["assign"]}, ReviewerIDs: []int64{s.reviewer.ID}}, state: state, mutates: true}
		},
		"POST /rounds/{id}/release": func(f *walkFixture, k walkCase) call {
			s, state := release(f, k)
			return call{id: s.main.ID, form: url.Values{}, state: state, mutates: true}
		},
		"POST /api/v1/rounds/{id}/release": func(f *walkFixture, k walkCase) call {
			s, state := release(f, k)
			return call{id: s.main.ID, state: state, mutates: true}
		},
		"POST /rounds/{id}/forward": func(f *walkFixture, k walkCase) call {
			s, state := forward(f, k)
			return call{id: s.main.ID, form: url.Values{"ids": {idstr(s.n["forward"])}}, state: state, mutates: true}
		},
		"POST /api/v1/rounds/{id}/forward": func(f *walkFixture, k walkCase) call {
			s, state := forward(f, k)
			return call{id: s.main.ID, json: moveBody{NominationIDs: []int64{s.n["forward"]}}, state: state, mutates: true}
		},
		"POST /rounds/{id}/carry-over": func(f *walkFixture, k walkCase) call {
			s, state := carry(f, k)
			return call{id: s.main.ID, form: url.Values{"ids": {idstr(s.n["carry"])}, "carry_round_id": {idstr(s.next.ID)}}, state: state, mutates: true}
		},
		"POST /api/v1/rounds/{id}/carry-over": func(f *walkFixture, k walkCase) call {
			s, state := carry(f, k)
			return call{id: s.main.ID, json: moveBody{NominationIDs: []int64{s.n["carry"]}, TargetRoundID: s.next.ID}, state: state, mutates: true}
		},
		"POST /nominations": func(f *walkFixture, k walkCase) call {
			s, d, state := submit(f, k)
			return call{form: url.Values{"dossier_id": {idstr(d)}, "round_id": {idstr(s.main.ID)}, "action": {"submit"}}, state: state, mutates: true}
		},
		"POST /api/v1/nominations": func(f *walkFixture, k walkCase) call {
			s, d, state := submit(f, k)
			return call{json: nominationBody{DossierID: d, RoundID: s.main.ID, Action: "submit"}, state: state, mutates: true}
		},
		"GET /nominations/{id}": func(f *walkFixture, k walkCase) call {
			s := set(f, k)
			return call{id: s.n["read"], shows: selTitle(k.r, "read")}
		},
		"GET /api/v1/nominations/{id}": func(f *walkFixture, k walkCase) call {
			s := set(f, k)
			return call{id: s.n["read"], shows: selTitle(k.r, "read")}
		},
		"GET /api/v1/nominations/{id}/history": func(f *walkFixture, k walkCase) call {
			return call{id: set(f, k).n["read"], shows: `"action": "start_review"`}
		},
		"GET /api/v1/nominations/{id}/scores": func(f *walkFixture, k walkCase) call {
			return call{id: set(f, k).n["read"]}
		},
		"POST /nominations/{id}/score": func(f *walkFixture, k walkCase) call {
			s, state := score(f, k)
			return call{id: s.n["score"], form: scoreForm(s.main), state: state, mutates: true}
		},
		"POST /api/v1/nominations/{id}/scores": func(f *walkFixture, k walkCase) call {
			s, state := score(f, k)
			return call{id: s.n["score"], json: scoreBody{Items: fullScores(s.main), Comment: "Tốt"}, state: state, mutates: true}
		},
		"POST /nominations/{id}/decide": func(f *walkFixture, k walkCase) call {
			s, v, state := decide(f, k)
			return call{id: s.n["decide"], form: url.Values{"version": {strconv.Itoa(v)}, "mode": {"vote"}, "votes_for": {"3"}}, state: state, mutates: true}
		},
		"POST /api/v1/nominations/{id}/decision": func(f *walkFixture, k walkCase) call {
			s, v, state := decide(f, k)
			return call{id: s.n["decide"], json: decisionBody{Version: v, VotesFor: 3}, state: state, mutates: true}
		},
		"POST /nominations/{id}/resubmit": func(f *walkFixture, k walkCase) call {
			s, v, state := resubmit(f, k)
			return call{id: s.n["resubmit"], form: url.Values{"version": {strconv.Itoa(v)}}, state: state, mutates: true}
		},
		"POST /api/v1/nominations/{id}/resubmit": func(f *walkFixture, k walkCase) call {
			s, v, state := resubmit(f, k)
			return call{id: s.n["resubmit"], json: versionBody{Version: v}, state: state, mutates: true}
		},
	} {
		walkRequests[p] = b
	}
}

// TestSelectionWalkSpecialCases: a school reading another school's draft
// nomination, and a reviewer scoring a conflicted dossier.
func TestSelectionWalkSpecialCases(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newWalkFixture(t, db)
		w := f.selWorld()
		ctx := context.Background()

		// A staff member of school C proposes a draft into the round at O;
		// the leader of school D (C's sibling) cannot read it, C's can.
		dLeader := f.mkUser(t, "school-d-leader", f.school.ID, false, roleAt{access.Leader, f.school.ID})
		cLeader := f.mkUser(t, "school-c-leader", f.unit[child].ID, false, roleAt{access.Leader, f.unit[child].ID})
		cstaff := selScope(t, f.testEnv, f.cstaff.ID)
		d, err := f.srv.dossiers.Create(ctx, cstaff, selDossierInput(f.unit[child].ID, "Dự thảo của trường C", "Nháp"))
		if err != nil {
			t.Fatal(err)
		}
		// C's own dossiers go to the nearest holder above C: O.
		draft, err := f.srv.sel.Propose(ctx, cstaff, d.ID, w.sets[own].main.ID)
		if err != nil {
			t.Fatal(err)
		}
		web, _ := f.session(t, dLeader.ID, account.Web)
		api, _ := f.session(t, dLeader.ID, account.API)
		if res := f.serve(pageReq("GET", "/nominations/"+idstr(draft.ID), web, nil)); res.Code != http.StatusNotFound || strings.Contains(res.Body.String(), "Dự thảo của trường C") {
			t.Errorf("school D reading school C's draft: %s", outcome(res))
		}
		if res := f.serve(apiReq(t, "GET", "/api/v1/nominations/"+idstr(draft.ID), api, nil)); res.Code != http.StatusNotFound {
			t.Errorf("school D reading school C's draft through the API: %s", outcome(res))
		}
		cweb, ccsrf := f.session(t, cLeader.ID, account.Web)
		res := f.serve(pageReq("GET", "/nominations/"+idstr(draft.ID), cweb, nil))
		if res.Code != http.StatusOK || !strings.Contains(res.Body.String(), "Gửi đề nghị vào đợt") {
			t.Errorf("school C's leader reading its draft: %s: %s", outcome(res), snippet(res))
		}
		// The school's leader submits the draft from its page.
		res = f.serve(pageReq("POST", "/nominations", cweb, url.Values{"csrf": {ccsrf}, "dossier_id": {idstr(d.ID)}, "round_id": {idstr(w.sets[own].main.ID)}, "action": {"submit"}}))
		if res.Code != http.StatusSeeOther || res.Header().Get("Location") != "/nominations/"+idstr(draft.ID) {
			t.Errorf("submitting the draft: %s: %s", outcome(res), snippet(res))
		}

		// A teacher of the dossier's school, assigned behind the store's
		// back, still cannot score it: the conflict is checked again.
		s := w.sets[own]
		teacher := f.mkUser(t, "rw-teacher", s.school.ID, false, roleAt{access.Staff, s.school.ID})
		f.exec("INSERT INTO nomination_reviewers (nomination_id, user_id, assigned_at) VALUES ($1, $2, $3)", s.n["score"], teacher.ID, time.Now().UTC())
		f.setNomination(s.n["score"], selection.UnderReview, "")
		before := f.query("SELECT COUNT(*) FROM scores WHERE reviewer_id = $1", teacher.ID)()
		tweb, tcsrf := f.session(t, teacher.ID, account.Web)
		form := scoreForm(s.main)
		form.Set("csrf", tcsrf)
		if res := f.serve(pageReq("POST", "/nominations/"+idstr(s.n["score"])+"/score", tweb, form)); res.Code != http.StatusForbidden ||
			!strings.Contains(res.Body.String(), "xung đột lợi ích") {
			t.Errorf("a conflicted reviewer scoring: %s: %s", outcome(res), snippet(res))
		}
		tapi, _ := f.session(t, teacher.ID, account.API)
		problemOf(t, f.serve(apiReq(t, "POST", "/api/v1/nominations/"+idstr(s.n["score"])+"/scores", tapi, scoreBody{Items: fullScores(s.main)})), http.StatusForbidden)
		if after := f.query("SELECT COUNT(*) FROM scores WHERE reviewer_id = $1", teacher.ID)(); after != before {
			t.Errorf("the conflicted reviewer's score was stored")
		}
	})
}

// --- the pipeline through the pages

type selPeople struct {
	officer, reviewer, leader, teacher, soOfficer, soReviewer account.User
}

type selTree struct {
	so, phong, schoolA, schoolB unit.Unit
	p                           selPeople
}

func selBuild(t *testing.T, e *testEnv) selTree {
	var w selTree
	w.so = e.mkUnit(t, nil, unit.Department, "SO-X", "Sở Giáo dục và Đào tạo thử")
	w.phong = e.mkUnit(t, &w.so, unit.Office, "PGD-X", "Phòng Giáo dục và Đào tạo thử")
	w.schoolA = e.mkUnit(t, &w.phong, unit.School, "TH-A-X", "Trường Tiểu học Hoa Sen", "TH")
	w.schoolB = e.mkUnit(t, &w.phong, unit.School, "TH-B-X", "Trường Tiểu học Sen Hồng", "TH")
	selRunsRounds(t, e.db, w.so, w.phong)
	w.p.officer = e.mkUser(t, "phong.thidua", w.phong.ID, false, roleAt{access.Officer, w.phong.ID})
	w.p.reviewer = e.mkUser(t, "phong.chuyenvien", w.phong.ID, false, roleAt{access.Staff, w.phong.ID})
	w.p.leader = e.mkUser(t, "a.hieutruong", w.schoolA.ID, false, roleAt{access.Leader, w.schoolA.ID})
	w.p.teacher = e.mkUser(t, "a.giaovien", w.schoolA.ID, false, roleAt{access.Staff, w.schoolA.ID})
	w.p.soOfficer = e.mkUser(t, "so.thidua", w.so.ID, false, roleAt{access.Officer, w.so.ID})
	w.p.soReviewer = e.mkUser(t, "so.chuyenvien", w.so.ID, false, roleAt{access.Staff, w.so.ID})
	return w
}

// browser is a logged-in user's web session.
type browser struct {
	e     *testEnv
	t     *testing.T
	token string
	csrf  string
}

func (e *testEnv) browse(t *testing.T, u account.User) *browser {
	tok, csrf := e.session(t, u.ID, account.Web)
	return &browser{e: e, t: t, token: tok, csrf: csrf}
}

func (b *browser) get(path string) *httptest.ResponseRecorder {
	return b.e.serve(pageReq("GET", path, b.token, nil))
}

func (b *browser) post(path string, form url.Values) *httptest.ResponseRecorder {
	f := cloneValues(form)
	f.Set("csrf", b.csrf)
	return b.e.serve(pageReq("POST", path, b.token, f))
}

// follow reads the page a redirect leads to, with the flash cookie.
func (b *browser) follow(w *httptest.ResponseRecorder) *httptest.ResponseRecorder {
	b.t.Helper()
	if w.Code != http.StatusSeeOther {
		b.t.Fatalf("want a redirect, got %s: %s", outcome(w), snippet(w))
	}
	r := pageReq("GET", w.Header().Get("Location"), b.token, nil)
	for _, c := range w.Result().Cookies() {
		r.AddCookie(c)
	}
	return b.e.serve(r)
}

func mustContain(t *testing.T, what string, w *httptest.ResponseRecorder, want ...string) {
	t.Helper()
	for _, s := range want {
		if !strings.Contains(w.Body.String(), s) {
			t.Errorf("%s (%s): the page lacks %q", what, outcome(w), s)
		}
	}
}

func mustNotContain(t *testing.T, what string, w *httptest.ResponseRecorder, unwanted ...string) {
	t.Helper()
	for _, s := range unwanted {
		if strings.Contains(w.Body.String(), s) {
			t.Errorf("%s (%s): the page shows %q", what, outcome(w), s)
		}
	}
}

func TestRoundPipelinePages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, 0, Options{})
		w := selBuild(t, e)
		ctx := context.Background()
		officer, reviewer, leader := e.browse(t, w.p.officer), e.browse(t, w.p.reviewer), e.browse(t, w.p.leader)
		now := time.Now()

		// The blank form suggests this quarter and shows the preset rubric.
		res := officer.get("/rounds/new")
		if res.Code != http.StatusOK {
			t.Fatalf("GET /rounds/new: %s: %s", outcome(res), snippet(res))
		}
		mustContain(t, "the blank round form", res, quarterName(now), "Bộ tiêu chí mẫu đang có hiệu lực", w.phong.Name)
		if res := leader.get("/rounds/new"); res.Code != http.StatusForbidden {
			t.Errorf("a school leader opening the round form: %s", outcome(res))
		}

		// Errors come back at their fields.
		bad := url.Values{"unit_id": {idstr(w.phong.ID)}, "name": {""}, "submit_from": {vnDay(now)}, "submit_until": {"31/02/2026x"},
			"review_until": {vnDay(now.AddDate(0, 0, 20))}, "threshold": {"80"}}
		res = officer.post("/rounds", bad)
		if res.Code != http.StatusUnprocessableEntity {
			t.Fatalf("a bad round form: %s: %s", outcome(res), snippet(res))
		}
		if !selErrAt(res.Body.String(), "submit_until", "Ngày không hợp lệ") {
			t.Errorf("no message at submit_until: %s", snippet(res))
		}
		bad.Set("submit_until", vnDay(now.AddDate(0, 0, 10)))
		res = officer.post("/rounds", bad)
		if res.Code != http.StatusUnprocessableEntity || !selErrAt(res.Body.String(), "name", "Nhập tên đợt") || !selErrAt(res.Body.String(), "council", "thành viên hội đồng") {
			t.Errorf("a round without name and council: %s: %s", outcome(res), snippet(res))
		}
		if n := e.countRows(t, "SELECT COUNT(*) FROM rounds"); n != 0 {
			t.Fatalf("%d rounds after refused forms", n)
		}
		form := url.Values{"unit_id": {idstr(w.phong.ID)}, "name": {"Quý thử/2026"}, "submit_from": {vnDay(now)}, "submit_until": {vnDay(now.AddDate(0, 0, 10))},
			"review_until": {vnDay(now.AddDate(0, 0, 20))}, "quota": {"1"}, "threshold": {"80"},
			"council": {"Nguyễn Văn An — Trưởng phòng, Chủ tịch Hội đồng\nTrần Thị Bình — Phó Trưởng phòng\nLê Văn Cường – Chuyên viên, Thư ký\nPhạm Thị Dung - Ủy viên\nHồ Văn Em"}}
		res = officer.post("/rounds", form)
		if res.Code != http.StatusSeeOther {
			t.Fatalf("opening the round: %s: %s", outcome(res), snippet(res))
		}
		roundPath := res.Header().Get("Location")
		mustContain(t, "the new round", officer.follow(res), "Đã mở đợt xét chọn", "Quý thử/2026", "tối đa 1 hồ sơ", "80%")
		rounds, _, err := e.srv.sel.Rounds(ctx, access.System(), w.phong.ID, 10, 0)
		if err != nil || len(rounds) != 1 {
			t.Fatalf("rounds at the office: %v %v", rounds, err)
		}
		rd := rounds[0]
		if got := rd.SubmitUntil.In(viet.Zone).Format("2006-01-02 15:04"); got != vnDay(now.AddDate(0, 0, 10))+" 23:59" {
			t.Errorf("submit_until = %s, want the end of the day in Vietnam", got)
		}
		if len(rd.Council.Members) != 5 || rd.Council.Members[2].Name != "Lê Văn Cường" || rd.Council.Members[2].Position != "Chuyên viên, Thư ký" ||
			rd.Council.Quorum != 3 || len(rd.Rubric) == 0 {
			t.Errorf("round as stored: %+v", rd)
		}

		// Editing with a stale version: 409, nothing changed.
		edit := roundForm(rd)
		edit.Set("name", "Quý thử (sửa)/2026")
		edit.Set("version", strconv.Itoa(rd.Version+1))
		if res := officer.post(roundPath+"/edit", edit); res.Code != http.StatusConflict {
			t.Errorf("stale round edit: %s", outcome(res))
		}
		edit.Set("version", strconv.Itoa(rd.Version))
		if res := officer.post(roundPath+"/edit", edit); res.Code != http.StatusSeeOther {
			t.Errorf("round edit: %s: %s", outcome(res), snippet(res))
		}

		// The school submits a dossier; staff may not.
		d, err := e.srv.dossiers.Create(ctx, selScope(t, e, w.p.teacher.ID), selDossierInput(w.schoolA.ID, "Cô giáo dạy giỏi ba năm liền", "Lan"))
		if err != nil {
			t.Fatal(err)
		}
		teacher := e.browse(t, w.p.teacher)
		send := url.Values{"dossier_id": {idstr(d.ID)}, "round_id": {idstr(rd.ID)}, "action": {"submit"}}
		if res := teacher.post("/nominations", send); res.Code != http.StatusForbidden {
			t.Errorf("a teacher submitting: %s", outcome(res))
		}
		res = leader.post("/nominations", send)
		if res.Code != http.StatusSeeOther || !nominationPathRE.MatchString(res.Header().Get("Location")) {
			t.Fatalf("the leader submitting: %s: %s", outcome(res), snippet(res))
		}
		nPath := res.Header().Get("Location")
		nID, _ := strconv.ParseInt(nominationPathRE.FindStringSubmatch(nPath)[1], 10, 64)
		mustContain(t, "the submitted nomination", leader.follow(res), "Đã gửi hồ sơ vào đợt", "Đã gửi", "phiên bản số 1")
		if res := leader.post("/nominations", send); res.Code != http.StatusConflict || !strings.Contains(res.Body.String(), "đã được gửi vào đợt") {
			t.Errorf("submitting twice: %s: %s", outcome(res), snippet(res))
		}

		// The officer sees it in the queue and the overview, and is asked
		// to assign reviewers on the home page.
		mustContain(t, "the officer's home page", officer.get("/"), "Phân công chấm 1 hồ sơ mới gửi vào đợt Quý thử (sửa)/2026")
		res = officer.get(roundPath)
		mustContain(t, "the round's queue", res, "Cô giáo dạy giỏi ba năm liền", w.schoolA.Name, "Phân công chấm", w.p.reviewer.Username)
		// A conflicted reviewer in the batch: nothing is done, the item says why.
		res = officer.post(roundPath+"/assign", url.Values{"ids": {idstr(nID)}, "reviewers": {idstr(w.p.reviewer.ID), idstr(w.p.teacher.ID)}})
		if res.Code != http.StatusUnprocessableEntity {
			t.Fatalf("assigning a conflicted reviewer: %s: %s", outcome(res), snippet(res))
		}
		mustContain(t, "the refused assignment", res, "Không hồ sơ nào được thay đổi", "xung đột lợi ích")
		if n := e.countRows(t, "SELECT COUNT(*) FROM nomination_reviewers"); n != 0 {
			t.Fatalf("%d reviewers assigned by a refused batch", n)
		}
		res = officer.post(roundPath+"/assign", url.Values{"ids": {idstr(nID)}, "reviewers": {idstr(w.p.reviewer.ID)}})
		if res.Code != http.StatusOK {
			t.Fatalf("assigning: %s: %s", outcome(res), snippet(res))
		}
		mustContain(t, "the assignment report", res, "Phân công chấm: đã thực hiện cho 1 hồ sơ", "Đã phân công")

		// The reviewer's to-do, the hidden scores, the score form.
		mustContain(t, "the reviewer's home page", reviewer.get("/"), "Chấm điểm hồ sơ “Cô giáo dạy giỏi ba năm liền”")
		res = reviewer.get(nPath)
		mustContain(t, "the nomination for its reviewer", res, "Chấm điểm phiên bản số 1", "Hãy chấm điểm trước khi xem điểm của thành viên khác")
		scores := scoreForm(rd)
		scores.Set("score_"+rd.Rubric[0].Key, "99")
		res = reviewer.post(nPath+"/score", scores)
		if res.Code != http.StatusUnprocessableEntity || !selErrAt(res.Body.String(), "score_"+rd.Rubric[0].Key, "phải từ 0 đến") {
			t.Errorf("an out-of-scale score: %s: %s", outcome(res), snippet(res))
		}
		scores = scoreForm(rd)
		res = reviewer.post(nPath+"/score", scores)
		mustContain(t, "after scoring", reviewer.follow(res), "Đã ghi điểm của bạn: 100/100", "100")
		if res := reviewer.post(nPath+"/score", scores); res.Code != http.StatusConflict {
			t.Errorf("scoring twice: %s", outcome(res))
		}

		// The decision: a stale version is refused and changes nothing.
		n, err := e.srv.sel.Nomination(ctx, access.System(), nID)
		if err != nil {
			t.Fatal(err)
		}
		decide := url.Values{"mode": {"vote"}, "votes_for": {"4"}, "absent_for": {"1"}, "version": {strconv.Itoa(n.Version - 1)}}
		res = officer.post(nPath+"/decide", decide)
		if res.Code != http.StatusConflict || !strings.Contains(res.Body.String(), "đã được người khác thay đổi") {
			t.Errorf("a stale decision: %s: %s", outcome(res), snippet(res))
		}
		if after, _ := e.srv.sel.Nomination(ctx, access.System(), nID); after.Decision != "" || after.Version != n.Version {
			t.Fatalf("a stale decision changed the nomination: %+v", after)
		}
		decide.Set("version", strconv.Itoa(n.Version))
		decide.Set("votes_for", "1")
		res = officer.post(nPath+"/decide", decide)
		if res.Code != http.StatusUnprocessableEntity || !selErrAt(res.Body.String(), "votes", "Chưa đủ số thành viên có mặt") {
			t.Errorf("a decision without quorum: %s: %s", outcome(res), snippet(res))
		}
		decide.Set("votes_for", "4")
		mustContain(t, "after the decision", officer.follow(officer.post(nPath+"/decide", decide)), "Đã ghi quyết định của hội đồng: Chọn", "chờ công bố")

		// The school does not see it before release.
		res = leader.get(nPath)
		mustContain(t, "the school before release", res, "Đang xét chọn")
		mustNotContain(t, "the school before release", res, "Quyết định của hội đồng", "4 đồng ý", "Được chọn")
		mustContain(t, "the officer's home page", officer.get("/"), "Công bố kết quả đợt Quý thử (sửa)/2026: 1 quyết định")

		res = officer.post(roundPath+"/release", url.Values{})
		if res.Code != http.StatusOK {
			t.Fatalf("release: %s: %s", outcome(res), snippet(res))
		}
		mustContain(t, "the release report", res, "Đã công bố kết quả của 1 hồ sơ", "Chọn")
		res = leader.get(nPath)
		mustContain(t, "the school after release", res, "Được chọn", "Quyết định của hội đồng", "4 đồng ý")
		mustNotContain(t, "the school after release", res, "Điểm chấm")

		// Forwarding to the department's open round.
		res = officer.get(roundPath)
		mustContain(t, "forwarding without a round above", res, "Chưa có đợt xét chọn nào của "+w.so.Name)
		soRound, err := e.srv.sel.OpenRound(ctx, selScope(t, e, w.p.soOfficer.ID), selection.RoundInput{UnitID: w.so.ID, Name: "Đợt toàn ngành thử",
			SubmitFrom: now.Add(-time.Hour), SubmitUntil: now.AddDate(0, 0, 10), ReviewUntil: now.AddDate(0, 0, 20), Council: selCouncil()})
		if err != nil {
			t.Fatal(err)
		}
		mustContain(t, "the forward box", officer.get(roundPath), "Đợt của "+w.so.Name, "Đợt toàn ngành thử")
		res = officer.post(roundPath+"/forward", url.Values{"ids": {idstr(nID)}, "target_round_id": {idstr(soRound.ID)}})
		if res.Code != http.StatusOK {
			t.Fatalf("forward: %s: %s", outcome(res), snippet(res))
		}
		mustContain(t, "the forward report", res, "Đã giới thiệu lên đợt “Đợt toàn ngành thử”")
		so := e.browse(t, w.p.soOfficer)
		res = so.get("/rounds/" + idstr(soRound.ID))
		mustContain(t, "the department's queue", res, "Cô giáo dạy giỏi ba năm liền", w.phong.Name, "giới thiệu từ cấp dưới")
		q, _, err := e.srv.sel.Queue(ctx, selScope(t, e, w.p.soOfficer.ID), soRound.ID, selection.QueueFilter{})
		if err != nil || len(q) != 1 || q[0].ForwardedFromID != nID {
			t.Fatalf("department queue: %+v %v", q, err)
		}
		mustContain(t, "the forwarded nomination", so.get("/nominations/"+idstr(q[0].ID)), "/nominations/"+idstr(nID), "Hồ sơ ở cấp dưới")
		// Forwarding twice is refused item by item.
		res = officer.post(roundPath+"/forward", url.Values{"ids": {idstr(nID)}})
		mustContain(t, "forwarding twice", res, "đã được giới thiệu lên cấp trên")
		if res.Code != http.StatusUnprocessableEntity {
			t.Errorf("forwarding twice: %s", outcome(res))
		}
		// A nomination of another round is not this round's to act on.
		res = so.post("/rounds/"+idstr(soRound.ID)+"/assign", url.Values{"ids": {idstr(nID)}, "reviewers": {idstr(w.p.soReviewer.ID)}})
		if res.Code != http.StatusUnprocessableEntity {
			t.Errorf("a nomination of another round: %s: %s", outcome(res), snippet(res))
		}
		mustContain(t, "a nomination of another round", res, "không thuộc đợt")

		// The lists.
		mustContain(t, "the officer's rounds", officer.get("/rounds"), "Quý thử (sửa)/2026", "Đợt xét chọn đơn vị bạn tổ chức", "Đợt toàn ngành thử", "+ Mở đợt xét chọn")
		res = leader.get("/rounds")
		mustContain(t, "the school's rounds", res, "Quý thử (sửa)/2026", w.phong.Name)
		mustNotContain(t, "the school's rounds", res, "+ Mở đợt xét chọn")
		res = leader.get(roundPath)
		mustContain(t, "the round seen by the school", res, "Hồ sơ của đơn vị bạn trong đợt này", "Cô giáo dạy giỏi ba năm liền")
		mustNotContain(t, "the round seen by the school", res, "Phân công chấm", "Tổng hợp")
	})
}

// TestReturnAndResubmitPages: a return with reasons, released; the school
// revises and resubmits; the reviewer sees what changed since they scored.
func TestReturnAndResubmitPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, 0, Options{})
		w := selBuild(t, e)
		ctx := context.Background()
		now := time.Now()
		osc := selScope(t, e, w.p.officer.ID)
		rd, err := e.srv.sel.OpenRound(ctx, osc, selection.RoundInput{UnitID: w.phong.ID, Name: "Quý trả lại", SubmitFrom: now.Add(-time.Hour),
			SubmitUntil: now.AddDate(0, 0, 5), ReviewUntil: now.AddDate(0, 0, 15), Council: selCouncil()})
		if err != nil {
			t.Fatal(err)
		}
		tsc := selScope(t, e, w.p.teacher.ID)
		d, err := e.srv.dossiers.Create(ctx, tsc, selDossierInput(w.schoolA.ID, "Thầy giáo tận tụy", "Minh"))
		if err != nil {
			t.Fatal(err)
		}
		sub, err := e.srv.sel.Submit(ctx, selScope(t, e, w.p.leader.ID), d.ID, rd.ID)
		if err != nil {
			t.Fatal(err)
		}
		nPath := "/nominations/" + idstr(sub.Nomination.ID)
		if _, err := e.srv.sel.AssignReviewers(ctx, osc, []int64{sub.Nomination.ID}, []int64{w.p.reviewer.ID}); err != nil {
			t.Fatal(err)
		}
		reviewer, officer, leader := e.browse(t, w.p.reviewer), e.browse(t, w.p.officer), e.browse(t, w.p.leader)
		reviewer.follow(reviewer.post(nPath+"/score", scoreForm(rd)))
		n, _ := e.srv.sel.Nomination(ctx, osc, sub.Nomination.ID)
		ret := url.Values{"mode": {"return"}, "version": {strconv.Itoa(n.Version)}}
		res := officer.post(nPath+"/decide", ret)
		if res.Code != http.StatusUnprocessableEntity || !selErrAt(res.Body.String(), "note", "Ghi rõ lý do") || !selErrAt(res.Body.String(), "return_deadline", "hạn nộp lại") {
			t.Errorf("a return without reasons: %s: %s", outcome(res), snippet(res))
		}
		deadline := now.AddDate(0, 0, 7)
		ret.Set("note", "Bổ sung minh chứng sáng kiến")
		ret.Set("return_deadline", vnDay(deadline))
		officer.follow(officer.post(nPath+"/decide", ret))
		if res := officer.post("/rounds/"+idstr(rd.ID)+"/release", url.Values{}); res.Code != http.StatusOK {
			t.Fatalf("release: %s: %s", outcome(res), snippet(res))
		}
		// The school sees the reasons and the deadline, on the page and at home.
		mustContain(t, "the returned nomination", leader.get(nPath), "Trả lại để bổ sung", "Bổ sung minh chứng sáng kiến", deadline.In(viet.Zone).Format("02/01/2006"), "Gửi lại")
		mustContain(t, "the school's home page", leader.get("/"), "Bổ sung và gửi lại hồ sơ “Thầy giáo tận tụy”", "hạn nộp lại")
		// Revise, then resubmit (stale first).
		cur, _ := e.srv.dossiers.Get(ctx, tsc, d.ID)
		in := cur.Input()
		in.Summary += " Sáng kiến được công nhận cấp thành phố."
		if _, err := e.srv.dossiers.Update(ctx, tsc, d.ID, cur.Version, in); err != nil {
			t.Fatal(err)
		}
		n, _ = e.srv.sel.Nomination(ctx, osc, n.ID)
		if res := leader.post(nPath+"/resubmit", url.Values{"version": {strconv.Itoa(n.Version - 1)}}); res.Code != http.StatusConflict {
			t.Errorf("a stale resubmission: %s", outcome(res))
		}
		mustContain(t, "after resubmitting", leader.follow(leader.post(nPath+"/resubmit", url.Values{"version": {strconv.Itoa(n.Version)}})),
			"Đã gửi lại hồ sơ đã bổ sung", "phiên bản số 2")
		// Assigned again, the reviewer sees the change since version 1.
		if _, err := e.srv.sel.AssignReviewers(ctx, osc, []int64{n.ID}, []int64{w.p.reviewer.ID}); err != nil {
			t.Fatal(err)
		}
		res = reviewer.get(nPath)
		mustContain(t, "the reviewer after the revision", res, "Những thay đổi so với phiên bản số 1 (bản bạn đã chấm)", "Tóm tắt thành tích",
			"Sáng kiến được công nhận cấp thành phố.", "Chấm điểm phiên bản số 2", "Phiên bản số 1 (1 phiếu chấm)")
		mustContain(t, "the history", res, "Gửi lại sau bổ sung", "Công bố kết quả", "Ghi quyết định của hội đồng")
	})
}

// --- the same through the API

func TestRoundAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, 0, Options{})
		w := selBuild(t, e)
		ctx := context.Background()
		tok := func(u account.User) string { s, _ := e.session(t, u.ID, account.API); return s }
		officer, reviewer, leader, so := tok(w.p.officer), tok(w.p.reviewer), tok(w.p.leader), tok(w.p.soOfficer)
		call := func(token, method, path string, body any, want int, out any) *httptest.ResponseRecorder {
			t.Helper()
			res := e.serve(apiReq(t, method, path, token, body))
			if res.Code != want {
				t.Fatalf("%s %s: %d, want %d: %s", method, path, res.Code, want, res.Body.String())
			}
			if out != nil {
				decode(t, res, out)
			}
			return res
		}
		now := time.Now()
		body := roundBody{UnitID: w.phong.ID, Name: "Quý API/2026", SubmitFrom: vnDay(now), SubmitUntil: vnDay(now.AddDate(0, 0, 10)),
			ReviewUntil: vnDay(now.AddDate(0, 0, 20)), Quota: 2, Council: toCouncilJSON(selCouncil())}
		p := problemOf(t, e.serve(apiReq(t, "POST", "/api/v1/rounds", officer, roundBody{UnitID: w.phong.ID, SubmitFrom: "hôm qua"})), http.StatusUnprocessableEntity)
		if p.Errors["submit_from"] == "" {
			t.Errorf("a bad date: %+v", p)
		}
		problemOf(t, e.serve(apiReq(t, "POST", "/api/v1/rounds", leader, body)), http.StatusForbidden)
		var rd roundJSON
		call(officer, "POST", "/api/v1/rounds", body, http.StatusCreated, &rd)
		if rd.Council.Threshold != 80 || len(rd.Rubric) == 0 || rd.Quota != 2 || !rd.SubmitUntil.Equal(endOfDay(now.In(viet.Zone).AddDate(0, 0, 10))) {
			t.Errorf("round: %+v", rd)
		}
		rpath := "/api/v1/rounds/" + idstr(rd.ID)
		// Stale and current edits.
		upd := body
		upd.Version, upd.Name = rd.Version+1, "Quý API (sửa)/2026"
		problemOf(t, e.serve(apiReq(t, "PUT", rpath, officer, upd)), http.StatusConflict)
		upd.Version = rd.Version
		call(officer, "PUT", rpath, upd, http.StatusOK, &rd)
		var rl list[roundJSON]
		call(leader, "GET", "/api/v1/rounds?submitting_unit_id="+idstr(w.schoolA.ID), nil, http.StatusOK, &rl)
		if rl.Total != 1 || rl.Items[0].Name != "Quý API (sửa)/2026" {
			t.Errorf("rounds open to school A: %+v", rl)
		}
		call(leader, "GET", "/api/v1/rounds?unit_id="+idstr(w.phong.ID), nil, http.StatusOK, &rl)
		if rl.Total != 1 {
			t.Errorf("rounds of the office seen by the school: %+v", rl)
		}
		problemOf(t, e.serve(apiReq(t, "GET", "/api/v1/rounds", leader, nil)), http.StatusUnprocessableEntity)

		// Submission (without round_id: the only open round above).
		d, err := e.srv.dossiers.Create(ctx, selScope(t, e, w.p.teacher.ID), selDossierInput(w.schoolA.ID, "Tổ chuyên môn đổi mới", "Hoa"))
		if err != nil {
			t.Fatal(err)
		}
		var sub submissionJSON
		call(leader, "POST", "/api/v1/nominations", nominationBody{DossierID: d.ID}, http.StatusCreated, &sub)
		n := sub.Nomination
		if n.State != selection.Submitted || n.VersionID == 0 || n.RoundID != rd.ID || len(sub.Warnings) != 0 {
			t.Fatalf("submission: %+v", sub)
		}
		npath := "/api/v1/nominations/" + idstr(n.ID)
		problemOf(t, e.serve(apiReq(t, "POST", "/api/v1/nominations", leader, nominationBody{DossierID: d.ID, RoundID: rd.ID, Action: "bogus"})), http.StatusUnprocessableEntity)

		// Candidates, a refused batch, an accepted one.
		var cands list[selection.Candidate]
		call(officer, "GET", rpath+"/candidates", nil, http.StatusOK, &cands)
		if cands.Total != 2 {
			t.Errorf("candidates: %+v", cands)
		}
		res := e.serve(apiReq(t, "POST", rpath+"/assign", officer, assignBody{NominationIDs: []int64{n.ID}, ReviewerIDs: []int64{w.p.reviewer.ID, w.p.teacher.ID}}))
		var bp bulkProblem
		if res.Code != http.StatusUnprocessableEntity || res.Header().Get("Content-Type") != "application/problem+json" {
			t.Fatalf("conflicted assignment: %s: %s", outcome(res), res.Body.String())
		}
		decode(t, res, &bp)
		if len(bp.Items) != 1 || bp.Items[0].OK || !strings.Contains(bp.Items[0].Message, "xung đột lợi ích") || bp.Detail == "" {
			t.Errorf("conflicted assignment: %+v", bp)
		}
		var br bulkResult
		call(officer, "POST", rpath+"/assign", assignBody{NominationIDs: []int64{n.ID}, ReviewerIDs: []int64{w.p.reviewer.ID}}, http.StatusOK, &br)
		if len(br.Items) != 1 || !br.Items[0].OK {
			t.Errorf("assignment: %+v", br)
		}
		var queue list[nominationJSON]
		call(officer, "GET", rpath+"/nominations?state=under_review", nil, http.StatusOK, &queue)
		if queue.Total != 1 || queue.Items[0].ID != n.ID {
			t.Errorf("queue: %+v", queue)
		}
		call(reviewer, "GET", rpath+"/nominations", nil, http.StatusOK, &queue)
		if queue.Total != 1 {
			t.Errorf("the reviewer's queue: %+v", queue)
		}

		// Scores: none visible before one's own, all after.
		var sheets list[selection.ScoreSheet]
		call(reviewer, "GET", npath+"/scores", nil, http.StatusOK, &sheets)
		if sheets.Total != 0 {
			t.Errorf("scores before scoring: %+v", sheets)
		}
		stored, err := e.srv.sel.Round(ctx, access.System(), rd.ID)
		if err != nil {
			t.Fatal(err)
		}
		full := fullScores(stored)
		var sheet selection.ScoreSheet
		call(reviewer, "POST", npath+"/scores", scoreBody{Items: full, Comment: "Xuất sắc"}, http.StatusCreated, &sheet)
		if sheet.Total != 100 {
			t.Errorf("sheet: %+v", sheet)
		}
		call(reviewer, "GET", npath+"/scores", nil, http.StatusOK, &sheets)
		if sheets.Total != 1 {
			t.Errorf("scores after scoring: %+v", sheets)
		}
		problemOf(t, e.serve(apiReq(t, "GET", npath+"/scores", leader, nil)), http.StatusForbidden)

		// The decision: stale, missing version, then recorded.
		call(officer, "GET", npath, nil, http.StatusOK, &n)
		problemOf(t, e.serve(apiReq(t, "POST", npath+"/decision", officer, decisionBody{Version: n.Version + 1, VotesFor: 3})), http.StatusConflict)
		problemOf(t, e.serve(apiReq(t, "POST", npath+"/decision", officer, decisionBody{VotesFor: 3})), http.StatusUnprocessableEntity)
		call(officer, "POST", npath+"/decision", decisionBody{Version: n.Version, VotesFor: 3}, http.StatusOK, &n)
		if n.Decision != "selected" {
			t.Errorf("decision: %+v", n)
		}
		var seen nominationJSON
		call(leader, "GET", npath, nil, http.StatusOK, &seen)
		if seen.Decision != "" || seen.VotesFor != 0 || seen.State != selection.UnderReview {
			t.Errorf("the school saw a pending decision: %+v", seen)
		}
		var ov overviewJSON
		call(officer, "GET", rpath+"/overview", nil, http.StatusOK, &ov)
		if ov.Pending != 1 || ov.ByState["under_review"] != 1 || len(ov.ByUnit) != 1 || ov.Scored != 1 {
			t.Errorf("overview: %+v", ov)
		}
		problemOf(t, e.serve(apiReq(t, "GET", rpath+"/overview", leader, nil)), http.StatusForbidden)
		var rep releaseJSON
		call(officer, "POST", rpath+"/release", nil, http.StatusOK, &rep)
		if len(rep.Released) != 1 || len(rep.Undecided) != 0 {
			t.Errorf("release: %+v", rep)
		}
		call(leader, "GET", npath, nil, http.StatusOK, &seen)
		if seen.State != selection.Selected || seen.Decision != "selected" || seen.VotesFor != 3 {
			t.Errorf("the school after release: %+v", seen)
		}
		problemOf(t, e.serve(apiReq(t, "POST", rpath+"/release", officer, nil)), http.StatusUnprocessableEntity)

		// Forward to the department.
		var top roundJSON
		call(so, "POST", "/api/v1/rounds", roundBody{UnitID: w.so.ID, Name: "Đợt Sở API", SubmitFrom: vnDay(now), SubmitUntil: vnDay(now.AddDate(0, 0, 10)),
			ReviewUntil: vnDay(now.AddDate(0, 0, 20)), Council: toCouncilJSON(selCouncil())}, http.StatusCreated, &top)
		call(officer, "POST", rpath+"/forward", moveBody{NominationIDs: []int64{n.ID}, TargetRoundID: top.ID}, http.StatusOK, &br)
		call(so, "GET", "/api/v1/rounds/"+idstr(top.ID)+"/nominations", nil, http.StatusOK, &queue)
		if queue.Total != 1 || queue.Items[0].ForwardedFromID != n.ID || queue.Items[0].SubmittingUnitID != w.phong.ID || queue.Items[0].VersionID != n.VersionID {
			t.Errorf("department queue: %+v", queue)
		}
		res = e.serve(apiReq(t, "POST", rpath+"/forward", officer, moveBody{NominationIDs: []int64{n.ID}, TargetRoundID: top.ID}))
		if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body.String(), `"items"`) {
			t.Errorf("forwarding twice: %s: %s", outcome(res), res.Body.String())
		}
		// Carry over needs a later round of the same unit.
		problemOf(t, e.serve(apiReq(t, "POST", rpath+"/carry-over", officer, moveBody{NominationIDs: []int64{n.ID}})), http.StatusUnprocessableEntity)

		var hist list[selection.Event]
		call(leader, "GET", npath+"/history", nil, http.StatusOK, &hist)
		var actions []string
		for _, ev := range hist.Items {
			actions = append(actions, string(ev.Action))
		}
		if got := strings.Join(actions, " "); got != "submit start_review score decide release forward" {
			t.Errorf("history = %s", got)
		}
		// Unknown fields are refused; the problem names the cause.
		res = e.serve(apiReq(t, "POST", npath+"/resubmit", leader, map[string]any{"version": 1, "extra": true}))
		problemOf(t, res, http.StatusUnprocessableEntity)
		// Resubmitting a selected nomination is a conflict of states.
		call(leader, "GET", npath, nil, http.StatusOK, &seen)
		problemOf(t, e.serve(apiReq(t, "POST", npath+"/resubmit", leader, versionBody{Version: seen.Version})), http.StatusConflict)
	})
}
