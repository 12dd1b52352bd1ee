package demo

import (
	"context"
	"fmt"
	"time"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/exemplar"
	"thidua/internal/files"
	"thidua/internal/notify"
	"thidua/internal/selection"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// pipeline loads exemplar dossiers, rounds and nominations in every state,
// on both trees: the Thuận An office's quarter IV/2024 with the Bình Dương
// department's round above it, and today's ward rounds with the Hồ Chí
// Minh City department's round above them. People and stories are invented.
type pipeline struct {
	ctx      context.Context
	db       *database.DB
	units    *unit.Store
	dossiers *exemplar.Store
	sel      *selection.Store
	clock    time.Time
	actor    access.Scope // the demo's hand: every role everywhere, named as such
}

func loadPipeline(ctx context.Context, db *database.DB) error {
	p := &pipeline{ctx: ctx, db: db, units: &unit.Store{DB: db}}
	p.dossiers = &exemplar.Store{DB: db, Files: files.New(db, "", 0)}
	p.sel = &selection.Store{DB: db, Units: p.units, Dossiers: p.dossiers, Now: func() time.Time { return p.clock }}
	for _, r := range access.Roles {
		p.actor.Grants = append(p.actor.Grants, access.Grant{Path: access.SystemPath, Role: r})
	}
	p.actor.Username = "du-lieu-minh-hoa"
	if err := p.history(); err != nil {
		return fmt.Errorf("demo: 2024 pipeline: %w", err)
	}
	// Today's releases notify the schools (the bell); the history's would
	// carry today's date, so it ran without.
	p.sel.Notify = &notify.Store{DB: db}
	if err := p.today(); err != nil {
		return fmt.Errorf("demo: current pipeline: %w", err)
	}
	// A reviewer who has scored a dossier has read the note that assigned it.
	if _, err := db.W.ExecContext(ctx, `UPDATE notifications SET read_at = created_at WHERE read_at IS NULL AND EXISTS
		(SELECT 1 FROM scores s WHERE s.reviewer_id = notifications.user_id AND notifications.url = '/nominations/' || s.nomination_id)`); err != nil {
		return fmt.Errorf("demo: read notes: %w", err)
	}
	return nil
}

func (p *pipeline) unit(code string) unit.Unit {
	u, err := p.units.ByCode(p.ctx, access.System(), code)
	if err != nil {
		panic(fmt.Sprintf("demo: unit %s: %v", code, err))
	}
	return u
}

// reviewer returns the scope of a demo account, for scoring as that person.
func (p *pipeline) reviewer(username string) access.Scope {
	var id, unitID int64
	if err := p.db.R.QueryRowContext(p.ctx, "SELECT id, unit_id FROM users WHERE username = $1", username).Scan(&id, &unitID); err != nil {
		panic(fmt.Sprintf("demo: account %s: %v", username, err))
	}
	grants, err := account.Grants(p.ctx, p.db.R, id)
	if err != nil {
		panic(err)
	}
	return access.Scope{UserID: id, Username: username, UnitID: unitID, Grants: grants}
}

var council = selection.Council{Members: []selection.Member{
	{Name: "Trưởng phòng", Position: "Chủ tịch Hội đồng"}, {Name: "Phó Trưởng phòng", Position: "Phó Chủ tịch Hội đồng"},
	{Name: "Chuyên viên phụ trách thi đua", Position: "Thư ký"}, {Name: "Đại diện Công đoàn", Position: "Ủy viên"},
	{Name: "Đại diện Đoàn Thanh niên", Position: "Ủy viên"},
}}

func (p *pipeline) round(code, name string, from, until, review time.Time, quota int) selection.Round {
	r, err := p.sel.OpenRound(p.ctx, p.actor, selection.RoundInput{UnitID: p.unit(code).ID, Name: name, SubmitFrom: from,
		SubmitUntil: until, ReviewUntil: review, Quota: quota, Council: council})
	if err != nil {
		panic(fmt.Sprintf("demo: round %s: %v", name, errs.MessageOf(err)))
	}
	return r
}

type story struct {
	school                string
	ho, dem, ten, gender  string
	born                  int
	position, collective  string
	category              exemplar.Category
	title, summary, proof string
	guide                 *exemplar.Guide
}

func (p *pipeline) dossier(s story) exemplar.Dossier {
	in := exemplar.Input{UnitID: p.unit(s.school).ID, Category: s.category, Title: s.title, Summary: s.summary, Guide: s.guide,
		Criteria: []exemplar.CriterionEntry{{Key: "achievement", Checked: true, Evidence: s.proof}}}
	if s.collective != "" {
		in.SubjectKind, in.CollectiveName = exemplar.Collective, s.collective
	} else {
		in.SubjectKind = exemplar.Individual
		in.Person = exemplar.Person{Ho: s.ho, Dem: s.dem, Ten: s.ten, Gender: s.gender, BirthYear: s.born, Position: s.position}
	}
	if s.category == exemplar.GoodDeed {
		in.Criteria = append(in.Criteria, exemplar.CriterionEntry{Key: "good_deed", Checked: true, Evidence: s.proof})
	}
	d, err := p.dossiers.Create(p.ctx, p.actor, in)
	if err != nil {
		panic(fmt.Sprintf("demo: dossier %s: %v %v", s.title, errs.MessageOf(err), errs.FieldsOf(err)))
	}
	return d
}

func (p *pipeline) submit(d exemplar.Dossier, r selection.Round) selection.Nomination {
	sub, err := p.sel.Submit(p.ctx, p.actor, d.ID, r.ID)
	if err != nil {
		panic(fmt.Sprintf("demo: submit %s: %v %v", d.Title, errs.MessageOf(err), errs.FieldsOf(err)))
	}
	return sub.Nomination
}

// review assigns the reviewer, who scores the nomination at share of full marks.
func (p *pipeline) review(n selection.Nomination, r selection.Round, who string, share float64) selection.Nomination {
	rv := p.reviewer(who)
	if _, err := p.sel.AssignReviewers(p.ctx, p.actor, []int64{n.ID}, []int64{rv.UserID}); err != nil {
		panic(fmt.Sprintf("demo: assign %s: %v", n.Title, errs.MessageOf(err)))
	}
	items := map[string]int{}
	for _, it := range r.Rubric {
		items[it.Key] = int(float64(it.Max)*share + 0.5)
	}
	if _, err := p.sel.SubmitScore(p.ctx, rv, n.ID, items, "Hồ sơ đầy đủ, minh chứng rõ ràng."); err != nil {
		panic(fmt.Sprintf("demo: score %s: %v", n.Title, errs.MessageOf(err)))
	}
	return p.reload(n)
}

func (p *pipeline) reload(n selection.Nomination) selection.Nomination {
	n, err := p.sel.Nomination(p.ctx, p.actor, n.ID)
	if err != nil {
		panic(err)
	}
	return n
}

func (p *pipeline) decide(n selection.Nomination, in selection.DecisionInput) {
	if _, err := p.sel.Decide(p.ctx, p.actor, n.ID, n.Version, in); err != nil {
		panic(fmt.Sprintf("demo: decide %s: %v %v", n.Title, errs.MessageOf(err), errs.FieldsOf(err)))
	}
}

func (p *pipeline) release(r selection.Round) {
	if _, err := p.sel.Release(p.ctx, p.actor, r.ID); err != nil {
		panic(fmt.Sprintf("demo: release %s: %v", r.Name, errs.MessageOf(err)))
	}
}

func (p *pipeline) forward(n selection.Nomination, to selection.Round) {
	if _, err := p.sel.Forward(p.ctx, p.actor, []int64{n.ID}, to.ID); err != nil {
		panic(fmt.Sprintf("demo: forward %s: %v", n.Title, errs.MessageOf(err)))
	}
}

func ict(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, viet.Zone) }

var (
	selectAll = selection.DecisionInput{VotesFor: 5}
	rejectIt  = selection.DecisionInput{VotesFor: 2, VotesAgainst: 3}
)

// history: Thuận An, quarter IV/2024, under the Bình Dương department, and
// the office's last round, quarter II/2025, left in flight when the district
// level ended on 30/06/2025.
func (p *pipeline) history() (err error) {
	defer recoverPanic(&err)
	p.clock = ict(2024, 10, 2, 9)
	office := p.round("TA-PGD", "Quý IV/2024", ict(2024, 10, 1, 0), ict(2024, 10, 31, 23), ict(2024, 11, 20, 23), 3)
	dept := p.round("BD-SGD", "Quý IV/2024 – toàn ngành", ict(2024, 11, 1, 0), ict(2024, 11, 30, 23), ict(2024, 12, 20, 23), 5)

	p.clock = ict(2024, 10, 15, 9)
	mai := p.submit(p.dossier(story{school: "TA-TH-LAITHIEU", ho: "Nguyễn", dem: "Thị", ten: "Mai", gender: exemplar.Female, born: 1982,
		position: "Giáo viên chủ nhiệm lớp 1", category: exemplar.Outstanding,
		title:   "Đổi mới phương pháp dạy đọc cho học sinh lớp 1",
		summary: "Ba năm liền đạt giáo viên dạy giỏi cấp thành phố; xây dựng bộ thẻ chữ giúp 100% học sinh lớp 1 đọc thông viết thạo cuối học kỳ I.",
		proof:   "Quyết định công nhận giáo viên dạy giỏi cấp thành phố năm học 2023-2024."}), office)
	tuan := p.submit(p.dossier(story{school: "TA-THCS-NGUYENTRUONGTO", ho: "Trần", dem: "Văn", ten: "Hùng", gender: exemplar.Male, born: 1976,
		position: "Nhân viên bảo vệ", category: exemplar.GoodDeed, title: "Trả lại tài sản nhặt được cho phụ huynh",
		summary: "Nhặt được ví có 12.500.000 đồng và giấy tờ tùy thân ở cổng trường, đã báo Ban giám hiệu và trả lại cho phụ huynh.",
		proof:   "Thư cảm ơn của phụ huynh, biên bản bàn giao tài sản ngày 20/9/2024."}), office)
	p.clock = ict(2024, 11, 5, 9)
	mai = p.review(mai, office, "pgd.thuanan.thidua", 0.9)
	tuan = p.review(tuan, office, "pgd.thuanan.thidua", 0.6)
	p.decide(mai, selectAll)
	p.decide(tuan, rejectIt)
	p.clock = ict(2024, 11, 10, 9)
	p.release(office)
	p.forward(p.reload(mai), dept)
	up, _, err := p.sel.Queue(p.ctx, p.actor, dept.ID, selection.QueueFilter{})
	if err != nil || len(up) != 1 {
		return fmt.Errorf("department queue: %v", err)
	}
	p.clock = ict(2024, 12, 2, 9)
	at := p.review(up[0], dept, "so.thidua", 0.9)
	p.decide(at, selectAll)
	p.release(dept)
	return p.lastOldRound()
}

// lastOldRound: quarter II/2025 at Thuận An, with a nomination in each
// state the closing of the office froze: submitted, under review, returned
// (and never resubmitted), and a draft its school never submitted.
func (p *pipeline) lastOldRound() (err error) {
	defer recoverPanic(&err)
	p.clock = ict(2025, 4, 1, 9)
	last := p.round("TA-PGD", "Quý II/2025", ict(2025, 4, 1, 0), ict(2025, 6, 10, 23), ict(2025, 6, 28, 23), 3)
	p.clock = ict(2025, 5, 20, 9)
	p.submit(p.dossier(story{school: "TA-TH-KIMDONG", collective: "Chi đoàn giáo viên Trường Tiểu học Kim Đồng", category: exemplar.Charity,
		title:   "Bữa sáng yêu thương cho học sinh bán trú",
		summary: "Mỗi sáng thứ Hai, chi đoàn nấu và tặng 150 suất ăn sáng cho học sinh có hoàn cảnh khó khăn, duy trì suốt năm học 2024-2025.",
		proof:   "Sổ theo dõi có xác nhận của Ban giám hiệu và Ban đại diện cha mẹ học sinh."}), last) // submitted, no reviewer yet
	scored := p.submit(p.dossier(story{school: "TA-THCS-BINHHOA", ho: "Nguyễn", dem: "Hữu", ten: "Phước", gender: exemplar.Male, born: 1980,
		position: "Giáo viên Vật lý", category: exemplar.NewModel, title: "Phòng thí nghiệm Vật lý từ đồ dùng tự làm",
		summary: "Cùng học sinh chế tạo 35 bộ thí nghiệm từ vật liệu rẻ tiền, dùng trong các tiết thực hành của khối 8 và 9.",
		proof:   "Đạt giải Nhì Hội thi đồ dùng dạy học tự làm cấp thành phố năm 2024.",
		guide: &exemplar.Guide{Context: "Phòng thí nghiệm thiếu thiết bị, nhiều tiết thực hành chỉ xem video.", Steps: "Chọn bài thực hành; thiết kế mẫu; học sinh làm theo nhóm; thử và ghi lại quy trình.",
			Resources: "Khoảng 2.000.000 đồng vật liệu cho 35 bộ.", Results: "100% tiết thực hành khối 8, 9 có thiết bị.",
			Conditions: "Giáo viên bộ môn hướng dẫn, có góc làm việc an toàn.", Contact: "Tổ Khoa học tự nhiên, Trường THCS Bình Hòa."}}), last)
	back := p.submit(p.dossier(story{school: "TA-MN-HOAMAI", ho: "Trương", dem: "Thị", ten: "Thảo", gender: exemplar.Female, born: 1988,
		position: "Giáo viên mầm non", category: exemplar.Outstanding, title: "Giáo viên giỏi cấp thành phố ba năm liền",
		summary: "Ba năm liền đạt giáo viên dạy giỏi cấp thành phố; hướng dẫn đồng nghiệp làm đồ chơi từ vật liệu thiên nhiên.",
		proof:   "Giấy chứng nhận giáo viên dạy giỏi cấp thành phố các năm 2022, 2023, 2024."}), last)
	p.clock = ict(2025, 6, 12, 9)
	p.review(scored, last, "pgd.thuanan.thidua", 0.75) // under review, scored, no decision
	back = p.review(back, last, "pgd.thuanan.thidua", 0.6)
	due := time.Date(2025, 6, 25, 0, 0, 0, 0, time.UTC)
	p.decide(back, selection.DecisionInput{Return: true, Note: "Bổ sung bản sao giấy chứng nhận năm 2022 và nhận xét của Hiệu trưởng.", ReturnDeadline: &due})
	p.release(last) // returned; the other two stay as they were
	if _, err := p.sel.Propose(p.ctx, p.actor, p.dossier(story{school: "TA-TH-ANPHU", ho: "Võ", dem: "Minh", ten: "Trí", gender: exemplar.Male, born: 1992,
		position: "Giáo viên Thể dục", category: exemplar.GoodDeed, title: "Dạy bơi miễn phí cho học sinh dịp hè",
		summary: "Hè 2024, tổ chức 6 lớp dạy bơi miễn phí cho 120 học sinh tại hồ bơi của phường.",
		proof:   "Xác nhận của Ủy ban nhân dân phường An Phú."}).ID, last.ID); err != nil {
		return fmt.Errorf("propose: %s", errs.MessageOf(err)) // a draft its leader never submitted
	}
	return nil
}

// today: quarter III (released) and IV (open) at the Lái Thiêu ward, the
// Thuận Giao ward's quarter IV, and the department's round above.
func (p *pipeline) today() (err error) {
	defer recoverPanic(&err)
	now := time.Now().In(viet.Zone)
	p.clock = ict(2026, 7, 2, 9)
	q3 := p.round("HCM-LT-VHXH", "Quý III/2026", ict(2026, 7, 1, 0), ict(2026, 9, 30, 23), ict(2026, 10, 31, 23), 3)
	p.clock = ict(2026, 9, 10, 9)
	model := p.submit(p.dossier(story{school: "HCM-LT-MN-HOASEN", collective: "Tổ chuyên môn Mẫu giáo 5 tuổi", category: exemplar.NewModel,
		title:   "Mô hình “Góc thư viện xanh” từ vật liệu tái chế",
		summary: "Tổ xây dựng góc thư viện ngoài trời bằng vật liệu tái chế, trẻ tự chọn sách và kể chuyện; đã có 4 trường trong phường đến học tập.",
		proof:   "Biên bản kiểm tra chuyên đề của Phòng Văn hóa - Xã hội, ảnh hoạt động.",
		guide: &exemplar.Guide{Context: "Sân trường rộng, thiếu không gian đọc cho trẻ.", Steps: "Khảo sát; huy động phụ huynh góp vật liệu; thiết kế kệ sách; tổ chức giờ đọc hằng tuần.",
			Resources: "Khoảng 3.000.000 đồng và 2 buổi lao động của phụ huynh.", Results: "95% trẻ tham gia giờ đọc; phụ huynh tặng hơn 300 đầu sách.",
			Conditions: "Có khoảng sân có mái che, giáo viên phụ trách.", Contact: "Tổ trưởng Tổ Mẫu giáo 5 tuổi, Trường Mầm non Hoa Sen."}}), q3)
	late := p.submit(p.dossier(story{school: "HCM-LT-THCS-NGUYENTRUONGTO", ho: "Phạm", dem: "Minh", ten: "Tâm", gender: exemplar.Male, born: 1990,
		position: "Giáo viên Tin học", category: exemplar.GoodPractice, title: "Dạy học STEM với robot tự chế",
		summary: "Hướng dẫn học sinh làm robot từ linh kiện giá rẻ; đội tuyển của trường đạt giải khuyến khích cấp thành phố.",
		proof:   "Giấy chứng nhận giải khuyến khích Hội thi Robotics cấp thành phố.",
		guide: &exemplar.Guide{Context: "Trường chưa có phòng STEM, học sinh yêu thích công nghệ.", Steps: "Thành lập câu lạc bộ; mua linh kiện cơ bản; học theo dự án 8 tuần; thi đấu nội bộ.",
			Resources: "Khoảng 6.000.000 đồng linh kiện mỗi năm.", Results: "40 học sinh tham gia; 1 giải khuyến khích cấp thành phố.",
			Conditions: "Một giáo viên Tin học hoặc Công nghệ phụ trách.", Contact: "Tổ Toán - Tin, Trường THCS Nguyễn Trường Tộ."}}), q3)
	team := p.submit(p.dossier(story{school: "HCM-LT-TH-LAITHIEU", collective: "Tổ khối 5, Trường Tiểu học Lái Thiêu", category: exemplar.GoodPractice,
		title:   "Tiết học kỹ năng phòng, chống đuối nước",
		summary: "Tổ khối 5 lồng ghép kỹ năng phòng, chống đuối nước vào các tiết Đạo đức và Hoạt động trải nghiệm; 100% học sinh khối 5 thực hành thành thạo.",
		proof:   "Kế hoạch chuyên đề và biên bản dự giờ của Ban giám hiệu.",
		guide: &exemplar.Guide{Context: "Nhiều kênh rạch quanh trường, học sinh hay tắm sông dịp hè.", Steps: "Soạn 4 tiết tích hợp; mời cứu hộ phường hướng dẫn; thực hành với phao và áo phao.",
			Resources: "Khoảng 1.500.000 đồng phao, áo phao.", Results: "180 học sinh khối 5 thực hành thành thạo các kỹ năng cơ bản.",
			Conditions: "Có sân rộng và người hướng dẫn được tập huấn cứu hộ.", Contact: "Tổ trưởng tổ khối 5, Trường Tiểu học Lái Thiêu."}}), q3)
	p.clock = ict(2026, 10, 10, 9)
	team = p.review(team, q3, "laithieu.vhxh", 0.9)
	p.decide(team, selectAll) // the school's leader and secretary are told on release
	model = p.review(model, q3, "laithieu.vhxh", 0.95)
	late = p.review(late, q3, "laithieu.vhxh", 0.55)
	p.decide(model, selectAll)
	p.decide(late, rejectIt)
	p.release(q3)

	start := ict(now.Year(), now.Month(), now.Day(), 9).AddDate(0, 0, -20)
	p.clock = start
	q4 := p.round("HCM-LT-VHXH", "Quý IV/2026", start, start.AddDate(0, 0, 45), start.AddDate(0, 0, 70), 3)
	dept := p.round("HCM-SGD", "Quý IV/2026 – toàn ngành", start, start.AddDate(0, 0, 50), start.AddDate(0, 0, 80), 5)
	tg := p.round("HCM-TG-VHXH", "Quý IV/2026", start, start.AddDate(0, 0, 45), start.AddDate(0, 0, 70), 2)
	p.clock = start.AddDate(0, 0, 1)
	p.forward(p.reload(model), dept) // submitted at the department

	p.clock = start.AddDate(0, 0, 2)
	lan := p.dossier(story{school: "HCM-LT-TH-LAITHIEU", ho: "Lê", dem: "Thị Ngọc", ten: "Lan", gender: exemplar.Female, born: 1987,
		position: "Giáo viên, Tổng phụ trách Đội", category: exemplar.Charity, title: "Quỹ “Áo ấm cho em” giúp học sinh khó khăn",
		summary: "Vận động quyên góp được 180 bộ quần áo và 25.000.000 đồng học bổng cho học sinh có hoàn cảnh khó khăn.",
		proof:   "Sổ theo dõi quyên góp có xác nhận của Ban đại diện cha mẹ học sinh."})
	scored := p.submit(lan, q4)
	p.review(scored, q4, "laithieu.vhxh", 0.8) // under review, scored, no decision yet

	hoa := p.submit(p.dossier(story{school: "HCM-LT-MN-LAITHIEU", ho: "Võ", dem: "Thị", ten: "Hoa", gender: exemplar.Female, born: 1979,
		position: "Cô nuôi dạy trẻ", category: exemplar.Outstanding, title: "Hai mươi năm gắn bó với trẻ mầm non",
		summary: "Nhiều năm liền đạt lao động tiên tiến; sáng kiến thực đơn bán trú giúp giảm tỷ lệ trẻ suy dinh dưỡng.",
		proof:   "Sáng kiến được Hội đồng sáng kiến phường công nhận năm 2025."}), q4)
	hoa = p.review(hoa, q4, "laithieu.vhxh", 0.7)
	deadline := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 14)
	p.clock = start.AddDate(0, 0, 10)
	p.decide(hoa, selection.DecisionInput{Return: true, Note: "Bổ sung quyết định công nhận sáng kiến và số liệu cân đo trẻ hai năm gần nhất.", ReturnDeadline: &deadline})
	p.release(q4) // returned to the school

	p.clock = start.AddDate(0, 0, 12)
	p.submit(p.dossier(story{school: "HCM-LT-TH-BINHNHAM", ho: "Đặng", dem: "Quốc", ten: "Bảo", gender: exemplar.Male, born: 1984,
		position: "Phó Hiệu trưởng", category: exemplar.GoodPractice, title: "Sổ liên lạc điện tử giúp phụ huynh đồng hành",
		summary: "Triển khai sổ liên lạc điện tử miễn phí; 98% phụ huynh sử dụng, số buổi họp phụ huynh giảm một nửa.",
		proof:   "Báo cáo tổng kết năm học 2025-2026 của trường.",
		guide: &exemplar.Guide{Context: "Phụ huynh đi làm xa, khó dự họp.", Steps: "Chọn ứng dụng miễn phí; tập huấn giáo viên; hướng dẫn phụ huynh tại buổi họp đầu năm.",
			Resources: "Không tốn chi phí phần mềm; 2 buổi tập huấn.", Results: "98% phụ huynh sử dụng; số buổi họp giảm một nửa.",
			Conditions: "Phụ huynh có điện thoại thông minh.", Contact: "Phó Hiệu trưởng, Trường Tiểu học Bình Nhâm."}}), q4) // submitted, waiting for reviewers

	if _, err := p.sel.Propose(p.ctx, p.actor, p.dossier(story{school: "HCM-LT-THCS-CHAUVANLIEM", ho: "Huỳnh", dem: "Gia", ten: "Hân", gender: exemplar.Female,
		born: 1995, position: "Giáo viên Ngữ văn", category: exemplar.Outstanding, title: "Câu lạc bộ đọc sách “Trang sách mở”",
		summary: "Thành lập câu lạc bộ đọc sách với 120 học sinh tham gia; tổ chức 8 buổi giao lưu tác giả.",
		proof:   "Kế hoạch hoạt động câu lạc bộ được Hiệu trưởng phê duyệt."}).ID, q4.ID); err != nil {
		return fmt.Errorf("propose: %s", errs.MessageOf(err)) // a draft awaiting the leader
	}

	p.submit(p.dossier(story{school: "HCM-TG-TH-THUANGIAO", ho: "Lâm", dem: "Văn", ten: "Đức", gender: exemplar.Male, born: 1972,
		position: "Giáo viên", category: exemplar.BraveRescue, title: "Cứu hai học sinh đuối nước ở kênh Ba Bò",
		summary: "Trên đường về, thầy đã nhảy xuống kênh cứu hai học sinh bị đuối nước và sơ cứu kịp thời.",
		proof:   "Xác nhận của Ủy ban nhân dân phường Thuận Giao."}), tg)
	return nil
}

func recoverPanic(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%v", r)
	}
}
