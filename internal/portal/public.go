package portal

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/exemplar"
	"thidua/internal/unit"
)

// The public reads: no scope, only live entries (and the public-safe facts
// of adoptions of live entries).

// Page returns the live page of publication id; NotFound when it is not
// on the portal.
func (s *Store) Page(ctx context.Context, id int64) (Page, error) {
	var raw string
	err := s.readRow(ctx, "SELECT page FROM portal_pages WHERE publication_id = $1", id).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return Page{}, errs.ErrNotFound
	}
	if err != nil {
		return Page{}, errs.Wrap(err, "portal: page")
	}
	var pg Page
	if err := json.Unmarshal([]byte(raw), &pg); err != nil {
		return Page{}, errs.Wrap(err, "portal: decode page")
	}
	return pg, nil
}

func (s *Store) cards(ctx context.Context, query string, args ...any) ([]Card, error) {
	rows, err := s.readRows(ctx, query, args...)
	if err != nil {
		return nil, errs.Wrap(err, "portal: cards")
	}
	defer rows.Close()
	var out []Card
	for rows.Next() {
		c, err := scanCard(rows)
		if err != nil {
			return nil, errs.Wrap(err, "portal: scan card")
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Featured returns the featured exemplars in their order.
func (s *Store) Featured(ctx context.Context, limit int) ([]Card, error) {
	return s.cards(ctx, "SELECT "+cardColumns+` FROM portal_entries e WHERE e.featured = $1
		ORDER BY e.feature_order, e.first_published_at DESC, e.publication_id DESC LIMIT $2`, true, limit)
}

// Recent returns the most recently published exemplars.
func (s *Store) Recent(ctx context.Context, limit int) ([]Card, error) {
	return s.cards(ctx, "SELECT "+cardColumns+" FROM portal_entries e ORDER BY e.first_published_at DESC, e.publication_id DESC LIMIT $1", limit)
}

// Related returns other exemplars of the same category, newest first.
func (s *Store) Related(ctx context.Context, pg Page, limit int) ([]Card, error) {
	return s.cards(ctx, "SELECT "+cardColumns+` FROM portal_entries e WHERE e.category = $1 AND e.publication_id <> $2
		ORDER BY e.first_published_at DESC, e.publication_id DESC LIMIT $3`, string(pg.Category), pg.ID, limit)
}

// CategoryCount is how many live exemplars a category has.
type CategoryCount struct {
	Category exemplar.Category
	Count    int
}

// Categories counts the live exemplars per category, in display order.
func (s *Store) Categories(ctx context.Context) ([]CategoryCount, error) {
	rows, err := s.readRows(ctx, "SELECT category, COUNT(*) FROM portal_entries GROUP BY category")
	if err != nil {
		return nil, errs.Wrap(err, "portal: categories")
	}
	defer rows.Close()
	n := map[exemplar.Category]int{}
	for rows.Next() {
		var c exemplar.Category
		var k int
		if err := rows.Scan(&c, &k); err != nil {
			return nil, errs.Wrap(err, "portal: categories")
		}
		n[c] = k
	}
	var out []CategoryCount
	for _, c := range exemplar.Categories {
		if n[c] > 0 {
			out = append(out, CategoryCount{c, n[c]})
		}
	}
	return out, rows.Err()
}

// PublicUnit is what the portal shows of a unit: its name and place.
type PublicUnit struct {
	ID      int64
	Name    string
	Kind    unit.Kind
	Levels  []string
	Parents []Option // from the root down, the unit's parent last
	Closed  bool
	Entries int // live exemplars credited to it or a unit below it
	Adopts  int // live models and practices it applies
}

// Slug is the unit page's slug.
func (u PublicUnit) Slug() string { return SlugOf(u.Name, u.ID) }

// PublicUnit returns a unit for its public page: only a unit with live
// exemplars credited to it (or below it), or applying one, has a page.
func (s *Store) PublicUnit(ctx context.Context, id int64) (PublicUnit, error) {
	var u PublicUnit
	var path, levels string
	var to sql.NullTime
	err := s.readRow(ctx, "SELECT id, name, kind, levels, path, valid_to FROM units WHERE id = $1", id).Scan(&u.ID, &u.Name, &u.Kind, &levels, &path, &to)
	if errors.Is(err, sql.ErrNoRows) {
		return u, errs.ErrNotFound
	}
	if err != nil {
		return u, errs.Wrap(err, "portal: unit")
	}
	if err := s.readRow(ctx, "SELECT COUNT(*) FROM portal_entries WHERE unit_path LIKE $1", path+"%").Scan(&u.Entries); err != nil {
		return u, errs.Wrap(err, "portal: unit entries")
	}
	if err := s.readRow(ctx, `SELECT COUNT(*) FROM adoptions a JOIN portal_entries e ON e.publication_id = a.publication_id
		WHERE a.unit_id = $1`, id).Scan(&u.Adopts); err != nil {
		return u, errs.Wrap(err, "portal: unit adoptions")
	}
	if u.Entries == 0 && u.Adopts == 0 {
		return PublicUnit{}, errs.ErrNotFound
	}
	for _, l := range strings.Split(strings.Trim(levels, ","), ",") {
		if l != "" {
			u.Levels = append(u.Levels, l)
		}
	}
	u.Closed = to.Valid && Today(s.now()).After(to.Time)
	ids := unit.PathIDs(path)
	if len(ids) > 1 {
		ids = ids[:len(ids)-1]
		args := make([]any, len(ids))
		for i, x := range ids {
			args[i] = x
		}
		rows, err := s.readRows(ctx, "SELECT id, name, depth FROM units WHERE id IN ("+database.Placeholders(1, len(args))+") ORDER BY depth", args...)
		if err != nil {
			return u, errs.Wrap(err, "portal: unit parents")
		}
		defer rows.Close()
		for rows.Next() {
			var o Option
			if err := rows.Scan(&o.ID, &o.Name, &o.Depth); err != nil {
				return u, errs.Wrap(err, "portal: unit parents")
			}
			u.Parents = append(u.Parents, o)
		}
		if err := rows.Err(); err != nil {
			return u, errs.Wrap(err, "portal: unit parents")
		}
	}
	return u, nil
}

// UnitAdoptions returns the live models and practices a unit applies.
func (s *Store) UnitAdoptions(ctx context.Context, unitID int64) ([]Card, []Adopter, error) {
	rows, err := s.readRows(ctx, "SELECT "+cardColumns+`, a.started_on, a.status, a.progress
		FROM adoptions a JOIN portal_entries e ON e.publication_id = a.publication_id WHERE a.unit_id = $1
		ORDER BY a.started_on DESC, a.id DESC`, unitID)
	if err != nil {
		return nil, nil, errs.Wrap(err, "portal: unit adoptions")
	}
	defer rows.Close()
	var cards []Card
	var ads []Adopter
	for rows.Next() {
		var a Adopter
		c, err := scanCard(rows, &a.Started, &a.Status, &a.Progress)
		if err != nil {
			return nil, nil, errs.Wrap(err, "portal: scan unit adoption")
		}
		cards = append(cards, c)
		ads = append(ads, a)
	}
	return cards, ads, rows.Err()
}

// Adopter is the public-safe fact of an adoption: who applies the
// exemplar, since when, how far.
type Adopter struct {
	UnitID   int64
	UnitName string
	Started  time.Time
	Status   AdoptionStatus
	Progress int
}

// Spread returns the units applying a live exemplar, earliest first.
func (s *Store) Spread(ctx context.Context, publicationID int64) ([]Adopter, error) {
	rows, err := s.readRows(ctx, `SELECT a.unit_id, u.name, a.started_on, a.status, a.progress
		FROM adoptions a JOIN units u ON u.id = a.unit_id JOIN portal_entries e ON e.publication_id = a.publication_id
		WHERE a.publication_id = $1 ORDER BY a.started_on, a.id`, publicationID)
	if err != nil {
		return nil, errs.Wrap(err, "portal: spread")
	}
	defer rows.Close()
	var out []Adopter
	for rows.Next() {
		var a Adopter
		if err := rows.Scan(&a.UnitID, &a.UnitName, &a.Started, &a.Status, &a.Progress); err != nil {
			return nil, errs.Wrap(err, "portal: scan adopter")
		}
		a.Started = a.Started.UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}

// PhotoLive reports whether a file is a photo of a live entry: the only
// files the public photo route serves.
func (s *Store) PhotoLive(ctx context.Context, sha string) (bool, error) {
	var n int
	if err := s.readRow(ctx, "SELECT COUNT(*) FROM portal_photos WHERE sha256 = $1", sha).Scan(&n); err != nil {
		return false, errs.Wrap(err, "portal: photo")
	}
	return n > 0, nil
}

// Link is a public URL with its last change, for the sitemap.
type Link struct {
	Path    string
	Updated time.Time
}

// Links lists the public pages for the sitemap: every live exemplar and
// every unit with a page.
func (s *Store) Links(ctx context.Context) ([]Link, error) {
	rows, err := s.readRows(ctx, "SELECT slug, published_at FROM portal_entries ORDER BY first_published_at DESC, publication_id DESC")
	if err != nil {
		return nil, errs.Wrap(err, "portal: links")
	}
	var out []Link
	for rows.Next() {
		var l Link
		if err := rows.Scan(&l.Path, &l.Updated); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "portal: links")
		}
		l.Path = "/dien-hinh/" + l.Path
		out = append(out, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "portal: links")
	}
	// Units: the credited ones and those above them, and adopting ones.
	// (Times are compared in Go: SQLite returns aggregates of timestamps
	// as text.)
	ids := map[int64]time.Time{}
	rows, err = s.readRows(ctx, "SELECT unit_path, published_at FROM portal_entries WHERE unit_path <> ''")
	if err != nil {
		return nil, errs.Wrap(err, "portal: unit links")
	}
	for rows.Next() {
		var p string
		var t time.Time
		if err := rows.Scan(&p, &t); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "portal: unit links")
		}
		for _, id := range unit.PathIDs(p) {
			if t.After(ids[id]) {
				ids[id] = t
			}
		}
	}
	rows.Close()
	rows, err = s.readRows(ctx, `SELECT a.unit_id, a.updated_at FROM adoptions a JOIN portal_entries e ON e.publication_id = a.publication_id`)
	if err != nil {
		return nil, errs.Wrap(err, "portal: adopter links")
	}
	for rows.Next() {
		var id int64
		var t time.Time
		if err := rows.Scan(&id, &t); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "portal: adopter links")
		}
		if t.After(ids[id]) {
			ids[id] = t
		}
	}
	rows.Close()
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, 0, len(ids))
	for id := range ids {
		args = append(args, id)
	}
	rows, err = s.readRows(ctx, "SELECT id, name FROM units WHERE id IN ("+database.Placeholders(1, len(args))+") ORDER BY path", args...)
	if err != nil {
		return nil, errs.Wrap(err, "portal: unit names")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, errs.Wrap(err, "portal: unit names")
		}
		out = append(out, Link{Path: "/don-vi/" + SlugOf(name, id), Updated: ids[id].UTC()})
	}
	return out, rows.Err()
}

// Adoptable lists the live models and good practices units may adopt,
// newest first.
func (s *Store) Adoptable(ctx context.Context, limit int) ([]Card, error) {
	return s.cards(ctx, "SELECT "+cardColumns+` FROM portal_entries e WHERE e.category IN ($1, $2)
		ORDER BY e.first_published_at DESC, e.publication_id DESC LIMIT $3`, string(exemplar.NewModel), string(exemplar.GoodPractice), limit)
}

// Card returns the card of a live entry; NotFound when it is not live.
func (s *Store) Card(ctx context.Context, id int64) (Card, error) {
	c, err := scanCard(s.readRow(ctx, "SELECT "+cardColumns+" FROM portal_entries e WHERE e.publication_id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, errs.ErrNotFound
	}
	if err != nil {
		return c, errs.Wrap(err, "portal: card")
	}
	return c, nil
}
