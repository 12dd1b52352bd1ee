package database

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// migrations holds one folder per dialect with files NNNN_name.sql, the same
// numbers in both. An applied file is never edited; a change is a new file.
//
//go:embed migrations
var migrations embed.FS

// Migration is one embedded schema step.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations lists the embedded steps for the dialect in order.
func Migrations(d Dialect) ([]Migration, error) {
	dir := "migrations/" + string(d)
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("database: migration %s: name must start with a number", name)
		}
		b, err := migrations.ReadFile(dir + "/" + name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: name, SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

// Migrate applies every embedded migration not yet applied, each in its own
// transaction, and returns how many it applied.
func (db *DB) Migrate(ctx context.Context) (int, error) {
	if _, err := db.W.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at TIMESTAMP NOT NULL)`); err != nil {
		return 0, fmt.Errorf("database: create schema_migrations: %w", err)
	}
	ms, err := Migrations(db.Dialect)
	if err != nil {
		return 0, err
	}
	applied := map[int]bool{}
	rows, err := db.W.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return 0, fmt.Errorf("database: read schema_migrations: %w", err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return 0, err
		}
		applied[v] = true
	}
	rows.Close()
	n := 0
	for _, m := range ms {
		if applied[m.Version] {
			continue
		}
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("database: migration %s: %w", m.Name, err)
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", m.Version, m.Name, Now())
			return err
		})
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
