package plan

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/collate"

	"thidua/internal/access"
	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/notify"
	"thidua/internal/viet"
)

// State is where a required unit stands with its own plan.
type State string

const (
	OnTime  State = "on_time" // issued by the deadline
	Late    State = "late"    // issued after it
	Missing State = "missing" // not issued (yet)
)

// States lists every state in display order.
var States = []State{Missing, Late, OnTime}

// Label is the Vietnamese name of a state.
func (s State) Label() string {
	switch s {
	case OnTime:
		return "Ban hành đúng hạn"
	case Late:
		return "Ban hành trễ hạn"
	case Missing:
		return "Chưa ban hành"
	}
	return string(s)
}

// Valid reports whether s is a known state.
func (s State) Valid() bool { return slices.Contains(States, s) }

// Row is one required unit in the compliance table.
type Row struct {
	Unit       UnitRef
	State      State
	Plan       *Ref // the unit's plan based on this one (its earliest issued), nil when missing
	DaysLate   int  // days after the deadline it was issued, or (missing) that have passed since it
	Drafts     int  // drafts of such a plan at the unit, not yet issued
	Closed     bool // the unit has ended (a unit of an old tree): nobody to remind
	RemindedAt *time.Time
	Reminders  int
	search     string // the unit's folded code and names
}

// ComplianceFilter narrows the table.
type ComplianceFilter struct {
	State  State
	Query  string // folded words, each found in the unit's code or names
	Limit  int    // 100 when 0, at most 10000
	Offset int
}

// Compliance is the table of a plan that requires units to issue their own:
// the counts over all required units, and the rows that match the filter.
type Compliance struct {
	Plan     Ref
	Deadline time.Time
	Overdue  bool // the deadline has passed
	Total    int
	Counts   map[State]int
	Open     int   // units still missing that have not ended: whom a reminder reaches
	Matched  int   // rows matching the filter, before paging
	Rows     []Row // the page
}

// Compliance builds the table of plan id for the people of its issuing unit
// (any role there or above; a required unit does not see the others). A
// unit complies with the first plan it issued based on the plan or on any
// plan of its chain of replacements; on time means dated on or before the
// deadline.
func (s *Store) Compliance(ctx context.Context, sc access.Scope, id int64, f ComplianceFilter) (Compliance, error) {
	h, err := loadHead(ctx, s.DB.R, id)
	if err != nil {
		return Compliance{}, err
	}
	if !sc.CanRead(h.Path) {
		return Compliance{}, errs.ErrNotFound
	}
	var ref Ref
	var requireBy sql.NullTime
	var mode string
	var date sql.NullTime
	err = s.DB.R.QueryRowContext(ctx, "SELECT p.id, p.unit_id, u.name, p.status, p.number, p.symbol, p.doc_date, p.title, p.require_mode, p.require_by"+
		planFrom+" WHERE p.id = $1", id).Scan(&ref.ID, &ref.UnitID, &ref.UnitName, &ref.Status, &ref.Number, &ref.Symbol, &date, &ref.Title, &mode, &requireBy)
	if err != nil {
		return Compliance{}, errs.Wrap(err, "plan: compliance head")
	}
	ref.Date = dateOf(date)
	if mode == "" || !requireBy.Valid {
		return Compliance{}, errs.E(errs.NotFound, "Kế hoạch này không yêu cầu đơn vị cấp dưới ban hành kế hoạch.")
	}
	out := Compliance{Plan: ref, Deadline: day(requireBy.Time.UTC()), Counts: map[State]int{}}
	today := s.today()
	out.Overdue = today.After(out.Deadline)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT r.unit_id, u.name, u.path, u.search, u.valid_to, r.reminded_at, r.reminders,
		COALESCE(c.id, 0), COALESCE(c.status, ''), COALESCE(c.number, 0), COALESCE(c.symbol, ''), c.doc_date, COALESCE(c.title, '')
		FROM plan_requirements r JOIN units u ON u.id = r.unit_id
		LEFT JOIN plans c ON c.unit_id = r.unit_id AND c.based_lineage = $2
		WHERE r.plan_id = $1 ORDER BY r.unit_id`, id, h.Lineage)
	if err != nil {
		return Compliance{}, errs.Wrap(err, "plan: compliance")
	}
	defer rows.Close()
	var all []Row
	for rows.Next() {
		var r Row
		var validTo, reminded, cdate sql.NullTime
		var c Ref
		if err := rows.Scan(&r.Unit.ID, &r.Unit.Name, &r.Unit.Path, &r.search, &validTo, &reminded, &r.Reminders,
			&c.ID, &c.Status, &c.Number, &c.Symbol, &cdate, &c.Title); err != nil {
			return Compliance{}, errs.Wrap(err, "plan: scan compliance")
		}
		if reminded.Valid {
			t := reminded.Time.UTC()
			r.RemindedAt = &t
		}
		r.Closed = validTo.Valid && day(validTo.Time.UTC()).Before(today)
		if n := len(all); n == 0 || all[n-1].Unit.ID != r.Unit.ID {
			r.State = Missing
			all = append(all, r)
		}
		cur := &all[len(all)-1]
		switch {
		case c.ID == 0:
		case c.Status == Draft:
			cur.Drafts++
		case cdate.Valid:
			c.Date, c.UnitID, c.UnitName = dateOf(cdate), r.Unit.ID, r.Unit.Name
			if cur.Plan == nil || c.Date.Before(*cur.Plan.Date) || c.Date.Equal(*cur.Plan.Date) && c.ID < cur.Plan.ID {
				cp := c
				cur.Plan = &cp
			}
		}
	}
	if err := rows.Err(); err != nil {
		return Compliance{}, errs.Wrap(err, "plan: compliance")
	}
	// Vietnamese order of names, through collation keys: one key per row
	// instead of a comparison per pair.
	coll := viet.Collator()
	var buf collate.Buffer
	keys := make(map[int64][]byte, len(all))
	for _, r := range all {
		keys[r.Unit.ID] = coll.KeyFromString(&buf, r.Unit.Name)
	}
	slices.SortStableFunc(all, func(a, b Row) int { return bytes.Compare(keys[a.Unit.ID], keys[b.Unit.ID]) })
	words := strings.Fields(viet.Fold(f.Query))
	for i := range all {
		r := &all[i]
		switch {
		case r.Plan == nil:
			if out.Overdue {
				r.DaysLate = int(today.Sub(out.Deadline).Hours() / 24)
			}
		case r.Plan.Date.After(out.Deadline):
			r.State, r.DaysLate = Late, int(r.Plan.Date.Sub(out.Deadline).Hours()/24)
		default:
			r.State = OnTime
		}
		out.Counts[r.State]++
		out.Total++
		if r.State == Missing && !r.Closed {
			out.Open++
		}
		if f.State != "" && r.State != f.State || !matches(r.search, words) {
			continue
		}
		out.Matched++
		out.Rows = append(out.Rows, *r)
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	f.Limit = min(f.Limit, 10000)
	from := min(max(f.Offset, 0), len(out.Rows))
	out.Rows = out.Rows[from:min(from+f.Limit, len(out.Rows))]
	return out, nil
}

func matches(folded string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(folded, w) {
			return false
		}
	}
	return true
}

// RemindReport says what a reminder did.
type RemindReport struct {
	Units    int      // open units that have not issued their plan
	Closed   int      // units that have not either, but have ended since
	Notified int      // leaders told for the first time today
	Already  int      // units whose leaders were already reminded today
	NoLeader []string // units with no active leader account, named
}

// Remind tells the leaders of every required unit that has not issued its
// plan, in one step: an in-app notification (and a mail to those with an
// address), at most once per plan, unit and day. Officers and leaders of the
// issuing unit may; the action is audited even when everyone had already
// been reminded that day.
func (s *Store) Remind(ctx context.Context, sc access.Scope, id int64) (RemindReport, error) {
	var rep RemindReport
	p, err := s.Get(ctx, sc, id)
	if err != nil {
		return rep, err
	}
	if !sc.CanRead(p.UnitPath) {
		return rep, errs.ErrNotFound
	}
	if !p.CanWrite(sc) {
		return rep, errs.ErrForbidden
	}
	switch {
	case !p.Issued() || !p.Requires():
		return rep, errs.E(errs.Invalid, "Chỉ nhắc được khi kế hoạch đã ban hành và có yêu cầu đơn vị cấp dưới ban hành kế hoạch.")
	case p.Superseded():
		return rep, errs.E(errs.Invalid, "Kế hoạch đã được thay thế bởi "+p.SupersededBy.Label()+"; hãy nhắc theo kế hoạch đó.")
	}
	if s.Notify == nil {
		return rep, errs.Wrap(errors.New("no notify store"), "plan: remind")
	}
	table, err := s.Compliance(ctx, sc, id, ComplianceFilter{State: Missing, Limit: 10000})
	if err != nil {
		return rep, err
	}
	if len(table.Rows) == 0 {
		return rep, errs.E(errs.Invalid, "Tất cả các đơn vị đã ban hành kế hoạch; không có đơn vị nào cần nhắc.")
	}
	if table.Open == 0 {
		return rep, errs.E(errs.Invalid, "Các đơn vị chưa ban hành kế hoạch đều đã kết thúc hoạt động; không còn đơn vị nào để nhắc.")
	}
	today := s.today()
	when := "trước ngày " + viet.ShortDate(table.Deadline)
	if table.Overdue {
		when = "(đã quá hạn ngày " + viet.ShortDate(table.Deadline) + ")"
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		now := s.now().UTC().Truncate(time.Microsecond) // the store's clock, as the dedupe key's day
		var reminded []string
		for _, r := range table.Rows {
			if r.Closed {
				rep.Closed++
				continue
			}
			rep.Units++
			note := notify.Note{
				Title: "Nhắc ban hành kế hoạch thực hiện Kế hoạch số " + p.NumberSymbol(),
				Body: fmt.Sprintf("%s đề nghị %s ban hành kế hoạch thực hiện %s về việc %s %s.", p.UnitName, r.Unit.Name, p.Ref().Label(),
					lowerFirst(p.Title), when),
				URL:  "/plans/new?based_on=" + strconv.FormatInt(p.ID, 10) + "&unit=" + strconv.FormatInt(r.Unit.ID, 10),
				Key:  fmt.Sprintf("plan-%d-unit-%d-remind-%s", p.ID, r.Unit.ID, today.Format("2006-01-02")),
				Mail: true,
			}
			n, err := s.Notify.ToUnitTx(ctx, tx, r.Unit.ID, []access.Role{access.Leader}, note)
			if err != nil {
				return err
			}
			if n > 0 {
				rep.Notified += n
				reminded = append(reminded, r.Unit.Name)
				if _, err := tx.ExecContext(ctx, "UPDATE plan_requirements SET reminded_at = $1, reminders = reminders + 1 WHERE plan_id = $2 AND unit_id = $3",
					now, p.ID, r.Unit.ID); err != nil {
					return errs.Wrap(err, "plan: record reminder")
				}
				continue
			}
			var leaders int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM roles ro JOIN users us ON us.id = ro.user_id
				WHERE ro.unit_id = $1 AND ro.role = $2 AND us.active = $3`, r.Unit.ID, string(access.Leader), true).Scan(&leaders); err != nil {
				return errs.Wrap(err, "plan: count leaders")
			}
			if leaders == 0 {
				rep.NoLeader = append(rep.NoLeader, r.Unit.Name)
			} else {
				rep.Already++
			}
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: p.UnitID, UnitPath: p.UnitPath, Action: "remind", ObjectType: "plan",
			ObjectID: p.ID, Summary: fmt.Sprintf("Nhắc %d đơn vị chưa ban hành kế hoạch thực hiện Kế hoạch số %s (%d người nhận mới)",
				rep.Units, p.NumberSymbol(), rep.Notified),
			After: map[string]any{"reminded": reminded, "already_today": rep.Already, "no_leader": rep.NoLeader, "closed": rep.Closed}})
	})
	return rep, err
}

// Pending is a plan a unit must still issue: the higher plan requiring it.
type Pending struct {
	Plan     Ref // the requiring plan
	UnitID   int64
	UnitName string
	Deadline time.Time
	DraftID  int64 // the unit's draft of it, 0 when none
}

// ToIssue lists, for the home page's "việc cần làm", the plans the units
// where the caller is leader or officer (at the unit itself, not above it)
// must still issue, earliest deadline first. Closed units are left out.
func (s *Store) ToIssue(ctx context.Context, sc access.Scope, limit int) ([]Pending, error) {
	var units []any
	for _, g := range sc.Grants {
		if g.UnitID != 0 && slices.Contains(Writers, g.Role) && !slices.Contains(units, any(g.UnitID)) {
			units = append(units, g.UnitID)
		}
	}
	if len(units) == 0 {
		return nil, nil
	}
	args := append([]any{s.today()}, units...)
	args = append(args, min(max(limit, 1), 200))
	rows, err := s.DB.R.QueryContext(ctx, `SELECT p.id, p.unit_id, pu.name, p.number, p.symbol, p.doc_date, p.title, r.unit_id, u.name, p.require_by,
		COALESCE((SELECT MIN(d.id) FROM plans d WHERE d.unit_id = r.unit_id AND d.based_lineage = p.lineage_id AND d.status = 'draft'), 0)
		FROM plan_requirements r JOIN plans p ON p.id = r.plan_id JOIN units pu ON pu.id = p.unit_id JOIN units u ON u.id = r.unit_id
		WHERE r.unit_id IN (`+database.Placeholders(2, len(units))+`) AND p.status = 'issued' AND p.superseded_by IS NULL
		AND (u.valid_to IS NULL OR u.valid_to >= $1)
		AND NOT EXISTS (SELECT 1 FROM plans c WHERE c.unit_id = r.unit_id AND c.based_lineage = p.lineage_id AND c.status = 'issued')
		ORDER BY p.require_by, p.id, r.unit_id LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, errs.Wrap(err, "plan: to issue")
	}
	defer rows.Close()
	var out []Pending
	for rows.Next() {
		var x Pending
		var date, by sql.NullTime
		if err := rows.Scan(&x.Plan.ID, &x.Plan.UnitID, &x.Plan.UnitName, &x.Plan.Number, &x.Plan.Symbol, &date, &x.Plan.Title,
			&x.UnitID, &x.UnitName, &by, &x.DraftID); err != nil {
			return nil, errs.Wrap(err, "plan: scan to issue")
		}
		x.Plan.Status, x.Plan.Date = Issued, dateOf(date)
		if d := dateOf(by); d != nil {
			x.Deadline = *d
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
