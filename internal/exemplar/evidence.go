package exemplar

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strings"
	"unicode"

	"thidua/internal/access"
	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/files"
	"thidua/internal/viet"
)

// EvidenceKinds are the files a dossier accepts as evidence, decided by
// content: images, PDF, Word and Excel.
var EvidenceKinds = []files.Kind{files.Image, files.PDF, files.DOCX, files.XLSX}

// MaxFiles caps the evidence files of one dossier.
const MaxFiles = 100

// fileName keeps the last element of an uploaded name ("C:\fakepath\a.png"
// → "a.png"), in NFC, without control characters, at most 200 characters.
func fileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, name)
	name = viet.NFC(name)
	if r := []rune(name); len(r) > 200 {
		name = string(r[len(r)-200:])
	}
	if name == "" || name == "." || name == ".." {
		return "Tệp đính kèm"
	}
	return name
}

// AttachFile adds an evidence file to a draft: to the criterion with key
// criterion, or to the general evidence when criterion is "". The file is
// checked by content (EvidenceKinds) and size; a refused file changes
// nothing. version must be the draft's current one; it is bumped.
func (s *Store) AttachFile(ctx context.Context, sc access.Scope, id int64, version int, criterion string, name string, r io.Reader) (Dossier, error) {
	criterion = strings.TrimSpace(criterion)
	if criterion != "" && !knownCriterion(criterion) {
		return Dossier{}, errs.InvalidField("criterion", "Tiêu chí đính kèm minh chứng không có trong danh sách tiêu chí chung.")
	}
	// Check before reading the upload, so a caller without the right to
	// change the dossier cannot even store bytes.
	d, err := s.editable(ctx, s.DB.R, sc, id, version)
	if err != nil {
		return Dossier{}, err
	}
	if countFiles(d) >= MaxFiles {
		return Dossier{}, errs.InvalidField("file", fmt.Sprintf("Mỗi hồ sơ đính kèm tối đa %d tệp; hãy gỡ bớt tệp không cần thiết.", MaxFiles))
	}
	f, err := s.files().Put(ctx, r, EvidenceKinds)
	if err != nil {
		return Dossier{}, err
	}
	ref := FileRef{SHA256: f.SHA256, Name: fileName(name), ContentType: f.ContentType, Size: f.Size}
	var out Dossier
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.editable(ctx, tx, sc, id, version)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM dossier_files WHERE dossier_id = $1 AND criterion = $2 AND sha256 = $3",
			id, criterion, ref.SHA256).Scan(&n); err != nil {
			return errs.Wrap(err, "exemplar: check file")
		}
		if n > 0 {
			return errs.InvalidField("file", "Tệp “"+ref.Name+"” đã được đính kèm ở mục “"+CriterionLabel(criterion)+"”.")
		}
		now := database.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_files (dossier_id, criterion, sha256, name, content_type, size, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, criterion, ref.SHA256, ref.Name, ref.ContentType, ref.Size, sc.UserID, now); err != nil {
			return errs.Wrap(err, "exemplar: insert file")
		}
		if out, err = s.touch(ctx, tx, sc, id, version); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: out.UnitID, UnitPath: out.UnitPath, Action: "attach_file",
			ObjectType: "dossier", ObjectID: id, Summary: "Đính kèm tệp “" + ref.Name + "” (" + CriterionLabel(criterion) + ") vào hồ sơ " + describe(old),
			After: map[string]any{"criterion": criterion, "file": ref, "version": out.Version}})
	})
	return out, err
}

// DetachFile removes the evidence file sha from a criterion of a draft
// ("" for general evidence). The bytes stay: frozen versions may use them.
func (s *Store) DetachFile(ctx context.Context, sc access.Scope, id int64, version int, criterion, sha string) (Dossier, error) {
	criterion = strings.TrimSpace(criterion)
	var out Dossier
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.editable(ctx, tx, sc, id, version)
		if err != nil {
			return err
		}
		var ref FileRef
		found := false
		list := old.Files
		if criterion != "" {
			c, _ := old.Criterion(criterion)
			list = c.Files
		}
		for _, f := range list {
			if f.SHA256 == sha {
				ref, found = f, true
			}
		}
		if !found {
			return errs.E(errs.NotFound, "Không tìm thấy tệp này trong hồ sơ.")
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM dossier_files WHERE dossier_id = $1 AND criterion = $2 AND sha256 = $3", id, criterion, sha); err != nil {
			return errs.Wrap(err, "exemplar: delete file")
		}
		if out, err = s.touch(ctx, tx, sc, id, version); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: out.UnitID, UnitPath: out.UnitPath, Action: "detach_file",
			ObjectType: "dossier", ObjectID: id, Summary: "Gỡ tệp “" + ref.Name + "” (" + CriterionLabel(criterion) + ") khỏi hồ sơ " + describe(old),
			Before: map[string]any{"criterion": criterion, "file": ref, "version": old.Version}, After: map[string]any{"version": out.Version}})
	})
	return out, err
}

// touch bumps a draft's version after a change to its files.
func (s *Store) touch(ctx context.Context, tx *sql.Tx, sc access.Scope, id int64, version int) (Dossier, error) {
	res, err := tx.ExecContext(ctx, "UPDATE dossiers SET version = version + 1, updated_by = $1, updated_at = $2 WHERE id = $3 AND version = $4",
		sc.UserID, database.Now(), id, version)
	if err != nil {
		return Dossier{}, errs.Wrap(err, "exemplar: bump version")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Dossier{}, errs.ErrStale
	}
	return s.get(ctx, tx, id)
}

func countFiles(d Dossier) int {
	n := len(d.Files)
	for _, c := range d.Criteria {
		n += len(c.Files)
	}
	return n
}
