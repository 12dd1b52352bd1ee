package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/exemplar"
	"thidua/internal/files"
	"thidua/internal/notify"
	"thidua/internal/portal"
	"thidua/internal/selection"
	"thidua/internal/unit"
)

// portalDemo publishes exemplars to the public portal: selected ones of
// the pipeline and more selected for the purpose (with synthetic photos),
// with consent recorded for every individual, one student's exemplar with
// its minors check, some featured, and adoptions of the models and
// practices with check-ins over time. People, stories and photos are
// invented.
type portalDemo struct {
	*pipeline
	store *portal.Store
}

func loadPortal(ctx context.Context, db *database.DB) error {
	p := &pipeline{ctx: ctx, db: db, units: &unit.Store{DB: db}}
	fs := files.New(db, "", 0)
	p.dossiers = &exemplar.Store{DB: db, Files: fs}
	p.sel = &selection.Store{DB: db, Units: p.units, Dossiers: p.dossiers, Now: func() time.Time { return p.clock }}
	for _, r := range access.Roles {
		p.actor.Grants = append(p.actor.Grants, access.Grant{Path: access.SystemPath, Role: r})
	}
	p.actor.Username = "du-lieu-minh-hoa"
	d := &portalDemo{pipeline: p, store: &portal.Store{DB: db, Files: fs, Dossiers: p.dossiers, Notify: &notify.Store{DB: db},
		Now: func() time.Time { return p.clock }}}
	if err := d.load(); err != nil {
		return fmt.Errorf("demo: portal: %w", err)
	}
	return nil
}

// photo is a synthetic 960×600 JPEG: a sky, a ground, a sun and a few
// shapes, in colours chosen by seed. Nothing in it is a real place.
func photo(seed int) []byte {
	const w, h = 960, 600
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	palette := [][3]float64{{120, 180, 230}, {250, 200, 120}, {160, 210, 170}, {230, 160, 170}, {190, 170, 230}}
	sky := palette[seed%len(palette)]
	ground := palette[(seed+2)%len(palette)]
	sunX, sunY := float64(150+(seed*137)%650), float64(90+(seed*53)%120)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			t := float64(y) / h
			c := sky
			if y > h*3/5+int(20*math.Sin(float64(x)/90+float64(seed))) {
				c = ground
				t = 1 - t
			}
			r, g, b := c[0]*(0.75+0.35*t), c[1]*(0.75+0.35*t), c[2]*(0.75+0.35*t)
			if d := math.Hypot(float64(x)-sunX, float64(y)-sunY); d < 55 {
				r, g, b = 255, 225, 120
			}
			for k := 0; k < 4; k++ { // a few "children" or "plants": rounded blocks
				cx := float64(120 + k*210 + (seed*31)%60)
				cy := float64(h*3/5 + 40)
				if math.Abs(float64(x)-cx) < 28 && float64(y) > cy-70-float64(k*9) && float64(y) < cy+60 {
					r, g, b = 90+float64(40*k), 120, 160-float64(25*k)
				}
				if math.Hypot(float64(x)-cx, float64(y)-(cy-95-float64(k*9))) < 22 {
					r, g, b = 240, 200, 170
				}
			}
			img.Set(x, y, color.RGBA{uint8(min(r, 255)), uint8(min(g, 255)), uint8(min(b, 255)), 255})
		}
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, img, &jpeg.Options{Quality: 78})
	return buf.Bytes()
}

// selectedWithPhotos drafts a story (with photos) at its school, submits
// it into round, has it scored, selected and released; it returns the
// selected nomination.
func (d *portalDemo) selectedWithPhotos(s story, r selection.Round, reviewer string, photos ...int) selection.Nomination {
	return d.selected(s, false, r, reviewer, photos...)
}

// selected is selectedWithPhotos; student marks the individual as a pupil.
func (d *portalDemo) selected(s story, student bool, r selection.Round, reviewer string, photos ...int) selection.Nomination {
	var dos exemplar.Dossier
	if student {
		in := exemplar.Input{UnitID: d.unit(s.school).ID, SubjectKind: exemplar.Individual, Category: s.category, Title: s.title, Summary: s.summary,
			Person:   exemplar.Person{Ho: s.ho, Dem: s.dem, Ten: s.ten, Gender: s.gender, BirthYear: s.born, Position: s.position, Student: true},
			Criteria: []exemplar.CriterionEntry{{Key: "good_deed", Checked: true, Evidence: s.proof}}}
		var err error
		if dos, err = d.dossiers.Create(d.ctx, d.actor, in); err != nil {
			panic(fmt.Sprintf("demo: dossier %s: %v %v", s.title, errs.MessageOf(err), errs.FieldsOf(err)))
		}
	} else {
		dos = d.dossier(s)
	}
	for i, seed := range photos {
		var err error
		dos, err = d.dossiers.AttachFile(d.ctx, d.actor, dos.ID, dos.Version, "", fmt.Sprintf("anh-hoat-dong-%d.jpg", i+1), bytes.NewReader(photo(seed)))
		if err != nil {
			panic(fmt.Sprintf("demo: photo of %s: %v", s.title, errs.MessageOf(err)))
		}
	}
	n := d.submit(dos, r)
	n = d.review(n, r, reviewer, 0.92)
	d.decide(n, selectAll)
	return n
}

// nomination finds the selected nomination of a pipeline dossier by title.
func (d *portalDemo) nomination(title string) int64 {
	var id int64
	if err := d.db.R.QueryRowContext(d.ctx, "SELECT id FROM nominations WHERE title = $1 AND state = 'selected' ORDER BY id LIMIT 1", title).Scan(&id); err != nil {
		panic(fmt.Sprintf("demo: selected nomination %q: %v", title, err))
	}
	return id
}

// post is what to publish of a selected exemplar.
type post struct {
	nomination int64
	title      string // "" keeps the dossier's
	story      string // "" keeps the dossier's
	captions   []string
	consent    *portal.ConsentInput
	minors     *portal.MinorsInput
	feature    int // order on the home page; 0: not featured
}

func (d *portalDemo) publish(p post) portal.Publication {
	st := d.store
	pub, err := st.Create(d.ctx, d.actor, p.nomination)
	if err != nil {
		panic(fmt.Sprintf("demo: prepare %d: %v", p.nomination, errs.MessageOf(err)))
	}
	pub, err = st.Get(d.ctx, d.actor, pub.ID)
	if err != nil {
		panic(err)
	}
	c := pub.Content
	in := portal.ContentInput{Title: c.Title, SubjectLine: c.SubjectLine, Story: c.Story, Achievements: c.Achievements, Guide: c.Guide}
	if p.title != "" {
		in.Title = p.title
	}
	if p.story != "" {
		in.Story = p.story
	}
	for i, im := range pub.Subject.Images {
		if i < len(p.captions) {
			in.Photos = append(in.Photos, portal.Photo{SHA256: im.SHA256, Caption: p.captions[i]})
		}
	}
	if pub, err = st.Update(d.ctx, d.actor, pub.ID, pub.Version, in); err != nil {
		panic(fmt.Sprintf("demo: content of %s: %v %v", in.Title, errs.MessageOf(err), errs.FieldsOf(err)))
	}
	if p.consent != nil {
		form := bytes.NewReader([]byte("%PDF-1.4\n% Giấy đồng ý đăng thông tin (bản quét minh họa)\n"))
		if pub, err = st.RecordConsent(d.ctx, d.actor, pub.ID, pub.Version, *p.consent, form, "giay-dong-y.pdf"); err != nil {
			panic(fmt.Sprintf("demo: consent for %s: %v %v", in.Title, errs.MessageOf(err), errs.FieldsOf(err)))
		}
	}
	if p.minors != nil {
		if pub, err = st.RecordMinors(d.ctx, d.actor, pub.ID, pub.Version, *p.minors); err != nil {
			panic(fmt.Sprintf("demo: minors check for %s: %v %v", in.Title, errs.MessageOf(err), errs.FieldsOf(err)))
		}
	}
	if pub, err = st.Publish(d.ctx, d.actor, pub.ID, pub.Version); err != nil {
		panic(fmt.Sprintf("demo: publish %s: %v %v", in.Title, errs.MessageOf(err), errs.FieldsOf(err)))
	}
	if p.feature > 0 {
		if pub, err = st.Feature(d.ctx, d.actor, pub.ID, pub.Version, true, p.feature); err != nil {
			panic(err)
		}
	}
	return pub
}

func consentOf(by, capacity string, on time.Time, photos bool) *portal.ConsentInput {
	scope := "Đăng họ tên, chức vụ, câu chuyện và thành tích trên cổng thông tin điển hình tiên tiến của ngành Giáo dục."
	if photos {
		scope += " Bao gồm ảnh hoạt động do nhà trường cung cấp."
	}
	return &portal.ConsentInput{By: by, Capacity: capacity, On: on, Method: portal.ConsentWritten, Scope: scope, Photos: photos}
}

// adopt records a unit applying a published exemplar from started, with
// check-ins (days after the start, progress) and, when ended, its outcome.
func (d *portalDemo) adopt(pub portal.Publication, code string, started time.Time, plan string, checks [][2]int, ended int, outcome string) {
	d.clock = started.Add(9 * time.Hour)
	a, err := d.store.Adopt(d.ctx, d.actor, portal.AdoptionInput{PublicationID: pub.ID, UnitID: d.unit(code).ID, StartedOn: started, Plan: plan},
		[]portal.Upload{{Name: "ke-hoach-ap-dung.pdf", R: bytes.NewReader([]byte("%PDF-1.4\n% Kế hoạch áp dụng (minh họa)\n"))}})
	if err != nil {
		panic(fmt.Sprintf("demo: adopt at %s: %v %v", code, errs.MessageOf(err), errs.FieldsOf(err)))
	}
	notes := []string{"Đã họp tổ, phân công người phụ trách và chuẩn bị vật liệu.", "Triển khai thí điểm ở hai lớp; học sinh hào hứng tham gia.",
		"Mở rộng ra toàn khối; phụ huynh hỗ trợ thêm vật liệu.", "Tổng kết đợt đầu, điều chỉnh lịch cho phù hợp."}
	for i, c := range checks {
		on := started.AddDate(0, 0, c[0])
		d.clock = on.Add(15 * time.Hour)
		var ups []portal.Upload
		if i%2 == 1 {
			ups = []portal.Upload{{Name: fmt.Sprintf("minh-chung-%d.jpg", i+1), R: bytes.NewReader(photo(40 + i + int(a.ID)))}}
		}
		if a, err = d.store.CheckIn(d.ctx, d.actor, a.ID, a.Version, portal.CheckinInput{On: on, Progress: c[1], Note: notes[i%len(notes)]}, ups); err != nil {
			panic(fmt.Sprintf("demo: check-in at %s: %v %v", code, errs.MessageOf(err), errs.FieldsOf(err)))
		}
	}
	if ended > 0 {
		on := started.AddDate(0, 0, ended)
		d.clock = on.Add(16 * time.Hour)
		if _, err := d.store.Conclude(d.ctx, d.actor, a.ID, a.Version, portal.OutcomeInput{Status: portal.Completed, EndedOn: on, Outcome: outcome}); err != nil {
			panic(fmt.Sprintf("demo: outcome at %s: %v %v", code, errs.MessageOf(err), errs.FieldsOf(err)))
		}
	}
}

func day2(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func (d *portalDemo) load() (err error) {
	defer recoverPanic(&err)
	now := time.Now()

	// Today's wards: Lái Thiêu's first round of the new tree (2024-2025),
	// then this year's rounds of Thuận Giao and the department.
	d.clock = ict(2025, 8, 5, 9)
	lt := d.round("HCM-LT-VHXH", "Đợt xét chọn điển hình năm học 2024-2025", ict(2025, 8, 5, 0), ict(2025, 9, 15, 23), ict(2025, 9, 30, 23), 5)
	d.clock = ict(2025, 8, 20, 9)
	garden := d.selectedWithPhotos(story{school: "HCM-LT-MN-LAITHIEU", collective: "Tổ chuyên môn Mẫu giáo 4-5 tuổi", category: exemplar.NewModel,
		title:   "Mô hình “Vườn rau sạch của bé” trong trường mầm non",
		summary: "Trên khoảng sân sau, tổ cùng phụ huynh làm 12 luống rau; trẻ tự gieo hạt, tưới cây, thu hoạch và mang rau vào bữa ăn bán trú.",
		proof:   "Biên bản kiểm tra chuyên đề của Phòng Văn hóa - Xã hội phường Lái Thiêu.",
		guide: &exemplar.Guide{Context: "Trẻ ít được trải nghiệm thiên nhiên, chưa thích ăn rau.", Steps: "Chọn khoảng đất có nắng.\nPhụ huynh góp đất, hạt giống, chậu cũ.\nMỗi lớp nhận hai luống, lập lịch tưới.\nThu hoạch hằng tuần cho bếp ăn.",
			Resources: "Khoảng 2.000.000 đồng và ngày công của phụ huynh.", Results: "90% trẻ ăn hết phần rau; phụ huynh đánh giá cao.",
			Conditions: "Có khoảng đất hoặc sân thượng đủ nắng.", Contact: "Tổ trưởng chuyên môn Mẫu giáo 4-5 tuổi, Trường Mầm non Lái Thiêu."}}, lt, "laithieu.vhxh", 3, 4, 5)
	reading := d.selectedWithPhotos(story{school: "HCM-LT-TH-LAITHIEU", collective: "Thư viện Trường Tiểu học Lái Thiêu", category: exemplar.GoodPractice,
		title:   "Ngày hội đọc sách cùng cha mẹ mỗi tháng",
		summary: "Mỗi tháng một buổi sáng thứ bảy, thư viện mở cửa cho cha mẹ và con cùng đọc; phụ huynh tình nguyện kể chuyện, đổi sách cũ lấy sách mới.",
		proof:   "Sổ theo dõi mượn sách và ý kiến phụ huynh năm học 2024-2025.",
		guide: &exemplar.Guide{Context: "Học sinh ít đọc sách ngoài giờ học.", Steps: "Lập lịch cố định mỗi tháng.\nMời phụ huynh đăng ký kể chuyện.\nTổ chức góc đổi sách.\nTuyên dương gia đình đọc nhiều.",
			Resources: "Thư viện sẵn có; 10 phụ huynh tình nguyện.", Results: "Số lượt mượn sách tăng gấp ba.", Conditions: "Có thư viện hoặc phòng đọc.",
			Contact: "Nhân viên thư viện, Trường Tiểu học Lái Thiêu."}}, lt, "laithieu.vhxh", 6)
	green := d.selectedWithPhotos(story{school: "HCM-LT-THCS-CHAUVANLIEM", collective: "Chi đội 7A", category: exemplar.NewModel,
		title:   "Đội tuần tra xanh: học sinh nhắc nhau tiết kiệm điện, nước",
		summary: "Mỗi tuần hai bạn của chi đội đi quanh các phòng học giờ ra chơi, tắt đèn, quạt còn bật và ghi số điện; sau một học kỳ tiền điện của trường giảm 18%.",
		proof:   "Bảng theo dõi số điện, nước của nhà trường học kỳ II.",
		guide: &exemplar.Guide{Context: "Điện, nước thường bị bỏ quên khi ra chơi.", Steps: "Chi đội lập lịch trực.\nHướng dẫn đọc đồng hồ điện.\nCông bố kết quả mỗi tháng trên bảng tin.",
			Resources: "Không tốn kinh phí.", Results: "Tiền điện giảm 18% sau một học kỳ.", Conditions: "Có giáo viên Tổng phụ trách Đội theo dõi.",
			Contact: "Tổng phụ trách Đội, Trường THCS Châu Văn Liêm."}}, lt, "laithieu.vhxh", 8)
	swim := d.selectedWithPhotos(story{school: "HCM-LT-THCS-NGUYENTRUONGTO", collective: "Tổ Giáo dục thể chất", category: exemplar.GoodPractice,
		title:   "Câu lạc bộ bơi an toàn cho học sinh vùng kênh rạch",
		summary: "Tổ phối hợp với hồ bơi của phường mở lớp dạy bơi miễn phí vào dịp hè; sau hai năm, hơn 600 học sinh biết bơi và kỹ năng tự cứu khi gặp nạn dưới nước.",
		proof:   "Danh sách học sinh hoàn thành khóa học có xác nhận của hồ bơi phường.",
		guide: &exemplar.Guide{Context: "Nhiều học sinh sống gần kênh rạch, chưa biết bơi.", Steps: "Khảo sát số học sinh chưa biết bơi.\nLiên hệ hồ bơi, thống nhất lịch.\nChia lớp theo độ tuổi, mỗi lớp 20 em.\nKiểm tra kỹ năng cuối khóa, cấp giấy chứng nhận.",
			Resources: "Hồ bơi của phường hỗ trợ miễn phí; 4 giáo viên thể dục; kinh phí áo phao khoảng 5.000.000 đồng.", Results: "Hơn 600 học sinh biết bơi; không có học sinh đuối nước trong hai năm.",
			Conditions: "Có hồ bơi gần trường, giáo viên có chứng chỉ cứu hộ.", Contact: "Tổ trưởng Tổ Giáo dục thể chất, Trường THCS Nguyễn Trường Tộ."}}, lt, "laithieu.vhxh", 1, 2)
	honest := d.selected(story{school: "HCM-LT-TH-BINHNHAM", ho: "Trần", dem: "Ngọc", ten: "Hân", gender: exemplar.Female, born: 2014,
		position: "Học sinh lớp 5A", category: exemplar.GoodDeed,
		title:   "Học sinh Trần Ngọc Hân nhặt được ví trả lại người đánh rơi",
		summary: "Trên đường đi học, em nhặt được chiếc ví có 8.000.000 đồng và giấy tờ, em nhờ cô giáo chủ nhiệm tìm và trả lại cho người đánh rơi.",
		proof:   "Thư cảm ơn của người đánh rơi gửi nhà trường."}, true, lt, "laithieu.vhxh")
	d.clock = ict(2025, 9, 26, 9)
	d.release(lt)

	d.clock = ict(2026, 8, 20, 9)
	tg := d.round("HCM-TG-VHXH", "Đợt xét chọn điển hình năm học 2025-2026", ict(2026, 8, 20, 0), ict(2026, 9, 30, 23), ict(2026, 10, 25, 23), 3)
	dept := d.round("HCM-SGD", "Điển hình tiêu biểu toàn ngành năm 2026", ict(2026, 8, 20, 0), ict(2026, 9, 30, 23), ict(2026, 10, 25, 23), 5)
	d.clock = ict(2026, 9, 8, 9)
	rescue := d.selectedWithPhotos(story{school: "HCM-TG-TH-NGUYENDU", ho: "Nguyễn", dem: "Minh", ten: "Đức", gender: exemplar.Male, born: 1985,
		position: "Giáo viên Thể dục", category: exemplar.BraveRescue,
		title:   "Thầy Nguyễn Minh Đức cứu hai em nhỏ đuối nước",
		summary: "Chiều chủ nhật, thầy nghe tiếng kêu cứu ở bờ kênh, đã nhảy xuống đưa hai em nhỏ lên bờ và sơ cứu kịp thời trước khi xe cấp cứu đến.",
		proof:   "Xác nhận của Ủy ban nhân dân phường Thuận Giao."}, tg, "thuangiao.vhxh", 7)
	stem := d.selectedWithPhotos(story{school: "HCM-THPT-TRINHHOAIDUC", ho: "Tô", dem: "Văn", ten: "Bình", gender: exemplar.Male, born: 1980,
		position: "Giáo viên Vật lý", category: exemplar.Outstanding,
		title:   "Phòng thí nghiệm STEM từ đồ dùng tái chế",
		summary: "Thầy cùng học sinh chế tạo hơn 40 bộ thí nghiệm Vật lý từ chai nhựa, lon, linh kiện cũ; nhiều sản phẩm đạt giải cuộc thi khoa học kỹ thuật cấp thành phố.",
		proof:   "Giấy chứng nhận giải Nhì Cuộc thi khoa học kỹ thuật cấp thành phố năm 2026."}, dept, "so.thidua", 9, 10)
	d.clock = ict(2026, 10, 26, 9)
	d.release(tg)
	d.release(dept)

	// Publish, with consent for every individual and the minors check for
	// the student and the chi đội.
	d.clock = ict(2025, 4, 20, 10)
	d.publish(post{nomination: d.nomination("Đổi mới phương pháp dạy đọc cho học sinh lớp 1"), title: "Cô Mai và bộ thẻ chữ giúp học sinh lớp 1 đọc thông viết thạo",
		consent: consentOf("Nguyễn Thị Mai", portal.CapacitySelf, day2(2025, 4, 15), false), feature: 3})
	d.clock = ict(2025, 10, 1, 10)
	swimPub := d.publish(post{nomination: swim.ID, captions: []string{"Giờ học bơi dịp hè", "Học sinh thực hành tự cứu"}})
	d.publish(post{nomination: honest.ID, title: "Học sinh lớp 5 nhặt được ví trả lại người đánh rơi",
		story:   "Trên đường đi học, em Hân nhặt được chiếc ví có 8.000.000 đồng và giấy tờ tùy thân. Em nhờ cô giáo chủ nhiệm tìm và trả lại cho người đánh rơi.\nNgười nhận lại ví đã gửi thư cảm ơn nhà trường và gia đình em.",
		consent: consentOf("Trần Văn Hải", portal.CapacityGuardian, day2(2025, 9, 28), false),
		minors:  &portal.MinorsInput{Name: portal.NameInitial, Photos: false, School: false, Confirm: true}})
	gardenPub := d.publish(post{nomination: garden.ID, captions: []string{"Bé gieo hạt cải", "Luống rau của lớp Lá 1", "Thu hoạch cho bữa trưa"}, feature: 1})
	readingPub := d.publish(post{nomination: reading.ID, captions: []string{"Cha mẹ cùng con đọc sách ở thư viện"}, feature: 2})
	greenPub := d.publish(post{nomination: green.ID, captions: []string{"Đội tuần tra xanh ghi số điện"},
		minors: &portal.MinorsInput{Name: portal.NameFull, Photos: true, School: true, Confirm: true}})
	d.clock = ict(2026, 10, 28, 10)
	modelPub := d.publish(post{nomination: d.nomination("Mô hình “Góc thư viện xanh” từ vật liệu tái chế")})
	d.clock = ict(2026, 10, 30, 10)
	d.publish(post{nomination: rescue.ID, captions: []string{"Thầy Đức hướng dẫn học sinh kỹ năng an toàn dưới nước"},
		consent: consentOf("Nguyễn Minh Đức", portal.CapacitySelf, day2(2026, 10, 27), true), feature: 4})
	d.clock = ict(2026, 11, 2, 10)
	d.publish(post{nomination: stem.ID, captions: []string{"Bộ thí nghiệm từ chai nhựa", "Học sinh trình bày sản phẩm"},
		consent: consentOf("Tô Văn Bình", portal.CapacitySelf, day2(2026, 10, 29), true)})

	// Adoptions: where the models and practices spread, over time.
	d.adopt(swimPub, "HCM-TG-THCS-NGUYENVANTROI", day2(2025, 10, 15), "Mở lớp bơi hè cho học sinh khối 6, 7 tại hồ bơi phường Thuận Giao.", [][2]int{{30, 30}, {240, 80}}, 270,
		"Hoàn thành 3 lớp bơi, 120 học sinh biết bơi.")
	d.adopt(swimPub, "HCM-TA-THCS-NGUYENTHAIBINH", day2(2025, 11, 5), "Câu lạc bộ bơi cho học sinh lớp 6 đến lớp 8.", [][2]int{{40, 30}, {120, 60}, {300, 85}}, 0, "")
	d.adopt(swimPub, "HCM-BH-THCS-BINHHOA", day2(2026, 5, 20), "Dạy bơi cho học sinh khối 6 trong hè.", [][2]int{{25, 50}}, 0, "")
	d.adopt(gardenPub, "HCM-LT-MN-HOASEN", day2(2025, 10, 20), "Làm 6 luống rau cho hai lớp Lá.", [][2]int{{30, 30}, {90, 60}, {200, 85}}, 0, "")
	d.adopt(gardenPub, "HCM-AP-MN-ANPHU", day2(2025, 12, 1), "Vườn rau trên sân thượng, mỗi lớp một thùng xốp.", [][2]int{{40, 40}, {150, 70}}, 0, "")
	d.adopt(gardenPub, "HCM-BH-MG-SONCA", day2(2026, 1, 10), "Vườn rau nhỏ trước cửa lớp.", [][2]int{{30, 50}, {60, 90}}, 75, "Mỗi lớp có một góc rau; bếp ăn dùng rau của vườn hai bữa mỗi tuần.")
	d.adopt(gardenPub, "HCM-TG-MN-HOAMAI", day2(2026, 6, 2), "Vườn rau bằng chậu cho lớp Chồi.", [][2]int{{45, 40}}, 0, "")
	d.adopt(readingPub, "HCM-LT-TH-BINHNHAM", day2(2026, 2, 15), "Ngày hội đọc sách vào thứ bảy cuối tháng.", [][2]int{{20, 35}, {120, 70}}, 0, "")
	d.adopt(readingPub, "HCM-TG-TH-THUANGIAO", day2(2026, 4, 1), "Mời phụ huynh kể chuyện mỗi tháng, góc đổi sách ở sảnh.", [][2]int{{30, 40}}, 0, "")
	d.adopt(readingPub, "HCM-BH-TH-KIMDONG", day2(2026, 9, 10), "Ngày hội đọc sách theo chủ điểm hằng tháng.", nil, 0, "")
	d.adopt(greenPub, "HCM-LT-THCS-NGUYENTRUONGTO", day2(2026, 3, 1), "Thành lập đội tuần tra xanh ở các chi đội khối 6.", [][2]int{{14, 45}, {60, 80}}, 0, "")
	d.adopt(greenPub, "HCM-AP-THCS-ANPHU", day2(2026, 10, 5), "Đội tuần tra xanh ở khối 7 và 8.", [][2]int{{20, 25}}, 0, "")
	d.adopt(modelPub, "HCM-LT-MN-LAITHIEU", day2(2026, 11, 4), "Góc thư viện ngoài trời từ kệ gỗ cũ.", [][2]int{{15, 30}}, 0, "")
	d.clock = now
	return nil
}
