package portal

import (
	"bytes"
	"encoding/binary"
	"image"
	_ "image/gif" // DecodeConfig of GIF photos
	_ "image/jpeg"
	_ "image/png"
)

// publicCopy returns the bytes of a photo as the portal serves them:
// metadata that could locate or identify people (EXIF with GPS position and
// camera serial, XMP, IPTC, comments, PNG text chunks) removed, keeping only
// what displays the image right (the EXIF orientation, the colour profile).
// It also returns the displayed size (0 when the format is not decoded).
// Data it does not understand is returned unchanged.
func publicCopy(data []byte) ([]byte, int, int) {
	out, orientation := data, 1
	switch {
	case bytes.HasPrefix(data, []byte("\xFF\xD8\xFF")):
		if b, o, ok := stripJPEG(data); ok {
			out, orientation = b, o
		}
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		if b, ok := stripPNG(data); ok {
			out = b
		}
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(out))
	if err != nil {
		return out, 0, 0
	}
	w, h := cfg.Width, cfg.Height
	if orientation >= 5 && orientation <= 8 { // rotated a quarter turn
		w, h = h, w
	}
	return out, w, h
}

// stripJPEG drops the APPn segments other than JFIF (APP0), the ICC colour
// profile (APP2) and Adobe's colour transform (APP14), and comments; the
// EXIF segment is replaced by a minimal one holding only the orientation.
func stripJPEG(data []byte) ([]byte, int, bool) {
	var head, kept [][]byte // APP0 segments, then the others kept
	orientation := 1
	i := 2
	for i+4 <= len(data) {
		if data[i] != 0xFF {
			return nil, 1, false
		}
		marker := data[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		if marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) {
			kept = append(kept, data[i:i+2])
			i += 2
			continue
		}
		if marker == 0xDA { // start of scan: the rest is image data
			var out bytes.Buffer
			out.Write(data[:2])
			for _, seg := range head {
				out.Write(seg)
			}
			if orientation > 1 {
				out.Write(orientationSegment(orientation))
			}
			for _, seg := range kept {
				out.Write(seg)
			}
			out.Write(data[i:])
			return out.Bytes(), orientation, true
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return nil, 1, false
		}
		seg := data[i : i+2+n]
		switch {
		case marker == 0xE0:
			head = append(head, seg)
		case marker == 0xE1:
			if o := exifOrientation(seg[4:]); o > 1 {
				orientation = o
			}
		case marker >= 0xE3 && marker <= 0xED, marker == 0xEF, marker == 0xFE:
			// dropped: IPTC, vendor data, comments
		default:
			kept = append(kept, seg)
		}
		i += 2 + n
	}
	return nil, 1, false
}

// exifOrientation reads tag 0x0112 of IFD0 of an EXIF APP1 payload
// ("Exif\0\0" + TIFF); 0 when absent.
func exifOrientation(p []byte) int {
	if !bytes.HasPrefix(p, []byte("Exif\x00\x00")) || len(p) < 14 {
		return 0
	}
	t := p[6:]
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	off := int(bo.Uint32(t[4:]))
	if off+2 > len(t) {
		return 0
	}
	n := int(bo.Uint16(t[off:]))
	for k := 0; k < n; k++ {
		e := off + 2 + 12*k
		if e+12 > len(t) {
			return 0
		}
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 {
			if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
				return v
			}
		}
	}
	return 0
}

// orientationSegment is an APP1 segment whose EXIF holds only the
// orientation tag, so that phones' upright photos stay upright.
func orientationSegment(o int) []byte {
	tiff := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, // header, IFD0 at 8
		0, 1, // one entry
		0x01, 0x12, 0, 3, 0, 0, 0, 1, byte(o >> 8), byte(o), 0, 0, // orientation, SHORT, 1 value
		0, 0, 0, 0} // no next IFD
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

// stripPNG drops the text, time and EXIF chunks of a PNG.
func stripPNG(data []byte) ([]byte, bool) {
	var out bytes.Buffer
	out.Write(data[:8])
	i := 8
	for i+12 <= len(data) {
		n := int(binary.BigEndian.Uint32(data[i:]))
		if n < 0 || i+12+n > len(data) {
			return nil, false
		}
		kind := string(data[i+4 : i+8])
		chunk := data[i : i+12+n]
		switch kind {
		case "tEXt", "zTXt", "iTXt", "eXIf", "tIME":
		default:
			out.Write(chunk)
		}
		i += 12 + n
		if kind == "IEND" {
			return out.Bytes(), true
		}
	}
	return nil, false
}
