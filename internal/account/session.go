package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/errs"
)

// Session kinds.
const (
	Web = "web" // a browser session, cookie-borne, with a CSRF token
	API = "api" // a bearer token
)

// Lifetimes: a browser session lapses after WebIdle without use; an API
// token after APIIdle.
const (
	WebIdle    = 12 * time.Hour
	APIIdle    = 90 * 24 * time.Hour
	touchEvery = 5 * time.Minute
)

// Throttle limits: failures counted over FailureWindow.
const (
	FailureWindow      = 15 * time.Minute
	MaxUserFailures    = 5
	MaxAddressFailures = 30
)

// Session is a resolved login: the scope of its user and what a request
// handler needs about them.
type Session struct {
	ID         int64
	Kind       string
	Scope      access.Scope
	Username   string
	FullName   string
	UnitName   string
	MustChange bool
	CSRF       string
}

func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

var errBadLogin = errs.E(errs.Unauthorized, "Tên đăng nhập hoặc mật khẩu không đúng.")

// Login checks a username and password, throttling repeated failures per
// username and per address. It returns the user id on success.
func (s *Store) Login(ctx context.Context, username, password, ip string) (int64, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	since := database.Now().Add(-FailureWindow)
	var byUser, byIP int
	if err := s.DB.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM login_failures WHERE username = $1 AND at > $2", username, since).Scan(&byUser); err != nil {
		return 0, errs.Wrap(err, "account: count failures")
	}
	if err := s.DB.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM login_failures WHERE ip = $1 AND at > $2", ip, since).Scan(&byIP); err != nil {
		return 0, errs.Wrap(err, "account: count failures")
	}
	if byUser >= MaxUserFailures || byIP >= MaxAddressFailures {
		return 0, errs.E(errs.TooMany, "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút hoặc liên hệ quản trị viên.")
	}
	var id int64
	var hash string
	var active bool
	err := s.DB.R.QueryRowContext(ctx, "SELECT id, password_hash, active FROM users WHERE username = $1", username).Scan(&id, &hash, &active)
	if err != nil && err != sql.ErrNoRows {
		return 0, errs.Wrap(err, "account: login")
	}
	if err == sql.ErrNoRows {
		CheckPassword(dummyHash, password)
	}
	if err == sql.ErrNoRows || !CheckPassword(hash, password) {
		if _, err := s.DB.W.ExecContext(ctx, "INSERT INTO login_failures (username, ip, at) VALUES ($1, $2, $3)", username, ip, database.Now()); err != nil {
			return 0, errs.Wrap(err, "account: record failure")
		}
		return 0, errBadLogin
	}
	if !active {
		return 0, errs.E(errs.Unauthorized, "Tài khoản đã bị khóa. Vui lòng liên hệ quản trị viên.")
	}
	now := database.Now()
	if _, err := s.DB.W.ExecContext(ctx, "UPDATE users SET last_login_at = $1 WHERE id = $2", now, id); err != nil {
		return 0, errs.Wrap(err, "account: last login")
	}
	s.DB.W.ExecContext(ctx, "DELETE FROM login_failures WHERE username = $1 OR at < $2", username, since)
	return id, nil
}

// NewSession starts a session of kind for the user and returns its secret
// token (given to the client once; only its hash is stored).
func (s *Store) NewSession(ctx context.Context, userID int64, kind, ip, userAgent string) (string, error) {
	token := newToken()
	csrf := ""
	idle := APIIdle
	if kind == Web {
		csrf, idle = newToken(), WebIdle
	}
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	now := database.Now()
	_, err := s.DB.W.ExecContext(ctx, `INSERT INTO sessions (token_hash, kind, user_id, csrf_token, created_at, expires_at, last_seen_at, ip, user_agent)
		VALUES ($1, $2, $3, $4, $5, $6, $5, $7, $8)`, tokenHash(token), kind, userID, csrf, now, now.Add(idle), ip, userAgent)
	if err != nil {
		return "", errs.Wrap(err, "account: new session")
	}
	return token, nil
}

var errNoSession = errs.E(errs.Unauthorized, "Phiên đăng nhập đã hết hạn hoặc không hợp lệ. Vui lòng đăng nhập lại.")

// Resolve returns the session behind token, with its user's scope: the one
// lookup every authenticated request makes.
func (s *Store) Resolve(ctx context.Context, token, kind string) (Session, error) {
	if token == "" {
		return Session{}, errNoSession
	}
	var ss Session
	var expires, seen time.Time
	var active bool
	var ho, dem, ten string
	err := s.DB.R.QueryRowContext(ctx, `SELECT s.id, s.kind, s.csrf_token, s.expires_at, s.last_seen_at,
			u.id, u.username, u.ho, u.dem, u.ten, u.unit_id, un.name, u.active, u.must_change_password
		FROM sessions s JOIN users u ON u.id = s.user_id JOIN units un ON un.id = u.unit_id
		WHERE s.token_hash = $1`, tokenHash(token)).
		Scan(&ss.ID, &ss.Kind, &ss.CSRF, &expires, &seen, &ss.Scope.UserID, &ss.Username, &ho, &dem, &ten, &ss.Scope.UnitID, &ss.UnitName, &active, &ss.MustChange)
	if err == sql.ErrNoRows {
		return Session{}, errNoSession
	}
	if err != nil {
		return Session{}, errs.Wrap(err, "account: resolve session")
	}
	now := database.Now()
	if ss.Kind != kind || !active || now.After(expires) {
		return Session{}, errNoSession
	}
	ss.Scope.Username = ss.Username
	ss.FullName = strings.TrimSpace(ho + " " + strings.TrimSpace(dem+" "+ten))
	if ss.Scope.Grants, err = Grants(ctx, s.DB.R, ss.Scope.UserID); err != nil {
		return Session{}, err
	}
	if now.Sub(seen) > touchEvery {
		idle := WebIdle
		if kind == API {
			idle = APIIdle
		}
		s.DB.W.ExecContext(ctx, "UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3", now, now.Add(idle), ss.ID)
	}
	return ss, nil
}

// EndSession deletes the session behind token (logout, token revocation).
func (s *Store) EndSession(ctx context.Context, token string) error {
	_, err := s.DB.W.ExecContext(ctx, "DELETE FROM sessions WHERE token_hash = $1", tokenHash(token))
	if err != nil {
		return errs.Wrap(err, "account: end session")
	}
	return nil
}

// PurgeExpired deletes lapsed sessions and old login failures.
func (s *Store) PurgeExpired(ctx context.Context) error {
	now := database.Now()
	if _, err := s.DB.W.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at < $1", now); err != nil {
		return err
	}
	_, err := s.DB.W.ExecContext(ctx, "DELETE FROM login_failures WHERE at < $1", now.Add(-FailureWindow))
	return err
}
