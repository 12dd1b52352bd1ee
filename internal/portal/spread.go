package portal

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/errs"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// SpreadFilter narrows the spread view.
type SpreadFilter struct {
	PublicationID int64 // one exemplar (0: all)
	Months        int   // months shown on the time line (24 when 0)
}

// MonthCount is one month of the time line.
type MonthCount struct {
	Month   time.Time // first day, 00:00 UTC
	Started int       // adoptions started that month
	Total   int       // adoptions started by the end of the month
}

// Count is one bar of a breakdown.
type Count struct {
	ID        int64
	Label     string
	Slug      string // an exemplar's page, when live
	Count     int
	Active    int
	Completed int
}

// Spread is how far exemplars have spread among the adoptions the caller
// may read: totals, a time line by month, and breakdowns by school level,
// by managing unit (the adopting unit's parent), by adopting unit and by
// exemplar.
type Spread struct {
	Total, Active, Completed, Stopped int
	MeanProgress                      int // of the active ones
	Months                            []MonthCount
	ByLevel                           []Count
	ByParent                          []Count
	ByUnit                            []Count
	ByExemplar                        []Count
	Exemplars                         []Option // every exemplar with adoptions in scope, for the filter
}

// SpreadView computes the spread view.
func (s *Store) SpreadView(ctx context.Context, sc access.Scope, f SpreadFilter) (Spread, error) {
	var sp Spread
	if f.Months <= 0 || f.Months > 120 {
		f.Months = 24
	}
	cond, args := adoptionScope(sc, 1)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT a.publication_id, p.content, COALESCE(e.slug, ''), a.unit_id, au.name, au.levels,
		COALESCE(par.id, 0), COALESCE(NULLIF(par.short_name, ''), par.name, ''), a.started_on, a.status, a.progress
		FROM adoptions a JOIN publications p ON p.id = a.publication_id JOIN units pu ON pu.id = p.unit_id
		JOIN units cu ON cu.id = p.credited_unit_id JOIN units au ON au.id = a.unit_id LEFT JOIN units par ON par.id = au.parent_id
		LEFT JOIN portal_entries e ON e.publication_id = a.publication_id
		WHERE `+cond+` ORDER BY a.started_on, a.id`, args...)
	if err != nil {
		return sp, errs.Wrap(err, "portal: spread")
	}
	defer rows.Close()
	type row struct {
		pub              int64
		title, slug      string
		unit             int64
		unitName, levels string
		parent           int64
		parentName       string
		started          time.Time
		status           AdoptionStatus
		progress         int
	}
	var all []row
	exemplars := map[int64]Option{}
	for rows.Next() {
		var r row
		var content string
		if err := rows.Scan(&r.pub, &content, &r.slug, &r.unit, &r.unitName, &r.levels, &r.parent, &r.parentName, &r.started, &r.status, &r.progress); err != nil {
			return sp, errs.Wrap(err, "portal: scan spread")
		}
		r.title, r.started = titleOf(content), r.started.UTC()
		exemplars[r.pub] = Option{ID: r.pub, Name: r.title}
		if f.PublicationID != 0 && r.pub != f.PublicationID {
			continue
		}
		all = append(all, r)
	}
	if err := rows.Err(); err != nil {
		return sp, errs.Wrap(err, "portal: spread")
	}
	for _, o := range exemplars {
		sp.Exemplars = append(sp.Exemplars, o)
	}
	col := viet.Collator()
	slices.SortFunc(sp.Exemplars, func(a, b Option) int { return col.CompareString(a.Name, b.Name) })

	// The time line: the last f.Months months up to this one.
	now := Today(s.now())
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -(f.Months - 1), 0)
	sp.Months = make([]MonthCount, f.Months)
	for i := range sp.Months {
		sp.Months[i].Month = first.AddDate(0, i, 0)
	}
	levels := map[string]*Count{}
	parents := map[int64]*Count{}
	units := map[int64]*Count{}
	byEx := map[int64]*Count{}
	progress, active := 0, 0
	bump := func(m map[int64]*Count, id int64, label, slug string, r row) {
		c := m[id]
		if c == nil {
			c = &Count{ID: id, Label: label, Slug: slug}
			m[id] = c
		}
		c.Count++
		switch r.status {
		case Applying:
			c.Active++
		case Completed:
			c.Completed++
		}
	}
	before := 0
	for _, r := range all {
		sp.Total++
		switch r.status {
		case Applying:
			sp.Active++
			progress += r.progress
			active++
		case Completed:
			sp.Completed++
		case Stopped:
			sp.Stopped++
		}
		m := time.Date(r.started.Year(), r.started.Month(), 1, 0, 0, 0, 0, time.UTC)
		if m.Before(first) {
			before++
		} else if i := monthsBetween(first, m); i < len(sp.Months) {
			sp.Months[i].Started++
		}
		lv := strings.Split(strings.Trim(r.levels, ","), ",")
		if r.levels == "" {
			lv = []string{""}
		}
		for _, l := range lv {
			c := levels[l]
			if c == nil {
				label := unit.LevelLabel(l)
				if l == "" {
					label = "Đơn vị khác (không phải trường học)"
				}
				c = &Count{Label: label}
				levels[l] = c
			}
			c.Count++
			switch r.status {
			case Applying:
				c.Active++
			case Completed:
				c.Completed++
			}
		}
		bump(parents, r.parent, r.parentName, "", r)
		bump(units, r.unit, r.unitName, "", r)
		bump(byEx, r.pub, r.title, r.slug, r)
	}
	total := before
	for i := range sp.Months {
		total += sp.Months[i].Started
		sp.Months[i].Total = total
	}
	if active > 0 {
		sp.MeanProgress = (progress + active/2) / active
	}
	for _, l := range append(append([]string(nil), unit.Levels...), "") {
		if c := levels[l]; c != nil {
			sp.ByLevel = append(sp.ByLevel, *c)
		}
	}
	sp.ByParent = sorted(parents, col)
	sp.ByUnit = sorted(units, col)
	sp.ByExemplar = sorted(byEx, col)
	return sp, nil
}

// monthsBetween counts the months from a to b (both first days).
func monthsBetween(a, b time.Time) int {
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}

// sorted lists counts, largest first, then by label.
func sorted(m map[int64]*Count, col interface{ CompareString(a, b string) int }) []Count {
	out := make([]Count, 0, len(m))
	for _, c := range m {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Count) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return col.CompareString(a.Label, b.Label)
	})
	return out
}
