package activity

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/unit"
)

// seedList logs, for schools A, B and C, activities over two school years
// in several forms, and returns them by title.
func (e *env) seedList() map[string]Activity {
	e.t.Helper()
	out := map[string]Activity{}
	add := func(sc access.Scope, u int64, title string, day [3]int, f Form, desc string) {
		in := input(e.a, title, d(day[0], time.Month(day[1]), day[2]), f)
		in.UnitID, in.Description = u, desc
		a := e.create(sc, in)
		out[title] = a
	}
	add(e.staffA, e.a.ID, "Tọa đàm Ngày Nhà giáo", [3]int{2024, 11, 18}, Seminar, "Tri ân thầy cô giáo về hưu")
	add(e.staffA, e.a.ID, "Giao lưu điển hình", [3]int{2025, 3, 26}, Exchange, "Gặp gỡ Đoàn viên tiêu biểu")
	add(e.staffA, e.a.ID, "Văn nghệ chào mừng 20/11", [3]int{2025, 11, 19}, Culture, "Hội diễn văn nghệ toàn trường")
	add(e.staffA, e.a.ID, "Tọa đàm đổi mới phương pháp", [3]int{2025, 12, 10}, Seminar, "Điển hình tiên tiến về chuyển đổi số")
	add(e.staffA, e.a.ID, "Pano cổ động 11/6", [3]int{2026, 6, 11}, Visual, "Kỷ niệm Ngày truyền thống thi đua yêu nước")
	add(e.staffB, e.b.ID, "Tin bài trên trang trường B", [3]int{2025, 10, 2}, Online, "Bài viết về Đức, giáo viên dạy giỏi")
	add(e.staffB, e.b.ID, "Tọa đàm của trường B", [3]int{2025, 11, 15}, Seminar, "Chia sẻ kinh nghiệm")
	add(e.officer2, e.c.ID, "Phối hợp báo, đài ở trường C", [3]int{2025, 9, 5}, Press, "Phóng sự khai giảng")
	return out
}

func titles(as []Activity) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Title
	}
	return out
}

func TestListFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		m, c, _ := e.movements()
		seeded := e.seedList()
		// Link two of A's activities to the movement, one through the campaign.
		for i, title := range []string{"Văn nghệ chào mừng 20/11", "Tọa đàm đổi mới phương pháp"} {
			a := seeded[title]
			in := a.Input()
			if i == 0 {
				in.CampaignIDs = []int64{c}
			} else {
				in.MovementIDs = []int64{m}
			}
			if _, err := e.s.Update(ctx, e.staffA, a.ID, a.Version, in); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct {
			name string
			sc   access.Scope
			f    Filter
			want []string
		}{
			{"school A, newest first", e.staffA, Filter{},
				[]string{"Pano cổ động 11/6", "Tọa đàm đổi mới phương pháp", "Văn nghệ chào mừng 20/11", "Giao lưu điển hình", "Tọa đàm Ngày Nhà giáo"}},
			{"ward 1 officer, one school year", e.officer1, Filter{SchoolYear: 2025},
				[]string{"Pano cổ động 11/6", "Tọa đàm đổi mới phương pháp", "Văn nghệ chào mừng 20/11", "Tọa đàm của trường B", "Tin bài trên trang trường B"}},
			{"ward 1 officer, year and form", e.officer1, Filter{SchoolYear: 2025, Form: Seminar},
				[]string{"Tọa đàm đổi mới phương pháp", "Tọa đàm của trường B"}},
			{"ward 1 officer, school B only", e.officer1, Filter{UnitID: e.b.ID}, []string{"Tọa đàm của trường B", "Tin bài trên trang trường B"}},
			{"staff of A asking for B's subtree", e.staffA, Filter{UnitID: e.o1.ID, Form: Online}, nil},
			{"period from/to", e.officer1, Filter{From: dp(2025, 11, 1), To: dp(2025, 11, 30)},
				[]string{"Văn nghệ chào mừng 20/11", "Tọa đàm của trường B"}},
			{"planned", e.officer1, Filter{Status: Planned}, []string{"Pano cổ động 11/6"}},
			{"movement", e.officer1, Filter{MovementID: m}, []string{"Tọa đàm đổi mới phương pháp", "Văn nghệ chào mừng 20/11"}},
			{"campaign", e.officer1, Filter{CampaignID: c}, []string{"Văn nghệ chào mừng 20/11"}},
			{"folded search", e.officer1, Filter{Query: "dien hinh"}, []string{"Tọa đàm đổi mới phương pháp", "Giao lưu điển hình"}},
			{"đ folds to d", e.officer1, Filter{Query: "duc giao vien"}, []string{"Tin bài trên trang trường B"}},
			{"words match as prefixes", e.officer1, Filter{Query: "GIAO lu"}, []string{"Giao lưu điển hình"}},
			{"not inside a word", e.officer1, Filter{Query: "iao"}, nil},
			{"school C from ward 2", e.officer2, Filter{}, []string{"Phối hợp báo, đài ở trường C"}},
			{"viewer sees like staff", e.viewerA, Filter{Form: Visual}, []string{"Pano cổ động 11/6"}},
			{"no role, nothing", access.Scope{UserID: 999, Username: "x"}, Filter{}, nil},
			{"system, everything in a year and form", access.System(), Filter{SchoolYear: 2025, Form: Press}, []string{"Phối hợp báo, đài ở trường C"}},
		} {
			p, err := e.s.List(ctx, tc.sc, tc.f)
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
				continue
			}
			if got := titles(p.Items); !slices.Equal(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
				t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
			}
			if p.Total != len(tc.want) {
				t.Errorf("%s: total %d, want %d", tc.name, p.Total, len(tc.want))
			}
		}
		// A department's list (most units: counted through the units
		// outside it) leaves out another tree's activities.
		other, err := (&unit.Store{DB: db}).Create(ctx, access.System(), unit.Input{Kind: unit.Department, Code: "KHAC", Name: "Sở khác"})
		if err != nil {
			t.Fatal(err)
		}
		writer := access.Scope{UserID: e.staffA.UserID, Username: "x", Grants: []access.Grant{{Path: access.SystemPath, Role: access.Staff}}}
		e.create(writer, input(other, "Tọa đàm ở sở khác", d(2025, 11, 20), Seminar))
		dep := access.Scope{UserID: 1, Username: "so", Grants: []access.Grant{{UnitID: e.so.ID, Path: e.so.Path, Role: access.Leader}}}
		for _, tc := range []struct {
			name string
			sc   access.Scope
			f    Filter
			want int
			form map[Form]int
		}{
			{"department", dep, Filter{}, 8, map[Form]int{Seminar: 3, Exchange: 1, Culture: 1, Visual: 1, Online: 1, Press: 1}},
			{"department, year and form", dep, Filter{SchoolYear: 2025, Form: Seminar}, 2, map[Form]int{Seminar: 2, Culture: 1, Visual: 1, Online: 1, Press: 1}},
			{"department, ward 2", dep, Filter{UnitID: e.w2.ID}, 1, map[Form]int{Press: 1}},
			{"system", writer, Filter{}, 9, map[Form]int{Seminar: 4, Exchange: 1, Culture: 1, Visual: 1, Online: 1, Press: 1}},
			{"department, words", dep, Filter{Query: "toa dam"}, 3, map[Form]int{Seminar: 3}},
			{"department, movement", dep, Filter{MovementID: m}, 2, map[Form]int{Seminar: 1, Culture: 1}},
			{"department, campaign", dep, Filter{CampaignID: c}, 1, map[Form]int{Culture: 1}},
		} {
			p, err := e.s.List(ctx, tc.sc, tc.f)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if p.Total != tc.want || len(p.Items) != tc.want {
				t.Errorf("%s: total %d, %d items, want %d", tc.name, p.Total, len(p.Items), tc.want)
			}
			for _, f := range Forms {
				if p.ByForm[f] != tc.form[f] {
					t.Errorf("%s: ByForm[%s] = %d, want %d", tc.name, f, p.ByForm[f], tc.form[f])
				}
			}
		}

		// Moving an activity to another day and form moves its count.
		moved := seeded["Giao lưu điển hình"]
		in := moved.Input()
		in.Date, in.Form = d(2025, 12, 24), Culture
		if _, err := e.s.Update(ctx, e.staffA, moved.ID, moved.Version, in); err != nil {
			t.Fatal(err)
		}
		e.checkDayCounts()
		if p, err := e.s.List(ctx, dep, Filter{SchoolYear: 2025}); err != nil || p.ByForm[Culture] != 2 || p.ByForm[Exchange] != 0 || p.Total != 7 {
			t.Errorf("department after the move: %v %v, %v", p.Total, p.ByForm, err)
		}
		if err := e.s.Delete(ctx, e.staffA, moved.ID, moved.Version+1); err != nil {
			t.Fatal(err)
		}
		e.checkDayCounts()
		seeded["Giao lưu điển hình"] = moved
		e.create(e.staffA, func() Input {
			in := input(e.a, "Giao lưu điển hình", d(2025, 3, 26), Exchange)
			in.Description = "Gặp gỡ Đoàn viên tiêu biểu"
			return in
		}())

		// The forms' counts ignore the form filter and share the rest.
		p, err := e.s.List(ctx, e.officer1, Filter{SchoolYear: 2025, Form: Seminar})
		if err != nil {
			t.Fatal(err)
		}
		want := map[Form]int{Seminar: 2, Culture: 1, Visual: 1, Online: 1}
		for _, f := range Forms {
			if p.ByForm[f] != want[f] {
				t.Errorf("ByForm[%s] = %d, want %d", f, p.ByForm[f], want[f])
			}
		}
		// Outside the scope: NotFound, not an empty list.
		if _, err := e.s.List(ctx, e.staffA, Filter{UnitID: e.c.ID}); !errs.Is(err, errs.NotFound) {
			t.Errorf("staff of A filtering by school C: %v, want NotFound", err)
		}
		if _, err := e.s.List(ctx, e.staffA, Filter{Status: "soon"}); !errs.Is(err, errs.Invalid) {
			t.Errorf("unknown status: %v", err)
		}
		if _, err := e.s.List(ctx, e.staffA, Filter{After: "x"}); !errs.Is(err, errs.Invalid) {
			t.Errorf("bad cursor: %v", err)
		}
	})
}

func TestListPagesByCursor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		// 23 activities, several on the same day, so ties are broken by id.
		var all []string
		for i := 0; i < 23; i++ {
			title := fmt.Sprintf("Hoạt động số %02d", i)
			e.create(e.staffA, input(e.a, title, d(2025, 10, 1+i/3), Forms[i%(len(Forms)-1)]))
			all = append([]string{title}, all...) // newest first: later days, then higher ids
		}
		var got []string
		f := Filter{Limit: 5}
		var pages []Page
		for {
			p, err := e.s.List(ctx, e.officer1, f)
			if err != nil {
				t.Fatal(err)
			}
			if p.Total != 23 {
				t.Fatalf("total %d", p.Total)
			}
			pages = append(pages, p)
			got = append(got, titles(p.Items)...)
			if p.Next == "" {
				break
			}
			f.After = p.Next
		}
		if !slices.Equal(got, all) {
			t.Fatalf("paged through %q\nwant %q", got, all)
		}
		if len(pages) != 5 || pages[0].Prev != "" || pages[4].Next != "" || pages[1].Prev == "" {
			t.Errorf("%d pages; first prev %q, last next %q, second prev %q", len(pages), pages[0].Prev, pages[4].Next, pages[1].Prev)
		}
		// Back from the last page to the first, by Prev.
		f = Filter{Limit: 5, Before: pages[4].Prev}
		for i := 3; i >= 0; i-- {
			p, err := e.s.List(ctx, e.officer1, f)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(titles(p.Items), titles(pages[i].Items)) {
				t.Fatalf("back to page %d: %q, want %q", i, titles(p.Items), titles(pages[i].Items))
			}
			if p.Next != pages[i].Next {
				t.Errorf("page %d reached backwards: next %q, want %q", i, p.Next, pages[i].Next)
			}
			if (i == 0) != (p.Prev == "") {
				t.Errorf("page %d reached backwards: prev %q", i, p.Prev)
			}
			f.Before = p.Prev
		}
		// Offsets still work for API clients.
		p, err := e.s.List(ctx, e.officer1, Filter{Limit: 5, Offset: 20})
		if err != nil || !slices.Equal(titles(p.Items), all[20:]) || p.Next != "" || p.Prev == "" {
			t.Errorf("offset 20: %q next %q prev %q, %v", titles(p.Items), p.Next, p.Prev, err)
		}
	})
}

// TestSearchFollowsEdits: the word index follows edits and deletions.
func TestSearchFollowsEdits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		a := e.create(e.staffA, input(e.a, "Hội thi kể chuyện Bác Hồ", d(2025, 5, 19), Culture))
		found := func(q string) int {
			t.Helper()
			p, err := e.s.List(ctx, e.staffA, Filter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			return p.Total
		}
		if found("ke chuyen bac") != 1 || found("lien hoan") != 0 {
			t.Fatalf("before the edit: %d, %d", found("ke chuyen bac"), found("lien hoan"))
		}
		in := a.Input()
		in.Title = "Liên hoan văn nghệ"
		if _, err := e.s.Update(ctx, e.staffA, a.ID, a.Version, in); err != nil {
			t.Fatal(err)
		}
		if found("ke chuyen bac") != 0 || found("lien hoan") != 1 {
			t.Errorf("after the edit: %d, %d", found("ke chuyen bac"), found("lien hoan"))
		}
		if err := e.s.Delete(ctx, e.staffA, a.ID, a.Version+1); err != nil {
			t.Fatal(err)
		}
		if found("lien hoan") != 0 {
			t.Error("a deleted activity is still found")
		}
	})
}
