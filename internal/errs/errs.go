// Package errs defines the typed errors that cross domain boundaries. Every
// domain package returns one of these codes; the web layer maps each code to
// an HTTP status in one place and shows Message (Vietnamese) to the user,
// while the wrapped cause is logged.
package errs

import (
	"errors"
	"fmt"
)

// Code classifies an error the way a caller needs to react to it.
type Code string

const (
	Invalid      Code = "invalid"      // bad input; Fields says where
	NotFound     Code = "not_found"    // missing, or outside the caller's scope
	Forbidden    Code = "forbidden"    // visible but the caller's role does not allow it
	Conflict     Code = "conflict"     // stale version or a uniqueness clash
	Unauthorized Code = "unauthorized" // not logged in, or bad credentials
	TooLarge     Code = "too_large"    // an upload over its size cap
	TooMany      Code = "too_many"     // throttled
	Internal     Code = "internal"     // our fault
)

// Error is the error every domain package returns for expected failures.
type Error struct {
	Code    Code
	Message string            // for the user, in Vietnamese
	Fields  map[string]string // field name -> Vietnamese message, for Invalid
	Err     error             // internal cause, never shown
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an error with a code and a Vietnamese message.
func E(code Code, msg string) *Error { return &Error{Code: code, Message: msg} }

// Wrap builds an Internal error around a cause.
func Wrap(err error, msg string) *Error {
	return &Error{Code: Internal, Message: "Lỗi hệ thống, vui lòng thử lại sau.", Err: fmt.Errorf("%s: %w", msg, err)}
}

// Fields collects per-field validation messages.
type Fields map[string]string

// Add records msg for field unless the field already has a message.
func (f Fields) Add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// Err returns an Invalid error when any field has a message, nil otherwise.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: "Dữ liệu chưa hợp lệ, vui lòng kiểm tra các ô được đánh dấu.", Fields: f}
}

// InvalidField is a shortcut for a single-field validation error.
func InvalidField(field, msg string) *Error {
	return &Error{Code: Invalid, Message: msg, Fields: map[string]string{field: msg}}
}

// CodeOf returns the code of err, Internal for foreign errors and "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// MessageOf returns the user-facing message of err.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return "Lỗi hệ thống, vui lòng thử lại sau."
}

// FieldsOf returns the per-field messages of err, if any.
func FieldsOf(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Is reports whether err carries code.
func Is(err error, code Code) bool { return CodeOf(err) == code }

// Common errors.
var (
	ErrNotFound  = E(NotFound, "Không tìm thấy dữ liệu hoặc bạn không có quyền xem.")
	ErrForbidden = E(Forbidden, "Bạn không có quyền thực hiện thao tác này.")
	ErrStale     = E(Conflict, "Dữ liệu đã được người khác thay đổi. Vui lòng tải lại trang và thực hiện lại.")
)
