package calendar

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// ICS is an iCalendar document (RFC 5545) of events, for calendar apps to
// subscribe to.
type ICS struct {
	Name    string        // X-WR-CALNAME: "Lịch thi đua - Trường Tiểu học Lái Thiêu"
	Desc    string        // X-WR-CALDESC
	Stamp   time.Time     // DTSTAMP of every event: when this content was first produced
	BaseURL string        // prefix making the events' paths absolute
	Refresh time.Duration // REFRESH-INTERVAL and X-PUBLISHED-TTL; 0: one hour
	Events  []Event
}

// ContentType is the media type of an ICS document.
const ContentType = "text/calendar; charset=utf-8"

// Bytes writes the document: CRLF line ends, lines folded at 75 octets
// without splitting a UTF-8 character, TEXT values escaped, times in UTC,
// all-day events as VALUE=DATE with the exclusive end day.
func (c ICS) Bytes() []byte {
	var b bytes.Buffer
	w := func(name, value string) { fold(&b, name+":"+value) }
	w("BEGIN", "VCALENDAR")
	w("VERSION", "2.0")
	w("PRODID", "-//thidua//Lich thi dua khen thuong nganh Giao duc//VI")
	w("CALSCALE", "GREGORIAN")
	w("METHOD", "PUBLISH")
	w("X-WR-CALNAME", text(c.Name))
	if c.Desc != "" {
		w("X-WR-CALDESC", text(c.Desc))
	}
	w("X-WR-TIMEZONE", "Asia/Ho_Chi_Minh")
	refresh := duration(c.Refresh)
	w("REFRESH-INTERVAL;VALUE=DURATION", refresh)
	w("X-PUBLISHED-TTL", refresh)
	stamp := c.Stamp.UTC().Format("20060102T150405Z")
	for _, e := range c.Events {
		w("BEGIN", "VEVENT")
		w("UID", text(e.UID+"@thidua"))
		w("DTSTAMP", stamp)
		if e.AllDay {
			first, last := e.Days()
			w("DTSTART;VALUE=DATE", first.Format("20060102"))
			w("DTEND;VALUE=DATE", last.AddDate(0, 0, 1).Format("20060102"))
			w("TRANSP", "TRANSPARENT")
		} else {
			w("DTSTART", e.Start.UTC().Format("20060102T150405Z"))
			if !e.End.IsZero() && e.End.After(e.Start) {
				w("DTEND", e.End.UTC().Format("20060102T150405Z"))
			}
		}
		w("SUMMARY", text(e.Title))
		if d := description(e); d != "" {
			w("DESCRIPTION", text(d))
		}
		w("CATEGORIES", text(e.Kind.Label()))
		if e.URL != "" {
			w("URL", absolute(c.BaseURL, e.URL))
		}
		if e.Public {
			w("CLASS", "PUBLIC")
		}
		if e.Remind {
			w("BEGIN", "VALARM")
			w("ACTION", "DISPLAY")
			w("TRIGGER", "-P1D")
			w("DESCRIPTION", text("Sắp đến hạn: "+e.Title))
			w("END", "VALARM")
		}
		w("END", "VEVENT")
	}
	w("END", "VCALENDAR")
	return b.Bytes()
}

// description is the event's detail with the unit it belongs to.
func description(e Event) string {
	d := e.Detail
	if e.UnitName != "" {
		if d != "" {
			d += "\n"
		}
		d += "Đơn vị: " + e.UnitName
	}
	return d
}

func duration(d time.Duration) string {
	if d <= 0 {
		d = time.Hour
	}
	if d%time.Hour == 0 {
		return "PT" + strconv.Itoa(int(d/time.Hour)) + "H"
	}
	return "PT" + strconv.Itoa(int(d/time.Minute)) + "M"
}

func absolute(base, path string) string {
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") || base == "" {
		return path
	}
	return strings.TrimRight(base, "/") + path
}

// text escapes a TEXT value: backslash, semicolon, comma and line breaks;
// other control characters are dropped (a tab becomes a space).
func text(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// maxLine is the longest content line in octets, line break excluded.
const maxLine = 75

// fold writes one content line, folded: each physical line holds at most
// 75 octets (a continuation's leading space included), never splitting a
// UTF-8 sequence, and ends with CRLF.
func fold(b *bytes.Buffer, line string) {
	limit := maxLine
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		b.WriteString(line[:cut])
		b.WriteString("\r\n ")
		line = line[cut:]
		limit = maxLine - 1
	}
	b.WriteString(line)
	b.WriteString("\r\n")
}

// Stamps remembers, per feed, the content last served and when it was
// first produced: that moment is the feed's DTSTAMP and Last-Modified, so
// an unchanged feed keeps its ETag and answers 304. It lives in one
// process; another server produces the same ETag for the same content.
type Stamps struct {
	mu sync.Mutex
	m  map[string]stamp
}

type stamp struct {
	hash string
	at   time.Time
}

// maxStamps bounds the memory of Stamps; past it, it starts afresh.
const maxStamps = 20000

// Seen returns when the content with hash was first seen under key (now,
// when it is new or changed).
func (s *Stamps) Seen(key, hash string, now time.Time) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil || len(s.m) >= maxStamps {
		s.m = map[string]stamp{}
	}
	if st, ok := s.m[key]; ok && st.hash == hash {
		return st.at
	}
	at := now.UTC().Truncate(time.Second)
	s.m[key] = stamp{hash: hash, at: at}
	return at
}

// Render writes the feed of c under key, stamped with the time its content
// was first seen, and returns the document, its ETag and that time.
func (s *Stamps) Render(key string, c ICS, now time.Time) (body []byte, etag string, modified time.Time) {
	c.Stamp = time.Time{}
	sum := sha256.Sum256(c.Bytes())
	hash := hex.EncodeToString(sum[:16])
	c.Stamp = s.Seen(key, hash, now)
	return c.Bytes(), `"` + hash + `"`, c.Stamp
}
