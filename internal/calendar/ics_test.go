package calendar_test

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"

	"thidua/internal/calendar"
	"thidua/internal/viet"
)

// parseICS checks the octet-level rules of RFC 5545 that a parser
// forgives (CRLF line ends, lines of at most 75 octets, no UTF-8 sequence
// split across a fold) and parses the document with a real iCalendar
// parser.
func parseICS(t *testing.T, body []byte) *ics.Calendar {
	t.Helper()
	if !bytes.HasSuffix(body, []byte("\r\n")) {
		t.Fatal("the document does not end with CRLF")
	}
	for i, line := range bytes.Split(bytes.TrimSuffix(body, []byte("\r\n")), []byte("\r\n")) {
		if bytes.ContainsAny(line, "\r\n") {
			t.Fatalf("line %d holds a bare CR or LF: %q", i+1, line)
		}
		if len(line) > 75 {
			t.Errorf("line %d is %d octets long: %q", i+1, len(line), line)
		}
		if !utf8.Valid(line) {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i+1, line)
		}
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, body)
	}
	return cal
}

// calProp returns the value of a calendar property.
func calProp(cal *ics.Calendar, name string) string {
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == name {
			return p.Value
		}
	}
	return ""
}

// prop returns the unescaped TEXT value of an event's property.
func prop(e *ics.VEvent, p ics.ComponentProperty) string {
	if v := e.GetProperty(p); v != nil {
		return ics.FromText(v.Value)
	}
	return ""
}

func TestICSParses(t *testing.T) {
	stamp := time.Date(2026, 6, 1, 3, 4, 5, 0, time.UTC)
	long := "Hạn ban hành kế hoạch tuyên truyền các phong trào thi đua yêu nước và nhân rộng điển hình tiên tiến năm học 2026-2027"
	detail := "Dòng một; có dấu chấm phẩy, dấu phẩy\nvà đường dẫn C:\\thu-muc\\tep.docx"
	c := calendar.ICS{Name: "Lịch thi đua – Trường Tiểu học Lái Thiêu, phường Lái Thiêu", Stamp: stamp, BaseURL: "https://thidua.example.vn/",
		Refresh: 2 * time.Hour, Events: []calendar.Event{
			{UID: "keydate-4-2026", Kind: calendar.KeyDate, Title: "Ngày truyền thống thi đua yêu nước", Detail: "Kỷ niệm 78 năm",
				Start: vn(2026, 6, 11), AllDay: true, URL: "/calendar/key-dates#kd-4", Public: true},
			{UID: "plan-12-deadline-7", Kind: calendar.Deadline, Title: long, Detail: detail, UnitName: "Phòng Văn hóa - Xã hội phường Lái Thiêu",
				Start: time.Date(2026, 6, 30, 17, 0, 0, 0, viet.Zone), URL: "/plans/12", Remind: true},
			{UID: "campaign-3", Kind: calendar.Campaign, Title: "Đợt thi đua chào mừng Ngày Nhà giáo Việt Nam 20/11",
				Start: vn(2026, 11, 1), End: vn(2026, 11, 20), AllDay: true},
			{UID: "round-5-review", Kind: calendar.Round, Title: "Họp hội đồng xét chọn Quý II/2026",
				Start: time.Date(2026, 7, 2, 8, 0, 0, 0, viet.Zone), End: time.Date(2026, 7, 2, 11, 30, 0, 0, viet.Zone)},
		}}
	body := c.Bytes()
	cal := parseICS(t, body)

	if got := ics.FromText(calProp(cal, "X-WR-CALNAME")); got != c.Name {
		t.Errorf("X-WR-CALNAME = %q, want %q", got, c.Name)
	}
	for name, want := range map[string]string{"VERSION": "2.0", "REFRESH-INTERVAL": "PT2H", "X-PUBLISHED-TTL": "PT2H", "METHOD": "PUBLISH"} {
		if got := calProp(cal, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	evs := cal.Events()
	if len(evs) != len(c.Events) {
		t.Fatalf("%d events parsed, want %d", len(evs), len(c.Events))
	}
	byUID := map[string]*ics.VEvent{}
	for _, e := range evs {
		byUID[e.Id()] = e
		ts, err := e.GetDtStampTime()
		if err != nil || !ts.Equal(stamp) {
			t.Errorf("%s: DTSTAMP %v, %v; want %v", e.Id(), ts, err, stamp)
		}
	}

	kd := byUID["keydate-4-2026@thidua"]
	if kd == nil {
		t.Fatalf("no key date event among %v", byUID)
	}
	if v := kd.GetProperty(ics.ComponentPropertyDtStart); v.ICalParameters["VALUE"][0] != "DATE" || v.Value != "20260611" {
		t.Errorf("key date DTSTART = %+v", v)
	}
	if start, err := kd.GetAllDayStartAt(); err != nil || start.Format("2006-01-02") != "2026-06-11" {
		t.Errorf("key date start %v, %v", start, err)
	}
	if end, err := kd.GetAllDayEndAt(); err != nil || end.Format("2006-01-02") != "2026-06-12" {
		t.Errorf("key date end %v, %v; want the next day (DTEND is exclusive)", end, err)
	}
	if got := prop(kd, ics.ComponentPropertyUrl); got != "https://thidua.example.vn/calendar/key-dates#kd-4" {
		t.Errorf("URL = %q", got)
	}
	if got := prop(kd, ics.ComponentPropertyCategories); got != "Ngày kỷ niệm" {
		t.Errorf("CATEGORIES = %q", got)
	}

	dl := byUID["plan-12-deadline-7@thidua"]
	if got := prop(dl, ics.ComponentPropertySummary); got != long {
		t.Errorf("folded SUMMARY = %q, want %q", got, long)
	}
	if got, want := prop(dl, ics.ComponentPropertyDescription), detail+"\nĐơn vị: Phòng Văn hóa - Xã hội phường Lái Thiêu"; got != want {
		t.Errorf("DESCRIPTION = %q, want %q", got, want)
	}
	if start, err := dl.GetStartAt(); err != nil || !start.Equal(c.Events[1].Start) {
		t.Errorf("deadline start %v, %v", start, err)
	}
	if dl.GetProperty(ics.ComponentPropertyDtEnd) != nil {
		t.Error("a point in time has a DTEND")
	}
	if al := dl.Alarms(); len(al) != 1 || al[0].GetProperty(ics.ComponentPropertyTrigger).Value != "-P1D" {
		t.Errorf("deadline alarms %v", al)
	}

	camp := byUID["campaign-3@thidua"]
	if end, err := camp.GetAllDayEndAt(); err != nil || end.Format("2006-01-02") != "2026-11-21" {
		t.Errorf("campaign 1/11–20/11 ends %v, %v; want 2026-11-21 (exclusive)", end, err)
	}
	round := byUID["round-5-review@thidua"]
	if end, err := round.GetEndAt(); err != nil || !end.Equal(c.Events[3].End) {
		t.Errorf("meeting end %v, %v", end, err)
	}
	// The fold of the long summary really happened, at a character boundary.
	if !bytes.Contains(body, []byte("\r\n ")) {
		t.Error("nothing was folded")
	}
}

func TestICSEmptyAndControlCharacters(t *testing.T) {
	c := calendar.ICS{Name: "Lịch\tcông khai\x00", Stamp: time.Unix(0, 0), Events: []calendar.Event{
		{UID: "x-1", Kind: calendar.KeyDate, Title: strings.Repeat("đ", 100), Start: vn(2026, 1, 1), AllDay: true}}}
	cal := parseICS(t, c.Bytes())
	if got := ics.FromText(calProp(cal, "X-WR-CALNAME")); got != "Lịch công khai" {
		t.Errorf("name %q", got)
	}
	if got := prop(cal.Events()[0], ics.ComponentPropertySummary); got != strings.Repeat("đ", 100) {
		t.Errorf("summary of 200 octets came back as %q", got)
	}
	parseICS(t, calendar.ICS{Name: "Trống"}.Bytes())
}

func TestStamps(t *testing.T) {
	var s calendar.Stamps
	c := calendar.ICS{Name: "Lịch", Events: []calendar.Event{{UID: "a", Kind: calendar.KeyDate, Title: "A", Start: vn(2026, 1, 1), AllDay: true}}}
	t0 := time.Date(2026, 5, 1, 1, 0, 0, 0, time.UTC)
	b1, e1, m1 := s.Render("feed-1", c, t0)
	b2, e2, m2 := s.Render("feed-1", c, t0.Add(time.Hour))
	if !bytes.Equal(b1, b2) || e1 != e2 || !m1.Equal(t0) || !m2.Equal(t0) {
		t.Errorf("unchanged content: etags %s %s, modified %v %v; want the same, first seen", e1, e2, m1, m2)
	}
	c.Events[0].Title = "B"
	b3, e3, m3 := s.Render("feed-1", c, t0.Add(2*time.Hour))
	if bytes.Equal(b1, b3) || e3 == e1 || !m3.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("changed content kept etag %s or time %v", e3, m3)
	}
	if !bytes.Contains(b3, []byte("DTSTAMP:20260501T030000Z")) {
		t.Errorf("DTSTAMP is not the time the content was first seen:\n%s", b3)
	}
	// Another process renders the same content with the same ETag.
	var other calendar.Stamps
	if _, e4, _ := other.Render("feed-1", c, t0.Add(5*time.Hour)); e4 != e3 {
		t.Errorf("another server's etag %s, want %s", e4, e3)
	}
}
