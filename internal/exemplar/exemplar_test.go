package exemplar_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/exemplar"
	"thidua/internal/files"
	"thidua/internal/unit"
)

// fixture is a small tree: Sở → Phòng → schools A and B, and scopes of
// people holding one role each.
type fixture struct {
	ctx                  context.Context
	db                   *database.DB
	s                    *exemplar.Store
	units                *unit.Store
	so, phong, a, b      unit.Unit
	staffA, staffB       access.Scope
	viewerA, adminA      access.Scope
	leaderA, leaderB     access.Scope
	officerPhong, leadSo access.Scope
}

func scope(id int64, u unit.Unit, role access.Role) access.Scope {
	return access.Scope{UserID: id, Username: string(role) + "-" + u.Code, UnitID: u.ID,
		Grants: []access.Grant{{UnitID: u.ID, UnitName: u.Name, Path: u.Path, Role: role}}}
}

func setup(t *testing.T, db *database.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	us := &unit.Store{DB: db}
	sys := access.System()
	mk := func(in unit.Input) unit.Unit {
		u, err := us.Create(ctx, sys, in)
		if err != nil {
			t.Fatalf("create unit %s: %v", in.Code, err)
		}
		return u
	}
	f := &fixture{ctx: ctx, db: db, units: us, s: &exemplar.Store{DB: db, Files: files.New(db, "", 0)}}
	f.so = mk(unit.Input{Kind: unit.Department, Code: "SO", Name: "Sở Giáo dục và Đào tạo"})
	f.phong = mk(unit.Input{ParentID: f.so.ID, Kind: unit.Office, Code: "PGD", Name: "Phòng Giáo dục và Đào tạo"})
	f.a = mk(unit.Input{ParentID: f.phong.ID, Kind: unit.School, Code: "TH-A", Name: "Trường Tiểu học An Phú", Levels: []string{"TH"}})
	f.b = mk(unit.Input{ParentID: f.phong.ID, Kind: unit.School, Code: "TH-B", Name: "Trường Tiểu học Bình Hòa", Levels: []string{"TH"}})
	f.staffA = scope(11, f.a, access.Staff)
	f.viewerA = scope(12, f.a, access.Viewer)
	f.adminA = scope(13, f.a, access.Admin)
	f.leaderA = scope(14, f.a, access.Leader)
	f.staffB = scope(21, f.b, access.Staff)
	f.leaderB = scope(22, f.b, access.Leader)
	f.officerPhong = scope(31, f.phong, access.Officer)
	f.leadSo = scope(41, f.so, access.Leader)
	return f
}

// teacher is an individual dossier for school A, complete enough to freeze.
func (f *fixture) teacher() exemplar.Input {
	return exemplar.Input{
		UnitID: f.a.ID, SubjectKind: exemplar.Individual,
		Person:   exemplar.Person{Ho: "Nguyễn", Dem: "Văn", Ten: "Đức", Gender: exemplar.Male, BirthYear: 1985, Position: "Giáo viên lớp 5"},
		Category: exemplar.Outstanding, Title: "Giáo viên dạy giỏi cấp tỉnh",
		Summary:  "Ba năm liền đạt giáo viên dạy giỏi.\n\nHướng dẫn học sinh đạt giải cấp tỉnh.",
		Criteria: []exemplar.CriterionEntry{{Key: "achievement", Checked: true, Evidence: "Giấy chứng nhận giáo viên dạy giỏi cấp tỉnh năm học 2024-2025"}},
	}
}

// library is a collective dossier (a tổ of school A) for a new model.
func (f *fixture) library() exemplar.Input {
	return exemplar.Input{
		UnitID: f.a.ID, SubjectKind: exemplar.Collective, CollectiveName: "Tổ Ngữ văn",
		Category: exemplar.NewModel, Title: "Mô hình thư viện xanh", Summary: "Thư viện ngoài trời dưới tán cây.",
		Criteria: []exemplar.CriterionEntry{{Key: "innovation", Checked: true, Evidence: "Mô hình được Phòng công nhận"}},
		Guide: &exemplar.Guide{Context: "Thiếu phòng đọc", Steps: "1. Khảo sát\n2. Làm kệ sách", Resources: "5 triệu đồng",
			Results: "300 lượt đọc mỗi tháng", Conditions: "Có sân trường rợp bóng cây", Contact: "Cô Lan, tổ trưởng"},
	}
}

func (f *fixture) create(t *testing.T, sc access.Scope, in exemplar.Input) exemplar.Dossier {
	t.Helper()
	d, err := f.s.Create(f.ctx, sc, in)
	if err != nil {
		t.Fatalf("create %q: %v (fields %v)", in.Title, err, errs.FieldsOf(err))
	}
	return d
}

func auditCount(t *testing.T, db *database.DB, objectType string) int {
	t.Helper()
	var n int
	if err := db.R.QueryRow("SELECT COUNT(*) FROM audit_log WHERE object_type = $1", objectType).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCreate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := setup(t, db)
		// Decomposed input is stored composed.
		in := f.teacher()
		in.Person.Ten = "Đu\u0301c"
		d := f.create(t, f.staffA, in)
		if d.Person == nil || d.Person.Ten != "Đúc" || d.SubjectName() != "Nguyễn Văn Đúc" {
			t.Fatalf("person = %+v, want NFC name", d.Person)
		}
		if d.UnitID != f.a.ID || d.UnitName != f.a.Name || d.Version != 1 || d.LastFrozen != 0 || d.CreatedBy != f.staffA.UserID {
			t.Errorf("dossier = %+v", d)
		}
		if d.Person.UnitID != f.a.ID || d.Person.UnitName != f.a.Name {
			t.Errorf("person's unit = %d %q, want the dossier's unit", d.Person.UnitID, d.Person.UnitName)
		}
		if got, want := d.SubjectKey(), "person:"+itoa(d.Person.ID); got != want {
			t.Errorf("subject key = %q, want %q", got, want)
		}
		if len(d.Criteria) != len(exemplar.Criteria) {
			t.Fatalf("criteria = %d entries, want one per general criterion (%d)", len(d.Criteria), len(exemplar.Criteria))
		}
		for i, c := range d.Criteria {
			if c.Key != exemplar.Criteria[i].Key || c.Checked != (c.Key == "achievement") {
				t.Errorf("criterion %d = %+v", i, c)
			}
		}
		if d.Summary != "Ba năm liền đạt giáo viên dạy giỏi.\n\nHướng dẫn học sinh đạt giải cấp tỉnh." {
			t.Errorf("summary lost its paragraphs: %q", d.Summary)
		}

		// A collective that is a tổ of the school, and one that is the school
		// itself, drafted by an officer of the office above.
		to := f.create(t, f.staffA, f.library())
		if to.Person != nil || to.SubjectName() != "Tổ Ngữ văn" || to.SubjectKey() != "collective:"+itoa(f.a.ID)+":to ngu van" {
			t.Errorf("collective = %+v, key %q", to, to.SubjectKey())
		}
		if to.Guide == nil || to.Guide.Steps != "1. Khảo sát\n2. Làm kệ sách" {
			t.Errorf("guide = %+v", to.Guide)
		}
		school := f.create(t, f.officerPhong, exemplar.Input{UnitID: f.phong.ID, SubjectKind: exemplar.Collective,
			CollectiveUnitID: f.a.ID, Category: exemplar.Charity, Title: "Trường vì người nghèo"})
		if school.CollectiveName != f.a.Name || school.SubjectKey() != "unit:"+itoa(f.a.ID) {
			t.Errorf("school as collective: name %q key %q", school.CollectiveName, school.SubjectKey())
		}

		// A pupil is marked as such (a minor: checked before publication).
		pupil := f.teacher()
		pupil.Person = exemplar.Person{Ho: "Trần", Dem: "Gia", Ten: "Bảo", Gender: exemplar.Male, BirthYear: 2015, Position: "Học sinh lớp 5A", Student: true}
		pupil.Category = exemplar.BraveRescue
		if p := f.create(t, f.staffA, pupil).Person; !p.Student || p.BirthYear != 2015 {
			t.Errorf("pupil = %+v", p)
		}

		// Who may create where.
		denied := []struct {
			name  string
			sc    access.Scope
			unit  int64
			code  errs.Code
			field string
		}{
			{"viewer", f.viewerA, f.a.ID, errs.Forbidden, ""},
			{"admin only", f.adminA, f.a.ID, errs.Forbidden, ""},
			{"staff of another school", f.staffB, f.a.ID, errs.Invalid, "unit_id"},
			{"staff at the office above", f.staffA, f.phong.ID, errs.Forbidden, ""},
			{"anonymous", access.Scope{}, f.a.ID, errs.Invalid, "unit_id"},
			{"unknown unit", f.leadSo, 99999, errs.Invalid, "unit_id"},
		}
		for _, tt := range denied {
			in := f.teacher()
			in.UnitID = tt.unit
			_, err := f.s.Create(f.ctx, tt.sc, in)
			if errs.CodeOf(err) != tt.code || (tt.field != "" && errs.FieldsOf(err)[tt.field] == "") {
				t.Errorf("%s: err %v (fields %v), want %s at %q", tt.name, err, errs.FieldsOf(err), tt.code, tt.field)
			}
		}

		// Bad input: a Vietnamese message at the field, nothing saved.
		bad := []struct {
			name  string
			edit  func(in *exemplar.Input)
			field string
			msg   string
		}{
			{"no category", func(in *exemplar.Input) { in.Category = "" }, "category", "Chọn lĩnh vực/loại điển hình."},
			{"unknown category", func(in *exemplar.Input) { in.Category = "hero" }, "category", "Chọn lĩnh vực/loại điển hình."},
			{"no tên", func(in *exemplar.Input) { in.Person.Ten = "  " }, "person.ten", "Nhập tên của cá nhân."},
			{"no subject kind", func(in *exemplar.Input) { in.SubjectKind = "" }, "subject_kind", "Chọn đối tượng là cá nhân hay tập thể."},
			{"bad gender", func(in *exemplar.Input) { in.Person.Gender = "x" }, "person.gender", "Giới tính chỉ có thể là Nam hoặc Nữ."},
			{"bad birth year", func(in *exemplar.Input) { in.Person.BirthYear = 1850 }, "person.birth_year", "Năm sinh không hợp lệ."},
			{"unknown criterion", func(in *exemplar.Input) { in.Criteria = append(in.Criteria, exemplar.CriterionEntry{Key: "nope"}) }, "criteria", ""},
			{"person of another school", func(in *exemplar.Input) { in.Person.UnitID = f.b.ID }, "person.unit_id", ""},
			{"collective without a name", func(in *exemplar.Input) { *in = f.library(); in.CollectiveName = "" }, "collective_name", ""},
			{"collective of another school", func(in *exemplar.Input) { *in = f.library(); in.CollectiveUnitID = f.b.ID }, "collective_unit_id", ""},
			{"title too long", func(in *exemplar.Input) { in.Title = strings.Repeat("á", 301) }, "title", ""},
		}
		_, before, _ := f.s.List(f.ctx, access.System(), exemplar.Filter{})
		for _, tt := range bad {
			in := f.teacher()
			tt.edit(&in)
			_, err := f.s.Create(f.ctx, f.staffA, in)
			got := errs.FieldsOf(err)[tt.field]
			if !errs.Is(err, errs.Invalid) || got == "" || (tt.msg != "" && got != tt.msg) {
				t.Errorf("%s: err %v, fields %v; want %q at %s", tt.name, err, errs.FieldsOf(err), tt.msg, tt.field)
			}
		}
		if _, after, _ := f.s.List(f.ctx, access.System(), exemplar.Filter{}); after != before {
			t.Errorf("refused creates saved dossiers: %d → %d", before, after)
		}
		if n := auditCount(t, db, "dossier"); n != 4 {
			t.Errorf("audit entries for dossiers = %d, want 4 (one per create)", n)
		}
	})
}

func TestReadScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := setup(t, db)
		d := f.create(t, f.staffA, f.teacher())
		tests := []struct {
			name     string
			sc       access.Scope
			canRead  bool
			canWrite errs.Code // "" when allowed
		}{
			{"staff of the school", f.staffA, true, ""},
			{"leader of the school", f.leaderA, true, ""},
			{"viewer of the school", f.viewerA, true, errs.Forbidden},
			{"admin of the school", f.adminA, true, errs.Forbidden},
			{"officer of the office above", f.officerPhong, true, ""},
			{"leader of the department", f.leadSo, true, ""},
			{"staff of another school", f.staffB, false, errs.NotFound},
			{"leader of another school", f.leaderB, false, errs.NotFound},
			{"anonymous", access.Scope{}, false, errs.NotFound},
		}
		for _, tt := range tests {
			_, err := f.s.Get(f.ctx, tt.sc, d.ID)
			if tt.canRead != (err == nil) || (!tt.canRead && !errs.Is(err, errs.NotFound)) {
				t.Errorf("%s: Get err %v, want readable=%v", tt.name, err, tt.canRead)
			}
			list, total, err := f.s.List(f.ctx, tt.sc, exemplar.Filter{})
			if err != nil || (total == 1) != tt.canRead || len(list) != total {
				t.Errorf("%s: List = %d of %d, %v; want readable=%v", tt.name, len(list), total, err, tt.canRead)
			}
			if tt.canWrite != "" {
				in := d.Input()
				in.Title = "Sửa trái phép"
				if _, err := f.s.Update(f.ctx, tt.sc, d.ID, d.Version, in); errs.CodeOf(err) != tt.canWrite {
					t.Errorf("%s: Update err %v, want %s", tt.name, err, tt.canWrite)
				}
				if _, err := f.s.AttachFile(f.ctx, tt.sc, d.ID, d.Version, "", "a.png", bytes.NewReader(pngBytes(t, 4))); errs.CodeOf(err) != tt.canWrite {
					t.Errorf("%s: AttachFile err %v, want %s", tt.name, err, tt.canWrite)
				}
				if _, err := f.s.Freeze(f.ctx, tt.sc, d.ID); errs.CodeOf(err) != tt.canWrite {
					t.Errorf("%s: Freeze err %v, want %s", tt.name, err, tt.canWrite)
				}
			}
		}
		if got, _ := f.s.Get(f.ctx, access.System(), d.ID); got.Version != 1 || got.Title != d.Title || countFiles(got) != 0 || got.LastFrozen != 0 {
			t.Errorf("refused writes changed the dossier: %+v", got)
		}
	})
}

func TestUpdateOptimisticConcurrency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := setup(t, db)
		d := f.create(t, f.staffA, f.teacher())
		in := d.Input()
		in.Title = "Giáo viên dạy giỏi cấp quốc gia"
		d2, err := f.s.Update(f.ctx, f.staffA, d.ID, d.Version, in)
		if err != nil {
			t.Fatal(err)
		}
		if d2.Version != 2 || d2.Title != in.Title || d2.Person.ID != d.Person.ID {
			t.Fatalf("after update: %+v", d2)
		}
		// A second editor still holding version 1 is refused.
		stale := d.Input()
		stale.Title = "Ghi đè"
		if _, err := f.s.Update(f.ctx, f.leaderA, d.ID, d.Version, stale); !errs.Is(err, errs.Conflict) {
			t.Fatalf("stale update: %v, want conflict", err)
		}
		got, _ := f.s.Get(f.ctx, f.staffA, d.ID)
		if got.Version != 2 || got.Title != in.Title {
			t.Errorf("stale write changed the dossier: version %d title %q", got.Version, got.Title)
		}
		// The unit of a draft is fixed.
		move := got.Input()
		move.UnitID = f.b.ID
		if _, err := f.s.Update(f.ctx, f.officerPhong, d.ID, got.Version, move); errs.FieldsOf(err)["unit_id"] == "" {
			t.Errorf("moving the draft: %v", err)
		}
		// Switching to a collective drops the person.
		coll := got.Input()
		coll.SubjectKind, coll.CollectiveName = exemplar.Collective, "Khối 5"
		d3, err := f.s.Update(f.ctx, f.staffA, d.ID, got.Version, coll)
		if err != nil || d3.Person != nil || d3.SubjectName() != "Khối 5" || d3.Version != 3 {
			t.Errorf("to collective: %+v, %v", d3, err)
		}
		var n int
		db.R.QueryRow("SELECT COUNT(*) FROM audit_log WHERE object_type = 'dossier' AND object_id = $1", itoa(d.ID)).Scan(&n)
		if n != 3 {
			t.Errorf("audit entries = %d, want 3 (create and two updates; refused ones leave none)", n)
		}
	})
}

func TestPersonReuse(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := setup(t, db)
		first := f.create(t, f.staffA, f.teacher())
		tests := []struct {
			name  string
			sc    access.Scope
			edit  func(in *exemplar.Input)
			reuse bool
		}{
			{"same person again", f.staffA, func(in *exemplar.Input) {}, true},
			{"spacing and decomposition", f.leaderA, func(in *exemplar.Input) {
				in.Person.Ho, in.Person.Dem, in.Person.Ten = " Nguye\u0302\u0303n ", "Văn  ", "Đức"
			}, true},
			{"other birth year", f.staffA, func(in *exemplar.Input) { in.Person.BirthYear = 1990 }, false},
			{"other school", f.staffB, func(in *exemplar.Input) { in.UnitID = f.b.ID }, false},
			{"other name", f.staffA, func(in *exemplar.Input) { in.Person.Ten = "Dũng" }, false},
		}
		for _, tt := range tests {
			in := f.teacher()
			in.Category = exemplar.GoodDeed
			in.Person.Position = "Tổ trưởng tổ 5"
			tt.edit(&in)
			d := f.create(t, tt.sc, in)
			if (d.Person.ID == first.Person.ID) != tt.reuse {
				t.Errorf("%s: person %d, first %d, want reuse=%v", tt.name, d.Person.ID, first.Person.ID, tt.reuse)
			}
			if tt.reuse && d.Person.Position != "Tổ trưởng tổ 5" {
				t.Errorf("%s: reused person keeps old position %q", tt.name, d.Person.Position)
			}
		}
		// The subject's other dossiers are found by its key.
		others, err := f.s.SubjectDossiers(f.ctx, f.staffA, first)
		if err != nil || len(others) != 2 {
			t.Errorf("other dossiers of the same person = %d, %v; want 2", len(others), err)
		}
		if _, err := f.s.SubjectDossiers(f.ctx, f.staffB, first); !errs.Is(err, errs.NotFound) {
			t.Errorf("other school reads the profile: %v", err)
		}
	})
}

func TestListSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := setup(t, db)
		duc := f.create(t, f.staffA, f.teacher())
		lib := f.create(t, f.staffA, f.library())
		bIn := f.library()
		bIn.UnitID, bIn.CollectiveName, bIn.Title, bIn.Category = f.b.ID, "Lớp 4A", "Cách làm hay: đôi bạn cùng tiến", exemplar.GoodPractice
		bd := f.create(t, f.staffB, bIn)

		ids := func(ds []exemplar.Dossier) []int64 {
			out := []int64{}
			for _, d := range ds {
				out = append(out, d.ID)
			}
			return out
		}
		tests := []struct {
			name string
			sc   access.Scope
			f    exemplar.Filter
			want []int64
		}{
			{"folded full name", f.staffA, exemplar.Filter{Query: "nguyen van duc"}, []int64{duc.ID}},
			{"capitals and đ", f.staffA, exemplar.Filter{Query: "ĐỨC"}, []int64{duc.ID}},
			{"folded title words", f.staffA, exemplar.Filter{Query: "mo hinh"}, []int64{lib.ID}},
			{"collective name", f.staffA, exemplar.Filter{Query: "to ngu van"}, []int64{lib.ID}},
			{"summary", f.staffA, exemplar.Filter{Query: "giai cap tinh"}, []int64{duc.ID}},
			{"wildcards are literal", f.staffA, exemplar.Filter{Query: "%"}, []int64{}},
			{"school A sees its own", f.staffA, exemplar.Filter{}, []int64{lib.ID, duc.ID}},
			{"school B sees its own", f.staffB, exemplar.Filter{}, []int64{bd.ID}},
			{"office sees both schools", f.officerPhong, exemplar.Filter{}, []int64{bd.ID, lib.ID, duc.ID}},
			{"office narrows to school B", f.officerPhong, exemplar.Filter{UnitID: f.b.ID}, []int64{bd.ID}},
			{"category", f.officerPhong, exemplar.Filter{Category: exemplar.NewModel}, []int64{lib.ID}},
			{"subject kind", f.officerPhong, exemplar.Filter{SubjectKind: exemplar.Individual}, []int64{duc.ID}},
			{"office search across schools", f.officerPhong, exemplar.Filter{Query: "cach lam hay"}, []int64{bd.ID}},
			{"school A searching B's title", f.staffA, exemplar.Filter{Query: "doi ban cung tien"}, []int64{}},
			{"limit and offset", f.officerPhong, exemplar.Filter{Limit: 1, Offset: 1}, []int64{lib.ID}},
		}
		for _, tt := range tests {
			got, total, err := f.s.List(f.ctx, tt.sc, tt.f)
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
				continue
			}
			if !reflect.DeepEqual(ids(got), tt.want) {
				t.Errorf("%s: got %v, want %v", tt.name, ids(got), tt.want)
			}
			if tt.f.Limit == 0 && total != len(tt.want) {
				t.Errorf("%s: total %d, want %d", tt.name, total, len(tt.want))
			}
		}
		if _, total, _ := f.s.List(f.ctx, f.officerPhong, exemplar.Filter{Limit: 1}); total != 3 {
			t.Errorf("total under a limit = %d, want 3", total)
		}
		if _, _, err := f.s.List(f.ctx, f.staffA, exemplar.Filter{UnitID: f.b.ID}); !errs.Is(err, errs.NotFound) {
			t.Errorf("school A filtering by school B: %v", err)
		}
	})
}

// pngBytes is a w×w PNG of noise (so it does not compress away).
func pngBytes(t *testing.T, w int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, w))
	r := rand.New(rand.NewPCG(uint64(w), 7))
	for x := 0; x < w; x++ {
		for y := 0; y < w; y++ {
			img.Set(x, y, color.RGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func countFiles(d exemplar.Dossier) int {
	n := len(d.Files)
	for _, c := range d.Criteria {
		n += len(c.Files)
	}
	return n
}

func TestAttachFile(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := setup(t, db)
		f.s.Files = files.New(db, "", 4096)
		d := f.create(t, f.staffA, f.teacher())
		img := pngBytes(t, 4)
		d1, err := f.s.AttachFile(f.ctx, f.staffA, d.ID, d.Version, "achievement", `C:\fakepath\Bằng khen 2025.png`, bytes.NewReader(img))
		if err != nil {
			t.Fatal(err)
		}
		c, _ := d1.Criterion("achievement")
		if d1.Version != 2 || len(c.Files) != 1 || countFiles(d1) != 1 {
			t.Fatalf("after attach: version %d, files %+v", d1.Version, c.Files)
		}
		if got := c.Files[0]; got.Name != "Bằng khen 2025.png" || got.ContentType != files.TypePNG || got.Size != int64(len(img)) || len(got.SHA256) != 64 {
			t.Errorf("file = %+v", got)
		}
		pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
		d2, err := f.s.AttachFile(f.ctx, f.leaderA, d.ID, d1.Version, "", "quyet-dinh.pdf", bytes.NewReader(pdf))
		if err != nil || len(d2.Files) != 1 || d2.Files[0].ContentType != files.TypePDF || d2.Version != 3 {
			t.Fatalf("general evidence: %+v, %v", d2.Files, err)
		}

		// Refused uploads: the dossier stays exactly as it was.
		refused := []struct {
			name      string
			version   int
			criterion string
			file      string
			data      []byte
			code      errs.Code
			field     string
		}{
			{"HTML renamed to .png", d2.Version, "achievement", "anh.png", []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"), errs.Invalid, "file"},
			{"executable renamed to .pdf", d2.Version, "", "x.pdf", append([]byte("MZ\x90\x00"), make([]byte, 64)...), errs.Invalid, "file"},
			{"too large", d2.Version, "achievement", "big.png", pngBytes(t, 64), errs.TooLarge, "file"},
			{"empty", d2.Version, "", "empty.png", nil, errs.Invalid, "file"},
			{"unknown criterion", d2.Version, "nope", "a.png", img, errs.Invalid, "criterion"},
			{"same file twice", d2.Version, "achievement", "again.png", img, errs.Invalid, "file"},
			{"stale version", d1.Version, "innovation", "a.png", img, errs.Conflict, ""},
		}
		for _, tt := range refused {
			_, err := f.s.AttachFile(f.ctx, f.staffA, d.ID, tt.version, tt.criterion, tt.file, bytes.NewReader(tt.data))
			if errs.CodeOf(err) != tt.code || (tt.field != "" && errs.FieldsOf(err)[tt.field] == "") {
				t.Errorf("%s: err %v (fields %v), want %s at %q", tt.name, err, errs.FieldsOf(err), tt.code, tt.field)
			}
			got, _ := f.s.Get(f.ctx, f.staffA, d.ID)
			if got.Version != d2.Version || !reflect.DeepEqual(got.Criteria, d2.Criteria) || !reflect.DeepEqual(got.Files, d2.Files) {
				t.Errorf("%s: dossier changed: version %d → %d, %d files", tt.name, d2.Version, got.Version, countFiles(got))
			}
		}
		// The same bytes may back another criterion.
		d3, err := f.s.AttachFile(f.ctx, f.staffA, d.ID, d2.Version, "good_deed", "a.png", bytes.NewReader(img))
		if err != nil || countFiles(d3) != 3 {
			t.Fatalf("same file under another criterion: %d files, %v", countFiles(d3), err)
		}

		// Detach.
		if _, err := f.s.DetachFile(f.ctx, f.staffA, d.ID, d3.Version, "achievement", strings.Repeat("0", 64)); !errs.Is(err, errs.NotFound) {
			t.Errorf("detach unknown file: %v", err)
		}
		if _, err := f.s.DetachFile(f.ctx, f.staffA, d.ID, d2.Version, "achievement", c.Files[0].SHA256); !errs.Is(err, errs.Conflict) {
			t.Errorf("detach with a stale version: %v", err)
		}
		if _, err := f.s.DetachFile(f.ctx, f.staffB, d.ID, d3.Version, "achievement", c.Files[0].SHA256); !errs.Is(err, errs.NotFound) {
			t.Errorf("detach by another school: %v", err)
		}
		d4, err := f.s.DetachFile(f.ctx, f.staffA, d.ID, d3.Version, "achievement", c.Files[0].SHA256)
		if err != nil {
			t.Fatal(err)
		}
		if c4, _ := d4.Criterion("achievement"); len(c4.Files) != 0 || countFiles(d4) != 2 || d4.Version != d3.Version+1 {
			t.Errorf("after detach: %d files, version %d", countFiles(d4), d4.Version)
		}
		if n := auditCount(t, db, "dossier"); n != 5 {
			t.Errorf("audit entries = %d, want 5 (create, 3 attaches, 1 detach)", n)
		}
	})
}

func TestFreezeVersionsAndDiff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := setup(t, db)

		// Incomplete dossiers are refused with a message per missing field.
		incomplete := []struct {
			name   string
			in     exemplar.Input
			fields []string
		}{
			{"bare individual", exemplar.Input{UnitID: f.a.ID, SubjectKind: exemplar.Individual, Category: exemplar.GoodDeed,
				Person: exemplar.Person{Ten: "Lan"}},
				[]string{"title", "summary", "criteria", "person.ho", "person.gender", "person.position"}},
			{"ticked without evidence", func() exemplar.Input {
				in := f.teacher()
				in.Criteria = []exemplar.CriterionEntry{{Key: "good_deed", Checked: true}}
				return in
			}(), []string{"criteria.good_deed"}},
			{"model without a guide", func() exemplar.Input {
				in := f.library()
				in.Guide = &exemplar.Guide{Context: "Thiếu phòng đọc"}
				return in
			}(), []string{"guide.steps", "guide.resources", "guide.results", "guide.conditions", "guide.contact"}},
		}
		for _, tt := range incomplete {
			d := f.create(t, f.staffA, tt.in)
			_, err := f.s.Freeze(f.ctx, f.leaderA, d.ID)
			fields := errs.FieldsOf(err)
			if !errs.Is(err, errs.Invalid) || len(fields) != len(tt.fields) {
				t.Errorf("%s: err %v, fields %v; want exactly %v", tt.name, err, fields, tt.fields)
			}
			for _, k := range tt.fields {
				if fields[k] == "" {
					t.Errorf("%s: no message at %s (%v)", tt.name, k, fields)
				}
			}
			if got, _ := f.s.Get(f.ctx, f.staffA, d.ID); got.LastFrozen != 0 {
				t.Errorf("%s: refused freeze recorded a version", tt.name)
			}
		}
		if fields := errs.FieldsOf(exemplar.Dossier{}.Complete()); fields["title"] != "Nhập tên điển hình (tiêu đề hồ sơ)." || fields["category"] == "" || fields["subject_kind"] == "" {
			t.Errorf("empty dossier messages: %v", fields)
		}

		// Version 1.
		d := f.create(t, f.staffA, f.teacher())
		d, err := f.s.AttachFile(f.ctx, f.staffA, d.ID, d.Version, "achievement", "giay-chung-nhan.png", bytes.NewReader(pngBytes(t, 3)))
		if err != nil {
			t.Fatal(err)
		}
		v1, err := f.s.Freeze(f.ctx, f.leaderA, d.ID)
		if err != nil {
			t.Fatalf("freeze: %v (%v)", err, errs.FieldsOf(err))
		}
		if v1.Number != 1 || v1.DossierID != d.ID || v1.Dossier.LastFrozen != 1 || v1.Dossier.Title != d.Title || v1.CreatedBy != f.leaderA.UserID {
			t.Errorf("v1 = %+v", v1)
		}
		if got, _ := f.s.Get(f.ctx, f.staffA, d.ID); got.LastFrozen != 1 || got.Version != d.Version {
			t.Errorf("draft after freeze: last frozen %d, version %d → %d (freezing changes no content)", got.LastFrozen, d.Version, got.Version)
		}

		// Edit the draft: a new title, one more criterion, one more file.
		in := d.Input()
		in.Title = "Giáo viên dạy giỏi, sáng tạo"
		for i := range in.Criteria {
			if in.Criteria[i].Key == "innovation" {
				in.Criteria[i].Checked, in.Criteria[i].Evidence = true, "Sáng kiến kinh nghiệm cấp thành phố"
			}
		}
		d, err = f.s.Update(f.ctx, f.staffA, d.ID, d.Version, in)
		if err != nil {
			t.Fatal(err)
		}
		if d, err = f.s.AttachFile(f.ctx, f.staffA, d.ID, d.Version, "innovation", "sang-kien.pdf", strings.NewReader("%PDF-1.7\nsang kien\n%%EOF")); err != nil {
			t.Fatal(err)
		}
		// Freezing inside a transaction the caller rolls back leaves nothing.
		errAbort := errs.E(errs.Invalid, "abort")
		err = db.Tx(f.ctx, func(tx *sql.Tx) error {
			v, err := f.s.FreezeTx(f.ctx, tx, f.leaderA, d.ID)
			if err != nil || v.Number != 2 {
				t.Errorf("FreezeTx in a caller's tx: %+v, %v", v, err)
			}
			return errAbort
		})
		if err != errAbort {
			t.Fatalf("tx: %v", err)
		}
		if vs, _ := f.s.Versions(f.ctx, f.staffA, d.ID); len(vs) != 1 {
			t.Errorf("rolled-back freeze left %d versions", len(vs))
		}
		v2, err := f.s.Freeze(f.ctx, f.officerPhong, d.ID)
		if err != nil || v2.Number != 2 {
			t.Fatalf("v2: %+v, %v", v2, err)
		}

		// Both versions stay readable with their own content, by the school
		// and by reviewers above; never by another school.
		for _, sc := range []access.Scope{f.staffA, f.viewerA, f.officerPhong, f.leadSo} {
			r1, err1 := f.s.Version(f.ctx, sc, v1.ID)
			r2, err2 := f.s.Version(f.ctx, sc, v2.ID)
			if err1 != nil || err2 != nil || r1.Dossier.Title != "Giáo viên dạy giỏi cấp tỉnh" || r2.Dossier.Title != in.Title {
				t.Errorf("%s reads versions: %q %v / %q %v", sc.Username, r1.Dossier.Title, err1, r2.Dossier.Title, err2)
			}
		}
		if _, err := f.s.Version(f.ctx, f.staffB, v1.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("another school reads a version: %v", err)
		}
		if _, err := f.s.Versions(f.ctx, f.leaderB, d.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("another school lists versions: %v", err)
		}
		vs, err := f.s.Versions(f.ctx, f.officerPhong, d.ID)
		if err != nil || len(vs) != 2 || vs[0].Number != 1 || vs[1].Number != 2 {
			t.Fatalf("versions = %d, %v", len(vs), err)
		}

		// Hashes match the snapshots, and reading gives back what was frozen.
		for i, v := range vs {
			want := []exemplar.Version{v1, v2}[i]
			canon, _ := exemplar.Canonical(v.Dossier)
			if !v.Intact() || v.Hash != want.Hash || exemplar.HashOf(canon) != v.Hash || !bytes.Equal(v.Snapshot, want.Snapshot) {
				t.Errorf("version %d: hash %s does not match its snapshot", v.Number, v.Hash)
			}
			want.Dossier.UnitPath = v.Dossier.UnitPath
			if !reflect.DeepEqual(v.Dossier, want.Dossier) {
				t.Errorf("version %d read back differs:\n got %+v\nwant %+v", v.Number, v.Dossier, want.Dossier)
			}
		}

		// The diff lists exactly what changed, in Vietnamese.
		changes := exemplar.Diff(vs[0].Dossier, vs[1].Dossier)
		type fl struct{ Field, Label, Before, After string }
		var got []fl
		for _, c := range changes {
			got = append(got, fl{c.Field, c.Label, c.Before, c.After})
		}
		innovation := exemplar.CriterionLabel("innovation")
		want := []fl{
			{"title", "Tên điển hình", "Giáo viên dạy giỏi cấp tỉnh", "Giáo viên dạy giỏi, sáng tạo"},
			{"criteria.innovation.checked", "Tiêu chí “" + innovation + "”", "Không", "Có"},
			{"criteria.innovation.evidence", "Minh chứng cho tiêu chí “" + innovation + "”", "", "Sáng kiến kinh nghiệm cấp thành phố"},
			{"criteria.innovation.files", "Tệp minh chứng cho tiêu chí “" + innovation + "”", "", "sang-kien.pdf (24 B)"},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("diff v1→v2:\n got %q\nwant %q", got, want)
		}
		if len(exemplar.Diff(vs[1].Dossier, vs[1].Dossier)) != 0 {
			t.Error("a version differs from itself")
		}

		// Versions are immutable: the database refuses to change or drop one,
		// and later edits of the draft leave them as they were.
		for _, q := range []string{
			"UPDATE dossier_versions SET snapshot = '{}' WHERE id = $1",
			"UPDATE dossier_versions SET hash = 'x' WHERE id = $1",
			"DELETE FROM dossier_versions WHERE id = $1",
		} {
			if _, err := db.W.Exec(q, v1.ID); err == nil {
				t.Errorf("%s: allowed", q)
			}
		}
		in.Summary = "Tóm tắt mới sau khi nộp"
		if _, err := f.s.Update(f.ctx, f.staffA, d.ID, d.Version, in); err != nil {
			t.Fatal(err)
		}
		if r1, _ := f.s.Version(f.ctx, f.staffA, v1.ID); r1.Hash != v1.Hash || !r1.Intact() || r1.Dossier.Summary != f.teacher().Summary {
			t.Errorf("version 1 changed after editing the draft: %+v", r1.Dossier.Summary)
		}
		// Version numbers follow the draft's counter.
		v3, err := f.s.Freeze(f.ctx, f.staffA, d.ID)
		if err != nil || v3.Number != 3 {
			t.Errorf("v3: %d, %v", v3.Number, err)
		}
		var frozen int
		db.R.QueryRow("SELECT COUNT(*) FROM audit_log WHERE object_type = 'dossier' AND action = 'freeze'").Scan(&frozen)
		if frozen != 3 {
			t.Errorf("freeze audit entries = %d, want 3", frozen)
		}
		if n, broken, err := audit.Verify(f.ctx, db); err != nil || broken != nil || n == 0 {
			t.Errorf("audit chain: %d, %v, %v", n, broken, err)
		}
	})
}

func TestDiff(t *testing.T) {
	base := exemplar.Dossier{
		SubjectKind: exemplar.Individual, Category: exemplar.NewModel, Title: "T", Summary: "S",
		Person:   &exemplar.Person{ID: 1, Ho: "Lê", Ten: "Lan", Gender: exemplar.Female, BirthYear: 1980, Position: "Giáo viên"},
		Criteria: []exemplar.CriterionEntry{{Key: "achievement", Checked: true, Evidence: "E", Files: []exemplar.FileRef{{SHA256: "a", Name: "a.png", Size: 2048}}}},
		Files:    []exemplar.FileRef{{SHA256: "g", Name: "g.pdf", Size: 10}},
		Guide:    &exemplar.Guide{Steps: "1"},
		Version:  3, LastFrozen: 1, UpdatedAt: time.Now(),
	}
	clone := func(edit func(d *exemplar.Dossier)) exemplar.Dossier {
		b, _ := json.Marshal(base)
		var d exemplar.Dossier
		json.Unmarshal(b, &d)
		edit(&d)
		return d
	}
	tests := []struct {
		name string
		edit func(d *exemplar.Dossier)
		want []string // Field: Before → After
	}{
		{"counters and times are not content", func(d *exemplar.Dossier) { d.Version, d.LastFrozen, d.UpdatedAt = 9, 2, time.Time{} }, nil},
		{"person", func(d *exemplar.Dossier) { d.Person.Dem, d.Person.BirthYear = "Thị", 1981 },
			[]string{"person.name: Lê Lan → Lê Thị Lan", "person.birth_year: 1980 → 1981"}},
		{"category", func(d *exemplar.Dossier) { d.Category = exemplar.GoodPractice }, []string{"category: Mô hình mới → Cách làm hay"}},
		{"guide item", func(d *exemplar.Dossier) { d.Guide.Steps, d.Guide.Contact = "1\n2", "Cô Lan" },
			[]string{"guide.steps: 1 → 1\n2", "guide.contact:  → Cô Lan"}},
		{"guide removed", func(d *exemplar.Dossier) { d.Guide = nil }, []string{"guide.steps: 1 → "}},
		{"file replaced", func(d *exemplar.Dossier) {
			d.Criteria[0].Files = []exemplar.FileRef{{SHA256: "b", Name: "b.png", Size: 1536}}
		}, []string{"criteria.achievement.files: a.png (2 KB) → ", "criteria.achievement.files:  → b.png (1,5 KB)"}},
		{"general file removed", func(d *exemplar.Dossier) { d.Files = nil }, []string{"files: g.pdf (10 B) → "}},
		{"criterion unticked", func(d *exemplar.Dossier) { d.Criteria[0].Checked = false }, []string{"criteria.achievement.checked: Có → Không"}},
		{"to a collective", func(d *exemplar.Dossier) {
			d.SubjectKind, d.Person, d.CollectiveName = exemplar.Collective, nil, "Tổ 1"
		},
			[]string{"subject_kind: Cá nhân → Tập thể", "person.name: Lê Lan → ", "person.gender: Nữ → ", "person.birth_year: 1980 → ",
				"person.position: Giáo viên → ", "person.student: Không → ", "collective_name:  → Tổ 1"}},
	}
	for _, tt := range tests {
		var got []string
		for _, c := range exemplar.Diff(base, clone(tt.edit)) {
			if c.Label == "" {
				t.Errorf("%s: %s has no label", tt.name, c.Field)
			}
			got = append(got, c.Field+": "+c.Before+" → "+c.After)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestCommendations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := setup(t, db)
		d := f.create(t, f.staffA, f.teacher())
		lib := f.create(t, f.staffA, f.library())

		c := exemplar.SubjectCommendation(d)
		c.Title, c.DecisionNo, c.DecidedOn, c.Issuer = "Chiến sĩ thi đua cơ sở", "123/QĐ-UBND", date(2023, 6, 11), "UBND thành phố Thuận An"
		c1, err := f.s.AddCommendation(f.ctx, f.staffA, c)
		if err != nil {
			t.Fatal(err)
		}
		c.Title, c.DecisionNo, c.DecidedOn, c.Issuer = "Giấy khen", "45/QĐ-PGDĐT", time.Date(2024, 11, 20, 23, 30, 0, 0, time.FixedZone("ICT", 7*3600)), "Phòng GD&ĐT"
		c2, err := f.s.AddCommendation(f.ctx, f.officerPhong, c)
		if err != nil {
			t.Fatal(err)
		}
		if !c2.DecidedOn.Equal(date(2024, 11, 20)) {
			t.Errorf("decided on = %v, want the calendar day at 00:00 UTC", c2.DecidedOn)
		}
		lc := exemplar.SubjectCommendation(lib)
		lc.Title, lc.DecisionNo, lc.DecidedOn, lc.Issuer = "Tập thể lao động tiên tiến", "9/QĐ-PGDĐT", date(2022, 5, 30), "Phòng GD&ĐT"
		if _, err := f.s.AddCommendation(f.ctx, f.leaderA, lc); err != nil {
			t.Fatal(err)
		}

		refused := []struct {
			name  string
			sc    access.Scope
			edit  func(c *exemplar.Commendation)
			code  errs.Code
			field string
		}{
			{"another school", f.staffB, func(c *exemplar.Commendation) {}, errs.NotFound, ""},
			{"viewer", f.viewerA, func(c *exemplar.Commendation) {}, errs.Forbidden, ""},
			{"no title", f.staffA, func(c *exemplar.Commendation) { c.Title = " " }, errs.Invalid, "title"},
			{"no decision", f.staffA, func(c *exemplar.Commendation) { c.DecisionNo = "" }, errs.Invalid, "decision_no"},
			{"no date", f.staffA, func(c *exemplar.Commendation) { c.DecidedOn = time.Time{} }, errs.Invalid, "decided_on"},
			{"future date", f.staffA, func(c *exemplar.Commendation) { c.DecidedOn = time.Now().AddDate(0, 0, 3) }, errs.Invalid, "decided_on"},
			{"no issuer", f.staffA, func(c *exemplar.Commendation) { c.Issuer = "" }, errs.Invalid, "issuer"},
			{"no subject", f.staffA, func(c *exemplar.Commendation) { c.PersonID, c.UnitID = 0, 0 }, errs.Invalid, "subject"},
			{"recorded twice", f.staffA, func(c *exemplar.Commendation) { *c = c1; c.ID = 0 }, errs.Conflict, "decision_no"},
		}
		for _, tt := range refused {
			c := exemplar.SubjectCommendation(d)
			c.Title, c.DecisionNo, c.DecidedOn, c.Issuer = "Lao động tiên tiến", "1/QĐ", date(2021, 5, 1), "Trường"
			tt.edit(&c)
			_, err := f.s.AddCommendation(f.ctx, tt.sc, c)
			if errs.CodeOf(err) != tt.code || (tt.field != "" && errs.FieldsOf(err)[tt.field] == "") {
				t.Errorf("%s: err %v (fields %v), want %s at %q", tt.name, err, errs.FieldsOf(err), tt.code, tt.field)
			}
		}

		// Newest first, only the subject's own, beside every dossier of theirs.
		again := f.teacher()
		again.Category = exemplar.GoodDeed
		d2 := f.create(t, f.leaderA, again)
		for _, dd := range []exemplar.Dossier{d, d2} {
			list, err := f.s.Commendations(f.ctx, f.officerPhong, dd)
			if err != nil || len(list) != 2 || list[0].ID != c2.ID || list[1].ID != c1.ID {
				t.Errorf("commendations of dossier %d = %+v, %v; want [%d %d]", dd.ID, list, err, c2.ID, c1.ID)
			}
		}
		if list, err := f.s.Commendations(f.ctx, f.staffA, lib); err != nil || len(list) != 1 || list[0].CollectiveName != "Tổ Ngữ văn" {
			t.Errorf("collective's commendations = %+v, %v", list, err)
		}
		if _, err := f.s.Commendations(f.ctx, f.staffB, d); !errs.Is(err, errs.NotFound) {
			t.Errorf("another school reads commendations: %v", err)
		}
		// The school itself as a collective: named by its unit either way.
		sc := exemplar.Commendation{UnitID: f.a.ID, CollectiveName: "trường tiểu học an phú", Title: "Cờ thi đua", DecisionNo: "7/QĐ-UBND", DecidedOn: date(2024, 6, 1), Issuer: "UBND tỉnh"}
		if _, err := f.s.AddCommendation(f.ctx, f.leaderA, sc); err != nil {
			t.Fatal(err)
		}
		school := f.create(t, f.leaderA, exemplar.Input{UnitID: f.a.ID, SubjectKind: exemplar.Collective, CollectiveUnitID: f.a.ID, Category: exemplar.Outstanding})
		if list, _ := f.s.Commendations(f.ctx, f.leaderA, school); len(list) != 1 || list[0].Title != "Cờ thi đua" || list[0].CollectiveName != "" {
			t.Errorf("school's commendations = %+v", list)
		}
		if n := auditCount(t, db, "commendation"); n != 4 {
			t.Errorf("commendation audit entries = %d, want 4", n)
		}
	})
}

func TestHonours(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := setup(t, db)
		d := f.create(t, f.staffA, f.teacher())
		h1, err := f.s.AddHonour(f.ctx, f.leaderA, exemplar.Honour{DossierID: d.ID, Form: exemplar.Certificate, Date: date(2025, 11, 20), DecisionNo: "15/QĐ-THAP"})
		if err != nil {
			t.Fatal(err)
		}
		if h1.UnitID != f.a.ID || h1.UnitName != f.a.Name {
			t.Errorf("honour unit = %d %q, want the dossier's unit by default", h1.UnitID, h1.UnitName)
		}
		h2, err := f.s.AddHonour(f.ctx, f.officerPhong, exemplar.Honour{DossierID: d.ID, UnitID: f.phong.ID, Form: exemplar.Website, Date: date(2025, 12, 1), Note: "Bài viết trên trang của Phòng"})
		if err != nil {
			t.Fatal(err)
		}
		refused := []struct {
			name  string
			sc    access.Scope
			h     exemplar.Honour
			code  errs.Code
			field string
		}{
			{"staff", f.staffA, exemplar.Honour{DossierID: d.ID, Form: exemplar.Bulletin, Date: date(2025, 1, 1)}, errs.Forbidden, ""},
			{"viewer", f.viewerA, exemplar.Honour{DossierID: d.ID, Form: exemplar.Bulletin, Date: date(2025, 1, 1)}, errs.Forbidden, ""},
			{"leader of another school", f.leaderB, exemplar.Honour{DossierID: d.ID, Form: exemplar.Bulletin, Date: date(2025, 1, 1)}, errs.NotFound, ""},
			{"school leader for the office", f.leaderA, exemplar.Honour{DossierID: d.ID, UnitID: f.phong.ID, Form: exemplar.Bulletin, Date: date(2025, 1, 1)}, errs.Forbidden, ""},
			{"a unit not above the dossier", f.officerPhong, exemplar.Honour{DossierID: d.ID, UnitID: f.b.ID, Form: exemplar.Bulletin, Date: date(2025, 1, 1)}, errs.Invalid, "unit_id"},
			{"unknown form", f.leaderA, exemplar.Honour{DossierID: d.ID, Form: "parade", Date: date(2025, 1, 1)}, errs.Invalid, "form"},
			{"no date", f.leaderA, exemplar.Honour{DossierID: d.ID, Form: exemplar.Ceremony}, errs.Invalid, "date"},
			{"giấy khen without decision", f.leaderA, exemplar.Honour{DossierID: d.ID, Form: exemplar.Certificate, Date: date(2025, 1, 1)}, errs.Invalid, "decision_no"},
			{"unknown dossier", f.leaderA, exemplar.Honour{DossierID: 99999, Form: exemplar.Ceremony, Date: date(2025, 1, 1)}, errs.NotFound, ""},
		}
		for _, tt := range refused {
			_, err := f.s.AddHonour(f.ctx, tt.sc, tt.h)
			if errs.CodeOf(err) != tt.code || (tt.field != "" && errs.FieldsOf(err)[tt.field] == "") {
				t.Errorf("%s: err %v (fields %v), want %s at %q", tt.name, err, errs.FieldsOf(err), tt.code, tt.field)
			}
		}
		list, err := f.s.Honours(f.ctx, f.viewerA, d.ID)
		if err != nil || len(list) != 2 || list[0].ID != h2.ID || list[1].ID != h1.ID || !list[1].Date.Equal(date(2025, 11, 20)) || list[0].UnitName != f.phong.Name {
			t.Errorf("honours = %+v, %v", list, err)
		}
		if _, err := f.s.Honours(f.ctx, f.staffB, d.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("another school reads honours: %v", err)
		}
		var n int
		db.R.QueryRow("SELECT COUNT(*) FROM audit_log WHERE object_type = 'honour' AND unit_path = $1", d.UnitPath).Scan(&n)
		if n != 2 {
			t.Errorf("honour audit entries at the dossier's unit = %d, want 2", n)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
