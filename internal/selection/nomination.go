package selection

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/notify"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// Nomination is one dossier's passage through one round.
type Nomination struct {
	ID                 int64      `json:"id"`
	RoundID            int64      `json:"round_id"`
	RoundName          string     `json:"round_name"`
	ReviewUnitID       int64      `json:"review_unit_id"`
	ReviewUnitPath     string     `json:"-"`
	DossierID          int64      `json:"dossier_id"`
	VersionID          int64      `json:"version_id"`
	SubjectKey         string     `json:"-"`
	SubjectName        string     `json:"subject_name"`
	Title              string     `json:"title"`
	Category           string     `json:"category"`
	DossierUnitID      int64      `json:"dossier_unit_id"`
	DossierUnitPath    string     `json:"-"`
	SubmittingUnitID   int64      `json:"submitting_unit_id"`
	SubmittingUnitName string     `json:"submitting_unit_name"`
	SubmittingUnitPath string     `json:"-"`
	State              State      `json:"state"`
	Late               bool       `json:"late"`
	Warnings           []string   `json:"warnings"`
	Decision           Decision   `json:"decision"` // pending until release; hidden from submitters until then
	VotesFor           int        `json:"votes_for"`
	VotesAgainst       int        `json:"votes_against"`
	AbsentFor          int        `json:"absent_for"`
	AbsentAgainst      int        `json:"absent_against"`
	DecisionNote       string     `json:"decision_note"`
	ReturnDeadline     *time.Time `json:"return_deadline"`
	DecidedAt          *time.Time `json:"decided_at"`
	ForwardedFromID    int64      `json:"forwarded_from_id"`
	ForwardedToID      int64      `json:"forwarded_to_id"`
	CarriedFromID      int64      `json:"carried_from_id"`
	SubmittedAt        *time.Time `json:"submitted_at"`
	Version            int        `json:"version"`
	CreatedAt          time.Time  `json:"created_at"`
}

const nominationColumns = `n.id, n.round_id, r.name, r.unit_id, ru.path, n.dossier_id, COALESCE(n.version_id, 0), n.subject_key, n.subject_name,
	n.title, n.category, n.dossier_unit_id, du.path, n.submitting_unit_id, su.name, su.path, n.state, n.late, n.warnings, n.decision,
	n.votes_for, n.votes_against, n.absent_for, n.absent_against, n.decision_note, n.return_deadline, n.decided_at,
	COALESCE(n.forwarded_from_id, 0), COALESCE(n.forwarded_to_id, 0), COALESCE(n.carried_from_id, 0), n.submitted_at, n.version, n.created_at`

const nominationFrom = ` FROM nominations n JOIN rounds r ON r.id = n.round_id JOIN units ru ON ru.id = r.unit_id
	JOIN units du ON du.id = n.dossier_unit_id JOIN units su ON su.id = n.submitting_unit_id`

func scanNomination(s scanner) (Nomination, error) {
	var n Nomination
	var warnings string
	var deadline, decided, submitted sql.NullTime
	err := s.Scan(&n.ID, &n.RoundID, &n.RoundName, &n.ReviewUnitID, &n.ReviewUnitPath, &n.DossierID, &n.VersionID, &n.SubjectKey, &n.SubjectName,
		&n.Title, &n.Category, &n.DossierUnitID, &n.DossierUnitPath, &n.SubmittingUnitID, &n.SubmittingUnitName, &n.SubmittingUnitPath,
		&n.State, &n.Late, &warnings, &n.Decision, &n.VotesFor, &n.VotesAgainst, &n.AbsentFor, &n.AbsentAgainst, &n.DecisionNote,
		&deadline, &decided, &n.ForwardedFromID, &n.ForwardedToID, &n.CarriedFromID, &submitted, &n.Version, &n.CreatedAt)
	if warnings != "" {
		n.Warnings = strings.Split(warnings, "\n")
	}
	n.ReturnDeadline, n.DecidedAt, n.SubmittedAt = timePtr(deadline), timePtr(decided), timePtr(submitted)
	return n, err
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time
	return &v
}

func (s *Store) nomination(ctx context.Context, q database.Querier, id int64) (Nomination, error) {
	n, err := scanNomination(q.QueryRowContext(ctx, "SELECT "+nominationColumns+nominationFrom+" WHERE n.id = $1", id))
	if err == sql.ErrNoRows {
		return n, errs.ErrNotFound
	}
	if err != nil {
		return n, errs.Wrap(err, "selection: nomination")
	}
	return n, nil
}

// isReviewer reports whether user is assigned to score nomination id.
func isReviewer(ctx context.Context, q database.Querier, id, user int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM nomination_reviewers WHERE nomination_id = $1 AND user_id = $2", id, user).Scan(&n)
	if err != nil {
		return false, errs.Wrap(err, "selection: reviewer")
	}
	return n > 0, nil
}

// reviewSide reports whether the caller sits on the reviewing side of n: a
// role at the reviewing unit (or above) other than viewer, or an assignment.
func (s *Store) reviewSide(ctx context.Context, q database.Querier, sc access.Scope, n Nomination) (bool, error) {
	if sc.Has(n.ReviewUnitPath, access.Officer, access.Leader, access.Admin) {
		return true, nil
	}
	return isReviewer(ctx, q, n.ID, sc.UserID)
}

// visible reports whether the caller may read n at all: roles over the
// dossier's unit (which covers the submitting and reviewing units above it)
// or an assignment as reviewer.
func (s *Store) visible(ctx context.Context, q database.Querier, sc access.Scope, n Nomination) (bool, error) {
	if sc.CanRead(n.DossierUnitPath) || sc.CanRead(n.SubmittingUnitPath) {
		return true, nil
	}
	return isReviewer(ctx, q, n.ID, sc.UserID)
}

// Nomination returns a nomination the caller may read. A decision still
// pending is hidden from everyone but the reviewing side.
func (s *Store) Nomination(ctx context.Context, sc access.Scope, id int64) (Nomination, error) {
	n, err := s.nomination(ctx, s.DB.R, id)
	if err != nil {
		return n, err
	}
	ok, err := s.visible(ctx, s.DB.R, sc, n)
	if err != nil || !ok {
		return Nomination{}, errs.ErrNotFound
	}
	review, err := s.reviewSide(ctx, s.DB.R, sc, n)
	if err != nil {
		return Nomination{}, err
	}
	if !review && n.State == UnderReview {
		hidePending(&n)
	}
	return n, nil
}

func hidePending(n *Nomination) {
	n.Decision, n.DecisionNote, n.DecidedAt, n.ReturnDeadline = "", "", nil, nil
	n.VotesFor, n.VotesAgainst, n.AbsentFor, n.AbsentAgainst = 0, 0, 0, 0
}

// event appends a transition to the nomination's history and the audit log.
func event(ctx context.Context, tx *sql.Tx, sc access.Scope, n Nomination, a Action, from, to State, note string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO nomination_events (nomination_id, at, actor_id, actor, action, from_state, to_state, version_id, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, n.ID, database.Now(), nullID(sc.UserID), sc.Username, string(a), string(from), string(to),
		nullID(n.VersionID), note); err != nil {
		return errs.Wrap(err, "selection: event")
	}
	summary := fmt.Sprintf("%s: %s — %s (%s)", a.Label(), n.Title, n.SubjectName, n.RoundName)
	if note != "" {
		summary += ": " + note
	}
	return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: n.ReviewUnitID, UnitPath: n.ReviewUnitPath, Action: string(a),
		ObjectType: "nomination", ObjectID: n.ID, Summary: summary,
		Before: map[string]any{"state": from}, After: map[string]any{"state": to, "version_id": n.VersionID, "decision": n.Decision}})
}

// Event is one entry of a nomination's history.
type Event struct {
	At        time.Time `json:"at"`
	Actor     string    `json:"actor"`
	Action    Action    `json:"action"`
	From      State     `json:"from"`
	To        State     `json:"to"`
	VersionID int64     `json:"version_id"`
	Note      string    `json:"note"`
}

// History returns the nomination's transitions, oldest first.
func (s *Store) History(ctx context.Context, sc access.Scope, id int64) ([]Event, error) {
	if _, err := s.Nomination(ctx, sc, id); err != nil {
		return nil, err
	}
	rows, err := s.DB.R.QueryContext(ctx, "SELECT at, actor, action, from_state, to_state, COALESCE(version_id, 0), note FROM nomination_events WHERE nomination_id = $1 ORDER BY id", id)
	if err != nil {
		return nil, errs.Wrap(err, "selection: history")
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.At, &e.Actor, &e.Action, &e.From, &e.To, &e.VersionID, &e.Note); err != nil {
			return nil, errs.Wrap(err, "selection: scan event")
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// transition checks the state machine and the caller's role for action a on n.
func transition(sc access.Scope, n Nomination, a Action) (State, error) {
	to, ok := Next(n.State, a, n.Decision)
	if !Can(sc, a, n.SubmittingUnitPath, n.ReviewUnitPath) {
		return "", errs.ErrForbidden
	}
	if !ok {
		return "", &errs.Error{Code: errs.Conflict, Message: fmt.Sprintf("Không thể “%s” khi hồ sơ đang ở trạng thái “%s”.", a.Label(), n.State.Label())}
	}
	return to, nil
}

// Submission is the outcome of a submission: the nomination and the
// warnings the submitter should read.
type Submission struct {
	Nomination Nomination `json:"nomination"`
	Warnings   []string   `json:"warnings"`
}

// Submit puts dossier dossierID forward into round roundID on behalf of the
// dossier's unit, freezing the current draft as a new version. The round must
// belong to the nearest unit above that holds rounds. Late submission, an
// exceeded quota and the same subject in an overlapping round are accepted
// with warnings.
func (s *Store) Submit(ctx context.Context, sc access.Scope, dossierID, roundID int64) (Submission, error) {
	// The dossier and the route upward are read before the transaction,
	// which holds its connection only for the writes (many leaders submit
	// in the last minute; FreezeTx re-reads the dossier under its guard).
	d, err := s.Dossiers.Get(ctx, sc, dossierID)
	if err != nil {
		return Submission{}, err
	}
	du, err := s.Units.Get(ctx, access.System(), d.UnitID)
	if err != nil {
		return Submission{}, err
	}
	holder, err := s.Units.RoundHolderAbove(ctx, du, dayOf(s.now()))
	if err != nil {
		return Submission{}, errs.InvalidField("round_id", errs.MessageOf(err))
	}
	var out Submission
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		r, err := s.round(ctx, tx, roundID)
		if err != nil {
			return errs.InvalidField("round_id", "Không tìm thấy đợt xét chọn.")
		}
		now := s.now()
		if holder.ID != r.UnitID {
			return errs.InvalidField("round_id", "Hồ sơ của "+du.Name+" được gửi lên "+holder.Name+", không phải "+r.UnitName+".")
		}
		if !r.AcceptsAt(now) {
			return errs.InvalidField("round_id", "Đợt “"+r.Name+"” không nhận hồ sơ vào lúc này (nhận từ "+viet.DateTime(r.SubmitFrom)+" đến hạn xét chọn "+viet.DateTime(r.ReviewUntil)+").")
		}
		// An existing draft nomination (proposed by staff) is submitted in place.
		var existing int64
		err = tx.QueryRowContext(ctx, "SELECT id FROM nominations WHERE round_id = $1 AND dossier_id = $2", r.ID, d.ID).Scan(&existing)
		if err != nil && err != sql.ErrNoRows {
			return errs.Wrap(err, "selection: existing nomination")
		}
		probe := Nomination{SubmittingUnitPath: du.Path, ReviewUnitPath: r.UnitPath}
		if existing != 0 {
			if probe, err = s.nomination(ctx, tx, existing); err != nil {
				return err
			}
		}
		if _, err := transition(sc, probe, Submit); err != nil {
			if existing != 0 && errs.Is(err, errs.Conflict) {
				return errs.E(errs.Conflict, "Hồ sơ này đã được gửi vào đợt “"+r.Name+"”.")
			}
			return err
		}
		v, err := s.Dossiers.FreezeTx(ctx, tx, sc, d.ID)
		if err != nil {
			return err
		}
		warnings, err := s.warnings(ctx, tx, r, du.ID, d.SubjectKey(), existing, now)
		if err != nil {
			return err
		}
		id := existing
		if existing == 0 {
			err = tx.QueryRowContext(ctx, `INSERT INTO nominations (round_id, dossier_id, version_id, subject_key, subject_name, title, category, dossier_unit_id,
				submitting_unit_id, state, late, warnings, submitted_at, submitted_by, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11, $12, $13, $12, $12) RETURNING id`,
				r.ID, d.ID, v.ID, d.SubjectKey(), d.SubjectName(), d.Title, string(d.Category), du.ID, string(Submitted), r.LateAt(now),
				strings.Join(warnings, "\n"), now, nullID(sc.UserID)).Scan(&id)
			if database.IsUnique(err) {
				return errs.E(errs.Conflict, "Hồ sơ này đã được gửi vào đợt “"+r.Name+"”.")
			}
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE nominations SET version_id = $1, subject_name = $2, title = $3, category = $4, state = $5, late = $6,
				warnings = $7, submitted_at = $8, submitted_by = $9, version = version + 1, updated_at = $8 WHERE id = $10`,
				v.ID, d.SubjectName(), d.Title, string(d.Category), string(Submitted), r.LateAt(now), strings.Join(warnings, "\n"), now, nullID(sc.UserID), id)
		}
		if err != nil {
			return errs.Wrap(err, "selection: submit")
		}
		n, err := s.nomination(ctx, tx, id)
		if err != nil {
			return err
		}
		out = Submission{Nomination: n, Warnings: warnings}
		return event(ctx, tx, sc, n, Submit, probe.State, Submitted, fmt.Sprintf("phiên bản hồ sơ số %d", v.Number))
	})
	return out, err
}

// warnings lists what a submitter should know about a submission into r
// from unit: late, over quota, the same subject in an overlapping round.
func (s *Store) warnings(ctx context.Context, q database.Querier, r Round, unitID int64, subject string, except int64, now time.Time) ([]string, error) {
	var w []string
	if r.LateAt(now) {
		w = append(w, "Nộp sau hạn "+viet.DateTime(r.SubmitUntil)+".")
	}
	if r.Quota > 0 {
		var n int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM nominations WHERE round_id = $1 AND submitting_unit_id = $2 AND state <> $3 AND id <> $4",
			r.ID, unitID, string(Draft), except).Scan(&n); err != nil {
			return nil, errs.Wrap(err, "selection: quota")
		}
		if n+1 > r.Quota {
			w = append(w, fmt.Sprintf("Vượt chỉ tiêu của đợt: tối đa %d hồ sơ mỗi đơn vị, đây là hồ sơ thứ %d.", r.Quota, n+1))
		}
	}
	// Drafts are not nominations yet, rejected ones are over, and one that
	// was forwarded up goes on as the nomination above it: none of them is
	// a second nomination of the subject.
	rows, err := q.QueryContext(ctx, `SELECT o.name, ou.name FROM nominations n JOIN rounds o ON o.id = n.round_id JOIN units ou ON ou.id = o.unit_id
		WHERE n.subject_key = $1 AND n.id <> $2 AND n.round_id <> $3 AND n.state NOT IN ($4, $5) AND n.forwarded_to_id IS NULL
		AND o.submit_from <= $6 AND o.review_until >= $7`,
		subject, except, r.ID, string(Rejected), string(Draft), r.ReviewUntil, r.SubmitFrom)
	if err != nil {
		return nil, errs.Wrap(err, "selection: duplicates")
	}
	defer rows.Close()
	for rows.Next() {
		var round, holder string
		if err := rows.Scan(&round, &holder); err != nil {
			return nil, errs.Wrap(err, "selection: scan duplicate")
		}
		w = append(w, "Cá nhân/tập thể này cũng đang được đề nghị trong đợt “"+round+"” của "+holder+" (trùng thời gian).")
	}
	return w, rows.Err()
}

// Resubmit sends a returned nomination back after the school revised the
// dossier: a new version is frozen and the earlier decision cleared (it
// stays in the history).
func (s *Store) Resubmit(ctx context.Context, sc access.Scope, id int64, version int) (Nomination, error) {
	return s.change(ctx, sc, id, version, Resubmit, func(tx *sql.Tx, n Nomination, to State) (string, error) {
		v, err := s.Dossiers.FreezeTx(ctx, tx, sc, n.DossierID)
		if err != nil {
			return "", err
		}
		now := s.now()
		// The warnings of a submission, again, and a missed deadline for
		// resubmission (the end of that day in Vietnam).
		r, err := s.round(ctx, tx, n.RoundID)
		if err != nil {
			return "", err
		}
		warnings, err := s.warnings(ctx, tx, r, n.SubmittingUnitID, n.SubjectKey, n.ID, now)
		if err != nil {
			return "", err
		}
		if d := n.ReturnDeadline; d != nil && !now.Before(time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, viet.Zone).AddDate(0, 0, 1)) {
			warnings = append(warnings, "Gửi lại sau hạn nộp lại "+viet.ShortDate(*d)+".")
		}
		_, err = tx.ExecContext(ctx, `UPDATE nominations SET version_id = $1, state = $2, decision = '', decision_note = '', return_deadline = NULL,
			votes_for = 0, votes_against = 0, absent_for = 0, absent_against = 0, decided_at = NULL, submitted_at = $3, submitted_by = $4,
			warnings = $5, version = version + 1, updated_at = $3 WHERE id = $6`, v.ID, string(to), now, nullID(sc.UserID), strings.Join(warnings, "\n"), id)
		if err != nil {
			return "", errs.Wrap(err, "selection: resubmit")
		}
		return fmt.Sprintf("phiên bản hồ sơ số %d", v.Number), nil
	})
}

// change runs a single-nomination transition in one transaction: it loads
// the nomination, checks the version the caller read, the state machine and
// the role, runs apply, and records the event.
func (s *Store) change(ctx context.Context, sc access.Scope, id int64, version int, a Action, apply func(tx *sql.Tx, n Nomination, to State) (string, error)) (Nomination, error) {
	var out Nomination
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.changeTx(ctx, tx, sc, id, version, a, apply)
		return err
	})
	return out, err
}

func (s *Store) changeTx(ctx context.Context, tx *sql.Tx, sc access.Scope, id int64, version int, a Action, apply func(tx *sql.Tx, n Nomination, to State) (string, error)) (Nomination, error) {
	n, err := s.nomination(ctx, tx, id)
	if err != nil {
		return n, err
	}
	if ok, err := s.visible(ctx, tx, sc, n); err != nil || !ok {
		return Nomination{}, errs.ErrNotFound
	}
	if version != 0 && version != n.Version {
		return Nomination{}, errs.ErrStale
	}
	to, err := transition(sc, n, a)
	if err != nil {
		return Nomination{}, err
	}
	note, err := apply(tx, n, to)
	if err != nil {
		return Nomination{}, err
	}
	after, err := s.nomination(ctx, tx, id)
	if err != nil {
		return after, err
	}
	return after, event(ctx, tx, sc, after, a, n.State, after.State, note)
}

// Item is the outcome of one item of a bulk action.
type Item struct {
	NominationID int64  `json:"nomination_id"`
	OK           bool   `json:"ok"`
	Message      string `json:"message"`
}

// ErrBulk is returned with the per-item report when any item failed: then
// nothing at all was changed.
var ErrBulk = errs.E(errs.Invalid, "Có mục không thực hiện được nên không mục nào được thực hiện; xem chi tiết từng mục.")

// bulk runs fn for every id in one transaction, all or nothing.
//
// then, when not nil, runs in the same transaction once every item
// succeeded.
func (s *Store) bulk(ctx context.Context, ids []int64, fn func(tx *sql.Tx, id int64) (string, error), then func(tx *sql.Tx) error) ([]Item, error) {
	if len(ids) == 0 {
		return nil, errs.E(errs.Invalid, "Chưa chọn hồ sơ nào.")
	}
	items := make([]Item, len(ids))
	failed := false
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		for i, id := range ids {
			msg, err := fn(tx, id)
			items[i] = Item{NominationID: id, OK: err == nil, Message: msg}
			if err != nil {
				if errs.CodeOf(err) == errs.Internal {
					return err
				}
				failed = true
				items[i].Message = errs.MessageOf(err)
			}
		}
		if failed {
			return ErrBulk
		}
		if then != nil {
			return then(tx)
		}
		return nil
	})
	if failed {
		for i := range items {
			if items[i].OK {
				items[i].OK = false
				items[i].Message = "Không thực hiện vì có mục khác bị lỗi."
			}
		}
		return items, ErrBulk
	}
	return items, err
}

// AssignReviewers assigns users to score the nominations (all or nothing)
// and starts their review. Nobody reviews a dossier of their own unit or of
// a unit they lead. Each newly assigned reviewer is told once per round, in
// the app and in their next daily digest.
func (s *Store) AssignReviewers(ctx context.Context, sc access.Scope, ids []int64, users []int64) ([]Item, error) {
	if len(users) == 0 {
		return nil, errs.InvalidField("reviewers", "Chọn ít nhất một người chấm.")
	}
	var told assignments
	return s.bulk(ctx, ids, func(tx *sql.Tx, id int64) (string, error) {
		n, err := s.nomination(ctx, tx, id)
		if err != nil {
			return "", err
		}
		if !Can(sc, StartReview, n.SubmittingUnitPath, n.ReviewUnitPath) {
			return "", errs.ErrForbidden
		}
		if n.State != Submitted && n.State != UnderReview {
			return "", &errs.Error{Code: errs.Conflict, Message: "Không phân công chấm được khi hồ sơ ở trạng thái “" + n.State.Label() + "”."}
		}
		var names []string
		added := 0
		for _, u := range users {
			name, err := s.checkReviewer(ctx, tx, n, u)
			if err != nil {
				return "", err
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO nomination_reviewers (nomination_id, user_id, assigned_at, assigned_by) VALUES ($1, $2, $3, $4)
				ON CONFLICT (nomination_id, user_id) DO NOTHING`, id, u, database.Now(), nullID(sc.UserID))
			if err != nil {
				return "", errs.Wrap(err, "selection: assign")
			}
			if k, _ := res.RowsAffected(); k > 0 {
				told.add(u, n)
				added++
			}
			names = append(names, name)
		}
		if added == 0 && n.State == UnderReview {
			return "Những người chấm này đã được phân công từ trước; không có thay đổi.", nil
		}
		note := "người chấm: " + strings.Join(names, ", ")
		if n.State == Submitted {
			if _, err := tx.ExecContext(ctx, "UPDATE nominations SET state = $1, version = version + 1, updated_at = $2 WHERE id = $3",
				string(UnderReview), database.Now(), id); err != nil {
				return "", errs.Wrap(err, "selection: start review")
			}
		}
		after, err := s.nomination(ctx, tx, id)
		if err != nil {
			return "", err
		}
		return "Đã phân công " + note + ".", event(ctx, tx, sc, after, StartReview, n.State, after.State, note)
	}, func(tx *sql.Tx) error { return s.tellReviewers(ctx, tx, told) })
}

// assignments are the nominations newly assigned, by reviewer and round,
// in the order they were assigned.
type assignments []assigned

type assigned struct {
	user  int64
	round int64
	noms  []Nomination
}

func (a *assignments) add(user int64, n Nomination) {
	for i := range *a {
		if g := &(*a)[i]; g.user == user && g.round == n.RoundID {
			g.noms = append(g.noms, n)
			return
		}
	}
	*a = append(*a, assigned{user: user, round: n.RoundID, noms: []Nomination{n}})
}

// tellReviewers notifies each newly assigned reviewer, one note per round:
// the dossier (or how many), the round and the review deadline.
func (s *Store) tellReviewers(ctx context.Context, tx *sql.Tx, told assignments) error {
	if s.Notify == nil {
		return nil
	}
	rounds := map[int64]Round{} // several reviewers of one round: read it once
	for _, g := range told {
		r, ok := rounds[g.round]
		if !ok {
			var err error
			if r, err = s.round(ctx, tx, g.round); err != nil {
				return err
			}
			rounds[g.round] = r
		}
		n := g.noms[0]
		note := notify.Note{Mail: true}
		due := "Hạn chấm: " + viet.DateTime(r.ReviewUntil) + "."
		if len(g.noms) == 1 {
			note.Title = "Được phân công chấm: " + n.Title
			note.Body = fmt.Sprintf("Bạn được phân công chấm hồ sơ “%s” — %s, do %s gửi vào đợt “%s” của %s.\n%s\nĐiểm của người chấm khác chỉ hiện sau khi bạn nộp điểm của mình.",
				n.Title, n.SubjectName, n.SubmittingUnitName, r.Name, r.UnitName, due)
			note.URL = "/nominations/" + itoa64(n.ID)
		} else {
			note.Title = fmt.Sprintf("Được phân công chấm %d hồ sơ, đợt %s", len(g.noms), r.Name)
			var b strings.Builder
			fmt.Fprintf(&b, "Bạn được phân công chấm %d hồ sơ trong đợt “%s” của %s:", len(g.noms), r.Name, r.UnitName)
			for i, x := range g.noms {
				if i == 10 {
					fmt.Fprintf(&b, "\n- và %d hồ sơ khác", len(g.noms)-10)
					break
				}
				fmt.Fprintf(&b, "\n- %s — %s (%s)", x.Title, x.SubjectName, x.SubmittingUnitName)
			}
			b.WriteString("\n" + due)
			note.Body, note.URL = b.String(), "/rounds/"+itoa64(r.ID)
		}
		if _, err := s.Notify.ToUsersTx(ctx, tx, r.UnitID, []int64{g.user}, note); err != nil {
			return err
		}
	}
	return nil
}

// checkReviewer refuses a reviewer who does not exist or has a conflict of
// interest with n, and returns their name.
func (s *Store) checkReviewer(ctx context.Context, q database.Querier, n Nomination, user int64) (string, error) {
	var username, homePath string
	var active bool
	err := q.QueryRowContext(ctx, "SELECT u.username, un.path, u.active FROM users u JOIN units un ON un.id = u.unit_id WHERE u.id = $1", user).
		Scan(&username, &homePath, &active)
	if err == sql.ErrNoRows || (err == nil && !active) {
		return "", errs.InvalidField("reviewers", "Không tìm thấy người chấm #"+strconv.FormatInt(user, 10)+" hoặc tài khoản đã bị khóa.")
	}
	if err != nil {
		return "", errs.Wrap(err, "selection: reviewer")
	}
	leads := []string{}
	rows, err := q.QueryContext(ctx, "SELECT un.path FROM roles r JOIN units un ON un.id = r.unit_id WHERE r.user_id = $1 AND r.role = $2", user, string(access.Leader))
	if err != nil {
		return "", errs.Wrap(err, "selection: reviewer roles")
	}
	for rows.Next() {
		var p string
		rows.Scan(&p)
		leads = append(leads, p)
	}
	rows.Close()
	if Conflicted(n, homePath, leads) {
		return "", errs.InvalidField("reviewers", username+" không được chấm hồ sơ này: người chấm thuộc hoặc lãnh đạo đơn vị có hồ sơ (xung đột lợi ích).")
	}
	return username, nil
}

// Conflicted reports whether someone working at homePath and leading the
// units at leads may not judge n: nobody reviews a dossier from their own
// unit, or from a unit whose leadership they hold. "Their unit" is any unit
// strictly below the reviewing unit on the way down to the dossier's unit,
// or inside the dossier's unit.
func Conflicted(n Nomination, homePath string, leads []string) bool {
	for _, p := range append([]string{homePath}, leads...) {
		if p == "" || !access.Within(p, n.ReviewUnitPath) || p == n.ReviewUnitPath {
			continue
		}
		if access.Within(n.DossierUnitPath, p) || access.Within(p, n.DossierUnitPath) {
			return true
		}
	}
	return false
}

// unitOf returns the unit for id with the system scope (names and paths of
// units on a nomination's route are visible to everyone on it).
func (s *Store) unitOf(ctx context.Context, id int64) (unit.Unit, error) {
	return s.Units.Get(ctx, access.System(), id)
}
