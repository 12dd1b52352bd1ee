// Package files stores uploaded files by content: each file is kept once
// under the sha256 of its bytes, whatever its name, and its type is decided
// by sniffing the bytes, never by the name or the browser's header. Metadata
// (size, content type, first upload time) lives in the files table; the bytes
// live in a Backend: the database itself by default, or a directory.
package files

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"thidua/internal/database"
	"thidua/internal/errs"
)

// DefaultMaxSize is the upload cap when Store.MaxSize is 0.
const DefaultMaxSize = 20 << 20

// File is the metadata of a stored file.
type File struct {
	SHA256      string // 64 lowercase hex digits: the file's identity
	Size        int64
	ContentType string // as sniffed, e.g. "application/pdf"
	Kind        Kind
	CreatedAt   time.Time // first upload
}

// Store keeps files: metadata in DB, bytes in Backend (the database when
// nil), uploads capped at MaxSize bytes (DefaultMaxSize when 0).
type Store struct {
	DB      *database.DB
	Backend Backend
	MaxSize int64
}

// New returns a Store keeping bytes in the directory dir, or in the database
// when dir is "". maxSize 0 means DefaultMaxSize.
func New(db *database.DB, dir string, maxSize int64) *Store {
	s := &Store{DB: db, MaxSize: maxSize}
	if dir != "" {
		s.Backend = DirBackend{Root: dir}
	} else {
		s.Backend = DBBackend{DB: db}
	}
	return s
}

func (s *Store) maxSize() int64 {
	if s.MaxSize > 0 {
		return s.MaxSize
	}
	return DefaultMaxSize
}

func (s *Store) backend() Backend {
	if s.Backend != nil {
		return s.Backend
	}
	return DBBackend{DB: s.DB}
}

// Put reads an upload from r (at most MaxSize bytes), checks that its sniffed
// kind is one of allowed, and stores it. The same bytes uploaded again give
// the same File and are stored once. A refused file (too large, empty, of a
// kind not allowed) writes nothing. Errors for the user carry the field
// "file".
func (s *Store) Put(ctx context.Context, r io.Reader, allowed []Kind) (File, error) {
	limit := s.maxSize()
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return File{}, errs.Wrap(err, "files: read upload")
	}
	if int64(len(data)) > limit {
		msg := fmt.Sprintf("Tệp vượt quá dung lượng cho phép (%s).", HumanSize(limit))
		return File{}, &errs.Error{Code: errs.TooLarge, Message: msg, Fields: map[string]string{"file": msg}}
	}
	if len(data) == 0 {
		return File{}, errs.InvalidField("file", "Tệp rỗng, vui lòng chọn lại tệp.")
	}
	ct, kind := Sniff(data)
	if kind == "" || !slices.Contains(allowed, kind) {
		return File{}, errs.InvalidField("file", refusal(allowed))
	}
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	b := s.backend()
	has, err := b.Has(ctx, sha)
	if err != nil {
		return File{}, errs.Wrap(err, "files: put")
	}
	if !has {
		// Bytes first, then metadata: a failure in between leaves at worst
		// unreferenced bytes, never a row pointing at nothing.
		if err := b.Put(ctx, sha, data); err != nil {
			return File{}, errs.Wrap(err, "files: put")
		}
	}
	_, err = s.DB.W.ExecContext(ctx, `INSERT INTO files (sha256, size, content_type, created_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING`, sha, int64(len(data)), ct, database.Now())
	if err != nil {
		return File{}, errs.Wrap(err, "files: put metadata")
	}
	return s.Stat(ctx, sha)
}

// refusal is the Vietnamese message naming the allowed kinds.
func refusal(allowed []Kind) string {
	if len(allowed) == 0 {
		return "Không được tải tệp lên ở đây."
	}
	labels := make([]string, len(allowed))
	for i, k := range allowed {
		labels[i] = k.Label()
	}
	return "Loại tệp không được chấp nhận (hệ thống kiểm tra nội dung tệp, không dựa vào tên tệp). Chỉ nhận: " + strings.Join(labels, ", ") + "."
}

// Stat returns the metadata of sha, errs.ErrNotFound when unknown.
func (s *Store) Stat(ctx context.Context, sha string) (File, error) {
	if !validSHA(sha) {
		return File{}, errs.ErrNotFound
	}
	var f File
	err := s.DB.R.QueryRowContext(ctx, "SELECT sha256, size, content_type, created_at FROM files WHERE sha256 = $1", sha).
		Scan(&f.SHA256, &f.Size, &f.ContentType, &f.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return File{}, errs.ErrNotFound
	}
	if err != nil {
		return File{}, errs.Wrap(err, "files: stat")
	}
	f.CreatedAt = f.CreatedAt.UTC()
	f.Kind = kindOf(f.ContentType)
	return f, nil
}

// Open returns the metadata and the bytes of sha. Bytes that no longer match
// their sha256 (damaged storage) are an error, never served.
func (s *Store) Open(ctx context.Context, sha string) (File, []byte, error) {
	f, err := s.Stat(ctx, sha)
	if err != nil {
		return File{}, nil, err
	}
	data, err := s.backend().Get(ctx, sha)
	if errs.Is(err, errs.NotFound) {
		return File{}, nil, errs.Wrap(fmt.Errorf("bytes of %s missing from the backend", sha), "files: open")
	}
	if err != nil {
		return File{}, nil, errs.Wrap(err, "files: open")
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != sha {
		return File{}, nil, errs.Wrap(fmt.Errorf("bytes of %s do not match their sha256", sha), "files: open")
	}
	return f, data, nil
}

// HumanSize writes a byte count the Vietnamese way: "20 MB", "1,5 MB",
// "512 KB".
func HumanSize(n int64) string {
	units := []string{"B", "KB", "MB", "GB"}
	v := float64(n)
	i := 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	return strings.Replace(s, ".", ",", 1) + " " + units[i]
}
