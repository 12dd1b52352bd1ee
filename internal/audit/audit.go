// Package audit records every change: who, when, at which unit, to what
// object, before and after. Entries are hash-chained (each hash covers the
// previous one), so editing or deleting an entry breaks the chain, which
// Verify detects. Entries are written in the same transaction as the change
// they describe.
package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/errs"
)

// Entry is one audited change.
type Entry struct {
	ID         int64
	At         time.Time
	ActorID    int64
	Actor      string
	UnitID     int64  // the unit the object belongs to (0: system-wide)
	UnitPath   string // its path, so scoped admins see their subtree's entries
	Action     string // create, update, move, close, login, …
	ObjectType string // unit, user, role, session, import, …
	ObjectID   string
	Summary    string // one Vietnamese line for people
	Before     string // JSON, "" when there was nothing
	After      string
	PrevHash   string
	Hash       string
}

// Change is what a store passes to Record.
type Change struct {
	Scope      access.Scope
	UnitID     int64
	UnitPath   string
	Action     string
	ObjectType string
	ObjectID   any
	Summary    string
	Before     any // marshalled to JSON; nil for none
	After      any
}

func marshal(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// digest is the hash of an entry chained to prev.
func digest(e Entry) string {
	h := sha256.New()
	fields := []string{
		e.PrevHash,
		e.At.UTC().Format(time.RFC3339Nano),
		strconv.FormatInt(e.ActorID, 10), e.Actor,
		strconv.FormatInt(e.UnitID, 10), e.UnitPath,
		e.Action, e.ObjectType, e.ObjectID, e.Summary, e.Before, e.After,
	}
	for _, f := range fields {
		fmt.Fprintf(h, "%d:%s\n", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Record appends c to the log inside tx. Writers are serialised through the
// single audit_head row, so the chain stays linear on PostgreSQL too.
func Record(ctx context.Context, tx *sql.Tx, c Change) error {
	before, err := marshal(c.Before)
	if err != nil {
		return errs.Wrap(err, "audit: marshal before")
	}
	after, err := marshal(c.After)
	if err != nil {
		return errs.Wrap(err, "audit: marshal after")
	}
	// Lock the head row first (a write), then read it.
	if _, err := tx.ExecContext(ctx, "UPDATE audit_head SET last_id = last_id WHERE id = 1"); err != nil {
		return errs.Wrap(err, "audit: lock head")
	}
	var prev string
	if err := tx.QueryRowContext(ctx, "SELECT hash FROM audit_head WHERE id = 1").Scan(&prev); err != nil {
		return errs.Wrap(err, "audit: read head")
	}
	e := Entry{
		At: database.Now(), ActorID: c.Scope.UserID, Actor: c.Scope.Username,
		UnitID: c.UnitID, UnitPath: c.UnitPath, Action: c.Action, ObjectType: c.ObjectType,
		ObjectID: fmt.Sprint(c.ObjectID), Summary: c.Summary, Before: before, After: after, PrevHash: prev,
	}
	if c.ObjectID == nil {
		e.ObjectID = ""
	}
	e.Hash = digest(e)
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO audit_log
		(at, actor_id, actor, unit_id, unit_path, action, object_type, object_id, summary, before_json, after_json, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		e.At, nullID(e.ActorID), e.Actor, nullID(e.UnitID), e.UnitPath, e.Action, e.ObjectType, e.ObjectID,
		e.Summary, e.Before, e.After, e.PrevHash, e.Hash).Scan(&id)
	if err != nil {
		return errs.Wrap(err, "audit: insert")
	}
	if _, err := tx.ExecContext(ctx, "UPDATE audit_head SET last_id = $1, hash = $2 WHERE id = 1", id, e.Hash); err != nil {
		return errs.Wrap(err, "audit: update head")
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Filter selects entries for browsing.
type Filter struct {
	From, To   time.Time // To is exclusive
	Actor      string
	ObjectType string
	Action     string
	UnitPath   string // entries of this subtree
	Query      string // in the summary
	Limit      int
	Offset     int
}

const columns = `id, at, COALESCE(actor_id, 0), actor, COALESCE(unit_id, 0), unit_path, action, object_type, object_id, summary, before_json, after_json, prev_hash, hash`

func scan(rows *sql.Rows) (Entry, error) {
	var e Entry
	err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.Actor, &e.UnitID, &e.UnitPath, &e.Action, &e.ObjectType,
		&e.ObjectID, &e.Summary, &e.Before, &e.After, &e.PrevHash, &e.Hash)
	return e, err
}

// List returns entries matching f, newest first, that the caller may read:
// administrators see the entries of their subtrees, the system administrator
// everything. It also returns the total count.
func List(ctx context.Context, db *database.DB, sc access.Scope, f Filter) ([]Entry, int, error) {
	if !sc.HasAny(access.Admin) {
		return nil, 0, errs.ErrForbidden
	}
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	cond, cargs := sc.Filter("unit_path", 1, access.Admin)
	if !sc.IsSystemAdmin() {
		// Entries without a unit (logins, system jobs) belong to the system admin.
		cond = "(" + cond + " AND unit_path <> '')"
	}
	where = append(where, cond)
	args = append(args, cargs...)
	if !f.From.IsZero() {
		add("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		add("at < ?", f.To.UTC())
	}
	if f.Actor != "" {
		add("actor = ?", f.Actor)
	}
	if f.ObjectType != "" {
		add("object_type = ?", f.ObjectType)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.UnitPath != "" {
		add("unit_path LIKE ?", f.UnitPath+"%")
	}
	if f.Query != "" {
		add("LOWER(summary) LIKE ?", "%"+strings.ToLower(f.Query)+"%")
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE "+w, args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "audit: count")
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	args = append(args, f.Limit, f.Offset)
	q := fmt.Sprintf("SELECT %s FROM audit_log WHERE %s ORDER BY id DESC LIMIT $%d OFFSET $%d", columns, w, len(args)-1, len(args))
	rows, err := db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "audit: list")
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			return nil, 0, errs.Wrap(err, "audit: scan")
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// Broken describes the first entry where the chain fails.
type Broken struct {
	ID     int64
	Reason string
}

func (b *Broken) Error() string { return fmt.Sprintf("audit entry %d: %s", b.ID, b.Reason) }

// Verify walks the whole log in order and returns the number of entries
// checked and, if the chain is broken, where.
func Verify(ctx context.Context, db *database.DB) (int, *Broken, error) {
	rows, err := db.R.QueryContext(ctx, "SELECT "+columns+" FROM audit_log ORDER BY id")
	if err != nil {
		return 0, nil, fmt.Errorf("audit: verify: %w", err)
	}
	defer rows.Close()
	prev := ""
	var n int
	var lastID int64
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			return n, nil, fmt.Errorf("audit: verify: %w", err)
		}
		n++
		if e.PrevHash != prev {
			return n, &Broken{e.ID, "previous hash does not match the entry before it (an entry was removed or altered)"}, nil
		}
		if digest(e) != e.Hash {
			return n, &Broken{e.ID, "content does not match its hash (the entry was altered)"}, nil
		}
		prev, lastID = e.Hash, e.ID
	}
	if err := rows.Err(); err != nil {
		return n, nil, err
	}
	var headID int64
	var headHash string
	if err := db.R.QueryRowContext(ctx, "SELECT last_id, hash FROM audit_head WHERE id = 1").Scan(&headID, &headHash); err != nil {
		return n, nil, fmt.Errorf("audit: verify head: %w", err)
	}
	if headID != lastID || headHash != prev {
		return n, &Broken{headID, "the chain head does not match the last entry (entries at the end were removed)"}, nil
	}
	return n, nil, nil
}
