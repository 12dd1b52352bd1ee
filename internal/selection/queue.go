package selection

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/errs"
)

// Propose puts a dossier forward as a draft nomination into round roundID,
// for the unit's leader to submit; nothing is frozen yet.
func (s *Store) Propose(ctx context.Context, sc access.Scope, dossierID, roundID int64) (Nomination, error) {
	// Reads first, as in Submit: the transaction holds its connection only
	// for the writes.
	d, err := s.Dossiers.Get(ctx, sc, dossierID)
	if err != nil {
		return Nomination{}, err
	}
	du, err := s.unitOf(ctx, d.UnitID)
	if err != nil {
		return Nomination{}, err
	}
	holder, holderErr := s.Units.RoundHolderAbove(ctx, du, dayOf(s.now()))
	var out Nomination
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		r, err := s.round(ctx, tx, roundID)
		if err != nil {
			return errs.InvalidField("round_id", "Không tìm thấy đợt xét chọn.")
		}
		if holderErr != nil || holder.ID != r.UnitID {
			return errs.InvalidField("round_id", "Hồ sơ của "+du.Name+" không gửi vào đợt này.")
		}
		if _, err := transition(sc, Nomination{SubmittingUnitPath: du.Path, ReviewUnitPath: r.UnitPath}, Propose); err != nil {
			return err
		}
		now := s.now()
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO nominations (round_id, dossier_id, subject_key, subject_name, title, category, dossier_unit_id,
			submitting_unit_id, state, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $9) RETURNING id`,
			r.ID, d.ID, d.SubjectKey(), d.SubjectName(), d.Title, string(d.Category), du.ID, string(Draft), now).Scan(&id)
		if database.IsUnique(err) {
			return errs.E(errs.Conflict, "Hồ sơ này đã có trong đợt “"+r.Name+"”.")
		}
		if err != nil {
			return errs.Wrap(err, "selection: propose")
		}
		if out, err = s.nomination(ctx, tx, id); err != nil {
			return err
		}
		return event(ctx, tx, sc, out, Propose, "", Draft, "")
	})
	return out, err
}

// QueueFilter narrows a round's queue.
type QueueFilter struct {
	State          State
	SubmittingUnit int64
	Limit, Offset  int
}

// Queue returns a round's nominations for its reviewing side (officers and
// leaders at the round's unit see all; an assigned reviewer sees the ones
// assigned to them), oldest submission first, and the total.
func (s *Store) Queue(ctx context.Context, sc access.Scope, roundID int64, f QueueFilter) ([]Nomination, int, error) {
	r, err := s.Round(ctx, sc, roundID)
	if err != nil {
		return nil, 0, err
	}
	where := []string{"n.round_id = $1"}
	args := []any{roundID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if !sc.Has(r.UnitPath, access.Officer, access.Leader, access.Admin) {
		add("EXISTS (SELECT 1 FROM nomination_reviewers nr WHERE nr.nomination_id = n.id AND nr.user_id = ?)", sc.UserID)
	}
	if f.State != "" {
		add("n.state = ?", string(f.State))
	} else {
		add("n.state <> ?", string(Draft)) // drafts belong to the submitting unit until submitted
	}
	if f.SubmittingUnit != 0 {
		add("n.submitting_unit_id = ?", f.SubmittingUnit)
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := s.DB.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM nominations n WHERE "+w, args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "selection: queue count")
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	args = append(args, f.Limit, f.Offset)
	rows, err := s.DB.R.QueryContext(ctx, fmt.Sprintf("SELECT %s%s WHERE %s ORDER BY n.submitted_at, n.id LIMIT $%d OFFSET $%d",
		nominationColumns, nominationFrom, w, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "selection: queue")
	}
	defer rows.Close()
	var out []Nomination
	for rows.Next() {
		n, err := scanNomination(rows)
		if err != nil {
			return nil, 0, errs.Wrap(err, "selection: scan")
		}
		out = append(out, n)
	}
	return out, total, rows.Err()
}

// UnitCount is a submitting unit's share of a round.
type UnitCount struct {
	UnitID int64  `json:"unit_id"`
	Name   string `json:"name"`
	Count  int    `json:"count"`
	Over   bool   `json:"over_quota"`
}

// Overview summarises a round for its reviewing side.
type Overview struct {
	Round   Round         `json:"round"`
	ByState map[State]int `json:"by_state"`
	Pending int           `json:"pending_decisions"` // decided, not yet released
	Scored  int           `json:"scored"`            // under review with at least one score on the current version
	ByUnit  []UnitCount   `json:"by_unit"`
}

// RoundOverview counts a round's nominations by state and by submitting unit.
func (s *Store) RoundOverview(ctx context.Context, sc access.Scope, roundID int64) (Overview, error) {
	r, err := s.Round(ctx, sc, roundID)
	if err != nil {
		return Overview{}, err
	}
	if !sc.Has(r.UnitPath, access.Officer, access.Leader, access.Admin) {
		return Overview{}, errs.ErrForbidden
	}
	o := Overview{Round: r, ByState: map[State]int{}}
	rows, err := s.DB.R.QueryContext(ctx, "SELECT state, COUNT(*), SUM(CASE WHEN decision <> '' AND state = $2 THEN 1 ELSE 0 END) FROM nominations WHERE round_id = $1 GROUP BY state",
		roundID, string(UnderReview))
	if err != nil {
		return o, errs.Wrap(err, "selection: overview")
	}
	for rows.Next() {
		var st State
		var n, pending int
		if err := rows.Scan(&st, &n, &pending); err != nil {
			rows.Close()
			return o, errs.Wrap(err, "selection: scan overview")
		}
		o.ByState[st] = n
		o.Pending += pending
	}
	rows.Close()
	if err := s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM nominations n WHERE n.round_id = $1 AND n.state = $2
		AND EXISTS (SELECT 1 FROM scores sc WHERE sc.nomination_id = n.id AND sc.version_id = n.version_id)`, roundID, string(UnderReview)).Scan(&o.Scored); err != nil {
		return o, errs.Wrap(err, "selection: scored")
	}
	rows, err = s.DB.R.QueryContext(ctx, `SELECT n.submitting_unit_id, u.name, COUNT(*) FROM nominations n JOIN units u ON u.id = n.submitting_unit_id
		WHERE n.round_id = $1 AND n.state <> $2 GROUP BY n.submitting_unit_id, u.name ORDER BY u.name`, roundID, string(Draft))
	if err != nil {
		return o, errs.Wrap(err, "selection: by unit")
	}
	defer rows.Close()
	for rows.Next() {
		var c UnitCount
		if err := rows.Scan(&c.UnitID, &c.Name, &c.Count); err != nil {
			return o, errs.Wrap(err, "selection: scan by unit")
		}
		c.Over = r.Quota > 0 && c.Count > r.Quota
		o.ByUnit = append(o.ByUnit, c)
	}
	return o, rows.Err()
}

// ToScore lists the nominations assigned to the caller that still wait for
// their score on the current version: a reviewer's to-do.
func (s *Store) ToScore(ctx context.Context, sc access.Scope, limit int) ([]Nomination, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.DB.R.QueryContext(ctx, "SELECT "+nominationColumns+nominationFrom+`
		JOIN nomination_reviewers nr ON nr.nomination_id = n.id AND nr.user_id = $1
		WHERE n.state = $2 AND n.decision = '' AND NOT EXISTS (SELECT 1 FROM scores x WHERE x.nomination_id = n.id AND x.version_id = n.version_id AND x.reviewer_id = $1)
		ORDER BY r.review_until, n.id LIMIT $3`, sc.UserID, string(UnderReview), limit)
	if err != nil {
		return nil, errs.Wrap(err, "selection: to score")
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

// OfDossier lists the nominations of a dossier in every round (newest
// first) that the caller may read, pending decisions hidden from submitters.
func (s *Store) OfDossier(ctx context.Context, sc access.Scope, dossierID int64) ([]Nomination, error) {
	return s.listVisible(ctx, sc, "n.dossier_id = $1", dossierID)
}

// OfSubject lists the nominations of a person or collective (by the
// dossier's SubjectKey) across all their dossiers: the achievement
// profile's past nominations.
func (s *Store) OfSubject(ctx context.Context, sc access.Scope, subjectKey string) ([]Nomination, error) {
	return s.listVisible(ctx, sc, "n.subject_key = $1", subjectKey)
}

func (s *Store) listVisible(ctx context.Context, sc access.Scope, cond string, arg any) ([]Nomination, error) {
	rows, err := s.DB.R.QueryContext(ctx, "SELECT "+nominationColumns+nominationFrom+" WHERE "+cond+" ORDER BY n.created_at DESC, n.id DESC LIMIT 200", arg)
	if err != nil {
		return nil, errs.Wrap(err, "selection: list")
	}
	var all []Nomination
	for rows.Next() {
		n, err := scanNomination(rows)
		if err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "selection: scan")
		}
		all = append(all, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := all[:0]
	for _, n := range all {
		if ok, err := s.visible(ctx, s.DB.R, sc, n); err != nil || !ok {
			continue
		}
		if review, _ := s.reviewSide(ctx, s.DB.R, sc, n); !review && n.State == UnderReview {
			hidePending(&n)
		}
		out = append(out, n)
	}
	return out, nil
}
