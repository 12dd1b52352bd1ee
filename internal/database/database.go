// Package database opens the storage (embedded SQLite by default, PostgreSQL
// when a URL is given), applies the embedded migrations and offers the small
// helpers every domain store shares. SQL text is written once in the subset
// both databases understand: $N placeholders, RETURNING, LIKE on ASCII text.
package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names the database behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB holds a writer and a reader pool. On SQLite the writer is a single
// connection (SQLite allows one writer; queueing in Go beats busy retries) and
// the reader pool serves concurrent reads under WAL. On PostgreSQL they are
// two pools as well, so that a transaction reading through R while it holds
// its W connection (store methods read through R) can never wait for a
// connection that only another waiting transaction would give back: with one
// shared pool, as many concurrent transactions as the pool has connections
// deadlocked until their requests timed out (found by the deadline rush load
// test, internal/e2e/deadline_test.go).
type DB struct {
	Dialect Dialect
	W       *sql.DB
	R       *sql.DB
	file    string // the SQLite file, for backups
}

// Open connects to url when it is set (postgres://…), otherwise to the SQLite
// file thidua.db under dataDir, creating dataDir if needed.
func Open(ctx context.Context, dataDir, url string) (*DB, error) {
	if url != "" {
		if !strings.HasPrefix(url, "postgres://") && !strings.HasPrefix(url, "postgresql://") {
			return nil, fmt.Errorf("database: THIDUA_DATABASE_URL must start with postgres://")
		}
		pool := func(open, idle int) (*sql.DB, error) {
			p, err := sql.Open("pgx", url)
			if err != nil {
				return nil, fmt.Errorf("database: open postgres: %w", err)
			}
			p.SetMaxOpenConns(open)
			p.SetMaxIdleConns(idle)
			p.SetConnMaxIdleTime(5 * time.Minute)
			if err := p.PingContext(ctx); err != nil {
				p.Close()
				return nil, fmt.Errorf("database: connect postgres: %w", err)
			}
			return p, nil
		}
		// Writes serialise on the audit chain's head anyway: a few writer
		// connections suffice.
		w, err := pool(10, 5)
		if err != nil {
			return nil, err
		}
		r, err := pool(20, 10)
		if err != nil {
			w.Close()
			return nil, err
		}
		return &DB{Dialect: Postgres, W: w, R: r}, nil
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("database: create data dir: %w", err)
	}
	file := filepath.Join(dataDir, "thidua.db")
	return OpenSQLite(ctx, file)
}

// OpenSQLite opens (creating if needed) the SQLite database in file.
func OpenSQLite(ctx context.Context, file string) (*DB, error) {
	file = uriPath(file)
	pragmas := "_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	w, err := sql.Open("sqlite", "file:"+file+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("database: open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("database: open sqlite %s: %w", file, err)
	}
	r, err := sql.Open("sqlite", "file:"+file+"?"+pragmas+"&mode=ro")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("database: open sqlite reader: %w", err)
	}
	r.SetMaxOpenConns(8)
	return &DB{Dialect: SQLite, W: w, R: r, file: file}, nil
}

// uriPath escapes the characters that end or alter the path of a SQLite
// file: URI ("%", "?" and "#"), so a path holding them is opened as written.
func uriPath(p string) string {
	return strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(p)
}

// Close closes both pools.
func (db *DB) Close() error {
	err := db.W.Close()
	if db.R != db.W {
		if e := db.R.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Querier is what both *sql.DB and *sql.Tx offer; read helpers take one so
// they work inside and outside a transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx runs fn in a write transaction, committing when fn returns nil.
func (db *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("database: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("database: commit: %w", err)
	}
	return nil
}

// Ping checks that the database answers, for /readyz.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.R.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// IsUnique reports whether err is a uniqueness violation.
func IsUnique(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// IsForeignKey reports whether err is a foreign key violation.
func IsForeignKey(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23503"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return false
}

// Placeholders returns "$from, $from+1, …" for n arguments.
func Placeholders(from, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	return b.String()
}

// Now is the time stamp stored in the database: UTC, microsecond precision,
// so both databases round-trip it identically and SQLite's text form sorts.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// Backup writes a consistent copy of the database to dest while the server
// may be running: VACUUM INTO on SQLite; pg_dump on PostgreSQL.
func (db *DB) Backup(ctx context.Context, dest string) error {
	if db.Dialect != SQLite {
		return errors.New("database: backup of PostgreSQL: use pg_dump (thidua backup calls it when it is on PATH)")
	}
	abs, err := filepath.Abs(dest)
	if err != nil {
		return err
	}
	if _, err := os.Stat(abs); err == nil {
		return fmt.Errorf("database: backup: %s already exists", dest)
	}
	if _, err := db.W.ExecContext(ctx, "VACUUM INTO $1", abs); err != nil {
		return fmt.Errorf("database: backup: %w", err)
	}
	return nil
}
