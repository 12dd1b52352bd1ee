package activity

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	_ "image/png" // decodes uploaded PNG photos

	"golang.org/x/image/draw"

	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/files"
	"thidua/internal/jobs"
)

// Thumbnails fit in ThumbSize × ThumbSize pixels (the long side is
// ThumbSize unless the photo is smaller), as JPEG.
const ThumbSize = 480

// maxPixels bounds the photos decoded: a 20 MB PNG can claim 30,000 ×
// 30,000 pixels, gigabytes once decoded. Larger ones get no thumbnail.
const maxPixels = 60_000_000

// errUnreadable marks a photo that will never give a thumbnail.
var errUnreadable = errors.New("unreadable image")

// thumbnail scales a JPEG or PNG photo down to fit ThumbSize, turned as the
// camera's EXIF orientation says, on white (for transparent PNG), and
// encodes it as JPEG.
func thumbnail(data []byte) ([]byte, int, int, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%w: không đọc được ảnh (%v)", errUnreadable, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPixels {
		return nil, 0, 0, fmt.Errorf("%w: ảnh quá lớn để tạo ảnh thu nhỏ (%d × %d điểm ảnh)", errUnreadable, cfg.Width, cfg.Height)
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%w: không đọc được ảnh (%v)", errUnreadable, err)
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if long := max(w, h); long > ThumbSize {
		w, h = max(1, w*ThumbSize/long), max(1, h*ThumbSize/long)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
	out := image.Image(dst)
	if format == "jpeg" {
		out = orient(dst, exifOrientation(data))
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: 82}); err != nil {
		return nil, 0, 0, err
	}
	ob := out.Bounds()
	return buf.Bytes(), ob.Dx(), ob.Dy(), nil
}

// orient turns m as EXIF orientation o (1–8) asks, so the thumbnail stands
// as the browser shows the original.
func orient(m *image.RGBA, o int) image.Image {
	if o < 2 || o > 8 {
		return m
	}
	w, h := m.Bounds().Dx(), m.Bounds().Dy()
	ow, oh := w, h
	if o >= 5 {
		ow, oh = h, w
	}
	out := image.NewRGBA(image.Rect(0, 0, ow, oh))
	for y := 0; y < oh; y++ {
		for x := 0; x < ow; x++ {
			var sx, sy int
			switch o {
			case 2:
				sx, sy = w-1-x, y
			case 3:
				sx, sy = w-1-x, h-1-y
			case 4:
				sx, sy = x, h-1-y
			case 5:
				sx, sy = y, x
			case 6:
				sx, sy = y, h-1-x
			case 7:
				sx, sy = w-1-y, h-1-x
			case 8:
				sx, sy = w-1-y, x
			}
			out.SetRGBA(x, y, m.RGBAAt(sx, sy))
		}
	}
	return out
}

// exifOrientation reads the orientation tag (0x0112) of a JPEG's EXIF
// block; 1 (as stored) when there is none or it cannot be read.
func exifOrientation(data []byte) int {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 1
	}
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			return 1
		}
		marker := data[i+1]
		if marker == 0xDA || marker == 0xD9 { // image data begins: no EXIF before it
			return 1
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return 1
		}
		seg := data[i+4 : i+2+n]
		if marker == 0xE1 && len(seg) > 14 && string(seg[:6]) == "Exif\x00\x00" {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	off := int(bo.Uint32(t[4:]))
	if off < 8 || off+2 > len(t) {
		return 1
	}
	count := int(bo.Uint16(t[off:]))
	for k := 0; k < count; k++ {
		e := off + 2 + 12*k
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 {
			if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
				return v
			}
			return 1
		}
	}
	return 1
}

func (s *Store) thumbnailJob(ctx context.Context, j *jobs.Job) error {
	var p thumbPayload
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	return s.MakeThumbnail(ctx, p.SHA256)
}

// MakeThumbnail makes the thumbnail of the stored image sha, unless it was
// made (or found impossible) before. An image that cannot be decoded, or is
// too large to, is recorded as failed and shown without a thumbnail; other
// errors are returned, for the job to try again.
func (s *Store) MakeThumbnail(ctx context.Context, sha string) error {
	var n int
	if err := s.DB.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM activity_thumbnails WHERE sha256 = $1", sha).Scan(&n); err != nil {
		return errs.Wrap(err, "activity: thumbnail state")
	}
	if n > 0 {
		return nil
	}
	_, data, err := s.files().Open(ctx, sha)
	if errs.Is(err, errs.NotFound) {
		return jobs.Permanent(fmt.Errorf("activity: thumbnail of %s: no such file", sha))
	}
	if err != nil {
		return err
	}
	thumb, w, h, err := thumbnail(data)
	if errors.Is(err, errUnreadable) {
		_, err = s.DB.W.ExecContext(ctx, `INSERT INTO activity_thumbnails (sha256, status, error, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (sha256) DO NOTHING`, sha, ThumbFailed, err.Error(), database.Now())
		if err != nil {
			return errs.Wrap(err, "activity: record failed thumbnail")
		}
		return nil
	}
	if err != nil {
		return err
	}
	f, err := s.files().Put(ctx, bytes.NewReader(thumb), []files.Kind{files.Image})
	if err != nil {
		return err
	}
	if _, err := s.DB.W.ExecContext(ctx, `INSERT INTO activity_thumbnails (sha256, thumb_sha256, width, height, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING`, sha, f.SHA256, w, h, ThumbReady, database.Now()); err != nil {
		return errs.Wrap(err, "activity: record thumbnail")
	}
	return nil
}

// RegisterJobs registers the activity jobs (thumbnails, exports) with the
// runner.
func (s *Store) RegisterJobs(r *jobs.Runner) {
	r.Register(KindThumbnail, s.thumbnailJob)
	r.Register(KindExport, s.exportJob)
}
