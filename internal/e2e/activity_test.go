package e2e

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// writePhoto writes a synthetic JPEG photo (a gradient with a dark corner)
// to the test's folder and returns its path.
func writePhoto(t *testing.T, name string) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 800, 600))
	for y := 0; y < 600; y++ {
		for x := 0; x < 800; x++ {
			c := color.RGBA{uint8(120 + x/8), uint8(y / 3), 90, 255}
			if x < 200 && y < 150 {
				c = color.RGBA{20, 20, 20, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBrowserActivityWithPhoto walks a school's emulation officer through
// logging a propaganda activity with a photo, and finds it in the list,
// with its thumbnail once the background job has made it, and in the
// school's calendar on its day.
func TestBrowserActivityWithPhoto(t *testing.T) {
	chromiumPath(t)
	base := startServer(t)
	b := newBrowser(t, base, 1280, 900)
	begin := time.Now()
	photo := writePhoto(t, "toa-dam-20-11.jpg")
	const title = "Tọa đàm “Nhà giáo tâm huyết, sáng tạo” năm học thử nghiệm"

	b.open("/login")
	b.login("th.laithieu.thuky", demoPassword)
	b.wantPath("/")
	b.clickAndLoad("menu Tuyên truyền", `//header//nav`+link("Tuyên truyền"))
	b.wantPath("/activities")
	b.wantText("h1", "Hoạt động tuyên truyền")
	b.clickAndLoad("+ Ghi hoạt động", link("+ Ghi hoạt động"))
	b.wantPath("/activities/new")
	b.wantText("h1", "Ghi hoạt động tuyên truyền")
	if got := run(b, "read the unit", chromedp.Evaluate[string](`(s => s.selectedOptions[0].text)(document.getElementById("f-unit_id"))`)); got != "Trường Tiểu học Lái Thiêu" {
		b.fail("the form proposes unit %q, want the officer's school", got)
	}

	// Saving without a form or a title: the errors sit at their fields.
	b.clickAndLoad("save the empty form", button("Lưu hoạt động"))
	b.wantText(`#f-title + .field-error`, "Nhập tên hoạt động")
	b.wantText(`#f-form + .field-error`, "Chọn hình thức")

	b.typeInto("f-title", title)
	b.choose("f-form", "Tọa đàm")
	b.do("set the date", chromedp.SetValue(chromedp.ID("f-date"), "2025-11-18"))
	b.do("set the start time", chromedp.SetValue(chromedp.ID("f-start_time"), "08:00"))
	b.typeInto("f-participants", "350")
	b.typeInto("f-reach", "1.200")
	// The text areas are empty: typed into without clearing.
	b.do("type the partners", chromedp.SendKeys(chromedp.ID("f-partners"), "Công đoàn trường; Ban đại diện cha mẹ học sinh"))
	b.do("type the description", chromedp.SendKeys(chromedp.ID("f-description"), "Thầy cô giáo tiêu biểu chia sẻ kinh nghiệm đổi mới phương pháp dạy học."))
	b.do("attach the photo", chromedp.SetUploadFiles(`#f-files`, []string{photo}))
	b.clickAndLoad("save the activity", button("Lưu hoạt động"))
	if p := b.path(); !regexp.MustCompile(`^/activities/\d+$`).MatchString(p) {
		b.fail("after saving, on %s, want /activities/ID", p)
	}
	page := b.path()
	b.wantText(".flash", "Đã ghi hoạt động")
	b.wantText(".flash", "1 tệp minh chứng")
	b.wantText("h1", title)
	b.wantText(".facts", "18/11/2025, 08:00")
	b.wantText(".facts", "1.200")
	b.wantText("#evidence", "toa-dam-20-11.jpg")

	// The list shows it, and its thumbnail arrives from the background job
	// (the page's script swaps the placeholder for it).
	b.clickAndLoad("back to the list", `//nav[contains(@class,"crumbs")]`+link("Hoạt động tuyên truyền"))
	b.wantPath("/activities")
	row := `//table[contains(@class,"activities")]//tr[.//a[normalize-space(.)=` + xq(title) + `]]`
	b.do("find the row", chromedp.WaitVisible(row))
	rowText := run(b, "read the row", chromedp.Text(row))
	for _, want := range []string{"18/11/2025", "Trường Tiểu học Lái Thiêu", "Tọa đàm", "350 người", "1.200 lượt tiếp cận", "1 tệp minh chứng"} {
		if !strings.Contains(rowText, want) {
			b.fail("the row reads %q, want it to contain %q", rowText, want)
		}
	}
	quoted, _ := json.Marshal(title)
	b.do("wait for the thumbnail", chromedp.Poll[chromedp.Void](`(() => {
		const row = [...document.querySelectorAll("table.activities tbody tr")].find(tr => tr.textContent.includes(`+string(quoted)+`));
		const img = row && row.querySelector("img.thumb");
		return !!(img && !img.hasAttribute("data-pending") && img.complete && img.naturalWidth === 480);
	})()`, chromedp.WithPollingInterval(300*time.Millisecond), chromedp.WithPollingTimeout(25*time.Second)))
	// The title in the row leads to the activity.
	b.clickAndLoad("open the activity from the list", row+link(title))
	b.wantPath(page)

	// The school's calendar shows it on 18/11/2025, linking to it.
	b.clickAndLoad("menu Lịch", `//header//nav`+link("Lịch"))
	b.wantPath("/calendar")
	b.open("/calendar?month=2025-11")
	b.wantText(".cal-nav h2", "Tháng 11 năm 2025")
	cell := `//li[contains(@class,"cal-day") and not(contains(@class," out"))][.//span[@class="cal-dd"]="18"]`
	b.do("find 18/11 in the grid", chromedp.WaitVisible(cell))
	if got := run(b, "read 18/11", chromedp.Text(cell)); !strings.Contains(got, title) || !strings.Contains(got, "08:00") {
		b.fail("the calendar's 18/11 reads %q, want the activity at 08:00", got)
	}
	b.clickAndLoad("open the activity from the calendar", cell+`//a[contains(@class,"k-activity")]`)
	b.wantPath(page)

	b.mu.Lock()
	if len(b.console) > 0 {
		t.Errorf("the pages reported errors in the browser console:\n  %s", strings.Join(b.console, "\n  "))
	}
	b.mu.Unlock()
	t.Logf("scenario took %v in the browser", time.Since(begin).Round(time.Millisecond))
}
