package demo

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/exemplar"
	"thidua/internal/files"
	"thidua/internal/movement"
	"thidua/internal/notify"
	"thidua/internal/plan"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// plans loads the movements and campaigns the seed names, education ones,
// and the plans of both trees:
//
//   - 2020: the Bình Dương department's plan 1924/KH-SGDĐT of 03/11/2020,
//     requiring the units directly under it; the seed plan as the Thuận An
//     office's plan based on it, requiring its schools, which issued theirs
//     on time, late or not at all;
//   - 2025–2026: the Hồ Chí Minh City department's plan requiring the
//     wards' Phòng Văn hóa - Xã hội, and the Lái Thiêu office's plan based
//     on it requiring its schools, with a similar mix;
//   - the current school year: the department's plan with its deadline
//     ahead, the Lái Thiêu office's plan based on it, and a reminder sent
//     to the schools that have not issued theirs (the Lái Thiêu primary
//     school's leader sees it among their to-dos).
//
// Numbers, dates of the seed plan, signers other than the seed's, and the
// schools' own plans are invented. Some demo dossiers are linked to
// movements.
type plans struct {
	ctx      context.Context
	db       *database.DB
	units    *unit.Store
	moves    *movement.Store
	plans    *plan.Store
	dossiers *exemplar.Store
	actor    access.Scope
	clock    time.Time
	m        map[string]movement.Movement // by short key
}

func loadPlans(ctx context.Context, db *database.DB) (err error) {
	defer recoverPanic(&err)
	l := &plans{ctx: ctx, db: db, units: &unit.Store{DB: db}, moves: &movement.Store{DB: db}, m: map[string]movement.Movement{},
		dossiers: &exemplar.Store{DB: db, Files: files.New(db, "", 0)}}
	l.plans = &plan.Store{DB: db, Notify: &notify.Store{DB: db}, Now: func() time.Time { return l.clock }}
	l.actor.Username = "du-lieu-minh-hoa"
	for _, r := range access.Roles {
		l.actor.Grants = append(l.actor.Grants, access.Grant{Path: access.SystemPath, Role: r})
	}
	l.clock = time.Now()
	l.movements()
	l.history()
	l.schoolYear2025()
	l.current()
	l.linkDossiers()
	return nil
}

func (l *plans) unit(code string) unit.Unit {
	u, err := l.units.ByCode(l.ctx, access.System(), code)
	if err != nil {
		panic(fmt.Sprintf("demo: unit %s: %v", code, err))
	}
	return u
}

func utc(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func must[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprintf("demo: %s %v", errs.MessageOf(err), errs.FieldsOf(err)))
	}
	return v
}

// --- movements and campaigns

type demoMovement struct {
	key, unit, name string
	auth            movement.Authority
	authName        string
	kind            movement.Kind
	from            time.Time
	to              *time.Time
	status          movement.Status
	desc            string
}

func (l *plans) movements() {
	end2025 := utc(2025, 6, 30)
	for _, d := range []demoMovement{
		{"ntm", "HCM-SGD", "Cả nước chung sức xây dựng nông thôn mới", movement.ThuTuong, "", movement.Themed, utc(2011, 9, 20), nil, movement.Active,
			"Phong trào thi đua do Thủ tướng Chính phủ phát động. Ngành Giáo dục góp phần bằng việc xây dựng trường chuẩn quốc gia, nâng cao chất lượng giáo dục ở nông thôn và vận động phụ huynh, học sinh chung tay xây dựng quê hương."},
		{"vhcs", "HCM-SGD", "Cán bộ, công chức, viên chức thi đua thực hiện văn hóa công sở", movement.ThuTuong, "", movement.Themed, utc(2019, 7, 1), nil, movement.Active,
			"Xây dựng phong cách ứng xử chuẩn mực, trang phục, giao tiếp và môi trường làm việc văn minh tại cơ quan quản lý giáo dục và trường học."},
		{"dnhn", "HCM-SGD", "Doanh nghiệp Việt Nam hội nhập và phát triển", movement.ThuTuong, "", movement.Themed, utc(2016, 3, 1), nil, movement.Active,
			"Phong trào thi đua do Thủ tướng Chính phủ phát động; ngành Giáo dục tuyên truyền, phối hợp với doanh nghiệp trong giáo dục hướng nghiệp và khởi nghiệp cho học sinh."},
		{"ngheo", "HCM-SGD", "Cả nước chung tay vì người nghèo - Không để ai bị bỏ lại phía sau", movement.ThuTuong, "", movement.Themed, utc(2016, 5, 1), nil, movement.Active,
			"Vận động cán bộ, giáo viên, học sinh giúp đỡ học sinh có hoàn cảnh khó khăn: học bổng, áo ấm, sách vở, xe đạp đến trường."},
		{"doimoi", "HCM-SGD", "Đổi mới, sáng tạo trong dạy và học", movement.BoGDDT, "", movement.Regular, utc(2016, 9, 5), nil, movement.Active,
			"Khuyến khích cán bộ quản lý, giáo viên đổi mới phương pháp, ứng dụng công nghệ thông tin, có sáng kiến, mô hình mới, cách làm hay trong dạy và học."},
		{"guong", "HCM-SGD", "Mỗi thầy cô giáo là một tấm gương đạo đức, tự học và sáng tạo", movement.BoGDDT, "", movement.Regular, utc(2008, 9, 1), nil, movement.Active,
			"Cuộc vận động của ngành Giáo dục: mỗi nhà giáo rèn luyện phẩm chất đạo đức, tinh thần tự học, sáng tạo, là tấm gương cho học sinh noi theo."},
		{"daytot", "HCM-SGD", "Dạy tốt - Học tốt", movement.BoGDDT, "", movement.Regular, utc(2000, 9, 5), nil, movement.Active,
			"Phong trào thi đua thường xuyên của ngành Giáo dục, với các đợt thi đua theo học kỳ và chào mừng các ngày lễ lớn."},
		{"bd", "BD-SGD", "Thi đua yêu nước ngành Giáo dục tỉnh Bình Dương giai đoạn 2020 - 2025", movement.UnitItself, "", movement.Regular, utc(2020, 1, 1), &end2025, movement.Ended,
			"Phong trào thi đua của ngành Giáo dục tỉnh Bình Dương trong giai đoạn 2020 - 2025, kết thúc khi tỉnh hợp nhất vào Thành phố Hồ Chí Minh."},
	} {
		m := must(l.moves.Create(l.ctx, l.actor, movement.Input{UnitID: l.unit(d.unit).ID, Name: d.name, Authority: d.auth, AuthorityName: d.authName,
			Kind: d.kind, StartsOn: d.from, EndsOn: d.to, Status: d.status, Description: d.desc}))
		l.m[d.key] = m
	}
	campaign := func(key, unitCode, name, occasion string, from, to time.Time) {
		in := movement.CampaignInput{Name: name, Occasion: occasion, StartsOn: from, EndsOn: to}
		if unitCode != "" {
			in.UnitID = l.unit(unitCode).ID
		}
		must(l.moves.CreateCampaign(l.ctx, l.actor, l.m[key].ID, in))
	}
	campaign("bd", "", "Thi đua lập thành tích chào mừng Đại hội Đảng bộ tỉnh Bình Dương lần thứ XI, nhiệm kỳ 2020 - 2025",
		"Đại hội Đảng bộ tỉnh Bình Dương lần thứ XI, nhiệm kỳ 2020 - 2025", utc(2020, 3, 1), utc(2020, 10, 15))
	campaign("bd", "", "Thi đua lập thành tích chào mừng Đại hội Thi đua yêu nước tỉnh Bình Dương lần thứ V",
		"Đại hội Thi đua yêu nước tỉnh Bình Dương lần thứ V", utc(2020, 5, 1), utc(2020, 11, 30))
	campaign("bd", "TA-PGD", "Thi đua chào mừng Ngày Nhà giáo Việt Nam 20/11/2020", "Ngày Nhà giáo Việt Nam 20/11", utc(2020, 10, 1), utc(2020, 11, 20))
	now := time.Now().In(viet.Zone)
	for y := 2024; y <= now.Year(); y++ {
		campaign("daytot", "", "Đợt thi đua chào mừng Ngày Nhà giáo Việt Nam 20/11/"+strconv.Itoa(y), "Ngày Nhà giáo Việt Nam 20/11",
			utc(y, 10, 1), utc(y, 11, 20))
	}
	// The semesters of the current school year.
	y := now.Year()
	if now.Month() < time.August {
		y--
	}
	sy := viet.SchoolYear(utc(y, 9, 1))
	campaign("daytot", "", "Đợt thi đua học kỳ I năm học "+sy, "", utc(y, 9, 5), utc(y+1, 1, 15))
	campaign("daytot", "", "Đợt thi đua học kỳ II năm học "+sy, "Ngày thành lập Đoàn TNCS Hồ Chí Minh 26/3 và Ngày sinh Chủ tịch Hồ Chí Minh 19/5",
		utc(y+1, 1, 16), utc(y+1, 5, 31))
	campaign("guong", "HCM-LT-VHXH", "Tấm gương nhà giáo phường Lái Thiêu năm học "+sy, "Ngày Nhà giáo Việt Nam 20/11", utc(y, 9, 5), utc(y+1, 5, 31))
}

func (l *plans) ids(keys ...string) []int64 {
	var out []int64
	for _, k := range keys {
		out = append(out, l.m[k].ID)
	}
	return out
}

// --- plans

// issue drafts in as of clock and issues it.
func (l *plans) issue(in plan.Input) plan.Plan {
	p := must(l.plans.Create(l.ctx, l.actor, in))
	return must(l.plans.Issue(l.ctx, l.actor, p.ID, p.Version))
}

// implement drafts unit code's plan based on parent, from the suggestion,
// numbered n and dated on, requiring the units directly under it by
// requireBy when that is not nil; issued unless draft.
func (l *plans) implement(parent plan.Plan, code string, n int, on time.Time, signer plan.Signer, draft bool, requireBy *time.Time) plan.Plan {
	u := l.unit(code)
	in := must(l.plans.Suggest(l.ctx, l.actor, u.ID, parent.ID, 0))
	in.Number, in.Date, in.Signer = n, &on, signer
	// The title names the unit; the opening still cites the parent plan.
	subject := "tuyên truyền các phong trào thi đua yêu nước và nhân rộng điển hình tiên tiến "
	switch {
	case u.Kind == unit.School:
		in.IssuerParent = parent.UnitName
		subject += "tại " + u.Name + " " + parent.Period
	case strings.HasPrefix(u.Name, "Phòng Văn hóa - Xã hội "):
		subject += "trong các trường học " + strings.TrimPrefix(u.Name, "Phòng Văn hóa - Xã hội ") + " " + parent.Period
	default:
		subject += "của " + u.Name + " " + parent.Period
	}
	in.Title = "T" + strings.TrimPrefix(subject, "t")
	in.Sections.Closing = "Trên đây là Kế hoạch " + subject + "./."
	if requireBy != nil {
		in.Require, in.RequireBy = plan.RequireChildren, requireBy
	}
	if draft {
		in.Number, in.Date = 0, nil
		return must(l.plans.Create(l.ctx, l.actor, in))
	}
	return l.issue(in)
}

var headNames = []string{"Nguyễn Thị Thanh Hương", "Trần Văn Minh", "Lê Thị Mỹ Hạnh", "Phạm Quốc Dũng", "Huỳnh Thị Ngọc Trâm", "Võ Văn Hải",
	"Đặng Thị Kim Loan", "Bùi Minh Trí", "Đỗ Thị Hồng Vân", "Phan Thanh Sơn", "Ngô Thị Bích Thủy", "Dương Văn Phước"}

func principal(i int) plan.Signer {
	return plan.Signer{Title: "Hiệu trưởng", Name: headNames[i%len(headNames)]}
}

// history: 2020, the Bình Dương department and the seed plan of Thuận An.
func (l *plans) history() {
	l.clock = time.Date(2020, 11, 3, 9, 0, 0, 0, viet.Zone)
	so := l.unit("BD-SGD")
	sgd := plan.Input{UnitID: so.ID, Number: 1924, Symbol: "KH-SGDĐT", Date: ptr(utc(2020, 11, 3)), Place: "Bình Dương",
		IssuerParent: "UBND tỉnh Bình Dương", IssuerName: "Sở Giáo dục và Đào tạo",
		Title:  "Tuyên truyền các phong trào thi đua yêu nước và nhân rộng điển hình tiên tiến trong ngành giáo dục tỉnh Bình Dương giai đoạn 2020 – 2025",
		Period: "giai đoạn 2020 - 2025",
		Sections: plan.Sections{
			Intro:   "Căn cứ Luật Thi đua, khen thưởng và các văn bản hướng dẫn thi hành; căn cứ kế hoạch của Ủy ban nhân dân tỉnh về công tác thi đua, khen thưởng giai đoạn 2020 - 2025, Sở Giáo dục và Đào tạo ban hành Kế hoạch tuyên truyền các phong trào thi đua yêu nước và nhân rộng điển hình tiên tiến trong ngành giáo dục tỉnh giai đoạn 2020 – 2025 như sau:",
			Purpose: "1. Nâng cao nhận thức của cán bộ, nhà giáo, nhân viên và người lao động về vị trí, vai trò của phong trào thi đua yêu nước.\n2. Phát hiện, bồi dưỡng, tổng kết và nhân rộng điển hình tiên tiến trong toàn ngành.",
			Content: "- Tuyên truyền tư tưởng thi đua yêu nước của Chủ tịch Hồ Chí Minh, Luật Thi đua, khen thưởng.\n- Tuyên truyền các phong trào thi đua do Thủ tướng Chính phủ, Bộ Giáo dục và Đào tạo, Ủy ban nhân dân tỉnh phát động.\n- Tập trung tuyên truyền các phong trào thi đua chào mừng Đại hội Đảng bộ tỉnh lần thứ XI và Đại hội Thi đua yêu nước tỉnh lần thứ V.",
			Forms:   "- Tọa đàm, giao lưu, trao đổi kinh nghiệm với các điển hình tiên tiến.\n- Tin, bài trên Cổng thông tin điện tử của Sở; phối hợp Báo Bình Dương, Đài Phát thanh và Truyền hình Bình Dương.",
			Exemplars: "- Hằng quý, các đơn vị giới thiệu điển hình tiên tiến về Sở (qua Thường trực Thi đua - Khen thưởng).\n" +
				"- Sở lựa chọn, tuyên truyền nhân rộng trong toàn ngành và giới thiệu về Ban Thi đua - Khen thưởng tỉnh.",
			Organization: "- Các phòng giáo dục và đào tạo, các trường trực thuộc xây dựng kế hoạch thực hiện, gửi về Sở trước ngày 20/11/2020.\n- Định kỳ hằng năm báo cáo kết quả thực hiện về Sở (qua Văn phòng).",
			Closing:      "Trên đây là Kế hoạch tuyên truyền các phong trào thi đua yêu nước và nhân rộng điển hình tiên tiến trong ngành giáo dục tỉnh Bình Dương giai đoạn 2020 – 2025./.",
		},
		Recipients:  []string{"Ban Thi đua - Khen thưởng tỉnh;", "Phòng GDĐT các huyện, thị xã, thành phố;", "Các trường THPT trực thuộc;", "Lưu: VT, VP."},
		Signer:      plan.Signer{Form: plan.SignKT, Authority: "Giám đốc", Title: "Phó Giám đốc", Name: "Lê Văn Thành"},
		MovementIDs: l.ids("bd", "ntm", "vhcs", "dnhn", "ngheo", "doimoi"),
		Require:     plan.RequireChildren, RequireBy: ptr(utc(2020, 11, 20)),
	}
	parent := l.issue(sgd)

	// The seed plan.
	l.clock = time.Date(2020, 11, 12, 9, 0, 0, 0, viet.Zone)
	office := l.unit("TA-PGD")
	seed := plan.Input{UnitID: office.ID, Number: thuanAnSeedNumber, Symbol: "KH-PGDĐT", Date: ptr(utc(2020, 11, 12)), Place: "Thuận An",
		IssuerParent: "UBND thành phố Thuận An", IssuerName: "Phòng Giáo dục và Đào tạo", Title: seedTitle, Period: "giai đoạn 2020 - 2025",
		Sections: SeedSections(), Recipients: seedRecipients, Signer: seedSigner, BasedOnID: parent.ID,
		MovementIDs: l.ids("bd", "ntm", "vhcs", "dnhn", "ngheo"), Require: plan.RequireChildren, RequireBy: ptr(utc(2020, 11, 30))}
	thuanAn := l.issue(seed)
	l.clock = time.Date(2020, 11, 16, 9, 0, 0, 0, viet.Zone)
	l.implement(parent, "BD-THPT-TRINHHOAIDUC", 48, utc(2020, 11, 16), principal(0), false, nil)
	// BD-THPT-NGUYENTRAI never issued its plan.

	// The schools: about seven in ten on time, the rest late or missing.
	schools, _, err := l.units.List(l.ctx, access.System(), unit.Filter{Under: office.ID, Kind: unit.School, WithClosed: true})
	if err != nil {
		panic(err)
	}
	for i, s := range schools {
		switch i % 10 {
		case 3, 8: // late
			l.clock = time.Date(2020, 12, 1+i%9, 9, 0, 0, 0, viet.Zone)
			l.implement(thuanAn, s.Code, 60+i, utc(2020, 12, 1+i%9), principal(i), false, nil)
		case 6: // missing
		default:
			on := utc(2020, 11, 16+i%12)
			l.clock = time.Date(on.Year(), on.Month(), on.Day(), 9, 0, 0, 0, viet.Zone)
			l.implement(thuanAn, s.Code, 40+i, on, principal(i), false, nil)
		}
	}
}

// thuanAnSeedNumber is the number the demo gives the seed plan, whose
// header the seed does not show.
const thuanAnSeedNumber = 312

// hcmSignerSo signs the department's plans.
var hcmSignerSo = plan.Signer{Form: plan.SignKT, Authority: "Giám đốc", Title: "Phó Giám đốc", Name: "Phạm Thị Ngọc Lan"}

func vhxhSigner(name string) plan.Signer {
	return plan.Signer{Form: plan.SignKT, Authority: "Trưởng phòng", Title: "Phó Trưởng phòng", Name: name}
}

var vhxhHeads = map[string]string{"LT": "Trần Thị Kim Thoa", "TG": "Lý Văn Hùng", "AP": "Nguyễn Hoàng Yến", "BH": "Phan Văn Đức", "TA": "Võ Thị Diệu"}

// departmentPlan issues the HCM department's plan for school year sy,
// dated on, requiring the wards' offices by deadline.
func (l *plans) departmentPlan(number int, sy string, on, deadline time.Time) plan.Plan {
	l.clock = time.Date(on.Year(), on.Month(), on.Day(), 9, 0, 0, 0, viet.Zone)
	return l.issue(plan.Input{UnitID: l.unit("HCM-SGD").ID, Number: number, Symbol: "KH-SGDĐT", Date: &on, Place: "Thành phố Hồ Chí Minh",
		IssuerParent: "UBND Thành phố Hồ Chí Minh", IssuerName: "Sở Giáo dục và Đào tạo",
		Title:  "Tuyên truyền các phong trào thi đua yêu nước và nhân rộng điển hình tiên tiến ngành Giáo dục Thành phố Hồ Chí Minh năm học " + sy,
		Period: "năm học " + sy,
		Sections: plan.Sections{
			Intro:   "Căn cứ Luật Thi đua, khen thưởng năm 2022 và Nghị định số 152/2025/NĐ-CP của Chính phủ; thực hiện chỉ đạo của Ủy ban nhân dân Thành phố về công tác thi đua, khen thưởng năm học " + sy + ", Sở Giáo dục và Đào tạo ban hành Kế hoạch như sau:",
			Purpose: "1. Tuyên truyền sâu rộng các phong trào thi đua yêu nước đến từng trường học sau khi sắp xếp đơn vị hành chính hai cấp.\n2. Kịp thời phát hiện, tôn vinh và nhân rộng điển hình tiên tiến, mô hình mới, cách làm hay trong ngành.",
			Content: "- Tuyên truyền phong trào “*Dạy tốt - Học tốt*”, “*Đổi mới, sáng tạo trong dạy và học*” và cuộc vận động “*Mỗi thầy cô giáo là một tấm gương đạo đức, tự học và sáng tạo*”.\n- Tuyên truyền các phong trào thi đua do Thủ tướng Chính phủ phát động.\n- Tuyên truyền Ngày truyền thống thi đua yêu nước 11/6 và Ngày Nhà giáo Việt Nam 20/11.",
			Forms:   "- Tọa đàm, giao lưu điển hình tiên tiến; chuyên mục trên Cổng thông tin điện tử của Sở và trang của các trường.\n- Phối hợp Ủy ban nhân dân các phường, xã tuyên truyền tại địa phương.",
			Exemplars: "- Hằng quý, Phòng Văn hóa - Xã hội các phường, xã và các trường trực thuộc giới thiệu điển hình tiên tiến về Sở.\n" +
				"- Sở lựa chọn, giới thiệu về Ban Thi đua - Khen thưởng Thành phố (thuộc Sở Nội vụ).",
			Organization: "- Phòng Văn hóa - Xã hội các phường, xã xây dựng kế hoạch thực hiện, chỉ đạo các trường mầm non, tiểu học, trung học cơ sở trên địa bàn.\n- Báo cáo kết quả về Sở trước ngày 31 tháng 5.",
			Closing:      "Trên đây là Kế hoạch tuyên truyền các phong trào thi đua yêu nước và nhân rộng điển hình tiên tiến ngành Giáo dục Thành phố năm học " + sy + "./.",
		},
		Recipients:  []string{"Ủy ban nhân dân Thành phố (để báo cáo);", "Ban Thi đua - Khen thưởng Thành phố;", "Phòng Văn hóa - Xã hội các phường, xã;", "Các trường THPT trực thuộc;", "Lưu: VT, VP."},
		Signer:      hcmSignerSo,
		MovementIDs: l.ids("daytot", "doimoi", "guong", "ngheo", "vhcs"),
		Require:     plan.RequireOffices, RequireBy: &deadline,
	})
}

// schoolYear2025: the 2025–2026 plans of today's tree.
func (l *plans) schoolYear2025() {
	dept := l.departmentPlan(2480, "2025-2026", utc(2025, 9, 15), utc(2025, 10, 15))
	issued := map[string]time.Time{"LT": utc(2025, 10, 8), "TG": utc(2025, 10, 22), "AP": utc(2025, 10, 10), "TA": utc(2025, 10, 30)} // BH missing
	numbers := map[string]int{"LT": 41, "AP": 43, "TG": 57, "TA": 62}
	var lt plan.Plan
	for _, key := range []string{"LT", "AP", "TG", "TA"} {
		on := issued[key]
		l.clock = time.Date(on.Year(), on.Month(), on.Day(), 9, 0, 0, 0, viet.Zone)
		var require *time.Time
		if key == "LT" {
			require = ptr(utc(2025, 10, 31)) // the Lái Thiêu office asks its schools for theirs
		}
		p := l.implement(dept, "HCM-"+key+"-VHXH", numbers[key], on, vhxhSigner(vhxhHeads[key]), false, require)
		if key == "LT" {
			lt = p
		}
	}
	for i, code := range []string{"HCM-LT-MN-HOASEN", "HCM-LT-TH-LAITHIEU", "HCM-LT-THCS-NGUYENTRUONGTO", "HCM-LT-TH-BINHNHAM"} {
		on := utc(2025, 10, 20+i*4) // the last two are late
		l.clock = time.Date(on.Year(), on.Month(), on.Day(), 9, 0, 0, 0, viet.Zone)
		l.implement(lt, code, 15+i, on, principal(i+3), false, nil)
	}
	// MN Lái Thiêu and THCS Châu Văn Liêm never issued theirs.
}

// current: the plans of the current school year, deadlines ahead.
func (l *plans) current() {
	now := time.Now().In(viet.Zone)
	today := utc(now.Year(), now.Month(), now.Day())
	y := now.Year()
	if now.Month() < time.August {
		y--
	}
	sy := viet.SchoolYear(utc(y, 9, 1))
	if sy == "2025-2026" {
		return // the 2025–2026 plans above are the current ones
	}
	dept := l.departmentPlan(must(l.plans.NextNumber(l.ctx, l.unit("HCM-SGD").ID, today.AddDate(0, 0, -40).Year()))+2900,
		sy, today.AddDate(0, 0, -40), today.AddDate(0, 0, 7))
	// Lái Thiêu issued its plan and asks its schools for theirs; An Phú
	// issued; Thuận Giao has a draft; Bình Hòa and Thuận An nothing yet.
	on := today.AddDate(0, 0, -20)
	l.clock = time.Date(on.Year(), on.Month(), on.Day(), 9, 0, 0, 0, viet.Zone)
	// Invented numbers, as far into the year as the date is.
	next := func(code string, on time.Time) int {
		return must(l.plans.NextNumber(l.ctx, l.unit(code).ID, on.Year())) + 20 + on.YearDay()/3
	}
	ltPlan := l.implement(dept, "HCM-LT-VHXH", next("HCM-LT-VHXH", on), on, vhxhSigner(vhxhHeads["LT"]), false, ptr(today.AddDate(0, 0, 14)))
	on = today.AddDate(0, 0, -3)
	l.clock = time.Date(on.Year(), on.Month(), on.Day(), 9, 0, 0, 0, viet.Zone)
	l.implement(dept, "HCM-AP-VHXH", next("HCM-AP-VHXH", on), on, vhxhSigner(vhxhHeads["AP"]), false, nil)
	l.implement(dept, "HCM-TG-VHXH", 0, today, vhxhSigner(vhxhHeads["TG"]), true, nil)
	on = today.AddDate(0, 0, -10)
	l.clock = time.Date(on.Year(), on.Month(), on.Day(), 9, 0, 0, 0, viet.Zone)
	l.implement(ltPlan, "HCM-LT-MN-HOASEN", next("HCM-LT-MN-HOASEN", on), on, principal(5), false, nil)
	l.implement(ltPlan, "HCM-LT-THCS-NGUYENTRUONGTO", 0, today, principal(6), true, nil)
	// A reminder to the schools that have not issued theirs, sent
	// yesterday; the leader of the Lái Thiêu primary school has it.
	l.clock = time.Now().AddDate(0, 0, -1)
	must(l.plans.Remind(l.ctx, l.actor, ltPlan.ID))
	l.clock = time.Now()
}

// linkDossiers ties some demo dossiers to movements: two of the pipeline's
// drafts, and two new drafts linked from the start.
func (l *plans) linkDossiers() {
	link := func(title, key string) {
		var id int64
		if err := l.db.R.QueryRowContext(l.ctx, "SELECT id FROM dossiers WHERE title = $1", title).Scan(&id); err != nil {
			panic(fmt.Sprintf("demo: dossier %s: %v", title, err))
		}
		d := must(l.dossiers.Get(l.ctx, l.actor, id))
		in := d.Input()
		in.MovementID = l.m[key].ID
		must(l.dossiers.Update(l.ctx, l.actor, d.ID, d.Version, in))
	}
	link("Câu lạc bộ đọc sách “Trang sách mở”", "doimoi")
	link("Hai mươi năm gắn bó với trẻ mầm non", "guong")
	cs := must(l.moves.Campaigns(l.ctx, l.actor, l.m["guong"].ID))
	for _, d := range []exemplar.Input{
		{UnitID: l.unit("HCM-LT-TH-LAITHIEU").ID, SubjectKind: exemplar.Collective, CollectiveName: "Chi đoàn giáo viên", Category: exemplar.Charity,
			Title:      "“Tủ sách và áo ấm sẻ chia” cho học sinh khó khăn",
			Summary:    "Chi đoàn vận động phụ huynh, giáo viên góp 400 quyển sách và 120 áo ấm, trao cho học sinh có hoàn cảnh khó khăn của trường.",
			MovementID: l.m["ngheo"].ID,
			Criteria:   []exemplar.CriterionEntry{{Key: "social_charity", Checked: true, Evidence: "Biên bản trao quà có xác nhận của Ban đại diện cha mẹ học sinh."}}},
		{UnitID: l.unit("HCM-LT-TH-LAITHIEU").ID, SubjectKind: exemplar.Individual, Category: exemplar.Outstanding,
			Person: exemplar.Person{Ho: "Trương", Dem: "Thị Ngọc", Ten: "Ánh", Gender: exemplar.Female, BirthYear: 1983, Position: "Giáo viên lớp 3"},
			Title:  "Nhà giáo tận tụy, tự học chương trình mới", Summary: "Tự học và chia sẻ cách dạy theo chương trình giáo dục phổ thông 2018 cho tổ khối; lớp chủ nhiệm ba năm liền đạt lớp tiên tiến.",
			MovementID: l.m["guong"].ID, CampaignID: cs[0].ID,
			Criteria: []exemplar.CriterionEntry{{Key: "achievement", Checked: true, Evidence: "Danh hiệu giáo viên dạy giỏi cấp trường hai năm liền."}}},
	} {
		must(l.dossiers.Create(l.ctx, l.actor, d))
	}
}

func ptr[T any](v T) *T { return &v }
