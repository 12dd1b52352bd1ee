package portal

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/exemplar"
)

// SeedInput says what Seed makes.
type SeedInput struct {
	Holder  int64   // the unit whose round selected the exemplars
	Schools []int64 // the units credited, used in turn
	N       int     // how many published exemplars
	Seed    uint64  // of the text generator: the same seed makes the same texts
	// Pages, when set, are published first as given (ID, Slug, First,
	// Published, Revision are filled in); the generator makes the rest.
	Pages []Page
}

// Seed fills the portal with synthetic published exemplars for benchmarks,
// load tests and the search tests, in one transaction of plain SQL: for
// each, a dossier with one frozen version, a selected nomination in one
// released round, a published publication and its live entry and search
// row, exactly as Publish writes them. No audit entries, no files. It
// returns the pages in the order written (ids ascending).
func Seed(ctx context.Context, db *database.DB, in SeedInput) ([]Page, error) {
	s := &Store{DB: db}
	r := rand.New(rand.NewPCG(in.Seed, in.Seed^0x9e3779b97f4a7c15))
	total := max(in.N, len(in.Pages))
	var out []Page
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		now := database.Now()
		base := now.Add(-time.Duration(total) * time.Minute)
		var round int64
		err := tx.QueryRowContext(ctx, `INSERT INTO rounds (unit_id, name, submit_from, submit_until, review_until, rubric, quota, council, status,
			released_at, version, created_at, updated_at) VALUES ($1, $2, $3, $3, $3, '[]', 0, '{}', 'released', $3, 1, $3, $3) RETURNING id`,
			in.Holder, "Đợt xét chọn minh họa", base).Scan(&round)
		if err != nil {
			return errs.Wrap(err, "portal: seed round")
		}
		var holderName string
		if err := tx.QueryRowContext(ctx, "SELECT name FROM units WHERE id = $1", in.Holder).Scan(&holderName); err != nil {
			return errs.Wrap(err, "portal: seed holder")
		}
		names := map[int64]string{}
		for i := 0; i < total; i++ {
			var pg Page
			if i < len(in.Pages) {
				pg = in.Pages[i]
			} else {
				pg = generatePage(r)
			}
			school := in.Schools[i%len(in.Schools)]
			if names[school] == "" {
				var name string
				if err := tx.QueryRowContext(ctx, "SELECT name FROM units WHERE id = $1", school).Scan(&name); err != nil {
					return errs.Wrap(err, "portal: seed school")
				}
				names[school] = name
			}
			if pg.Credit == "" {
				pg.Credit, pg.CreditUnitID, pg.CreditUnitName = names[school], school, names[school]
			}
			if pg.Category == "" {
				pg.Category = exemplar.Outstanding
			}
			if pg.SubjectKind == "" {
				pg.SubjectKind = exemplar.Individual
			}
			if pg.Year == 0 {
				pg.Year = 2020 + i%7
			}
			pg.SelectedBy, pg.RoundName = holderName, "Đợt xét chọn minh họa"
			at := base.Add(time.Duration(i) * time.Minute)
			pg.First, pg.Published, pg.Revision = at, at, 1
			if pg.Photos == nil {
				pg.Photos = []Photo{}
			}
			d := exemplar.Dossier{UnitID: school, SubjectKind: pg.SubjectKind, CollectiveName: pg.Subject, Category: pg.Category, Title: pg.Title, Summary: pg.Story}
			snap, _ := json.Marshal(d)
			var dossier, version, nomination, id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO dossiers (unit_id, subject_kind, collective_name, subject_key, category, title, summary, version,
				last_frozen, created_at, updated_at) VALUES ($1, 'collective', $2, $3, $4, $5, $6, 1, 1, $7, $7) RETURNING id`,
				school, pg.Subject, fmt.Sprintf("collective:%d:seed-%d", school, i), string(pg.Category), pg.Title, pg.Story, at).Scan(&dossier); err != nil {
				return errs.Wrap(err, "portal: seed dossier")
			}
			if err := tx.QueryRowContext(ctx, `INSERT INTO dossier_versions (dossier_id, number, snapshot, hash, created_at) VALUES ($1, 1, $2, $3, $4) RETURNING id`,
				dossier, string(snap), exemplar.HashOf(snap), at).Scan(&version); err != nil {
				return errs.Wrap(err, "portal: seed version")
			}
			if err := tx.QueryRowContext(ctx, `INSERT INTO nominations (round_id, dossier_id, version_id, subject_key, subject_name, title, category,
				dossier_unit_id, submitting_unit_id, state, decision, decided_at, version, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 'selected', 'selected', $9, 1, $9, $9) RETURNING id`,
				round, dossier, version, fmt.Sprintf("collective:%d:seed-%d", school, i), pg.Subject, pg.Title, string(pg.Category), school, at).Scan(&nomination); err != nil {
				return errs.Wrap(err, "portal: seed nomination")
			}
			content, _ := json.Marshal(Content{Title: pg.Title, SubjectLine: pg.SubjectLine, Story: pg.Story, Achievements: pg.Achievements, Guide: pg.Guide, Photos: []Photo{}})
			if err := tx.QueryRowContext(ctx, `INSERT INTO publications (dossier_id, nomination_id, version_id, unit_id, credited_unit_id, status, content,
				revision, first_published_at, published_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8, $8, $8) RETURNING id`,
				dossier, nomination, version, in.Holder, school, string(Published), string(content), at).Scan(&id); err != nil {
				return errs.Wrap(err, "portal: seed publication")
			}
			pg.ID, pg.Slug = id, SlugOf(pg.Title, id)
			b, _ := json.Marshal(pg)
			if err := s.putEntry(ctx, tx, Publication{ID: id}, pg, string(b)); err != nil {
				return err
			}
			out = append(out, pg)
		}
		return Invalidate(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	if db.Dialect == database.Postgres {
		if _, err := db.W.ExecContext(ctx, "ANALYZE portal_entries"); err != nil {
			return nil, errs.Wrap(err, "portal: analyze")
		}
	}
	return out, nil
}

// The generator's vocabulary: synthetic, education-flavoured Vietnamese.
var (
	seedKinds  = []string{"Mô hình", "Cách làm hay", "Sáng kiến", "Câu lạc bộ", "Phong trào", "Giải pháp", "Dự án"}
	seedThemes = []string{"đọc sách", "thư viện xanh", "giáo dục STEM", "robot tự chế", "an toàn giao thông", "tiết kiệm năng lượng",
		"phân loại rác tại nguồn", "kỹ năng sống", "bơi an toàn", "tiếng Anh giao tiếp", "chuyển đổi số", "sổ liên lạc điện tử",
		"bữa ăn bán trú dinh dưỡng", "vườn rau sạch", "áo ấm cho em", "heo đất nghĩa tình", "đôi bạn cùng tiến", "giờ ra chơi vui",
		"văn hóa đọc", "hoạt động trải nghiệm", "thể dục buổi sáng", "trồng cây xanh", "góc học tập", "kể chuyện về Bác Hồ",
		"điển hình tiên tiến", "người tốt việc tốt", "trường học hạnh phúc", "nói lời hay làm việc tốt", "âm nhạc dân gian",
		"phòng chống đuối nước", "sân chơi tái chế", "khuyến học", "đồng hành cùng phụ huynh"}
	seedPlaces = []string{"tại trường", "cho học sinh tiểu học", "cho trẻ mầm non", "ở lớp chủ nhiệm", "trong tổ chuyên môn",
		"cùng cha mẹ học sinh", "trên địa bàn phường", "trong Liên đội"}
	seedHo    = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
	seedDem   = []string{"Văn", "Thị", "Minh", "Thu", "Ngọc", "Quốc", "Hoàng", "Thanh", "Gia", "Kim"}
	seedTen   = []string{"An", "Bình", "Châu", "Dũng", "Đức", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Khánh", "Lan", "Linh", "Mai", "Nam", "Oanh", "Phúc", "Quân", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến"}
	seedRoles = []string{"Giáo viên chủ nhiệm", "Tổng phụ trách Đội", "Giáo viên Tin học", "Phó Hiệu trưởng", "Nhân viên thư viện", "Giáo viên mầm non", "Giáo viên Ngữ văn"}
	seedFacts = []string{"đạt giải nhất cấp thành phố", "được Sở Giáo dục và Đào tạo tặng giấy khen", "giúp 100% học sinh đọc thông viết thạo",
		"huy động hơn 300 đầu sách", "giảm một nửa số buổi họp phụ huynh", "có 40 học sinh tham gia thường xuyên", "được 5 trường đến học tập kinh nghiệm",
		"tiết kiệm 20% tiền điện mỗi tháng", "quyên góp 25.000.000 đồng học bổng", "được phụ huynh và nhân dân đồng tình ủng hộ"}
	seedLinks = []string{"Từ năm học trước,", "Bằng tinh thần trách nhiệm,", "Với sự đồng hành của phụ huynh,", "Sau hai năm thực hiện,", "Hưởng ứng phong trào thi đua,"}
)

func pick(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }

// generatePage makes one synthetic page.
func generatePage(r *rand.Rand) Page {
	theme := pick(r, seedThemes)
	pg := Page{Title: pick(r, seedKinds) + " " + theme + " " + pick(r, seedPlaces)}
	cats := exemplar.Categories
	pg.Category = cats[r.IntN(len(cats))]
	if r.IntN(3) == 0 {
		pg.SubjectKind, pg.Subject = exemplar.Collective, "Tổ chuyên môn "+pick(r, []string{"Toán", "Ngữ văn", "Tiếng Anh", "Mẫu giáo 5 tuổi", "Khối 3"})
	} else {
		pg.SubjectKind = exemplar.Individual
		pg.Subject = pick(r, seedHo) + " " + pick(r, seedDem) + " " + pick(r, seedTen)
		pg.SubjectLine = pick(r, seedRoles)
	}
	var story []string
	for k := 0; k < 3+r.IntN(4); k++ {
		story = append(story, pick(r, seedLinks)+" "+strings.ToLower(pick(r, seedKinds))+" "+pick(r, seedThemes)+" "+pick(r, seedPlaces)+" đã "+pick(r, seedFacts)+".")
	}
	pg.Story = strings.Join(story, " ")
	pg.Achievements = "- " + upperFirst(pick(r, seedFacts)) + ".\n- Được công nhận " + pick(r, []string{"chiến sĩ thi đua cơ sở", "lao động tiên tiến", "tập thể lao động xuất sắc"}) + "."
	if pg.Category.NeedsGuide() {
		pg.Guide = &exemplar.Guide{Context: "Nhu cầu " + theme + " của học sinh.", Steps: "Khảo sát; lập kế hoạch; triển khai thí điểm; nhân rộng.",
			Resources: "Kinh phí nhỏ, huy động xã hội hóa.", Results: "Học sinh tích cực, " + pick(r, seedFacts) + ".", Conditions: "Có giáo viên phụ trách.",
			Contact: "Ban giám hiệu nhà trường."}
	}
	return pg
}

// upperFirst capitalises the first letter of s.
func upperFirst(s string) string {
	for i, c := range s {
		return strings.ToUpper(string(c)) + s[i+len(string(c)):]
	}
	return s
}
