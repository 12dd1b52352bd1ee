package activity

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/exemplar"
)

// movements adds a movement with one campaign and an ended movement, and
// returns their ids.
func (e *env) movements() (m, c, other int64) {
	e.t.Helper()
	ctx := context.Background()
	now := database.Now()
	ins := func(name, status string) int64 {
		var id int64
		if err := e.db.W.QueryRowContext(ctx, `INSERT INTO movements (unit_id, name, authority, kind, starts_on, status, created_at, updated_at)
			VALUES ($1, $2, 'bo_gddt', 'thuong_xuyen', $3, $4, $5, $5) RETURNING id`, e.so.ID, name, d(2020, 9, 1), status, now).Scan(&id); err != nil {
			e.t.Fatal(err)
		}
		return id
	}
	m = ins("Đổi mới, sáng tạo trong dạy và học", "active")
	other = ins("Cán bộ, công chức, viên chức thi đua thực hiện văn hóa công sở", "active")
	if err := e.db.W.QueryRowContext(ctx, `INSERT INTO campaigns (movement_id, unit_id, name, starts_on, ends_on, created_at, updated_at)
		VALUES ($1, $2, 'Đợt thi đua chào mừng Ngày Nhà giáo Việt Nam 20/11', $3, $4, $5, $5) RETURNING id`, m, e.so.ID, d(2025, 10, 1), d(2025, 11, 20), now).Scan(&c); err != nil {
		e.t.Fatal(err)
	}
	return m, c, other
}

// dossier drafts a dossier at u as sc.
func (e *env) dossier(sc access.Scope, u int64, title string) exemplar.Dossier {
	e.t.Helper()
	dd, err := e.s.dossiers().Create(context.Background(), sc, exemplar.Input{UnitID: u, SubjectKind: exemplar.Collective, CollectiveName: "Tổ Ngữ văn",
		Category: exemplar.GoodPractice, Title: title})
	if err != nil {
		e.t.Fatal(err)
	}
	return dd
}

func TestCreateGetAndScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		m, c, _ := e.movements()
		dos := e.dossier(e.staffA, e.a.ID, "Mô hình “Thư viện xanh”")
		in := input(e.a, "  Tọa đàm   “Nhà giáo tâm huyết, sáng tạo” ", d(2025, 11, 18), Seminar)
		in.StartTime, in.EndTime = "8:00", "10:30"
		in.CampaignIDs = []int64{c}
		in.DossierIDs = []int64{dos.ID, dos.ID}
		in.Links = []string{" https://example.edu.vn/tin-tuc/toa-dam ", "", "https://example.edu.vn/tin-tuc/toa-dam"}
		pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
		a := e.create(e.staffA, in, upload(`C:\fakepath\anh-toa-dam.jpg`, photo(t, 64, 48, false, 1)), upload("ke-hoach.pdf", pdf))

		if a.Title != "Tọa đàm “Nhà giáo tâm huyết, sáng tạo”" || a.StartTime != "08:00" || a.EndTime != "10:30" || a.Version != 1 || a.Public {
			t.Errorf("stored %+v", a)
		}
		if !slices.Equal(a.MovementIDs, []int64{m}) || !slices.Equal(a.CampaignIDs, []int64{c}) || !slices.Equal(a.DossierIDs, []int64{dos.ID}) {
			t.Errorf("links: movements %v campaigns %v dossiers %v; want the campaign's movement %d linked too", a.MovementIDs, a.CampaignIDs, a.DossierIDs, m)
		}
		if !slices.Equal(a.Links, []string{"https://example.edu.vn/tin-tuc/toa-dam"}) {
			t.Errorf("links = %q", a.Links)
		}
		if len(a.Files) != 2 || a.Files[0].Name != "anh-toa-dam.jpg" || a.Files[0].Thumb != ThumbPending || a.Files[1].Thumb != ThumbNone || a.Files[1].ContentType != "application/pdf" {
			t.Errorf("files = %+v", a.Files)
		}
		if a.StatusOn(e.s.Today()) != Held || a.When() != "18/11/2025, 08:00 – 10:30" {
			t.Errorf("status %s, when %q", a.StatusOn(e.s.Today()), a.When())
		}
		if n := e.count("SELECT COUNT(*) FROM jobs WHERE kind = $1", KindThumbnail); n != 1 {
			t.Errorf("%d thumbnail jobs queued, want 1 (the photo only)", n)
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE object_type = 'activity' AND action = 'create'"); n != 1 {
			t.Errorf("%d audit entries for the creation", n)
		}
		for _, tc := range []struct {
			name string
			sc   access.Scope
			ok   bool
		}{
			{"staff of the school", e.staffA, true}, {"viewer of the school", e.viewerA, true}, {"admin of the school", e.adminA, true},
			{"officer of the ward above", e.officer1, true}, {"another school of the ward", e.staffB, false},
			{"officer of another ward", e.officer2, false}, {"anonymous", access.Scope{}, false},
		} {
			_, err := e.s.Get(ctx, tc.sc, a.ID)
			if tc.ok != (err == nil) || (!tc.ok && !errs.Is(err, errs.NotFound)) {
				t.Errorf("%s: Get = %v, want ok=%v (NotFound otherwise)", tc.name, err, tc.ok)
			}
			_, _, err = e.s.File(ctx, tc.sc, a.ID, a.Files[1].SHA256)
			if tc.ok != (err == nil) {
				t.Errorf("%s: File = %v, want ok=%v", tc.name, err, tc.ok)
			}
		}
		// A file of another activity is not reachable through this one.
		other := e.create(e.staffB, input(e.b, "Hoạt động của trường B", d(2025, 11, 19), Culture), upload("b.png", photo(t, 8, 8, true, 2)))
		if _, _, err := e.s.File(ctx, e.staffA, a.ID, other.Files[0].SHA256); !errs.Is(err, errs.NotFound) {
			t.Errorf("a file of B's activity through A's: %v, want NotFound", err)
		}
		got, data, err := e.s.File(ctx, e.officer1, a.ID, a.Files[1].SHA256)
		if err != nil || !bytes.Equal(data, pdf) || got.Name != "ke-hoach.pdf" {
			t.Errorf("File = %+v, %d bytes, %v", got, len(data), err)
		}
	})
}

func TestCreateRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		m, _, _ := e.movements()
		dosB := e.dossier(e.staffB, e.b.ID, "Hồ sơ của trường B")
		yes := true
		closedUnit := func() int64 {
			var id int64
			if err := db.W.QueryRowContext(ctx, "UPDATE units SET valid_to = $1 WHERE id = $2 RETURNING id", d(2025, 6, 30), e.b.ID).Scan(&id); err != nil {
				t.Fatal(err)
			}
			return id
		}
		_ = closedUnit
		for _, tc := range []struct {
			name  string
			sc    access.Scope
			edit  func(in *Input)
			code  errs.Code
			field string
		}{
			{"viewer", e.viewerA, nil, errs.Forbidden, ""},
			{"administrator", e.adminA, nil, errs.Forbidden, ""},
			{"other school", e.staffB, nil, errs.Invalid, "unit_id"},
			{"other ward", e.officer2, nil, errs.Invalid, "unit_id"},
			{"no unit", e.staffA, func(in *Input) { in.UnitID = 0 }, errs.Invalid, "unit_id"},
			{"staff makes it public", e.staffA, func(in *Input) { in.Public = &yes }, errs.Forbidden, "public"},
			{"no title", e.staffA, func(in *Input) { in.Title = "  " }, errs.Invalid, "title"},
			{"no form", e.staffA, func(in *Input) { in.Form = "" }, errs.Invalid, "form"},
			{"unknown form", e.staffA, func(in *Input) { in.Form = "hoi_thao" }, errs.Invalid, "form"},
			{"other form unnamed", e.staffA, func(in *Input) { in.Form = Other }, errs.Invalid, "form_other"},
			{"no date", e.staffA, func(in *Input) { in.Date = time.Time{} }, errs.Invalid, "date"},
			{"date in 1999", e.staffA, func(in *Input) { in.Date = d(1999, 5, 1) }, errs.Invalid, "date"},
			{"bad start time", e.staffA, func(in *Input) { in.StartTime = "25:00" }, errs.Invalid, "start_time"},
			{"end time alone", e.staffA, func(in *Input) { in.EndTime = "10:00" }, errs.Invalid, "end_time"},
			{"end before start", e.staffA, func(in *Input) { in.StartTime, in.EndTime = "14:00", "13:30" }, errs.Invalid, "end_time"},
			{"end day before", e.staffA, func(in *Input) { in.EndDate = dp(2025, 11, 1) }, errs.Invalid, "end_date"},
			{"negative reach", e.staffA, func(in *Input) { in.Reach = -3 }, errs.Invalid, "reach"},
			{"javascript link", e.staffA, func(in *Input) { in.Links = []string{"javascript:alert(1)"} }, errs.Invalid, "links"},
			{"ftp link", e.staffA, func(in *Input) { in.Links = []string{"ftp://example.vn/a"} }, errs.Invalid, "links"},
			{"link with password", e.staffA, func(in *Input) { in.Links = []string{"https://u:p@example.vn/"} }, errs.Invalid, "links"},
			{"relative link", e.staffA, func(in *Input) { in.Links = []string{"/tin-tuc"} }, errs.Invalid, "links"},
			{"unknown movement", e.staffA, func(in *Input) { in.MovementIDs = []int64{m + 100} }, errs.Invalid, "movements"},
			{"unknown campaign", e.staffA, func(in *Input) { in.CampaignIDs = []int64{999} }, errs.Invalid, "campaigns"},
			{"dossier of another school", e.staffA, func(in *Input) { in.DossierIDs = []int64{dosB.ID} }, errs.Invalid, "dossiers"},
		} {
			in := input(e.a, "Hoạt động thử "+tc.name, d(2025, 11, 18), Seminar)
			if tc.edit != nil {
				tc.edit(&in)
			}
			_, err := e.s.Create(ctx, tc.sc, in)
			if errs.CodeOf(err) != tc.code || (tc.field != "" && errs.FieldsOf(err)[tc.field] == "") {
				t.Errorf("%s: %v (fields %v), want %s at %q", tc.name, err, errs.FieldsOf(err), tc.code, tc.field)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM activities"); n != 0 {
			t.Fatalf("refused creations left %d activities", n)
		}
		// The officer of the ward logs for a school below; the leader may
		// make it public.
		if a := e.create(e.officer1, input(e.a, "Ghi từ phường", d(2025, 12, 1), Commune)); a.UnitID != e.a.ID {
			t.Errorf("officer's activity at unit %d", a.UnitID)
		}
		in := input(e.a, "Công khai", d(2025, 12, 2), Online)
		in.Public = &yes
		if a := e.create(e.leaderA, in); !a.Public {
			t.Error("the leader's public activity is not public")
		}
		// A unit closed before the date cannot hold it.
		closedUnit()
		_, err := e.s.Create(ctx, e.staffB, input(e.b, "Sau khi trường B kết thúc", d(2025, 8, 1), Seminar))
		if errs.FieldsOf(err)["date"] == "" {
			t.Errorf("an activity after the unit closed: %v", err)
		}
		if _, err := e.s.Create(ctx, e.staffB, input(e.b, "Trước khi trường B kết thúc", d(2025, 5, 1), Seminar)); err != nil {
			t.Errorf("an activity while the unit was open: %v", err)
		}
	})
}

func TestRefusedFileChangesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		good := upload("anh.jpg", photo(t, 32, 32, false, 3))
		gif := []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")
		for _, tc := range []struct {
			name string
			up   Upload
			code errs.Code
		}{
			{"a GIF", upload("anh.gif", gif), errs.Invalid},
			{"HTML named .jpg", upload("anh.jpg", []byte("<html><script>alert(1)</script></html>")), errs.Invalid},
			{"an empty file", upload("trong.pdf", nil), errs.Invalid},
			{"an executable", upload("setup.pdf", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff")), errs.Invalid},
		} {
			good.R = bytes.NewReader(photo(t, 32, 32, false, 3))
			files := e.count("SELECT COUNT(*) FROM files")
			_, err := e.s.Create(ctx, e.staffA, input(e.a, "Có tệp lạ", d(2025, 10, 1), Visual), good, tc.up)
			if errs.CodeOf(err) != tc.code || !strings.Contains(errs.FieldsOf(err)["files"], tc.up.Name) {
				t.Errorf("%s: %v (fields %v), want %s naming the file", tc.name, err, errs.FieldsOf(err), tc.code)
			}
			if n := e.count("SELECT COUNT(*) FROM activities"); n != 0 {
				t.Fatalf("%s: the activity was saved", tc.name)
			}
			if n := e.count("SELECT COUNT(*) FROM files"); n != files {
				t.Errorf("%s: %d files stored, want none (the good one neither)", tc.name, n-files)
			}
		}
		// Too large for the store's cap.
		e.s.Files.MaxSize = 1000
		_, err := e.s.Create(ctx, e.staffA, input(e.a, "Ảnh lớn", d(2025, 10, 1), Visual), upload("lon.jpg", photo(t, 200, 200, false, 4)))
		if !errs.Is(err, errs.TooLarge) || errs.FieldsOf(err)["files"] == "" {
			t.Errorf("too large: %v", err)
		}
		e.s.Files.MaxSize = 0
		// On an existing activity: a refused file leaves it as it was.
		a := e.create(e.staffA, input(e.a, "Có ảnh", d(2025, 10, 1), Visual), upload("anh.jpg", photo(t, 32, 32, false, 5)))
		_, err = e.s.AttachFiles(ctx, e.staffA, a.ID, a.Version, upload("b.png", photo(t, 16, 16, true, 6)), upload("x.gif", gif))
		if !errs.Is(err, errs.Invalid) {
			t.Errorf("attach with a GIF: %v", err)
		}
		again, _ := e.s.Get(ctx, e.staffA, a.ID)
		if again.Version != a.Version || len(again.Files) != 1 {
			t.Errorf("after a refused attach: version %d, %d files", again.Version, len(again.Files))
		}
		// The same photo twice is refused by name.
		_, err = e.s.AttachFiles(ctx, e.staffA, a.ID, a.Version, upload("lai-anh.jpg", photo(t, 32, 32, false, 5)))
		if !strings.Contains(errs.FieldsOf(err)["files"], "đã được đính kèm") {
			t.Errorf("the same photo again: %v", err)
		}
	})
}

func TestUpdateVersionsPublicAndDelete(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		dosB := e.dossier(e.officer1, e.b.ID, "Điển hình của trường B")
		dosA := e.dossier(e.staffA, e.a.ID, "Điển hình của trường A")
		// The ward's officer links a dossier of school B to school A's activity.
		in := input(e.a, "Giao lưu giữa hai trường", d(2025, 12, 5), Exchange)
		in.DossierIDs = []int64{dosB.ID}
		a := e.create(e.officer1, in)

		// School A's staff edits: B's dossier, which they cannot see, stays.
		in = a.Input()
		in.Title = "Giao lưu giữa hai trường (bổ sung)"
		in.DossierIDs = []int64{dosA.ID}
		up, err := e.s.Update(ctx, e.staffA, a.ID, a.Version, in)
		if err != nil {
			t.Fatal(err)
		}
		if up.Version != 2 || !slices.Equal(up.DossierIDs, []int64{dosB.ID, dosA.ID}) && !slices.Equal(up.DossierIDs, []int64{dosA.ID, dosB.ID}) {
			t.Errorf("after the edit: version %d, dossiers %v (want both)", up.Version, up.DossierIDs)
		}
		links, hidden, err := e.s.LinkedDossiers(ctx, e.staffA, up)
		if err != nil || len(links) != 1 || links[0].ID != dosA.ID || hidden != 1 {
			t.Errorf("LinkedDossiers for A's staff = %+v, %d hidden, %v", links, hidden, err)
		}
		// A stale version changes nothing.
		in.Title = "Sửa từ bản cũ"
		if _, err := e.s.Update(ctx, e.staffA, a.ID, a.Version, in); !errs.Is(err, errs.Conflict) {
			t.Errorf("stale update: %v, want conflict", err)
		}
		if cur, _ := e.s.Get(ctx, e.staffA, a.ID); cur.Title != up.Title || cur.Version != 2 {
			t.Errorf("after the stale update: %q v%d", cur.Title, cur.Version)
		}
		// Others cannot edit.
		if _, err := e.s.Update(ctx, e.viewerA, a.ID, up.Version, up.Input()); !errs.Is(err, errs.Forbidden) {
			t.Errorf("viewer edits: %v", err)
		}
		if _, err := e.s.Update(ctx, e.staffB, a.ID, up.Version, up.Input()); !errs.Is(err, errs.NotFound) {
			t.Errorf("other school edits: %v", err)
		}
		// Staff cannot publish, through Update nor SetPublic; the officer can.
		yes := true
		pub := up.Input()
		pub.Public = &yes
		if _, err := e.s.Update(ctx, e.staffA, a.ID, up.Version, pub); !errs.Is(err, errs.Forbidden) || errs.FieldsOf(err)["public"] == "" {
			t.Errorf("staff publishes through Update: %v", err)
		}
		if _, err := e.s.SetPublic(ctx, e.staffA, a.ID, up.Version, true); !errs.Is(err, errs.Forbidden) {
			t.Errorf("staff SetPublic: %v", err)
		}
		p, err := e.s.SetPublic(ctx, e.officer1, a.ID, up.Version, true)
		if err != nil || !p.Public || p.Version != 3 {
			t.Fatalf("officer SetPublic: %+v, %v", p, err)
		}
		// Staff edits keep the flag (the form says nothing of it).
		keep := p.Input()
		keep.Public = nil
		keep.Reach = 2500
		if k, err := e.s.Update(ctx, e.staffA, a.ID, p.Version, keep); err != nil || !k.Public || k.Reach != 2500 {
			t.Errorf("staff edit of a public activity: %+v, %v", k, err)
		} else {
			p = k
		}
		// A public activity is deleted by its publishers only.
		if err := e.s.Delete(ctx, e.staffA, a.ID, p.Version); !errs.Is(err, errs.Forbidden) {
			t.Errorf("staff deletes a public activity: %v", err)
		}
		if err := e.s.Delete(ctx, e.leaderA, a.ID, p.Version-1); !errs.Is(err, errs.Conflict) {
			t.Errorf("stale delete: %v", err)
		}
		if err := e.s.Delete(ctx, e.leaderA, a.ID, p.Version); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.Get(ctx, e.leaderA, a.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("after delete: %v", err)
		}
		if n := e.count("SELECT COUNT(*) FROM activity_dossiers"); n != 0 {
			t.Errorf("%d dossier links left after delete", n)
		}
		var actions []string
		rows, _ := db.R.QueryContext(ctx, "SELECT action FROM audit_log WHERE object_type = 'activity' ORDER BY id")
		for rows.Next() {
			var s string
			rows.Scan(&s)
			actions = append(actions, s)
		}
		rows.Close()
		if want := []string{"create", "update", "publish", "update", "delete"}; !slices.Equal(actions, want) {
			t.Errorf("audited %v, want %v", actions, want)
		}
		e.checkDayCounts()
	})
}

func TestAttachAndDetach(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		a := e.create(e.staffA, input(e.a, "Trưng bày tranh cổ động", d(2026, 4, 30), Visual))
		if a.StatusOn(e.s.Today()) != Planned {
			t.Errorf("an activity on 30/04/2026 is %s on 10/03/2026", a.StatusOn(e.s.Today()))
		}
		if _, err := e.s.AttachFiles(ctx, e.staffB, a.ID, a.Version, upload("x.jpg", photo(t, 8, 8, false, 1))); !errs.Is(err, errs.NotFound) {
			t.Errorf("other school attaches: %v", err)
		}
		if _, err := e.s.AttachFiles(ctx, e.viewerA, a.ID, a.Version, upload("x.jpg", photo(t, 8, 8, false, 1))); !errs.Is(err, errs.Forbidden) {
			t.Errorf("viewer attaches: %v", err)
		}
		b, err := e.s.AttachFiles(ctx, e.staffA, a.ID, a.Version, upload("1.jpg", photo(t, 8, 8, false, 1)), upload("2.png", photo(t, 8, 8, true, 2)))
		if err != nil || len(b.Files) != 2 || b.Version != 2 {
			t.Fatalf("attach: %+v, %v", b, err)
		}
		if _, err := e.s.AttachFiles(ctx, e.staffA, a.ID, a.Version, upload("3.jpg", photo(t, 8, 8, false, 3))); !errs.Is(err, errs.Conflict) {
			t.Errorf("attach with a stale version: %v", err)
		}
		c, err := e.s.DetachFile(ctx, e.staffA, a.ID, b.Version, b.Files[0].SHA256)
		if err != nil || len(c.Files) != 1 || c.Files[0].Name != "2.png" || c.Version != 3 {
			t.Fatalf("detach: %+v, %v", c, err)
		}
		if _, err := e.s.DetachFile(ctx, e.staffA, a.ID, c.Version, b.Files[0].SHA256); !errs.Is(err, errs.NotFound) {
			t.Errorf("detach again: %v", err)
		}
		if _, _, err := e.s.File(ctx, e.staffA, a.ID, b.Files[0].SHA256); !errs.Is(err, errs.NotFound) {
			t.Errorf("a detached file is still served: %v", err)
		}
	})
}
