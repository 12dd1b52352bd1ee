package selection

import (
	"context"
	"database/sql"
	"fmt"

	"thidua/internal/access"
	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/errs"
)

func recordRound(ctx context.Context, tx *sql.Tx, sc access.Scope, r Round, action, summary string) error {
	return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: r.UnitID, UnitPath: r.UnitPath, Action: action, ObjectType: "round",
		ObjectID: r.ID, Summary: summary})
}

// Forward introduces selected nominations (all or nothing) into round
// target of the next unit up, carrying the dossier version; the lower
// level's scores and minutes stay reachable through the link. target 0
// picks the open round with the earliest deadline. Over the target round's
// quota is a hard stop.
func (s *Store) Forward(ctx context.Context, sc access.Scope, ids []int64, target int64) ([]Item, error) {
	return s.bulk(ctx, ids, func(tx *sql.Tx, id int64) (string, error) {
		var msg string
		_, err := s.changeTx(ctx, tx, sc, id, 0, Forward, func(tx *sql.Tx, n Nomination, to State) (string, error) {
			if n.ForwardedToID != 0 {
				return "", errs.E(errs.Conflict, "Hồ sơ đã được giới thiệu lên cấp trên.")
			}
			reviewer, err := s.unitOf(ctx, n.ReviewUnitID)
			if err != nil {
				return "", err
			}
			now := s.now()
			holder, rounds, err := s.TargetRounds(ctx, reviewer, now)
			if err != nil {
				return "", errs.E(errs.Invalid, errs.MessageOf(err))
			}
			var r *Round
			for i := range rounds {
				if target == 0 || rounds[i].ID == target {
					r = &rounds[i]
					break
				}
			}
			if r == nil {
				return "", errs.E(errs.Invalid, "Chưa có đợt xét chọn nào của "+holder.Name+" đang nhận hồ sơ.")
			}
			if r.Quota > 0 {
				var count int
				if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM nominations WHERE round_id = $1 AND submitting_unit_id = $2", r.ID, reviewer.ID).Scan(&count); err != nil {
					return "", errs.Wrap(err, "selection: quota")
				}
				if count >= r.Quota {
					return "", errs.E(errs.Invalid, fmt.Sprintf("Vượt chỉ tiêu: đợt “%s” nhận tối đa %d hồ sơ của %s, đã có %d.", r.Name, r.Quota, reviewer.Name, count))
				}
			}
			// The nomination forwarded is not "the same subject elsewhere".
			warnings, err := s.warnings(ctx, tx, *r, reviewer.ID, n.SubjectKey, n.ID, now)
			if err != nil {
				return "", err
			}
			var newID int64
			err = tx.QueryRowContext(ctx, `INSERT INTO nominations (round_id, dossier_id, version_id, subject_key, subject_name, title, category, dossier_unit_id,
				submitting_unit_id, state, late, warnings, forwarded_from_id, submitted_at, submitted_by, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $14, $14) RETURNING id`,
				r.ID, n.DossierID, n.VersionID, n.SubjectKey, n.SubjectName, n.Title, n.Category, n.DossierUnitID, reviewer.ID,
				string(Submitted), r.LateAt(now), joinLines(warnings), n.ID, now, nullID(sc.UserID)).Scan(&newID)
			if database.IsUnique(err) {
				return "", errs.E(errs.Conflict, "Hồ sơ đã có trong đợt “"+r.Name+"”.")
			}
			if err != nil {
				return "", errs.Wrap(err, "selection: forward")
			}
			if _, err := tx.ExecContext(ctx, "UPDATE nominations SET forwarded_to_id = $1, version = version + 1, updated_at = $2 WHERE id = $3", newID, now, n.ID); err != nil {
				return "", errs.Wrap(err, "selection: mark forwarded")
			}
			created, err := s.nomination(ctx, tx, newID)
			if err != nil {
				return "", err
			}
			if err := event(ctx, tx, sc, created, Submit, "", Submitted, "giới thiệu từ "+reviewer.Name+" (đợt "+n.RoundName+")"); err != nil {
				return "", err
			}
			msg = "Đã giới thiệu lên đợt “" + r.Name + "” của " + holder.Name + "."
			return "lên đợt " + r.Name + " của " + holder.Name, nil
		})
		return msg, err
	}, nil)
}

// CarryOver moves unselected nominations (all or nothing) into round
// target of the same unit, with their history.
func (s *Store) CarryOver(ctx context.Context, sc access.Scope, ids []int64, target int64) ([]Item, error) {
	return s.bulk(ctx, ids, func(tx *sql.Tx, id int64) (string, error) {
		var msg string
		_, err := s.changeTx(ctx, tx, sc, id, 0, CarryOver, func(tx *sql.Tx, n Nomination, to State) (string, error) {
			r, err := s.round(ctx, tx, target)
			if err != nil || r.UnitID != n.ReviewUnitID || r.ID == n.RoundID {
				return "", errs.InvalidField("round_id", "Chọn một đợt khác của cùng đơn vị xét chọn.")
			}
			now := s.now()
			if !r.AcceptsAt(now) && !now.Before(r.SubmitFrom) {
				return "", errs.InvalidField("round_id", "Đợt “"+r.Name+"” đã kết thúc.")
			}
			var newID int64
			err = tx.QueryRowContext(ctx, `INSERT INTO nominations (round_id, dossier_id, version_id, subject_key, subject_name, title, category, dossier_unit_id,
				submitting_unit_id, state, carried_from_id, forwarded_from_id, submitted_at, submitted_by, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $13, $13) RETURNING id`,
				r.ID, n.DossierID, n.VersionID, n.SubjectKey, n.SubjectName, n.Title, n.Category, n.DossierUnitID, n.SubmittingUnitID,
				string(Submitted), n.ID, nullID(n.ForwardedFromID), now, nullID(sc.UserID)).Scan(&newID)
			if database.IsUnique(err) {
				return "", errs.E(errs.Conflict, "Hồ sơ đã có trong đợt “"+r.Name+"”.")
			}
			if err != nil {
				return "", errs.Wrap(err, "selection: carry over")
			}
			created, err := s.nomination(ctx, tx, newID)
			if err != nil {
				return "", err
			}
			if err := event(ctx, tx, sc, created, CarryOver, "", Submitted, "chuyển từ đợt "+n.RoundName); err != nil {
				return "", err
			}
			msg = "Đã chuyển sang đợt “" + r.Name + "”."
			return "sang đợt " + r.Name, nil
		})
		return msg, err
	}, nil)
}

func joinLines(ws []string) string {
	out := ""
	for i, w := range ws {
		if i > 0 {
			out += "\n"
		}
		out += w
	}
	return out
}
