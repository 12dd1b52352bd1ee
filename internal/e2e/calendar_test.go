package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserCalendar: a school's emulation officer adds the school's
// founding day and sees it in the month grid (desktop) and in the day list
// of a 360 px phone, where the filter is folded and nothing scrolls
// sideways.
func TestBrowserCalendar(t *testing.T) {
	chromiumPath(t)
	base := startServer(t)
	vn := time.FixedZone("ICT", 7*3600)
	today := time.Now().In(vn)
	const name = "Ngày hội đọc sách của trường"

	b := newBrowser(t, base, 1280, 900)
	b.open("/login")
	b.login("th.laithieu.thuky", demoPassword)
	b.clickAndLoad("menu Lịch", `//header//nav`+link("Lịch"))
	b.wantPath("/calendar")
	b.wantText("h1", "Trường Tiểu học Lái Thiêu")
	b.wantText(".cal-nav h2", fmt.Sprintf("Tháng %d năm %d", today.Month(), today.Year()))
	b.wantText(".cal-head", "T2")
	if !run(b, "read the filter state", chromedp.Evaluate[bool](`document.querySelector("details.cal-filter-box").open`)) {
		b.fail("the calendar filter is folded on a wide screen")
	}
	if n := run(b, "count today", chromedp.Evaluate[int](`document.querySelectorAll(".cal-day.today[aria-current=date]").length`)); n != 1 {
		b.fail("%d days marked today, want 1", n)
	}

	// Ngày kỷ niệm → + Thêm ngày của đơn vị, on today's day of the year.
	b.clickAndLoad("Ngày kỷ niệm", `//nav[contains(@class,"cal-views")]`+link("Ngày kỷ niệm"))
	b.wantText("h1", "Ngày kỷ niệm, ngày truyền thống")
	b.wantText("main", "Ngày truyền thống thi đua yêu nước")
	b.wantText("main", "Ngày thành lập Trường Tiểu học Lái Thiêu")
	b.clickAndLoad("+ Thêm ngày của đơn vị", link("+ Thêm ngày của đơn vị"))
	b.wantText("h1", "Thêm ngày kỷ niệm của Trường Tiểu học Lái Thiêu")
	b.clickAndLoad("save without a name", button("Thêm ngày kỷ niệm"))
	b.wantText(`#f-name + .field-error`, "Nhập tên ngày kỷ niệm")
	b.do("pick the day", chromedp.SetValue(chromedp.ID("f-day"), strconv.Itoa(today.Day())))
	b.do("pick the month", chromedp.SetValue(chromedp.ID("f-month"), strconv.Itoa(int(today.Month()))))
	b.typeInto("f-name", name)
	b.typeInto("f-since_year", "2015")
	b.clickAndLoad("save the key date", button("Thêm ngày kỷ niệm"))
	b.wantText(".flash", "Đã thêm ngày kỷ niệm")
	b.wantText("main", name)

	// The month grid shows it on today's cell.
	b.open("/calendar")
	b.wantText(".cal-day.today", name)

	// The agenda lists it under today.
	b.clickAndLoad("Sắp tới", `//nav[contains(@class,"cal-views")]`+link("Sắp tới"))
	b.wantText(".agenda-day.today", name)
	b.wantText(".agenda-day.today", fmt.Sprintf("Kỷ niệm %d năm", today.Year()-2015))

	// A 360 px phone: the filter is folded, only days with events show, and
	// nothing scrolls sideways.
	p := newBrowser(t, base, 360, 740)
	p.do("emulate a 360 px phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulateTouch))
	p.open("/login")
	p.login("th.laithieu.thuky", demoPassword)
	for _, path := range []string{"/calendar", "/calendar/agenda", "/calendar/key-dates", "/calendar/feeds", "/calendar?month=2026-11"} {
		p.open(path)
		if w := run(p, "measure "+path, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 360 {
			p.fail("%s scrolls sideways on a 360 px screen (scrollWidth %d)", path, w)
		}
	}
	p.open("/calendar")
	if run(p, "read the filter state", chromedp.Evaluate[bool](`document.querySelector("details.cal-filter-box").open`)) {
		p.fail("the calendar filter is open on a phone; want it folded")
	}
	shown := run(p, "list the days shown", chromedp.Evaluate[string](`Array.from(document.querySelectorAll(".cal-day")).
		filter(d => d.offsetParent !== null).map(d => d.querySelector(".cal-date").innerText.trim()).join(" | ")`))
	if !strings.Contains(shown, name) && !strings.Contains(shown, fmt.Sprintf("%02d/%02d", today.Day(), int(today.Month()))) {
		p.fail("the phone's day list %q lacks today", shown)
	}
	empty := run(p, "count empty days shown", chromedp.Evaluate[int](`Array.from(document.querySelectorAll(".cal-day.empty, .cal-day.out")).
		filter(d => d.offsetParent !== null).length`))
	if empty != 0 {
		p.fail("%d empty or other-month days shown on a phone; want only days with events", empty)
	}
	p.wantText(".cal-day.today", name)
	for _, br := range []*browser{b, p} {
		br.mu.Lock()
		if len(br.console) > 0 {
			t.Errorf("the pages reported errors in the browser console:\n  %s", strings.Join(br.console, "\n  "))
		}
		br.mu.Unlock()
	}
}
