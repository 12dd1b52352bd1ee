// Package viet holds the rules of Vietnamese text the whole system shares:
// NFC storage, diacritic-folded search text, collation of personal names, and
// the way dates and numbers are written in official documents.
package viet

import (
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// NFC returns s in Unicode normalisation form C with surrounding space
// trimmed and inner runs of white space collapsed: the form text is stored in.
func NFC(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

// Fold returns the search form of s: marks stripped, đ/Đ mapped to d (they
// do not decompose), lower case, white space collapsed. "Điển Hình" → "dien hinh".
//
// Every store folds on every write and every search, so ASCII and the
// Latin letters Vietnamese uses are folded a rune at a time from a table
// (foldSlow gives the same answer); other scripts go the slow way.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false // a space is owed before the next letter
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteByte(byte(r))
			continue
		}
		f, ok := foldRune(r)
		if !ok {
			return foldSlow(s)
		}
		if f != "" && space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteString(f)
	}
	return b.String()
}

// foldSlow is Fold by the book: decompose, drop the marks, compose, đ → d,
// lower case, collapse white space.
func foldSlow(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	out = strings.NewReplacer("đ", "d", "Đ", "d").Replace(out)
	return strings.Join(strings.Fields(strings.ToLower(out)), " ")
}

// foldRanges are the runes foldRune knows: Latin-1 letters, Latin
// Extended-A and -B, the combining marks, Latin Extended Additional (ạ…ỹ).
var foldRanges = [][2]rune{{0xC0, 0x24F}, {0x300, 0x36F}, {0x1E00, 0x1EFF}}

var (
	foldOnce  sync.Once
	foldTable map[rune]string
)

// foldRune is the folded form of one rune of foldRanges ("" for a mark).
func foldRune(r rune) (string, bool) {
	foldOnce.Do(func() {
		foldTable = make(map[rune]string, 1200)
		for _, rg := range foldRanges {
			for c := rg[0]; c <= rg[1]; c++ {
				if !unicode.IsSpace(c) {
					foldTable[c] = foldSlow(string(c))
				}
			}
		}
	})
	f, ok := foldTable[r]
	return f, ok
}

// FullName joins họ, đệm and tên the way they are written.
func FullName(ho, dem, ten string) string {
	parts := make([]string, 0, 3)
	for _, p := range []string{ho, dem, ten} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}

// SplitName splits a full name into họ (first word), đệm (middle words) and
// tên (last word), for imports that give one column.
func SplitName(full string) (ho, dem, ten string) {
	f := strings.Fields(NFC(full))
	switch len(f) {
	case 0:
		return "", "", ""
	case 1:
		return "", "", f[0]
	case 2:
		return f[0], "", f[1]
	}
	return f[0], strings.Join(f[1:len(f)-1], " "), f[len(f)-1]
}

// Collator compares Vietnamese text: a < ă < â, d < đ, tones secondary.
// A Collator is not safe for concurrent use; make one per goroutine.
func Collator() *collate.Collator { return collate.New(language.Vietnamese) }

// CompareNames orders people the Vietnamese way: by tên, then đệm, then họ.
func CompareNames(c *collate.Collator, ho1, dem1, ten1, ho2, dem2, ten2 string) int {
	if r := c.CompareString(ten1, ten2); r != 0 {
		return r
	}
	if r := c.CompareString(dem1, dem2); r != 0 {
		return r
	}
	return c.CompareString(ho1, ho2)
}

// Date writes d as in official documents: "ngày 05 tháng 01 năm 2026"
// (leading zero for days below 10 and for months 1 and 2).
func Date(d time.Time) string {
	return "ngày " + day2(d.Day()) + " tháng " + month(d.Month()) + " năm " + strconv.Itoa(d.Year())
}

// ShortDate writes d as dd/mm/yyyy.
func ShortDate(d time.Time) string {
	if d.IsZero() {
		return ""
	}
	return d.Format("02/01/2006")
}

// DateTime writes t in Vietnam time as "dd/mm/yyyy hh:mm".
func DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Zone).Format("02/01/2006 15:04")
}

// Zone is Vietnam's time zone (UTC+7, no daylight saving).
var Zone = time.FixedZone("ICT", 7*3600)

func day2(d int) string {
	if d < 10 {
		return "0" + strconv.Itoa(d)
	}
	return strconv.Itoa(d)
}

func month(m time.Month) string {
	if m <= 2 {
		return "0" + strconv.Itoa(int(m))
	}
	return strconv.Itoa(int(m))
}

// ParseDate reads a date written dd/mm/yyyy (or d/m/yyyy) or yyyy-mm-dd.
func ParseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2/1/2006", "02/01/2006", "2006-01-02", "2-1-2006", "2.1.2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// Int writes n with "." as the thousands separator: 12.345.
func Int(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Decimal writes f with "," for decimals and "." for thousands: 1.234,5.
func Decimal(f float64, places int) string {
	s := strconv.FormatFloat(f, 'f', places, 64)
	whole, frac, _ := strings.Cut(s, ".")
	n, _ := strconv.ParseInt(whole, 10, 64)
	out := Int(n)
	if whole == "-0" {
		out = "-0"
	}
	if frac != "" {
		out += "," + frac
	}
	return out
}

// SchoolYear names the school year (September to May) containing d:
// "2025-2026" for any day from 1/8/2025 to 31/7/2026.
func SchoolYear(d time.Time) string {
	y := d.Year()
	if d.Month() < time.August {
		y--
	}
	return strconv.Itoa(y) + "-" + strconv.Itoa(y+1)
}

// Text is the stored form of multi-line text: NFC, Unix line breaks, no
// trailing spaces, at most one blank line in a row, trimmed.
func Text(s string) string {
	s = norm.NFC.String(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"))
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " \t\u00a0")
		if strings.TrimSpace(l) == "" {
			blank++
			if blank > 1 {
				continue
			}
			l = ""
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
