package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/database"
	"thidua/internal/files"
	"thidua/internal/jobs"
	"thidua/internal/unit"
)

// testPassword is the password of every account the tests create.
const testPassword = "Thidua-kiem-tra-2026"

// farEnd is the validity end given to the test units: far enough to keep
// them open today, and the same everywhere so that closing a unit on that
// day is never blocked by its children.
var farEnd = time.Date(2099, 12, 31, 0, 0, 0, 0, time.UTC)

// testEnv is a server over a fresh database, with the stores behind it.
type testEnv struct {
	db       *database.DB
	srv      *Server
	h        http.Handler
	units    *unit.Store
	accounts *account.Store
	files    *files.Store
	jobs     *jobs.Queue
}

// newEnv builds the server as cmd/thidua does; maxUpload 0 keeps the file
// store's default cap.
func newEnv(t testing.TB, db *database.DB, maxUpload int64, opt Options) *testEnv {
	t.Helper()
	fs := files.New(db, "", maxUpload)
	q := &jobs.Queue{DB: db}
	srv := New(db, fs, q, slog.New(slog.NewTextHandler(io.Discard, nil)), opt)
	return &testEnv{db: db, srv: srv, h: srv.Handler(), units: &unit.Store{DB: db}, accounts: &account.Store{DB: db}, files: fs, jobs: q}
}

// mkUnit creates a unit as the system (parent nil: a root), open until farEnd.
func (e *testEnv) mkUnit(t testing.TB, parent *unit.Unit, kind unit.Kind, code, name string, levels ...string) unit.Unit {
	t.Helper()
	in := unit.Input{Kind: kind, Code: code, Name: name, Levels: levels, ValidTo: &farEnd}
	if parent != nil {
		in.ParentID = parent.ID
	}
	u, err := e.units.Create(context.Background(), access.System(), in)
	if err != nil {
		t.Fatalf("create unit %s: %v", code, err)
	}
	return u
}

// roleAt is a role to grant at a unit (unit 0: the whole system).
type roleAt struct {
	role access.Role
	unit int64
}

// mkUser creates an account with testPassword at home unit and grants roles.
func (e *testEnv) mkUser(t testing.TB, username string, home int64, mustChange bool, roles ...roleAt) account.User {
	t.Helper()
	ctx := context.Background()
	u, err := e.accounts.Create(ctx, access.System(), account.Profile{Username: username, Ho: "Nguyễn", Dem: "Văn", Ten: "Thử", UnitID: home}, testPassword, mustChange)
	if err != nil {
		t.Fatalf("create user %s: %v", username, err)
	}
	for _, r := range roles {
		if _, err := e.accounts.Grant(ctx, access.System(), u.ID, r.unit, r.role); err != nil {
			t.Fatalf("grant %s to %s: %v", r.role, username, err)
		}
	}
	return u
}

// session starts a session of kind (account.Web or account.API) for the user
// without going through the login form, and returns its token and CSRF token.
func (e *testEnv) session(t testing.TB, userID int64, kind string) (token, csrf string) {
	t.Helper()
	ctx := context.Background()
	token, err := e.accounts.NewSession(ctx, userID, kind, "192.0.2.1", "go-test")
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.accounts.Resolve(ctx, token, kind)
	if err != nil {
		t.Fatal(err)
	}
	return token, s.CSRF
}

// serve runs one request through the whole handler.
func (e *testEnv) serve(r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

// pageReq builds a browser request: form (may be nil) as the urlencoded body
// of a non-GET request, the session cookie when token is not empty.
func pageReq(method, path, token string, form url.Values) *http.Request {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, path, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		r.AddCookie(&http.Cookie{Name: SessionCookie, Value: token})
	}
	return r
}

// apiReq builds an API request with v (nil: no body) as JSON and the bearer
// token when not empty.
func apiReq(t testing.TB, method, path, token string, v any) *http.Request {
	t.Helper()
	var body io.Reader
	if v != nil {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(b)
	}
	r := httptest.NewRequest(method, path, body)
	if v != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	return r
}

// multipartBody encodes fields and one file as multipart/form-data.
func multipartBody(t testing.TB, fields map[string]string, fileField, filename string, data []byte) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if fileField != "" {
		fw, err := mw.CreateFormFile(fileField, filename)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), mw.FormDataContentType()
}

// decode parses a JSON response body into v.
func decode(t testing.TB, w *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %q: %v", w.Body.String(), err)
	}
}

// problemOf checks that w is an application/problem+json answer with
// status and a Vietnamese detail, and returns it.
func problemOf(t testing.TB, w *httptest.ResponseRecorder, status int) Problem {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status = %d, want %d; body: %s", w.Code, status, w.Body.String())
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json", ct)
	}
	var p Problem
	decode(t, w, &p)
	if p.Status != status {
		t.Errorf("problem status = %d, want %d", p.Status, status)
	}
	if !vietnamese(p.Detail) {
		t.Errorf("problem detail %q is not a Vietnamese sentence", p.Detail)
	}
	return p
}

// vietnamese reports whether s looks like Vietnamese text: not empty and
// with at least one letter outside ASCII (every message has diacritics).
func vietnamese(s string) bool {
	for _, r := range s {
		if r > 0x7f {
			return true
		}
	}
	return false
}

// countRows runs a COUNT(*) query.
func (e *testEnv) countRows(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.db.R.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
