package files

import (
	"archive/zip"
	"bytes"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Kind is a family of uploads a caller may accept. A Kind is decided from the
// bytes alone (see Sniff), never from the file name or the client's header.
type Kind string

const (
	Image Kind = "image" // JPEG, PNG, GIF, WebP
	PDF   Kind = "pdf"
	DOCX  Kind = "docx"
	XLSX  Kind = "xlsx"
	CSV   Kind = "csv" // CSV or plain text: valid UTF-8 without control bytes
)

// Label is the Vietnamese name of a kind, as shown in error messages.
func (k Kind) Label() string {
	switch k {
	case Image:
		return "ảnh (JPEG, PNG, GIF, WebP)"
	case PDF:
		return "PDF"
	case DOCX:
		return "Word (DOCX)"
	case XLSX:
		return "Excel (XLSX)"
	case CSV:
		return "CSV hoặc văn bản thuần (UTF-8)"
	}
	return string(k)
}

// Content types Sniff returns.
const (
	TypeJPEG     = "image/jpeg"
	TypePNG      = "image/png"
	TypeGIF      = "image/gif"
	TypeWebP     = "image/webp"
	TypePDF      = "application/pdf"
	TypeDOCX     = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeXLSX     = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	TypeCSV      = "text/csv; charset=utf-8"
	TypeText     = "text/plain; charset=utf-8"
	TypeZip      = "application/zip"
	TypeDOCM     = "application/vnd.ms-word.document.macroEnabled.12"
	TypeXLSM     = "application/vnd.ms-excel.sheet.macroEnabled.12"
	TypeOLE      = "application/x-ole-storage" // legacy .doc/.xls
	TypeUnknown  = "application/octet-stream"
	typeHTMLLike = "text/html; charset=utf-8"
)

// Sniff decides the content type of data by its content, and the Kind it
// belongs to ("" when it belongs to none we accept: executables, HTML,
// legacy Office files, macro-enabled Office files, other archives…).
func Sniff(data []byte) (contentType string, kind Kind) {
	switch {
	case bytes.HasPrefix(data, []byte("\xFF\xD8\xFF")):
		return TypeJPEG, Image
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return TypePNG, Image
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return TypeGIF, Image
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return TypeWebP, Image
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return TypePDF, PDF
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return sniffZip(data)
	case bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return TypeOLE, ""
	}
	if isText(data) {
		// http.DetectContentType recognises HTML, XML and scripts that a
		// browser could be tricked into rendering; those are not text here.
		if ct := http.DetectContentType(data); !strings.HasPrefix(ct, "text/plain") {
			if strings.HasPrefix(ct, "text/html") {
				return typeHTMLLike, ""
			}
			return ct, ""
		}
		if looksLikeCSV(data) {
			return TypeCSV, CSV
		}
		return TypeText, CSV
	}
	return http.DetectContentType(data), ""
}

// sniffZip tells DOCX from XLSX by the parts inside the zip. Only the central
// directory is read, never the compressed contents, so a zip bomb costs
// nothing here.
func sniffZip(data []byte) (string, Kind) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return TypeZip, ""
	}
	names := make(map[string]bool, len(zr.File))
	for _, f := range zr.File {
		names[f.Name] = true
	}
	if !names["[Content_Types].xml"] {
		return TypeZip, ""
	}
	switch {
	case names["word/document.xml"]:
		if names["word/vbaProject.bin"] {
			return TypeDOCM, ""
		}
		return TypeDOCX, DOCX
	case names["xl/workbook.xml"]:
		if names["xl/vbaProject.bin"] {
			return TypeXLSM, ""
		}
		return TypeXLSX, XLSX
	}
	return TypeZip, ""
}

// isText reports whether data is non-empty valid UTF-8 without NUL or other
// control bytes (tab, line breaks and form feed allowed).
func isText(data []byte) bool {
	if len(data) == 0 || !utf8.Valid(data) {
		return false
	}
	for _, b := range data {
		if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f') || b == 0x7F {
			return false
		}
	}
	return true
}

// looksLikeCSV reports whether the first line has a field separator.
func looksLikeCSV(data []byte) bool {
	line := data
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	return bytes.ContainsAny(line, ",;\t")
}

// kindOf maps a stored content type back to its Kind.
func kindOf(contentType string) Kind {
	switch contentType {
	case TypeJPEG, TypePNG, TypeGIF, TypeWebP:
		return Image
	case TypePDF:
		return PDF
	case TypeDOCX:
		return DOCX
	case TypeXLSX:
		return XLSX
	case TypeCSV, TypeText:
		return CSV
	}
	return ""
}
