package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// byID finds the element with id, which may hold dots ("f-person.ho"),
// where chromedp.ID would read a CSS class.
func byID(id string) chromedp.CSS { return chromedp.CSS(fmt.Sprintf("[id=%q]", id)) }

// fill clears the field (input or textarea) with id and types text into it.
func (b *browser) fill(id, text string) {
	b.t.Helper()
	run(b, "clear #"+id, chromedp.Evaluate[bool](fmt.Sprintf(`(function(e) { e.value = ""; return true })(document.getElementById(%q))`, id)))
	b.do("type into #"+id, chromedp.SendKeys(byID(id), text))
}

// pick chooses, in the select with id, the option whose visible text starts
// with text, as a user reading the list would.
func (b *browser) pick(id, text string) {
	b.t.Helper()
	got := run(b, fmt.Sprintf("choose %q in #%s", text, id), chromedp.Evaluate[string](fmt.Sprintf(`(function(s, want) {
		var o = Array.from(s.options).find(function(o) { return o.text.trim().indexOf(want) === 0 });
		if (!o) { return "" }
		s.value = o.value; s.dispatchEvent(new Event("change", {bubbles: true}));
		return s.selectedOptions[0].text })(document.getElementById(%q), %q)`, id, text)))
	if !strings.HasPrefix(strings.TrimSpace(got), text) {
		b.fail("#%s has no option %q", id, text)
	}
}

// acceptConfirms makes the page's confirmation prompts (data-confirm) say
// yes, as the user clicking OK would.
func (b *browser) acceptConfirms() {
	b.t.Helper()
	run(b, "accept confirmations", chromedp.Evaluate[bool](`window.confirm = function() { return true }; true`))
}

// logout uses the menu's button; login starts from the login page.
func (b *browser) logout() {
	b.t.Helper()
	b.clickAndLoad("Đăng xuất", `//details[contains(@class,"menu")]`+button("Đăng xuất"))
	b.wantPath("/login")
}

func (b *browser) loginAs(username string) {
	b.t.Helper()
	b.open("/login")
	b.login(username, demoPassword)
	b.wantPath("/")
}

// snap keeps a screenshot of the step when THIDUA_E2E_SCREENSHOTS names a folder.
func (b *browser) snap(name string) {
	b.t.Helper()
	dir := os.Getenv("THIDUA_E2E_SCREENSHOTS")
	if dir == "" {
		return
	}
	os.MkdirAll(dir, 0o755)
	png := run(b, "screenshot "+name, chromedp.FullScreenshot(100))
	os.WriteFile(filepath.Join(dir, "selection-"+name+".png"), png, 0o644)
}

// TestBrowserSelectionSchoolAndOffice takes a dossier through the school's
// and the office's steps by clicking, on the demo data: a teacher of the
// Lái Thiêu primary school drafts it and proposes it, the school's leader
// submits it into the ward office's open round (Quý IV), the office's
// officer assigns a reviewer (herself), scores it, records the council's
// vote and releases the round's results, and the school's leader sees the
// result through the bell.
func TestBrowserSelectionSchoolAndOffice(t *testing.T) {
	chromiumPath(t)
	base := startServer(t)
	b := newBrowser(t, base, 1280, 900)
	begin := time.Now()
	const title = "Giờ đọc sách cùng thầy cô mỗi sáng thứ Sáu"

	// 1. The teacher drafts the dossier: Hồ sơ điển hình → + Hồ sơ mới.
	b.loginAs("th.laithieu.gv")
	b.clickAndLoad("menu Hồ sơ điển hình", `//header//nav`+link("Hồ sơ điển hình"))
	b.clickAndLoad("+ Hồ sơ mới", link("+ Hồ sơ mới"))
	b.wantPath("/dossiers/new")
	b.pick("f-unit_id", "Trường Tiểu học Lái Thiêu")
	b.do("individual", chromedp.Click(`//input[@name="subject_kind" and @value="individual"]`))
	b.fill("f-person.ho", "Trần")
	b.fill("f-person.dem", "Thị Thanh")
	b.fill("f-person.ten", "Hương")
	b.pick("f-person.gender", "Nữ")
	b.fill("f-person.birth_year", "1986")
	b.fill("f-person.position", "Giáo viên chủ nhiệm lớp 3")
	b.pick("f-category", "Thành tích xuất sắc")
	b.fill("f-title", title)
	b.fill("f-summary", "Duy trì giờ đọc sách mỗi sáng thứ Sáu cho lớp 3A suốt hai năm học; 100% học sinh đọc thông thạo, lớp đạt giải Nhất hội thi kể chuyện của trường.")
	// Ticking a criterion opens its evidence box.
	for key, proof := range map[string]string{
		"achievement": "Giấy khen của Hiệu trưởng năm học 2025-2026; giải Nhất hội thi kể chuyện cấp trường.",
		"innovation":  "Bộ thẻ đọc theo chủ đề do cô tự thiết kế, được tổ khối 3 áp dụng.",
	} {
		b.do("tick "+key, chromedp.Click(fmt.Sprintf(`//input[@name="criteria.%s.checked"]`, key)))
		b.do("evidence box of "+key+" shows", chromedp.WaitVisible(byID("f-criteria."+key)))
		b.fill("f-criteria."+key, proof)
	}
	b.snap("1-form")
	b.clickAndLoad("save the dossier", button("Lưu hồ sơ"))
	if p := b.path(); !regexp.MustCompile(`^/dossiers/\d+$`).MatchString(p) {
		b.fail("after saving, on %s, want /dossiers/ID", p)
	}
	b.wantText("h1", title)
	b.wantText("main", "Trần Thị Thanh Hương")
	b.wantText("#send", "Quý IV/2026")
	// Staff cannot submit; they propose for the leader.
	b.clickAndLoad("Đề xuất", `//section[@id="send"]`+button("Đề xuất"))
	if p := b.path(); !regexp.MustCompile(`^/nominations/\d+$`).MatchString(p) {
		b.fail("after proposing, on %s, want /nominations/ID", p)
	}
	nomination := b.path()
	b.wantText(".state.big", "Dự thảo đề nghị")
	b.logout()

	// 2. The school's leader finds it among her to-dos and submits it.
	b.loginAs("th.laithieu.hieutruong")
	b.clickAndLoad("to-do: submit the draft", fmt.Sprintf(`//section[contains(@class,"card")]//a[contains(., %s)]`, xq(title)))
	b.wantPath(nomination)
	b.clickAndLoad("Gửi đề nghị", button("Gửi đề nghị vào đợt Quý IV/2026"))
	b.wantPath(nomination)
	b.wantText(".state.big", "Đã gửi")
	b.snap("2-submitted")
	b.logout()

	// 3. The office's officer: her to-do leads to the new submissions;
	// she picks ours and assigns herself.
	b.loginAs("laithieu.vhxh")
	b.clickAndLoad("to-do: assign reviewers", `//a[starts-with(normalize-space(.), "Phân công chấm") and contains(., "Quý IV/2026")]`)
	if p := b.path(); !strings.Contains(p, "state=submitted") {
		b.fail("the assign to-do led to %s", p)
	}
	roundPath := strings.SplitN(b.path(), "?", 2)[0]
	b.do("pick the nomination", chromedp.Click(fmt.Sprintf(`//input[@name="ids" and @aria-label=%s]`, xq("Chọn "+title))))
	b.do("pick the reviewer", chromedp.Click(`//fieldset[@id="f-reviewers"]//label[contains(., "laithieu.vhxh")]/input`))
	b.clickAndLoad("Phân công chấm", `//fieldset[@id="f-reviewers"]`+button("Phân công chấm"))
	b.wantText(".report", "Đã phân công")
	if strings.Contains(b.text(".report"), "✗") {
		b.fail("the assignment report has a failed item: %s", b.text(".report"))
	}

	// 4. She scores it (from her to-dos), every criterion 9 of 10.
	b.clickAndLoad("menu Trang chủ", `//header//nav`+link("Trang chủ"))
	b.clickAndLoad("to-do: score", fmt.Sprintf(`//a[starts-with(normalize-space(.), "Chấm điểm hồ sơ") and contains(., %s)]`, xq(title)))
	b.wantPath(nomination)
	ids := run(b, "read the score fields", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("input[name^=score_]")).map(function(e) { return e.id })`))
	if len(ids) == 0 {
		b.fail("no score fields on the nomination page")
	}
	for _, id := range ids {
		b.fill(id, "9")
	}
	b.fill("f-comment", "Thành tích rõ ràng, minh chứng đầy đủ.")
	b.clickAndLoad("Gửi điểm", button("Gửi điểm"))
	b.wantText("table.scores tr.total", "90")

	// 5. The council's vote: all five members for.
	b.do("vote", chromedp.Click(`//input[@name="mode" and @value="vote"]`))
	b.fill("f-votes_for", "5")
	b.fill("f-votes_against", "0")
	b.clickAndLoad("Ghi quyết định", button("Ghi quyết định"))
	b.wantText("main", "chờ công bố")
	b.snap("3-decided")

	// 6. She releases the round's results.
	b.open(roundPath)
	b.acceptConfirms()
	b.clickAndLoad("Công bố kết quả", `//form[contains(@class,"release")]//button[starts-with(normalize-space(.), "Công bố kết quả")]`)
	b.wantText(".report", title)
	b.wantText(".report", "Chọn")
	b.snap("4-released")
	b.logout()

	// 7. The school's leader: the bell counts the news, the notification
	// leads to the result.
	b.loginAs("th.laithieu.hieutruong")
	before := b.text(".bell .count")
	if !regexp.MustCompile(`^\d+`).MatchString(before) {
		b.fail("the bell shows no unread count: %q", before)
	}
	b.clickAndLoad("the bell", "a.bell")
	b.wantPath("/notifications")
	note := "Kết quả xét chọn: " + title + " — Được chọn"
	b.wantText("ul.notes li.unread", note)
	b.snap("5-notifications")
	b.clickAndLoad("open the notification", button(note))
	b.wantPath(nomination)
	b.wantText(".state.big", "Được chọn")
	after := run(b, "read the bell", chromedp.Evaluate[string](`(document.querySelector(".bell .count") || {innerText: "0"}).innerText`))
	if n, m := leadingInt(before), leadingInt(after); m != n-1 {
		b.fail("the bell went from %q to %q after opening one notification", before, after)
	}
	b.snap("6-result")

	b.mu.Lock()
	if len(b.console) > 0 {
		t.Errorf("the pages reported errors in the browser console:\n  %s", strings.Join(b.console, "\n  "))
	}
	b.mu.Unlock()
	t.Logf("scenario took %v in the browser", time.Since(begin).Round(time.Millisecond))
}

func leadingInt(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			break
		}
		n = n*10 + int(r-'0')
	}
	return n
}
