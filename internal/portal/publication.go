package portal

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/exemplar"
	"thidua/internal/files"
	"thidua/internal/viet"
)

// Length caps, in characters.
const (
	maxLine   = 300
	maxStory  = 20000
	maxText   = 10000
	maxPhotos = 12
)

// ConsentKinds are the files a scanned consent form may be.
var ConsentKinds = []files.Kind{files.PDF, files.Image}

// defaultContent is the working copy a new publication starts from: what
// the selected dossier version says, to be edited before publishing.
func defaultContent(d exemplar.Dossier) Content {
	c := Content{Title: d.Title, Story: d.Summary, Photos: []Photo{}}
	if d.SubjectKind == exemplar.Individual && d.Person != nil {
		c.SubjectLine = d.Person.Position
	}
	var lines []string
	for _, cr := range d.Criteria {
		if cr.Checked && cr.Evidence != "" {
			for _, l := range strings.Split(cr.Evidence, "\n") {
				if l = strings.TrimSpace(l); l != "" {
					lines = append(lines, "- "+l)
				}
			}
		}
	}
	c.Achievements = strings.Join(lines, "\n")
	if d.Category.NeedsGuide() && d.Guide != nil {
		g := *d.Guide
		c.Guide = &g
	}
	return c
}

// Create prepares a publication of the exemplar of a released, selected
// nomination, as a draft whose working copy is taken from the selected
// dossier version. Officers, leaders and administrators of the unit whose
// round selected it (or of a unit above) may; an exemplar has at most one
// publication.
func (s *Store) Create(ctx context.Context, sc access.Scope, nominationID int64) (Publication, error) {
	var out Publication
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var dossierID, versionID, reviewUnit, dossierUnit int64
		var state, reviewPath, dossierPath string
		err := tx.QueryRowContext(ctx, `SELECT n.dossier_id, COALESCE(n.version_id, 0), n.state, r.unit_id, ru.path, n.dossier_unit_id, du.path
			FROM nominations n JOIN rounds r ON r.id = n.round_id JOIN units ru ON ru.id = r.unit_id JOIN units du ON du.id = n.dossier_unit_id
			WHERE n.id = $1`, nominationID).Scan(&dossierID, &versionID, &state, &reviewUnit, &reviewPath, &dossierUnit, &dossierPath)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.ErrNotFound
		}
		if err != nil {
			return errs.Wrap(err, "portal: nomination")
		}
		if !sc.CanSeeUnit(reviewPath) && !sc.CanRead(dossierPath) {
			return errs.ErrNotFound
		}
		if !sc.Has(reviewPath, managers...) {
			return errs.ErrForbidden
		}
		if state != "selected" || versionID == 0 {
			return errs.InvalidField("nomination_id", "Chỉ điển hình đã được chọn và công bố kết quả mới được đăng lên cổng thông tin.")
		}
		var existing int64
		err = tx.QueryRowContext(ctx, "SELECT id FROM publications WHERE dossier_id = $1", dossierID).Scan(&existing)
		if err == nil {
			return &errs.Error{Code: errs.Conflict, Message: "Điển hình này đã có bài đăng trên cổng thông tin (số " + strconv.FormatInt(existing, 10) + ").",
				Fields: map[string]string{"nomination_id": "Điển hình này đã có bài đăng trên cổng thông tin."}}
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return errs.Wrap(err, "portal: existing publication")
		}
		v, err := s.dossiers().Version(ctx, access.System(), versionID)
		if err != nil {
			return err
		}
		content := defaultContent(v.Dossier)
		b, err := json.Marshal(content)
		if err != nil {
			return errs.Wrap(err, "portal: encode content")
		}
		now := s.now()
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO publications (dossier_id, nomination_id, version_id, unit_id, credited_unit_id, status, content,
			created_by, created_at, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $9) RETURNING id`,
			dossierID, nominationID, versionID, reviewUnit, dossierUnit, string(Draft), string(b), nullID(sc.UserID), now).Scan(&id)
		if database.IsUnique(err) {
			return errs.E(errs.Conflict, "Điển hình này vừa được người khác chuẩn bị đăng; vui lòng tải lại trang.")
		}
		if err != nil {
			return errs.Wrap(err, "portal: insert publication")
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return s.record(ctx, tx, sc, out, "create", "Chuẩn bị đăng điển hình “"+content.Title+"” lên cổng thông tin", nil, out.Content)
	})
	return out, err
}

// record writes a publication's audit entry.
func (s *Store) record(ctx context.Context, tx *sql.Tx, sc access.Scope, p Publication, action, summary string, before, after any) error {
	return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: p.UnitID, UnitPath: p.UnitPath, Action: action,
		ObjectType: "publication", ObjectID: p.ID, Summary: summary, Before: before, After: after})
}

// ContentInput is what an editor changes in the working copy.
type ContentInput struct {
	Title, SubjectLine, Story, Achievements string
	Guide                                   *exemplar.Guide
	// Photos are the chosen images (SHA256 and Caption); they must be
	// images of the selected dossier version.
	Photos []Photo
	// InvolvesMinors marks an exemplar whose story or photos involve
	// students even though its subject is not one.
	InvolvesMinors bool
}

func (in *ContentInput) normalize() {
	in.Title, in.SubjectLine = viet.NFC(in.Title), viet.NFC(in.SubjectLine)
	in.Story, in.Achievements = text(in.Story), text(in.Achievements)
	if in.Guide != nil {
		g := *in.Guide
		g = exemplar.Guide{Context: text(g.Context), Steps: text(g.Steps), Resources: text(g.Resources), Results: text(g.Results),
			Conditions: text(g.Conditions), Contact: text(g.Contact)}
		in.Guide = &g
		if g == (exemplar.Guide{}) {
			in.Guide = nil
		}
	}
	for i := range in.Photos {
		in.Photos[i].SHA256 = strings.TrimSpace(in.Photos[i].SHA256)
		in.Photos[i].Caption = viet.NFC(in.Photos[i].Caption)
	}
}

// GuideFields lists a guide's fields in order: form name, label, value.
func GuideFields(g *exemplar.Guide) []struct{ Field, Label, Value string } {
	var v exemplar.Guide
	if g != nil {
		v = *g
	}
	return []struct{ Field, Label, Value string }{
		{"guide.context", "Bối cảnh, sự cần thiết", v.Context},
		{"guide.steps", "Các bước thực hiện", v.Steps},
		{"guide.resources", "Nguồn lực và kinh phí", v.Resources},
		{"guide.results", "Kết quả đạt được", v.Results},
		{"guide.conditions", "Điều kiện để nhân rộng", v.Conditions},
		{"guide.contact", "Đầu mối liên hệ", v.Contact},
	}
}

// Update saves the working copy. version must be the one the caller read;
// a stale write gets errs.ErrStale and changes nothing. On a published
// publication the change waits for PublishRevision.
func (s *Store) Update(ctx context.Context, sc access.Scope, id int64, version int, in ContentInput) (Publication, error) {
	in.normalize()
	var out Publication
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.editable(ctx, tx, sc, id, version)
		if err != nil {
			return err
		}
		sub, err := s.subject(ctx, tx, old)
		if err != nil {
			return err
		}
		f := errs.Fields{}
		if tooLong(in.Title, maxLine) {
			f.Add("title", "Tiêu đề dài quá "+strconv.Itoa(maxLine)+" ký tự.")
		}
		if tooLong(in.SubjectLine, maxLine) {
			f.Add("subject_line", "Dòng giới thiệu dài quá "+strconv.Itoa(maxLine)+" ký tự.")
		}
		if tooLong(in.Story, maxStory) {
			f.Add("story", "Câu chuyện dài quá "+viet.Int(maxStory)+" ký tự.")
		}
		if tooLong(in.Achievements, maxText) {
			f.Add("achievements", "Phần thành tích dài quá "+viet.Int(maxText)+" ký tự.")
		}
		for _, g := range GuideFields(in.Guide) {
			if tooLong(g.Value, maxText) {
				f.Add(g.Field, g.Label+" dài quá "+viet.Int(maxText)+" ký tự.")
			}
		}
		if !sub.Category.NeedsGuide() {
			in.Guide = nil
		}
		photos, msg := choosePhotos(in.Photos, sub.Images)
		if msg != "" {
			f.Add("photos", msg)
		}
		if err := f.Err(); err != nil {
			return err
		}
		content := Content{Title: in.Title, SubjectLine: in.SubjectLine, Story: in.Story, Achievements: in.Achievements, Guide: in.Guide, Photos: photos}
		b, err := json.Marshal(content)
		if err != nil {
			return errs.Wrap(err, "portal: encode content")
		}
		dirty := old.Status == Published
		res, err := tx.ExecContext(ctx, `UPDATE publications SET content = $1, involves_minors = $2, dirty = $3, version = version + 1,
			updated_by = $4, updated_at = $5 WHERE id = $6 AND version = $7`, string(b), in.InvolvesMinors, dirty, nullID(sc.UserID), s.now(), id, version)
		if err := guarded(res, err); err != nil {
			return err
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return s.record(ctx, tx, sc, out, "update", "Sửa bài đăng điển hình “"+content.Title+"”", old.Content, out.Content)
	})
	return out, err
}

// choosePhotos keeps the chosen images that belong to the version, in the
// order given, once each, with the version's name and type.
func choosePhotos(chosen []Photo, images []exemplar.FileRef) ([]Photo, string) {
	out := []Photo{}
	seen := map[string]bool{}
	for _, c := range chosen {
		if c.SHA256 == "" || seen[c.SHA256] {
			continue
		}
		i := slices.IndexFunc(images, func(f exemplar.FileRef) bool { return f.SHA256 == c.SHA256 })
		if i < 0 {
			return nil, "Chỉ chọn được ảnh trong hồ sơ đã được xét chọn."
		}
		if tooLong(c.Caption, maxLine) {
			return nil, "Chú thích ảnh dài quá " + strconv.Itoa(maxLine) + " ký tự."
		}
		seen[c.SHA256] = true
		out = append(out, Photo{SHA256: c.SHA256, Name: images[i].Name, ContentType: images[i].ContentType, Caption: c.Caption})
	}
	if len(out) > maxPhotos {
		return nil, "Chọn tối đa " + strconv.Itoa(maxPhotos) + " ảnh."
	}
	return out, ""
}

// guarded turns an UPDATE … AND version = $n that matched nothing into
// errs.ErrStale.
func guarded(res sql.Result, err error) error {
	if err != nil {
		return errs.Wrap(err, "portal: update")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.ErrStale
	}
	return nil
}

// ConsentInput is a consent to record.
type ConsentInput struct {
	By       string
	Capacity string
	On       time.Time // zero when not given
	Method   string
	Scope    string
	Photos   bool
	// KeepFile keeps the scanned form recorded before when no new file
	// is given.
	KeepFile bool
}

// RecordConsent records (or records again) the consent an individual's
// page needs, with an optional scanned form (PDF or image) read from file
// (nil: none). A refused form changes nothing. The form is never public.
func (s *Store) RecordConsent(ctx context.Context, sc access.Scope, id int64, version int, in ConsentInput, file io.Reader, fileName string) (Publication, error) {
	in.By, in.Scope = viet.NFC(in.By), text(in.Scope)
	in.Capacity, in.Method = strings.TrimSpace(in.Capacity), strings.TrimSpace(in.Method)
	// Check the caller before reading the upload.
	old, err := s.editable(ctx, s.DB.R, sc, id, version)
	if err != nil {
		return Publication{}, err
	}
	sub, err := s.subject(ctx, s.DB.R, old)
	if err != nil {
		return Publication{}, err
	}
	f := errs.Fields{}
	if sub.Kind != exemplar.Individual {
		return Publication{}, errs.InvalidField("consent", "Chỉ trang về một cá nhân mới cần ghi nhận sự đồng ý.")
	}
	switch {
	case in.By == "":
		f.Add("consent_by", "Nhập họ tên người đồng ý.")
	case tooLong(in.By, maxLine):
		f.Add("consent_by", "Họ tên dài quá "+strconv.Itoa(maxLine)+" ký tự.")
	}
	if !slices.Contains(Capacities, in.Capacity) {
		f.Add("consent_capacity", "Chọn người đồng ý là ai.")
	} else if sub.Students && in.Capacity == CapacitySelf {
		f.Add("consent_capacity", "Học sinh chưa thành niên: người đồng ý phải là cha, mẹ hoặc người giám hộ.")
	}
	today := Today(s.now())
	switch {
	case in.On.IsZero():
		f.Add("consent_on", "Nhập ngày đồng ý.")
	case day(in.On).After(today):
		f.Add("consent_on", "Ngày đồng ý không thể sau hôm nay.")
	}
	if !slices.Contains(ConsentMethods, in.Method) {
		f.Add("consent_method", "Chọn hình thức đồng ý: giấy đồng ý có chữ ký hoặc thư điện tử.")
	}
	switch {
	case in.Scope == "":
		f.Add("consent_scope", "Ghi rõ sự đồng ý bao gồm những gì (họ tên, câu chuyện, thành tích, ảnh…).")
	case tooLong(in.Scope, maxText):
		f.Add("consent_scope", "Nội dung đồng ý dài quá "+viet.Int(maxText)+" ký tự.")
	}
	if err := f.Err(); err != nil {
		return Publication{}, err
	}
	fileSHA, name := "", ""
	if in.KeepFile {
		fileSHA, name = old.Consent.FileSHA, old.Consent.FileName
	}
	if file != nil {
		st, err := s.files().Put(ctx, file, ConsentKinds)
		if err != nil {
			return Publication{}, fieldOf(err, "consent_file")
		}
		fileSHA, name = st.SHA256, cleanName(fileName)
	}
	on := day(in.On)
	var out Publication
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.editable(ctx, tx, sc, id, version)
		if err != nil {
			return err
		}
		now := s.now()
		res, err := tx.ExecContext(ctx, `UPDATE publications SET consent_by = $1, consent_capacity = $2, consent_on = $3, consent_method = $4,
			consent_scope = $5, consent_photos = $6, consent_file = $7, consent_file_name = $8, consent_recorded_by = $9, consent_recorded_at = $10,
			version = version + 1, updated_by = $9, updated_at = $10 WHERE id = $11 AND version = $12`,
			in.By, in.Capacity, on, in.Method, in.Scope, in.Photos, nullString(fileSHA), name, nullID(sc.UserID), now, id, version)
		if err := guarded(res, err); err != nil {
			return err
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		// The consent is personal data: the audit keeps who recorded it and
		// its terms, not the scanned form.
		return s.record(ctx, tx, sc, out, "consent", "Ghi nhận sự đồng ý đăng thông tin của "+in.By+" ("+CapacityLabel(in.Capacity)+", "+
			ConsentMethodLabel(in.Method)+", ngày "+viet.ShortDate(on)+") cho bài “"+out.Content.Title+"”", old.Consent, out.Consent)
	})
	return out, err
}

// fieldOf moves a file store error onto field.
func fieldOf(err error, field string) error {
	var e *errs.Error
	if errors.As(err, &e) && e.Fields != nil {
		if msg, ok := e.Fields["file"]; ok {
			c := *e
			c.Fields = map[string]string{field: msg}
			return &c
		}
	}
	return err
}

// cleanName keeps the last element of an uploaded file name, in NFC,
// without control characters, at most 200 characters.
func cleanName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
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

// MinorsInput is the explicit check of an exemplar involving students.
type MinorsInput struct {
	Name    string // NameFull, NameInitial, NameNone
	Photos  bool
	School  bool
	Confirm bool // the editor confirms having checked the text and the photos
}

// RecordMinors records the minors check: how the student's name is shown,
// whether photos may be, whether the school is named.
func (s *Store) RecordMinors(ctx context.Context, sc access.Scope, id int64, version int, in MinorsInput) (Publication, error) {
	var out Publication
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := s.editable(ctx, tx, sc, id, version)
		if err != nil {
			return err
		}
		sub, err := s.subject(ctx, tx, old)
		if err != nil {
			return err
		}
		old.Subject = sub
		if !old.NeedsMinorsCheck() {
			return errs.InvalidField("minors", "Điển hình này không có học sinh; không cần kiểm tra bảo vệ người chưa thành niên. Nếu nội dung hoặc ảnh có học sinh, hãy đánh dấu ở phần nội dung trước.")
		}
		f := errs.Fields{}
		if !slices.Contains(NameDisplays, in.Name) || (in.Name == NameInitial && sub.Kind != exemplar.Individual) {
			f.Add("minors_name", "Chọn cách nêu tên học sinh.")
		}
		if !in.Confirm {
			f.Add("minors_confirm", "Xác nhận đã rà soát tiêu đề, nội dung và ảnh theo các lựa chọn trên.")
		}
		if err := f.Err(); err != nil {
			return err
		}
		now := s.now()
		res, err := tx.ExecContext(ctx, `UPDATE publications SET minors_name = $1, minors_photos = $2, minors_school = $3, minors_checked_by = $4,
			minors_checked_at = $5, version = version + 1, updated_by = $4, updated_at = $5 WHERE id = $6 AND version = $7`,
			in.Name, in.Photos, in.School, nullID(sc.UserID), now, id, version)
		if err := guarded(res, err); err != nil {
			return err
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return s.record(ctx, tx, sc, out, "minors_check", "Kiểm tra bảo vệ học sinh cho bài “"+out.Content.Title+"”: "+NameDisplayLabel(in.Name)+
			yesNo(in.Photos, "; được đăng ảnh", "; không đăng ảnh")+yesNo(in.School, "; nêu tên trường", "; không nêu tên trường"), old.Minors, out.Minors)
	})
	return out, err
}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// ConsentFile returns the scanned consent form of a publication the caller
// manages.
func (s *Store) ConsentFile(ctx context.Context, sc access.Scope, id int64) (sha, name string, err error) {
	p, err := s.managed(ctx, s.DB.R, sc, id)
	if err != nil {
		return "", "", err
	}
	if p.Consent.FileSHA == "" {
		return "", "", errs.ErrNotFound
	}
	return p.Consent.FileSHA, p.Consent.FileName, nil
}

// Revision is one published state of a publication.
type Revision struct {
	Number      int
	Page        Page
	PublishedBy int64
	PublishedAt time.Time
}

// Revisions lists what a publication showed the public, oldest first.
func (s *Store) Revisions(ctx context.Context, sc access.Scope, id int64) ([]Revision, error) {
	if _, err := s.managed(ctx, s.DB.R, sc, id); err != nil {
		return nil, err
	}
	rows, err := s.DB.R.QueryContext(ctx, "SELECT number, page, COALESCE(published_by, 0), published_at FROM publication_revisions WHERE publication_id = $1 ORDER BY number", id)
	if err != nil {
		return nil, errs.Wrap(err, "portal: revisions")
	}
	defer rows.Close()
	var out []Revision
	for rows.Next() {
		var r Revision
		var page string
		if err := rows.Scan(&r.Number, &page, &r.PublishedBy, &r.PublishedAt); err != nil {
			return nil, errs.Wrap(err, "portal: scan revision")
		}
		if err := json.Unmarshal([]byte(page), &r.Page); err != nil {
			return nil, errs.Wrap(err, "portal: decode revision")
		}
		r.PublishedAt = r.PublishedAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
