package portal

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/exemplar"
	"thidua/internal/files"
	"thidua/internal/notify"
)

// Store keeps publications, the public entries and adoptions. Methods that
// change or show unpublished data take the caller's scope: publications
// are managed by the officers, leaders and administrators of the unit
// whose round selected the exemplar (or of a unit above it). The public
// reads (public.go, search.go) take no scope: they read only the live
// entries.
type Store struct {
	DB       *database.DB
	Files    *files.Store     // photos, consent forms, adoption evidence; a database-backed store on DB when nil
	Dossiers *exemplar.Store  // the dossier versions publications snapshot; one on DB when nil
	Notify   *notify.Store    // tells the originating unit about adoptions; nil: no notes
	Now      func() time.Time // the clock; nil: time.Now
	// OnChange is told after every committed change the public can see
	// (the web layer refreshes its view of the generation at once).
	OnChange func()

	search struct { // the search's snapshot of the live entries (search.go)
		sync.Mutex
		cur *index
	}
	stmts struct { // the public reads' prepared statements, by SQL text
		sync.Mutex
		m map[string]*sql.Stmt
	}
}

// maxStmts caps the prepared statements kept (the texts with IN lists vary
// by their length).
const maxStmts = 200

// prepared returns the reader pool's prepared statement of query: the
// public reads run the same few texts again and again, and SQLite spends a
// good part of a small query parsing it.
func (s *Store) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	s.stmts.Lock()
	defer s.stmts.Unlock()
	if st, ok := s.stmts.m[query]; ok {
		return st, nil
	}
	st, err := s.DB.R.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if s.stmts.m == nil {
		s.stmts.m = map[string]*sql.Stmt{}
	}
	if len(s.stmts.m) < maxStmts {
		s.stmts.m[query] = st
	}
	return st, nil
}

// readRow runs a one-row public read through its prepared statement.
func (s *Store) readRow(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := s.prepared(ctx, query)
	if err != nil {
		return s.DB.R.QueryRowContext(ctx, query, args...) // the error shows at Scan
	}
	return st.QueryRowContext(ctx, args...)
}

// readRows runs a public read through its prepared statement.
func (s *Store) readRows(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := s.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// managers are the roles that publish and manage publications.
var managers = []access.Role{access.Officer, access.Leader, access.Admin}

// adopters are the roles that record a unit's adoption and its check-ins.
var adopters = []access.Role{access.Officer, access.Leader}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC().Truncate(time.Microsecond)
	}
	return database.Now()
}

func (s *Store) files() *files.Store {
	if s.Files != nil {
		return s.Files
	}
	return &files.Store{DB: s.DB}
}

func (s *Store) dossiers() *exemplar.Store {
	if s.Dossiers != nil {
		return s.Dossiers
	}
	return &exemplar.Store{DB: s.DB, Files: s.Files}
}

// State is the portal-wide generation: it changes with every change the
// public can see.
type State struct {
	Generation int64
	ChangedAt  time.Time
}

// State reads the current generation.
func (s *Store) State(ctx context.Context) (State, error) {
	var st State
	err := s.readRow(ctx, "SELECT generation, changed_at FROM portal_state WHERE id = 1").Scan(&st.Generation, &st.ChangedAt)
	if err != nil {
		return st, errs.Wrap(err, "portal: state")
	}
	st.ChangedAt = st.ChangedAt.UTC()
	return st, nil
}

// Invalidate bumps the portal's generation inside tx, so that every cached
// public page is rebuilt once tx commits. Every change in this package the
// public can see calls it; other domains whose public data the portal
// shows (movements, public activities) may call it too.
//
// The generation's time (the pages' Last-Modified) moves on by at least a
// second each time, so that a client's If-Modified-Since, which has only
// seconds, never mistakes a newer generation for the one it holds.
func Invalidate(ctx context.Context, tx *sql.Tx) error {
	// The first statement locks the row; the read then sees the last
	// committed time.
	if _, err := tx.ExecContext(ctx, "UPDATE portal_state SET generation = generation + 1 WHERE id = 1"); err != nil {
		return errs.Wrap(err, "portal: bump generation")
	}
	var prev time.Time
	if err := tx.QueryRowContext(ctx, "SELECT changed_at FROM portal_state WHERE id = 1").Scan(&prev); err != nil {
		return errs.Wrap(err, "portal: read generation")
	}
	next := database.Now().Truncate(time.Second)
	if floor := prev.UTC().Truncate(time.Second).Add(time.Second); next.Before(floor) {
		next = floor
	}
	if _, err := tx.ExecContext(ctx, "UPDATE portal_state SET changed_at = $1 WHERE id = 1", next); err != nil {
		return errs.Wrap(err, "portal: bump generation time")
	}
	return nil
}

// publicTx runs fn, a change the public can see, in a transaction, and
// tells OnChange once it has committed.
func (s *Store) publicTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if err := s.DB.Tx(ctx, fn); err != nil {
		return err
	}
	if s.OnChange != nil {
		s.OnChange()
	}
	return nil
}

// Watch reads the generation every interval until ctx ends, telling
// changed each time it moves: how a web server learns at once of the
// changes other servers (or other domains) make.
func (s *Store) Watch(ctx context.Context, interval time.Duration, changed func(State)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	var last int64
	for {
		if st, err := s.State(ctx); err == nil && st.Generation != last {
			last = st.Generation
			changed(st)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Publication is an exemplar prepared for, on, or taken off the portal.
type Publication struct {
	ID           int64
	DossierID    int64
	NominationID int64
	VersionID    int64
	// UnitID is the unit whose round selected the exemplar: its officers,
	// leaders and administrators (and those above) manage the publication.
	UnitID           int64
	UnitName         string
	UnitPath         string
	CreditedUnitID   int64 // the dossier's unit, credited on the page
	CreditedUnitName string
	CreditedUnitPath string
	Status           Status
	Content          Content
	InvolvesMinors   bool // marked by the editor (Subject.Students is derived)
	Consent          Consent
	Minors           Minors
	Revision         int  // revisions published so far
	Dirty            bool // the working copy differs from the live revision
	Featured         bool
	FeatureOrder     int
	FirstPublishedAt *time.Time
	PublishedAt      *time.Time
	UnpublishedAt    *time.Time
	UnpublishReason  string
	Version          int
	CreatedAt        time.Time
	UpdatedAt        time.Time

	Subject Subject // the exemplar behind it, from the dossier version (Get only)
}

// Subject is what a publication needs to know of the selected exemplar.
type Subject struct {
	Kind           exemplar.SubjectKind
	Category       exemplar.Category
	Person         *exemplar.Person
	CollectiveName string
	Name           string // full name or collective name
	Students       bool   // a student, or a collective of students
	Images         []exemplar.FileRef
	RoundName      string
	ReviewUnitName string
	Released       *time.Time
	MovementID     int64
	MovementName   string
}

// NeedsConsent reports whether the page is about one person, who must
// consent before it is published.
func (p Publication) NeedsConsent() bool { return p.Subject.Kind == exemplar.Individual }

// NeedsMinorsCheck reports whether the exemplar involves students.
func (p Publication) NeedsMinorsCheck() bool { return p.InvolvesMinors || p.Subject.Students }

// Slug is the page's slug for the current title.
func (p Publication) Slug() string { return SlugOf(p.Content.Title, p.ID) }

// Live reports whether the publication is on the portal.
func (p Publication) Live() bool { return p.Status == Published }

const pubSelect = `SELECT p.id, p.dossier_id, p.nomination_id, p.version_id, p.unit_id, u.name, u.path, p.credited_unit_id, cu.name, cu.path,
	p.status, p.content, p.involves_minors, p.consent_by, p.consent_capacity, p.consent_on, p.consent_method, p.consent_scope, p.consent_photos,
	COALESCE(p.consent_file, ''), p.consent_file_name, COALESCE(p.consent_recorded_by, 0), p.consent_recorded_at,
	p.minors_name, p.minors_photos, p.minors_school, COALESCE(p.minors_checked_by, 0), p.minors_checked_at,
	p.revision, p.dirty, p.featured, p.feature_order, p.first_published_at, p.published_at, p.unpublished_at, p.unpublish_reason,
	p.version, p.created_at, p.updated_at
	FROM publications p JOIN units u ON u.id = p.unit_id JOIN units cu ON cu.id = p.credited_unit_id`

type scanner interface{ Scan(dest ...any) error }

func scanPublication(row scanner) (Publication, error) {
	var p Publication
	var content string
	var consentOn, consentAt, minorsAt, first, published, unpublished sql.NullTime
	err := row.Scan(&p.ID, &p.DossierID, &p.NominationID, &p.VersionID, &p.UnitID, &p.UnitName, &p.UnitPath,
		&p.CreditedUnitID, &p.CreditedUnitName, &p.CreditedUnitPath, &p.Status, &content, &p.InvolvesMinors,
		&p.Consent.By, &p.Consent.Capacity, &consentOn, &p.Consent.Method, &p.Consent.Scope, &p.Consent.Photos,
		&p.Consent.FileSHA, &p.Consent.FileName, &p.Consent.RecordedBy, &consentAt,
		&p.Minors.Name, &p.Minors.Photos, &p.Minors.School, &p.Minors.CheckedBy, &minorsAt,
		&p.Revision, &p.Dirty, &p.Featured, &p.FeatureOrder, &first, &published, &unpublished, &p.UnpublishReason,
		&p.Version, &p.CreatedAt, &p.UpdatedAt)
	if err != nil {
		return p, err
	}
	p.Consent.On, p.Consent.RecordedAt, p.Minors.CheckedAt = timePtr(consentOn), timePtr(consentAt), timePtr(minorsAt)
	p.FirstPublishedAt, p.PublishedAt, p.UnpublishedAt = timePtr(first), timePtr(published), timePtr(unpublished)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(content), &p.Content); err != nil {
		return p, fmt.Errorf("content of publication %d: %w", p.ID, err)
	}
	if p.Content.Photos == nil {
		p.Content.Photos = []Photo{}
	}
	return p, nil
}

func jsonUnmarshal(s string, v any) { _ = json.Unmarshal([]byte(s), v) }

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time.UTC()
	return &v
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// get reads a publication without checking the scope.
func (s *Store) get(ctx context.Context, q database.Querier, id int64) (Publication, error) {
	p, err := scanPublication(q.QueryRowContext(ctx, pubSelect+" WHERE p.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, errs.ErrNotFound
	}
	if err != nil {
		return p, errs.Wrap(err, "portal: publication")
	}
	return p, nil
}

// managed reads a publication the caller manages: NotFound when its unit is
// outside everything the caller sees, Forbidden without a managing role.
func (s *Store) managed(ctx context.Context, q database.Querier, sc access.Scope, id int64) (Publication, error) {
	p, err := s.get(ctx, q, id)
	if err != nil {
		return p, err
	}
	if !sc.CanSeeUnit(p.UnitPath) && !sc.CanRead(p.CreditedUnitPath) {
		return Publication{}, errs.ErrNotFound
	}
	if !sc.Has(p.UnitPath, managers...) {
		return Publication{}, errs.ErrForbidden
	}
	return p, nil
}

// editable is managed plus the version check of a change.
func (s *Store) editable(ctx context.Context, q database.Querier, sc access.Scope, id int64, version int) (Publication, error) {
	p, err := s.managed(ctx, q, sc, id)
	if err != nil {
		return p, err
	}
	if p.Version != version {
		return Publication{}, errs.ErrStale
	}
	return p, nil
}

// subject loads what the publication needs of its exemplar: the dossier
// version's snapshot, the round that selected it, the movement.
func (s *Store) subject(ctx context.Context, q database.Querier, p Publication) (Subject, error) {
	v, err := s.dossiers().Version(ctx, access.System(), p.VersionID)
	if err != nil {
		return Subject{}, err
	}
	d := v.Dossier
	sub := Subject{Kind: d.SubjectKind, Category: d.Category, Person: d.Person, CollectiveName: d.CollectiveName, Name: d.SubjectName()}
	switch d.SubjectKind {
	case exemplar.Individual:
		sub.Students = d.Person != nil && d.Person.Student
	case exemplar.Collective:
		sub.Students = collectiveOfStudents(d.CollectiveName)
	}
	seen := map[string]bool{}
	add := func(fs []exemplar.FileRef) {
		for _, f := range fs {
			if strings.HasPrefix(f.ContentType, "image/") && !seen[f.SHA256] {
				seen[f.SHA256] = true
				sub.Images = append(sub.Images, f)
			}
		}
	}
	add(d.Files)
	for _, c := range d.Criteria {
		add(c.Files)
	}
	var released sql.NullTime
	var movement sql.NullInt64
	var movementName sql.NullString
	err = q.QueryRowContext(ctx, `SELECT r.name, ru.name, r.released_at, d.movement_id, m.name
		FROM nominations n JOIN rounds r ON r.id = n.round_id JOIN units ru ON ru.id = r.unit_id
		JOIN dossiers d ON d.id = n.dossier_id LEFT JOIN movements m ON m.id = d.movement_id
		WHERE n.id = $1`, p.NominationID).Scan(&sub.RoundName, &sub.ReviewUnitName, &released, &movement, &movementName)
	if err != nil {
		return Subject{}, errs.Wrap(err, "portal: round of publication "+strconv.FormatInt(p.ID, 10))
	}
	sub.Released = timePtr(released)
	sub.MovementID, sub.MovementName = movement.Int64, movementName.String
	return sub, nil
}

// Get returns a publication the caller manages, with its subject.
func (s *Store) Get(ctx context.Context, sc access.Scope, id int64) (Publication, error) {
	p, err := s.managed(ctx, s.DB.R, sc, id)
	if err != nil {
		return p, err
	}
	if p.Subject, err = s.subject(ctx, s.DB.R, p); err != nil {
		return Publication{}, err
	}
	return p, nil
}

// Filter narrows a listing of publications.
type Filter struct {
	Status   Status // "" for every status
	Featured bool   // only featured ones, in their order
	Limit    int    // 50 when 0, at most 500
	Offset   int
}

// List returns the publications the caller manages, most recently changed
// first (featured ones in their order when Featured), and how many match.
func (s *Store) List(ctx context.Context, sc access.Scope, f Filter) ([]Publication, int, error) {
	cond, args := sc.Filter("u.path", 1, managers...)
	where := []string{cond}
	if f.Status != "" {
		args = append(args, string(f.Status))
		where = append(where, "p.status = $"+strconv.Itoa(len(args)))
	}
	order := "p.updated_at DESC, p.id DESC"
	if f.Featured {
		args = append(args, true)
		where = append(where, "p.featured = $"+strconv.Itoa(len(args)))
		order = "p.feature_order, p.first_published_at DESC, p.id DESC"
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := s.DB.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM publications p JOIN units u ON u.id = p.unit_id WHERE "+w, args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "portal: count publications")
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 500)
	args = append(args, f.Limit, max(f.Offset, 0))
	rows, err := s.DB.R.QueryContext(ctx, fmt.Sprintf("%s WHERE %s ORDER BY %s LIMIT $%d OFFSET $%d", pubSelect, w, order, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "portal: publications")
	}
	defer rows.Close()
	var out []Publication
	for rows.Next() {
		p, err := scanPublication(rows)
		if err != nil {
			return nil, 0, errs.Wrap(err, "portal: scan publication")
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// Candidate is a released, selected nomination whose exemplar has no
// publication yet: what the caller could publish.
type Candidate struct {
	NominationID   int64
	DossierID      int64
	Title          string
	SubjectName    string
	Category       exemplar.Category
	RoundName      string
	ReviewUnitName string
	DossierUnit    string
	DecidedAt      *time.Time
}

// Candidates lists the selected nominations of rounds held at units the
// caller manages whose exemplars are not yet on (or prepared for) the
// portal, most recently decided first.
//
// It reads the pipeline's tables directly: a read of released decisions,
// which the selection package shows to everyone on the reviewing side.
func (s *Store) Candidates(ctx context.Context, sc access.Scope, limit int) ([]Candidate, error) {
	cond, args := sc.Filter("ru.path", 2, managers...)
	args = append([]any{"selected"}, args...)
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	args = append(args, limit)
	rows, err := s.DB.R.QueryContext(ctx, `SELECT n.id, n.dossier_id, n.title, n.subject_name, n.category, r.name, ru.name, du.name, n.decided_at
		FROM nominations n JOIN rounds r ON r.id = n.round_id JOIN units ru ON ru.id = r.unit_id JOIN units du ON du.id = n.dossier_unit_id
		WHERE n.state = $1 AND `+cond+` AND NOT EXISTS (SELECT 1 FROM publications p WHERE p.dossier_id = n.dossier_id)
		ORDER BY n.decided_at DESC, n.id DESC LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, errs.Wrap(err, "portal: candidates")
	}
	defer rows.Close()
	var out []Candidate
	for rows.Next() {
		var c Candidate
		var decided sql.NullTime
		if err := rows.Scan(&c.NominationID, &c.DossierID, &c.Title, &c.SubjectName, &c.Category, &c.RoundName, &c.ReviewUnitName, &c.DossierUnit, &decided); err != nil {
			return nil, errs.Wrap(err, "portal: scan candidate")
		}
		c.DecidedAt = timePtr(decided)
		out = append(out, c)
	}
	return out, rows.Err()
}
