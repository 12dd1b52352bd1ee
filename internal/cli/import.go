package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"thidua/internal/access"
	"thidua/internal/importer"
)

func importCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c Config
	fs := newFlags("import", stderr)
	c.flags(fs)
	dry := fs.Bool("dry-run", false, "chỉ kiểm tra, không nhập")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || !importer.Kind(pos[0]).Valid() {
		return errors.New("dùng: thidua import units|users TỆP [--dry-run]")
	}
	kind, path := importer.Kind(pos[0]), pos[1]
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	sheet, err := importer.Parse(kind, filepath.Base(path), data)
	if err != nil {
		return describe(err)
	}
	db, err := c.open(ctx, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	sc := access.System()
	report := func(p *importer.Plan) {
		for _, row := range p.Rows {
			for _, e := range row.Errors {
				fmt.Fprintf(stdout, "Dòng %d, cột %q: %s\n", row.Line, e.Column, e.Message)
			}
		}
	}
	if *dry {
		plan, err := importer.Preview(ctx, db, sc, sheet)
		if err != nil {
			return describe(err)
		}
		report(plan)
		if !plan.Valid {
			return fmt.Errorf("%d dòng lỗi; chưa nhập gì", plan.ErrorRows)
		}
		fmt.Fprintf(stdout, "Tệp hợp lệ: %d dòng có thể nhập.\n", len(plan.Rows))
		return nil
	}
	res, err := importer.Apply(ctx, db, sc, sheet)
	if err != nil {
		if res != nil && res.Plan != nil {
			report(res.Plan)
			return fmt.Errorf("%d dòng lỗi; không có gì được nhập", res.Plan.ErrorRows)
		}
		return describe(err)
	}
	fmt.Fprintf(stdout, "Đã nhập %d đơn vị, %d tài khoản.\n", len(res.Units), len(res.Users))
	if len(res.Passwords) > 0 {
		fmt.Fprintln(stdout, "Mật khẩu ban đầu (chỉ hiển thị một lần; phải đổi khi đăng nhập lần đầu):")
		names := make([]string, 0, len(res.Passwords))
		for u := range res.Passwords {
			names = append(names, u)
		}
		sort.Strings(names)
		for _, u := range names {
			fmt.Fprintf(stdout, "  %-32s %s\n", u, res.Passwords[u])
		}
	}
	return nil
}
