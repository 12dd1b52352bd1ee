package account

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/crypto/argon2"

	"thidua/internal/errs"
)

// argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes), so a
// login costs a few tens of milliseconds on a small server.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// HashPassword returns the argon2id hash of pw in PHC string form.
func HashPassword(pw string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// CheckPassword reports whether pw matches the PHC-form hash.
func CheckPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when the username is unknown, so a wrong
// username takes as long as a wrong password.
var dummyHash = HashPassword("thidua-không-có-tài-khoản")

var commonPasswords = map[string]bool{
	"1234567890": true, "0123456789": true, "12345678910": true, "password123": true, "password1234": true,
	"matkhau123": true, "matkhau1234": true, "qwertyuiop": true, "qwerty12345": true, "abc1234567": true,
	"abcd123456": true, "admin12345": true, "admin@1234": true, "iloveyou123": true, "123456789a": true,
	"a123456789": true, "thiduakhenthuong": true, "giaoduc123": true, "giaoduc@123": true,
}

// PolicyText describes the password policy to users.
const PolicyText = "Mật khẩu có ít nhất 10 ký tự, gồm chữ cái và chữ số hoặc ký tự đặc biệt, không chứa tên đăng nhập và không phải mật khẩu phổ biến."

// CheckPolicy returns a Vietnamese message at field when pw breaks the policy.
func CheckPolicy(field, username, pw string) error {
	n := len([]rune(pw))
	var letter, other bool
	for _, r := range pw {
		if unicode.IsLetter(r) {
			letter = true
		} else if !unicode.IsSpace(r) {
			other = true
		}
	}
	lower := strings.ToLower(pw)
	switch {
	case n < 10:
		return errs.InvalidField(field, "Mật khẩu phải có ít nhất 10 ký tự.")
	case n > 128:
		return errs.InvalidField(field, "Mật khẩu dài quá 128 ký tự.")
	case !letter || !other:
		return errs.InvalidField(field, "Mật khẩu phải có cả chữ cái và chữ số hoặc ký tự đặc biệt.")
	case len(username) >= 3 && strings.Contains(lower, strings.ToLower(username)):
		return errs.InvalidField(field, "Mật khẩu không được chứa tên đăng nhập.")
	case commonPasswords[lower]:
		return errs.InvalidField(field, "Mật khẩu này quá phổ biến, dễ bị đoán; hãy chọn mật khẩu khác.")
	}
	return nil
}

// RandomPassword makes a temporary password that satisfies the policy, for
// imports and resets: four groups of letters and digits.
func RandomPassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
	b := make([]byte, 16)
	rand.Read(b)
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return sb.String()
}
