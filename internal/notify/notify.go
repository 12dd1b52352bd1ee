// Package notify tells users what needs them: an in-app notification (the
// bell in the header and its page) and, for notes meant for mail and users
// with an e-mail address, one daily digest mail through the background jobs
// (SMTP or the outbox) instead of a mail per event. Reminders carry a
// dedupe key so that a user gets each one once, however often the job that
// sends them runs.
package notify

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/jobs"
)

// Note is one message.
type Note struct {
	Title string // short, Vietnamese: "Sắp đến hạn: nộp kế hoạch 15/KH-PGDĐT"
	Body  string // plain text; also the mail body
	URL   string // path inside thidua, e.g. "/plans/12"
	Key   string // dedupe key ("" = always send), e.g. "plan-12-unit-7-due-3d"
	Mail  bool   // also list it in the daily digest mail of recipients who have an address
}

// Notification is a stored note as a user sees it.
type Notification struct {
	ID        int64
	UnitID    int64
	Title     string
	Body      string
	URL       string
	CreatedAt time.Time
	ReadAt    *time.Time
}

// Store keeps notifications. Jobs may be nil: no digest mail then.
type Store struct {
	DB      *database.DB
	Jobs    *jobs.Queue
	BaseURL string // prefix for links in mail, e.g. "https://thidua.example.vn"
}

// ToUnitTx notifies the active users who hold one of roles at the unit
// itself (not above it: a reminder to a school goes to the school's own
// people), inside the caller's transaction. It returns how many users got
// the note for the first time.
func (s *Store) ToUnitTx(ctx context.Context, tx *sql.Tx, unitID int64, roles []access.Role, n Note) (int, error) {
	if len(roles) == 0 {
		return 0, nil
	}
	args := []any{unitID, true}
	for _, r := range roles {
		args = append(args, string(r))
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT u.id, u.email FROM users u JOIN roles ro ON ro.user_id = u.id
		WHERE ro.unit_id = $1 AND u.active = $2 AND ro.role IN (`+database.Placeholders(3, len(roles))+`) ORDER BY u.id`, args...)
	if err != nil {
		return 0, errs.Wrap(err, "notify: recipients")
	}
	var to []recipient
	for rows.Next() {
		var r recipient
		if err := rows.Scan(&r.id, &r.email); err != nil {
			rows.Close()
			return 0, errs.Wrap(err, "notify: recipients")
		}
		to = append(to, r)
	}
	rows.Close()
	return s.send(ctx, tx, unitID, to, n)
}

// ToUsersTx notifies the given users, inside the caller's transaction.
func (s *Store) ToUsersTx(ctx context.Context, tx *sql.Tx, unitID int64, userIDs []int64, n Note) (int, error) {
	var to []recipient
	for _, id := range userIDs {
		var r recipient
		err := tx.QueryRowContext(ctx, `SELECT id, email FROM users WHERE id = $1 AND active = $2`, id, true).Scan(&r.id, &r.email)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return 0, errs.Wrap(err, "notify: recipient")
		}
		to = append(to, r)
	}
	return s.send(ctx, tx, unitID, to, n)
}

type recipient struct {
	id    int64
	email string
}

func (s *Store) send(ctx context.Context, tx *sql.Tx, unitID int64, to []recipient, n Note) (int, error) {
	if strings.TrimSpace(n.Title) == "" {
		return 0, errs.InvalidField("title", "Thông báo cần có tiêu đề.")
	}
	var key any
	if n.Key != "" {
		key = n.Key
	}
	var unit any
	if unitID > 0 {
		unit = unitID
	}
	now := database.Now()
	sent := 0
	for _, r := range to {
		// Mail waits for the digest (digest.go); only users with an address get one.
		mail := n.Mail && strings.TrimSpace(r.email) != ""
		res, err := tx.ExecContext(ctx, `INSERT INTO notifications (user_id, unit_id, title, body, url, dedupe_key, created_at, mail)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`, r.id, unit, n.Title, n.Body, n.URL, key, now, mail)
		if err != nil {
			return sent, errs.Wrap(err, "notify: insert")
		}
		if k, _ := res.RowsAffected(); k > 0 {
			sent++
		}
	}
	return sent, nil
}

// List returns the caller's notifications, newest first, and the total.
func (s *Store) List(ctx context.Context, sc access.Scope, unreadOnly bool, limit, offset int) ([]Notification, int, error) {
	limit = min(max(limit, 1), 200)
	offset = min(max(offset, 0), 1_000_000)
	where := "user_id = $1"
	if unreadOnly {
		where += " AND read_at IS NULL"
	}
	var total int
	if err := s.DB.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM notifications WHERE "+where, sc.UserID).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "notify: count")
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, COALESCE(unit_id, 0), title, body, url, created_at, read_at FROM notifications
		WHERE `+where+` ORDER BY id DESC LIMIT $2 OFFSET $3`, sc.UserID, limit, offset)
	if err != nil {
		return nil, 0, errs.Wrap(err, "notify: list")
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var n Notification
		var read sql.NullTime
		if err := rows.Scan(&n.ID, &n.UnitID, &n.Title, &n.Body, &n.URL, &n.CreatedAt, &read); err != nil {
			return nil, 0, errs.Wrap(err, "notify: scan")
		}
		if read.Valid {
			t := read.Time
			n.ReadAt = &t
		}
		out = append(out, n)
	}
	return out, total, rows.Err()
}

// Unread counts the caller's unread notifications (the bell's badge).
func (s *Store) Unread(ctx context.Context, sc access.Scope) (int, error) {
	var n int
	if err := s.DB.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL", sc.UserID).Scan(&n); err != nil {
		return 0, errs.Wrap(err, "notify: unread")
	}
	return n, nil
}

// MarkRead marks one of the caller's notifications read (id 0: all of them).
// Another user's notification is not found.
func (s *Store) MarkRead(ctx context.Context, sc access.Scope, id int64) error {
	q := "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL"
	args := []any{database.Now(), sc.UserID}
	if id != 0 {
		q = "UPDATE notifications SET read_at = COALESCE(read_at, $1) WHERE user_id = $2 AND id = $3"
		args = append(args, id)
	}
	res, err := s.DB.W.ExecContext(ctx, q, args...)
	if err != nil {
		return errs.Wrap(err, "notify: mark read")
	}
	if k, _ := res.RowsAffected(); id != 0 && k == 0 {
		return errs.ErrNotFound
	}
	return nil
}

// Open marks one of the caller's notifications read and returns it, for
// following its link. Another user's notification is not found.
func (s *Store) Open(ctx context.Context, sc access.Scope, id int64) (Notification, error) {
	if err := s.MarkRead(ctx, sc, id); err != nil {
		return Notification{}, err
	}
	var n Notification
	var read sql.NullTime
	err := s.DB.W.QueryRowContext(ctx, `SELECT id, COALESCE(unit_id, 0), title, body, url, created_at, read_at FROM notifications
		WHERE id = $1 AND user_id = $2`, id, sc.UserID).Scan(&n.ID, &n.UnitID, &n.Title, &n.Body, &n.URL, &n.CreatedAt, &read)
	if err == sql.ErrNoRows {
		return n, errs.ErrNotFound
	}
	if err != nil {
		return n, errs.Wrap(err, "notify: open")
	}
	if read.Valid {
		t := read.Time
		n.ReadAt = &t
	}
	return n, nil
}
