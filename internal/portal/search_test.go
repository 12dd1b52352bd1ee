package portal_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/exemplar"
	"thidua/internal/portal"
)

// handPages are pages with known words, for the ranking expectations.
func handPages() []portal.Page {
	return []portal.Page{
		{Title: "Điển hình tiên tiến trong dạy học Toán", Story: "Cô giáo dạy Toán bằng trò chơi.", Category: exemplar.Outstanding,
			SubjectKind: exemplar.Individual, Subject: "Nguyễn Thị Hoa"},
		{Title: "Gương sáng của thầy giáo vùng ven", Story: "Thầy là điển hình tiên tiến của ngành giáo dục phường.", Category: exemplar.GoodDeed,
			SubjectKind: exemplar.Individual, Subject: "Lâm Văn Đức"},
		{Title: "Tiên tiến và điển hình trong công tác Đội", Story: "Liên đội đạt danh hiệu vững mạnh.", Category: exemplar.Outstanding,
			SubjectKind: exemplar.Collective, Subject: "Liên đội Trường Tiểu học Lái Thiêu"},
		{Title: "Câu lạc bộ bơi an toàn", Story: "Một điển hình về an toàn dưới nước; thầy cô tiên tiến, tận tụy.", Category: exemplar.GoodPractice,
			SubjectKind: exemplar.Collective, Subject: "Tổ Bơi lội",
			Guide: &exemplar.Guide{Context: "Nhiều kênh rạch.", Steps: "Dạy bơi miễn phí.", Resources: "Hồ bơi.", Results: "300 em biết bơi.", Conditions: "Có hồ bơi.", Contact: "Tổ Bơi lội."}},
		{Title: "Câu lạc bộ tiếng Anh lớp 5A", Story: "Mã lớp 5A, dự án covid19 và 12e5 bài tập, x2y, A1, 0123.", Category: exemplar.NewModel,
			SubjectKind: exemplar.Collective, Subject: "Lớp 5A",
			Guide: &exemplar.Guide{Context: "Học sinh ngại nói.", Steps: "Sinh hoạt hằng tuần.", Resources: "Loa, máy chiếu.", Results: "Tự tin giao tiếp.", Conditions: "Giáo viên tiếng Anh.", Contact: "Tổ Tiếng Anh."}},
		{Title: "Trường Đức Trí với phong trào đọc sách", Story: "Sách hay mỗi ngày; ĐỨC, đức độ.", Category: exemplar.Outstanding,
			SubjectKind: exemplar.Collective, Subject: "Trường Tiểu học Đức Trí"},
	}
}

// seedSearch fills db with the hand pages and n generated ones.
func seedSearch(t testing.TB, db *database.DB, n int) ([]portal.Page, dbtest.Province) {
	t.Helper()
	prov := dbtest.SeedProvince(t, db, 80, 0)
	var schools []int64
	for _, w := range prov.Wards {
		for _, s := range w.Schools {
			schools = append(schools, s.ID)
		}
	}
	pages, err := portal.Seed(context.Background(), db, portal.SeedInput{Holder: prov.Department.ID, Schools: schools, N: n, Seed: 7, Pages: handPages()})
	if err != nil {
		t.Fatal(err)
	}
	return pages, prov
}

func ids(r portal.Results) []string {
	out := make([]string, len(r.Cards))
	for i, c := range r.Cards {
		out[i] = fmt.Sprintf("%d:%d", c.ID, c.Score)
	}
	return out
}

func titles(r portal.Results) []string {
	out := make([]string, len(r.Cards))
	for i, c := range r.Cards {
		out[i] = c.Title
	}
	return out
}

// TestSearchFindsAndRanks checks the examples and the ranking
// rules on the hand pages.
func TestSearchFindsAndRanks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		seedSearch(t, db, 0)
		s := &portal.Store{DB: db}
		ctx := context.Background()
		search := func(q portal.Query) portal.Results {
			t.Helper()
			r, err := s.Search(ctx, q)
			if err != nil {
				t.Fatalf("search %+v: %v", q, err)
			}
			return r
		}
		// Title phrase, then title words scattered, then the phrase in the
		// body, then the words scattered in the body.
		r := search(portal.Query{Text: "dien hinh tien tien"})
		want := []string{"Điển hình tiên tiến trong dạy học Toán", "Tiên tiến và điển hình trong công tác Đội", "Gương sáng của thầy giáo vùng ven", "Câu lạc bộ bơi an toàn"}
		if got := titles(r); !slices.Equal(got, want) || r.Total != 4 {
			t.Errorf("“dien hinh tien tien” = %q (total %d), want %q", got, r.Total, want)
		}
		// Without diacritics, with them, in capitals: the same.
		for _, q := range []string{"điển hình tiên tiến", "ĐIỂN HÌNH TIÊN TIẾN", "Dien  Hinh, tien-tien!"} {
			if got := titles(search(portal.Query{Text: q})); !slices.Equal(got, want) {
				t.Errorf("%q = %q, want %q", q, got, want)
			}
		}
		// "duc" finds Đức: in a name (body) and in a title; title first.
		r = search(portal.Query{Text: "duc"})
		if got := titles(r); !slices.Equal(got, []string{"Trường Đức Trí với phong trào đọc sách", "Gương sáng của thầy giáo vùng ven"}) {
			t.Errorf("“duc” = %q", got)
		}
		// Whole words: "tien" is not "tiếng".
		for _, c := range search(portal.Query{Text: "tien"}).Cards {
			if strings.Contains(c.Title, "tiếng") {
				t.Errorf("“tien” found %q", c.Title)
			}
		}
		if r := search(portal.Query{Text: "tieng anh"}); r.Total != 1 || r.Cards[0].Title != "Câu lạc bộ tiếng Anh lớp 5A" {
			t.Errorf("“tieng anh” = %q", titles(r))
		}
		// Words with digits are words.
		for _, q := range []string{"5a", "lớp 5A", "covid19", "12e5", "x2y", "a1", "0123"} {
			if r := search(portal.Query{Text: q}); r.Total != 1 || !strings.Contains(r.Cards[0].Title, "5A") {
				t.Errorf("%q = %q", q, titles(r))
			}
		}
		// The index holds only the page: nothing else.
		if r := search(portal.Query{Text: "Nguyen Thi Hoa"}); r.Total != 1 {
			t.Errorf("the subject's name is not searchable: %q", titles(r))
		}
		// Filters.
		if r := search(portal.Query{Category: exemplar.GoodPractice}); r.Total != 1 || r.Cards[0].Title != "Câu lạc bộ bơi an toàn" {
			t.Errorf("category filter = %q", titles(r))
		}
		if r := search(portal.Query{Text: "dien hinh", Category: exemplar.Outstanding}); r.Total != 2 {
			t.Errorf("words and category = %q", titles(r))
		}
		if r := search(portal.Query{Text: "khong co tu nay"}); r.Total != 0 || len(r.Cards) != 0 {
			t.Errorf("unknown word = %q", titles(r))
		}
		// Paging.
		all := search(portal.Query{PerPage: 4})
		if all.Total != 6 || all.Pages != 2 || len(all.Cards) != 4 {
			t.Errorf("page 1 of 4: total %d pages %d cards %d", all.Total, all.Pages, len(all.Cards))
		}
		p2 := search(portal.Query{PerPage: 4, Page: 2})
		if len(p2.Cards) != 2 || p2.Total != 6 {
			t.Errorf("page 2: %d cards, total %d", len(p2.Cards), p2.Total)
		}
		if p9 := search(portal.Query{PerPage: 4, Page: 9}); len(p9.Cards) != 0 || p9.Total != 6 || p9.Pages != 2 {
			t.Errorf("past the end: %d cards, total %d, pages %d", len(p9.Cards), p9.Total, p9.Pages)
		}
	})
}

// TestSearchInputCannotBreakTheQuery sends what the FTS5 and tsquery
// syntaxes treat specially: every query must run, and find by its words.
func TestSearchInputCannotBreakTheQuery(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		seedSearch(t, db, 0)
		s := &portal.Store{DB: db}
		for _, q := range []string{`"`, `"dien`, `dien*`, `(dien OR hinh)`, `title:duc`, `duc NOT hoa`, `NEAR(dien hinh)`, `^duc`, `-duc`,
			`dien & hinh`, `dien | hinh`, `!duc`, `dien <-> hinh`, `'duc'`, `\`, `{title}: duc`, `%`, `_`, `duc;DROP TABLE portal_entries`,
			`AND`, `OR OR`, strings.Repeat("duc ", 50), "\x00duc", `“Đức”`} {
			r, err := s.Search(context.Background(), portal.Query{Text: q})
			if err != nil {
				t.Errorf("search %q: %v", q, err)
				continue
			}
			// Whatever surrounds it, a query whose only word is "duc" finds Đức.
			if words := portal.QueryWords(q); len(words) > 0 && strings.Join(slices.Compact(words), " ") == "duc" && r.Total == 0 {
				t.Errorf("search %q found nothing", q)
			}
		}
		if got := portal.QueryWords(strings.Repeat("a ", 40)); len(got) != 10 {
			t.Errorf("QueryWords keeps %d words, want 10", len(got))
		}
	})
}

// searchCases are the queries compared across the databases.
func searchCases(prov dbtest.Province) []portal.Query {
	texts := []string{"", "dien hinh tien tien", "dien hinh", "tien", "duc", "doc sach", "thu vien xanh", "stem", "an toan giao thong",
		"nguyen van", "hoc sinh tieu hoc", "phu huynh", "nam", "giai nhat cap thanh pho", "mo hinh", "tiet kiem nang luong", "cach lam hay",
		"giao vien chu nhiem", "truong hoc hanh phuc", "ky nang song", "5a", "12e5", "covid19", "to chuyen mon", "ho", "thi",
		"van hoa doc", "heo dat nghia tinh", "sang kien", "tai truong", "cho tre mam non", "lien doi", "thay co", "dat giai"}
	var out []portal.Query
	for _, q := range texts {
		out = append(out, portal.Query{Text: q}, portal.Query{Text: q, Page: 2}, portal.Query{Text: q, PerPage: 7, Page: 3})
	}
	for _, c := range exemplar.Categories {
		out = append(out, portal.Query{Text: "hoc sinh", Category: c}, portal.Query{Category: c, Page: 2})
	}
	for _, y := range []int{2020, 2023, 2026} {
		out = append(out, portal.Query{Text: "mo hinh", Year: y}, portal.Query{Year: y})
	}
	for _, l := range []string{"MN", "TH", "THCS"} {
		out = append(out, portal.Query{Text: "sach", Level: l}, portal.Query{Level: l})
	}
	out = append(out, portal.Query{UnitID: prov.Wards[0].Office.ID}, portal.Query{Text: "doc", UnitID: prov.Wards[1].Node.ID},
		portal.Query{UnitID: prov.Wards[0].Schools[0].ID}, portal.Query{Text: "tien", UnitID: prov.Department.ID, Category: exemplar.NewModel})
	return out
}

// TestSearchSameOnBothDatabases runs the same searches on SQLite and
// PostgreSQL over the same entries and requires the same results: the
// same entries, in the same order, with the same rank and total.
func TestSearchSameOnBothDatabases(t *testing.T) {
	if os.Getenv(dbtest.EnvPostgres) == "" {
		t.Skip("the comparison needs PostgreSQL: set " + dbtest.EnvPostgres + " (for example postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	const n = 600
	lite, pg := dbtest.SQLite(t), dbtest.Postgres(t)
	_, prov := seedSearch(t, lite, n)
	_, prov2 := seedSearch(t, pg, n)
	if prov.Wards[0].Office.ID != prov2.Wards[0].Office.ID {
		t.Fatalf("the two seeds differ: office %d and %d", prov.Wards[0].Office.ID, prov2.Wards[0].Office.ID)
	}
	a, b := &portal.Store{DB: lite}, &portal.Store{DB: pg}
	ctx := context.Background()
	nonEmpty := 0
	for _, q := range searchCases(prov) {
		ra, err := a.Search(ctx, q)
		if err != nil {
			t.Fatalf("sqlite %+v: %v", q, err)
		}
		rb, err := b.Search(ctx, q)
		if err != nil {
			t.Fatalf("postgres %+v: %v", q, err)
		}
		if ra.Total != rb.Total || !slices.Equal(ids(ra), ids(rb)) {
			t.Errorf("%+v:\n  sqlite   total %d %v\n  postgres total %d %v", q, ra.Total, ids(ra), rb.Total, ids(rb))
		}
		if ra.Total > 0 {
			nonEmpty++
		}
	}
	if nonEmpty < 60 {
		t.Errorf("only %d of the compared searches found anything: the comparison is too weak", nonEmpty)
	}
}

// TestWarmSearchCarriesRankings: after a change the public can see,
// WarmSearch loads the new snapshot and ranks on it again the queries
// asked before, latest first, with the same results as a search would.
func TestWarmSearchCarriesRankings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		seedSearch(t, db, 0)
		s := &portal.Store{DB: db}
		ctx := context.Background()
		if err := s.WarmSearch(ctx, portal.State{}); err != nil { // the first snapshot: nothing to carry
			t.Fatal(err)
		}
		for _, q := range []string{"duc", "Điển hình tiên tiến", "tieng anh"} {
			if _, err := s.Search(ctx, portal.Query{Text: q}); err != nil {
				t.Fatal(err)
			}
		}
		before, gen := portal.Ranked(s), s.SearchGeneration()
		if err := db.Tx(ctx, func(tx *sql.Tx) error { return portal.Invalidate(ctx, tx) }); err != nil {
			t.Fatal(err)
		}
		st, err := s.State(ctx)
		if err != nil || st.Generation <= gen {
			t.Fatalf("state %+v after the change (was %d): %v", st, gen, err)
		}
		if err := s.WarmSearch(ctx, st); err != nil {
			t.Fatal(err)
		}
		after, newGen := portal.Ranked(s), s.SearchGeneration()
		if newGen != st.Generation || !slices.Equal(after, before) || !slices.Equal(after, []string{"tieng anh", "dien hinh tien tien", "duc"}) {
			t.Fatalf("after the warm-up: %q at %d, before %q at %d", after, newGen, before, gen)
		}
		if r, err := s.Search(ctx, portal.Query{Text: "duc"}); err != nil || !slices.Equal(titles(r), []string{"Trường Đức Trí với phong trào đọc sách", "Gương sáng của thầy giáo vùng ven"}) {
			t.Errorf("“duc” on the carried ranking = %q (%v)", titles(r), err)
		}
	})
}
