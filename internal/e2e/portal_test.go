package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserPortalSearch is a visitor on a 360 px phone: from the
// portal's home page, a search typed without diacritics finds the
// exemplar, with the words marked, and opens its page, photos, sharing
// tags and all; the page fits the screen and the browser reports no error
// (the Content-Security-Policy included).
func TestBrowserPortalSearch(t *testing.T) {
	chromiumPath(t)
	base := startServer(t)
	b := newBrowser(t, base, 360, 740)
	b.do("emulate a 360 px phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulateTouch))
	fits := func(where string) {
		t.Helper()
		if w := run(b, "measure "+where, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 360 {
			b.fail("%s scrolls sideways on a 360 px screen: scrollWidth %d", where, w)
		}
	}

	b.open("/")
	b.wantPath("/dien-hinh")
	b.wantText("h1", "Điển hình tiên tiến ngành Giáo dục")
	b.wantText("main", "Điển hình nổi bật")
	fits("the portal home")

	// "thay duc cuu" without any mark finds "Thầy … Đức cứu …".
	b.typeInto("hq", "thay duc cuu")
	b.clickAndLoad("search", `//form[contains(@class,"hero-search")]`+button("Tìm"))
	b.wantPath("/search?q=thay+duc+cuu")
	b.wantText(".count", "Tìm thấy")
	first := b.text(".cards .pcard h3")
	if !strings.Contains(first, "Thầy Nguyễn Minh Đức cứu hai em nhỏ đuối nước") {
		b.fail("the first result is %q", first)
	}
	marked := run(b, "read the marked words", chromedp.Evaluate[string](`Array.from(document.querySelectorAll(".cards .pcard:first-child h3 mark")).map(m => m.textContent).join(" ")`))
	if marked != "Thầy Đức cứu" {
		b.fail("the marked words are %q, want “Thầy Đức cứu”", marked)
	}
	fits("the search results")

	b.clickAndLoad("open the exemplar", `.cards .pcard:first-child h3 a`)
	if p := b.path(); !strings.HasPrefix(p, "/dien-hinh/thay-nguyen-minh-duc-cuu-hai-em-nho-duoi-nuoc-") {
		b.fail("the exemplar's address is %s, want its folded title", p)
	}
	b.wantText("h1", "Thầy Nguyễn Minh Đức cứu hai em nhỏ đuối nước")
	b.wantText(".ex-head .credit", "Trường Tiểu học Nguyễn Du")
	b.wantText("main", "Câu chuyện")
	// The photo is served (and decoded) by the portal.
	width := 0
	for i := 0; i < 50 && width <= 0; i++ {
		width = run(b, "read the photo", chromedp.Evaluate[int](`(function(i){ return i && i.complete ? i.naturalWidth : -1 })(document.querySelector(".gallery img"))`))
		if width < 0 {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if width <= 0 {
		b.fail("the exemplar's photo did not load (naturalWidth %d)", width)
	}
	for _, meta := range []string{`meta[property="og:title"]`, `meta[property="og:image"]`, `link[rel="canonical"]`} {
		v := run(b, "read "+meta, chromedp.Evaluate[string](`(document.querySelector('`+meta+`') || {}).content || (document.querySelector('`+meta+`') || {}).href || ""`))
		if v == "" {
			b.fail("the exemplar page has no %s", meta)
		}
	}
	fits("the exemplar page")

	// A practice shows where it has spread.
	b.open("/search?q=vuon+rau+cua+be")
	b.clickAndLoad("open the practice", `.cards .pcard:first-child h3 a`)
	b.wantText("h1", "Vườn rau sạch của bé")
	b.wantText(".spread", "đơn vị đã đăng ký áp dụng")
	b.wantText(".spread", "Trường Mầm non Hoa Sen")
	fits("the practice's page")

	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.console) > 0 {
		t.Errorf("the portal's pages reported errors in the browser console:\n  %s", strings.Join(b.console, "\n  "))
	}
}
