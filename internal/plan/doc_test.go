package plan

import (
	"reflect"
	"strings"
	"testing"
)

func TestParas(t *testing.T) {
	got := Paras("Mở đầu.\n\n- Tuyên truyền về “*Cả nước chung sức xây dựng nông thôn mới*”, “*Doanh nghiệp*”...\n  a) Đối tượng: 5 * 3\n-\n")
	want := []Para{
		{Runs: []Run{{Text: "Mở đầu."}}},
		{Bullet: true, Runs: []Run{{Text: "- Tuyên truyền về “"}, {Text: "Cả nước chung sức xây dựng nông thôn mới", Italic: true}, {Text: "”, “"},
			{Text: "Doanh nghiệp", Italic: true}, {Text: "”..."}}},
		{Runs: []Run{{Text: "a) Đối tượng: 5 * 3"}}},
		{Bullet: true, Runs: []Run{{Text: "-"}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Paras =\n%+v\nwant\n%+v", got, want)
	}
	if got[1].Text() != "- Tuyên truyền về “Cả nước chung sức xây dựng nông thôn mới”, “Doanh nghiệp”..." {
		t.Errorf("Text = %q", got[1].Text())
	}
}

func TestOutlineRenumbers(t *testing.T) {
	p := Plan{Sections: Sections{Intro: "Căn cứ.", Purpose: "Mục đích.", Content: "Nội dung.", Exemplars: "Điển hình.", Organization: "Tổ chức.", Closing: "Trên đây./."}}
	var heads []string
	for _, part := range p.Outline() {
		heads = append(heads, part.Heading)
	}
	want := []string{"", "I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG", "1. Nội dung tuyên truyền", "2. " + HeadExemplars, "III. TỔ CHỨC THỰC HIỆN", ""}
	if !reflect.DeepEqual(heads, want) {
		t.Errorf("headings = %q", heads)
	}
	p.Sections = Sections{Organization: "Tổ chức."}
	if o := p.Outline(); len(o) != 1 || o[0].Heading != "I. TỔ CHỨC THỰC HIỆN" {
		t.Errorf("outline of a one-section plan = %+v", o)
	}
}

func TestSignerLines(t *testing.T) {
	for _, c := range []struct {
		s    Signer
		want string
	}{
		{Signer{Form: SignKT, Authority: "Trưởng phòng", Title: "Phó Trưởng phòng"}, "KT. TRƯỞNG PHÒNG|PHÓ TRƯỞNG PHÒNG"},
		{Signer{Form: SignTM, Authority: "Ủy ban nhân dân", Title: "Chủ tịch"}, "TM. ỦY BAN NHÂN DÂN|CHỦ TỊCH"},
		{Signer{Form: SignQ, Authority: "Hiệu trưởng"}, "Q. HIỆU TRƯỞNG"},
		{Signer{Title: "Hiệu trưởng"}, "HIỆU TRƯỞNG"},
		{Signer{Form: SignTUQ, Authority: "Giám đốc", Title: "Chánh Văn phòng"}, "TUQ. GIÁM ĐỐC|CHÁNH VĂN PHÒNG"},
	} {
		if got := strings.Join(c.s.Lines(), "|"); got != c.want {
			t.Errorf("%+v: %q, want %q", c.s, got, c.want)
		}
	}
}

func TestAbbreviationAndNumbers(t *testing.T) {
	for name, want := range map[string]string{
		"Phòng Giáo dục và Đào tạo thành phố Thuận An": "PGDĐT",
		"Sở Giáo dục và Đào tạo Thành phố Hồ Chí Minh": "SGDĐT",
		"Phòng Văn hóa - Xã hội phường Lái Thiêu":      "VHXH",
		"Phường Lái Thiêu":             "UBND",
		"Trường Tiểu học Lái Thiêu":    "THLT",
		"Trường THCS Nguyễn Trường Tộ": "THCSNTT",
		"Trường TH&THCS An Sơn":        "THTHCSAS",
		"Trường Mầm non Hoa Sen":       "MNHS",
	} {
		if got := Abbreviation(name); got != want {
			t.Errorf("Abbreviation(%q) = %q, want %q", name, got, want)
		}
	}
	if NumberSymbol(5, "KH-THLT") != "05/KH-THLT" || NumberSymbol(1924, "KH-SGDĐT") != "1924/KH-SGDĐT" || NumberSymbol(0, "KH") != "" {
		t.Error("NumberSymbol")
	}
	if lowerFirst("Tuyên truyền") != "tuyên truyền" || lowerFirst("STEM cho em") != "STEM cho em" || lowerFirst("Đổi mới") != "đổi mới" {
		t.Error("lowerFirst")
	}
}
