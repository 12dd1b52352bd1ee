package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"time"

	"thidua/internal/access"
	"thidua/internal/activity"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/exemplar"
	"thidua/internal/files"
	"thidua/internal/movement"
	"thidua/internal/viet"
)

// activityIdea is one kind of activity a unit logs: its form, a title, what
// happened, with whom, and whether its reach is counted in readers rather
// than in the room.
type activityIdea struct {
	form      activity.Form
	other     string // the name of an "other" form
	title     string
	desc      string
	partners  string
	readers   bool // online or broadcast: reach counts viewers
	exemplars bool // usually about an exemplar: link the unit's dossiers
	month     int  // the month it is usually held (0: any)
	day       int
}

var activityIdeas = []activityIdea{
	{form: activity.Seminar, title: "Tọa đàm “Nhà giáo tâm huyết, sáng tạo” chào mừng Ngày Nhà giáo Việt Nam 20/11", month: 11, day: 18,
		desc:     "Các thầy cô giáo tiêu biểu chia sẻ về tâm huyết với nghề, cách làm mới trong dạy học và giáo dục đạo đức học sinh; Ban giám hiệu biểu dương tập thể, cá nhân có thành tích trong đợt thi đua.",
		partners: "Công đoàn trường; Ban đại diện cha mẹ học sinh", exemplars: true},
	{form: activity.Seminar, title: "Tọa đàm kỷ niệm Ngày Chủ tịch Hồ Chí Minh ra Lời kêu gọi thi đua ái quốc (11/6)", month: 6, day: 10,
		desc:     "Ôn lại ý nghĩa Lời kêu gọi thi đua ái quốc; tuyên truyền các phong trào thi đua yêu nước của ngành và gương điển hình tiên tiến của đơn vị trong năm học.",
		partners: "Chi bộ; Công đoàn trường"},
	{form: activity.Exchange, title: "Giao lưu với giáo viên dạy giỏi, gương điển hình tiên tiến của đơn vị",
		desc:     "Học sinh và giáo viên trẻ giao lưu, đặt câu hỏi cho các thầy cô là điển hình tiên tiến; ghi nhận ý kiến để nhân rộng cách làm hay.",
		partners: "Đoàn Thanh niên; Liên đội", exemplars: true},
	{form: activity.Experience, title: "Trao đổi kinh nghiệm xây dựng mô hình “Thư viện xanh”", month: 3,
		desc:     "Các trường trong cụm trao đổi cách bố trí không gian đọc ngoài trời, huy động phụ huynh góp sách và tổ chức giờ đọc hằng tuần.",
		partners: "Các trường trong cụm thi đua", exemplars: true},
	{form: activity.Experience, title: "Chuyên đề trao đổi kinh nghiệm dạy học STEM", month: 10,
		desc:     "Tổ chuyên môn báo cáo bài học STEM đã thực hiện, trao đổi cách chuẩn bị vật liệu giá rẻ và đánh giá sản phẩm của học sinh.",
		partners: "Tổ chuyên môn các trường trong phường", exemplars: true},
	{form: activity.Emulate, title: "Thi đua cùng điển hình “Dạy tốt - Học tốt” chào mừng ngày 20/11", month: 10, day: 15,
		desc:     "Phát động các tổ chuyên môn, lớp học thi đua với gương điển hình của đơn vị; theo dõi kết quả hằng tuần trên bảng tin của trường.",
		partners: "Công đoàn trường; Liên đội", exemplars: true},
	{form: activity.Culture, title: "Hội diễn văn nghệ chào mừng Ngày Nhà giáo Việt Nam 20/11", month: 11, day: 19,
		desc:     "Chương trình văn nghệ do giáo viên và học sinh biểu diễn; xen giữa các tiết mục là phần giới thiệu gương người tốt, việc tốt của đơn vị.",
		partners: "Ban đại diện cha mẹ học sinh"},
	{form: activity.Culture, title: "Chương trình văn nghệ “Mừng Đảng, mừng Xuân”", month: 1, day: 20,
		desc:     "Văn nghệ chào mừng ngày thành lập Đảng Cộng sản Việt Nam và đón Tết cổ truyền; tuyên dương tập thể, cá nhân tiêu biểu học kỳ I.",
		partners: "Chi đoàn giáo viên"},
	{form: activity.Visual, title: "Treo băng rôn, pano cổ động Ngày truyền thống thi đua yêu nước 11/6", month: 6, day: 1,
		desc:     "Treo băng rôn, khẩu hiệu tại cổng trường và hành lang; cập nhật bảng tin thi đua với ảnh các gương điển hình.",
		partners: "Ủy ban nhân dân phường"},
	{form: activity.Visual, title: "Bảng tin “Gương người tốt, việc tốt” tại sân trường",
		desc: "Cập nhật bảng tin hằng tháng với các câu chuyện người tốt, việc tốt của giáo viên, nhân viên và học sinh."},
	{form: activity.Online, title: "Bài viết giới thiệu điển hình tiên tiến trên trang thông tin điện tử của trường", readers: true,
		desc: "Đăng bài giới thiệu thành tích và cách làm hay của điển hình tiên tiến, kèm ảnh hoạt động; chia sẻ lên trang mạng xã hội của trường.", exemplars: true},
	{form: activity.Online, title: "Chuỗi tin bài về phong trào thi đua trên trang mạng xã hội của trường", readers: true,
		desc: "Mỗi tuần một tin bài ngắn về kết quả thi đua của các lớp và tổ chuyên môn trong đợt thi đua."},
	{form: activity.Press, title: "Phối hợp Đài Truyền thanh phường thực hiện phóng sự về điển hình tiên tiến", readers: true,
		desc:     "Phóng sự ngắn phát trên hệ thống truyền thanh phường và trang thông tin của phường, giới thiệu cách làm hay của đơn vị.",
		partners: "Đài Truyền thanh phường", exemplars: true},
	{form: activity.Press, title: "Phối hợp báo ngành giáo dục giới thiệu mô hình hay của trường", readers: true,
		desc:     "Phóng viên ghi nhận mô hình tại trường; bài viết đăng trên báo và được chia sẻ trên trang thông tin điện tử của ngành.",
		partners: "Báo Giáo dục và Thời đại", exemplars: true},
	{form: activity.Commune, title: "Phối hợp Ủy ban nhân dân phường tuyên truyền Ngày hội Đại đoàn kết toàn dân tộc", month: 11, day: 12,
		desc:     "Giáo viên, học sinh tham gia Ngày hội tại khu phố; giới thiệu gương điển hình của nhà trường với người dân địa phương.",
		partners: "Ủy ban nhân dân phường; Ủy ban Mặt trận Tổ quốc phường"},
	{form: activity.Other, other: "Hội thi kể chuyện về gương người tốt, việc tốt", title: "Hội thi kể chuyện “Gương sáng quanh em”", month: 3, day: 26,
		desc:     "Học sinh các lớp kể chuyện về người tốt, việc tốt ở trường và ở khu phố; các câu chuyện hay được đăng trên bảng tin.",
		partners: "Liên đội; Thư viện trường"},
}

// demoPhoto draws a synthetic photo: a stage with a red banner and a gold
// star, the audience as rows of heads, in tones that vary with seed. Not a
// real picture, and none is copied.
func demoPhoto(seed int) []byte {
	const w, h = 960, 640
	rng := rand.New(rand.NewPCG(uint64(seed), 7))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	hue := func(base color.RGBA, spread int) color.RGBA {
		j := func(v uint8) uint8 { return uint8(min(255, max(0, int(v)+rng.IntN(2*spread+1)-spread))) }
		return color.RGBA{j(base.R), j(base.G), j(base.B), 255}
	}
	wall := hue(color.RGBA{232, 222, 205, 255}, 20)
	floor := hue(color.RGBA{150, 110, 80, 255}, 25)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := wall
			if y > h*55/100 {
				c = floor
			}
			shade := 1 - 0.25*float64(y)/h
			img.SetRGBA(x, y, color.RGBA{uint8(float64(c.R) * shade), uint8(float64(c.G) * shade), uint8(float64(c.B) * shade), 255})
		}
	}
	fill := func(x0, y0, x1, y1 int, c color.RGBA) {
		for y := max(0, y0); y < min(h, y1); y++ {
			for x := max(0, x0); x < min(w, x1); x++ {
				img.SetRGBA(x, y, c)
			}
		}
	}
	// The banner and its star.
	bx := 120 + rng.IntN(80)
	fill(bx, 60, w-bx, 210, hue(color.RGBA{190, 30, 30, 255}, 15))
	cx, cy, r := float64(w/2), 135.0, 55.0
	star := make([][2]float64, 10)
	for i := range star {
		rad := r
		if i%2 == 1 {
			rad = r * 0.4
		}
		a := -math.Pi/2 + float64(i)*math.Pi/5
		star[i] = [2]float64{cx + rad*math.Cos(a), cy + rad*math.Sin(a)}
	}
	gold := color.RGBA{245, 200, 40, 255}
	for y := int(cy - r); y <= int(cy+r); y++ {
		for x := int(cx - r); x <= int(cx+r); x++ {
			in := false
			for i, j := 0, len(star)-1; i < len(star); j, i = i, i+1 {
				pi, pj := star[i], star[j]
				if (pi[1] > float64(y)) != (pj[1] > float64(y)) && float64(x) < (pj[0]-pi[0])*(float64(y)-pi[1])/(pj[1]-pi[1])+pi[0] {
					in = !in
				}
			}
			if in {
				img.SetRGBA(x, y, gold)
			}
		}
	}
	// The stage.
	fill(60, 300, w-60, 360, hue(color.RGBA{120, 60, 40, 255}, 15))
	// The audience: rows of heads and shoulders.
	for row := 0; row < 4; row++ {
		y := 420 + row*55
		for x := 40 + rng.IntN(30); x < w-30; x += 60 + rng.IntN(20) {
			shirt := hue([]color.RGBA{{250, 250, 250, 255}, {40, 70, 150, 255}, {200, 60, 60, 255}, {60, 120, 80, 255}}[rng.IntN(4)], 20)
			fill(x-22, y+10, x+22, y+60, shirt)
			hair := hue(color.RGBA{35, 28, 25, 255}, 8)
			for dy := -18; dy <= 18; dy++ {
				for dx := -16; dx <= 16; dx++ {
					if dx*dx*81+dy*dy*64 <= 16*16*81 && x+dx >= 0 && x+dx < w && y+dy >= 0 && y+dy < h {
						img.SetRGBA(x+dx, y+dy, hair)
					}
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// activityLoader logs the demo's activities.
type activityLoader struct {
	ctx      context.Context
	db       *database.DB
	store    *activity.Store
	actor    access.Scope
	rng      *rand.Rand
	photos   [][]byte
	dossiers map[int64][]int64 // unit → its dossiers
	moves    []movement.Choice
	n        int
}

// loadActivities logs propaganda activities of every form for the schools
// and offices of both trees: 2020–2025 for the old tree (it closed on
// 30/06/2025), from 01/07/2025 to today for the new one, and a few planned
// for the coming months. Some carry synthetic photos (thumbnails are made
// here, not by the background job), a few are public; those about an
// exemplar link the unit's dossiers, and movements are linked when the
// database has any.
func loadActivities(ctx context.Context, db *database.DB) (err error) {
	defer recoverPanic(&err)
	fs := files.New(db, "", 0)
	l := &activityLoader{ctx: ctx, db: db, rng: rand.New(rand.NewPCG(2020, 2025)), dossiers: map[int64][]int64{},
		store: &activity.Store{DB: db, Files: fs, Dossiers: &exemplar.Store{DB: db, Files: fs}}}
	for _, r := range []access.Role{access.Staff, access.Officer, access.Leader} {
		l.actor.Grants = append(l.actor.Grants, access.Grant{Path: access.SystemPath, Role: r})
	}
	l.actor.Username = "du-lieu-minh-hoa"
	for i := 0; i < 10; i++ {
		l.photos = append(l.photos, demoPhoto(i+1))
	}
	rows, err := db.R.QueryContext(ctx, "SELECT id, unit_id FROM dossiers ORDER BY id")
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, u int64
		rows.Scan(&id, &u)
		l.dossiers[u] = append(l.dossiers[u], id)
	}
	rows.Close()
	if l.moves, err = movement.Choices(ctx, db.R); err != nil {
		return err
	}
	units := func(prefix string) []struct {
		id   int64
		name string
	} {
		rows, err := db.R.QueryContext(ctx, "SELECT id, name FROM units WHERE code LIKE $1 AND kind IN ('school', 'office') ORDER BY code", prefix+"%")
		if err != nil {
			panic(err)
		}
		defer rows.Close()
		var out []struct {
			id   int64
			name string
		}
		for rows.Next() {
			var u struct {
				id   int64
				name string
			}
			rows.Scan(&u.id, &u.name)
			out = append(out, u)
		}
		return out
	}
	today := l.store.Today()
	// The old tree: five school years, a few activities a year per unit.
	for _, u := range units("TA-") {
		for y := 2020; y <= 2024; y++ {
			for k := 0; k < 1+l.rng.IntN(2); k++ {
				l.log(u.id, y, time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC), today)
			}
		}
	}
	// Today's tree: the school year 2025-2026 and this one so far, and a
	// few planned.
	for _, u := range units("HCM-") {
		for y := 2025; y <= activity.SchoolYearOf(today); y++ {
			for k := 0; k < 2+l.rng.IntN(2); k++ {
				l.log(u.id, y, today, today)
			}
		}
		if l.rng.IntN(3) == 0 {
			l.planned(u.id, today)
		}
	}
	// Thumbnails, made at once so that the demo shows them.
	for _, p := range l.photos {
		f, err := fs.Put(ctx, bytes.NewReader(p), []files.Kind{files.Image})
		if err != nil {
			return err
		}
		if err := l.store.MakeThumbnail(ctx, f.SHA256); err != nil {
			return err
		}
	}
	return nil
}

// log records one activity of unit u in school year y, held on a day up to
// last: an idea tied to a date (20/11, 11/6…) on that date when it falls in
// the period, any other idea on a day of the period.
func (l *activityLoader) log(u int64, y int, last, today time.Time) {
	from, to := activity.SchoolYearRange(y)
	if last.Before(to) {
		to = last
	}
	for {
		idea := activityIdeas[l.rng.IntN(len(activityIdeas))]
		if idea.month == 0 {
			l.add(u, idea, from.AddDate(0, 0, 30+l.rng.IntN(max(1, int(to.Sub(from).Hours()/24)-30))), today)
			return
		}
		yy := y
		if idea.month < 8 {
			yy++
		}
		d := idea.day
		if d == 0 {
			d = 5 + l.rng.IntN(20)
		}
		if c := time.Date(yy, time.Month(idea.month), d, 0, 0, 0, 0, time.UTC); !c.After(to) && !c.Before(from) {
			l.add(u, idea, c, today)
			return
		}
	}
}

// planned records one of the activities tied to a date for its next date
// after today.
func (l *activityLoader) planned(u int64, today time.Time) {
	for {
		idea := activityIdeas[l.rng.IntN(len(activityIdeas))]
		if idea.month == 0 {
			continue
		}
		d := idea.day
		if d == 0 {
			d = 10
		}
		c := time.Date(today.Year(), time.Month(idea.month), d, 0, 0, 0, 0, time.UTC)
		if !c.After(today) {
			c = c.AddDate(1, 0, 0)
		}
		if c.Sub(today) > 200*24*time.Hour {
			continue // in the coming months only
		}
		l.add(u, idea, c, today)
		return
	}
}

func (l *activityLoader) add(u int64, idea activityIdea, day, today time.Time) {
	l.n++
	in := activity.Input{UnitID: u, Date: day, Title: idea.title, Form: idea.form, FormOther: idea.other,
		Description: idea.desc, Partners: idea.partners}
	if day.After(today) {
		in.Description = "Kế hoạch: " + in.Description
	} else {
		in.Participants = 40 + l.rng.IntN(600)
		in.Reach = in.Participants * (1 + l.rng.IntN(4))
		if idea.readers {
			in.Participants = 5 + l.rng.IntN(20)
			in.Reach = 800 + l.rng.IntN(15000)
		}
	}
	if l.rng.IntN(3) == 0 {
		in.StartTime = fmt.Sprintf("%02d:%02d", 7+l.rng.IntN(8), []int{0, 15, 30}[l.rng.IntN(3)])
	}
	if idea.readers {
		in.Links = []string{fmt.Sprintf("https://tin-tuc.example/truong/%d/bai-viet-%d", u, l.n)}
	}
	if ds := l.dossiers[u]; idea.exemplars && len(ds) > 0 {
		in.DossierIDs = []int64{ds[l.rng.IntN(len(ds))]}
	}
	if len(l.moves) > 0 && l.rng.IntN(2) == 0 {
		m := l.moves[l.rng.IntN(len(l.moves))]
		in.MovementIDs = []int64{m.ID}
		if len(m.Campaigns) > 0 && l.rng.IntN(2) == 0 {
			in.CampaignIDs = []int64{m.Campaigns[l.rng.IntN(len(m.Campaigns))].ID}
		}
	}
	var ups []activity.Upload
	if !day.After(today) && l.rng.IntN(4) == 0 {
		for k := 0; k < 1+l.rng.IntN(3); k++ {
			ups = append(ups, activity.Upload{Name: fmt.Sprintf("anh-hoat-dong-%d.jpg", k+1), R: bytes.NewReader(l.photos[l.rng.IntN(len(l.photos))])})
		}
	}
	// A few recent ones with photos are public, for the portal.
	if len(ups) > 0 && today.Sub(day) < 400*24*time.Hour && l.rng.IntN(3) == 0 {
		yes := true
		in.Public = &yes
	}
	if _, err := l.store.Create(l.ctx, l.actor, in, ups...); err != nil {
		panic(fmt.Sprintf("demo: activity %q at unit %d on %s: %s %v", in.Title, u, viet.ShortDate(day), errs.MessageOf(err), errs.FieldsOf(err)))
	}
}
