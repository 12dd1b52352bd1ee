package selection

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"thidua/internal/access"
	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// RubricItem is one scored criterion of a round.
type RubricItem struct {
	Key    string  `json:"key"`
	Label  string  `json:"label"`
	Weight float64 `json:"weight"` // share of the total, the weights summing to 100
	Max    int     `json:"max"`    // the scale: each item is scored from 0 to Max
}

// Member is one member of the emulation council (hội đồng thi đua – khen thưởng).
type Member struct {
	Name     string `json:"name"`
	Position string `json:"position"`
	UserID   int64  `json:"user_id,omitempty"`
}

// Council is the body that decides a round: its members, the quorum of
// members present, and the approval threshold in percent of ALL members
// (votes of absent members given in writing count), 80 by default as
// emulation councils use.
type Council struct {
	Members   []Member `json:"members"`
	Quorum    int      `json:"quorum"`
	Threshold int      `json:"threshold"`
}

// DefaultThreshold is the approval threshold when none is given.
const DefaultThreshold = 80

// RoundStatus is whether a round still takes decisions.
type RoundStatus string

const (
	Open     RoundStatus = "open"
	Released RoundStatus = "released" // results released at least once
)

// Round is a reviewing unit's selection window.
type Round struct {
	ID          int64        `json:"id"`
	UnitID      int64        `json:"unit_id"`
	UnitName    string       `json:"unit_name"`
	UnitPath    string       `json:"-"`
	Name        string       `json:"name"`
	SubmitFrom  time.Time    `json:"submit_from"`
	SubmitUntil time.Time    `json:"submit_until"`
	ReviewUntil time.Time    `json:"review_until"`
	Rubric      []RubricItem `json:"rubric"`
	Quota       int          `json:"quota"` // per submitting unit; 0: no limit
	Council     Council      `json:"council"`
	Status      RoundStatus  `json:"status"`
	ReleasedAt  *time.Time   `json:"released_at"`
	Minutes     string       `json:"minutes"` // the council's minutes (biên bản)
	Version     int          `json:"version"`
	CreatedAt   time.Time    `json:"created_at"`
}

// AcceptsAt reports whether the round takes submissions at t (before its
// deadline; later ones are accepted but marked late until review ends).
func (r Round) AcceptsAt(t time.Time) bool { return !t.Before(r.SubmitFrom) && !t.After(r.ReviewUntil) }

// LateAt reports whether a submission at t misses the deadline.
func (r Round) LateAt(t time.Time) bool { return t.After(r.SubmitUntil) }

// RoundInput is what an officer sets when opening or editing a round.
type RoundInput struct {
	UnitID      int64
	Name        string
	SubmitFrom  time.Time
	SubmitUntil time.Time
	ReviewUntil time.Time
	Rubric      []RubricItem // nil: copied from the unit's previous round, else the preset in force
	Quota       int
	Council     Council
	Minutes     string
}

func (in *RoundInput) normalize() {
	in.Name = viet.NFC(in.Name)
	for i := range in.Council.Members {
		in.Council.Members[i].Name = viet.NFC(in.Council.Members[i].Name)
		in.Council.Members[i].Position = viet.NFC(in.Council.Members[i].Position)
	}
	if in.Council.Threshold == 0 {
		in.Council.Threshold = DefaultThreshold
	}
	if in.Council.Quorum == 0 {
		in.Council.Quorum = len(in.Council.Members)/2 + 1
	}
}

func (in RoundInput) validate() error {
	f := errs.Fields{}
	if in.Name == "" {
		f.Add("name", "Nhập tên đợt xét chọn, ví dụ “Quý III/2026”.")
	}
	if in.SubmitFrom.IsZero() {
		f.Add("submit_from", "Nhập ngày bắt đầu nhận hồ sơ.")
	}
	if in.SubmitUntil.IsZero() {
		f.Add("submit_until", "Nhập hạn nộp hồ sơ.")
	} else if !in.SubmitUntil.After(in.SubmitFrom) {
		f.Add("submit_until", "Hạn nộp phải sau ngày bắt đầu nhận hồ sơ.")
	}
	if in.ReviewUntil.IsZero() {
		f.Add("review_until", "Nhập hạn xét chọn.")
	} else if in.ReviewUntil.Before(in.SubmitUntil) {
		f.Add("review_until", "Hạn xét chọn không được trước hạn nộp hồ sơ.")
	}
	if in.Quota < 0 {
		f.Add("quota", "Chỉ tiêu không được âm (0 là không giới hạn).")
	}
	if len(in.Council.Members) == 0 {
		f.Add("council", "Nhập danh sách thành viên hội đồng.")
	}
	for _, m := range in.Council.Members {
		if m.Name == "" {
			f.Add("council", "Mỗi thành viên hội đồng cần có họ tên.")
		}
	}
	if in.Council.Threshold < 50 || in.Council.Threshold > 100 {
		f.Add("threshold", "Tỷ lệ đồng ý phải từ 50% đến 100% tổng số thành viên.")
	}
	if n := len(in.Council.Members); n > 0 && (in.Council.Quorum < 1 || in.Council.Quorum > n) {
		f.Add("quorum", fmt.Sprintf("Số thành viên tối thiểu phải có mặt từ 1 đến %d.", n))
	}
	if in.Rubric != nil {
		if msg := rubricProblem(in.Rubric); msg != "" {
			f.Add("rubric", msg)
		}
	}
	return f.Err()
}

func rubricProblem(items []RubricItem) string {
	if len(items) == 0 {
		return "Bộ tiêu chí chấm cần ít nhất một tiêu chí."
	}
	var sum float64
	seen := map[string]bool{}
	for _, it := range items {
		if it.Key == "" || it.Label == "" || seen[it.Key] {
			return "Mỗi tiêu chí cần mã riêng và tên."
		}
		seen[it.Key] = true
		if it.Max <= 0 || it.Weight <= 0 {
			return "Mỗi tiêu chí cần trọng số và thang điểm lớn hơn 0."
		}
		sum += it.Weight
	}
	if math.Abs(sum-100) > 0.001 {
		return fmt.Sprintf("Tổng trọng số các tiêu chí phải bằng 100 (hiện là %s).", viet.Decimal(sum, 1))
	}
	return ""
}

const roundColumns = `r.id, r.unit_id, un.name, un.path, r.name, r.submit_from, r.submit_until, r.review_until, r.rubric, r.quota,
	r.council, r.status, r.released_at, r.minutes, r.version, r.created_at`

const roundFrom = ` FROM rounds r JOIN units un ON un.id = r.unit_id`

type scanner interface{ Scan(dest ...any) error }

func scanRound(s scanner) (Round, error) {
	var r Round
	var rubric, council string
	var released sql.NullTime
	err := s.Scan(&r.ID, &r.UnitID, &r.UnitName, &r.UnitPath, &r.Name, &r.SubmitFrom, &r.SubmitUntil, &r.ReviewUntil, &rubric, &r.Quota,
		&council, &r.Status, &released, &r.Minutes, &r.Version, &r.CreatedAt)
	if err != nil {
		return r, err
	}
	if released.Valid {
		r.ReleasedAt = &released.Time
	}
	if err := json.Unmarshal([]byte(rubric), &r.Rubric); err != nil {
		return r, fmt.Errorf("rubric: %w", err)
	}
	if err := json.Unmarshal([]byte(council), &r.Council); err != nil {
		return r, fmt.Errorf("council: %w", err)
	}
	return r, nil
}

func (s *Store) round(ctx context.Context, q database.Querier, id int64) (Round, error) {
	r, err := scanRound(q.QueryRowContext(ctx, "SELECT "+roundColumns+roundFrom+" WHERE r.id = $1", id))
	if err == sql.ErrNoRows {
		return r, errs.ErrNotFound
	}
	if err != nil {
		return r, errs.Wrap(err, "selection: round")
	}
	return r, nil
}

// Round returns a round the caller may see: any role at its unit, above it
// or below it (submitters see the rounds they submit into).
func (s *Store) Round(ctx context.Context, sc access.Scope, id int64) (Round, error) {
	r, err := s.round(ctx, s.DB.R, id)
	if err != nil {
		return r, err
	}
	if !sc.CanSeeUnit(r.UnitPath) {
		return Round{}, errs.ErrNotFound
	}
	return r, nil
}

// Rounds lists the rounds held by unitID (newest first) that the caller may see.
func (s *Store) Rounds(ctx context.Context, sc access.Scope, unitID int64, limit, offset int) ([]Round, int, error) {
	u, err := s.Units.Get(ctx, sc, unitID)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := s.DB.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM rounds WHERE unit_id = $1", u.ID).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "selection: count rounds")
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.DB.R.QueryContext(ctx, "SELECT "+roundColumns+roundFrom+" WHERE r.unit_id = $1 ORDER BY r.submit_until DESC, r.id DESC LIMIT $2 OFFSET $3", u.ID, limit, offset)
	if err != nil {
		return nil, 0, errs.Wrap(err, "selection: rounds")
	}
	defer rows.Close()
	var out []Round
	for rows.Next() {
		r, err := scanRound(rows)
		if err != nil {
			return nil, 0, errs.Wrap(err, "selection: scan round")
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// TargetRounds returns the rounds a unit's nominations can go into at time
// t: the rounds of the nearest unit above it that holds rounds, taking
// submissions at t, earliest deadline first.
func (s *Store) TargetRounds(ctx context.Context, from unit.Unit, t time.Time) (unit.Unit, []Round, error) {
	holder, err := s.Units.RoundHolderAbove(ctx, from, dayOf(t))
	if err != nil {
		return holder, nil, err
	}
	rows, err := s.DB.R.QueryContext(ctx, "SELECT "+roundColumns+roundFrom+
		" WHERE r.unit_id = $1 AND r.submit_from <= $2 AND r.review_until >= $2 ORDER BY r.submit_until, r.id", holder.ID, t.UTC())
	if err != nil {
		return holder, nil, errs.Wrap(err, "selection: target rounds")
	}
	defer rows.Close()
	var out []Round
	for rows.Next() {
		r, err := scanRound(rows)
		if err != nil {
			return holder, nil, errs.Wrap(err, "selection: scan round")
		}
		out = append(out, r)
	}
	return holder, out, rows.Err()
}

func dayOf(t time.Time) time.Time {
	t = t.In(viet.Zone)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Preset is a rubric in force for a period.
type Preset struct {
	ID        int64
	Name      string
	ValidFrom *time.Time
	ValidTo   *time.Time
	Items     []RubricItem
}

// Presets lists the rubric presets, newest period first.
func (s *Store) Presets(ctx context.Context) ([]Preset, error) {
	rows, err := s.DB.R.QueryContext(ctx, "SELECT id, name, valid_from, valid_to, items FROM rubric_presets ORDER BY COALESCE(valid_from, '1900-01-01') DESC, id DESC")
	if err != nil {
		return nil, errs.Wrap(err, "selection: presets")
	}
	defer rows.Close()
	var out []Preset
	for rows.Next() {
		var p Preset
		var from, to sql.NullTime
		var items string
		if err := rows.Scan(&p.ID, &p.Name, &from, &to, &items); err != nil {
			return nil, errs.Wrap(err, "selection: scan preset")
		}
		if from.Valid {
			p.ValidFrom = &from.Time
		}
		if to.Valid {
			p.ValidTo = &to.Time
		}
		if err := json.Unmarshal([]byte(items), &p.Items); err != nil {
			return nil, errs.Wrap(err, "selection: preset items")
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// defaultRubric is the rubric of the unit's latest round, or the preset in
// force on day.
func (s *Store) defaultRubric(ctx context.Context, q database.Querier, unitID int64, day time.Time) ([]RubricItem, error) {
	var rubric string
	err := q.QueryRowContext(ctx, "SELECT rubric FROM rounds WHERE unit_id = $1 ORDER BY submit_until DESC, id DESC LIMIT 1", unitID).Scan(&rubric)
	if err == nil {
		var items []RubricItem
		return items, json.Unmarshal([]byte(rubric), &items)
	}
	if err != sql.ErrNoRows {
		return nil, errs.Wrap(err, "selection: previous rubric")
	}
	presets, err := s.Presets(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range presets {
		if (p.ValidFrom == nil || !day.Before(*p.ValidFrom)) && (p.ValidTo == nil || !day.After(*p.ValidTo)) {
			return p.Items, nil
		}
	}
	return nil, errs.InvalidField("rubric", "Chưa có bộ tiêu chí chấm cho thời điểm này; hãy nhập bộ tiêu chí.")
}

func roundSnapshot(r Round) map[string]any {
	return map[string]any{"name": r.Name, "submit_from": r.SubmitFrom, "submit_until": r.SubmitUntil, "review_until": r.ReviewUntil,
		"quota": r.Quota, "rubric": r.Rubric, "council": r.Council, "status": r.Status, "version": r.Version}
}

// OpenRound opens a round at in.UnitID; the caller must be its officer and
// the unit must hold rounds.
func (s *Store) OpenRound(ctx context.Context, sc access.Scope, in RoundInput) (Round, error) {
	in.normalize()
	if err := in.validate(); err != nil {
		return Round{}, err
	}
	u, err := s.Units.Get(ctx, sc, in.UnitID)
	if err != nil {
		return Round{}, err
	}
	if !sc.Has(u.Path, access.Officer) {
		return Round{}, errs.ErrForbidden
	}
	if !u.RunsRounds {
		return Round{}, errs.InvalidField("unit_id", u.Name+" chưa được đánh dấu là đơn vị tổ chức xét chọn điển hình.")
	}
	var out Round
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if in.Rubric == nil {
			if in.Rubric, err = s.defaultRubric(ctx, tx, u.ID, dayOf(in.SubmitFrom)); err != nil {
				return err
			}
		}
		rubric, _ := json.Marshal(in.Rubric)
		council, _ := json.Marshal(in.Council)
		now := database.Now()
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO rounds (unit_id, name, submit_from, submit_until, review_until, rubric, quota, council, status, minutes, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
			u.ID, in.Name, in.SubmitFrom.UTC(), in.SubmitUntil.UTC(), in.ReviewUntil.UTC(), string(rubric), in.Quota, string(council), string(Open),
			in.Minutes, nullID(sc.UserID), now).Scan(&id); err != nil {
			return errs.Wrap(err, "selection: insert round")
		}
		if out, err = s.round(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: u.ID, UnitPath: u.Path, Action: "create", ObjectType: "round",
			ObjectID: id, Summary: "Mở đợt xét chọn " + out.Name + " tại " + u.Name, After: roundSnapshot(out)})
	})
	return out, err
}

// UpdateRound changes a round's settings; version must be the one read.
func (s *Store) UpdateRound(ctx context.Context, sc access.Scope, id int64, version int, in RoundInput) (Round, error) {
	in.normalize()
	var out Round
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.round(ctx, tx, id)
		if err != nil {
			return err
		}
		if !sc.CanSeeUnit(old.UnitPath) {
			return errs.ErrNotFound
		}
		if !sc.Has(old.UnitPath, access.Officer) {
			return errs.ErrForbidden
		}
		if in.Rubric == nil {
			in.Rubric = old.Rubric
		}
		if err := in.validate(); err != nil {
			return err
		}
		rubric, _ := json.Marshal(in.Rubric)
		council, _ := json.Marshal(in.Council)
		res, err := tx.ExecContext(ctx, `UPDATE rounds SET name = $1, submit_from = $2, submit_until = $3, review_until = $4, rubric = $5, quota = $6,
			council = $7, minutes = $8, version = version + 1, updated_at = $9 WHERE id = $10 AND version = $11`,
			in.Name, in.SubmitFrom.UTC(), in.SubmitUntil.UTC(), in.ReviewUntil.UTC(), string(rubric), in.Quota, string(council), in.Minutes,
			database.Now(), id, version)
		if err := guarded(res, err); err != nil {
			return err
		}
		if out, err = s.round(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: out.UnitID, UnitPath: out.UnitPath, Action: "update", ObjectType: "round",
			ObjectID: id, Summary: "Sửa đợt xét chọn " + out.Name, Before: roundSnapshot(old), After: roundSnapshot(out)})
	})
	return out, err
}

func guarded(res sql.Result, err error) error {
	if err != nil {
		return errs.Wrap(err, "selection: update")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.ErrStale
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Approves reports whether the council's votes select: the votes for, with
// absent members' written votes for, reach the threshold of all members.
func (c Council) Approves(votesFor, absentFor int) bool {
	n := len(c.Members)
	return n > 0 && (votesFor+absentFor)*100 >= c.Threshold*n
}

// describeCouncil is one Vietnamese line about the council's rule.
func (c Council) describe() string {
	return fmt.Sprintf("%d thành viên, tối thiểu %d có mặt, chọn khi đạt %d%% tổng số thành viên đồng ý", len(c.Members), c.Quorum, c.Threshold)
}
