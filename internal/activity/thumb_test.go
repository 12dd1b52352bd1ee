package activity

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/jpeg"
	"testing"

	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/jobs"
)

// withOrientation inserts an EXIF block with orientation o after the SOI
// marker of a JPEG.
func withOrientation(jpg []byte, o uint16) []byte {
	tiff := []byte("II*\x00\x08\x00\x00\x00") // little endian, IFD0 at 8
	ifd := make([]byte, 2+12+4)
	binary.LittleEndian.PutUint16(ifd[0:], 1)      // one entry
	binary.LittleEndian.PutUint16(ifd[2:], 0x0112) // Orientation
	binary.LittleEndian.PutUint16(ifd[4:], 3)      // SHORT
	binary.LittleEndian.PutUint32(ifd[6:], 1)      // count
	binary.LittleEndian.PutUint16(ifd[10:], o)
	payload := append(append([]byte("Exif\x00\x00"), tiff...), ifd...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{0xFF, 0xD8}, seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

// hugePNG is a PNG header claiming w × h pixels, with no image data.
func hugePNG(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk := func(typ string, data []byte) []byte {
		b := make([]byte, 4, 12+len(data))
		binary.BigEndian.PutUint32(b, uint32(len(data)))
		b = append(append(b, typ...), data...)
		crc := crc32.ChecksumIEEE(append([]byte(typ), data...))
		return binary.BigEndian.AppendUint32(b, crc)
	}
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, chunk("IHDR", ihdr)...)
	return append(out, chunk("IEND", nil)...)
}

func dark(img image.Image, x, y int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	return r < 0x4000 && g < 0x4000 && b < 0x4000
}

func TestThumbnailImage(t *testing.T) {
	for _, tc := range []struct {
		name         string
		data         []byte
		w, h         int
		darkX, darkY int // a pixel of the dark corner in the thumbnail
		lightX       int // a pixel on the same row that is not dark
	}{
		{"large JPEG scaled down", photo(t, 1200, 800, false, 1), 480, 320, 10, 10, 400},
		{"small PNG kept", photo(t, 100, 60, true, 2), 100, 60, 5, 5, 90},
		{"EXIF 6: turned clockwise", withOrientation(photo(t, 80, 40, false, 3), 6), 40, 80, 35, 3, 3},
		{"EXIF 8: turned anticlockwise", withOrientation(photo(t, 80, 40, false, 4), 8), 40, 80, 3, 77, 35},
		{"EXIF 3: upside down", withOrientation(photo(t, 80, 40, false, 5), 3), 80, 40, 77, 37, 3},
	} {
		thumb, w, h, err := thumbnail(tc.data)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		img, err := jpeg.Decode(bytes.NewReader(thumb))
		if err != nil {
			t.Errorf("%s: the thumbnail is no JPEG: %v", tc.name, err)
			continue
		}
		if b := img.Bounds(); w != tc.w || h != tc.h || b.Dx() != tc.w || b.Dy() != tc.h {
			t.Errorf("%s: %d × %d (image %v), want %d × %d", tc.name, w, h, b, tc.w, tc.h)
		}
		if !dark(img, tc.darkX, tc.darkY) || dark(img, tc.lightX, tc.darkY) {
			t.Errorf("%s: the dark corner is not at (%d, %d)", tc.name, tc.darkX, tc.darkY)
		}
	}
	for name, data := range map[string][]byte{
		"not an image":     []byte("\xFF\xD8\xFFgarbage"),
		"40000 × 40000 px": hugePNG(40000, 40000),
	} {
		if _, _, _, err := thumbnail(data); err == nil {
			t.Errorf("%s: a thumbnail was made", name)
		}
	}
}

func TestThumbnailJob(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		big := photo(t, 960, 720, false, 7)
		bad := hugePNG(40000, 40000)
		a := e.create(e.staffA, input(e.a, "Trưng bày ảnh", d(2025, 11, 20), Visual),
			upload("anh.jpg", big), upload("lon.png", bad), upload("tai-lieu.pdf", []byte("%PDF-1.4\n%%EOF\n")))
		if _, st, err := e.s.Thumbnail(ctx, e.staffA, a.ID, a.Files[0].SHA256); err != nil || st != ThumbPending {
			t.Errorf("before the job: %s, %v", st, err)
		}
		if _, _, err := e.s.Thumbnail(ctx, e.staffA, a.ID, a.Files[2].SHA256); !errs.Is(err, errs.NotFound) {
			t.Errorf("thumbnail of a PDF: %v", err)
		}
		r := jobs.NewRunner(db)
		e.s.RegisterJobs(r)
		for {
			ran, err := r.RunOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !ran {
				break
			}
		}
		if n := e.count("SELECT COUNT(*) FROM jobs WHERE kind = $1 AND status = 'done'", KindThumbnail); n != 2 {
			t.Errorf("%d thumbnail jobs done, want 2 (a failed decode is done, not retried)", n)
		}
		got, err := e.s.Get(ctx, e.officer1, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Files[0].Thumb != ThumbReady || got.Files[1].Thumb != ThumbFailed || got.Files[2].Thumb != ThumbNone {
			t.Errorf("thumb states %s, %s, %s", got.Files[0].Thumb, got.Files[1].Thumb, got.Files[2].Thumb)
		}
		data, st, err := e.s.Thumbnail(ctx, e.officer1, a.ID, a.Files[0].SHA256)
		if err != nil || st != ThumbReady {
			t.Fatalf("thumbnail: %s, %v", st, err)
		}
		if cfg, err := jpeg.DecodeConfig(bytes.NewReader(data)); err != nil || cfg.Width != 480 || cfg.Height != 360 {
			t.Errorf("thumbnail %v, %v; want 480 × 360", cfg, err)
		}
		if _, _, err := e.s.Thumbnail(ctx, e.staffB, a.ID, a.Files[0].SHA256); !errs.Is(err, errs.NotFound) {
			t.Errorf("another school reads the thumbnail: %v", err)
		}
		// The same photo on another activity needs no second job.
		before := e.count("SELECT COUNT(*) FROM jobs")
		e.create(e.staffA, input(e.a, "Lại ảnh đó", d(2025, 11, 21), Visual), upload("cung-anh.jpg", big))
		if n := e.count("SELECT COUNT(*) FROM jobs"); n != before {
			t.Errorf("%d new jobs for a photo that has its thumbnail", n-before)
		}
		// Public thumbnail: only once the activity is public.
		if _, err := e.s.PublicThumbnail(ctx, a.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("public thumbnail of a private activity: %v", err)
		}
		if _, err := e.s.SetPublic(ctx, e.leaderA, a.ID, got.Version, true); err != nil {
			t.Fatal(err)
		}
		if pub, err := e.s.PublicThumbnail(ctx, a.ID); err != nil || !bytes.Equal(pub, data) {
			t.Errorf("public thumbnail: %d bytes, %v", len(pub), err)
		}
	})
}
