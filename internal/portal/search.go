package portal

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/exemplar"
)

// The search index holds, per live entry, two texts of search words (see
// Words): the title, and the body (who, the story, achievements, guide,
// the unit credited, the category). Only what the page shows is indexed.
//
// A query matches an entry holding every query word (whole words: "tien"
// does not find "tiếng"). Matches rank by
//
//	8 × the title holds the words as a phrase
//	4 × the title holds every word
//	2 × the title or the body holds the words as a phrase
//	1 × the title holds at least one word
//
// then newest first. SQLite computes each part with FTS5 queries,
// PostgreSQL with tsquery on tsvector; both see the same words, so both
// return the same entries in the same order.

// maxIndexWords caps the body words indexed per entry (PostgreSQL keeps
// positions up to 16,383 and 256 per word; far below both, the rankings
// agree).
const maxIndexWords = 4000

// maxQueryWords caps the words of one query.
const maxQueryWords = 10

func searchTexts(pg Page) (title, body string) {
	parts := []string{pg.Subject, pg.SubjectLine, pg.Story, pg.Achievements, pg.Credit, pg.Category.Label(), pg.MovementName}
	for _, g := range GuideFields(pg.Guide) {
		parts = append(parts, g.Value)
	}
	words := Words(strings.Join(parts, "\n"))
	if len(words) > maxIndexWords {
		words = words[:maxIndexWords]
	}
	return strings.Join(Words(pg.Title), " "), strings.Join(words, " ")
}

// index writes the search row of a live entry.
func (s *Store) index(ctx context.Context, tx *sql.Tx, id int64, pg Page) error {
	title, body := searchTexts(pg)
	var err error
	if s.DB.Dialect == database.Postgres {
		_, err = tx.ExecContext(ctx, `UPDATE portal_entries SET title_tsv = to_tsvector('simple', $1), body_tsv = to_tsvector('simple', $2),
			doc_tsv = to_tsvector('simple', $1 || ' ' || $2) WHERE publication_id = $3`, title, body, id)
	} else {
		_, err = tx.ExecContext(ctx, "INSERT INTO portal_fts (rowid, title, body) VALUES ($1, $2, $3)", id, title, body)
	}
	if err != nil {
		return errs.Wrap(err, "portal: index")
	}
	return nil
}

// unindex removes the search row of an entry (PostgreSQL's lives in the
// entry's row, which the caller deletes).
func (s *Store) unindex(ctx context.Context, tx *sql.Tx, id int64) error {
	if s.DB.Dialect == database.Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM portal_fts WHERE rowid = $1", id); err != nil {
		return errs.Wrap(err, "portal: unindex")
	}
	return nil
}

// Query is a public search: words and filters, one page of results.
type Query struct {
	Text       string
	Category   exemplar.Category
	Level      string // a school level (unit.Levels)
	UnitID     int64  // entries credited to this unit or a unit below it
	Year       int
	MovementID int64
	Page       int // from 1
	PerPage    int // 20 when 0, at most 100
}

// Results is one page of a search.
type Results struct {
	Words []string // the query words used (folded)
	Cards []Card
	Total int
	Page  int
	Pages int
}

// QueryWords returns the words of a query as searched: folded, at most
// maxQueryWords. Every character that is not a letter or a digit is a
// separator, so nothing a visitor types reaches the index's syntax.
func QueryWords(q string) []string {
	w := Words(q)
	if len(w) > maxQueryWords {
		w = w[:maxQueryWords]
	}
	return w
}

// ranking is the SQL of a query's match condition and rank, with their
// arguments numbered from $1.
func (s *Store) ranking(words []string) (match, score string, args []any) {
	uniq := make([]string, 0, len(words))
	seen := map[string]bool{}
	for _, w := range words {
		if !seen[w] {
			seen[w] = true
			uniq = append(uniq, w)
		}
	}
	if s.DB.Dialect == database.Postgres {
		and, or, phrase := strings.Join(uniq, " & "), strings.Join(uniq, " | "), strings.Join(words, " <-> ")
		args = []any{and, phrase, or}
		match = "e.doc_tsv @@ to_tsquery('simple', $1)"
		score = `(CASE WHEN e.title_tsv @@ to_tsquery('simple', $2) THEN 8 ELSE 0 END
			+ CASE WHEN e.title_tsv @@ to_tsquery('simple', $1) THEN 4 ELSE 0 END
			+ CASE WHEN e.title_tsv @@ to_tsquery('simple', $2) OR e.body_tsv @@ to_tsquery('simple', $2) THEN 2 ELSE 0 END
			+ CASE WHEN e.title_tsv @@ to_tsquery('simple', $3) THEN 1 ELSE 0 END)`
		return match, score, args
	}
	quoted := make([]string, len(uniq))
	inTitle := make([]string, len(uniq))
	for i, w := range uniq {
		quoted[i] = `"` + w + `"`
		inTitle[i] = `title : "` + w + `"`
	}
	phrase := `"` + strings.Join(words, " ") + `"`
	args = []any{strings.Join(quoted, " AND "), "title : " + phrase, strings.Join(inTitle, " AND "), phrase, strings.Join(inTitle, " OR ")}
	in := func(n int) string {
		return "e.publication_id IN (SELECT rowid FROM portal_fts WHERE portal_fts MATCH $" + strconv.Itoa(n) + ")"
	}
	match = in(1)
	score = "(CASE WHEN " + in(2) + " THEN 8 ELSE 0 END + CASE WHEN " + in(3) + " THEN 4 ELSE 0 END + CASE WHEN " + in(4) +
		" THEN 2 ELSE 0 END + CASE WHEN " + in(5) + " THEN 1 ELSE 0 END)"
	return match, score, args
}

const cardColumns = `e.publication_id, e.slug, e.title, e.category, e.subject_kind, e.excerpt, e.cover, e.credit, COALESCE(e.unit_id, 0),
	e.year, e.first_published_at, e.published_at, e.featured`

func scanCard(row scanner, extra ...any) (Card, error) {
	var c Card
	dest := append([]any{&c.ID, &c.Slug, &c.Title, &c.Category, &c.Kind, &c.Excerpt, &c.Cover, &c.Credit, &c.UnitID,
		&c.Year, &c.First, &c.Published, &c.Featured}, extra...)
	if err := row.Scan(dest...); err != nil {
		return c, err
	}
	c.First, c.Published = c.First.UTC(), c.Published.UTC()
	return c, nil
}

// Search runs a public search over the live entries.
func (s *Store) Search(ctx context.Context, q Query) (Results, error) {
	res := Results{Words: QueryWords(q.Text)}
	if q.PerPage <= 0 {
		q.PerPage = 20
	}
	q.PerPage = min(q.PerPage, 100)
	q.Page = min(max(q.Page, 1), 500)
	res.Page = q.Page

	var where []string
	var args []any
	score := "0"
	if len(res.Words) > 0 {
		var match string
		match, score, args = s.ranking(res.Words)
		where = append(where, match)
	}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if q.Category != "" {
		add("e.category = ?", string(q.Category))
	}
	if q.Level != "" {
		add("e.levels LIKE ?", "%,"+q.Level+",%")
	}
	if q.UnitID != 0 {
		var path string
		err := s.DB.R.QueryRowContext(ctx, "SELECT path FROM units WHERE id = $1", q.UnitID).Scan(&path)
		if err != nil && err != sql.ErrNoRows {
			return res, errs.Wrap(err, "portal: filter unit")
		}
		if path == "" {
			return res, nil // no such unit: nothing credited to it
		}
		add("e.unit_path LIKE ?", path+"%")
	}
	if q.Year != 0 {
		add("e.year = ?", q.Year)
	}
	if q.MovementID != 0 {
		add("e.movement_id = ?", q.MovementID)
	}
	w := "1 = 1"
	if len(where) > 0 {
		w = strings.Join(where, " AND ")
	}
	args = append(args, q.PerPage, (q.Page-1)*q.PerPage)
	query := fmt.Sprintf(`SELECT %s, %s AS score, COUNT(*) OVER () FROM portal_entries e WHERE %s
		ORDER BY score DESC, e.first_published_at DESC, e.publication_id DESC LIMIT $%d OFFSET $%d`, cardColumns, score, w, len(args)-1, len(args))
	rows, err := s.DB.R.QueryContext(ctx, query, args...)
	if err != nil {
		return res, errs.Wrap(err, "portal: search")
	}
	defer rows.Close()
	for rows.Next() {
		var score, total int
		c, err := scanCard(rows, &score, &total)
		if err != nil {
			return res, errs.Wrap(err, "portal: scan result")
		}
		c.Score = score
		res.Cards = append(res.Cards, c)
		res.Total = total
	}
	if err := rows.Err(); err != nil {
		return res, errs.Wrap(err, "portal: search")
	}
	rows.Close()
	if len(res.Cards) == 0 && q.Page > 1 {
		// Past the last page: count without the page (the rank is kept in
		// the condition so that every argument is used, as PostgreSQL wants).
		cnt := fmt.Sprintf("SELECT COUNT(*) FROM portal_entries e WHERE %s AND %s >= 0", w, score)
		if err := s.DB.R.QueryRowContext(ctx, cnt, args[:len(args)-2]...).Scan(&res.Total); err != nil {
			return res, errs.Wrap(err, "portal: count results")
		}
	}
	res.Pages = (res.Total + q.PerPage - 1) / q.PerPage
	return res, nil
}

// Facets are the values the search filters offer: the years, movements
// and units that have entries.
type Facets struct {
	Years     []int
	Movements []Option
	Units     []Option // non-school units above or at credited units, in tree order
	Total     int
}

// Option is a choice of a filter.
type Option struct {
	ID    int64
	Name  string
	Depth int
}

// Facets reads the filter choices.
func (s *Store) Facets(ctx context.Context) (Facets, error) {
	var f Facets
	rows, err := s.DB.R.QueryContext(ctx, "SELECT year, COUNT(*) FROM portal_entries GROUP BY year ORDER BY year DESC")
	if err != nil {
		return f, errs.Wrap(err, "portal: years")
	}
	for rows.Next() {
		var y, n int
		if err := rows.Scan(&y, &n); err != nil {
			rows.Close()
			return f, errs.Wrap(err, "portal: years")
		}
		f.Years = append(f.Years, y)
		f.Total += n
	}
	rows.Close()
	rows, err = s.DB.R.QueryContext(ctx, `SELECT m.id, m.name FROM movements m WHERE m.id IN (SELECT movement_id FROM portal_entries) ORDER BY m.name, m.id`)
	if err != nil {
		return f, errs.Wrap(err, "portal: movements")
	}
	for rows.Next() {
		var o Option
		if err := rows.Scan(&o.ID, &o.Name); err != nil {
			rows.Close()
			return f, errs.Wrap(err, "portal: movements")
		}
		f.Movements = append(f.Movements, o)
	}
	rows.Close()
	rows, err = s.DB.R.QueryContext(ctx, "SELECT DISTINCT unit_path FROM portal_entries WHERE unit_path <> ''")
	if err != nil {
		return f, errs.Wrap(err, "portal: unit paths")
	}
	ids := map[int64]bool{}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return f, errs.Wrap(err, "portal: unit paths")
		}
		for _, part := range strings.Split(strings.Trim(p, "/"), "/") {
			if id, err := strconv.ParseInt(part, 10, 64); err == nil {
				ids[id] = true
			}
		}
	}
	rows.Close()
	if len(ids) == 0 {
		return f, nil
	}
	args := make([]any, 0, len(ids))
	for id := range ids {
		args = append(args, id)
	}
	rows, err = s.DB.R.QueryContext(ctx, "SELECT id, name, depth, path FROM units WHERE kind <> 'school' AND id IN ("+database.Placeholders(1, len(args))+") ORDER BY path", args...)
	if err != nil {
		return f, errs.Wrap(err, "portal: units")
	}
	defer rows.Close()
	for rows.Next() {
		var o Option
		var path string
		if err := rows.Scan(&o.ID, &o.Name, &o.Depth, &path); err != nil {
			return f, errs.Wrap(err, "portal: units")
		}
		f.Units = append(f.Units, o)
	}
	return f, rows.Err()
}
