package files

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"thidua/internal/database"
	"thidua/internal/errs"
)

// Backend keeps the bytes of files under their sha256 (64 lowercase hex
// digits); the metadata always lives in the files table. Content addressing
// makes every operation idempotent: putting the same sha twice is harmless,
// and bytes are never overwritten with different ones.
//
// The interface is deliberately the least an object store offers (put, get
// and exists by key), so an S3-compatible backend can be added later: key
// "ab/cdef…" in a bucket, Put as PutObject, Get as GetObject, Has as
// HeadObject. It would also keep the web tier stateless when several
// instances run behind a load balancer.
type Backend interface {
	// Put stores data under sha. Storing a sha already present is a no-op.
	Put(ctx context.Context, sha string, data []byte) error
	// Get returns the bytes stored under sha, errs.ErrNotFound when absent.
	Get(ctx context.Context, sha string) ([]byte, error)
	// Has reports whether bytes are stored under sha.
	Has(ctx context.Context, sha string) (bool, error)
}

// validSHA reports whether sha is 64 lowercase hex digits, so it is safe as
// a key and as a path.
func validSHA(sha string) bool {
	if len(sha) != 64 {
		return false
	}
	for i := 0; i < len(sha); i++ {
		c := sha[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func badSHA(sha string) error {
	return fmt.Errorf("files: invalid sha256 %q", sha)
}

// DBBackend keeps the bytes in the data column of the files table: nothing
// else to back up, and every instance sees every file. Suited to the
// defaults (a few GB of attachments at most).
type DBBackend struct{ DB *database.DB }

// Put inserts the row for sha with its bytes. Size and content type are
// functions of the bytes, so the row written here is the very row the Store
// would write; a row already present without bytes (written while another
// backend was configured) gets them.
func (b DBBackend) Put(ctx context.Context, sha string, data []byte) error {
	if !validSHA(sha) {
		return badSHA(sha)
	}
	ct, _ := Sniff(data)
	_, err := b.DB.W.ExecContext(ctx, `INSERT INTO files (sha256, size, content_type, data, created_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (sha256) DO UPDATE SET data = excluded.data WHERE files.data IS NULL`,
		sha, int64(len(data)), ct, data, database.Now())
	if err != nil {
		return fmt.Errorf("files: db put %s: %w", sha, err)
	}
	return nil
}

// Get reads the bytes of sha.
func (b DBBackend) Get(ctx context.Context, sha string) ([]byte, error) {
	if !validSHA(sha) {
		return nil, errs.ErrNotFound
	}
	var data []byte
	err := b.DB.R.QueryRowContext(ctx, "SELECT data FROM files WHERE sha256 = $1 AND data IS NOT NULL", sha).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("files: db get %s: %w", sha, err)
	}
	return data, nil
}

// Has reports whether the row of sha holds its bytes.
func (b DBBackend) Has(ctx context.Context, sha string) (bool, error) {
	if !validSHA(sha) {
		return false, nil
	}
	var n int
	err := b.DB.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM files WHERE sha256 = $1 AND data IS NOT NULL", sha).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("files: db has %s: %w", sha, err)
	}
	return n > 0, nil
}

// DirBackend keeps the bytes in a directory, one file per sha laid out as
// Root/ab/cdef… (the first two hex digits name a subdirectory, so no
// directory grows past a few thousand entries). Writes go to a temporary file
// in the same directory, synced, then renamed into place, so a reader or a
// crash never sees a partial file.
type DirBackend struct{ Root string }

func (b DirBackend) path(sha string) string {
	return filepath.Join(b.Root, sha[:2], sha[2:])
}

// Put writes data under sha unless it is already there.
func (b DirBackend) Put(ctx context.Context, sha string, data []byte) error {
	if !validSHA(sha) {
		return badSHA(sha)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	final := b.path(sha)
	if _, err := os.Stat(final); err == nil {
		return nil
	}
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("files: create %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("files: temp file: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("files: write %s: %w", sha, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("files: sync %s: %w", sha, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("files: close %s: %w", sha, err)
	}
	if err := os.Chmod(tmp.Name(), 0o640); err != nil {
		return fmt.Errorf("files: chmod %s: %w", sha, err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return fmt.Errorf("files: rename %s: %w", sha, err)
	}
	return nil
}

// Get reads the file of sha.
func (b DirBackend) Get(ctx context.Context, sha string) ([]byte, error) {
	if !validSHA(sha) {
		return nil, errs.ErrNotFound
	}
	data, err := os.ReadFile(b.path(sha))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errs.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("files: read %s: %w", sha, err)
	}
	return data, nil
}

// Has reports whether the file of sha exists.
func (b DirBackend) Has(ctx context.Context, sha string) (bool, error) {
	if !validSHA(sha) {
		return false, nil
	}
	_, err := os.Stat(b.path(sha))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("files: stat %s: %w", sha, err)
	}
	return true, nil
}
