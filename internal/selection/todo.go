package selection

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/viet"
)

// Todos is what waits for the caller in the pipeline, for the home page's
// "việc cần làm". "The caller's units" are the units where they hold a role
// directly (not every unit of their subtrees: a department's officer is not
// asked to revise every school's dossier).
type Todos struct {
	Returned []Nomination   // returned for revision, submitted by the caller's units
	Drafts   []Nomination   // proposed by staff, waiting for the caller's submission as leader
	Pending  []PendingRound // rounds the caller runs as officer with submissions waiting for reviewers, decisions for release, selections to forward
}

// PendingRound is a round with work waiting for its officer.
type PendingRound struct {
	Round      Round
	Pending    int // decisions recorded, not yet released
	Unassigned int // submitted, no reviewer assigned yet
	Selected   int // selected, not forwarded up (rounds reviewed in the last ForwardWithin only)
}

// ForwardWithin is how long after a round's review deadline its selected
// nominations still count as waiting to be forwarded: about a quarter and a
// half, the time for the next level's round to open and close.
const ForwardWithin = 135 * 24 * time.Hour

// pendingRounds counts, per round held by units, the submissions without
// reviewers, the decisions waiting for release and the recent selections
// not forwarded yet; rounds are picked first so that the nominations are
// read through their (round_id, state) index.
func (s *Store) pendingRounds(ctx context.Context, units []any, limit int) ([]PendingRound, error) {
	rounds, err := s.roundIDs(ctx, "unit_id IN ("+database.Placeholders(1, len(units))+")", units...)
	if err != nil || len(rounds) == 0 {
		return nil, err
	}
	byRound := map[int64]*PendingRound{}
	get := func(id int64) *PendingRound {
		if byRound[id] == nil {
			byRound[id] = &PendingRound{Round: Round{ID: id}}
		}
		return byRound[id]
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT n.round_id,
		SUM(CASE WHEN n.state = $1 AND n.decision <> '' THEN 1 ELSE 0 END), SUM(CASE WHEN n.state = $2 THEN 1 ELSE 0 END)
		FROM nominations n WHERE n.state IN ($1, $2) AND n.round_id IN (`+database.Placeholders(3, len(rounds))+`)
		GROUP BY n.round_id`, append([]any{string(UnderReview), string(Submitted)}, rounds...)...)
	if err != nil {
		return nil, errs.Wrap(err, "selection: pending rounds")
	}
	for rows.Next() {
		var id int64
		var pending, unassigned int
		if err := rows.Scan(&id, &pending, &unassigned); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "selection: scan pending")
		}
		if pending+unassigned > 0 {
			c := get(id)
			c.Pending, c.Unassigned = pending, unassigned
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "selection: pending rounds")
	}
	recent, err := s.roundIDs(ctx, "review_until >= $1 AND unit_id IN ("+database.Placeholders(2, len(units))+")",
		append([]any{s.now().Add(-ForwardWithin)}, units...)...)
	if err != nil {
		return nil, err
	}
	if len(recent) > 0 {
		rows, err := s.DB.R.QueryContext(ctx, `SELECT n.round_id, COUNT(*) FROM nominations n
			WHERE n.state = $1 AND n.forwarded_to_id IS NULL AND n.round_id IN (`+database.Placeholders(2, len(recent))+`) GROUP BY n.round_id`,
			append([]any{string(Selected)}, recent...)...)
		if err != nil {
			return nil, errs.Wrap(err, "selection: selected to forward")
		}
		for rows.Next() {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return nil, errs.Wrap(err, "selection: scan selected")
			}
			get(id).Selected = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, errs.Wrap(err, "selection: selected to forward")
		}
	}
	ids := make([]int64, 0, len(byRound))
	for id := range byRound {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b int64) int { return int(b - a) }) // the newest rounds first, when there are more than limit
	var out []PendingRound
	for _, id := range ids {
		if len(out) >= limit {
			break
		}
		c := *byRound[id]
		if c.Round, err = s.round(ctx, s.DB.R, id); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Round.ReviewUntil.Before(out[j].Round.ReviewUntil) })
	return out, nil
}

// grantUnits returns the units where the caller holds one of roles directly.
func grantUnits(sc access.Scope, roles ...access.Role) []any {
	var out []any
	for _, g := range sc.Grants {
		if g.UnitID != 0 && slices.Contains(roles, g.Role) && !slices.Contains(out, any(g.UnitID)) {
			out = append(out, g.UnitID)
		}
	}
	return out
}

// Todos lists the caller's to-dos, at most limit of each kind.
func (s *Store) Todos(ctx context.Context, sc access.Scope, limit int) (Todos, error) {
	var t Todos
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	var err error
	if units := grantUnits(sc, access.Leader, access.Officer, access.Staff); len(units) > 0 {
		args := append([]any{string(Returned)}, units...)
		args = append(args, limit)
		t.Returned, err = s.collect(ctx, "SELECT "+nominationColumns+nominationFrom+" WHERE n.state = $1 AND n.submitting_unit_id IN ("+
			database.Placeholders(2, len(units))+") ORDER BY n.return_deadline, n.id LIMIT $"+itoa(len(args)), args...)
		if err != nil {
			return t, err
		}
	}
	if units := grantUnits(sc, access.Leader); len(units) > 0 {
		args := append([]any{string(Draft)}, units...)
		args = append(args, limit)
		t.Drafts, err = s.collect(ctx, "SELECT "+nominationColumns+nominationFrom+" WHERE n.state = $1 AND n.submitting_unit_id IN ("+
			database.Placeholders(2, len(units))+") ORDER BY r.submit_until, n.id LIMIT $"+itoa(len(args)), args...)
		if err != nil {
			return t, err
		}
	}
	if units := grantUnits(sc, access.Officer); len(units) > 0 {
		if t.Pending, err = s.pendingRounds(ctx, units, limit); err != nil {
			return t, err
		}
	}
	return t, nil
}

func itoa(n int) string { return strconv.Itoa(n) }

// collect runs a nomination query.
func (s *Store) collect(ctx context.Context, query string, args ...any) ([]Nomination, error) {
	rows, err := s.DB.R.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, errs.Wrap(err, "selection: list")
	}
	defer rows.Close()
	var out []Nomination
	for rows.Next() {
		n, err := scanNomination(rows)
		if err != nil {
			return nil, errs.Wrap(err, "selection: scan")
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// InRound lists the nominations of round roundID that come from the
// caller's units (the dossier's or the submitting unit lies in one of the
// caller's subtrees), drafts included, oldest first: what a submitting
// unit sees of a round it sends dossiers to. Pending decisions stay hidden
// from everyone but the reviewing side.
func (s *Store) InRound(ctx context.Context, sc access.Scope, roundID int64, limit int) ([]Nomination, error) {
	if _, err := s.Round(ctx, sc, roundID); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	cond1, args1 := sc.Filter("su.path", 2)
	cond2, args2 := sc.Filter("du.path", 2+len(args1))
	args := append([]any{roundID}, args1...)
	args = append(args, args2...)
	args = append(args, limit)
	all, err := s.collect(ctx, "SELECT "+nominationColumns+nominationFrom+" WHERE n.round_id = $1 AND ("+cond1+" OR "+cond2+
		") ORDER BY n.submitted_at, n.id LIMIT $"+itoa(len(args)), args...)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].State != UnderReview {
			continue
		}
		if review, err := s.reviewSide(ctx, s.DB.R, sc, all[i]); err != nil {
			return nil, err
		} else if !review {
			hidePending(&all[i])
		}
	}
	return all, nil
}

// Candidate is someone the officer may assign to score a round's nominations.
type Candidate struct {
	UserID   int64  `json:"user_id"`
	Username string `json:"username"`
	FullName string `json:"full_name"`
	Position string `json:"position"`
	UnitName string `json:"unit_name"`
	Council  bool   `json:"council"` // a member of the round's council
}

// ReviewerCandidates lists the active accounts working at the round's unit
// or holding a role there, and the council members who have an account:
// the people an officer usually assigns. Conflicts of interest are checked
// per nomination when assigning, not here. Only the round's officers ask.
func (s *Store) ReviewerCandidates(ctx context.Context, sc access.Scope, roundID int64) ([]Candidate, error) {
	r, err := s.Round(ctx, sc, roundID)
	if err != nil {
		return nil, err
	}
	if !Can(sc, StartReview, r.UnitPath, r.UnitPath) {
		return nil, errs.ErrForbidden
	}
	council := map[int64]bool{}
	args := []any{true, r.UnitID}
	for _, m := range r.Council.Members {
		if m.UserID != 0 && !council[m.UserID] {
			council[m.UserID] = true
			args = append(args, m.UserID)
		}
	}
	members := ""
	if len(args) > 2 {
		members = " OR u.id IN (" + database.Placeholders(3, len(args)-2) + ")"
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT u.id, u.username, u.ho, u.dem, u.ten, u.position, un.name FROM users u JOIN units un ON un.id = u.unit_id
		WHERE u.active = $1 AND (u.unit_id = $2 OR EXISTS (SELECT 1 FROM roles ro WHERE ro.user_id = u.id AND ro.unit_id = $2)`+members+`)`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "selection: candidates")
	}
	defer rows.Close()
	type named struct {
		Candidate
		ho, dem, ten string
	}
	var list []named
	for rows.Next() {
		var c named
		if err := rows.Scan(&c.UserID, &c.Username, &c.ho, &c.dem, &c.ten, &c.Position, &c.UnitName); err != nil {
			return nil, errs.Wrap(err, "selection: scan candidate")
		}
		c.FullName = viet.FullName(c.ho, c.dem, c.ten)
		if c.FullName == "" {
			c.FullName = c.Username
		}
		c.Council = council[c.UserID]
		list = append(list, c)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "selection: candidates")
	}
	col := viet.Collator()
	sort.SliceStable(list, func(i, j int) bool {
		return viet.CompareNames(col, list[i].ho, list[i].dem, list[i].ten, list[j].ho, list[j].dem, list[j].ten) < 0
	})
	out := make([]Candidate, len(list))
	for i, c := range list {
		out[i] = c.Candidate
	}
	return out, nil
}

// Reviewer is someone assigned to score a nomination.
type Reviewer struct {
	UserID   int64  `json:"user_id"`
	Username string `json:"username"`
	FullName string `json:"full_name"`
	Scored   bool   `json:"scored"` // has scored the current version
}

// ReviewState is where the caller stands as a reviewer of a nomination.
type ReviewState struct {
	ReviewSide    bool       // a role at the reviewing unit, or an assignment
	Assigned      bool       // the caller is assigned to score it
	ScoredCurrent bool       // the caller has scored the current version
	LastScored    int64      // the version the caller scored last (0: none)
	Reviewers     []Reviewer // everyone assigned; for the reviewing side only
}

// Review returns the caller's standing as a reviewer of nomination id.
func (s *Store) Review(ctx context.Context, sc access.Scope, id int64) (ReviewState, error) {
	var st ReviewState
	n, err := s.Nomination(ctx, sc, id)
	if err != nil {
		return st, err
	}
	if st.Assigned, err = isReviewer(ctx, s.DB.R, id, sc.UserID); err != nil {
		return st, err
	}
	if st.ReviewSide, err = s.reviewSide(ctx, s.DB.R, sc, n); err != nil {
		return st, err
	}
	rows, err := s.DB.R.QueryContext(ctx, "SELECT version_id FROM scores WHERE nomination_id = $1 AND reviewer_id = $2 ORDER BY id", id, sc.UserID)
	if err != nil {
		return st, errs.Wrap(err, "selection: own scores")
	}
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return st, errs.Wrap(err, "selection: scan own score")
		}
		st.LastScored = v
		st.ScoredCurrent = st.ScoredCurrent || v == n.VersionID
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, errs.Wrap(err, "selection: own scores")
	}
	if !st.ReviewSide {
		return st, nil
	}
	rows, err = s.DB.R.QueryContext(ctx, `SELECT u.id, u.username, u.ho, u.dem, u.ten,
		CASE WHEN EXISTS (SELECT 1 FROM scores x WHERE x.nomination_id = nr.nomination_id AND x.reviewer_id = u.id AND x.version_id = $2) THEN 1 ELSE 0 END
		FROM nomination_reviewers nr JOIN users u ON u.id = nr.user_id WHERE nr.nomination_id = $1 ORDER BY nr.assigned_at, u.id`, id, n.VersionID)
	if err != nil {
		return st, errs.Wrap(err, "selection: reviewers")
	}
	defer rows.Close()
	for rows.Next() {
		var r Reviewer
		var ho, dem, ten string
		var scored int
		if err := rows.Scan(&r.UserID, &r.Username, &ho, &dem, &ten, &scored); err != nil {
			return st, errs.Wrap(err, "selection: scan reviewer")
		}
		r.FullName, r.Scored = viet.FullName(ho, dem, ten), scored == 1
		st.Reviewers = append(st.Reviewers, r)
	}
	return st, rows.Err()
}

// VisibleHistory is History as the caller may read it. History itself
// returns every event with its note, and the notes carry what the rules
// keep from some readers: a decision's votes before release, and scores.
// So, for the submitting side (no role at the reviewing unit and no
// assignment), decisions recorded after the latest release are left out
// and score notes are blanked; for an assigned reviewer who is not an
// officer, leader or administrator there, the notes of others' scores on
// a version the caller has not scored yet are blanked.
func (s *Store) VisibleHistory(ctx context.Context, sc access.Scope, id int64) ([]Event, error) {
	events, err := s.History(ctx, sc, id)
	if err != nil {
		return nil, err
	}
	n, err := s.nomination(ctx, s.DB.R, id)
	if err != nil {
		return nil, err
	}
	if sc.Has(n.ReviewUnitPath, access.Officer, access.Leader, access.Admin) {
		return events, nil
	}
	assigned, err := isReviewer(ctx, s.DB.R, id, sc.UserID)
	if err != nil {
		return nil, err
	}
	if assigned {
		scored := map[int64]bool{}
		rows, err := s.DB.R.QueryContext(ctx, "SELECT version_id FROM scores WHERE nomination_id = $1 AND reviewer_id = $2", id, sc.UserID)
		if err != nil {
			return nil, errs.Wrap(err, "selection: own scores")
		}
		for rows.Next() {
			var v int64
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return nil, errs.Wrap(err, "selection: scan own score")
			}
			scored[v] = true
		}
		rows.Close()
		for i := range events {
			if events[i].Action == Score && events[i].Actor != sc.Username && !scored[events[i].VersionID] {
				events[i].Note = ""
			}
		}
		return events, nil
	}
	lastRelease := -1
	for i, e := range events {
		if e.Action == Release {
			lastRelease = i
		}
	}
	out := events[:0]
	for i, e := range events {
		if e.Action == Decide && i > lastRelease {
			continue
		}
		if e.Action == Score {
			e.Note = ""
		}
		out = append(out, e)
	}
	return out, nil
}
