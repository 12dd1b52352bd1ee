// Package e2e drives the real server through a real browser (Debian's
// chromium, via chromedp), clicking and typing as a user would.
//
// The tests skip when no chromium is found; set THIDUA_REQUIRE_BROWSER=1 to
// make that a failure (CI does), THIDUA_CHROMIUM to point at another binary,
// and THIDUA_E2E_SCREENSHOTS to a folder to keep the screenshots taken when a
// step fails (by default they go to the test's temporary folder, which is
// removed when the test ends).
package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"thidua/internal/cli"
)

const (
	demoPassword = "thidua-demo"
	stepTimeout  = 30 * time.Second
)

// chromiumPath finds the browser, or skips (fails under
// THIDUA_REQUIRE_BROWSER=1) when there is none.
func chromiumPath(t *testing.T) string {
	t.Helper()
	missing := func(why string) string {
		if os.Getenv("THIDUA_REQUIRE_BROWSER") == "1" {
			t.Fatalf("browser tests required (THIDUA_REQUIRE_BROWSER=1) but %s; install Debian's chromium or set THIDUA_CHROMIUM", why)
		}
		t.Skip("browser tests skipped: chromium not found; install Debian's chromium or set THIDUA_CHROMIUM")
		return ""
	}
	if p := os.Getenv("THIDUA_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return missing(fmt.Sprintf("THIDUA_CHROMIUM=%s: %v", p, err))
		}
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return missing("chromium was not found (THIDUA_CHROMIUM, /usr/bin/chromium, PATH)")
}

// syncBuffer collects the server's output from its goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer runs `thidua serve --demo` in-process on a free loopback port
// with a fresh SQLite database and returns its base URL. The server stops,
// and the test waits for Serve to return, when the test ends.
func startServer(t *testing.T) string {
	t.Helper()
	// The browser tests always use their own SQLite database, whatever the
	// developer's environment says.
	t.Setenv("THIDUA_DATABASE_URL", "")
	t.Setenv("THIDUA_FILES_DIR", "")
	t.Setenv("THIDUA_SECURE_COOKIES", "")
	t.Setenv("THIDUA_BASE_URL", "")
	return runServer(t, "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--demo")
}

// runServer runs `thidua serve args…` in-process with the environment as
// the test set it, waits until it listens and returns its base URL; with
// --demo it checks that the demo accounts were printed.
func runServer(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- cli.Serve(ctx, args, &stdout, &stderr, func(addr string) { ready <- addr })
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("server did not start: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	case <-time.After(2 * time.Minute):
		cancel()
		t.Fatalf("server did not start within 2 minutes\nstdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server stopped with an error: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("server did not stop within 30s of its context ending")
		}
		if t.Failed() {
			t.Logf("server stdout:\n%s\nserver stderr:\n%s", stdout.String(), stderr.String())
		}
	})
	if slices.Contains(args, "--demo") && !strings.Contains(stdout.String(), "admin") {
		t.Fatalf("serve --demo did not print the demo accounts; stdout:\n%s", stdout.String())
	}
	return "http://" + addr
}

// browser is one headless chromium tab with helpers that fail the test, with
// a screenshot, when a step does not work.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	shot int

	mu      sync.Mutex
	console []string // errors and exceptions the pages reported
}

func newBrowser(t *testing.T, base string, width, height int) *browser {
	t.Helper()
	path := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "vi-VN"),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc() // stops chromium before its profile folder is removed
	})
	start, cancelStart := context.WithTimeout(context.Background(), time.Minute)
	defer cancelStart()
	go func() { // the first Do binds the browser to ctx, so it must not have a deadline
		<-start.Done()
		if errors.Is(start.Err(), context.DeadlineExceeded) {
			cancelCtx()
		}
	}()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium %s: %v", path, err)
	}
	cancelStart()
	b := &browser{t: t, ctx: ctx, base: base}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			// Network entries are the expected 4xx of re-rendered forms;
			// exceptions, console.error and security (CSP) entries are not.
			if m.IsException() || (m.Type == chromedp.ConsoleError && m.Source != "network") {
				b.mu.Lock()
				b.console = append(b.console, fmt.Sprintf("%s:%d %s", m.URL, m.Line+1, m.Text))
				b.mu.Unlock()
			}
		}
	}()
	return b
}

// fail takes a screenshot of the page, logs where it is, and stops the test.
func (b *browser) fail(format string, args ...any) {
	b.t.Helper()
	msg := fmt.Sprintf(format, args...)
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
		msg += "\n  page: " + loc
	}
	if text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("main") || document.body).innerText.slice(0, 1500)`)); err == nil {
		msg += "\n  text: " + strings.ReplaceAll(text, "\n", "\n        ")
	}
	dir := os.Getenv("THIDUA_E2E_SCREENSHOTS")
	if dir == "" {
		dir = b.t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		dir = b.t.TempDir()
	}
	b.shot++
	name := filepath.Join(dir, fmt.Sprintf("%s-%d.png", regexp.MustCompile(`[^A-Za-z0-9_-]+`).ReplaceAllString(b.t.Name(), "_"), b.shot))
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err != nil {
		msg += "\n  screenshot failed: " + err.Error()
	} else if err := os.WriteFile(name, png, 0o644); err != nil {
		msg += "\n  screenshot not written: " + err.Error()
	} else {
		msg += "\n  screenshot: " + name
	}
	b.mu.Lock()
	if len(b.console) > 0 {
		msg += "\n  console errors:\n    " + strings.Join(b.console, "\n    ")
	}
	b.mu.Unlock()
	b.t.Fatal(msg)
}

// do runs actions with a time limit, failing the test on error.
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.fail("%s: %v", what, err)
	}
}

// run runs one action that returns a value.
func run[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.fail("%s: %v", what, err)
	}
	return v
}

// open loads a page by its path, as typing an address would.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path))
}

// clickAndLoad clicks what sel finds and waits for the page it leads to.
func (b *browser) clickAndLoad(what string, sel string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(sel))); err != nil {
		b.fail("%s (click %s): %v", what, sel, err)
	}
}

// link is an XPath for a link whose visible text is text.
func link(text string) string { return fmt.Sprintf(`//a[normalize-space(.)=%s]`, xq(text)) }

// button is an XPath for a button whose visible text is text.
func button(text string) string { return fmt.Sprintf(`//button[normalize-space(.)=%s]`, xq(text)) }

// xq quotes s as an XPath string literal.
func xq(s string) string {
	if !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	return `'` + s + `'`
}

// typeInto clears the field with id and types text into it.
func (b *browser) typeInto(id, text string) {
	b.t.Helper()
	b.do("type into #"+id, chromedp.Clear(chromedp.ID(id)), chromedp.SendKeys(chromedp.ID(id), text))
}

// choose picks, in the select with id, the first option whose visible text
// starts with text, as a user reading the list would, and checks the choice.
func (b *browser) choose(id, text string) {
	b.t.Helper()
	opt := fmt.Sprintf(`//select[@id=%s]/option[starts-with(normalize-space(.), %s)]`, xq(id), xq(text))
	v := run(b, fmt.Sprintf("find option %q in #%s", text, id), chromedp.AttributeValue(opt, "value"))
	if !v.Exists {
		b.fail("option %q in #%s has no value", text, id)
	}
	b.do("choose "+text, chromedp.SetValue(chromedp.ID(id), v.Value))
	got := run(b, "read #"+id, chromedp.Evaluate[string](fmt.Sprintf(
		`(function(s){ s.dispatchEvent(new Event("change", {bubbles: true})); return s.selectedOptions[0].text })(document.getElementById(%q))`, id)))
	if !strings.HasPrefix(got, text) {
		b.fail("#%s shows %q after choosing %q", id, got, text)
	}
}

// path is the path (and query) of the current page.
func (b *browser) path() string {
	b.t.Helper()
	loc := run(b, "read location", chromedp.Location())
	u, err := url.Parse(loc)
	if err != nil {
		b.fail("location %q: %v", loc, err)
	}
	return u.RequestURI()
}

// text is the visible text of the first element that the CSS selector finds.
func (b *browser) text(css string) string {
	b.t.Helper()
	return run(b, "read "+css, chromedp.Text(chromedp.CSS(css)))
}

func (b *browser) wantPath(want string) {
	b.t.Helper()
	if got := b.path(); got != want {
		b.fail("on %s, want %s", got, want)
	}
}

func (b *browser) wantText(css, want string) {
	b.t.Helper()
	if got := b.text(css); !strings.Contains(got, want) {
		b.fail("%s reads %q, want it to contain %q", css, got, want)
	}
}

// login fills the login form and submits it.
func (b *browser) login(username, password string) {
	b.t.Helper()
	b.do("wait for the login form", chromedp.WaitVisible(chromedp.ID("f-username")))
	b.typeInto("f-username", username)
	b.typeInto("f-password", password)
	b.clickAndLoad("log in as "+username, button("Đăng nhập"))
}

// TestBrowserAdminCreatesSchoolAndAccount walks an administrator through
// adding a school and an account for it, and the new user through the first
// login.
func TestBrowserAdminCreatesSchoolAndAccount(t *testing.T) {
	chromiumPath(t)
	base := startServer(t)
	b := newBrowser(t, base, 1280, 900)
	begin := time.Now()

	// The public lands on the portal; its "Đăng nhập" link leads to the
	// login page. Log in as the demo administrator.
	b.open("/")
	b.wantPath("/dien-hinh")
	b.clickAndLoad("Đăng nhập", `//header`+link("Đăng nhập"))
	b.wantPath("/login")
	b.wantText("h1", "Đăng nhập")
	b.login("admin", demoPassword)
	b.wantPath("/")
	b.wantText("h1", "Xin chào")

	// Đơn vị → + Thêm đơn vị: a primary school under the ward's Phòng VH-XH.
	const (
		code       = "HCM-LT-TH-THUNGHIEM"
		schoolName = "Trường Tiểu học Thử Nghiệm"
		parent     = "Phòng Văn hóa - Xã hội phường Lái Thiêu"
	)
	b.clickAndLoad("menu Đơn vị", `//header//nav`+link("Đơn vị"))
	b.wantPath("/units")
	b.wantText("h1", "Đơn vị")
	b.clickAndLoad("+ Thêm đơn vị", link("+ Thêm đơn vị"))
	b.wantPath("/units/new")
	b.wantText("h1", "Thêm đơn vị")
	b.choose("f-parent_id", parent)
	b.choose("f-kind", "Trường học")
	b.typeInto("f-code", code)
	b.typeInto("f-name", schoolName)
	b.typeInto("f-short_name", "TH Thử Nghiệm")
	b.do("tick level TH", chromedp.Click(`//input[@name="levels" and @value="TH"]`))
	b.do("set valid from", chromedp.SetValue(chromedp.ID("f-valid_from"), "2025-09-05"))
	b.clickAndLoad("save the unit", button("Lưu"))
	if p := b.path(); !regexp.MustCompile(`^/units/\d+$`).MatchString(p) {
		b.fail("after saving the unit, on %s, want /units/ID", p)
	}
	schoolPath := b.path()
	b.wantText("h1", schoolName)
	b.wantText(".flash", "Đã thêm đơn vị")
	b.wantText(".facts", code)
	b.wantText(".facts", "Tiểu học")
	b.wantText(".facts", "05/09/2025")
	b.wantText(".crumbs", "Phòng VH-XH Lái Thiêu") // the short name

	// The same code again: the error sits at the code field, and what was
	// typed is kept.
	b.clickAndLoad("menu Đơn vị", `//header//nav`+link("Đơn vị"))
	b.clickAndLoad("+ Thêm đơn vị", link("+ Thêm đơn vị"))
	b.choose("f-parent_id", parent)
	b.choose("f-kind", "Trường học")
	b.typeInto("f-code", code)
	b.typeInto("f-name", "Trường Tiểu học Trùng Mã")
	b.do("tick level TH", chromedp.Click(`//input[@name="levels" and @value="TH"]`))
	b.clickAndLoad("save the duplicate", button("Lưu"))
	b.wantPath("/units")
	b.wantText("h1", "Thêm đơn vị")
	b.wantText(`#f-code + .field-error`, "đã được dùng")
	if inv := run(b, "read aria-invalid", chromedp.AttributeValue(chromedp.ID("f-code"), "aria-invalid")); inv.Value != "true" {
		b.fail("#f-code has aria-invalid=%q, want true", inv.Value)
	}
	if v := run(b, "read #f-name", chromedp.Value(chromedp.ID("f-name"))); v != "Trường Tiểu học Trùng Mã" {
		b.fail("the name typed was not kept: %q", v)
	}
	b.wantText(".alert", "đã được dùng")

	// Tài khoản → + Thêm tài khoản: a teacher at the new school.
	const username = "gv.thunghiem"
	b.clickAndLoad("menu Tài khoản", `//header//nav`+link("Tài khoản"))
	b.wantPath("/users")
	b.clickAndLoad("+ Thêm tài khoản", link("+ Thêm tài khoản"))
	b.wantPath("/users/new")
	b.typeInto("f-username", username)
	b.typeInto("f-ho", "Nguyễn")
	b.typeInto("f-dem", "Thị Minh")
	b.typeInto("f-ten", "Thư")
	b.choose("f-unit_id", schoolName)
	b.choose("f-role", "Cán bộ, giáo viên, nhân viên")
	initial := run(b, "read the initial password", chromedp.Value(chromedp.ID("f-password")))
	if len(initial) < 10 {
		b.fail("initial password %q is not filled in", initial)
	}
	if !run(b, "read must_change", chromedp.Evaluate[bool](`document.querySelector('input[name="must_change"]').checked`)) {
		b.fail("must change password at first login is not ticked by default")
	}
	b.clickAndLoad("create the account", button("Tạo tài khoản"))
	if p := b.path(); !regexp.MustCompile(`^/users/\d+$`).MatchString(p) {
		b.fail("after creating the account, on %s, want /users/ID", p)
	}
	b.wantText(".flash", "Đã tạo tài khoản")
	b.wantText("main", username)

	// Log out through the menu.
	b.clickAndLoad("Đăng xuất", `//details[contains(@class,"menu")]`+button("Đăng xuất"))
	b.wantPath("/login")
	b.wantText("h1", "Đăng nhập")
	b.wantText(".flash", "đăng xuất")
	b.open(schoolPath) // the session has really ended
	if p := b.path(); !strings.HasPrefix(p, "/login") {
		b.fail("after logging out, %s opened %s, want the login page", schoolPath, p)
	}

	// First login of the new account: it must choose a new password first.
	b.open("/login")
	b.login(username, initial)
	b.wantPath("/account/password")
	b.wantText("h1", "Đổi mật khẩu")
	b.open("/units") // nothing else opens until the password is changed
	b.wantPath("/account/password")
	const newPassword = "Thu-Nghiem-2026"
	b.typeInto("f-current", initial)
	b.typeInto("f-password", newPassword)
	b.typeInto("f-password2", newPassword)
	b.clickAndLoad("save the new password", button("Lưu mật khẩu mới"))
	b.wantPath("/")
	b.wantText("h1", "Xin chào")
	b.wantText("main", schoolName)
	b.wantText("main", "Cán bộ, giáo viên, nhân viên")

	b.mu.Lock()
	if len(b.console) > 0 {
		t.Errorf("the pages reported errors in the browser console:\n  %s", strings.Join(b.console, "\n  "))
	}
	b.mu.Unlock()
	t.Logf("scenario took %v in the browser", time.Since(begin).Round(time.Millisecond))
}

// TestBrowserNarrowScreen checks that pages fit a 360 px wide phone screen
// with no horizontal scrolling, and that the folded menu works there.
func TestBrowserNarrowScreen(t *testing.T) {
	chromiumPath(t)
	base := startServer(t)
	b := newBrowser(t, base, 360, 740)
	b.do("emulate a 360 px phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulateTouch))

	fits := func(where string) {
		t.Helper()
		w := run(b, "measure "+where, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if w > 360 {
			wide := run(b, "find wide elements", chromedp.Evaluate[string](`Array.from(document.querySelectorAll("body *")).
				filter(e => e.getBoundingClientRect().right > 360.5).slice(0, 5).
				map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).split(" ").join(".") : "") +
					" (right " + Math.round(e.getBoundingClientRect().right) + ")").join(", ")`))
			b.fail("%s scrolls sideways on a 360 px screen: scrollWidth %d; widest: %s", where, w, wide)
		}
		// A phone zooms out to fit wide content, widening the layout viewport;
		// so the viewport must still be 360 px too.
		if vw := run(b, "measure the viewport", chromedp.Evaluate[int](`window.innerWidth`)); vw != 360 {
			b.fail("%s: the layout viewport is %d px wide on a 360 px screen", where, vw)
		}
	}

	b.open("/login")
	fits("the login page")
	b.login("admin", demoPassword)
	b.wantPath("/")
	fits("the home page")

	// On a phone the navigation is folded behind the menu button.
	if run(b, "read the menu state", chromedp.Evaluate[bool](`document.querySelector("details.menu").open`)) {
		b.fail("the menu is open on a 360 px screen; want it folded")
	}
	b.do("open the menu", chromedp.Click(`//details[contains(@class,"menu")]/summary`))
	b.clickAndLoad("menu Đơn vị", `//header//nav`+link("Đơn vị"))
	b.wantPath("/units")
	b.wantText("h1", "Đơn vị")
	fits("/units")
}
