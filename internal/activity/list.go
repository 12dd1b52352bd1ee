package activity

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"thidua/internal/access"
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
	Query      string     `json:"query,omitempty"`  // folded words, each found in the title, form, partners or description

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

// where builds the conditions of f for the caller, except the form and the
// cursor, with their arguments (placeholders from $1).
func (s *Store) where(ctx context.Context, sc access.Scope, f Filter) ([]string, []any, error) {
	var where []string
	var args []any
	add := func(c string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(c, "?", "$"+strconv.Itoa(len(args))))
	}
	// The unit filter goes through units.path, read at query time, so a unit
	// moved in the tree takes its activities with it.
	cond, cargs := sc.Filter("path", 1)
	under := ""
	if f.UnitID != 0 {
		u, err := loadUnit(ctx, s.DB.R, f.UnitID)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return nil, nil, err
		}
		if err != nil || !sc.CanSeeUnit(u.Path) {
			return nil, nil, errs.ErrNotFound
		}
		under = u.Path
	}
	if cond != "1 = 1" || under != "" {
		args = append(args, cargs...)
		sub := "SELECT id FROM units WHERE " + cond
		if under != "" {
			args = append(args, under+"%")
			sub += " AND path LIKE $" + strconv.Itoa(len(args))
		}
		where = append(where, "a.unit_id IN ("+sub+")")
	}
	from, to := f.period()
	if from != nil {
		add("a.held_on >= ?", *from)
	}
	if to != nil {
		add("a.held_on <= ?", *to)
	}
	switch f.Status {
	case "":
	case Planned:
		add("a.held_on > ?", s.Today())
	case Held:
		add("a.held_on <= ?", s.Today())
	default:
		return nil, nil, errs.InvalidField("status", "Trạng thái chỉ có thể là kế hoạch hoặc đã tổ chức.")
	}
	if f.MovementID != 0 {
		add("a.id IN (SELECT activity_id FROM activity_movements WHERE movement_id = ?)", f.MovementID)
	}
	if f.CampaignID != 0 {
		add("a.id IN (SELECT activity_id FROM activity_campaigns WHERE campaign_id = ?)", f.CampaignID)
	}
	for _, w := range strings.Fields(viet.Fold(f.Query)) {
		add(`a.search LIKE ? ESCAPE '\'`, "%"+likeEscape(w)+"%")
	}
	return where, args, nil
}

// likeEscape escapes LIKE's wildcards in s (the escape character is \).
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

func and(where []string) string {
	if len(where) == 0 {
		return "1 = 1"
	}
	return strings.Join(where, " AND ")
}

// List returns a page of the activities the caller may read that match f,
// newest first (by day, then by id), with the number that match and how
// they spread over the forms. Pages follow each other by cursor (Next,
// Prev): each page is one index range, however deep.
func (s *Store) List(ctx context.Context, sc access.Scope, f Filter) (Page, error) {
	if f.Form != "" && !f.Form.Valid() {
		return Page{}, errs.InvalidField("form", "Hình thức tuyên truyền không hợp lệ.")
	}
	where, args, err := s.where(ctx, sc, f)
	if err != nil {
		return Page{}, err
	}
	p := Page{ByForm: map[Form]int{}}
	// One pass counts the whole filter and each form: the forms are
	// constants, written into the query.
	sums := make([]string, len(Forms))
	for i, x := range Forms {
		sums[i] = fmt.Sprintf("COALESCE(SUM(CASE WHEN a.form = '%s' THEN 1 ELSE 0 END), 0)", x)
	}
	counts := make([]any, len(Forms)+1)
	n := make([]int, len(Forms)+1)
	for i := range n {
		counts[i] = &n[i]
	}
	if err := s.DB.R.QueryRowContext(ctx, "SELECT COUNT(*), "+strings.Join(sums, ", ")+" FROM activities a WHERE "+and(where), args...).Scan(counts...); err != nil {
		return Page{}, errs.Wrap(err, "activity: count")
	}
	p.Total = n[0]
	for i, x := range Forms {
		p.ByForm[x] = n[i+1]
	}
	if f.Form != "" {
		p.Total = p.ByForm[f.Form]
		args = append(args, string(f.Form))
		where = append(where, "a.form = $"+strconv.Itoa(len(args)))
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
		args = append(args, c.Day, c.ID)
		where = append(where, fmt.Sprintf("(a.held_on, a.id) < ($%d, $%d)", len(args)-1, len(args)))
	case f.Before != "":
		c, err := ParseCursor(f.Before)
		if err != nil {
			return Page{}, err
		}
		args = append(args, c.Day, c.ID)
		where = append(where, fmt.Sprintf("(a.held_on, a.id) > ($%d, $%d)", len(args)-1, len(args)))
		order, backward = "a.held_on, a.id", true
	}
	args = append(args, f.Limit+1)
	q := fmt.Sprintf("SELECT %s%s WHERE %s ORDER BY %s LIMIT $%d", activityColumns, activityFrom, and(where), order, len(args))
	if f.After == "" && f.Before == "" && f.Offset > 0 {
		args = append(args, f.Offset)
		q += fmt.Sprintf(" OFFSET $%d", len(args))
	}
	items, err := s.query(ctx, s.DB.R, q, args...)
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
		parts = append(parts, "Đơn vị: toàn bộ phạm vi của người xuất")
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
