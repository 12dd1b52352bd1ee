package portal_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/exemplar"
	"thidua/internal/portal"
)

func fieldErr(t *testing.T, err error, field, contains string) {
	t.Helper()
	if !errs.Is(err, errs.Invalid) {
		t.Fatalf("want an Invalid error at %s, got %v", field, err)
	}
	msg, ok := errs.FieldsOf(err)[field]
	if !ok {
		t.Fatalf("want a message at %s, got %v", field, errs.FieldsOf(err))
	}
	if !strings.Contains(msg, contains) {
		t.Errorf("message at %s = %q, want it to contain %q", field, msg, contains)
	}
}

func generation(t *testing.T, s *portal.Store) int64 {
	t.Helper()
	st, err := s.State(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st.Generation
}

func count(t *testing.T, db *database.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.R.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestPublishIndividual: an individual's page needs consent, and consent
// must cover photos for photos to be shown; publishing writes the page,
// photos without their metadata, the index, a revision and the audit.
func TestPublishIndividual(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := build(t, db)
		ctx := context.Background()
		officer := w.users["p.officer"]
		photo := jpegWithExif(t, 40, 30, 200)
		nom := w.selected(t, teacher("Đổi mới phương pháp dạy đọc cho học sinh lớp 1"), photo, pngWithText(t))

		// Candidates: the selected nomination, until it has a publication.
		cands, err := w.store.Candidates(ctx, officer, 10)
		if err != nil || len(cands) != 1 || cands[0].NominationID != nom {
			t.Fatalf("candidates = %+v, %v", cands, err)
		}
		if c, _ := w.store.Candidates(ctx, w.users["p2.officer"], 10); len(c) != 0 {
			t.Errorf("another office's officer sees candidates %+v", c)
		}
		if c, _ := w.store.Candidates(ctx, w.users["p.staff"], 10); len(c) != 0 {
			t.Errorf("staff see candidates %+v", c)
		}

		p, err := w.store.Create(ctx, officer, nom)
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != portal.Draft || p.Content.Title != "Đổi mới phương pháp dạy đọc cho học sinh lớp 1" ||
			p.Content.SubjectLine != "Giáo viên chủ nhiệm lớp 1" || !strings.Contains(p.Content.Achievements, "- Chiến sĩ thi đua cơ sở.") {
			t.Errorf("draft = %+v", p.Content)
		}
		if p.UnitID != w.phong.ID || p.CreditedUnitID != w.schoolA.ID {
			t.Errorf("units: managed by %d credited %d", p.UnitID, p.CreditedUnitID)
		}
		if _, err := w.store.Create(ctx, officer, nom); !errs.Is(err, errs.Conflict) {
			t.Errorf("a second publication of the exemplar: %v, want conflict", err)
		}
		if c, _ := w.store.Candidates(ctx, officer, 10); len(c) != 0 {
			t.Errorf("candidates after Create = %+v", c)
		}
		p, err = w.store.Get(ctx, officer, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Subject.Images) != 2 || !p.NeedsConsent() || p.NeedsMinorsCheck() {
			t.Fatalf("subject = %+v", p.Subject)
		}
		images := p.Subject.Images

		// Without consent: refused at the consent.
		gen := generation(t, w.store)
		_, err = w.store.Publish(ctx, officer, p.ID, p.Version)
		fieldErr(t, err, "consent", "sự đồng ý")
		if generation(t, w.store) != gen || count(t, db, "SELECT COUNT(*) FROM portal_entries") != 0 {
			t.Fatal("a refused publish changed the portal")
		}

		// Consent: every field is checked.
		future := time.Now().AddDate(0, 0, 3)
		_, err = w.store.RecordConsent(ctx, officer, p.ID, p.Version, portal.ConsentInput{Capacity: "x", On: future, Method: "phone"}, nil, "")
		for field, msg := range map[string]string{"consent_by": "họ tên", "consent_capacity": "là ai", "consent_on": "sau hôm nay",
			"consent_method": "hình thức", "consent_scope": "bao gồm"} {
			fieldErr(t, err, field, msg)
		}
		consent := portal.ConsentInput{By: "Nguyễn Thị Mai", Capacity: portal.CapacitySelf, On: time.Now(), Method: portal.ConsentWritten,
			Scope: "Họ tên, câu chuyện và thành tích trên cổng thông tin của ngành."}
		if _, err := w.store.RecordConsent(ctx, officer, p.ID, p.Version+5, consent, nil, ""); err != errs.ErrStale {
			t.Errorf("stale consent: %v", err)
		}
		p, err = w.store.RecordConsent(ctx, officer, p.ID, p.Version, consent, strings.NewReader("%PDF-1.4 giấy đồng ý"), `C:\scan\dong-y.pdf`)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Consent.Recorded() || p.Consent.FileName != "dong-y.pdf" || p.Consent.Photos {
			t.Errorf("consent = %+v", p.Consent)
		}
		if _, err := w.store.RecordConsent(ctx, officer, p.ID, p.Version, consent, strings.NewReader("<html>"), "x.html"); err == nil {
			t.Error("an HTML consent form was accepted")
		} else {
			fieldErr(t, err, "consent_file", "Loại tệp")
		}

		// A photo without consent to photos: refused at the photos.
		in := portal.ContentInput{Title: p.Content.Title + " ", SubjectLine: p.Content.SubjectLine, Story: p.Content.Story,
			Achievements: p.Content.Achievements, Photos: []portal.Photo{{SHA256: images[0].SHA256, Caption: "Giờ học đọc"}}}
		p, err = w.store.Update(ctx, officer, p.ID, p.Version, in)
		if err != nil {
			t.Fatal(err)
		}
		if p.Content.Title != "Đổi mới phương pháp dạy đọc cho học sinh lớp 1" || len(p.Content.Photos) != 1 || p.Dirty {
			t.Errorf("after update: %+v dirty %v", p.Content, p.Dirty)
		}
		_, err = w.store.Publish(ctx, officer, p.ID, p.Version)
		fieldErr(t, err, "photos", "không bao gồm việc đăng ảnh")
		// Only the version's images may be chosen.
		bad := in
		bad.Photos = []portal.Photo{{SHA256: strings.Repeat("ab", 32)}}
		_, err = w.store.Update(ctx, officer, p.ID, p.Version, bad)
		fieldErr(t, err, "photos", "Chỉ chọn được ảnh")

		consent.Photos = true
		consent.KeepFile = true
		if p, err = w.store.RecordConsent(ctx, officer, p.ID, p.Version, consent, nil, ""); err != nil {
			t.Fatal(err)
		}
		if p.Consent.FileName != "dong-y.pdf" || !p.Consent.Photos {
			t.Errorf("consent kept = %+v", p.Consent)
		}
		if p, err = w.store.Publish(ctx, officer, p.ID, p.Version); err != nil {
			t.Fatal(err)
		}
		if p.Status != portal.Published || p.Revision != 1 || p.PublishedAt == nil || p.FirstPublishedAt == nil {
			t.Errorf("published = %+v", p)
		}
		if generation(t, w.store) <= gen {
			t.Error("publishing did not bump the generation")
		}
		pg, err := w.store.Page(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if pg.Subject != "Nguyễn Thị Mai" || pg.Credit != "Trường Tiểu học Hoa Sen" || pg.CreditUnitID != w.schoolA.ID ||
			pg.SelectedBy != "Phòng Giáo dục và Đào tạo Một" || pg.RoundName != "Quý thử" || len(pg.Levels) != 1 || pg.Levels[0] != "TH" {
			t.Errorf("page = %+v", pg)
		}
		if pg.Slug != "doi-moi-phuong-phap-day-doc-cho-hoc-sinh-lop-1-"+portal.ShortID(p.ID) {
			t.Errorf("slug = %q", pg.Slug)
		}
		// The photo is served as a copy without its metadata, upright.
		if len(pg.Photos) != 1 || pg.Photos[0].PublicSHA == "" || pg.Photos[0].PublicSHA == pg.Photos[0].SHA256 {
			t.Fatalf("photos = %+v", pg.Photos)
		}
		if pg.Photos[0].Width != 30 || pg.Photos[0].Height != 40 {
			t.Errorf("displayed size %d×%d, want 30×40 (rotated a quarter turn)", pg.Photos[0].Width, pg.Photos[0].Height)
		}
		_, data, err := w.files.Open(ctx, pg.Photos[0].PublicSHA)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("GPS")) || bytes.Contains(data, []byte("nhà em")) || !bytes.Contains(data, []byte("Exif\x00\x00MM")) {
			t.Error("the public copy still carries the metadata, or lost the orientation")
		}
		if ok, _ := w.store.PhotoLive(ctx, pg.Photos[0].PublicSHA); !ok {
			t.Error("the public photo is not live")
		}
		if ok, _ := w.store.PhotoLive(ctx, pg.Photos[0].SHA256); ok {
			t.Error("the original photo (with metadata) is served")
		}
		if r, _ := w.store.Search(ctx, portal.Query{Text: "phuong phap day doc"}); r.Total != 1 || r.Cards[0].ID != p.ID {
			t.Errorf("search after publishing = %+v", r)
		}
		revs, err := w.store.Revisions(ctx, officer, p.ID)
		if err != nil || len(revs) != 1 || revs[0].Page.Title != pg.Title {
			t.Errorf("revisions = %+v, %v", revs, err)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM audit_log WHERE object_type = 'publication' AND object_id = $1", idstr(p.ID)); n != 5 {
			t.Errorf("%d audit entries, want 5 (create, consent, update, consent, publish)", n)
		}
		// Publishing again with nothing changed is refused.
		if _, err := w.store.Publish(ctx, officer, p.ID, p.Version); !errs.Is(err, errs.Invalid) {
			t.Errorf("republish without change: %v", err)
		}
		// The revision table refuses changes.
		if _, err := db.W.ExecContext(ctx, "UPDATE publication_revisions SET page = '{}'"); err == nil {
			t.Error("a published revision was changed")
		}
	})
}

func idstr(id int64) string { return strconv.FormatInt(id, 10) }

// TestPublishStudent: an exemplar involving a student needs the minors
// check; its choices apply to the name, the school and the photos, and
// the text may not carry the full name.
func TestPublishStudent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := build(t, db)
		ctx := context.Background()
		officer := w.users["p.officer"]
		nom := w.selected(t, student("Học sinh Trần Ngọc Lan trả lại của rơi"), jpegWithExif(t, 20, 20, 10))
		p, err := w.store.Create(ctx, officer, nom)
		if err != nil {
			t.Fatal(err)
		}
		p, _ = w.store.Get(ctx, officer, p.ID)
		if !p.NeedsMinorsCheck() || !p.NeedsConsent() {
			t.Fatalf("a student's exemplar: minors %v consent %v", p.NeedsMinorsCheck(), p.NeedsConsent())
		}
		consent := portal.ConsentInput{By: "Trần Văn Hùng", Capacity: portal.CapacitySelf, On: time.Now(), Method: portal.ConsentEmail, Scope: "Câu chuyện của em.", Photos: true}
		_, err = w.store.RecordConsent(ctx, officer, p.ID, p.Version, consent, nil, "")
		fieldErr(t, err, "consent_capacity", "cha, mẹ hoặc người giám hộ")
		consent.Capacity = portal.CapacityGuardian
		if p, err = w.store.RecordConsent(ctx, officer, p.ID, p.Version, consent, nil, ""); err != nil {
			t.Fatal(err)
		}
		_, err = w.store.Publish(ctx, officer, p.ID, p.Version)
		fieldErr(t, err, "minors", "người chưa thành niên")

		_, err = w.store.RecordMinors(ctx, officer, p.ID, p.Version, portal.MinorsInput{Name: "nickname"})
		fieldErr(t, err, "minors_name", "cách nêu tên")
		fieldErr(t, err, "minors_confirm", "rà soát")
		if p, err = w.store.RecordMinors(ctx, officer, p.ID, p.Version, portal.MinorsInput{Name: portal.NameInitial, Confirm: true}); err != nil {
			t.Fatal(err)
		}
		p, _ = w.store.Get(ctx, officer, p.ID)
		// The title still names her in full, and a photo is chosen though
		// photos are not allowed.
		in := portal.ContentInput{Title: p.Content.Title, Story: "Em Lan nhặt được ví và trả lại.", Photos: []portal.Photo{{SHA256: p.Subject.Images[0].SHA256}}}
		if p, err = w.store.Update(ctx, officer, p.ID, p.Version, in); err != nil {
			t.Fatal(err)
		}
		_, err = w.store.Publish(ctx, officer, p.ID, p.Version)
		fieldErr(t, err, "title", "họ tên đầy đủ")
		fieldErr(t, err, "photos", "không đăng ảnh")
		in.Title, in.Photos = "Học sinh lớp 5 trả lại của rơi", nil
		if p, err = w.store.Update(ctx, officer, p.ID, p.Version, in); err != nil {
			t.Fatal(err)
		}
		if p, err = w.store.Publish(ctx, officer, p.ID, p.Version); err != nil {
			t.Fatal(err)
		}
		pg, err := w.store.Page(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if pg.Subject != "Lan T." || pg.Credit != "Một trường học thuộc Phòng Giáo dục và Đào tạo Một" || pg.CreditUnitID != w.phong.ID || len(pg.Photos) != 0 {
			t.Errorf("student page: subject %q credit %q unit %d photos %d", pg.Subject, pg.Credit, pg.CreditUnitID, len(pg.Photos))
		}
		// Neither her full name nor the school is searchable.
		for _, q := range []string{"Tran Ngoc Lan", "Hoa Sen"} {
			if r, _ := w.store.Search(ctx, portal.Query{Text: q}); r.Total != 0 {
				t.Errorf("%q finds the student's page", q)
			}
		}
		if r, _ := w.store.Search(ctx, portal.Query{UnitID: w.schoolA.ID}); r.Total != 0 {
			t.Error("the hidden school's filter finds the student's page")
		}
		if r, _ := w.store.Search(ctx, portal.Query{UnitID: w.phong.ID}); r.Total != 1 {
			t.Error("the office's filter misses the student's page")
		}

		// A class is a collective of students: the check is needed too.
		nom2 := w.selected(t, practice("Lớp học xanh", "Lớp 4B"))
		q, err := w.store.Create(ctx, officer, nom2)
		if err != nil {
			t.Fatal(err)
		}
		q, _ = w.store.Get(ctx, officer, q.ID)
		if !q.NeedsMinorsCheck() || q.NeedsConsent() {
			t.Errorf("a class: minors %v consent %v", q.NeedsMinorsCheck(), q.NeedsConsent())
		}
		_, err = w.store.Publish(ctx, officer, q.ID, q.Version)
		fieldErr(t, err, "minors", "học sinh")
		// A teachers' group needs none, unless the editor marks it.
		nom3 := w.selected(t, practice("Góc đọc sách", "Tổ chuyên môn khối 2"))
		r, _ := w.store.Create(ctx, officer, nom3)
		r, _ = w.store.Get(ctx, officer, r.ID)
		if r.NeedsMinorsCheck() {
			t.Error("a teachers' group needs the minors check")
		}
		_, err = w.store.RecordMinors(ctx, officer, r.ID, r.Version, portal.MinorsInput{Name: portal.NameFull, Confirm: true})
		fieldErr(t, err, "minors", "không có học sinh")
		c := r.Content
		if r, err = w.store.Update(ctx, officer, r.ID, r.Version, portal.ContentInput{Title: c.Title, Story: c.Story, Guide: c.Guide, InvolvesMinors: true}); err != nil {
			t.Fatal(err)
		}
		r, _ = w.store.Get(ctx, officer, r.ID)
		if !r.NeedsMinorsCheck() {
			t.Error("marking students does not require the check")
		}
	})
}

// TestUnpublishAndRepublish: taking a page off removes it from every
// public read at once; it can come back as a new revision.
func TestUnpublishAndRepublish(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := build(t, db)
		ctx := context.Background()
		officer := w.users["p.officer"]
		p := w.publishPractice(t, "Góc thư viện xanh từ vật liệu tái chế", jpegWithExif(t, 16, 16, 99))
		pg, _ := w.store.Page(ctx, p.ID)
		if p, err := w.store.Feature(ctx, officer, p.ID, p.Version, true, 2); err != nil || !p.Featured {
			t.Fatalf("feature: %+v %v", p, err)
		}
		p, _ = w.store.Get(ctx, officer, p.ID)
		gen := generation(t, w.store)

		_, err := w.store.Unpublish(ctx, w.users["p.staff"], p.ID, p.Version, "")
		if err != errs.ErrForbidden {
			t.Errorf("staff unpublish: %v", err)
		}
		p, err = w.store.Unpublish(ctx, officer, p.ID, p.Version, "Tập thể đề nghị tạm gỡ để cập nhật số liệu.")
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != portal.Unpublished || p.UnpublishReason == "" || generation(t, w.store) <= gen {
			t.Errorf("after unpublish: %+v", p)
		}
		if _, err := w.store.Page(ctx, p.ID); err != errs.ErrNotFound {
			t.Errorf("page after unpublish: %v", err)
		}
		for what, q := range map[string]string{
			"entries": "SELECT COUNT(*) FROM portal_entries", "photos": "SELECT COUNT(*) FROM portal_photos", "pages": "SELECT COUNT(*) FROM portal_pages",
		} {
			if n := count(t, db, q); n != 0 {
				t.Errorf("%d %s left after unpublish", n, what)
			}
		}
		if r, _ := w.store.Search(ctx, portal.Query{Text: "thu vien xanh"}); r.Total != 0 {
			t.Error("search finds the unpublished page")
		}
		if ok, _ := w.store.PhotoLive(ctx, pg.Photos[0].PublicSHA); ok {
			t.Error("the photo is still served")
		}
		if f, _ := w.store.Featured(ctx, 10); len(f) != 0 {
			t.Error("still featured")
		}
		if l, _ := w.store.Links(ctx); len(l) != 0 {
			t.Errorf("sitemap links after unpublish: %+v", l)
		}
		if _, err := w.store.Unpublish(ctx, officer, p.ID, p.Version, ""); !errs.Is(err, errs.Invalid) {
			t.Errorf("unpublishing twice: %v", err)
		}
		// Back, as revision 2, still featured.
		if p, err = w.store.Publish(ctx, officer, p.ID, p.Version); err != nil {
			t.Fatal(err)
		}
		if p.Revision != 2 || p.Status != portal.Published {
			t.Errorf("republished: %+v", p)
		}
		if f, _ := w.store.Featured(ctx, 10); len(f) != 1 {
			t.Error("not featured after republishing")
		}
		if n := count(t, db, "SELECT COUNT(*) FROM audit_log WHERE object_type = 'publication' AND action IN ('unpublish', 'republish')"); n != 2 {
			t.Errorf("%d unpublish/republish audit entries", n)
		}
	})
}

// publishPractice publishes a good practice of school A.
func (w *world) publishPractice(t *testing.T, title string, photos ...[]byte) portal.Publication {
	t.Helper()
	ctx := context.Background()
	officer := w.users["p.officer"]
	p, err := w.store.Create(ctx, officer, w.selected(t, practice(title, "Tổ chuyên môn khối "+strconv.Itoa(len(title))), photos...))
	if err != nil {
		t.Fatal(err)
	}
	p, _ = w.store.Get(ctx, officer, p.ID)
	if len(photos) > 0 {
		c := p.Content
		in := portal.ContentInput{Title: c.Title, Story: c.Story, Achievements: c.Achievements, Guide: c.Guide}
		for _, im := range p.Subject.Images {
			in.Photos = append(in.Photos, portal.Photo{SHA256: im.SHA256, Caption: "Ảnh hoạt động"})
		}
		if p, err = w.store.Update(ctx, officer, p.ID, p.Version, in); err != nil {
			t.Fatal(err)
		}
	}
	if p, err = w.store.Publish(ctx, officer, p.ID, p.Version); err != nil {
		t.Fatalf("publish %s: %v %v", title, err, errs.FieldsOf(err))
	}
	return p
}

// TestRevisionsAndScope: edits after publishing wait for the revision;
// stale writes change nothing; only managers of the selecting unit (or
// above) manage.
func TestRevisionsAndScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := build(t, db)
		ctx := context.Background()
		officer := w.users["p.officer"]
		p := w.publishPractice(t, "Sân chơi tái chế")
		c := p.Content
		in := portal.ContentInput{Title: "Sân chơi từ vật liệu tái chế", Story: c.Story, Achievements: c.Achievements, Guide: c.Guide}
		p2, err := w.store.Update(ctx, w.users["p.leader"], p.ID, p.Version, in)
		if err != nil {
			t.Fatal(err)
		}
		if !p2.Dirty || p2.Status != portal.Published {
			t.Errorf("after editing a published page: dirty %v status %s", p2.Dirty, p2.Status)
		}
		if pg, _ := w.store.Page(ctx, p.ID); pg.Title != "Sân chơi tái chế" {
			t.Errorf("the public page changed before the revision was published: %q", pg.Title)
		}
		// The stale version changes nothing.
		in.Title = "Tiêu đề cũ"
		if _, err := w.store.Update(ctx, officer, p.ID, p.Version, in); err != errs.ErrStale {
			t.Errorf("stale update: %v", err)
		}
		if _, err := w.store.Publish(ctx, officer, p.ID, p.Version); err != errs.ErrStale {
			t.Errorf("stale publish: %v", err)
		}
		p3, err := w.store.Publish(ctx, w.users["so.officer"], p.ID, p2.Version)
		if err != nil {
			t.Fatal(err)
		}
		pg, _ := w.store.Page(ctx, p.ID)
		if pg.Title != "Sân chơi từ vật liệu tái chế" || pg.Revision != 2 || p3.Dirty || !pg.First.Equal(*p.FirstPublishedAt) {
			t.Errorf("revision 2: %q rev %d first %v (was %v)", pg.Title, pg.Revision, pg.First, p.FirstPublishedAt)
		}
		if portal.ParseSlug(pg.Slug) != p.ID {
			t.Errorf("slug %q does not parse to %d", pg.Slug, p.ID)
		}

		// Who manages.
		for name, want := range map[string]error{"p.staff": errs.ErrForbidden, "p.viewer": errs.ErrForbidden, "a.leader": errs.ErrForbidden,
			"p2.officer": errs.ErrNotFound, "c.leader": errs.ErrNotFound} {
			if _, err := w.store.Get(ctx, w.users[name], p.ID); err != want {
				t.Errorf("%s reading the publication: %v, want %v", name, err, want)
			}
		}
		for _, name := range []string{"p.officer", "p.leader", "p.admin", "so.officer"} {
			if _, err := w.store.Get(ctx, w.users[name], p.ID); err != nil {
				t.Errorf("%s cannot read the publication: %v", name, err)
			}
		}
		if l, _, _ := w.store.List(ctx, w.users["p2.officer"], portal.Filter{}); len(l) != 0 {
			t.Errorf("another office lists %d publications", len(l))
		}
		if l, n, _ := w.store.List(ctx, officer, portal.Filter{Status: portal.Published}); len(l) != 1 || n != 1 {
			t.Errorf("the office lists %d (%d) published", len(l), n)
		}
		// Only a selected nomination can be published.
		d, _ := w.dossiers.Create(ctx, w.hand, func() exemplar.Input { in := teacher("Chưa chọn"); in.UnitID = w.schoolA.ID; return in }())
		sub, err := w.sel.Submit(ctx, w.hand, d.ID, w.round.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.store.Create(ctx, officer, sub.Nomination.ID)
		fieldErr(t, err, "nomination_id", "đã được chọn")
		if _, err := w.store.Create(ctx, w.users["a.leader"], sub.Nomination.ID); err != errs.ErrForbidden {
			t.Errorf("the school's leader creating a publication: %v", err)
		}
		// Featuring needs a live page and a sane order.
		if _, err := w.store.Feature(ctx, officer, p.ID, p3.Version, true, -1); !errs.Is(err, errs.Invalid) {
			t.Errorf("order -1: %v", err)
		}
		if _, err := w.store.Feature(ctx, access.Scope{}, p.ID, p3.Version, true, 1); err != errs.ErrNotFound {
			t.Errorf("the public featuring: %v", err)
		}
	})
}
