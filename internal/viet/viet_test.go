package viet

import (
	"sort"
	"strings"
	"testing"
	"time"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Điển hình tiên tiến", "dien hinh tien tien"},
		{"Nguyễn Văn Đức", "nguyen van duc"},
		{"  TRƯỜNG  Mầm non\tHoa Sen ", "truong mam non hoa sen"},
		{"Thuận An", "thuan an"},
		{"Phòng Văn hóa - Xã hội", "phong van hoa - xa hoi"},
		{"Ủy ban", "uy ban"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// Decomposed input folds the same as precomposed.
	if Fold("Nguye\u0302\u0303n") != "nguyen" {
		t.Errorf("decomposed input not folded: %q", Fold("Nguye\u0302\u0303n"))
	}
}

// TestFoldTable checks the fast fold against foldSlow on every rune it
// folds from its table, alone and between words, and on mixed text.
func TestFoldTable(t *testing.T) {
	for _, rg := range foldRanges {
		for c := rg[0]; c <= rg[1]; c++ {
			for _, s := range []string{string(c), "Ab " + string(c) + "x  Đỗ", "e" + string(c), string(c) + string(c) + " "} {
				if got, want := Fold(s), foldSlow(s); got != want {
					t.Errorf("Fold(%q) = %q, foldSlow = %q", s, got, want)
				}
			}
		}
	}
	for _, s := range []string{"", "   ", "\u00a0Trường\u00a0Tiểu học\u2003A ", "Ngữ văn 10A1 — 2025-2026", "Hà Nội 北京 Đà Nẵng", "ﬁle ẞ İstanbul",
		"Nguye\u0302\u0303n Thi\u0323 Đa\u0300o", "\tTỔ  KHỐI\n5 "} {
		if got, want := Fold(s), foldSlow(s); got != want {
			t.Errorf("Fold(%q) = %q, foldSlow = %q", s, got, want)
		}
	}
}

func TestNFC(t *testing.T) {
	if got := NFC("  Nguye\u0302\u0303n   Văn "); got != "Nguyễn Văn" {
		t.Errorf("NFC = %q", got)
	}
}

func TestCompareNamesSortsByTenThenDemThenHo(t *testing.T) {
	type p struct{ ho, dem, ten string }
	people := []p{
		{"Trần", "Thị", "Đào"},
		{"Nguyễn", "Văn", "Dũng"},
		{"Lê", "Thị", "Ánh"},
		{"Phạm", "Văn", "An"},
		{"Nguyễn", "Thị", "Ăn"},
		{"Võ", "Anh", "Tuấn"},
		{"Bùi", "Anh", "Tuấn"},
	}
	c := Collator()
	sort.SliceStable(people, func(i, j int) bool {
		a, b := people[i], people[j]
		return CompareNames(c, a.ho, a.dem, a.ten, b.ho, b.dem, b.ten) < 0
	})
	var got []string
	for _, x := range people {
		got = append(got, FullName(x.ho, x.dem, x.ten))
	}
	want := []string{"Phạm Văn An", "Lê Thị Ánh", "Nguyễn Thị Ăn", "Nguyễn Văn Dũng", "Trần Thị Đào", "Bùi Anh Tuấn", "Võ Anh Tuấn"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("order = %v\nwant    %v", got, want)
		}
	}
}

func TestDateAndNumbers(t *testing.T) {
	tests := []struct {
		d    time.Time
		want string
	}{
		{time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), "ngày 05 tháng 01 năm 2026"},
		{time.Date(2026, 2, 15, 0, 0, 0, 0, time.UTC), "ngày 15 tháng 02 năm 2026"},
		{time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC), "ngày 20 tháng 11 năm 2025"},
		{time.Date(2025, 3, 9, 0, 0, 0, 0, time.UTC), "ngày 09 tháng 3 năm 2025"},
	}
	for _, tt := range tests {
		if got := Date(tt.d); got != tt.want {
			t.Errorf("Date(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1.000", 1234567: "1.234.567", -45000: "-45.000"} {
		if got := Int(n); got != want {
			t.Errorf("Int(%d) = %q, want %q", n, got, want)
		}
	}
	if got := Decimal(1234.5, 1); got != "1.234,5" {
		t.Errorf("Decimal = %q", got)
	}
	if got := SchoolYear(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)); got != "2025-2026" {
		t.Errorf("SchoolYear = %q", got)
	}
	if d, ok := ParseDate("30/6/2025"); !ok || d.Format("2006-01-02") != "2025-06-30" {
		t.Errorf("ParseDate = %v %v", d, ok)
	}
	if ho, dem, ten := SplitName("Võ  Anh Tuấn"); ho != "Võ" || dem != "Anh" || ten != "Tuấn" {
		t.Errorf("SplitName = %q %q %q", ho, dem, ten)
	}
}

func TestText(t *testing.T) {
	in := "  \r\nMu\u0323c đi\u0301ch  \r\n\r\n\r\n- Ý một\t\r- Ý hai\u00a0\n\n\n"
	if got, want := Text(in), "Mục đích\n\n- Ý một\n- Ý hai"; got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
}

// BenchmarkFold folds what the stores fold on every write and search: a
// short ASCII query, a name, and a paragraph of Vietnamese.
func BenchmarkFold(b *testing.B) {
	for _, c := range []struct{ name, s string }{
		{"ascii-query", "dien hinh tien tien"},
		{"name", "Trường Tiểu học Nguyễn Đình Chiểu"},
		{"paragraph", strings.Repeat("Đổi mới phương pháp dạy học, xây dựng trường học hạnh phúc; học sinh tích cực tham gia. ", 8)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Fold(c.s)
			}
		})
	}
}
