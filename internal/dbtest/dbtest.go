// Package dbtest gives storage tests a fresh, migrated database: SQLite in a
// temporary directory always, and PostgreSQL too when THIDUA_TEST_POSTGRES_URL
// is set (each test gets a schema of its own, dropped afterwards).
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"thidua/internal/database"
)

// EnvPostgres names the variable holding the PostgreSQL test server URL.
const EnvPostgres = "THIDUA_TEST_POSTGRES_URL"

// Each runs fn once per available database as a subtest named for it.
func Each(t *testing.T, fn func(t *testing.T, db *database.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	if os.Getenv(EnvPostgres) == "" {
		t.Run("postgres", func(t *testing.T) {
			t.Skip("PostgreSQL tests skipped: set " + EnvPostgres + " (for example postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
		})
		return
	}
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite returns a migrated SQLite database in a temporary directory.
func SQLite(t testing.TB) *database.DB {
	t.Helper()
	db, err := database.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// Postgres returns a migrated database in a fresh schema of the server at
// THIDUA_TEST_POSTGRES_URL; it fails the test when the variable is unset.
func Postgres(t testing.TB) *database.DB {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Fatal(EnvPostgres + " is not set")
	}
	ctx := context.Background()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err == nil {
			a.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			a.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := database.Open(ctx, "", u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}
