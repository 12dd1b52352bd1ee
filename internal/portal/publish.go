package portal

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/exemplar"
	"thidua/internal/files"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// Problems lists what keeps a publication from being published, by field:
// the title and story, the replication guide of a model or practice, the
// consent of an individual, the minors check of an exemplar involving
// students, and photos or names those do not allow. p must carry its
// Subject (Get does).
func (p Publication) Problems() errs.Fields {
	f := errs.Fields{}
	c := p.Content
	if c.Title == "" {
		f.Add("title", "Nhập tiêu đề bài đăng.")
	}
	if c.Story == "" {
		f.Add("story", "Nhập câu chuyện, tóm tắt về điển hình.")
	}
	if p.Subject.Category.NeedsGuide() {
		for _, g := range GuideFields(c.Guide) {
			if g.Value == "" {
				f.Add(g.Field, "Mô hình mới, cách làm hay cần hướng dẫn nhân rộng: nhập mục “"+g.Label+"”.")
			}
		}
	}
	if p.NeedsConsent() {
		switch {
		case !p.Consent.Recorded():
			f.Add("consent", "Trang về một cá nhân chỉ được đăng khi đã ghi nhận sự đồng ý của người đó (hoặc cha mẹ, người giám hộ với học sinh).")
		case len(c.Photos) > 0 && !p.Consent.Photos:
			f.Add("photos", "Sự đồng ý đã ghi nhận không bao gồm việc đăng ảnh: bỏ chọn ảnh hoặc ghi nhận lại sự đồng ý.")
		}
	}
	if p.NeedsMinorsCheck() {
		switch {
		case !p.Minors.Checked():
			f.Add("minors", "Điển hình có học sinh (người chưa thành niên): cần kiểm tra và xác nhận cách nêu tên, ảnh, tên trường trước khi đăng.")
		default:
			if len(c.Photos) > 0 && !p.Minors.Photos {
				f.Add("photos", "Theo kiểm tra bảo vệ học sinh, bài này không đăng ảnh: hãy bỏ chọn các ảnh.")
			}
			if p.Minors.Name != NameFull && p.Subject.Person != nil {
				full := " " + strings.Join(Words(p.Subject.Person.FullName()), " ") + " "
				for _, x := range []struct{ field, value string }{{"title", c.Title}, {"subject_line", c.SubjectLine}, {"story", c.Story}, {"achievements", c.Achievements}} {
					if strings.Contains(" "+strings.Join(Words(x.value), " ")+" ", full) {
						f.Add(x.field, "Nội dung còn ghi họ tên đầy đủ của học sinh ("+p.Subject.Person.FullName()+"): hãy sửa cho đúng cách nêu tên đã chọn ("+NameDisplayLabel(p.Minors.Name)+").")
					}
				}
			}
		}
	}
	return f
}

// Publish puts the working copy on the portal as its next revision: the
// first publication, a revision of a published one, or a republication
// after it was taken off. Refused, with a message per field, while
// Problems has any. Photos are served as copies without their metadata.
func (s *Store) Publish(ctx context.Context, sc access.Scope, id int64, version int) (Publication, error) {
	p, err := s.editable(ctx, s.DB.R, sc, id, version)
	if err != nil {
		return Publication{}, err
	}
	if p.Subject, err = s.subject(ctx, s.DB.R, p); err != nil {
		return Publication{}, err
	}
	if f := p.Problems(); len(f) > 0 {
		return Publication{}, &errs.Error{Code: errs.Invalid, Message: "Chưa đăng được: vui lòng hoàn thiện các mục được đánh dấu.", Fields: f}
	}
	if p.Status == Published && !p.Dirty {
		return Publication{}, errs.E(errs.Invalid, "Bài đã được đăng và chưa có thay đổi nào để đăng bản sửa.")
	}
	// Public copies of the photos first (outside the transaction: the
	// file store writes on its own), then everything else in one step.
	photos := make([]Photo, len(p.Content.Photos))
	for i, ph := range p.Content.Photos {
		_, data, err := s.files().Open(ctx, ph.SHA256)
		if err != nil {
			return Publication{}, err
		}
		clean, w, h := publicCopy(data)
		f, err := s.files().Put(ctx, bytes.NewReader(clean), []files.Kind{files.Image})
		if err != nil {
			return Publication{}, fieldOf(err, "photos")
		}
		photos[i] = Photo{SHA256: ph.SHA256, PublicSHA: f.SHA256, ContentType: f.ContentType, Caption: ph.Caption, Width: w, Height: h}
	}
	var out Publication
	err = s.publicTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.editable(ctx, tx, sc, id, version)
		if err != nil {
			return err
		}
		cur.Subject = p.Subject
		now := s.now()
		page, err := s.page(ctx, tx, cur, photos)
		if err != nil {
			return err
		}
		page.Revision = cur.Revision + 1
		page.Published = now
		page.First = now
		if cur.FirstPublishedAt != nil {
			page.First = *cur.FirstPublishedAt
		}
		b, err := json.Marshal(page)
		if err != nil {
			return errs.Wrap(err, "portal: encode page")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO publication_revisions (publication_id, number, page, published_by, published_at)
			VALUES ($1, $2, $3, $4, $5)`, id, page.Revision, string(b), nullID(sc.UserID), now); err != nil {
			if database.IsUnique(err) {
				return errs.ErrStale
			}
			return errs.Wrap(err, "portal: insert revision")
		}
		res, err := tx.ExecContext(ctx, `UPDATE publications SET status = $1, revision = $2, dirty = $3, first_published_at = $4, published_at = $5,
			unpublished_at = NULL, unpublish_reason = '', version = version + 1, updated_by = $6, updated_at = $5 WHERE id = $7 AND version = $8`,
			string(Published), page.Revision, false, page.First, now, nullID(sc.UserID), id, version)
		if err := guarded(res, err); err != nil {
			return err
		}
		if err := s.putEntry(ctx, tx, cur, page, string(b)); err != nil {
			return err
		}
		if err := Invalidate(ctx, tx); err != nil {
			return err
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		action, summary := "publish", "Đăng điển hình “"+page.Title+"” lên cổng thông tin"
		if cur.Status == Published {
			action, summary = "publish_revision", "Đăng bản sửa lần "+strconv.Itoa(page.Revision-1)+" của điển hình “"+page.Title+"”"
		} else if cur.Status == Unpublished {
			action, summary = "republish", "Đăng lại điển hình “"+page.Title+"” lên cổng thông tin"
		}
		return s.record(ctx, tx, sc, out, action, summary, nil, map[string]any{"revision": page.Revision, "slug": page.Slug})
	})
	if err != nil {
		return Publication{}, err
	}
	out.Subject = p.Subject
	return out, nil
}

// page builds the public page of a publication from its working copy,
// applying the minors check to the name, the school and the photos.
func (s *Store) page(ctx context.Context, q database.Querier, p Publication, photos []Photo) (Page, error) {
	sub, c := p.Subject, p.Content
	pg := Page{ID: p.ID, Slug: SlugOf(c.Title, p.ID), Title: c.Title, Category: sub.Category, SubjectKind: sub.Kind,
		SubjectLine: c.SubjectLine, Story: c.Story, Achievements: c.Achievements, Guide: c.Guide, Photos: photos,
		MovementID: sub.MovementID, MovementName: sub.MovementName, SelectedBy: sub.ReviewUnitName, RoundName: sub.RoundName}
	if !sub.Category.NeedsGuide() {
		pg.Guide = nil
	}
	if pg.Photos == nil {
		pg.Photos = []Photo{}
	}
	minors := p.NeedsMinorsCheck()
	pg.Subject = sub.Name
	switch {
	case sub.Kind == exemplar.Individual && sub.Person != nil && minors:
		pg.Subject = displayName(*sub.Person, p.Minors.Name)
	case sub.Kind == exemplar.Collective && minors && p.Minors.Name == NameNone:
		pg.Subject = "Một tập thể học sinh"
	}
	var kind, name, levels, parentName string
	var parentID int64
	err := q.QueryRowContext(ctx, `SELECT u.kind, u.name, u.levels, COALESCE(pu.id, 0), COALESCE(pu.name, '')
		FROM units u LEFT JOIN units pu ON pu.id = u.parent_id WHERE u.id = $1`, p.CreditedUnitID).Scan(&kind, &name, &levels, &parentID, &parentName)
	if err != nil {
		return pg, errs.Wrap(err, "portal: credited unit")
	}
	pg.Credit, pg.CreditUnitID, pg.CreditUnitName = name, p.CreditedUnitID, name
	if minors && !p.Minors.School && unit.Kind(kind) == unit.School {
		pg.Credit, pg.CreditUnitID, pg.CreditUnitName = "Một trường học thuộc "+parentName, parentID, parentName
		if parentID == 0 {
			pg.Credit = "Một trường học"
		}
	}
	for _, l := range strings.Split(strings.Trim(levels, ","), ",") {
		if l != "" {
			pg.Levels = append(pg.Levels, l)
		}
	}
	pg.Year = s.now().In(viet.Zone).Year()
	if sub.Released != nil {
		pg.Year = sub.Released.In(viet.Zone).Year()
	}
	return pg, nil
}

// putEntry replaces the live entry of a publication: the row, its photos
// and its search index row.
func (s *Store) putEntry(ctx context.Context, tx *sql.Tx, p Publication, pg Page, pageJSON string) error {
	if err := s.dropEntry(ctx, tx, p.ID); err != nil {
		return err
	}
	var unitID any
	path, levels := "", ""
	if pg.CreditUnitID != 0 {
		unitID = pg.CreditUnitID
		if err := tx.QueryRowContext(ctx, "SELECT path FROM units WHERE id = $1", pg.CreditUnitID).Scan(&path); err != nil {
			return errs.Wrap(err, "portal: unit path")
		}
	}
	if len(pg.Levels) > 0 {
		levels = "," + strings.Join(pg.Levels, ",") + ","
	}
	cover := ""
	if len(pg.Photos) > 0 {
		cover = pg.Photos[0].PublicSHA
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO portal_entries (publication_id, slug, title, title_words, category, subject_kind, excerpt, cover, credit,
		unit_id, unit_path, levels, year, movement_id, featured, feature_order, first_published_at, published_at, revision)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
		p.ID, pg.Slug, pg.Title, strings.Join(Words(pg.Title), " "), string(pg.Category), string(pg.SubjectKind), pg.Excerpt(), cover, pg.Credit,
		unitID, path, levels, pg.Year, nullID(pg.MovementID), p.Featured, p.FeatureOrder, pg.First, pg.Published, pg.Revision)
	if err != nil {
		return errs.Wrap(err, "portal: insert entry")
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO portal_pages (publication_id, page) VALUES ($1, $2)", p.ID, pageJSON); err != nil {
		return errs.Wrap(err, "portal: insert page")
	}
	for i, ph := range pg.Photos {
		if _, err := tx.ExecContext(ctx, "INSERT INTO portal_photos (publication_id, sha256, position) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
			p.ID, ph.PublicSHA, i); err != nil {
			return errs.Wrap(err, "portal: insert photo")
		}
	}
	return s.index(ctx, tx, p.ID, pg)
}

// dropEntry removes a publication's live entry, photos and index row.
func (s *Store) dropEntry(ctx context.Context, tx *sql.Tx, id int64) error {
	if err := s.unindex(ctx, tx, id); err != nil {
		return err
	}
	for _, q := range []string{"DELETE FROM portal_photos WHERE publication_id = $1", "DELETE FROM portal_pages WHERE publication_id = $1",
		"DELETE FROM portal_entries WHERE publication_id = $1"} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return errs.Wrap(err, "portal: drop entry")
		}
	}
	return nil
}

// Unpublish takes a publication off the portal at once: its page, photos,
// feed entry, search results and sitemap line are gone when the
// transaction commits. The working copy and the revisions stay, so it may
// be published again. reason is kept (for instance: consent withdrawn).
func (s *Store) Unpublish(ctx context.Context, sc access.Scope, id int64, version int, reason string) (Publication, error) {
	reason = text(reason)
	if tooLong(reason, maxText) {
		return Publication{}, errs.InvalidField("reason", "Lý do dài quá "+viet.Int(maxText)+" ký tự.")
	}
	var out Publication
	err := s.publicTx(ctx, func(tx *sql.Tx) error {
		old, err := s.editable(ctx, tx, sc, id, version)
		if err != nil {
			return err
		}
		if old.Status != Published {
			return errs.E(errs.Invalid, "Bài này hiện không được đăng trên cổng thông tin.")
		}
		if err := s.dropEntry(ctx, tx, id); err != nil {
			return err
		}
		now := s.now()
		res, err := tx.ExecContext(ctx, `UPDATE publications SET status = $1, unpublished_at = $2, unpublish_reason = $3, dirty = $4,
			version = version + 1, updated_by = $5, updated_at = $2 WHERE id = $6 AND version = $7`,
			string(Unpublished), now, reason, false, nullID(sc.UserID), id, version)
		if err := guarded(res, err); err != nil {
			return err
		}
		if err := Invalidate(ctx, tx); err != nil {
			return err
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		summary := "Gỡ điển hình “" + old.Content.Title + "” khỏi cổng thông tin"
		if reason != "" {
			summary += ": " + reason
		}
		return s.record(ctx, tx, sc, out, "unpublish", summary, map[string]any{"status": old.Status}, map[string]any{"status": out.Status, "reason": reason})
	})
	return out, err
}

// Feature puts a publication among the featured exemplars of the portal
// home page (lower order first), or takes it out.
func (s *Store) Feature(ctx context.Context, sc access.Scope, id int64, version int, featured bool, order int) (Publication, error) {
	if order < 0 || order > 9999 {
		return Publication{}, errs.InvalidField("feature_order", "Thứ tự là một số từ 0 đến 9999.")
	}
	if !featured {
		order = 0
	}
	var out Publication
	err := s.publicTx(ctx, func(tx *sql.Tx) error {
		old, err := s.editable(ctx, tx, sc, id, version)
		if err != nil {
			return err
		}
		if featured && old.Status != Published {
			return errs.InvalidField("featured", "Chỉ điển hình đang đăng mới được đưa lên trang chủ cổng thông tin.")
		}
		res, err := tx.ExecContext(ctx, `UPDATE publications SET featured = $1, feature_order = $2, version = version + 1, updated_by = $3, updated_at = $4
			WHERE id = $5 AND version = $6`, featured, order, nullID(sc.UserID), s.now(), id, version)
		if err := guarded(res, err); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE portal_entries SET featured = $1, feature_order = $2 WHERE publication_id = $3", featured, order, id); err != nil {
			return errs.Wrap(err, "portal: feature entry")
		}
		if err := Invalidate(ctx, tx); err != nil {
			return err
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		summary := "Bỏ điển hình “" + old.Content.Title + "” khỏi mục nổi bật"
		if featured {
			summary = "Đưa điển hình “" + old.Content.Title + "” lên mục nổi bật (thứ tự " + strconv.Itoa(order) + ")"
		}
		return s.record(ctx, tx, sc, out, "feature", summary, map[string]any{"featured": old.Featured, "order": old.FeatureOrder},
			map[string]any{"featured": featured, "order": order})
	})
	return out, err
}

// Preview builds the page the working copy would publish, for the
// managers' preview: the minors check and consent applied, nothing
// written. Its photos carry the dossier's files (PublicSHA empty).
func (s *Store) Preview(ctx context.Context, sc access.Scope, id int64) (Page, Publication, error) {
	p, err := s.Get(ctx, sc, id)
	if err != nil {
		return Page{}, p, err
	}
	photos := make([]Photo, len(p.Content.Photos))
	for i, ph := range p.Content.Photos {
		photos[i] = Photo{SHA256: ph.SHA256, ContentType: ph.ContentType, Caption: ph.Caption}
	}
	pg, err := s.page(ctx, s.DB.R, p, photos)
	if err != nil {
		return Page{}, p, err
	}
	now := s.now()
	pg.Revision, pg.Published, pg.First = p.Revision+1, now, now
	if p.FirstPublishedAt != nil {
		pg.First = *p.FirstPublishedAt
	}
	return pg, p, nil
}
