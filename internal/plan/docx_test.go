package plan

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"
)

// docxTexts reads a part of a DOCX and returns its w:t texts, in order, with
// whether each is bold and italic; the part must be well-formed XML.
func docxTexts(t *testing.T, z *zip.Reader, name string) (texts []string, italic []string) {
	t.Helper()
	f, err := z.Open(name)
	if err != nil {
		t.Fatalf("no %s: %v", name, err)
	}
	defer f.Close()
	dec := xml.NewDecoder(f)
	inT, isItalic := false, false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", name, err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "t":
				inT = true
			case "r":
				isItalic = false
			case "i":
				isItalic = true
			}
		case xml.EndElement:
			if e.Name.Local == "t" {
				inT = false
			}
		case xml.CharData:
			if inT {
				texts = append(texts, string(e))
				if isItalic {
					italic = append(italic, string(e))
				}
			}
		}
	}
	return texts, italic
}

func TestDOCX(t *testing.T) {
	d := time.Date(2020, 11, 12, 0, 0, 0, 0, time.UTC)
	p := Plan{ID: 2, Status: Issued, Number: 312, Symbol: "KH-PGDĐT", Date: &d, Place: "Thuận An", IssuerParent: "Ủy ban nhân dân thành phố Thuận An",
		IssuerName: "Phòng Giáo dục và Đào tạo", Title: "Tuyên truyền <các> phong trào & điển hình",
		Sections: Sections{Intro: "Thực hiện Kế hoạch số 1924.", Purpose: "1. Mục đích.", Content: "- Tuyên truyền “*Cả nước chung sức xây dựng nông thôn mới*”.",
			Organization: "- Tổ chức.", Closing: "Trên đây là Kế hoạch./."},
		Recipients: []string{"Các trường MN, MG, TH, THCS;", "Lưu: VT, VP."},
		Signer:     Signer{Form: SignKT, Authority: "Trưởng phòng", Title: "Phó Trưởng phòng", Name: "Võ Anh Tuấn"}}
	var buf bytes.Buffer
	if err := p.DOCX(&buf); err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	for _, part := range []string{"[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels", "word/styles.xml", "word/settings.xml", "word/header1.xml", "docProps/core.xml"} {
		docxTexts(t, z, part) // well-formed
	}
	texts, italic := docxTexts(t, z, "word/document.xml")
	all := strings.Join(texts, "|")
	for _, want := range []string{"ỦY BAN NHÂN DÂN THÀNH PHỐ THUẬN AN|PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|Độc lập - Tự do - Hạnh phúc",
		"Số: 312/KH-PGDĐT|Thuận An, ngày 12 tháng 11 năm 2020", "KẾ HOẠCH|Tuyên truyền <các> phong trào & điển hình|Thực hiện Kế hoạch số 1924.",
		"I. MỤC ĐÍCH, YÊU CẦU|1. Mục đích.|II. NỘI DUNG|1. Nội dung tuyên truyền", "III. TỔ CHỨC THỰC HIỆN|- Tổ chức.|Trên đây là Kế hoạch./.",
		"Nơi nhận:|- Các trường MN, MG, TH, THCS;|- Lưu: VT, VP.|KT. TRƯỞNG PHÒNG|PHÓ TRƯỞNG PHÒNG|Võ Anh Tuấn"} {
		if !strings.Contains(all, want) {
			t.Errorf("document lacks %q in %q", want, all)
		}
	}
	if !strings.Contains(strings.Join(italic, "|"), "Cả nước chung sức xây dựng nông thôn mới") {
		t.Errorf("italic runs = %q", italic)
	}
	raw, _ := z.Open("word/document.xml")
	b, _ := io.ReadAll(raw)
	for _, want := range []string{`<w:pgSz w:w="11906" w:h="16838"/>`, `w:top="1134" w:right="850" w:bottom="1134" w:left="1701"`, "<w:titlePg/>", `w:firstLine="720"`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
	if p.Recipients[0] != "Các trường MN, MG, TH, THCS;" {
		t.Error("DOCX changed the plan's recipients")
	}
	if p.DOCXName() != "312-KH-PGDDT-2020.docx" || (Plan{ID: 7}).DOCXName() != "Du-thao-ke-hoach-7.docx" {
		t.Errorf("names %q %q", p.DOCXName(), (Plan{ID: 7}).DOCXName())
	}
	// A draft prints with blanks for its number and date.
	p.Status, p.Number, p.Date = Draft, 0, nil
	buf.Reset()
	if err := p.DOCX(&buf); err != nil {
		t.Fatal(err)
	}
	z, _ = zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	texts, _ = docxTexts(t, z, "word/document.xml")
	if all := strings.Join(texts, "|"); !strings.Contains(all, "Số:        /KH-PGDĐT") || !strings.Contains(all, "Thuận An, ngày      tháng      năm") {
		t.Errorf("draft = %q", all)
	}
}
