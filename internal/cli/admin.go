package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// describe turns a domain error into one readable line with its field messages.
func describe(err error) error {
	var e *errs.Error
	if !errors.As(err, &e) || e.Code == errs.Internal {
		return err
	}
	msg := e.Message
	for field, m := range e.Fields {
		if m != msg {
			msg += fmt.Sprintf(" [%s: %s]", field, m)
		}
	}
	return errors.New(msg)
}

func userCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "passwd") {
		return errors.New("dùng: thidua user create|passwd --username TÊN …")
	}
	sub := args[0]
	var c Config
	fs := newFlags("user "+sub, stderr)
	c.flags(fs)
	username := fs.String("username", "", "tên đăng nhập")
	password := fs.String("password", os.Getenv("THIDUA_PASSWORD"), "mật khẩu (bỏ trống: tạo ngẫu nhiên, phải đổi khi đăng nhập)")
	name := fs.String("name", "", "họ và tên")
	unitCode := fs.String("unit", "", "mã đơn vị của tài khoản")
	unitName := fs.String("unit-name", "", "tạo đơn vị gốc với tên này nếu mã đơn vị chưa có")
	unitKind := fs.String("unit-kind", string(unit.Department), "loại đơn vị gốc khi tạo mới")
	role := fs.String("role", "", "vai trò tại đơn vị: admin, leader, officer, staff, viewer")
	system := fs.Bool("system", false, "cấp vai trò cho toàn hệ thống (quản trị hệ thống)")
	if _, err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *username == "" {
		return errors.New("thiếu --username")
	}
	db, err := c.open(ctx, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	sc := access.System()
	accounts := &account.Store{DB: db}
	generated := *password == ""
	if generated {
		*password = account.RandomPassword()
	}
	if sub == "passwd" {
		u, err := accounts.ByUsername(ctx, sc, *username)
		if err != nil {
			return describe(err)
		}
		if _, err := accounts.ResetPassword(ctx, sc, u.ID, *password); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "Đã đặt lại mật khẩu cho %s: %s\nNgười dùng phải đổi mật khẩu khi đăng nhập.\n", u.Username, *password)
		return nil
	}
	if *unitCode == "" {
		return errors.New("thiếu --unit (mã đơn vị của tài khoản)")
	}
	units := &unit.Store{DB: db}
	u, err := units.ByCode(ctx, sc, *unitCode)
	if errs.Is(err, errs.NotFound) && *unitName != "" {
		u, err = units.Create(ctx, sc, unit.Input{Kind: unit.Kind(*unitKind), Code: *unitCode, Name: *unitName})
		if err == nil {
			fmt.Fprintf(stdout, "Đã tạo đơn vị gốc %s (%s).\n", u.Name, u.Code)
		}
	}
	if err != nil {
		if errs.Is(err, errs.NotFound) {
			return fmt.Errorf("không có đơn vị mã %q; thêm --unit-name \"Tên đơn vị\" để tạo đơn vị gốc", *unitCode)
		}
		return describe(err)
	}
	ho, dem, ten := viet.SplitName(*name)
	if ten == "" {
		ten = *username
	}
	user, err := accounts.Create(ctx, sc, account.Profile{Username: *username, Ho: ho, Dem: dem, Ten: ten, UnitID: u.ID}, *password, generated)
	if err != nil {
		return describe(err)
	}
	if *role != "" {
		at := u.ID
		if *system {
			at = 0
		}
		if _, err := accounts.Grant(ctx, sc, user.ID, at, access.Role(*role)); err != nil {
			return describe(err)
		}
	}
	fmt.Fprintf(stdout, "Đã tạo tài khoản %s tại %s.\n", user.Username, u.Name)
	if generated {
		fmt.Fprintf(stdout, "Mật khẩu tạm thời: %s (phải đổi khi đăng nhập lần đầu)\n", *password)
	}
	return nil
}

func backupCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c Config
	fs := newFlags("backup", stderr)
	c.flags(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("dùng: thidua backup TỆP")
	}
	if c.DatabaseURL != "" {
		// PostgreSQL: pg_dump takes a consistent snapshot while the server runs.
		cmd := exec.CommandContext(ctx, "pg_dump", "--format=custom", "--file="+pos[0], c.DatabaseURL)
		cmd.Stdout, cmd.Stderr = stdout, stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("pg_dump: %w", err)
		}
		fmt.Fprintf(stdout, "Đã sao lưu cơ sở dữ liệu PostgreSQL vào %s (pg_restore để phục hồi).\n", pos[0])
		return nil
	}
	db, err := database.Open(ctx, c.Data, "")
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, pos[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã sao lưu vào %s. Để phục hồi: dừng máy chủ, chép tệp này thành %s/thidua.db.\n", pos[0], c.Data)
	return nil
}

func auditCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("dùng: thidua audit verify")
	}
	var c Config
	fs := newFlags("audit verify", stderr)
	c.flags(fs)
	if _, err := parse(fs, args[1:]); err != nil {
		return err
	}
	db, err := c.open(ctx, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	n, broken, err := audit.Verify(ctx, db)
	if err != nil {
		return err
	}
	if broken != nil {
		fmt.Fprintf(stdout, "broken: entry %d: %s\n", broken.ID, broken.Reason)
		return fmt.Errorf("nhật ký bị sửa đổi tại mục %d (đã kiểm tra %d mục)", broken.ID, n)
	}
	fmt.Fprintln(stdout, "ok")
	fmt.Fprintf(stderr, "Đã kiểm tra %d mục nhật ký: chuỗi băm nguyên vẹn.\n", n)
	return nil
}
