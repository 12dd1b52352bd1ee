package exemplar

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"thidua/internal/access"
	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/files"
	"thidua/internal/movement"
	"thidua/internal/viet"
)

// Store reads and writes dossiers, their versions, commendations and
// honours. Every method takes the caller's scope: a dossier is visible to
// anyone holding a role at its unit or above, and drafted by staff,
// officers and leaders there.
type Store struct {
	DB    *database.DB
	Files *files.Store // evidence uploads; a database-backed store on DB when nil
}

// writers are the roles that draft dossiers at their unit and below.
var writers = []access.Role{access.Staff, access.Officer, access.Leader}

func (s *Store) files() *files.Store {
	if s.Files != nil {
		return s.Files
	}
	return &files.Store{DB: s.DB}
}

// unitRef is what the package needs of a unit.
type unitRef struct {
	ID         int64
	Name, Path string
}

func loadUnit(ctx context.Context, q database.Querier, id int64) (unitRef, error) {
	var u unitRef
	err := q.QueryRowContext(ctx, "SELECT id, name, path FROM units WHERE id = $1", id).Scan(&u.ID, &u.Name, &u.Path)
	if errors.Is(err, sql.ErrNoRows) {
		return u, errs.ErrNotFound
	}
	if err != nil {
		return u, errs.Wrap(err, "exemplar: load unit")
	}
	return u, nil
}

const dossierSelect = `SELECT d.id, d.unit_id, u.name, u.path, d.subject_kind,
	COALESCE(d.person_id, 0), COALESCE(p.ho, ''), COALESCE(p.dem, ''), COALESCE(p.ten, ''), COALESCE(p.gender, ''),
	COALESCE(p.birth_year, 0), COALESCE(p.position, ''), COALESCE(p.unit_id, 0), COALESCE(pu.name, ''), COALESCE(p.student, FALSE),
	d.collective_name, COALESCE(d.collective_unit_id, 0), d.category, d.title, d.summary, d.criteria, d.guide,
	d.version, d.last_frozen, d.created_by, d.created_at, d.updated_at,
	COALESCE(d.movement_id, 0), COALESCE(mv.name, ''), COALESCE(d.campaign_id, 0), COALESCE(cp.name, '')
	FROM dossiers d JOIN units u ON u.id = d.unit_id
	LEFT JOIN persons p ON p.id = d.person_id LEFT JOIN units pu ON pu.id = p.unit_id
	LEFT JOIN movements mv ON mv.id = d.movement_id LEFT JOIN campaigns cp ON cp.id = d.campaign_id`

type scanner interface{ Scan(dest ...any) error }

// storedCriterion is a criterion entry as kept in dossiers.criteria; its
// files live in dossier_files.
type storedCriterion struct {
	Key      string `json:"key"`
	Checked  bool   `json:"checked"`
	Evidence string `json:"evidence"`
}

func scanDossier(row scanner) (Dossier, error) {
	var d Dossier
	var p Person
	var criteria, guide string
	err := row.Scan(&d.ID, &d.UnitID, &d.UnitName, &d.UnitPath, &d.SubjectKind,
		&p.ID, &p.Ho, &p.Dem, &p.Ten, &p.Gender, &p.BirthYear, &p.Position, &p.UnitID, &p.UnitName, &p.Student,
		&d.CollectiveName, &d.CollectiveUnitID, &d.Category, &d.Title, &d.Summary, &criteria, &guide,
		&d.Version, &d.LastFrozen, &d.CreatedBy, &d.CreatedAt, &d.UpdatedAt,
		&d.MovementID, &d.MovementName, &d.CampaignID, &d.CampaignName)
	if err != nil {
		return d, err
	}
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	if p.ID != 0 {
		d.Person = &p
	}
	var stored []storedCriterion
	if err := json.Unmarshal([]byte(criteria), &stored); err != nil {
		return d, fmt.Errorf("criteria of dossier %d: %w", d.ID, err)
	}
	entries := make([]CriterionEntry, len(stored))
	for i, c := range stored {
		entries[i] = CriterionEntry{Key: c.Key, Checked: c.Checked, Evidence: c.Evidence}
	}
	d.Criteria = fullCriteria(entries)
	for i := range d.Criteria {
		d.Criteria[i].Files = []FileRef{}
	}
	d.Files = []FileRef{}
	if guide != "" {
		d.Guide = new(Guide)
		if err := json.Unmarshal([]byte(guide), d.Guide); err != nil {
			return d, fmt.Errorf("guide of dossier %d: %w", d.ID, err)
		}
	}
	return d, nil
}

// attachFiles loads the evidence files of the dossiers in ds.
func attachFiles(ctx context.Context, q database.Querier, ds []Dossier) error {
	if len(ds) == 0 {
		return nil
	}
	args := make([]any, len(ds))
	at := make(map[int64]int, len(ds))
	for i, d := range ds {
		args[i] = d.ID
		at[d.ID] = i
	}
	rows, err := q.QueryContext(ctx, `SELECT dossier_id, criterion, sha256, name, content_type, size FROM dossier_files
		WHERE dossier_id IN (`+database.Placeholders(1, len(args))+`) ORDER BY id`, args...)
	if err != nil {
		return errs.Wrap(err, "exemplar: load files")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var key string
		var f FileRef
		if err := rows.Scan(&id, &key, &f.SHA256, &f.Name, &f.ContentType, &f.Size); err != nil {
			return errs.Wrap(err, "exemplar: scan file")
		}
		d := &ds[at[id]]
		if key == "" {
			d.Files = append(d.Files, f)
			continue
		}
		found := false
		for i := range d.Criteria {
			if d.Criteria[i].Key == key {
				d.Criteria[i].Files = append(d.Criteria[i].Files, f)
				found = true
				break
			}
		}
		if !found {
			d.Criteria = append(d.Criteria, CriterionEntry{Key: key, Files: []FileRef{f}})
		}
	}
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "exemplar: load files")
	}
	return nil
}

// get reads a dossier without checking the scope.
func (s *Store) get(ctx context.Context, q database.Querier, id int64) (Dossier, error) {
	d, err := scanDossier(q.QueryRowContext(ctx, dossierSelect+" WHERE d.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Dossier{}, errs.ErrNotFound
	}
	if err != nil {
		return Dossier{}, errs.Wrap(err, "exemplar: get")
	}
	ds := []Dossier{d}
	if err := attachFiles(ctx, q, ds); err != nil {
		return Dossier{}, err
	}
	return ds[0], nil
}

// Get returns a dossier the caller may read: one whose unit lies in a
// subtree where they hold any role (so reviewers above see it too).
func (s *Store) Get(ctx context.Context, sc access.Scope, id int64) (Dossier, error) {
	d, err := s.get(ctx, s.DB.R, id)
	if err != nil {
		return Dossier{}, err
	}
	if !sc.CanRead(d.UnitPath) {
		return Dossier{}, errs.ErrNotFound
	}
	return d, nil
}

// editable reads a dossier for a change: NotFound outside the caller's
// subtrees, Forbidden without a drafting role, Stale when version is not
// the current one.
func (s *Store) editable(ctx context.Context, q database.Querier, sc access.Scope, id int64, version int) (Dossier, error) {
	d, err := s.get(ctx, q, id)
	if err != nil {
		return Dossier{}, err
	}
	if !sc.CanRead(d.UnitPath) {
		return Dossier{}, errs.ErrNotFound
	}
	if !sc.Has(d.UnitPath, writers...) {
		return Dossier{}, errs.ErrForbidden
	}
	if d.Version != version {
		return Dossier{}, errs.ErrStale
	}
	return d, nil
}

// subject is a checked, resolved subject ready to store.
type subject struct {
	personID         int64
	collectiveName   string
	collectiveUnitID int64
	key              string
	name             string
}

// checkSubject validates the units the subject refers to (they must lie in
// the dossier unit's subtree) and fills a collective's name from its unit.
func checkSubject(ctx context.Context, q database.Querier, u unitRef, in *Input, f errs.Fields) error {
	switch in.SubjectKind {
	case Individual:
		in.CollectiveName, in.CollectiveUnitID = "", 0
		if in.Person.UnitID == 0 {
			in.Person.UnitID = u.ID
		}
		pu, err := loadUnit(ctx, q, in.Person.UnitID)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return err
		}
		if err != nil || !access.Within(pu.Path, u.Path) {
			f.Add("person.unit_id", "Đơn vị công tác của cá nhân phải là đơn vị lập hồ sơ hoặc một đơn vị trực thuộc.")
		}
	case Collective:
		in.Person = Person{}
		if in.CollectiveUnitID != 0 {
			cu, err := loadUnit(ctx, q, in.CollectiveUnitID)
			if err != nil && !errs.Is(err, errs.NotFound) {
				return err
			}
			if err != nil || !access.Within(cu.Path, u.Path) {
				f.Add("collective_unit_id", "Tập thể phải là đơn vị lập hồ sơ hoặc một đơn vị trực thuộc.")
			} else if in.CollectiveName == "" {
				in.CollectiveName = cu.Name
			}
		}
	}
	return nil
}

// resolveSubject stores the subject of a valid input: an individual's
// person is reused when one with the same unit, folded full name and birth
// year exists (its details are brought up to date), created otherwise.
func resolveSubject(ctx context.Context, tx *sql.Tx, u unitRef, in Input) (subject, error) {
	if in.SubjectKind == Collective {
		return subject{collectiveName: in.CollectiveName, collectiveUnitID: in.CollectiveUnitID,
			key: collectiveKey(in.CollectiveUnitID, u.ID, in.CollectiveName), name: in.CollectiveName}, nil
	}
	p := in.Person
	name := p.FullName()
	nameKey := viet.Fold(name)
	search := viet.Fold(name + " " + p.Position)
	now := database.Now()
	var id int64
	err := tx.QueryRowContext(ctx, "SELECT id FROM persons WHERE unit_id = $1 AND name_key = $2 AND birth_year = $3 ORDER BY id LIMIT 1",
		p.UnitID, nameKey, p.BirthYear).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = tx.QueryRowContext(ctx, `INSERT INTO persons (unit_id, ho, dem, ten, gender, birth_year, position, student, name_key, search, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
			p.UnitID, p.Ho, p.Dem, p.Ten, p.Gender, p.BirthYear, p.Position, p.Student, nameKey, search, now).Scan(&id)
		if err != nil {
			return subject{}, errs.Wrap(err, "exemplar: insert person")
		}
	case err != nil:
		return subject{}, errs.Wrap(err, "exemplar: find person")
	default:
		_, err = tx.ExecContext(ctx, `UPDATE persons SET ho = $1, dem = $2, ten = $3, gender = $4, position = $5, student = $6, search = $7, updated_at = $8 WHERE id = $9`,
			p.Ho, p.Dem, p.Ten, p.Gender, p.Position, p.Student, search, now, id)
		if err != nil {
			return subject{}, errs.Wrap(err, "exemplar: update person")
		}
	}
	return subject{personID: id, key: "person:" + strconv.FormatInt(id, 10), name: name}, nil
}

// columnsOf returns the stored forms of an input's criteria and guide, and
// its search text.
func columnsOf(in Input, subj subject) (criteria, guide, search string, err error) {
	entries := fullCriteria(in.Criteria)
	stored := make([]storedCriterion, len(entries))
	for i, c := range entries {
		stored[i] = storedCriterion{Key: c.Key, Checked: c.Checked, Evidence: c.Evidence}
	}
	b, err := json.Marshal(stored)
	if err != nil {
		return "", "", "", err
	}
	if in.Guide != nil {
		g, err := json.Marshal(in.Guide)
		if err != nil {
			return "", "", "", err
		}
		guide = string(g)
	}
	return string(b), guide, viet.Fold(in.Title + " " + subj.name + " " + in.Summary), nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// describe names a dossier in audit summaries.
func describe(d Dossier) string {
	if d.Title == "" {
		return d.SubjectName()
	}
	return "“" + d.Title + "” (" + d.SubjectName() + ")"
}

// checkMovement validates the movement and campaign a dossier links to:
// the campaign must belong to the movement.
func checkMovement(ctx context.Context, q database.Querier, in Input, f errs.Fields) error {
	switch {
	case in.MovementID < 0 || in.CampaignID < 0:
		f.Add("movement_id", "Không tìm thấy phong trào thi đua đã chọn.")
	case in.MovementID == 0 && in.CampaignID != 0:
		f.Add("campaign_id", "Chọn phong trào thi đua của đợt thi đua.")
	case in.MovementID != 0:
		ok, err := movement.Exists(ctx, q, in.MovementID, 0)
		if err != nil {
			return err
		}
		if !ok {
			f.Add("movement_id", "Không tìm thấy phong trào thi đua đã chọn.")
			return nil
		}
		if in.CampaignID != 0 {
			if ok, err = movement.Exists(ctx, q, in.MovementID, in.CampaignID); err != nil {
				return err
			}
			if !ok {
				f.Add("campaign_id", "Đợt thi đua không thuộc phong trào đã chọn.")
			}
		}
	}
	return nil
}

// prepare checks an input for the dossier unit u and stores its subject.
func prepare(ctx context.Context, tx *sql.Tx, u unitRef, in *Input) (subject, error) {
	f := errs.Fields{}
	in.validate(f)
	if err := checkSubject(ctx, tx, u, in, f); err != nil {
		return subject{}, err
	}
	if err := checkMovement(ctx, tx, *in, f); err != nil {
		return subject{}, err
	}
	if err := f.Err(); err != nil {
		return subject{}, err
	}
	return resolveSubject(ctx, tx, u, *in)
}

// Create starts a draft at in.UnitID. Staff, officers and leaders of the
// unit or of a unit above it may; viewers and administrators may not.
func (s *Store) Create(ctx context.Context, sc access.Scope, in Input) (Dossier, error) {
	in.Normalize()
	var out Dossier
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		u, err := loadUnit(ctx, tx, in.UnitID)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return err
		}
		if err != nil || !sc.CanSeeUnit(u.Path) {
			return errs.InvalidField("unit_id", "Không tìm thấy đơn vị lập hồ sơ.")
		}
		if !sc.Has(u.Path, writers...) {
			return errs.ErrForbidden
		}
		subj, err := prepare(ctx, tx, u, &in)
		if err != nil {
			return err
		}
		criteria, guide, search, err := columnsOf(in, subj)
		if err != nil {
			return errs.Wrap(err, "exemplar: encode")
		}
		now := database.Now()
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO dossiers (unit_id, subject_kind, person_id, collective_name, collective_unit_id, subject_key,
			category, title, summary, criteria, guide, search, version, last_frozen, created_by, created_at, updated_by, updated_at,
			movement_id, campaign_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, 0, $13, $14, $13, $14, $15, $16) RETURNING id`,
			u.ID, string(in.SubjectKind), nullID(subj.personID), subj.collectiveName, nullID(subj.collectiveUnitID), subj.key,
			string(in.Category), in.Title, in.Summary, criteria, guide, search, sc.UserID, now, nullID(in.MovementID), nullID(in.CampaignID)).Scan(&id)
		if err != nil {
			return errs.Wrap(err, "exemplar: insert dossier")
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: out.UnitID, UnitPath: out.UnitPath, Action: "create",
			ObjectType: "dossier", ObjectID: out.ID, Summary: "Tạo hồ sơ điển hình " + describe(out), After: out})
	})
	return out, err
}

// Update saves a draft. version must be the one the caller read: a stale
// write gets errs.ErrStale and changes nothing. The owning unit cannot
// change.
func (s *Store) Update(ctx context.Context, sc access.Scope, id int64, version int, in Input) (Dossier, error) {
	in.Normalize()
	var out Dossier
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.editable(ctx, tx, sc, id, version)
		if err != nil {
			return err
		}
		if in.UnitID != 0 && in.UnitID != old.UnitID {
			return errs.InvalidField("unit_id", "Không thể chuyển hồ sơ sang đơn vị khác; hãy lập hồ sơ mới tại đơn vị đó.")
		}
		in.UnitID = old.UnitID
		subj, err := prepare(ctx, tx, unitRef{old.UnitID, old.UnitName, old.UnitPath}, &in)
		if err != nil {
			return err
		}
		criteria, guide, search, err := columnsOf(in, subj)
		if err != nil {
			return errs.Wrap(err, "exemplar: encode")
		}
		res, err := tx.ExecContext(ctx, `UPDATE dossiers SET subject_kind = $1, person_id = $2, collective_name = $3, collective_unit_id = $4,
			subject_key = $5, category = $6, title = $7, summary = $8, criteria = $9, guide = $10, search = $11,
			version = version + 1, updated_by = $12, updated_at = $13, movement_id = $16, campaign_id = $17 WHERE id = $14 AND version = $15`,
			string(in.SubjectKind), nullID(subj.personID), subj.collectiveName, nullID(subj.collectiveUnitID), subj.key,
			string(in.Category), in.Title, in.Summary, criteria, guide, search, sc.UserID, database.Now(), id, version,
			nullID(in.MovementID), nullID(in.CampaignID))
		if err != nil {
			return errs.Wrap(err, "exemplar: update dossier")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.ErrStale
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: out.UnitID, UnitPath: out.UnitPath, Action: "update",
			ObjectType: "dossier", ObjectID: out.ID, Summary: "Sửa hồ sơ điển hình " + describe(out), Before: old, After: out})
	})
	return out, err
}

// Filter narrows a listing of dossiers.
type Filter struct {
	UnitID      int64 // only dossiers of this unit's subtree (0: every unit the caller reaches)
	Category    Category
	SubjectKind SubjectKind
	MovementID  int64  // only dossiers linked to this movement
	Query       string // folded words, each found in the title, the subject's name or the summary
	Limit       int    // 50 when 0, at most 500
	Offset      int
}

// likeEscape escapes LIKE's wildcards in s (the escape character is \).
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

// List returns the dossiers the caller may read that match f, most
// recently changed first, and how many match in all.
func (s *Store) List(ctx context.Context, sc access.Scope, f Filter) ([]Dossier, int, error) {
	cond, args := sc.Filter("u.path", 1)
	where := []string{cond}
	add := func(c string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(c, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.UnitID != 0 {
		u, err := loadUnit(ctx, s.DB.R, f.UnitID)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return nil, 0, err
		}
		if err != nil || !sc.CanSeeUnit(u.Path) {
			return nil, 0, errs.ErrNotFound
		}
		add("u.path LIKE ?", u.Path+"%")
	}
	if f.Category != "" {
		add("d.category = ?", string(f.Category))
	}
	if f.SubjectKind != "" {
		add("d.subject_kind = ?", string(f.SubjectKind))
	}
	if f.MovementID != 0 {
		add("d.movement_id = ?", f.MovementID)
	}
	for _, w := range strings.Fields(viet.Fold(f.Query)) {
		add(`d.search LIKE ? ESCAPE '\'`, "%"+likeEscape(w)+"%")
	}
	w := strings.Join(where, " AND ")
	var total int
	err := s.DB.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM dossiers d JOIN units u ON u.id = d.unit_id WHERE "+w, args...).Scan(&total)
	if err != nil {
		return nil, 0, errs.Wrap(err, "exemplar: count")
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 500)
	args = append(args, f.Limit, max(f.Offset, 0))
	ds, err := s.query(ctx, s.DB.R, fmt.Sprintf("%s WHERE %s ORDER BY d.updated_at DESC, d.id DESC LIMIT $%d OFFSET $%d",
		dossierSelect, w, len(args)-1, len(args)), args...)
	return ds, total, err
}

// query runs a dossier query and loads the files of the dossiers found.
func (s *Store) query(ctx context.Context, q database.Querier, query string, args ...any) ([]Dossier, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, errs.Wrap(err, "exemplar: list")
	}
	var out []Dossier
	for rows.Next() {
		d, err := scanDossier(rows)
		if err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "exemplar: scan")
		}
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "exemplar: list")
	}
	if err := attachFiles(ctx, q, out); err != nil {
		return nil, err
	}
	return out, nil
}

// SubjectDossiers returns the caller-visible dossiers about the same
// subject as d, other than d itself, newest first: the subject's other
// nominations, shown beside each of their dossiers.
func (s *Store) SubjectDossiers(ctx context.Context, sc access.Scope, d Dossier) ([]Dossier, error) {
	d, err := s.Get(ctx, sc, d.ID)
	if err != nil {
		return nil, err
	}
	cond, args := sc.Filter("u.path", 3)
	return s.query(ctx, s.DB.R, dossierSelect+" WHERE d.subject_key = $1 AND d.id <> $2 AND "+cond+" ORDER BY d.created_at DESC, d.id DESC",
		append([]any{d.SubjectKey(), d.ID}, args...)...)
}
