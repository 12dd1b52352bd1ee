package plan

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"text/template"
	"time"

	"thidua/internal/viet"
)

// DOCX writes the plan as a Word document (WordprocessingML) in the layout
// of Decree 30/2020/NĐ-CP: A4, margins 20 mm top and bottom, 30 mm left, 15
// mm right; Times New Roman; the two-column header (cơ quan chủ quản
// upper-case regular 13 and cơ quan ban hành upper-case bold 13 with a short
// rule under it, "Số: …" below them; the national name bold 12 and the
// motto bold 13 with a rule as long as it, the place and date italic 14
// below them); KẾ HOẠCH and the trích yếu bold 14, centred; the body 14,
// justified, first lines indented 1,27 cm; "Nơi nhận:" bold italic 12 with
// 11 pt entries beside the signature block; page numbers centred at the
// top from page 2. A draft prints with blanks where its number and date go.
func (p Plan) DOCX(w io.Writer) error {
	var doc bytes.Buffer
	if err := docxBody.Execute(&doc, p.docxView()); err != nil {
		return err
	}
	z := zip.NewWriter(w)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", docxTypes},
		{"_rels/.rels", docxRels},
		{"docProps/core.xml", docxCore(p)},
		{"docProps/app.xml", docxApp},
		{"word/_rels/document.xml.rels", docxDocRels},
		{"word/styles.xml", docxStyles},
		{"word/settings.xml", docxSettings},
		{"word/header1.xml", docxHeader},
		{"word/document.xml", doc.String()},
	}
	for _, part := range parts {
		f, err := z.CreateHeader(&zip.FileHeader{Name: part.name, Method: zip.Deflate, Modified: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, part.body); err != nil {
			return err
		}
	}
	return z.Close()
}

// DOCXName is the (ASCII) file name the document downloads as:
// "312-KH-PGDDT-2020.docx", or "Du-thao-ke-hoach-ID.docx" for a draft.
func (p Plan) DOCXName() string {
	if !p.Issued() || p.Number <= 0 {
		return "Du-thao-ke-hoach-" + strconv.FormatInt(p.ID, 10) + ".docx"
	}
	name := strings.ToUpper(strings.ReplaceAll(viet.Fold(NumberSymbol(p.Number, p.Symbol)), "/", "-"))
	if p.Date != nil {
		name += "-" + p.Date.Format("2006")
	}
	return name + ".docx"
}

type docxRun struct {
	Text   string
	Italic bool
}

type docxPara struct {
	Heading bool
	Runs    []docxRun
}

type docxViewData struct {
	IssuerParent, IssuerName, Number, DateLine, Title string
	Paras                                             []docxPara
	Recipients                                        []string
	Signer                                            []string
	Name                                              string
}

func (p Plan) docxView() docxViewData {
	v := docxViewData{IssuerParent: strings.ToUpper(p.IssuerParent), IssuerName: strings.ToUpper(p.IssuerName),
		Number: "Số:        /" + p.Symbol, DateLine: p.DateLine(), Title: p.Title, Signer: p.Signer.Lines(), Name: p.Signer.Name}
	if n := p.NumberSymbol(); n != "" {
		v.Number = "Số: " + n
	}
	if v.DateLine == "" {
		v.DateLine = p.Place
		if v.DateLine != "" {
			v.DateLine += ", "
		}
		v.DateLine += "ngày      tháng      năm " + time.Now().Format("2006")
	}
	for _, part := range p.Outline() {
		if part.Heading != "" {
			v.Paras = append(v.Paras, docxPara{Heading: true, Runs: []docxRun{{Text: part.Heading}}})
		}
		for _, para := range part.Paras {
			dp := docxPara{}
			for _, r := range para.Runs {
				dp.Runs = append(dp.Runs, docxRun{r.Text, r.Italic})
			}
			v.Paras = append(v.Paras, dp)
		}
	}
	for _, r := range p.Recipients {
		v.Recipients = append(v.Recipients, "- "+r)
	}
	return v
}

func xmlText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func docxCore(p Plan) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>` + xmlText("Kế hoạch "+p.NumberSymbol()+" "+p.Title) + `</dc:title>
<dc:creator>` + xmlText(p.UnitName) + `</dc:creator>
<dc:language>vi-VN</dc:language>
</cp:coreProperties>`
}

const docxTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>
<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
</Types>`

const docxRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>
</Relationships>`

const docxApp = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>thidua</Application></Properties>`

const docxDocRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>
</Relationships>`

const docxStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:docDefaults>
<w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="28"/><w:szCs w:val="28"/><w:lang w:val="vi-VN"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>
</w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
</w:styles>`

const docxSettings = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/></w:settings>`

// docxHeader is the page number, centred at the top; the section's
// titlePg keeps it off the first page.
const docxHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>
</w:hdr>`

// The body. Widths are in twentieths of a point: A4 is 11906 wide, the
// margins 1701 (30 mm) and 850 (15 mm) leave 9355 for the text; the header
// table reaches 5 mm into each margin, as official templates do, so that the
// national name fits on one line.
var docxBody = template.Must(template.New("document").Funcs(template.FuncMap{"x": xmlText}).Parse(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<w:body>
{{define "cell"}}<w:tc><w:tcPr><w:tcW w:w="{{.}}" w:type="dxa"/></w:tcPr>{{end}}
{{define "line"}}<w:p><w:pPr><w:jc w:val="center"/></w:pPr>{{end}}
<w:tbl>
<w:tblPr><w:tblW w:w="9921" w:type="dxa"/><w:tblInd w:w="-283" w:type="dxa"/><w:tblLayout w:type="fixed"/><w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders></w:tblPr>
<w:tblGrid><w:gridCol w:w="4300"/><w:gridCol w:w="5621"/></w:tblGrid>
<w:tr>
{{template "cell" 4300}}
{{if .IssuerParent}}{{template "line"}}<w:r><w:rPr><w:sz w:val="26"/></w:rPr><w:t xml:space="preserve">{{x .IssuerParent}}</w:t></w:r></w:p>{{end}}
{{template "line"}}<w:r><w:rPr><w:b/><w:sz w:val="26"/></w:rPr><w:t xml:space="preserve">{{x .IssuerName}}</w:t></w:r></w:p>
<w:p><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr><w:ind w:left="1450" w:right="1450"/><w:jc w:val="center"/><w:rPr><w:sz w:val="8"/></w:rPr></w:pPr></w:p>
</w:tc>
{{template "cell" 5621}}
{{template "line"}}<w:r><w:rPr><w:b/><w:sz w:val="24"/></w:rPr><w:t>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</w:t></w:r></w:p>
{{template "line"}}<w:r><w:rPr><w:b/><w:sz w:val="26"/></w:rPr><w:t>Độc lập - Tự do - Hạnh phúc</w:t></w:r></w:p>
<w:p><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr><w:ind w:left="1450" w:right="1450"/><w:jc w:val="center"/><w:rPr><w:sz w:val="8"/></w:rPr></w:pPr></w:p>
</w:tc>
</w:tr>
<w:tr>
{{template "cell" 4300}}<w:p><w:pPr><w:spacing w:before="120"/><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:sz w:val="26"/></w:rPr><w:t xml:space="preserve">{{x .Number}}</w:t></w:r></w:p></w:tc>
{{template "cell" 5621}}<w:p><w:pPr><w:spacing w:before="120"/><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">{{x .DateLine}}</w:t></w:r></w:p></w:tc>
</w:tr>
</w:tbl>
<w:p><w:pPr><w:spacing w:before="480"/><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t>KẾ HOẠCH</w:t></w:r></w:p>
{{template "line"}}<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{{x .Title}}</w:t></w:r></w:p>
<w:p><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr><w:spacing w:after="240"/><w:ind w:left="3700" w:right="3700"/><w:jc w:val="center"/><w:rPr><w:sz w:val="8"/></w:rPr></w:pPr></w:p>
{{range .Paras}}<w:p><w:pPr>{{if .Heading}}<w:keepNext/>{{end}}<w:spacing w:before="120" w:line="288" w:lineRule="auto"/><w:ind w:firstLine="720"/><w:jc w:val="both"/></w:pPr>{{$h := .Heading}}{{range .Runs}}<w:r>{{if or $h .Italic}}<w:rPr>{{if $h}}<w:b/>{{end}}{{if .Italic}}<w:i/>{{end}}</w:rPr>{{end}}<w:t xml:space="preserve">{{x .Text}}</w:t></w:r>{{end}}</w:p>
{{end}}
<w:tbl>
<w:tblPr><w:tblW w:w="9355" w:type="dxa"/><w:tblLayout w:type="fixed"/><w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders></w:tblPr>
<w:tblGrid><w:gridCol w:w="4500"/><w:gridCol w:w="4855"/></w:tblGrid>
<w:tr><w:trPr><w:cantSplit/></w:trPr>
{{template "cell" 4500}}
<w:p><w:pPr><w:spacing w:before="240"/></w:pPr><w:r><w:rPr><w:b/><w:i/><w:sz w:val="24"/></w:rPr><w:t>Nơi nhận:</w:t></w:r></w:p>
{{range .Recipients}}<w:p><w:r><w:rPr><w:sz w:val="22"/></w:rPr><w:t xml:space="preserve">{{x .}}</w:t></w:r></w:p>
{{end}}</w:tc>
{{template "cell" 4855}}
{{range $i, $l := .Signer}}<w:p><w:pPr>{{if eq $i 0}}<w:spacing w:before="240"/>{{end}}<w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{{x $l}}</w:t></w:r></w:p>
{{end}}<w:p/><w:p/><w:p/><w:p/>
{{template "line"}}<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{{x .Name}}</w:t></w:r></w:p>
</w:tc>
</w:tr>
</w:tbl>
<w:sectPr>
<w:headerReference w:type="default" r:id="rId3"/>
<w:pgSz w:w="11906" w:h="16838"/>
<w:pgMar w:top="1134" w:right="850" w:bottom="1134" w:left="1701" w:header="567" w:footer="567" w:gutter="0"/>
<w:titlePg/>
</w:sectPr>
</w:body>
</w:document>`))
