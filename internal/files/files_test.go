package files_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/files"
)

func testImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	for x := 0; x < 4; x++ {
		img.Set(x, 1, color.RGBA{R: 200, A: 255})
	}
	return img
}

func pngSample(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, testImage()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegSample(t *testing.T) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gifSample(t *testing.T) []byte {
	var b bytes.Buffer
	if err := gif.Encode(&b, testImage(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// webpSample is a RIFF header of a lossless WebP; the sniffer needs no more.
func webpSample() []byte {
	b := []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")
	return b
}

const pdfSample = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

// zipSample builds an OOXML-like zip with the given parts.
func zipSample(t *testing.T, parts ...string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, p := range parts {
		w, err := zw.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?><x/>"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func docxSample(t *testing.T) []byte {
	return zipSample(t, "[Content_Types].xml", "_rels/.rels", "word/document.xml")
}

func xlsxSample(t *testing.T) []byte {
	return zipSample(t, "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml")
}

func TestSniff(t *testing.T) {
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), make([]byte, 64)...)
	tests := []struct {
		name string
		data []byte
		ct   string
		kind files.Kind
	}{
		{"png", pngSample(t), files.TypePNG, files.Image},
		{"jpeg", jpegSample(t), files.TypeJPEG, files.Image},
		{"gif", gifSample(t), files.TypeGIF, files.Image},
		{"webp", webpSample(), files.TypeWebP, files.Image},
		{"pdf", []byte(pdfSample), files.TypePDF, files.PDF},
		{"docx", docxSample(t), files.TypeDOCX, files.DOCX},
		{"xlsx", xlsxSample(t), files.TypeXLSX, files.XLSX},
		{"csv", []byte("Họ và tên,Đơn vị\nNguyễn Văn Đức,Trường TH An Phú\n"), files.TypeCSV, files.CSV},
		{"csv with BOM", []byte("\xEF\xBB\xBFmã;tên\r\nTH-A;Trường A\r\n"), files.TypeCSV, files.CSV},
		{"plain text", []byte("Báo cáo thành tích năm học 2025–2026\n"), files.TypeText, files.CSV},
		{"docm (macros)", zipSample(t, "[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"), files.TypeDOCM, ""},
		{"xlsm (macros)", zipSample(t, "[Content_Types].xml", "xl/workbook.xml", "xl/vbaProject.bin"), files.TypeXLSM, ""},
		{"plain zip", zipSample(t, "a.txt"), files.TypeZip, ""},
		{"zip without content types", zipSample(t, "word/document.xml"), files.TypeZip, ""},
		{"legacy doc", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00"), files.TypeOLE, ""},
		{"exe", exe, "application/octet-stream", ""},
		{"html", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), "text/html; charset=utf-8", ""},
		{"latin-1 text", []byte("Nguy\xean V\xe3n\n"), "text/plain; charset=utf-8", ""},
		{"text with NUL", []byte("abc\x00def"), "application/octet-stream", ""},
		{"empty", nil, "text/plain; charset=utf-8", ""},
	}
	for _, tt := range tests {
		ct, kind := files.Sniff(tt.data)
		if ct != tt.ct || kind != tt.kind {
			t.Errorf("%s: Sniff = %q, %q; want %q, %q", tt.name, ct, kind, tt.ct, tt.kind)
		}
	}
}

func count(t *testing.T, db *database.DB) int {
	t.Helper()
	var n int
	if err := db.R.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM files").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func shaOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// forEachBackend runs fn with a store on the database backend and one on a
// directory backend, each on a fresh database of every dialect. (Subtest
// names must stay unique: a "#01" suffix would end up in the SQLite URI.)
func forEachBackend(t *testing.T, fn func(t *testing.T, db *database.DB, s *files.Store, dir string)) {
	t.Run("db", func(t *testing.T) {
		dbtest.Each(t, func(t *testing.T, db *database.DB) { fn(t, db, files.New(db, "", 0), "") })
	})
	t.Run("dir", func(t *testing.T) {
		dbtest.Each(t, func(t *testing.T, db *database.DB) {
			dir := filepath.Join(t.TempDir(), "files")
			fn(t, db, files.New(db, dir, 0), dir)
		})
	})
}

func TestPutAcceptsEachKind(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *database.DB, s *files.Store, dir string) {
		ctx := context.Background()
		all := []files.Kind{files.Image, files.PDF, files.DOCX, files.XLSX, files.CSV}
		tests := []struct {
			name string
			data []byte
			kind files.Kind
			ct   string
		}{
			{"png", pngSample(t), files.Image, files.TypePNG},
			{"jpeg", jpegSample(t), files.Image, files.TypeJPEG},
			{"pdf", []byte(pdfSample), files.PDF, files.TypePDF},
			{"docx", docxSample(t), files.DOCX, files.TypeDOCX},
			{"xlsx", xlsxSample(t), files.XLSX, files.TypeXLSX},
			{"csv", []byte("mã,tên\nTH-A,Trường Tiểu học Đông Hòa\n"), files.CSV, files.TypeCSV},
		}
		for _, tt := range tests {
			f, err := s.Put(ctx, bytes.NewReader(tt.data), all)
			if err != nil {
				t.Fatalf("%s: put: %v", tt.name, err)
			}
			if f.SHA256 != shaOf(tt.data) || f.Size != int64(len(tt.data)) || f.Kind != tt.kind || f.ContentType != tt.ct || f.CreatedAt.IsZero() {
				t.Errorf("%s: file = %+v", tt.name, f)
			}
			// Only the kind itself is needed to accept it.
			if _, err := s.Put(ctx, bytes.NewReader(tt.data), []files.Kind{tt.kind}); err != nil {
				t.Errorf("%s: put allowing only %s: %v", tt.name, tt.kind, err)
			}
			got, data, err := s.Open(ctx, f.SHA256)
			if err != nil || !bytes.Equal(data, tt.data) || got != f {
				t.Errorf("%s: open = %+v, %d bytes, %v; want %+v", tt.name, got, len(data), err, f)
			}
		}
		if n := count(t, db); n != len(tests) {
			t.Errorf("%d rows in files, want %d", n, len(tests))
		}
		// Where the bytes are: the data column, or dir/ab/cdef….
		var withData int
		db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM files WHERE data IS NOT NULL").Scan(&withData)
		if dir == "" && withData != len(tests) {
			t.Errorf("db backend: %d rows hold bytes, want %d", withData, len(tests))
		}
		if dir != "" {
			if withData != 0 {
				t.Errorf("dir backend: %d rows hold bytes, want 0", withData)
			}
			sha := shaOf(tests[0].data)
			b, err := os.ReadFile(filepath.Join(dir, sha[:2], sha[2:]))
			if err != nil || !bytes.Equal(b, tests[0].data) {
				t.Errorf("dir backend: file at %s/%s/%s: %v", dir, sha[:2], sha[2:], err)
			}
		}
	})
}

func TestPutRefuses(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *database.DB, s *files.Store, dir string) {
		ctx := context.Background()
		s.MaxSize = 1024
		exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), make([]byte, 100)...)
		big := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 1024)...)
		tests := []struct {
			name    string
			data    []byte
			allowed []files.Kind
			code    errs.Code
			msg     string
		}{
			{"exe named .pdf", exe, []files.Kind{files.PDF}, errs.Invalid, "Chỉ nhận: PDF."},
			{"html named .pdf", []byte("<html><body onload=alert(1)>Hồ sơ</body></html>"), []files.Kind{files.PDF}, errs.Invalid, "Chỉ nhận: PDF."},
			{"html among text", []byte("<!DOCTYPE html><p>x</p>"), []files.Kind{files.CSV}, errs.Invalid, "CSV"},
			{"png where only documents", pngSample(t), []files.Kind{files.PDF, files.DOCX}, errs.Invalid, "PDF, Word (DOCX)"},
			{"docx renamed .xlsx", docxSample(t), []files.Kind{files.XLSX}, errs.Invalid, "Excel (XLSX)"},
			{"macro workbook", zipSample(t, "[Content_Types].xml", "xl/workbook.xml", "xl/vbaProject.bin"), []files.Kind{files.XLSX}, errs.Invalid, "Excel"},
			{"empty", nil, []files.Kind{files.CSV}, errs.Invalid, "rỗng"},
			{"over the cap", big, []files.Kind{files.PDF}, errs.TooLarge, "Tệp vượt quá dung lượng cho phép (1 KB)."},
		}
		for _, tt := range tests {
			_, err := s.Put(ctx, bytes.NewReader(tt.data), tt.allowed)
			if errs.CodeOf(err) != tt.code || !strings.Contains(errs.MessageOf(err), tt.msg) || errs.FieldsOf(err)["file"] == "" {
				t.Errorf("%s: err %v, want %s mentioning %q at field file", tt.name, err, tt.code, tt.msg)
			}
		}
		if n := count(t, db); n != 0 {
			t.Errorf("refused uploads left %d rows", n)
		}
		if dir != "" {
			if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
				t.Errorf("refused uploads left %d entries in %s", len(entries), dir)
			}
		}
		// Exactly MaxSize is accepted.
		if _, err := s.Put(ctx, bytes.NewReader(big[:1024]), []files.Kind{files.PDF}); err != nil {
			t.Errorf("file of exactly MaxSize: %v", err)
		}
	})
}

func TestDefaultCapMessage(t *testing.T) {
	s := files.New(nil, "", 0)
	// A reader of endless zeros: Put must stop after the cap + 1 bytes.
	_, err := s.Put(context.Background(), zeros{}, []files.Kind{files.PDF})
	if !errs.Is(err, errs.TooLarge) || errs.MessageOf(err) != "Tệp vượt quá dung lượng cho phép (20 MB)." {
		t.Errorf("err %v (%q), want too large (20 MB)", err, errs.MessageOf(err))
	}
	if got := files.HumanSize(1536 * 1024); got != "1,5 MB" {
		t.Errorf("HumanSize = %q, want 1,5 MB", got)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestDedupAndIntegrity(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *database.DB, s *files.Store, dir string) {
		ctx := context.Background()
		data := []byte(pdfSample)
		a, err := s.Put(ctx, bytes.NewReader(data), []files.Kind{files.PDF})
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.Put(ctx, bytes.NewReader(append([]byte(nil), data...)), []files.Kind{files.PDF, files.Image})
		if err != nil {
			t.Fatal(err)
		}
		if a != b {
			t.Errorf("same content twice: %+v then %+v, want the same file", a, b)
		}
		if n := count(t, db); n != 1 {
			t.Errorf("%d rows after the same upload twice, want 1", n)
		}
		if dir != "" {
			entries, _ := os.ReadDir(filepath.Join(dir, a.SHA256[:2]))
			if len(entries) != 1 || entries[0].Name() != a.SHA256[2:] {
				t.Errorf("dir %s holds %v, want just %s (no temp files left)", a.SHA256[:2], entries, a.SHA256[2:])
			}
		}

		// Unknown or malformed identities are not found.
		for _, sha := range []string{shaOf([]byte("nope")), "../../etc/passwd", strings.ToUpper(a.SHA256)} {
			if _, _, err := s.Open(ctx, sha); !errs.Is(err, errs.NotFound) {
				t.Errorf("open %q: %v, want not found", sha, err)
			}
		}

		// Damaged bytes are refused rather than served.
		if dir != "" {
			os.WriteFile(filepath.Join(dir, a.SHA256[:2], a.SHA256[2:]), []byte("%PDF-hỏng"), 0o640)
		} else {
			db.W.ExecContext(ctx, "UPDATE files SET data = $1", []byte("%PDF-hỏng"))
		}
		if _, _, err := s.Open(ctx, a.SHA256); err == nil || !errs.Is(err, errs.Internal) {
			t.Errorf("open of damaged bytes: %v, want an internal error", err)
		}
	})
}

func TestDirBackendRoundTrip(t *testing.T) {
	ctx := context.Background()
	b := files.DirBackend{Root: filepath.Join(t.TempDir(), "store")}
	data := []byte("nội dung")
	sha := shaOf(data)
	if ok, err := b.Has(ctx, sha); ok || err != nil {
		t.Fatalf("Has before put = %v, %v", ok, err)
	}
	if _, err := b.Get(ctx, sha); !errs.Is(err, errs.NotFound) {
		t.Fatalf("Get before put: %v, want not found", err)
	}
	for i := 0; i < 2; i++ { // the second put is a no-op
		if err := b.Put(ctx, sha, data); err != nil {
			t.Fatal(err)
		}
	}
	got, err := b.Get(ctx, sha)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Get = %q, %v", got, err)
	}
	if ok, err := b.Has(ctx, sha); !ok || err != nil {
		t.Fatalf("Has after put = %v, %v", ok, err)
	}
	if err := b.Put(ctx, "../x", data); err == nil {
		t.Error("a path as sha was accepted")
	}
}

// TestSwitchBackend: bytes written while the directory backend was in use
// are not in the database; switching to the database backend and uploading
// again fills them in.
func TestSwitchBackend(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		data := pngSample(t)
		if _, err := files.New(db, t.TempDir(), 0).Put(ctx, bytes.NewReader(data), []files.Kind{files.Image}); err != nil {
			t.Fatal(err)
		}
		s := files.New(db, "", 0)
		if _, _, err := s.Open(ctx, shaOf(data)); err == nil {
			t.Fatal("open from the database backend succeeded though the bytes are on disk")
		}
		if _, err := s.Put(ctx, bytes.NewReader(data), []files.Kind{files.Image}); err != nil {
			t.Fatal(err)
		}
		if _, got, err := s.Open(ctx, shaOf(data)); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("open after re-upload: %v", err)
		}
	})
}
