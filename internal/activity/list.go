package activity

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/viet"
)

// Filter narrows a listing of activities. The zero Filter lists everything
// the caller may read, newest first.
type Filter struct {
	UnitID     int64      `json:"unit_id,omitempty"`     // only this unit's subtree (0: every subtree the caller reaches)
	SchoolYear int        `json:"school_year,omitempty"` // 2025 for năm học 2025-2026 (1/8/2025–31/7/2026); overrides From and To
	From       *time.Time `json:"from,omitempty"`        // first day, inclusive
	To         *time.Time `json:"to,omitempty"`          // last day, inclusive
	Form       Form       `json:"form,omitempty"`
	MovementID int64      `json:"movement_id,omitempty"`
	CampaignID int64      `json:"campaign_id,omitempty"`
	Status     Status     `json:"status,omitempty"` // Planned or Held ("": both)
	Query      string     `json:"query,omitempty"`  // words, each beginning a word of the title, form, partners or description (folded: "duc" finds "Đức")

	Limit  int    `json:"-"` // 50 when 0, at most 1000
	After  string `json:"-"` // cursor: the rows after (older than) it
	Before string `json:"-"` // cursor: the rows before (newer than) it, for the previous page
	Offset int    `json:"-"` // rows to skip, without a cursor (deep offsets are slow: prefer the cursors)
}

// SchoolYearRange is the period of năm học y-(y+1): 1 August y to 31 July
// y+1, as viet.SchoolYear counts it.
func SchoolYearRange(y int) (time.Time, time.Time) {
	return time.Date(y, time.August, 1, 0, 0, 0, 0, time.UTC), time.Date(y+1, time.July, 31, 0, 0, 0, 0, time.UTC)
}

// SchoolYearOf is the first calendar year of the school year holding d.
func SchoolYearOf(d time.Time) int {
	if d.Month() < time.August {
		return d.Year() - 1
	}
	return d.Year()
}

// period is the filter's first and last day (nil when open).
func (f Filter) period() (*time.Time, *time.Time) {
	if f.SchoolYear != 0 {
		from, to := SchoolYearRange(f.SchoolYear)
		return &from, &to
	}
	var from, to *time.Time
	if f.From != nil {
		d := day(*f.From)
		from = &d
	}
	if f.To != nil {
		d := day(*f.To)
		to = &d
	}
	return from, to
}

// Cursor is a place in the newest-first order: a day and an id.
type Cursor struct {
	Day time.Time
	ID  int64
}

// String writes the cursor as "20250314-123".
func (c Cursor) String() string { return c.Day.Format("20060102") + "-" + strconv.FormatInt(c.ID, 10) }

// ParseCursor reads a cursor written by Cursor.String.
func ParseCursor(s string) (Cursor, error) {
	d, id, ok := strings.Cut(s, "-")
	t, err := time.Parse("20060102", d)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || err2 != nil || n <= 0 {
		return Cursor{}, errs.InvalidField("cursor", "Vị trí trang không hợp lệ; hãy quay về trang đầu.")
	}
	return Cursor{t, n}, nil
}

func cursorOf(a Activity) string { return Cursor{a.Date, a.ID}.String() }

// Page is one page of a listing.
type Page struct {
	Items  []Activity
	Total  int          // matching the whole filter
	ByForm map[Form]int // matching the filter but for its form: how the forms share the rest of the filter
	Next   string       // cursor of the next (older) page, "" at the end
	Prev   string       // cursor of the previous (newer) page, "" on the first
}

// query is a WHERE clause under construction: conditions joined by AND,
// with their arguments numbered $1, $2… in order.
type query struct {
	where []string
	args  []any
}

// add appends a condition; each ? in it takes the next of vals.
func (q *query) add(cond string, vals ...any) {
	q.where = append(q.where, numbered(cond, len(q.args)+1))
	q.args = append(q.args, vals...)
}

// numbered replaces the ? marks of cond by $from, $from+1…
func numbered(cond string, from int) string {
	var b strings.Builder
	for i, part := range strings.Split(cond, "?") {
		if i > 0 {
			b.WriteString("$" + strconv.Itoa(from+i-1))
		}
		b.WriteString(part)
	}
	return b.String()
}

func (q query) clone() query {
	return query{where: slices.Clone(q.where), args: slices.Clone(q.args)}
}

func (q query) sql() string {
	if len(q.where) == 0 {
		return "1 = 1"
	}
	return strings.Join(q.where, " AND ")
}

// unitSet is the set of units a listing covers: a condition on units (its
// column path), or every unit when all is set.
type unitSet struct {
	cond string
	args []any
	all  bool
	// big: the set holds more than half the units, so counting goes
	// through what lies outside it (see List).
	big bool
	// rowCheck: another condition drives the query (PostgreSQL's word
	// index); the units are checked row by row.
	rowCheck bool
}

// indexed reports whether the set's units may drive a query.
func (u unitSet) indexed() bool { return !u.big && !u.rowCheck }

// in is the condition "a.unit_id in the set" (negated: not in it), for q.
// plain is false for a big set, so that the planner walks the activities in
// the list's order and checks the unit of each, rather than reading the
// activities of every unit of the set and sorting them.
func (u unitSet) in(q *query, negate, plain bool) {
	if u.all {
		return
	}
	col, not := "a.unit_id", ""
	if !plain {
		col = "+a.unit_id" // no index on unit_id for this term
	}
	if negate {
		not = "NOT "
	}
	q.add(col+" IN (SELECT id FROM units WHERE "+not+"("+u.cond+"))", u.args...)
}

// units resolves the caller's subtrees and the filter's unit into a unit
// set. The set is read through units.path at query time, so a unit moved in
// the tree takes its activities with it.
func (s *Store) units(ctx context.Context, sc access.Scope, f Filter) (unitSet, error) {
	cond, args := sc.Filter("path", 1)
	under := ""
	if f.UnitID != 0 {
		u, err := loadUnit(ctx, s.DB.R, f.UnitID)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return unitSet{}, err
		}
		if err != nil || !sc.CanSeeUnit(u.Path) {
			return unitSet{}, errs.ErrNotFound
		}
		under = u.Path
	}
	if cond == "1 = 1" && under == "" {
		return unitSet{all: true}, nil
	}
	// Placeholders become ? so that the set can be numbered in any query
	// (from the highest down, so that $1 does not take the start of $12).
	for i := len(args); i >= 1; i-- {
		cond = strings.ReplaceAll(cond, "$"+strconv.Itoa(i), "?")
	}
	set := unitSet{cond: cond, args: args}
	if under != "" {
		set.cond += " AND path LIKE ?"
		set.args = append(set.args, under+"%")
	}
	var in, all int
	if err := s.DB.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM units WHERE "+numbered(set.cond, 1), set.args...).Scan(&in); err != nil {
		return unitSet{}, errs.Wrap(err, "activity: count units")
	}
	if err := s.DB.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM units").Scan(&all); err != nil {
		return unitSet{}, errs.Wrap(err, "activity: count units")
	}
	set.big = 2*in > all
	return set, nil
}

// base builds the conditions of f other than the units, the form and the
// cursor. restrictive reports a condition (movement, campaign, words) that
// no index on the day or the form serves. A movement or campaign over a
// small unit set is looked up through its links' units.
func (s *Store) base(f Filter, units *unitSet) (q query, restrictive bool, err error) {
	from, to := f.period()
	if from != nil {
		q.add("a.held_on >= ?", *from)
	}
	if to != nil {
		q.add("a.held_on <= ?", *to)
	}
	switch f.Status {
	case "":
	case Planned:
		q.add("a.held_on > ?", s.Today())
	case Held:
		q.add("a.held_on <= ?", s.Today())
	default:
		return q, false, errs.InvalidField("status", "Trạng thái chỉ có thể là kế hoạch hoặc đã tổ chức.")
	}
	link := func(table, col string, id int64) {
		cond, args := "a.id IN (SELECT activity_id FROM "+table+" WHERE "+col+" = ?", []any{id}
		if !units.all && !units.big {
			cond += " AND unit_id IN (SELECT id FROM units WHERE " + units.cond + ")"
			args = append(args, units.args...)
		}
		q.add(cond+")", args...)
		restrictive = true
	}
	if f.MovementID != 0 {
		link("activity_movements", "movement_id", f.MovementID)
	}
	if f.CampaignID != 0 {
		link("activity_campaigns", "campaign_id", f.CampaignID)
	}
	if words := searchWords(f.Query); len(words) > 0 {
		restrictive = true
		if s.DB.Dialect == database.Postgres {
			for i, w := range words {
				words[i] = w + ":*"
			}
			// Written into the query (the words are letters and digits
			// only), so that the planner weighs them; the word index
			// drives, and the units are checked row by row (driven by a
			// small set's units, the planner would read the index's
			// answer again for each unit).
			q.add("a.search_tsv @@ to_tsquery('simple', '" + strings.Join(words, " & ") + "')")
			units.rowCheck = true
		} else {
			for i, w := range words {
				words[i] = `"` + w + `"*`
			}
			// Over a small unit set, the set's activities are read and
			// each looked up among the matches, listed once (+: not an
			// index condition); over a big one, the matches drive.
			col := "a.id"
			if !units.all && !units.big {
				col = "+a.id"
			}
			q.add(col+" IN (SELECT rowid FROM activities_fts WHERE activities_fts MATCH ?)", strings.Join(words, " "))
		}
	}
	return q, restrictive, nil
}

// searchWords splits a search into its folded words (letters and digits):
// each must begin a word of the activity's search text ("giao lu" finds
// "giao lưu", "duc" finds "Đức").
func searchWords(q string) []string {
	return strings.FieldsFunc(viet.Fold(q), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
}

// countForms counts the activities matching base and the unit set, per
// form. Over a small set (a ward, a school) or with a restrictive
// condition, one query reads the matching rows through the set's units.
// Over a big set (a department: most of the units), reading every unit's
// rows costs a seek per unit and a look at each row; there the counts come
// from activity_day_counts (per form and day, over all units: a few
// thousand rows), and what lies outside the set (usually nothing, or
// another tree) is counted the first way and taken off.
func (s *Store) countForms(ctx context.Context, base query, units unitSet, restrictive bool) (map[Form]int, error) {
	out := map[Form]int{}
	collect := func(q string, args []any, sign int) error {
		rows, err := s.DB.R.QueryContext(ctx, q, args...)
		if err != nil {
			return errs.Wrap(err, "activity: count")
		}
		defer rows.Close()
		for rows.Next() {
			var f Form
			var n int
			if err := rows.Scan(&f, &n); err != nil {
				return errs.Wrap(err, "activity: count")
			}
			out[f] += sign * n
		}
		return rows.Err()
	}
	grouped := func(q query) string {
		return "SELECT a.form, COUNT(*) FROM activities a WHERE " + q.sql() + " GROUP BY a.form"
	}
	if restrictive || (!units.all && !units.big) {
		// A big set is checked row by row (+a.unit_id), so that the
		// restrictive condition drives the query: planned for an unknown
		// path, a prepared statement could otherwise read every unit's
		// rows.
		q := base.clone()
		units.in(&q, false, units.indexed())
		return out, collect(grouped(q), q.args, 1)
	}
	// base holds conditions on a.held_on only: they apply to the day counts.
	if err := collect("SELECT a.form, SUM(a.n) FROM activity_day_counts a WHERE "+base.sql()+" GROUP BY a.form", base.args, 1); err != nil {
		return nil, err
	}
	if units.all {
		return out, nil
	}
	q := base.clone()
	units.in(&q, true, true)
	return out, collect(grouped(q), q.args, -1)
}

// List returns a page of the activities the caller may read that match f,
// newest first (by day, then by id), with the number that match and how
// they spread over the forms. Pages follow each other by cursor (Next,
// Prev): each page is one index range, however deep.
func (s *Store) List(ctx context.Context, sc access.Scope, f Filter) (Page, error) {
	if f.Form != "" && !f.Form.Valid() {
		return Page{}, errs.InvalidField("form", "Hình thức tuyên truyền không hợp lệ.")
	}
	units, err := s.units(ctx, sc, f)
	if err != nil {
		return Page{}, err
	}
	base, restrictive, err := s.base(f, &units)
	if err != nil {
		return Page{}, err
	}
	p := Page{}
	if p.ByForm, err = s.countForms(ctx, base, units, restrictive); err != nil {
		return Page{}, err
	}
	for _, n := range p.ByForm {
		p.Total += n
	}
	if f.Form != "" {
		p.Total = p.ByForm[f.Form]
	}

	q := base.clone()
	units.in(&q, false, units.indexed())
	if f.Form != "" {
		q.add("a.form = ?", string(f.Form))
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 1000)
	order, backward := "a.held_on DESC, a.id DESC", false
	switch {
	case f.After != "":
		c, err := ParseCursor(f.After)
		if err != nil {
			return Page{}, err
		}
		q.add("(a.held_on, a.id) < (?, ?)", c.Day, c.ID)
	case f.Before != "":
		c, err := ParseCursor(f.Before)
		if err != nil {
			return Page{}, err
		}
		q.add("(a.held_on, a.id) > (?, ?)", c.Day, c.ID)
		order, backward = "a.held_on, a.id", true
	}
	// The page's ids first, from the narrow indexes (a small subtree's
	// matches are sorted as (day, id) pairs, not as whole rows), then
	// their rows.
	args := append(q.args, f.Limit+1)
	ids := fmt.Sprintf("SELECT a.id FROM activities a WHERE %s ORDER BY %s LIMIT $%d", q.sql(), order, len(args))
	if f.After == "" && f.Before == "" && f.Offset > 0 {
		args = append(args, f.Offset)
		ids += fmt.Sprintf(" OFFSET $%d", len(args))
	}
	items, err := s.query(ctx, s.DB.R, "SELECT "+activityColumns+activityFrom+" WHERE a.id IN ("+ids+") ORDER BY "+order, args...)
	if err != nil {
		return Page{}, err
	}
	more := len(items) > f.Limit
	if more {
		items = items[:f.Limit]
	}
	if backward {
		slices.Reverse(items)
	}
	p.Items = items
	if len(items) > 0 {
		first, last := cursorOf(items[0]), cursorOf(items[len(items)-1])
		switch {
		case backward:
			p.Next = last // we came back from there
			if more {
				p.Prev = first
			}
		default:
			if more {
				p.Next = last
			}
			if f.After != "" || f.Offset > 0 {
				p.Prev = first
			}
		}
	}
	return p, nil
}

// Describe writes the filter in words, for the title row of an export:
// "Đơn vị: Phường Lái Thiêu và các đơn vị trực thuộc; năm học 2024-2025
// (01/08/2024 – 31/07/2025); hình thức: Tọa đàm".
func (s *Store) Describe(ctx context.Context, sc access.Scope, f Filter) (string, error) {
	var parts []string
	if f.UnitID != 0 {
		u, err := loadUnit(ctx, s.DB.R, f.UnitID)
		if err != nil || !sc.CanSeeUnit(u.Path) {
			return "", errs.ErrNotFound
		}
		parts = append(parts, "Đơn vị: "+u.Name+" và các đơn vị trực thuộc")
	} else {
		var names []string
		for _, g := range sc.Grants {
			switch {
			case g.Path == access.SystemPath:
				names = []string{"toàn hệ thống"}
			case g.UnitName != "" && !slices.Contains(names, g.UnitName) && (len(names) == 0 || names[0] != "toàn hệ thống"):
				names = append(names, g.UnitName+" và các đơn vị trực thuộc")
			}
		}
		if len(names) == 0 {
			names = []string{"không có"}
		}
		parts = append(parts, "Đơn vị: "+strings.Join(names, "; "))
	}
	from, to := f.period()
	switch {
	case f.SchoolYear != 0:
		parts = append(parts, fmt.Sprintf("năm học %d-%d (%s – %s)", f.SchoolYear, f.SchoolYear+1, viet.ShortDate(*from), viet.ShortDate(*to)))
	case from != nil && to != nil:
		parts = append(parts, "từ "+viet.ShortDate(*from)+" đến "+viet.ShortDate(*to))
	case from != nil:
		parts = append(parts, "từ "+viet.ShortDate(*from))
	case to != nil:
		parts = append(parts, "đến "+viet.ShortDate(*to))
	}
	if f.Form != "" {
		parts = append(parts, "hình thức: "+f.Form.Label())
	}
	if f.MovementID != 0 || f.CampaignID != 0 {
		names, err := MovementNames(ctx, s.DB.R)
		if err != nil {
			return "", err
		}
		if f.MovementID != 0 {
			parts = append(parts, "phong trào: "+names.Movements[f.MovementID])
		}
		if f.CampaignID != 0 {
			parts = append(parts, "đợt thi đua: "+names.Campaigns[f.CampaignID])
		}
	}
	if f.Status != "" {
		parts = append(parts, "trạng thái: "+strings.ToLower(f.Status.Label()))
	}
	if q := viet.NFC(f.Query); q != "" {
		parts = append(parts, "từ khóa: “"+q+"”")
	}
	return strings.Join(parts, "; "), nil
}
