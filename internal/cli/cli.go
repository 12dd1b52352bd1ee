// Package cli implements thidua's subcommands. main only parses nothing and
// calls Main, so tests run the same code in-process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"thidua/internal/database"
)

const usage = `thidua: thi đua, khen thưởng và nhân rộng điển hình tiên tiến ngành Giáo dục

Cách dùng:
  thidua serve [--addr :8080] [--data ./data] [--demo] [--demo-password MK]
  thidua migrate
  thidua demo [--demo-password MK]
  thidua user create --username TÊN --unit MÃ_ĐƠN_VỊ [--role admin] [--name "Họ Đệm Tên"] [--password MK]
  thidua user passwd --username TÊN [--password MK]
  thidua import units|users TỆP [--dry-run]
  thidua backup TỆP
  thidua audit verify

Mọi lệnh nhận --data (THIDUA_DATA, mặc định ./data); đặt THIDUA_DATABASE_URL=postgres://…
để dùng PostgreSQL thay cho SQLite. Xem README.md để biết các biến cấu hình khác.
`

// Config is what every subcommand shares.
type Config struct {
	Data        string
	DatabaseURL string
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}

func (c *Config) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.Data, "data", env("THIDUA_DATA", "./data"), "thư mục dữ liệu (SQLite, tệp)")
	c.DatabaseURL = os.Getenv("THIDUA_DATABASE_URL")
}

// open connects to the configured database and applies pending migrations.
func (c *Config) open(ctx context.Context, log *slog.Logger) (*database.DB, error) {
	db, err := database.Open(ctx, c.Data, c.DatabaseURL)
	if err != nil {
		return nil, err
	}
	n, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if n > 0 && log != nil {
		log.Info("migrations applied", "count", n, "dialect", db.Dialect)
	}
	return db, nil
}

// Main runs the subcommand named in args[0].
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("thiếu lệnh")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, stdout, stderr, nil)
	case "migrate":
		return migrate(ctx, rest, stdout, stderr)
	case "demo":
		return demoCmd(ctx, rest, stdout, stderr)
	case "user":
		return userCmd(ctx, rest, stdout, stderr)
	case "import":
		return importCmd(ctx, rest, stdout, stderr)
	case "backup":
		return backupCmd(ctx, rest, stdout, stderr)
	case "audit":
		return auditCmd(ctx, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("lệnh không rõ: %s", cmd)
}

// parse parses flags allowing them before or after positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func logger(w io.Writer) *slog.Logger {
	level := slog.LevelInfo
	if strings.EqualFold(os.Getenv("THIDUA_LOG_LEVEL"), "debug") {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c Config
	fs := newFlags("migrate", stderr)
	c.flags(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	db, err := database.Open(ctx, c.Data, c.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã áp dụng %d bước chuyển đổi cơ sở dữ liệu (%s).\n", n, db.Dialect)
	return nil
}
