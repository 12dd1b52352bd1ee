// Package account keeps user accounts (tài khoản), their roles at units,
// login sessions and API tokens. A role at a unit applies to its whole
// subtree; a user may hold roles at several units.
package account

import (
	"regexp"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/errs"
	"thidua/internal/viet"
)

// User is an account.
type User struct {
	ID                 int64          `json:"id"`
	Username           string         `json:"username"`
	Ho                 string         `json:"ho"`
	Dem                string         `json:"dem"`
	Ten                string         `json:"ten"`
	Email              string         `json:"email"`
	Phone              string         `json:"phone"`
	Position           string         `json:"position"`
	UnitID             int64          `json:"unit_id"`
	UnitName           string         `json:"unit_name"`
	UnitPath           string         `json:"-"`
	Active             bool           `json:"active"`
	MustChangePassword bool           `json:"must_change_password"`
	Version            int            `json:"version"`
	CreatedAt          time.Time      `json:"created_at"`
	LastLoginAt        *time.Time     `json:"last_login_at,omitempty"`
	Roles              []access.Grant `json:"roles,omitempty"`
}

// FullName is họ, đệm and tên joined.
func (u User) FullName() string { return viet.FullName(u.Ho, u.Dem, u.Ten) }

// Profile is what an administrator edits about a user.
type Profile struct {
	Username string
	Ho       string
	Dem      string
	Ten      string
	Email    string
	Phone    string
	Position string
	UnitID   int64
}

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,39}$`)
var emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

// Normalize cleans p: NFC names, lower-case username.
func (p *Profile) Normalize() {
	p.Username = strings.ToLower(strings.TrimSpace(p.Username))
	p.Ho, p.Dem, p.Ten = viet.NFC(p.Ho), viet.NFC(p.Dem), viet.NFC(p.Ten)
	p.Email = strings.TrimSpace(p.Email)
	p.Phone = strings.TrimSpace(p.Phone)
	p.Position = viet.NFC(p.Position)
}

// Validate returns Vietnamese messages per field.
func (p Profile) Validate() error {
	f := errs.Fields{}
	if !usernamePattern.MatchString(p.Username) {
		f.Add("username", "Tên đăng nhập gồm 3–40 ký tự: chữ thường không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới.")
	}
	if p.Ten == "" {
		f.Add("ten", "Nhập tên.")
	}
	if len([]rune(p.Ho+p.Dem+p.Ten)) > 120 {
		f.Add("ten", "Họ và tên dài quá 120 ký tự.")
	}
	if p.Email != "" && !emailPattern.MatchString(p.Email) {
		f.Add("email", "Địa chỉ thư điện tử không hợp lệ.")
	}
	if p.UnitID == 0 {
		f.Add("unit_id", "Chọn đơn vị.")
	}
	return f.Err()
}

func searchText(p Profile) string {
	return viet.Fold(p.Username + " " + viet.FullName(p.Ho, p.Dem, p.Ten) + " " + p.Email)
}
