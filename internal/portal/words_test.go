package portal

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"thidua/internal/viet"
)

// slowWords is the definition Words must agree with.
func slowWords(s string) []string {
	return strings.FieldsFunc(viet.Fold(s), func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') })
}

func TestWordsAgreesWithFold(t *testing.T) {
	cases := []string{"Điển hình tiên tiến", "ĐỨC đức Đức", "Nguyễn Thị Ngọc Ánh", "lớp 5A, covid19 & 12e5!", "Trường TH&THCS Lý Tự Trọng",
		"  nhiều   khoảng trắng\t\n", "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ ÈÉẺẼẸÊỀẾỂỄỆ ÌÍỈĨỊ ÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ ÙÚỦŨỤƯỪỨỬỮỰ ỲÝỶỸỴ Đ",
		"straße Æsop øre ǅ ﬁ", "“trích dẫn” – gạch — dài…", "日本語 và tiếng Việt", "emoji 😀 giữa"}
	// Every rune of the folding table, alone and inside words.
	for r := range foldTable {
		cases = append(cases, string(r), "a"+string(r)+"b", string(unicode.ToUpper(r)))
	}
	// The same texts decomposed (NFD), as some keyboards send them.
	for _, c := range cases[:11] {
		cases = append(cases, norm.NFD.String(c))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	letters := []rune("aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ0123456789 ,.-ĐÀÉ")
	for i := 0; i < 2000; i++ {
		var b strings.Builder
		for j := 0; j < 1+rng.IntN(30); j++ {
			b.WriteRune(letters[rng.IntN(len(letters))])
		}
		cases = append(cases, b.String())
	}
	for _, c := range cases {
		if got, want := Words(c), slowWords(c); !slices.Equal(got, want) {
			t.Errorf("Words(%q) = %q, FieldsFunc(viet.Fold) = %q", c, got, want)
		}
	}
}
