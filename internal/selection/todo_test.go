package selection_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/selection"
)

func TestTodosCandidatesAndReview(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		defer fatal(t)
		ctx := context.Background()
		w := build(t, db)
		u := w.users
		now := time.Now().UTC()
		q3 := w.round(t, u["p.officer"], w.phong, "Quý III/2026", 0, now.Add(-24*time.Hour))

		// A draft proposed by staff waits for the school's leader, not for staff.
		d := w.dossier(t, u["a.staff"], "Mai")
		draft := must(w.sel.Propose(ctx, u["a.staff"], d.ID, q3.ID))
		if td := must(w.sel.Todos(ctx, u["a.leader"], 10)); len(td.Drafts) != 1 || td.Drafts[0].ID != draft.ID {
			t.Errorf("leader's drafts = %+v, want the proposed one", td.Drafts)
		}
		if td := must(w.sel.Todos(ctx, u["a.staff"], 10)); len(td.Drafts) != 0 {
			t.Errorf("staff asked to submit %d drafts", len(td.Drafts))
		}
		if td := must(w.sel.Todos(ctx, u["b.leader"], 10)); len(td.Drafts) != 0 {
			t.Errorf("another school's leader asked to submit %d drafts", len(td.Drafts))
		}
		// The school sees its draft in the round; the other school does not.
		if in := must(w.sel.InRound(ctx, u["a.leader"], q3.ID, 0)); len(in) != 1 || in[0].State != selection.Draft {
			t.Errorf("school A in the round: %+v", in)
		}
		if in := must(w.sel.InRound(ctx, u["b.leader"], q3.ID, 0)); len(in) != 0 {
			t.Errorf("school B sees %d nominations of school A", len(in))
		}

		n := must(w.sel.Submit(ctx, u["a.leader"], d.ID, q3.ID)).Nomination
		if td := must(w.sel.Todos(ctx, u["p.officer"], 10)); len(td.Pending) != 1 || td.Pending[0].Unassigned != 1 || td.Pending[0].Pending != 0 {
			t.Errorf("officer's rounds waiting for reviewers = %+v", td.Pending)
		}

		// Candidates: the office's people, never the school's; officers only ask.
		cands := must(w.sel.ReviewerCandidates(ctx, u["p.officer"], q3.ID))
		names := map[string]bool{}
		for _, c := range cands {
			names[c.Username] = true
		}
		if !names["p.officer"] || !names["p.reviewer"] || names["a.staff"] || names["so.officer"] {
			t.Errorf("candidates = %v", names)
		}
		if _, err := w.sel.ReviewerCandidates(ctx, u["a.leader"], q3.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("school leader listing candidates: %v, want forbidden", err)
		}
		if _, err := w.sel.ReviewerCandidates(ctx, u["b.teacher"], q3.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("teacher listing candidates: %v, want forbidden", err)
		}

		must(w.sel.AssignReviewers(ctx, u["p.officer"], []int64{n.ID}, []int64{u["p.reviewer"].UserID}))
		st := must(w.sel.Review(ctx, u["p.reviewer"], n.ID))
		if !st.Assigned || !st.ReviewSide || st.ScoredCurrent || st.LastScored != 0 {
			t.Errorf("reviewer before scoring: %+v", st)
		}
		full := map[string]int{}
		for _, it := range q3.Rubric {
			full[it.Key] = it.Max
		}
		must(w.sel.SubmitScore(ctx, u["p.reviewer"], n.ID, full, ""))
		n = must(w.sel.Nomination(ctx, u["p.officer"], n.ID))
		st = must(w.sel.Review(ctx, u["p.reviewer"], n.ID))
		if !st.ScoredCurrent || st.LastScored != n.VersionID {
			t.Errorf("reviewer after scoring: %+v (version %d)", st, n.VersionID)
		}
		if st := must(w.sel.Review(ctx, u["p.officer"], n.ID)); st.Assigned || !st.ReviewSide || len(st.Reviewers) != 1 || !st.Reviewers[0].Scored {
			t.Errorf("officer's view of the reviewers: %+v", st)
		}
		if st := must(w.sel.Review(ctx, u["a.leader"], n.ID)); st.ReviewSide || st.Reviewers != nil {
			t.Errorf("the school sees the reviewers: %+v", st)
		}
		if _, err := w.sel.Review(ctx, u["b.leader"], n.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("another school reading the review: %v", err)
		}

		// A pending decision waits for the officer's release; the school
		// does not see it, in the round or on its to-dos.
		deadline := now.Add(5 * 24 * time.Hour)
		n = must(w.sel.Decide(ctx, u["p.officer"], n.ID, n.Version, selection.DecisionInput{Return: true, Note: "Bổ sung minh chứng", ReturnDeadline: &deadline}))
		td := must(w.sel.Todos(ctx, u["p.officer"], 10))
		if len(td.Pending) != 1 || td.Pending[0].Round.ID != q3.ID || td.Pending[0].Pending != 1 || td.Pending[0].Unassigned != 0 {
			t.Errorf("officer's pending rounds = %+v", td.Pending)
		}
		if td := must(w.sel.Todos(ctx, u["so.officer"], 10)); len(td.Pending) != 0 {
			t.Errorf("the department's officer has %d pending rounds of the office", len(td.Pending))
		}
		if in := must(w.sel.InRound(ctx, u["a.leader"], q3.ID, 0)); len(in) != 1 || in[0].Decision != "" || in[0].DecisionNote != "" {
			t.Errorf("the school sees the pending decision: %+v", in)
		}
		if td := must(w.sel.Todos(ctx, u["a.leader"], 10)); len(td.Returned) != 0 {
			t.Errorf("returned before release: %d", len(td.Returned))
		}
		must(w.sel.Release(ctx, u["p.officer"], q3.ID))
		for _, who := range []string{"a.leader", "a.staff"} {
			td := must(w.sel.Todos(ctx, u[who], 10))
			if len(td.Returned) != 1 || td.Returned[0].ReturnDeadline == nil || td.Returned[0].DecisionNote != "Bổ sung minh chứng" {
				t.Errorf("%s: returned = %+v", who, td.Returned)
			}
		}
		for _, who := range []string{"b.leader", "p.officer"} {
			if td := must(w.sel.Todos(ctx, u[who], 10)); len(td.Returned) != 0 || len(td.Pending) != 0 {
				t.Errorf("%s: to-dos after release = %+v", who, td)
			}
		}

		// Resubmitted and selected: the office's officer is asked to forward
		// it while it is not; once forwarded, no more.
		n = must(w.sel.Nomination(ctx, u["a.leader"], n.ID))
		n = must(w.sel.Resubmit(ctx, u["a.leader"], n.ID, n.Version))
		must(w.sel.AssignReviewers(ctx, u["p.officer"], []int64{n.ID}, []int64{u["p.reviewer"].UserID}))
		n = must(w.sel.Nomination(ctx, u["p.officer"], n.ID))
		must(w.sel.Decide(ctx, u["p.officer"], n.ID, n.Version, selection.DecisionInput{VotesFor: 5}))
		must(w.sel.Release(ctx, u["p.officer"], q3.ID))
		td = must(w.sel.Todos(ctx, u["p.officer"], 10))
		if len(td.Pending) != 1 || td.Pending[0].Selected != 1 || td.Pending[0].Pending+td.Pending[0].Unassigned != 0 {
			t.Errorf("officer's rounds with selections to forward = %+v", td.Pending)
		}
		w.round(t, u["so.officer"], w.so, "Quý III/2026 – toàn ngành", 0, now.Add(-time.Hour))
		must(w.sel.Forward(ctx, u["p.officer"], []int64{n.ID}, 0))
		td = must(w.sel.Todos(ctx, u["p.officer"], 10))
		if len(td.Pending) != 0 {
			t.Errorf("officer's pending rounds after forwarding = %+v", td.Pending)
		}
		// An old round's selections are history, not a to-do.
		w.sel.Now = func() time.Time { return now.Add(selection.ForwardWithin + 30*24*time.Hour) }
		if _, err := db.W.ExecContext(ctx, "UPDATE nominations SET forwarded_to_id = NULL WHERE id = $1", n.ID); err != nil {
			t.Fatal(err)
		}
		if td := must(w.sel.Todos(ctx, u["p.officer"], 10)); len(td.Pending) != 0 {
			t.Errorf("a selection of a round reviewed months ago is a to-do: %+v", td.Pending)
		}
	})
}

func TestVisibleHistory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		defer fatal(t)
		ctx := context.Background()
		w := build(t, db)
		u := w.users
		q3 := w.round(t, u["p.officer"], w.phong, "Quý III/2026", 0, time.Now().Add(-24*time.Hour))
		d := w.dossier(t, u["a.staff"], "Đào")
		n := must(w.sel.Submit(ctx, u["a.leader"], d.ID, q3.ID)).Nomination
		must(w.sel.AssignReviewers(ctx, u["p.officer"], []int64{n.ID}, []int64{u["p.reviewer"].UserID, u["b.teacher"].UserID}))
		full := map[string]int{}
		for _, it := range q3.Rubric {
			full[it.Key] = it.Max
		}
		must(w.sel.SubmitScore(ctx, u["p.reviewer"], n.ID, full, ""))
		n = must(w.sel.Nomination(ctx, u["p.officer"], n.ID))
		must(w.sel.Decide(ctx, u["p.officer"], n.ID, n.Version, selection.DecisionInput{VotesFor: 5}))

		notes := func(who string) (actions, notes []string) {
			for _, e := range must(w.sel.VisibleHistory(ctx, u[who], n.ID)) {
				actions = append(actions, string(e.Action))
				if e.Note != "" {
					notes = append(notes, string(e.Action))
				}
			}
			return
		}
		if a, nt := notes("p.officer"); len(a) != 4 || len(nt) != 4 {
			t.Errorf("officer: %v %v", a, nt)
		}
		// The school: no pending decision, no score totals.
		if a, nt := notes("a.leader"); strings.Join(a, " ") != "submit start_review score" || strings.Join(nt, " ") != "submit start_review" {
			t.Errorf("school before release: %v, notes on %v", a, nt)
		}
		// A reviewer who has not scored: not the other's total.
		if _, nt := notes("b.teacher"); strings.Contains(strings.Join(nt, " "), "score") {
			t.Errorf("an unscored reviewer sees score notes: %v", nt)
		}
		must(w.sel.Release(ctx, u["p.officer"], q3.ID))
		if a, _ := notes("a.leader"); strings.Join(a, " ") != "submit start_review score decide release" {
			t.Errorf("school after release: %v", a)
		}
	})
}
