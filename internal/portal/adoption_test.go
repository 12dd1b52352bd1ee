package portal_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/portal"
)

// TestAdoption: a unit records applying a published practice, reports
// progress with evidence, and concludes; the exemplar's page shows where
// it spread, the originating unit is told, officers see the spread.
func TestAdoption(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := build(t, db)
		ctx := context.Background()
		p := w.publishPractice(t, "Góc thư viện xanh từ vật liệu tái chế")
		leaderB := w.users["b.leader"]
		today := portal.Today(time.Now())
		start := today.AddDate(0, -2, 0)

		// What may be adopted, and by whom.
		in := portal.AdoptionInput{PublicationID: p.ID, UnitID: w.schoolB.ID, StartedOn: start, Plan: "Áp dụng tại khối 6: làm kệ sách, giờ đọc mỗi tuần."}
		if _, err := w.store.Adopt(ctx, w.users["b.staff"], in, nil); err != errs.ErrForbidden {
			t.Errorf("staff adopting: %v", err)
		}
		if _, err := w.store.Adopt(ctx, w.users["c.leader"], in, nil); !errs.Is(err, errs.Invalid) {
			t.Errorf("another school's leader adopting for school B: %v", err)
		}
		own := in
		own.UnitID = w.schoolA.ID
		_, err := w.store.Adopt(ctx, w.users["a.leader"], own, nil)
		fieldErr(t, err, "unit_id", "đã xây dựng")
		teacherPage := w.publishTeacher(t)
		bad := in
		bad.PublicationID = teacherPage
		_, err = w.store.Adopt(ctx, leaderB, bad, nil)
		fieldErr(t, err, "publication_id", "Chỉ mô hình mới, cách làm hay")
		_, err = w.store.Adopt(ctx, leaderB, portal.AdoptionInput{PublicationID: p.ID, UnitID: w.schoolB.ID}, nil)
		fieldErr(t, err, "started_on", "ngày bắt đầu")
		fieldErr(t, err, "plan", "kế hoạch")
		_, err = w.store.Adopt(ctx, leaderB, in, []portal.Upload{{Name: "ke-hoach.exe", R: strings.NewReader("MZ\x90\x00")}})
		fieldErr(t, err, "plan_file", "ke-hoach.exe")
		if n := count(t, db, "SELECT COUNT(*) FROM adoptions"); n != 0 {
			t.Fatalf("refused adoptions left %d rows", n)
		}

		gen := generation(t, w.store)
		a, err := w.store.Adopt(ctx, leaderB, in, []portal.Upload{{Name: "ke-hoach.pdf", R: strings.NewReader("%PDF-1.4 kế hoạch")}})
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != portal.Applying || a.UnitName != "Trường THCS Lê Lợi" || a.Title != p.Content.Title || generation(t, w.store) <= gen {
			t.Errorf("adoption = %+v", a)
		}
		if _, err := w.store.Adopt(ctx, leaderB, in, nil); !errs.Is(err, errs.Invalid) {
			t.Errorf("adopting twice: %v", err)
		}
		// The originating school is told.
		if n := count(t, db, "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.username IN ('a.leader', 'a.officer') AND n.url = $1",
			"/adoptions/"+idstr(a.ID)); n != 2 {
			t.Errorf("%d notes to school A's leader and officer, want 2", n)
		}

		// Check-ins.
		_, err = w.store.CheckIn(ctx, leaderB, a.ID, a.Version, portal.CheckinInput{On: start.AddDate(0, 0, -1), Progress: 120}, nil)
		fieldErr(t, err, "on", "trước ngày bắt đầu")
		fieldErr(t, err, "progress", "0 đến 100")
		fieldErr(t, err, "note", "minh chứng")
		if _, err := w.store.CheckIn(ctx, leaderB, a.ID, a.Version+1, portal.CheckinInput{On: today, Progress: 10, Note: "x"}, nil); err != errs.ErrStale {
			t.Errorf("stale check-in: %v", err)
		}
		a, err = w.store.CheckIn(ctx, leaderB, a.ID, a.Version, portal.CheckinInput{On: start.AddDate(0, 1, 0), Progress: 60, Note: "Đã làm xong kệ sách."},
			[]portal.Upload{{Name: "anh.png", R: strings.NewReader(string(pngWithText(t)))}})
		if err != nil {
			t.Fatal(err)
		}
		a, err = w.store.CheckIn(ctx, w.users["b.officer"], a.ID, a.Version, portal.CheckinInput{On: start.AddDate(0, 0, 10), Progress: 30, Note: "Bắt đầu khảo sát."}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if a.Progress != 60 {
			t.Errorf("progress %d, want 60 (the latest check-in by date)", a.Progress)
		}
		full, err := w.store.Adoption(ctx, w.users["b.staff"], a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(full.Checkins) != 2 || full.Checkins[0].Progress != 30 || len(full.Checkins[1].Files) != 1 || len(full.Files) != 1 {
			t.Errorf("details = %+v", full)
		}
		// Who reads: B's people, the managers of the exemplar, school A;
		// not another office.
		for _, name := range []string{"b.staff", "p.officer", "a.leader", "so.officer"} {
			if _, err := w.store.Adoption(ctx, w.users[name], a.ID); err != nil {
				t.Errorf("%s cannot read the adoption: %v", name, err)
			}
		}
		for _, name := range []string{"c.leader", "p2.officer"} {
			if _, err := w.store.Adoption(ctx, w.users[name], a.ID); err != errs.ErrNotFound {
				t.Errorf("%s reads the adoption: %v", name, err)
			}
		}
		if _, err := w.store.CheckIn(ctx, w.users["a.leader"], a.ID, a.Version, portal.CheckinInput{On: today, Progress: 1, Note: "x"}, nil); err != errs.ErrForbidden {
			t.Errorf("the originating school's leader checking in: %v", err)
		}
		if f, err := w.store.AdoptionFileOf(ctx, w.users["a.leader"], a.ID, full.Files[0].SHA256); err != nil || f.Name != "ke-hoach.pdf" {
			t.Errorf("plan file: %+v %v", f, err)
		}
		if _, err := w.store.AdoptionFileOf(ctx, w.users["c.leader"], a.ID, full.Files[0].SHA256); err != errs.ErrNotFound {
			t.Errorf("another school reads the plan file: %v", err)
		}

		// The public spread and the unit page.
		sp, err := w.store.Spread(ctx, p.ID)
		if err != nil || len(sp) != 1 || sp[0].UnitName != "Trường THCS Lê Lợi" || sp[0].Progress != 60 {
			t.Errorf("public spread = %+v %v", sp, err)
		}
		if u, err := w.store.PublicUnit(ctx, w.schoolB.ID); err != nil || u.Adopts != 1 || u.Entries != 0 {
			t.Errorf("school B's public page: %+v %v", u, err)
		}
		if _, err := w.store.PublicUnit(ctx, w.schoolC.ID); err != errs.ErrNotFound {
			t.Errorf("school C, with nothing public, has a page: %v", err)
		}

		// Conclude.
		_, err = w.store.Conclude(ctx, leaderB, a.ID, a.Version, portal.OutcomeInput{Status: "won", EndedOn: today.AddDate(0, 0, 5)})
		fieldErr(t, err, "status", "kết quả")
		fieldErr(t, err, "ended_on", "sau hôm nay")
		fieldErr(t, err, "outcome", "kết quả")
		a, err = w.store.Conclude(ctx, leaderB, a.ID, a.Version, portal.OutcomeInput{Status: portal.Completed, EndedOn: today, Outcome: "95% học sinh khối 6 đọc sách mỗi tuần."})
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != portal.Completed || a.Progress != 100 || a.EndedOn == nil {
			t.Errorf("concluded = %+v", a)
		}
		if _, err := w.store.CheckIn(ctx, leaderB, a.ID, a.Version, portal.CheckinInput{On: today, Progress: 1, Note: "x"}, nil); !errs.Is(err, errs.Invalid) {
			t.Errorf("check-in after the end: %v", err)
		}

		// The spread view of the office: one adoption, at a THCS, by the office.
		view, err := w.store.SpreadView(ctx, w.users["p.officer"], portal.SpreadFilter{})
		if err != nil {
			t.Fatal(err)
		}
		last := view.Months[len(view.Months)-1]
		if view.Total != 1 || view.Completed != 1 || len(view.ByLevel) != 1 || view.ByLevel[0].Label != "Trung học cơ sở" ||
			len(view.ByParent) != 1 || view.ByParent[0].Label != "Phòng Giáo dục và Đào tạo Một" || last.Total != 1 || len(view.Months) != 24 {
			t.Errorf("spread view = %+v", view)
		}
		if other, _ := w.store.SpreadView(ctx, w.users["p2.officer"], portal.SpreadFilter{}); other.Total != 0 {
			t.Errorf("another office sees %d adoptions", other.Total)
		}
		if l, n, _ := w.store.Adoptions(ctx, w.users["a.leader"], portal.AdoptionFilter{}); n != 1 || len(l) != 1 {
			t.Errorf("school A lists %d adoptions of its practice", n)
		}

		// Unpublished, the exemplar's spread is no longer public.
		p, _ = w.store.Get(ctx, w.users["p.officer"], p.ID)
		if _, err := w.store.Unpublish(ctx, w.users["p.officer"], p.ID, p.Version, ""); err != nil {
			t.Fatal(err)
		}
		if sp, _ := w.store.Spread(ctx, p.ID); len(sp) != 0 {
			t.Error("the spread of an unpublished exemplar is public")
		}
		if _, err := w.store.PublicUnit(ctx, w.schoolB.ID); err != errs.ErrNotFound {
			t.Errorf("school B's page after the exemplar was taken off: %v", err)
		}
	})
}

// publishTeacher publishes an individual (not adoptable) exemplar.
func (w *world) publishTeacher(t *testing.T) int64 {
	t.Helper()
	ctx := context.Background()
	officer := w.users["p.officer"]
	p, err := w.store.Create(ctx, officer, w.selected(t, teacher("Cô giáo của học trò nghèo")))
	if err != nil {
		t.Fatal(err)
	}
	p, err = w.store.RecordConsent(ctx, officer, p.ID, p.Version, portal.ConsentInput{By: "Nguyễn Thị Mai", Capacity: portal.CapacitySelf,
		On: time.Now(), Method: portal.ConsentWritten, Scope: "Toàn bộ bài viết."}, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if p, err = w.store.Publish(ctx, officer, p.ID, p.Version); err != nil {
		t.Fatal(err)
	}
	return p.ID
}
