package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"thidua/internal/demo"
	"thidua/internal/errs"
	"thidua/internal/files"
	"thidua/internal/jobs"
	"thidua/internal/web"
)

// Ready is told the address the server listens on once it accepts
// connections (tests listen on :0).
type Ready func(addr string)

func serve(ctx context.Context, args []string, stdout, stderr io.Writer, ready Ready) error {
	var c Config
	fs := newFlags("serve", stderr)
	c.flags(fs)
	addr := fs.String("addr", env("THIDUA_ADDR", ":8080"), "địa chỉ lắng nghe")
	loadDemo := fs.Bool("demo", false, "nạp dữ liệu minh họa nếu cơ sở dữ liệu còn trống")
	demoPassword := fs.String("demo-password", demo.DefaultPassword, "mật khẩu của các tài khoản minh họa")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	log := logger(stderr)
	db, err := c.open(ctx, log)
	if err != nil {
		return err
	}
	defer db.Close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("không mở được cổng %s: %w", *addr, err)
	}
	url := "http://" + displayAddr(ln.Addr())
	if *loadDemo {
		accounts, err := demo.Load(ctx, db, *demoPassword)
		switch {
		case errors.Is(err, demo.ErrNotEmpty):
			fmt.Fprintf(stdout, "Cơ sở dữ liệu đã có dữ liệu nên không nạp lại dữ liệu minh họa.\nĐăng nhập tại %s bằng các tài khoản minh họa đã nạp trước đây (ví dụ admin) với mật khẩu đã dùng khi nạp (mặc định %s).\n", url, demo.DefaultPassword)
		case err != nil:
			ln.Close()
			return fmt.Errorf("nạp dữ liệu minh họa: %w", describe(err))
		default:
			fmt.Fprint(stdout, demo.Summary(accounts, url, *demoPassword))
		}
	}

	store := files.New(db, os.Getenv("THIDUA_FILES_DIR"), int64(envInt("THIDUA_MAX_UPLOAD_MB", 20))<<20)
	queue := &jobs.Queue{DB: db}
	runner := jobs.NewRunner(db)
	runner.Logger = log
	mailer := &jobs.Mailer{DB: db, SMTP: jobs.SMTPConfig{Host: os.Getenv("THIDUA_SMTP_HOST"), Port: envInt("THIDUA_SMTP_PORT", 587),
		Username: os.Getenv("THIDUA_SMTP_USERNAME"), Password: os.Getenv("THIDUA_SMTP_PASSWORD"), From: env("THIDUA_SMTP_FROM", "thidua <thidua@localhost>")}}
	mailer.Register(runner)

	srv := web.New(db, store, queue, log, web.Options{SecureCookies: os.Getenv("THIDUA_SECURE_COOKIES") == "1", BaseURL: env("THIDUA_BASE_URL", url)})
	srv.RegisterJobs(runner)
	srv.SetPortalCache(int64(envInt("THIDUA_PORTAL_CACHE_MB", 256)) << 20)
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}

	bg, stopBG := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); runner.Run(bg) }()
	go func() { defer wg.Done(); srv.PurgeLoop(bg) }()
	go func() { defer wg.Done(); srv.WatchPortal(bg) }()

	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	log.Info("thidua listening", "addr", ln.Addr().String(), "url", url, "database", db.Dialect)
	fmt.Fprintf(stdout, "thidua đang chạy tại %s (Ctrl+C để dừng)\n", url)
	if ready != nil {
		ready(ln.Addr().String())
	}

	select {
	case err := <-serveErr:
		stopBG()
		wg.Wait()
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = hs.Shutdown(shutdownCtx)
	stopBG()
	wg.Wait()
	if err != nil {
		return fmt.Errorf("dừng máy chủ: %w", err)
	}
	log.Info("stopped")
	return nil
}

// displayAddr turns ":8080" or "[::]:8080" into "localhost:8080".
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// Serve runs the server as `thidua serve args…` would, telling ready its
// address; it returns when ctx ends. Tests use it to run the real system.
func Serve(ctx context.Context, args []string, stdout, stderr io.Writer, ready Ready) error {
	return serve(ctx, args, stdout, stderr, ready)
}

func demoCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c Config
	fs := newFlags("demo", stderr)
	c.flags(fs)
	password := fs.String("demo-password", demo.DefaultPassword, "mật khẩu của các tài khoản minh họa")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	db, err := c.open(ctx, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	accounts, err := demo.Load(ctx, db, *password)
	if err != nil {
		if errs.Is(err, errs.Conflict) {
			return errors.New("cơ sở dữ liệu đã có dữ liệu; dữ liệu minh họa chỉ nạp vào cơ sở dữ liệu trống")
		}
		return describe(err)
	}
	fmt.Fprint(stdout, demo.Summary(accounts, "", *password))
	return nil
}
