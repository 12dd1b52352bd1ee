package selection_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/exemplar"
	"thidua/internal/files"
	"thidua/internal/jobs"
	"thidua/internal/notify"
	"thidua/internal/selection"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

type world struct {
	db                         *database.DB
	sel                        *selection.Store
	dossiers                   *exemplar.Store
	notes                      *notify.Store
	so, phong, schoolA, school unit.Unit
	users                      map[string]access.Scope
}

// build makes Sở → Phòng → two schools, with the people of the pipeline.
func build(t *testing.T, db *database.DB) *world {
	t.Helper()
	ctx := context.Background()
	sys := access.System()
	us := &unit.Store{DB: db}
	mk := func(in unit.Input) unit.Unit {
		u, err := us.Create(ctx, sys, in)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	w := &world{db: db, users: map[string]access.Scope{}}
	w.so = mk(unit.Input{Kind: unit.Department, Code: "SO", Name: "Sở Giáo dục và Đào tạo", RunsRounds: true})
	w.phong = mk(unit.Input{ParentID: w.so.ID, Kind: unit.Office, Code: "PGD", Name: "Phòng Giáo dục và Đào tạo", RunsRounds: true})
	w.schoolA = mk(unit.Input{ParentID: w.phong.ID, Kind: unit.School, Code: "TH-A", Name: "Trường Tiểu học A", Levels: []string{"TH"}})
	w.school = mk(unit.Input{ParentID: w.phong.ID, Kind: unit.School, Code: "TH-B", Name: "Trường Tiểu học B", Levels: []string{"TH"}})
	as := &account.Store{DB: db}
	person := func(name string, home unit.Unit, role access.Role, at unit.Unit) {
		u, err := as.Create(ctx, sys, account.Profile{Username: name, Ten: name, Email: name + "@example.edu.vn", UnitID: home.ID}, "mat-khau-dai-1", false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := as.Grant(ctx, sys, u.ID, at.ID, role); err != nil {
			t.Fatal(err)
		}
		grants, _ := account.Grants(ctx, db.R, u.ID)
		w.users[name] = access.Scope{UserID: u.ID, Username: name, UnitID: home.ID, Grants: grants}
	}
	person("a.staff", w.schoolA, access.Staff, w.schoolA)
	person("a.leader", w.schoolA, access.Leader, w.schoolA)
	person("b.leader", w.school, access.Leader, w.school)
	person("p.officer", w.phong, access.Officer, w.phong)
	person("p.reviewer", w.phong, access.Officer, w.phong)
	person("b.teacher", w.school, access.Staff, w.school)
	person("a.teacher", w.schoolA, access.Staff, w.schoolA)
	person("so.officer", w.so, access.Officer, w.so)
	person("so.reviewer", w.so, access.Officer, w.so)
	w.dossiers = &exemplar.Store{DB: db, Files: files.New(db, "", 0)}
	w.notes = &notify.Store{DB: db, Jobs: &jobs.Queue{DB: db}}
	w.sel = &selection.Store{DB: db, Units: us, Dossiers: w.dossiers, Notify: w.notes}
	return w
}

func (w *world) dossier(t *testing.T, sc access.Scope, ten string) exemplar.Dossier {
	t.Helper()
	d, err := w.dossiers.Create(context.Background(), sc, exemplar.Input{UnitID: w.schoolA.ID, SubjectKind: exemplar.Individual,
		Person:   exemplar.Person{Ho: "Nguyễn", Dem: "Thị", Ten: ten, Gender: exemplar.Female, BirthYear: 1985, Position: "Giáo viên"},
		Category: exemplar.Outstanding, Title: "Giáo viên tiêu biểu " + ten, Summary: "Nhiều năm liền đạt giáo viên dạy giỏi cấp thành phố.",
		Criteria: []exemplar.CriterionEntry{{Key: "achievement", Checked: true, Evidence: "Giấy khen số 12/QĐ-PGDĐT"}}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (w *world) round(t *testing.T, sc access.Scope, u unit.Unit, name string, quota int, from time.Time) selection.Round {
	t.Helper()
	members := []selection.Member{{Name: "Chủ tịch"}, {Name: "Phó Chủ tịch"}, {Name: "Ủy viên 1"}, {Name: "Ủy viên 2"}, {Name: "Thư ký"}}
	r, err := w.sel.OpenRound(context.Background(), sc, selection.RoundInput{UnitID: u.ID, Name: name, SubmitFrom: from,
		SubmitUntil: from.Add(10 * 24 * time.Hour), ReviewUntil: from.Add(20 * 24 * time.Hour), Quota: quota,
		Council: selection.Council{Members: members}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// must returns v, or stops the test (through fatal's recover) on err.
func must[T any](v T, err error) T {
	if err != nil {
		panic(failure{err})
	}
	return v
}

type failure struct{ err error }

// fatal turns a must failure into a test failure with the error.
func fatal(t *testing.T) {
	if r := recover(); r != nil {
		f, ok := r.(failure)
		if !ok {
			panic(r)
		}
		t.Fatalf("unexpected error: %v", f.err)
	}
}

func TestPipeline(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		defer fatal(t)
		ctx := context.Background()
		w := build(t, db)
		u := w.users
		now := time.Now().UTC()

		// The office opens Quý III; the default rubric is the preset in force.
		q3 := w.round(t, u["p.officer"], w.phong, "Quý III/2026", 1, now.Add(-24*time.Hour))
		if len(q3.Rubric) == 0 || q3.Council.Threshold != 80 || q3.Council.Quorum != 3 {
			t.Fatalf("round defaults: rubric %d items, threshold %d, quorum %d", len(q3.Rubric), q3.Council.Threshold, q3.Council.Quorum)
		}
		if _, err := w.sel.OpenRound(ctx, u["a.leader"], selection.RoundInput{UnitID: w.schoolA.ID, Name: "X", SubmitFrom: now,
			SubmitUntil: now.Add(time.Hour), ReviewUntil: now.Add(time.Hour), Council: selection.Council{Members: []selection.Member{{Name: "A"}}}}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("school leader opening a round: %v", err)
		}

		d := w.dossier(t, u["a.staff"], "Lan")
		// Staff may not submit; another school's leader cannot even see the dossier.
		if _, err := w.sel.Submit(ctx, u["a.staff"], d.ID, q3.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("staff submitting: %v, want forbidden", err)
		}
		if _, err := w.sel.Submit(ctx, u["b.leader"], d.ID, q3.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("another school's leader submitting: %v, want not found", err)
		}
		sub := must(w.sel.Submit(ctx, u["a.leader"], d.ID, q3.ID))
		n := sub.Nomination
		if n.State != selection.Submitted || n.VersionID == 0 || len(sub.Warnings) != 0 {
			t.Fatalf("after submit: %+v warnings %v", n, sub.Warnings)
		}
		if _, err := w.sel.Submit(ctx, u["a.leader"], d.ID, q3.ID); !errs.Is(err, errs.Conflict) {
			t.Errorf("submitting twice: %v, want conflict", err)
		}
		v1 := n.VersionID

		// Assigning a conflicted reviewer (a teacher of school A) is refused
		// for the whole batch: nothing changes.
		items, err := w.sel.AssignReviewers(ctx, u["p.officer"], []int64{n.ID}, []int64{u["p.reviewer"].UserID, u["a.teacher"].UserID})
		if err != selection.ErrBulk || len(items) != 1 || items[0].OK || !strings.Contains(items[0].Message, "xung đột lợi ích") {
			t.Fatalf("conflicted assignment: %v %+v", err, items)
		}
		if got := must(w.sel.Nomination(ctx, u["p.officer"], n.ID)); got.State != selection.Submitted {
			t.Fatalf("state after refused bulk = %s", got.State)
		}
		if notes, _, _ := w.notes.List(ctx, u["p.reviewer"], false, 10, 0); len(notes) != 0 {
			t.Errorf("the refused assignment told the reviewer: %+v", notes)
		}
		must(w.sel.AssignReviewers(ctx, u["p.officer"], []int64{n.ID}, []int64{u["p.reviewer"].UserID, u["b.teacher"].UserID}))
		// Each reviewer is told once, with the round and the deadline;
		// assigning again tells nobody again.
		must(w.sel.AssignReviewers(ctx, u["p.officer"], []int64{n.ID}, []int64{u["p.reviewer"].UserID}))
		for _, who := range []string{"p.reviewer", "b.teacher"} {
			notes, _, err := w.notes.List(ctx, u[who], false, 10, 0)
			if err != nil || len(notes) != 1 || notes[0].Title != "Được phân công chấm: "+n.Title || notes[0].URL != "/nominations/"+strconv.FormatInt(n.ID, 10) ||
				!strings.Contains(notes[0].Body, "đợt “"+q3.Name+"”") || !strings.Contains(notes[0].Body, "Hạn chấm: "+viet.DateTime(q3.ReviewUntil)) {
				t.Errorf("%s's notes after the assignment: %+v (%v)", who, notes, err)
			}
		}

		// Scores: a reviewer sees nothing of the others before scoring.
		full := map[string]int{}
		for _, it := range q3.Rubric {
			full[it.Key] = it.Max
		}
		must(w.sel.SubmitScore(ctx, u["p.reviewer"], n.ID, full, "Rất tốt"))
		if got, _ := w.sel.Scores(ctx, u["b.teacher"], n.ID, 0); len(got) != 0 {
			t.Errorf("reviewer saw %d score sheets before scoring", len(got))
		}
		if _, err := w.sel.SubmitScore(ctx, u["so.officer"], n.ID, full, ""); !errs.Is(err, errs.Forbidden) {
			t.Errorf("unassigned scoring: %v", err)
		}
		if _, err := w.sel.SubmitScore(ctx, u["p.reviewer"], n.ID, full, ""); !errs.Is(err, errs.Conflict) {
			t.Errorf("scoring twice: %v", err)
		}
		bad := map[string]int{q3.Rubric[0].Key: 99}
		if _, err := w.sel.SubmitScore(ctx, u["b.teacher"], n.ID, bad, ""); !errs.Is(err, errs.Invalid) {
			t.Errorf("out-of-scale score: %v", err)
		}
		must(w.sel.SubmitScore(ctx, u["b.teacher"], n.ID, full, ""))
		if got := must(w.sel.Scores(ctx, u["b.teacher"], n.ID, 0)); len(got) != 2 || got[0].Total != 100 {
			t.Errorf("after scoring: %+v", got)
		}
		if _, err := w.sel.Scores(ctx, u["a.leader"], n.ID, 0); !errs.Is(err, errs.Forbidden) {
			t.Errorf("submitter reading scores: %v", err)
		}

		// The council returns it; the school does not see that until release.
		n = must(w.sel.Nomination(ctx, u["p.officer"], n.ID))
		deadline := now.Add(7 * 24 * time.Hour)
		if _, err := w.sel.Decide(ctx, u["p.officer"], n.ID, n.Version+1, selection.DecisionInput{Return: true, Note: "Bổ sung minh chứng", ReturnDeadline: &deadline}); !errs.Is(err, errs.Conflict) {
			t.Errorf("stale decision: %v, want conflict", err)
		}
		if _, err := w.sel.Decide(ctx, u["p.officer"], n.ID, n.Version, selection.DecisionInput{Return: true}); errs.FieldsOf(err)["note"] == "" || errs.FieldsOf(err)["return_deadline"] == "" {
			t.Errorf("return without reasons: %v", err)
		}
		n = must(w.sel.Decide(ctx, u["p.officer"], n.ID, n.Version, selection.DecisionInput{Return: true, Note: "Bổ sung minh chứng", ReturnDeadline: &deadline}))
		if seen := must(w.sel.Nomination(ctx, u["a.leader"], n.ID)); seen.Decision != "" || seen.DecisionNote != "" {
			t.Errorf("the school saw a pending decision: %q %q", seen.Decision, seen.DecisionNote)
		}
		rep := must(w.sel.Release(ctx, u["p.officer"], q3.ID))
		if len(rep.Released) != 1 {
			t.Fatalf("release: %+v", rep)
		}
		n = must(w.sel.Nomination(ctx, u["a.leader"], n.ID))
		if n.State != selection.Returned || n.DecisionNote != "Bổ sung minh chứng" {
			t.Fatalf("after release the school sees %s %q", n.State, n.DecisionNote)
		}
		// The school's leader is told, in the app and in the next digest;
		// nobody is mailed per event.
		if notes, _, err := w.notes.List(ctx, u["a.leader"], true, 10, 0); err != nil || len(notes) != 1 ||
			!strings.Contains(notes[0].Title, "Trả lại để bổ sung") || !strings.Contains(notes[0].Body, "Bổ sung minh chứng") ||
			notes[0].URL != "/nominations/"+strconv.FormatInt(n.ID, 10) {
			t.Errorf("the school leader's notifications after release: %+v (%v)", notes, err)
		}
		if notes, _, _ := w.notes.List(ctx, u["a.staff"], false, 10, 0); len(notes) != 0 {
			t.Errorf("the school's staff were told: %+v", notes)
		}
		var mails, waiting int
		db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM jobs WHERE kind = 'mail'").Scan(&mails)
		db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM notifications WHERE mail AND mailed_at IS NULL").Scan(&waiting)
		if mails != 0 || waiting != 3 {
			t.Errorf("on release: %d mails queued, %d notes waiting for the digest; want 0 and 3 (the two reviewers' assignments, the school leader)", mails, waiting)
		}

		// The school revises and resubmits: a new version; old scores stay.
		cur := must(w.dossiers.Get(ctx, u["a.staff"], d.ID))
		in := cur.Input()
		in.Summary += " Bổ sung: đạt giải nhất hội thi giáo viên giỏi."
		must(w.dossiers.Update(ctx, u["a.staff"], d.ID, cur.Version, in))
		if _, err := w.sel.Resubmit(ctx, u["a.staff"], n.ID, n.Version); !errs.Is(err, errs.Forbidden) {
			t.Errorf("staff resubmitting: %v", err)
		}
		n = must(w.sel.Resubmit(ctx, u["a.leader"], n.ID, n.Version))
		if n.State != selection.Submitted || n.VersionID == v1 || n.Decision != "" {
			t.Fatalf("after resubmit: %s version %d decision %q", n.State, n.VersionID, n.Decision)
		}
		old := must(w.dossiers.Version(ctx, u["p.officer"], v1))
		cur2 := must(w.dossiers.Version(ctx, u["p.officer"], n.VersionID))
		if changes := exemplar.Diff(old.Dossier, cur2.Dossier); len(changes) != 1 || changes[0].Field != "summary" {
			t.Errorf("diff v1→v2 = %+v, want the summary only", changes)
		}
		if got := must(w.sel.Scores(ctx, u["p.officer"], n.ID, v1)); len(got) != 2 {
			t.Errorf("scores of version 1 after revision: %d, want 2", len(got))
		}

		// Second pass: selected by the council (5 of 5) and released.
		must(w.sel.AssignReviewers(ctx, u["p.officer"], []int64{n.ID}, []int64{u["p.reviewer"].UserID}))
		must(w.sel.SubmitScore(ctx, u["p.reviewer"], n.ID, full, "Đã bổ sung đầy đủ"))
		n = must(w.sel.Nomination(ctx, u["p.officer"], n.ID))
		if _, err := w.sel.Decide(ctx, u["p.officer"], n.ID, n.Version, selection.DecisionInput{VotesFor: 2}); errs.FieldsOf(err)["votes"] == "" {
			t.Errorf("decision without quorum: %v", err)
		}
		n = must(w.sel.Decide(ctx, u["p.officer"], n.ID, n.Version, selection.DecisionInput{VotesFor: 4, AbsentFor: 1}))
		if n.Decision != selection.DecideSelect {
			t.Fatalf("4 present + 1 written of 5 at 80%%: %s", n.Decision)
		}
		must(w.sel.Release(ctx, u["p.officer"], q3.ID))
		if n = must(w.sel.Nomination(ctx, u["a.leader"], n.ID)); n.State != selection.Selected {
			t.Fatalf("after second release: %s", n.State)
		}

		// Forwarded to the department's open round, carrying version 2.
		if _, err := w.sel.Forward(ctx, u["p.officer"], []int64{n.ID}, 0); err == nil {
			t.Fatal("forwarding without an open round above succeeded")
		}
		soRound := w.round(t, u["so.officer"], w.so, "Đợt xét chọn Quý III/2026 toàn ngành", 5, now.Add(-24*time.Hour))
		if _, err := w.sel.Forward(ctx, u["a.leader"], []int64{n.ID}, 0); err != selection.ErrBulk {
			t.Errorf("the school forwarding its own nomination: %v", err)
		}
		items = must(w.sel.Forward(ctx, u["p.officer"], []int64{n.ID}, 0))
		if !items[0].OK {
			t.Fatalf("forward: %+v", items)
		}
		if _, err := w.sel.Forward(ctx, u["p.officer"], []int64{n.ID}, soRound.ID); err != selection.ErrBulk {
			t.Errorf("forwarding twice: %v", err)
		}
		queue, total := must2[selection.Nomination](t)(w.sel.Queue(ctx, u["so.officer"], soRound.ID, selection.QueueFilter{}))
		if total != 1 || queue[0].SubmittingUnitID != w.phong.ID || queue[0].VersionID != n.VersionID || queue[0].ForwardedFromID != n.ID {
			t.Fatalf("department queue: %+v", queue)
		}
		up := queue[0]
		if strings.Contains(strings.Join(up.Warnings, " "), "trùng thời gian") {
			t.Errorf("the forwarded nomination warns about the one it came from: %q", up.Warnings)
		}
		// At the department, a reviewer from the forwarding office is conflicted.
		if _, err := w.sel.AssignReviewers(ctx, u["so.officer"], []int64{up.ID}, []int64{u["p.reviewer"].UserID}); err != selection.ErrBulk {
			t.Errorf("office reviewer judging its own office's nomination at the department: %v", err)
		}
		must(w.sel.AssignReviewers(ctx, u["so.officer"], []int64{up.ID}, []int64{u["so.reviewer"].UserID}))
		must(w.sel.SubmitScore(ctx, u["so.reviewer"], up.ID, full, ""))
		up = must(w.sel.Nomination(ctx, u["so.officer"], up.ID))
		must(w.sel.Decide(ctx, u["so.officer"], up.ID, up.Version, selection.DecisionInput{VotesFor: 5}))
		must(w.sel.Release(ctx, u["so.officer"], soRound.ID))
		if up = must(w.sel.Nomination(ctx, u["a.leader"], up.ID)); up.State != selection.Selected {
			t.Fatalf("at the department: %s", up.State)
		}

		// History and audit.
		hist := must(w.sel.History(ctx, u["a.leader"], n.ID))
		var actions []string
		for _, e := range hist {
			actions = append(actions, string(e.Action))
		}
		want := "submit start_review score score decide release resubmit start_review score decide release forward"
		if strings.Join(actions, " ") != want {
			t.Errorf("history = %v\nwant      %s", actions, want)
		}
		if _, broken, err := audit.Verify(ctx, db); broken != nil || err != nil {
			t.Errorf("audit chain: %v %v", broken, err)
		}

		// Warnings: quota (1 per unit) and the same person in an overlapping round.
		d2 := w.dossier(t, u["a.staff"], "Lan") // same person: reused
		sub2 := must(w.sel.Submit(ctx, u["a.leader"], d2.ID, q3.ID))
		joined := strings.Join(sub2.Warnings, " | ")
		if !strings.Contains(joined, "Vượt chỉ tiêu") || !strings.Contains(joined, "trùng thời gian") {
			t.Errorf("warnings = %q, want quota and overlap", joined)
		}

		// Rejected, released, then carried over to the next quarter with its history.
		n2 := sub2.Nomination
		must(w.sel.AssignReviewers(ctx, u["p.officer"], []int64{n2.ID}, []int64{u["p.reviewer"].UserID}))
		n2 = must(w.sel.Nomination(ctx, u["p.officer"], n2.ID))
		n2 = must(w.sel.Decide(ctx, u["p.officer"], n2.ID, n2.Version, selection.DecisionInput{VotesFor: 3, VotesAgainst: 2}))
		if n2.Decision != selection.DecideReject {
			t.Fatalf("3 of 5 at 80%%: %s", n2.Decision)
		}
		must(w.sel.Release(ctx, u["p.officer"], q3.ID))
		q4 := w.round(t, u["p.officer"], w.phong, "Quý IV/2026", 1, now.Add(-time.Hour))
		items = must(w.sel.CarryOver(ctx, u["p.officer"], []int64{n2.ID}, q4.ID))
		q4n, _ := must2[selection.Nomination](t)(w.sel.Queue(ctx, u["p.officer"], q4.ID, selection.QueueFilter{}))
		if !items[0].OK || len(q4n) != 1 || q4n[0].CarriedFromID != n2.ID || q4n[0].State != selection.Submitted {
			t.Fatalf("carry over: %+v %+v", items, q4n)
		}
		// The achievement profile: both dossiers of the same person, every level.
		if hist := must(w.sel.OfSubject(ctx, u["a.leader"], d.SubjectKey())); len(hist) != 4 {
			t.Errorf("subject's nominations seen by the school = %d, want 4 (office twice, department, quarter IV)", len(hist))
		}
		if hist := must(w.sel.OfSubject(ctx, u["b.leader"], d.SubjectKey())); len(hist) != 0 {
			t.Errorf("another school sees %d nominations of this person", len(hist))
		}
		if of := must(w.sel.OfDossier(ctx, u["a.staff"], d.ID)); len(of) != 2 {
			t.Errorf("first dossier's nominations = %d, want 2 (office and department)", len(of))
		}
		ov := must(w.sel.RoundOverview(ctx, u["p.officer"], q3.ID))
		if ov.ByState[selection.Selected] != 1 || ov.ByState[selection.Rejected] != 1 || len(ov.ByUnit) != 1 || !ov.ByUnit[0].Over {
			t.Errorf("overview: %+v", ov)
		}
		if _, err := w.sel.RoundOverview(ctx, u["a.leader"], q3.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("school reading the round overview: %v", err)
		}
	})
}

func must2[T any](t *testing.T) func([]T, int, error) ([]T, int) {
	return func(v []T, n int, err error) ([]T, int) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v, n
	}
}
