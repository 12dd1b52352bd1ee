package selection

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/notify"
	"thidua/internal/viet"
)

// ScoreSheet is one reviewer's scores for one version of a dossier.
type ScoreSheet struct {
	ReviewerID  int64          `json:"reviewer_id"`
	Reviewer    string         `json:"reviewer"`
	VersionID   int64          `json:"version_id"`
	Items       map[string]int `json:"items"`
	Total       float64        `json:"total"` // weighted, out of 100
	Comment     string         `json:"comment"`
	SubmittedAt time.Time      `json:"submitted_at"`
}

// total weighs items by the rubric, out of 100.
func total(rubric []RubricItem, items map[string]int) float64 {
	var t float64
	for _, it := range rubric {
		t += float64(items[it.Key]) / float64(it.Max) * it.Weight
	}
	return math.Round(t*100) / 100
}

// SubmitScore records the caller's scores for the nomination's current
// version. Only assigned reviewers without a conflict of interest score, and
// a score once given is final for that version.
func (s *Store) SubmitScore(ctx context.Context, sc access.Scope, id int64, items map[string]int, comment string) (ScoreSheet, error) {
	var out ScoreSheet
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		n, err := s.nomination(ctx, tx, id)
		if err != nil {
			return err
		}
		assigned, err := isReviewer(ctx, tx, id, sc.UserID)
		if err != nil {
			return err
		}
		if !assigned {
			if ok, _ := s.visible(ctx, tx, sc, n); !ok {
				return errs.ErrNotFound
			}
			return errs.E(errs.Forbidden, "Bạn không được phân công chấm hồ sơ này.")
		}
		if _, err := s.checkReviewer(ctx, tx, n, sc.UserID); err != nil {
			return errs.E(errs.Forbidden, errs.MessageOf(err))
		}
		if n.State != UnderReview || n.Decision != "" {
			return &errs.Error{Code: errs.Conflict, Message: "Chỉ chấm được khi hồ sơ đang xét chọn và hội đồng chưa quyết định."}
		}
		r, err := s.round(ctx, tx, n.RoundID)
		if err != nil {
			return err
		}
		f := errs.Fields{}
		for _, it := range r.Rubric {
			v, ok := items[it.Key]
			if !ok {
				f.Add("score_"+it.Key, "Chấm điểm tiêu chí “"+it.Label+"”.")
			} else if v < 0 || v > it.Max {
				f.Add("score_"+it.Key, fmt.Sprintf("Điểm tiêu chí “%s” phải từ 0 đến %d.", it.Label, it.Max))
			}
		}
		for k := range items {
			if !rubricHas(r.Rubric, k) {
				f.Add("score_"+k, "Tiêu chí “"+k+"” không có trong bộ tiêu chí của đợt.")
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		out = ScoreSheet{ReviewerID: sc.UserID, Reviewer: sc.Username, VersionID: n.VersionID, Items: items, Total: total(r.Rubric, items),
			Comment: viet.NFC(comment), SubmittedAt: database.Now()}
		b, _ := json.Marshal(items)
		_, err = tx.ExecContext(ctx, `INSERT INTO scores (nomination_id, version_id, reviewer_id, items, total, comment, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			id, n.VersionID, sc.UserID, string(b), out.Total, out.Comment, out.SubmittedAt)
		if database.IsUnique(err) {
			return errs.E(errs.Conflict, "Bạn đã chấm phiên bản này của hồ sơ; điểm đã chấm không sửa được.")
		}
		if err != nil {
			return errs.Wrap(err, "selection: score")
		}
		return event(ctx, tx, sc, n, Score, n.State, n.State, fmt.Sprintf("tổng điểm %s/100", viet.Decimal(out.Total, 2)))
	})
	return out, err
}

func rubricHas(rubric []RubricItem, key string) bool {
	for _, it := range rubric {
		if it.Key == key {
			return true
		}
	}
	return false
}

// Scores returns the score sheets of a nomination for one version (0: the
// current one). A reviewer sees the others' scores only after giving their
// own; submitters never see the sheets.
func (s *Store) Scores(ctx context.Context, sc access.Scope, id, versionID int64) ([]ScoreSheet, error) {
	n, err := s.nomination(ctx, s.DB.R, id)
	if err != nil {
		return nil, err
	}
	review, err := s.reviewSide(ctx, s.DB.R, sc, n)
	if err != nil {
		return nil, err
	}
	if !review {
		if ok, _ := s.visible(ctx, s.DB.R, sc, n); !ok {
			return nil, errs.ErrNotFound
		}
		return nil, errs.ErrForbidden
	}
	if versionID == 0 {
		versionID = n.VersionID
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT s.reviewer_id, u.username, s.version_id, s.items, s.total, s.comment, s.submitted_at
		FROM scores s JOIN users u ON u.id = s.reviewer_id WHERE s.nomination_id = $1 AND s.version_id = $2 ORDER BY s.id`, id, versionID)
	if err != nil {
		return nil, errs.Wrap(err, "selection: scores")
	}
	defer rows.Close()
	var all []ScoreSheet
	mine := false
	for rows.Next() {
		var sh ScoreSheet
		var items string
		if err := rows.Scan(&sh.ReviewerID, &sh.Reviewer, &sh.VersionID, &items, &sh.Total, &sh.Comment, &sh.SubmittedAt); err != nil {
			return nil, errs.Wrap(err, "selection: scan score")
		}
		json.Unmarshal([]byte(items), &sh.Items)
		mine = mine || sh.ReviewerID == sc.UserID
		all = append(all, sh)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	assigned, err := isReviewer(ctx, s.DB.R, id, sc.UserID)
	if err != nil {
		return nil, err
	}
	if assigned && !mine {
		return nil, nil // nothing of the others before one's own
	}
	return all, nil
}

// DecisionInput is what the council decided about one nomination.
type DecisionInput struct {
	Return         bool // send back for revision instead of voting
	VotesFor       int
	VotesAgainst   int
	AbsentFor      int // absent members' written votes
	AbsentAgainst  int
	Note           string     // reasons (required for a return)
	ReturnDeadline *time.Time // required for a return
}

// Decide records the council's decision; it stays pending (and hidden from
// the submitters) until the round's results are released. For a vote the
// threshold decides between selected and rejected.
func (s *Store) Decide(ctx context.Context, sc access.Scope, id int64, version int, in DecisionInput) (Nomination, error) {
	return s.change(ctx, sc, id, version, Decide, func(tx *sql.Tx, n Nomination, to State) (string, error) {
		r, err := s.round(ctx, tx, n.RoundID)
		if err != nil {
			return "", err
		}
		in.Note = viet.NFC(in.Note)
		var decision Decision
		f := errs.Fields{}
		if in.Return {
			decision = DecideReturn
			if in.Note == "" {
				f.Add("note", "Ghi rõ lý do trả lại và nội dung cần bổ sung.")
			}
			if in.ReturnDeadline == nil {
				f.Add("return_deadline", "Nhập hạn nộp lại hồ sơ.")
			} else if !in.ReturnDeadline.After(dayOf(s.now())) {
				f.Add("return_deadline", "Hạn nộp lại phải sau hôm nay.")
			}
		} else {
			members := len(r.Council.Members)
			cast := in.VotesFor + in.VotesAgainst + in.AbsentFor + in.AbsentAgainst
			switch {
			case in.VotesFor < 0 || in.VotesAgainst < 0 || in.AbsentFor < 0 || in.AbsentAgainst < 0:
				f.Add("votes", "Số phiếu không được âm.")
			case cast > members:
				f.Add("votes", fmt.Sprintf("Tổng số phiếu (%d) vượt quá số thành viên hội đồng (%d).", cast, members))
			case in.VotesFor+in.VotesAgainst < r.Council.Quorum:
				f.Add("votes", fmt.Sprintf("Chưa đủ số thành viên có mặt: cần tối thiểu %d, có %d.", r.Council.Quorum, in.VotesFor+in.VotesAgainst))
			}
			decision = DecideReject
			if r.Council.Approves(in.VotesFor, in.AbsentFor) {
				decision = DecideSelect
			}
		}
		if err := f.Err(); err != nil {
			return "", err
		}
		var deadline any
		if in.Return {
			deadline = dayOf(*in.ReturnDeadline)
		}
		_, err = tx.ExecContext(ctx, `UPDATE nominations SET decision = $1, votes_for = $2, votes_against = $3, absent_for = $4, absent_against = $5,
			decision_note = $6, return_deadline = $7, decided_at = $8, decided_by = $9, version = version + 1, updated_at = $8 WHERE id = $10`,
			string(decision), in.VotesFor, in.VotesAgainst, in.AbsentFor, in.AbsentAgainst, in.Note, deadline, database.Now(), nullID(sc.UserID), id)
		if err != nil {
			return "", errs.Wrap(err, "selection: decide")
		}
		if in.Return {
			return "quyết định (chờ công bố): trả lại — " + in.Note, nil
		}
		return fmt.Sprintf("quyết định (chờ công bố): %s — %d đồng ý, %d không đồng ý, %d vắng có ý kiến đồng ý, %d vắng có ý kiến không đồng ý (%s)",
			decision.Label(), in.VotesFor, in.VotesAgainst, in.AbsentFor, in.AbsentAgainst, r.Council.describe()), nil
	})
}

// ReleaseReport is the outcome of releasing a round's results.
type ReleaseReport struct {
	Released  []Item `json:"released"`
	Undecided []Item `json:"undecided"` // still without a decision; left as they were
}

// Release applies every pending decision of the round in one audited step,
// then tells the submitting units. Nominations without a decision yet stay
// under review and are listed.
func (s *Store) Release(ctx context.Context, sc access.Scope, roundID int64) (ReleaseReport, error) {
	var rep ReleaseReport
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		r, err := s.round(ctx, tx, roundID)
		if err != nil {
			return err
		}
		if !sc.CanSeeUnit(r.UnitPath) {
			return errs.ErrNotFound
		}
		if !Can(sc, Release, r.UnitPath, r.UnitPath) {
			return errs.ErrForbidden
		}
		rows, err := tx.QueryContext(ctx, "SELECT "+nominationColumns+nominationFrom+" WHERE n.round_id = $1 AND n.state IN ($2, $3) ORDER BY n.id",
			roundID, string(Submitted), string(UnderReview))
		if err != nil {
			return errs.Wrap(err, "selection: release list")
		}
		var ns []Nomination
		for rows.Next() {
			n, err := scanNomination(rows)
			if err != nil {
				rows.Close()
				return errs.Wrap(err, "selection: scan")
			}
			ns = append(ns, n)
		}
		rows.Close()
		now := database.Now()
		counts := map[Decision]int{}
		for _, n := range ns {
			to, ok := Next(n.State, Release, n.Decision)
			if !ok {
				rep.Undecided = append(rep.Undecided, Item{NominationID: n.ID, Message: n.Title + " — " + n.SubjectName + ": chưa có quyết định của hội đồng."})
				continue
			}
			if _, err := tx.ExecContext(ctx, "UPDATE nominations SET state = $1, version = version + 1, updated_at = $2 WHERE id = $3", string(to), now, n.ID); err != nil {
				return errs.Wrap(err, "selection: release")
			}
			after := n
			after.State = to
			if err := event(ctx, tx, sc, after, Release, n.State, to, n.Decision.Label()); err != nil {
				return err
			}
			counts[n.Decision]++
			rep.Released = append(rep.Released, Item{NominationID: n.ID, OK: true, Message: n.Title + " — " + n.SubjectName + ": " + n.Decision.Label()})
			if err := s.notify(ctx, tx, after, r); err != nil {
				return err
			}
		}
		if len(rep.Released) == 0 {
			return errs.E(errs.Invalid, "Chưa có hồ sơ nào có quyết định của hội đồng để công bố.")
		}
		if _, err := tx.ExecContext(ctx, "UPDATE rounds SET status = $1, released_at = $2, released_by = $3, version = version + 1, updated_at = $2 WHERE id = $4",
			string(Released), now, nullID(sc.UserID), roundID); err != nil {
			return errs.Wrap(err, "selection: release round")
		}
		return recordRound(ctx, tx, sc, r, "release", fmt.Sprintf("Công bố kết quả đợt %s: %d được chọn, %d không được chọn, %d trả lại bổ sung",
			r.Name, counts[DecideSelect], counts[DecideReject], counts[DecideReturn]))
	})
	return rep, err
}

// notify tells the leaders and officers of the submitting unit about a
// released decision (and those of the dossier's own unit when the
// nomination came up from below), in the app and in their next daily
// digest.
func (s *Store) notify(ctx context.Context, tx *sql.Tx, n Nomination, r Round) error {
	if s.Notify == nil {
		return nil
	}
	body := fmt.Sprintf("Kết quả đợt xét chọn “%s” của %s đã được công bố.\nHồ sơ: %s — %s\nKết quả: %s", r.Name, r.UnitName, n.Title, n.SubjectName, n.State.Label())
	if n.Decision == DecideReturn && n.ReturnDeadline != nil {
		body += fmt.Sprintf("\nNội dung cần bổ sung: %s\nHạn nộp lại: %s", n.DecisionNote, viet.ShortDate(*n.ReturnDeadline))
	}
	note := notify.Note{Title: "Kết quả xét chọn: " + n.Title + " — " + n.State.Label(), Body: body, URL: "/nominations/" + itoa64(n.ID), Mail: true}
	roles := []access.Role{access.Leader, access.Officer}
	if _, err := s.Notify.ToUnitTx(ctx, tx, n.SubmittingUnitID, roles, note); err != nil {
		return err
	}
	if n.DossierUnitID != n.SubmittingUnitID {
		if _, err := s.Notify.ToUnitTx(ctx, tx, n.DossierUnitID, roles, note); err != nil {
			return err
		}
	}
	return nil
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
