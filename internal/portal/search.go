package portal

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

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
// then newest first. The database finds the matches and the entries whose
// body holds the phrase: FTS5 on SQLite, tsquery on tsvector columns with
// GIN indexes on PostgreSQL. Both see the same words, so both find the
// same entries. Ranking, filters and pages are computed in Go over an
// in-memory snapshot of the live entries' cards (see index), the same way
// whatever the database, so both give the same results; a query's ranking
// is kept with the snapshot, so its other pages and filters cost nothing
// more, until the next change the public can see.

// maxIndexWords caps the body words indexed per entry (PostgreSQL keeps
// positions up to 16,383 and 256 per word; far below both, the databases
// agree on phrases).
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
		_, err = tx.ExecContext(ctx, `UPDATE portal_entries SET body_tsv = to_tsvector('simple', $1),
			doc_tsv = to_tsvector('simple', $2 || ' ' || $1) WHERE publication_id = $3`, body, title, id)
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

// index is a snapshot of the live entries at one generation, newest first:
// what ranking, filters and order need (the cards of a result page are
// read afterwards), and the rankings of the queries asked since.
type index struct {
	gen    int64
	ids    []int64
	at     map[int64]int32 // publication id → position
	title  []string        // the title's words, " a b c "
	cats   []exemplar.Category
	years  []int
	levels []string // ",TH,THCS,"
	paths  []string // the credited unit's path
	moves  []int64  // the movement

	mu       sync.Mutex
	ranked   map[string][]int32 // query words → positions (and scores), best first
	keys     []string           // in the order they were ranked
	inflight map[string]*ranking
}

// ranking is a ranking being computed; concurrent searches for the same
// words wait for it instead of computing it again.
type ranking struct {
	done chan struct{}
	r    []int32
	err  error
}

// maxRankings caps the rankings an index keeps.
const maxRankings = 512

// snapshot returns an index of generation st or newer, loading it when
// the one held is older. Loads are serialised: concurrent searches after a change
// wait for one load.
func (s *Store) snapshot(ctx context.Context, st State) (*index, error) {
	s.search.Lock()
	defer s.search.Unlock()
	// A newer snapshot serves too: the caller's generation may lag a
	// little behind the database's (a web server watching it).
	if cur := s.search.cur; cur != nil && cur.gen >= st.Generation {
		return cur, nil
	}
	for attempt := 0; ; attempt++ {
		idx, err := s.loadIndex(ctx, st.Generation)
		if err != nil {
			return nil, err
		}
		// Keep it only if nothing changed while it was read: every change
		// the public can see moves the generation.
		after, err := s.State(ctx)
		if err != nil {
			return nil, err
		}
		if after.Generation == st.Generation {
			if cur := s.search.cur; cur == nil || cur.gen < idx.gen {
				s.search.cur = idx
			}
			return idx, nil
		}
		if attempt == 2 {
			return idx, nil // busy: use it for this request only
		}
		st = after
	}
}

// WarmSearch loads the search's snapshot of generation st (or newer)
// ahead of the first search that needs it: after a change the public can
// see, that search would otherwise wait while every live entry is read
// (about 0.1 s at 20,000 exemplars), and the searches behind it too.
//
// The most recent rankings of the snapshot it replaces are made again on
// the new one: the searches visitors were asking before the change do not
// each wait for the database after it.
func (s *Store) WarmSearch(ctx context.Context, st State) error {
	s.search.Lock()
	prev := s.search.cur
	s.search.Unlock()
	idx, err := s.snapshot(ctx, st)
	if err != nil || prev == nil || idx == prev {
		return err
	}
	keys := prev.recent(warmRankings)
	for i := len(keys) - 1; i >= 0; i-- { // oldest first: the new snapshot keeps their order
		key := keys[i]
		if err := ctx.Err(); err != nil {
			return err
		}
		if _, err := s.rank(ctx, idx, strings.Fields(key)); err != nil {
			return err
		}
	}
	return nil
}

// warmRankings is how many of the latest rankings WarmSearch carries over.
const warmRankings = 50

// recent lists up to n of the queries ranked on idx, the latest first.
func (idx *index) recent(n int) []string {
	idx.mu.Lock()
	defer idx.mu.Unlock()
	out := make([]string, 0, min(n, len(idx.keys)))
	for i := len(idx.keys) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, idx.keys[i])
	}
	return out
}

// SearchGeneration is the generation of the search's snapshot, 0 while
// none is loaded.
func (s *Store) SearchGeneration() int64 {
	s.search.Lock()
	defer s.search.Unlock()
	if s.search.cur == nil {
		return 0
	}
	return s.search.cur.gen
}

func (s *Store) loadIndex(ctx context.Context, gen int64) (*index, error) {
	// Read in storage order and sort here: cheaper than walking the index
	// of first_published_at row by row.
	rows, err := s.readRows(ctx, `SELECT publication_id, first_published_at, title_words, category, year, levels, unit_path,
		COALESCE(movement_id, 0) FROM portal_entries`)
	if err != nil {
		return nil, errs.Wrap(err, "portal: load index")
	}
	defer rows.Close()
	type entry struct {
		id                  int64
		first               time.Time
		title, levels, path string
		cat                 exemplar.Category
		year                int
		move                int64
	}
	var all []entry
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.id, &e.first, &e.title, &e.cat, &e.year, &e.levels, &e.path, &e.move); err != nil {
			return nil, errs.Wrap(err, "portal: scan index")
		}
		all = append(all, e)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "portal: load index")
	}
	slices.SortFunc(all, func(a, b entry) int {
		if c := b.first.Compare(a.first); c != 0 {
			return c
		}
		return cmp.Compare(b.id, a.id)
	})
	n := len(all)
	idx := &index{gen: gen, ids: make([]int64, n), at: make(map[int64]int32, n), title: make([]string, n), cats: make([]exemplar.Category, n),
		years: make([]int, n), levels: make([]string, n), paths: make([]string, n), moves: make([]int64, n), ranked: map[string][]int32{}, inflight: map[string]*ranking{}}
	for i, e := range all {
		idx.at[e.id] = int32(i)
		idx.ids[i], idx.title[i], idx.cats[i], idx.years[i] = e.id, " "+e.title+" ", e.cat, e.year
		idx.levels[i], idx.paths[i], idx.moves[i] = e.levels, e.path, e.move
	}
	return idx, nil
}

// cardsOf reads the cards of ids, in that order.
func (s *Store) cardsOf(ctx context.Context, ids []int64, scores []int) ([]Card, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	got, err := s.cards(ctx, "SELECT "+cardColumns+" FROM portal_entries e WHERE e.publication_id IN ("+database.Placeholders(1, len(args))+")", args...)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]Card, len(got))
	for _, c := range got {
		byID[c.ID] = c
	}
	out := make([]Card, 0, len(ids))
	for i, id := range ids {
		if c, ok := byID[id]; ok { // gone since the snapshot: left out
			c.Score = scores[i]
			out = append(out, c)
		}
	}
	return out, nil
}

// matches returns the ids the database finds for a query: every word
// anywhere (all), or the words as a phrase in the body (phrase).
func (s *Store) matches(ctx context.Context, words []string, phrase bool) ([]int64, error) {
	var q, arg string
	switch {
	case s.DB.Dialect == database.Postgres && phrase:
		q, arg = "SELECT string_agg(publication_id::text, ',') FROM portal_entries WHERE body_tsv @@ to_tsquery('simple', $1)", strings.Join(words, " <-> ")
	case s.DB.Dialect == database.Postgres:
		q, arg = "SELECT string_agg(publication_id::text, ',') FROM portal_entries WHERE doc_tsv @@ to_tsquery('simple', $1)", strings.Join(words, " & ")
	case phrase:
		q, arg = "SELECT group_concat(rowid) FROM portal_fts WHERE portal_fts MATCH $1", `body : "`+strings.Join(words, " ")+`"`
	default:
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = `"` + w + `"`
		}
		q, arg = "SELECT group_concat(rowid) FROM portal_fts WHERE portal_fts MATCH $1", strings.Join(quoted, " AND ")
	}
	var list sql.NullString
	if err := s.readRow(ctx, q, arg).Scan(&list); err != nil {
		return nil, errs.Wrap(err, "portal: match")
	}
	if list.String == "" {
		return nil, nil
	}
	parts := strings.Split(list.String, ",")
	out := make([]int64, 0, len(parts))
	for _, p := range parts {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return nil, errs.Wrap(err, "portal: match id")
		}
		out = append(out, id)
	}
	return out, nil
}

// rank returns the positions of the entries matching words, best first
// (each with its score in the low four bits).
func (s *Store) rank(ctx context.Context, idx *index, words []string) ([]int32, error) {
	key := strings.Join(words, " ")
	idx.mu.Lock()
	if r, ok := idx.ranked[key]; ok {
		idx.mu.Unlock()
		return r, nil
	}
	if c, ok := idx.inflight[key]; ok {
		idx.mu.Unlock()
		select {
		case <-c.done:
			return c.r, c.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	c := &ranking{done: make(chan struct{})}
	idx.inflight[key] = c
	idx.mu.Unlock()
	c.r, c.err = s.computeRank(context.WithoutCancel(ctx), idx, words) // others may wait for it
	idx.mu.Lock()
	delete(idx.inflight, key)
	if _, ok := idx.ranked[key]; !ok && c.err == nil {
		if len(idx.keys) >= maxRankings {
			delete(idx.ranked, idx.keys[0])
			idx.keys = idx.keys[1:]
		}
		idx.ranked[key] = c.r
		idx.keys = append(idx.keys, key)
	}
	idx.mu.Unlock()
	close(c.done)
	return c.r, c.err
}

func (s *Store) computeRank(ctx context.Context, idx *index, words []string) ([]int32, error) {
	uniq := make([]string, 0, len(words))
	for _, w := range words {
		if !slices.Contains(uniq, w) {
			uniq = append(uniq, w)
		}
	}
	all, err := s.matches(ctx, uniq, false)
	if err != nil {
		return nil, err
	}
	inBody := map[int64]bool{}
	if len(words) > 1 && len(all) > 0 {
		ids, err := s.matches(ctx, words, true)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			inBody[id] = true
		}
	}
	phrase := " " + strings.Join(words, " ") + " "
	type hit struct {
		pos   int32
		score int
	}
	hits := make([]hit, 0, len(all))
	for _, id := range all {
		pos, ok := idx.at[id]
		if !ok {
			continue // published after the snapshot
		}
		tw := idx.title[pos]
		tp, ta, ty := strings.Contains(tw, phrase), hasAll(tw, uniq), hasAny(tw, uniq)
		score := 0
		if tp {
			score += 8
		}
		if ta {
			score += 4
		}
		if tp || len(words) == 1 || inBody[id] {
			score += 2
		}
		if ty {
			score++
		}
		hits = append(hits, hit{pos, score})
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if a.score != b.score {
			return b.score - a.score
		}
		return int(a.pos - b.pos) // the cards are newest first
	})
	r := make([]int32, len(hits))
	for i, h := range hits {
		r[i] = h.pos<<4 | int32(h.score) // the score rides in the low bits
	}
	return r, nil
}

// hasAll and hasAny look for whole words in a title's words written
// " a b c ".
func hasAll(t string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(t, " "+w+" ") {
			return false
		}
	}
	return true
}

func hasAny(t string, words []string) bool {
	for _, w := range words {
		if strings.Contains(t, " "+w+" ") {
			return true
		}
	}
	return false
}

// Search runs a public search over the live entries.
func (s *Store) Search(ctx context.Context, q Query) (Results, error) {
	st, err := s.State(ctx)
	if err != nil {
		return Results{Words: QueryWords(q.Text)}, err
	}
	return s.SearchAt(ctx, st, q)
}

// SearchAt runs a search at the generation st the caller has read.
func (s *Store) SearchAt(ctx context.Context, st State, q Query) (Results, error) {
	res := Results{Words: QueryWords(q.Text)}
	if q.PerPage <= 0 {
		q.PerPage = 20
	}
	q.PerPage = min(q.PerPage, 100)
	q.Page = min(max(q.Page, 1), 500)
	res.Page = q.Page
	idx, err := s.snapshot(ctx, st)
	if err != nil {
		return res, err
	}
	var unitPath string
	if q.UnitID != 0 {
		err := s.readRow(ctx, "SELECT path FROM units WHERE id = $1", q.UnitID).Scan(&unitPath)
		if err != nil && err != sql.ErrNoRows {
			return res, errs.Wrap(err, "portal: filter unit")
		}
		if unitPath == "" {
			return res, nil // no such unit: nothing credited to it
		}
	}
	level := "," + q.Level + ","
	keep := func(pos int32) bool {
		return (q.Category == "" || idx.cats[pos] == q.Category) && (q.Level == "" || strings.Contains(idx.levels[pos], level)) &&
			(unitPath == "" || strings.HasPrefix(idx.paths[pos], unitPath)) && (q.Year == 0 || idx.years[pos] == q.Year) &&
			(q.MovementID == 0 || idx.moves[pos] == q.MovementID)
	}
	from := (q.Page - 1) * q.PerPage
	var ids []int64
	var scores []int
	take := func(pos int32, score int) {
		if keep(pos) {
			if res.Total >= from && len(ids) < q.PerPage {
				ids, scores = append(ids, idx.ids[pos]), append(scores, score)
			}
			res.Total++
		}
	}
	if len(res.Words) == 0 {
		for pos := range idx.ids {
			take(int32(pos), 0)
		}
	} else {
		ranked, err := s.rank(ctx, idx, res.Words)
		if err != nil {
			return res, err
		}
		for _, r := range ranked {
			take(r>>4, int(r&15))
		}
	}
	res.Pages = (res.Total + q.PerPage - 1) / q.PerPage
	if res.Cards, err = s.cardsOf(ctx, ids, scores); err != nil {
		return res, err
	}
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
	rows, err := s.readRows(ctx, "SELECT year, COUNT(*) FROM portal_entries GROUP BY year ORDER BY year DESC")
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
	rows, err = s.readRows(ctx, `SELECT m.id, m.name FROM movements m WHERE m.id IN (SELECT movement_id FROM portal_entries) ORDER BY m.name, m.id`)
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
	rows, err = s.readRows(ctx, "SELECT DISTINCT unit_path FROM portal_entries WHERE unit_path <> ''")
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
	rows, err = s.readRows(ctx, "SELECT id, name, depth, path FROM units WHERE kind <> 'school' AND id IN ("+database.Placeholders(1, len(args))+") ORDER BY path", args...)
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
