package calendar

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
	"thidua/internal/account"
	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/unit"
)

// Feed is a user's secret ICS link to the calendar of one of their units.
// The link carries a random token of which only the hash is kept; the
// feed shows what its owner may see when it is read, so it stops when the
// owner is locked out or loses the role that reached the unit.
type Feed struct {
	ID         int64
	UserID     int64
	UnitID     int64
	UnitName   string
	UnitPath   string
	CreatedAt  time.Time
	RenewedAt  time.Time
	LastUsedAt *time.Time
}

// Feeds keeps the ICS links.
type Feeds struct {
	DB    *database.DB
	Units *unit.Store
}

// FeedPath is the path of a feed's link, token included.
func FeedPath(token string) string { return "/ics/" + token + ".ics" }

// newFeedToken returns a token of 256 random bits.
func newFeedToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func feedHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

const feedColumns = `f.id, f.user_id, f.unit_id, un.name, un.path, f.created_at, f.renewed_at, f.last_used_at`

const feedFrom = ` FROM calendar_feeds f JOIN units un ON un.id = f.unit_id`

func scanFeed(s interface{ Scan(...any) error }, extra ...any) (Feed, error) {
	var f Feed
	var used sql.NullTime
	err := s.Scan(append([]any{&f.ID, &f.UserID, &f.UnitID, &f.UnitName, &f.UnitPath, &f.CreatedAt, &f.RenewedAt, &used}, extra...)...)
	if used.Valid {
		t := used.Time
		f.LastUsedAt = &t
	}
	return f, err
}

func (s *Feeds) get(ctx context.Context, q database.Querier, id int64) (Feed, error) {
	f, err := scanFeed(q.QueryRowContext(ctx, "SELECT "+feedColumns+feedFrom+" WHERE f.id = $1", id))
	if err == sql.ErrNoRows {
		return f, errs.ErrNotFound
	}
	if err != nil {
		return f, errs.Wrap(err, "calendar: feed")
	}
	return f, nil
}

// Mine lists the caller's feeds, by unit name.
func (s *Feeds) Mine(ctx context.Context, sc access.Scope) ([]Feed, error) {
	rows, err := s.DB.R.QueryContext(ctx, "SELECT "+feedColumns+feedFrom+" WHERE f.user_id = $1 ORDER BY un.name, f.id", sc.UserID)
	if err != nil {
		return nil, errs.Wrap(err, "calendar: feeds")
	}
	defer rows.Close()
	var out []Feed
	for rows.Next() {
		f, err := scanFeed(rows)
		if err != nil {
			return nil, errs.Wrap(err, "calendar: scan feed")
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// Live reports whether the caller's feed f still shows anything: the
// caller still holds a role reaching its unit.
func Live(sc access.Scope, f Feed) bool { return sc.CanRead(f.UnitPath) }

// Create makes the caller a feed of unit unitID, which they must hold a
// role reaching, and returns it with its token (shown once: only its hash
// is kept). A second feed of the same unit is refused: renew the first.
func (s *Feeds) Create(ctx context.Context, sc access.Scope, unitID int64) (Feed, string, error) {
	if sc.UserID == 0 {
		return Feed{}, "", errs.ErrForbidden
	}
	u, err := s.Units.Get(ctx, sc, unitID)
	if errs.Is(err, errs.NotFound) || (err == nil && !sc.CanRead(u.Path)) {
		return Feed{}, "", errs.InvalidField("unit_id", "Chọn một đơn vị bạn có vai trò.")
	}
	if err != nil {
		return Feed{}, "", err
	}
	token := newFeedToken()
	var out Feed
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		now := database.Now()
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO calendar_feeds (user_id, unit_id, token_hash, created_at, renewed_at)
			VALUES ($1, $2, $3, $4, $4) ON CONFLICT DO NOTHING RETURNING id`, sc.UserID, u.ID, feedHash(token), now).Scan(&id)
		if err == sql.ErrNoRows {
			return errs.E(errs.Conflict, "Bạn đã có đường dẫn lịch của "+u.Name+". Hãy tạo lại đường dẫn đó nếu cần đường dẫn mới.")
		}
		if err != nil {
			return errs.Wrap(err, "calendar: insert feed")
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: u.ID, UnitPath: u.Path, Action: "create", ObjectType: "calendar_feed",
			ObjectID: id, Summary: "Tạo đường dẫn lịch (ICS) của " + u.Name + " cho " + sc.Username})
	})
	if err != nil {
		return Feed{}, "", err
	}
	return out, token, nil
}

// own loads the caller's feed id; another user's feed is not found.
func (s *Feeds) own(ctx context.Context, q database.Querier, sc access.Scope, id int64) (Feed, error) {
	f, err := s.get(ctx, q, id)
	if err != nil {
		return f, err
	}
	if sc.UserID == 0 || f.UserID != sc.UserID {
		return Feed{}, errs.ErrNotFound
	}
	return f, nil
}

// Renew gives the caller's feed a new token, so the old link stops, and
// returns the new token. A feed whose unit the caller no longer reaches
// cannot be renewed (only revoked).
func (s *Feeds) Renew(ctx context.Context, sc access.Scope, id int64) (Feed, string, error) {
	token := newFeedToken()
	var out Feed
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		f, err := s.own(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		if !Live(sc, f) {
			return errs.ErrNotFound
		}
		now := database.Now()
		if _, err := tx.ExecContext(ctx, "UPDATE calendar_feeds SET token_hash = $1, renewed_at = $2, last_used_at = NULL WHERE id = $3",
			feedHash(token), now, id); err != nil {
			return errs.Wrap(err, "calendar: renew feed")
		}
		if out, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: f.UnitID, UnitPath: f.UnitPath, Action: "update", ObjectType: "calendar_feed",
			ObjectID: id, Summary: "Tạo lại đường dẫn lịch (ICS) của " + f.UnitName + " cho " + sc.Username + "; đường dẫn cũ hết hiệu lực"})
	})
	if err != nil {
		return Feed{}, "", err
	}
	return out, token, nil
}

// Revoke deletes the caller's feed: its link stops at once.
func (s *Feeds) Revoke(ctx context.Context, sc access.Scope, id int64) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		f, err := s.own(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM calendar_feeds WHERE id = $1", id); err != nil {
			return errs.Wrap(err, "calendar: revoke feed")
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: f.UnitID, UnitPath: f.UnitPath, Action: "delete", ObjectType: "calendar_feed",
			ObjectID: id, Summary: "Thu hồi đường dẫn lịch (ICS) của " + f.UnitName + " của " + sc.Username})
	})
}

// touchEvery spaces the writes of a feed's last use: calendar apps poll.
const touchEvery = time.Hour

// Open resolves a feed's token to the feed and its owner's scope as of
// now. A token that is unknown, of a locked account, or of an owner who no
// longer holds a role reaching the unit is not found.
func (s *Feeds) Open(ctx context.Context, token string) (Feed, access.Scope, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return Feed{}, access.Scope{}, errs.ErrNotFound
	}
	var sc access.Scope
	var active bool
	f, err := scanFeed(s.DB.R.QueryRowContext(ctx, "SELECT "+feedColumns+", u.username, u.unit_id, u.active"+feedFrom+
		" JOIN users u ON u.id = f.user_id WHERE f.token_hash = $1", feedHash(token)), &sc.Username, &sc.UnitID, &active)
	if err == sql.ErrNoRows {
		return Feed{}, access.Scope{}, errs.ErrNotFound
	}
	if err != nil {
		return Feed{}, access.Scope{}, errs.Wrap(err, "calendar: open feed")
	}
	if !active {
		return Feed{}, access.Scope{}, errs.ErrNotFound
	}
	sc.UserID = f.UserID
	if sc.Grants, err = account.Grants(ctx, s.DB.R, f.UserID); err != nil {
		return Feed{}, access.Scope{}, err
	}
	if !Live(sc, f) {
		return Feed{}, access.Scope{}, errs.ErrNotFound
	}
	now := database.Now()
	if f.LastUsedAt == nil || now.Sub(*f.LastUsedAt) > touchEvery {
		if _, err := s.DB.W.ExecContext(ctx, "UPDATE calendar_feeds SET last_used_at = $1 WHERE id = $2", now, f.ID); err == nil {
			f.LastUsedAt = &now
		}
	}
	return f, sc, nil
}
