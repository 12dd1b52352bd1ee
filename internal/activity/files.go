package activity

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"

	"thidua/internal/access"
	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/files"
	"thidua/internal/viet"
)

// evidenceKinds are the kinds the file store is asked to accept; within
// images only JPEG and PNG are taken (acceptedTypes), the photos phones and
// cameras make and every browser shows.
var evidenceKinds = []files.Kind{files.Image, files.PDF, files.DOCX, files.XLSX}

var acceptedTypes = []string{files.TypeJPEG, files.TypePNG, files.TypePDF, files.TypeDOCX, files.TypeXLSX}

// AcceptedLabel names the accepted files for the forms and messages.
const AcceptedLabel = "ảnh JPEG hoặc PNG, PDF, Word (DOCX), Excel (XLSX)"

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

// filesError is a refusal at the "files" field naming the file.
func filesError(code errs.Code, name, msg string) error {
	m := "Tệp “" + name + "”: " + msg
	return &errs.Error{Code: code, Message: m, Fields: map[string]string{"files": m}}
}

// store checks every upload (size, type by content) and only when all pass
// puts them in the file store, so a refused file writes nothing at all.
// have is how many files the activity has already; files repeated among
// the uploads are kept once.
func (s *Store) store(ctx context.Context, have int, uploads []Upload) ([]FileRef, error) {
	if len(uploads) == 0 {
		return nil, nil
	}
	if have+len(uploads) > MaxFiles {
		return nil, errs.InvalidField("files", fmt.Sprintf("Mỗi hoạt động đính kèm tối đa %d tệp; hãy bớt tệp không cần thiết.", MaxFiles))
	}
	limit := s.files().MaxSize
	if limit <= 0 {
		limit = files.DefaultMaxSize
	}
	type checked struct {
		ref  FileRef
		data []byte
	}
	var all []checked
	for _, u := range uploads {
		name := fileName(u.Name)
		data, err := io.ReadAll(io.LimitReader(u.R, limit+1))
		if err != nil {
			return nil, errs.Wrap(err, "activity: read upload")
		}
		switch ct, _ := files.Sniff(data); {
		case int64(len(data)) > limit:
			return nil, filesError(errs.TooLarge, name, "vượt quá dung lượng cho phép ("+files.HumanSize(limit)+").")
		case len(data) == 0:
			return nil, filesError(errs.Invalid, name, "tệp rỗng, vui lòng chọn lại tệp.")
		case !slices.Contains(acceptedTypes, ct):
			return nil, filesError(errs.Invalid, name, "loại tệp không được chấp nhận (hệ thống kiểm tra nội dung tệp, không dựa vào tên tệp). Chỉ nhận: "+AcceptedLabel+".")
		}
		all = append(all, checked{FileRef{Name: name}, data})
	}
	var out []FileRef
	for _, c := range all {
		f, err := s.files().Put(ctx, bytes.NewReader(c.data), evidenceKinds)
		if err != nil {
			return nil, err
		}
		ref := c.ref
		ref.SHA256, ref.ContentType, ref.Size = f.SHA256, f.ContentType, f.Size
		if !slices.ContainsFunc(out, func(x FileRef) bool { return x.SHA256 == ref.SHA256 }) {
			out = append(out, ref)
		}
	}
	return out, nil
}

// KindThumbnail is the job that makes the thumbnail of an uploaded image.
const KindThumbnail = "activity.thumbnail"

type thumbPayload struct {
	SHA256 string `json:"sha256"`
}

// insertFiles adds the file rows of activity id and queues a thumbnail for
// each image that has none yet.
func (s *Store) insertFiles(ctx context.Context, tx *sql.Tx, sc access.Scope, id int64, refs []FileRef) error {
	now := database.Now()
	for _, f := range refs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO activity_files (activity_id, sha256, name, content_type, size, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, f.SHA256, f.Name, f.ContentType, f.Size, sc.UserID, now); err != nil {
			return errs.Wrap(err, "activity: insert file")
		}
		if !f.IsImage() || s.Jobs == nil {
			continue
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM activity_thumbnails WHERE sha256 = $1", f.SHA256).Scan(&n); err != nil {
			return errs.Wrap(err, "activity: thumbnail state")
		}
		if n == 0 {
			if _, _, err := s.Jobs.EnqueueOnceTx(ctx, tx, KindThumbnail, "activity-thumbnail:"+f.SHA256, thumbPayload{f.SHA256}); err != nil {
				return err
			}
		}
	}
	return nil
}

// AttachFiles adds evidence files to an activity. Each file is checked by
// content and size; one refused file and nothing changes. version must be
// the activity's current one; it is bumped.
func (s *Store) AttachFiles(ctx context.Context, sc access.Scope, id int64, version int, uploads ...Upload) (Activity, error) {
	if len(uploads) == 0 {
		return Activity{}, errs.InvalidField("files", "Chọn tệp minh chứng để tải lên.")
	}
	// Check before reading the uploads, so a caller without the right to
	// change the activity cannot even store bytes.
	a, err := s.editable(ctx, s.DB.R, sc, id, version)
	if err != nil {
		return Activity{}, err
	}
	refs, err := s.store(ctx, len(a.Files), uploads)
	if err != nil {
		return Activity{}, err
	}
	var out Activity
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.editable(ctx, tx, sc, id, version)
		if err != nil {
			return err
		}
		for _, f := range refs {
			if slices.ContainsFunc(old.Files, func(x FileRef) bool { return x.SHA256 == f.SHA256 }) {
				return filesError(errs.Invalid, f.Name, "đã được đính kèm vào hoạt động này.")
			}
		}
		if err := s.insertFiles(ctx, tx, sc, id, refs); err != nil {
			return err
		}
		if out, err = s.touch(ctx, tx, sc, id, version, ""); err != nil {
			return err
		}
		names := make([]string, len(refs))
		for i, f := range refs {
			names[i] = "“" + f.Name + "”"
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: out.UnitID, UnitPath: out.UnitPath, Action: "attach_file",
			ObjectType: "activity", ObjectID: id, Summary: "Đính kèm " + strings.Join(names, ", ") + " vào hoạt động " + describe(old),
			After: map[string]any{"files": refs, "version": out.Version}})
	})
	return out, err
}

// DetachFile removes the file sha from an activity (its bytes stay in the
// file store).
func (s *Store) DetachFile(ctx context.Context, sc access.Scope, id int64, version int, sha string) (Activity, error) {
	var out Activity
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.editable(ctx, tx, sc, id, version)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(old.Files, func(f FileRef) bool { return f.SHA256 == sha })
		if i < 0 {
			return errs.E(errs.NotFound, "Không tìm thấy tệp này trong hoạt động.")
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM activity_files WHERE activity_id = $1 AND sha256 = $2", id, sha); err != nil {
			return errs.Wrap(err, "activity: delete file")
		}
		if out, err = s.touch(ctx, tx, sc, id, version, ""); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: out.UnitID, UnitPath: out.UnitPath, Action: "detach_file",
			ObjectType: "activity", ObjectID: id, Summary: "Gỡ tệp “" + old.Files[i].Name + "” khỏi hoạt động " + describe(old),
			Before: map[string]any{"file": old.Files[i], "version": old.Version}, After: map[string]any{"version": out.Version}})
	})
	return out, err
}

// File returns an evidence file of an activity the caller may read, with
// its bytes: NotFound when the caller cannot read the activity or the file
// is not one of its files.
func (s *Store) File(ctx context.Context, sc access.Scope, id int64, sha string) (FileRef, []byte, error) {
	a, err := s.Get(ctx, sc, id)
	if err != nil {
		return FileRef{}, nil, err
	}
	i := slices.IndexFunc(a.Files, func(f FileRef) bool { return f.SHA256 == sha })
	if i < 0 {
		return FileRef{}, nil, errs.E(errs.NotFound, "Không tìm thấy tệp này trong hoạt động.")
	}
	_, data, err := s.files().Open(ctx, sha)
	if err != nil {
		return FileRef{}, nil, err
	}
	return a.Files[i], data, nil
}

// Thumbnail returns the thumbnail (a JPEG) of the image sha of an activity
// the caller may read, and the thumbnail's state: ThumbReady with the
// bytes, or ThumbPending / ThumbFailed without.
func (s *Store) Thumbnail(ctx context.Context, sc access.Scope, id int64, sha string) ([]byte, string, error) {
	a, err := s.Get(ctx, sc, id)
	if err != nil {
		return nil, "", err
	}
	i := slices.IndexFunc(a.Files, func(f FileRef) bool { return f.SHA256 == sha && f.IsImage() })
	if i < 0 {
		return nil, "", errs.E(errs.NotFound, "Không tìm thấy ảnh này trong hoạt động.")
	}
	return s.thumbBytes(ctx, sha)
}

// thumbBytes reads the thumbnail of image sha.
func (s *Store) thumbBytes(ctx context.Context, sha string) ([]byte, string, error) {
	var status string
	var thumb sql.NullString
	err := s.DB.R.QueryRowContext(ctx, "SELECT status, thumb_sha256 FROM activity_thumbnails WHERE sha256 = $1", sha).Scan(&status, &thumb)
	if err == sql.ErrNoRows {
		return nil, ThumbPending, nil
	}
	if err != nil {
		return nil, "", errs.Wrap(err, "activity: thumbnail")
	}
	if status != ThumbReady || !thumb.Valid {
		return nil, status, nil
	}
	_, data, err := s.files().Open(ctx, thumb.String)
	if err != nil {
		return nil, "", err
	}
	return data, ThumbReady, nil
}
