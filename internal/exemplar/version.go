package exemplar

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"thidua/internal/access"
	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/errs"
)

// Version is a dossier frozen at submission. Versions are immutable: no
// method changes or deletes one, and the database refuses to.
type Version struct {
	ID        int64   `json:"id"`
	DossierID int64   `json:"dossier_id"`
	Number    int     `json:"number"`
	Dossier   Dossier `json:"dossier"` // the snapshot; its LastFrozen is Number
	// Hash is the sha256 (hex) of Snapshot, the canonical JSON of Dossier
	// as stored when the version was frozen.
	Hash      string    `json:"hash"`
	Snapshot  []byte    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy int64     `json:"created_by"`
}

// Canonical is the JSON a snapshot is stored and hashed as.
func Canonical(d Dossier) ([]byte, error) { return json.Marshal(d) }

// HashOf is the hex sha256 of a snapshot.
func HashOf(snapshot []byte) string {
	sum := sha256.Sum256(snapshot)
	return hex.EncodeToString(sum[:])
}

// Intact reports whether the stored snapshot still matches its hash.
func (v Version) Intact() bool { return v.Hash != "" && HashOf(v.Snapshot) == v.Hash }

// FreezeTx snapshots the current draft of dossier id as its next version
// (LastFrozen+1) inside the caller's transaction, with its audit entry. The
// dossier must be complete (see Dossier.Complete): otherwise an Invalid
// error with a message per field, and nothing is written. The caller must
// be able to draft at the dossier's unit (staff, officer or leader there or
// above); who may submit into a round is the caller's rule on top of this.
func (s *Store) FreezeTx(ctx context.Context, tx *sql.Tx, sc access.Scope, id int64) (Version, error) {
	d, err := s.get(ctx, tx, id)
	if err != nil {
		return Version{}, err
	}
	if !sc.CanRead(d.UnitPath) {
		return Version{}, errs.ErrNotFound
	}
	if !sc.Has(d.UnitPath, writers...) {
		return Version{}, errs.ErrForbidden
	}
	if err := d.Complete(); err != nil {
		return Version{}, err
	}
	number := d.LastFrozen + 1
	// The guard on both counters makes a concurrent edit or freeze fail
	// here instead of freezing content nobody saw.
	res, err := tx.ExecContext(ctx, "UPDATE dossiers SET last_frozen = $1 WHERE id = $2 AND last_frozen = $3 AND version = $4",
		number, id, d.LastFrozen, d.Version)
	if err != nil {
		return Version{}, errs.Wrap(err, "exemplar: freeze")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Version{}, errs.ErrStale
	}
	snap := d
	snap.LastFrozen = number
	b, err := Canonical(snap)
	if err != nil {
		return Version{}, errs.Wrap(err, "exemplar: encode snapshot")
	}
	v := Version{DossierID: id, Number: number, Dossier: snap, Hash: HashOf(b), Snapshot: b, CreatedAt: database.Now(), CreatedBy: sc.UserID}
	err = tx.QueryRowContext(ctx, `INSERT INTO dossier_versions (dossier_id, number, snapshot, hash, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, id, number, string(b), v.Hash, v.CreatedBy, v.CreatedAt).Scan(&v.ID)
	if database.IsUnique(err) {
		return Version{}, errs.ErrStale
	}
	if err != nil {
		return Version{}, errs.Wrap(err, "exemplar: insert version")
	}
	err = audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: d.UnitID, UnitPath: d.UnitPath, Action: "freeze", ObjectType: "dossier",
		ObjectID: id, Summary: "Chốt phiên bản " + strconv.Itoa(number) + " của hồ sơ " + describe(d),
		After: map[string]any{"version_id": v.ID, "number": number, "hash": v.Hash}})
	if err != nil {
		return Version{}, err
	}
	return v, nil
}

// Freeze is FreezeTx in a transaction of its own.
func (s *Store) Freeze(ctx context.Context, sc access.Scope, id int64) (Version, error) {
	var v Version
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		v, err = s.FreezeTx(ctx, tx, sc, id)
		return err
	})
	return v, err
}

const versionSelect = `SELECT v.id, v.dossier_id, v.number, v.snapshot, v.hash, v.created_by, v.created_at, u.path
	FROM dossier_versions v JOIN dossiers d ON d.id = v.dossier_id JOIN units u ON u.id = d.unit_id`

func scanVersion(row scanner) (Version, string, error) {
	var v Version
	var snap, path string
	if err := row.Scan(&v.ID, &v.DossierID, &v.Number, &snap, &v.Hash, &v.CreatedBy, &v.CreatedAt, &path); err != nil {
		return v, "", err
	}
	v.CreatedAt = v.CreatedAt.UTC()
	v.Snapshot = []byte(snap)
	if err := json.Unmarshal(v.Snapshot, &v.Dossier); err != nil {
		return v, "", errs.Wrap(err, "exemplar: decode snapshot "+strconv.FormatInt(v.ID, 10))
	}
	// The unit may have moved since; access follows where it is now.
	v.Dossier.UnitPath = path
	return v, path, nil
}

// Version returns a frozen version the caller may read: anyone with a role
// whose subtree holds the dossier's unit, reviewers above included.
func (s *Store) Version(ctx context.Context, sc access.Scope, versionID int64) (Version, error) {
	v, path, err := scanVersion(s.DB.R.QueryRowContext(ctx, versionSelect+" WHERE v.id = $1", versionID))
	if errors.Is(err, sql.ErrNoRows) {
		return Version{}, errs.ErrNotFound
	}
	if err != nil {
		return Version{}, errs.Wrap(err, "exemplar: version")
	}
	if !sc.CanRead(path) {
		return Version{}, errs.ErrNotFound
	}
	return v, nil
}

// Versions returns every frozen version of a dossier, oldest first.
func (s *Store) Versions(ctx context.Context, sc access.Scope, dossierID int64) ([]Version, error) {
	if _, err := s.Get(ctx, sc, dossierID); err != nil {
		return nil, err
	}
	rows, err := s.DB.R.QueryContext(ctx, versionSelect+" WHERE v.dossier_id = $1 ORDER BY v.number", dossierID)
	if err != nil {
		return nil, errs.Wrap(err, "exemplar: versions")
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		v, _, err := scanVersion(rows)
		if err != nil {
			return nil, errs.Wrap(err, "exemplar: scan version")
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "exemplar: versions")
	}
	return out, nil
}
