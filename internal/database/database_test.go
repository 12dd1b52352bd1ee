package database_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"thidua/internal/database"
	"thidua/internal/dbtest"
)

func TestMigrateIsIdempotentAndTimesRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		n, err := db.Migrate(ctx)
		if err != nil || n != 0 {
			t.Fatalf("second migrate applied %d, err %v; want 0, nil", n, err)
		}
		now := database.Now()
		day := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
		var id int64
		err = db.W.QueryRowContext(ctx, `INSERT INTO units (parent_id, path, depth, kind, code, name, valid_to, created_at, updated_at)
			VALUES (NULL, '/', 0, 'office', 'X', 'Đơn vị X', $1, $2, $2) RETURNING id`, day, now).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		var got time.Time
		var validTo sql.NullTime
		if err := db.R.QueryRowContext(ctx, "SELECT created_at, valid_to FROM units WHERE id = $1", id).Scan(&got, &validTo); err != nil {
			t.Fatal(err)
		}
		if !got.Equal(now) {
			t.Errorf("created_at = %v, want %v", got, now)
		}
		if !validTo.Valid || validTo.Time.Format("2006-01-02") != "2025-06-30" {
			t.Errorf("valid_to = %v, want 2025-06-30", validTo)
		}
		// Comparing a stored time with a parameter works on both databases.
		var count int
		if err := db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM units WHERE created_at > $1", now.Add(-time.Second)).Scan(&count); err != nil || count != 1 {
			t.Errorf("time comparison: count %d err %v, want 1", count, err)
		}
		// A duplicate code is reported as a uniqueness violation.
		_, err = db.W.ExecContext(ctx, `INSERT INTO units (parent_id, path, depth, kind, code, name, created_at, updated_at)
			VALUES (NULL, '/', 0, 'office', 'X', 'Y', $1, $1)`, now)
		if !database.IsUnique(err) {
			t.Errorf("duplicate code: err %v, want a uniqueness violation", err)
		}
	})
}

func TestOpenSQLitePathWithURICharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a#b?c%d")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	db, err := database.OpenSQLite(context.Background(), filepath.Join(dir, "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.db")); err != nil {
		t.Errorf("database not created at the path given: %v", err)
	}
	var fk int
	if err := db.R.QueryRowContext(context.Background(), "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d (%v), want 1: the pragmas were lost", fk, err)
	}
}
