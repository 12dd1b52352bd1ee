package portal_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/database"
	"thidua/internal/exemplar"
	"thidua/internal/files"
	"thidua/internal/jobs"
	"thidua/internal/notify"
	"thidua/internal/portal"
	"thidua/internal/selection"
	"thidua/internal/unit"
)

// world is Sở → Phòng (holds rounds) → schools A (TH, the exemplars') and
// B (THCS, which adopts them), and a second Phòng with school C, with the
// people of the portal.
type world struct {
	db       *database.DB
	store    *portal.Store
	dossiers *exemplar.Store
	sel      *selection.Store
	files    *files.Store
	so       unit.Unit
	phong    unit.Unit
	schoolA  unit.Unit
	schoolB  unit.Unit
	phong2   unit.Unit
	schoolC  unit.Unit
	round    selection.Round
	hand     access.Scope
	users    map[string]access.Scope
	seq      int
}

func build(t *testing.T, db *database.DB) *world {
	t.Helper()
	ctx := context.Background()
	sys := access.System()
	us := &unit.Store{DB: db}
	mk := func(in unit.Input) unit.Unit {
		t.Helper()
		u, err := us.Create(ctx, sys, in)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	w := &world{db: db, users: map[string]access.Scope{}}
	w.so = mk(unit.Input{Kind: unit.Department, Code: "SO", Name: "Sở Giáo dục và Đào tạo", RunsRounds: true})
	w.phong = mk(unit.Input{ParentID: w.so.ID, Kind: unit.Office, Code: "PGD", Name: "Phòng Giáo dục và Đào tạo Một", RunsRounds: true})
	w.schoolA = mk(unit.Input{ParentID: w.phong.ID, Kind: unit.School, Code: "TH-A", Name: "Trường Tiểu học Hoa Sen", Levels: []string{"TH"}})
	w.schoolB = mk(unit.Input{ParentID: w.phong.ID, Kind: unit.School, Code: "THCS-B", Name: "Trường THCS Lê Lợi", Levels: []string{"THCS"}})
	w.phong2 = mk(unit.Input{ParentID: w.so.ID, Kind: unit.Office, Code: "PGD2", Name: "Phòng Giáo dục và Đào tạo Hai", RunsRounds: true})
	w.schoolC = mk(unit.Input{ParentID: w.phong2.ID, Kind: unit.School, Code: "MN-C", Name: "Trường Mầm non Sơn Ca", Levels: []string{"MN"}})
	as := &account.Store{DB: db}
	person := func(name string, role access.Role, at unit.Unit) {
		t.Helper()
		u, err := as.Create(ctx, sys, account.Profile{Username: name, Ten: name, Email: name + "@example.edu.vn", UnitID: at.ID}, "mat-khau-dai-1", false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := as.Grant(ctx, sys, u.ID, at.ID, role); err != nil {
			t.Fatal(err)
		}
		grants, _ := account.Grants(ctx, db.R, u.ID)
		w.users[name] = access.Scope{UserID: u.ID, Username: name, UnitID: at.ID, Grants: grants}
	}
	person("p.officer", access.Officer, w.phong)
	person("p.leader", access.Leader, w.phong)
	person("p.admin", access.Admin, w.phong)
	person("p.staff", access.Staff, w.phong)
	person("p.viewer", access.Viewer, w.phong)
	person("so.officer", access.Officer, w.so)
	person("p2.officer", access.Officer, w.phong2)
	person("a.leader", access.Leader, w.schoolA)
	person("a.officer", access.Officer, w.schoolA)
	person("b.leader", access.Leader, w.schoolB)
	person("b.officer", access.Officer, w.schoolB)
	person("b.staff", access.Staff, w.schoolB)
	person("c.leader", access.Leader, w.schoolC)
	w.hand = access.Scope{Username: "tay-kiem-thu"}
	for _, r := range access.Roles {
		w.hand.Grants = append(w.hand.Grants, access.Grant{Path: access.SystemPath, Role: r})
	}
	w.files = files.New(db, "", 0)
	w.dossiers = &exemplar.Store{DB: db, Files: w.files}
	notes := &notify.Store{DB: db, Jobs: &jobs.Queue{DB: db}}
	w.sel = &selection.Store{DB: db, Units: us, Dossiers: w.dossiers, Notify: notes}
	w.store = &portal.Store{DB: db, Files: w.files, Dossiers: w.dossiers, Notify: notes}
	now := time.Now()
	r, err := w.sel.OpenRound(ctx, w.hand, selection.RoundInput{UnitID: w.phong.ID, Name: "Quý thử", SubmitFrom: now.Add(-time.Hour),
		SubmitUntil: now.Add(240 * time.Hour), ReviewUntil: now.Add(480 * time.Hour),
		Council: selection.Council{Members: []selection.Member{{Name: "Chủ tịch"}, {Name: "Thư ký"}, {Name: "Ủy viên"}}}})
	if err != nil {
		t.Fatal(err)
	}
	w.round = r
	return w
}

// teacher is a complete individual dossier of a teacher at school A.
func teacher(title string) exemplar.Input {
	return exemplar.Input{SubjectKind: exemplar.Individual,
		Person:   exemplar.Person{Ho: "Nguyễn", Dem: "Thị", Ten: "Mai", Gender: exemplar.Female, BirthYear: 1982, Position: "Giáo viên chủ nhiệm lớp 1"},
		Category: exemplar.Outstanding, Title: title, Summary: "Ba năm liền đạt giáo viên dạy giỏi cấp thành phố.",
		Criteria: []exemplar.CriterionEntry{{Key: "achievement", Checked: true, Evidence: "Giáo viên dạy giỏi cấp thành phố năm học 2023-2024.\nChiến sĩ thi đua cơ sở."}}}
}

// student is a complete dossier of a pupil at school A.
func student(title string) exemplar.Input {
	return exemplar.Input{SubjectKind: exemplar.Individual,
		Person:   exemplar.Person{Ho: "Trần", Dem: "Ngọc", Ten: "Lan", Gender: exemplar.Female, BirthYear: 2015, Position: "Học sinh lớp 5A", Student: true},
		Category: exemplar.GoodDeed, Title: title, Summary: "Em nhặt được ví và trả lại người đánh rơi.",
		Criteria: []exemplar.CriterionEntry{{Key: "good_deed", Checked: true, Evidence: "Thư cảm ơn của người đánh rơi."}}}
}

// practice is a complete good practice of a collective at school A.
func practice(title, collective string) exemplar.Input {
	return exemplar.Input{SubjectKind: exemplar.Collective, CollectiveName: collective,
		Category: exemplar.GoodPractice, Title: title, Summary: "Tổ xây dựng góc đọc sách từ vật liệu tái chế.",
		Criteria: []exemplar.CriterionEntry{{Key: "innovation", Checked: true, Evidence: "Biên bản kiểm tra chuyên đề."}},
		Guide: &exemplar.Guide{Context: "Thiếu không gian đọc.", Steps: "Khảo sát; huy động phụ huynh; làm kệ sách.", Resources: "3.000.000 đồng.",
			Results: "95% học sinh tham gia.", Conditions: "Có sân có mái che.", Contact: "Tổ trưởng chuyên môn."}}
}

// selected drafts in at school A (with the photos attached), submits it
// into the round and marks the nomination selected and released. It
// returns the nomination's id.
func (w *world) selected(t *testing.T, in exemplar.Input, photos ...[]byte) int64 {
	t.Helper()
	ctx := context.Background()
	in.UnitID = w.schoolA.ID
	d, err := w.dossiers.Create(ctx, w.hand, in)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range photos {
		if d, err = w.dossiers.AttachFile(ctx, w.hand, d.ID, d.Version, "", "anh-"+string(rune('a'+i))+".jpg", bytes.NewReader(p)); err != nil {
			t.Fatal(err)
		}
	}
	sub, err := w.sel.Submit(ctx, w.hand, d.ID, w.round.ID)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	now := database.Now()
	if _, err := w.db.W.ExecContext(ctx, "UPDATE nominations SET state = 'selected', decision = 'selected', decided_at = $1 WHERE id = $2", now, sub.Nomination.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.W.ExecContext(ctx, "UPDATE rounds SET status = 'released', released_at = $1 WHERE id = $2", now, w.round.ID); err != nil {
		t.Fatal(err)
	}
	return sub.Nomination.ID
}

// jpegWithExif is a small JPEG carrying an EXIF segment with an
// orientation (6: a quarter turn) and a GPS marker, and a comment.
func jpegWithExif(t testing.TB, w, h int, shade uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		for y := 0; y < h; y++ {
			img.Set(x, y, color.RGBA{shade, uint8(x), uint8(y), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	tiff := []byte{'I', 'I', 42, 0, 8, 0, 0, 0, 2, 0,
		0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, // orientation 6
		0x25, 0x88, 4, 0, 1, 0, 0, 0, 0, 0, 0, 0, // GPS IFD pointer
		0, 0, 0, 0}
	payload := append([]byte("Exif\x00\x00"), tiff...)
	payload = append(payload, []byte("GPSLatitude 10.9 N 106.7 E")...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(payload)+2))
	app1 = append(app1, payload...)
	com := append([]byte{0xFF, 0xFE, 0, 0}, []byte("Chụp tại nhà em Lan")...)
	binary.BigEndian.PutUint16(com[2:], uint16(len(com)-2))
	out := append([]byte{}, raw[:2]...)
	out = append(out, app1...)
	out = append(out, com...)
	return append(out, raw[2:]...)
}

// pngWithText is a small PNG with a text chunk.
func pngWithText(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 5))); err != nil {
		t.Fatal(err)
	}
	raw := buf.Bytes()
	data := []byte("Comment\x00Nha em Lan, so 12")
	chunk := make([]byte, 4, 12+len(data))
	binary.BigEndian.PutUint32(chunk, uint32(len(data)))
	chunk = append(chunk, "tEXt"...)
	chunk = append(chunk, data...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	out := append([]byte{}, raw[:33]...) // signature + IHDR
	out = append(out, chunk...)
	return append(out, raw[33:]...)
}
