package jobs

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/errs"
)

// KindMail is the job kind that delivers one mail.
const KindMail = "mail"

// MailMaxAttempts is how many times a mail is tried: with DefaultBackoff the
// last try comes about five hours after the first, enough to ride out an
// SMTP outage.
const MailMaxAttempts = 12

// Outbox statuses.
const (
	MailPending = "pending" // recorded, not yet handed to SMTP
	MailSent    = "sent"    // accepted by the SMTP server
	MailOutbox  = "outbox"  // no SMTP configured: kept here for admins to read
	MailFailed  = "failed"  // SMTP refused it on every attempt
)

// MailPayload is the payload of a mail job.
type MailPayload struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
	// OutboxID is the outbox row of this mail, set by the first attempt so
	// later attempts reuse it.
	OutboxID int64 `json:"outbox_id,omitempty"`
}

// Mail enqueues a plain-text mail to one address. The address is checked
// here, so a typo is reported to the person who typed it.
func (q *Queue) Mail(ctx context.Context, to, subject, body string) (int64, error) {
	p, err := mailPayload(to, subject, body)
	if err != nil {
		return 0, err
	}
	return q.Enqueue(ctx, KindMail, p, MaxAttempts(MailMaxAttempts))
}

// MailTx is Mail inside tx.
func (q *Queue) MailTx(ctx context.Context, tx *sql.Tx, to, subject, body string) (int64, error) {
	p, err := mailPayload(to, subject, body)
	if err != nil {
		return 0, err
	}
	return q.EnqueueTx(ctx, tx, KindMail, p, MaxAttempts(MailMaxAttempts))
}

func mailPayload(to, subject, body string) (MailPayload, error) {
	to = strings.TrimSpace(to)
	if _, err := mail.ParseAddress(to); err != nil || strings.ContainsAny(to, "\r\n") {
		return MailPayload{}, errs.InvalidField("to", "Địa chỉ thư điện tử không hợp lệ.")
	}
	// A line break in the subject would start a new header.
	subject = strings.Join(strings.Fields(subject), " ")
	return MailPayload{To: to, Subject: subject, Body: body}, nil
}

// SMTPConfig says how to reach the mail server. An empty Host means no
// server: mail stays in the outbox.
type SMTPConfig struct {
	Host     string
	Port     int    // default 587; 465 means TLS from the first byte
	Username string // plain auth when set (only over TLS, or to localhost)
	Password string
	From     string      // "Sở GD&ĐT <thidua@example.vn>"
	TLS      *tls.Config // optional, e.g. a private CA; ServerName defaults to Host
}

// Mailer handles the mail kind: every mail is written to the outbox table,
// then sent through SMTP when one is configured.
type Mailer struct {
	DB   *database.DB
	SMTP SMTPConfig
}

// Register makes r deliver mail through m.
func (m *Mailer) Register(r *Runner) { r.Register(KindMail, m.Handle) }

// Handle is the Handler of KindMail.
func (m *Mailer) Handle(ctx context.Context, j *Job) error {
	var p MailPayload
	if err := j.Decode(&p); err != nil {
		return Permanent(err)
	}
	if p.OutboxID == 0 {
		if err := m.record(ctx, j, &p); err != nil {
			return err
		}
	}
	if m.SMTP.Host == "" {
		return m.mark(ctx, p.OutboxID, MailOutbox)
	}
	if err := m.send(ctx, p); err != nil {
		if j.Attempts >= j.MaxAttempts || errors.As(err, new(permanentError)) {
			if merr := m.mark(ctx, p.OutboxID, MailFailed); merr != nil {
				return errors.Join(err, merr)
			}
		}
		return err
	}
	return m.mark(ctx, p.OutboxID, MailSent)
}

// record writes the outbox row and remembers its id in the job's payload,
// in one transaction, so a retry finds the row instead of adding another.
func (m *Mailer) record(ctx context.Context, j *Job, p *MailPayload) error {
	return m.DB.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO outbox (to_addr, subject, body, status, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, p.To, p.Subject, p.Body, MailPending, database.Now()).Scan(&p.OutboxID)
		if err != nil {
			return fmt.Errorf("jobs: mail: outbox: %w", err)
		}
		b, err := json.Marshal(p)
		if err != nil {
			return fmt.Errorf("jobs: mail: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE jobs SET payload = $1 WHERE id = $2", string(b), j.ID); err != nil {
			return fmt.Errorf("jobs: mail: %w", err)
		}
		j.Payload = b
		return nil
	})
}

func (m *Mailer) mark(ctx context.Context, id int64, status string) error {
	var sentAt any
	if status == MailSent {
		sentAt = database.Now()
	}
	_, err := m.DB.W.ExecContext(ctx, "UPDATE outbox SET status = $1, sent_at = $2 WHERE id = $3", status, sentAt, id)
	if err != nil {
		return fmt.Errorf("jobs: mail: mark %s: %w", status, err)
	}
	return nil
}

// send delivers p through the configured server: STARTTLS when the server
// offers it, plain auth when a user name is set.
func (m *Mailer) send(ctx context.Context, p MailPayload) error {
	c := m.SMTP
	from, err := mail.ParseAddress(c.From)
	if err != nil {
		return Permanent(fmt.Errorf("jobs: mail: SMTP From %q: %w", c.From, err))
	}
	to, err := mail.ParseAddress(p.To)
	if err != nil {
		return Permanent(fmt.Errorf("jobs: mail: recipient %q: %w", p.To, err))
	}
	msg, err := buildMessage(from, to, p.Subject, p.Body, time.Now())
	if err != nil {
		return Permanent(err)
	}
	port := c.Port
	if port == 0 {
		port = 587
	}
	tlsConf := &tls.Config{ServerName: c.Host}
	if c.TLS != nil {
		tlsConf = c.TLS.Clone()
		if tlsConf.ServerName == "" {
			tlsConf.ServerName = c.Host
		}
	}

	d := net.Dialer{Timeout: 30 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(c.Host, strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("jobs: mail: connect: %w", err)
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(5 * time.Minute)
	}
	conn.SetDeadline(deadline)
	if port == 465 {
		conn = tls.Client(conn, tlsConf)
	}
	cl, err := smtp.NewClient(conn, c.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("jobs: mail: greeting: %w", err)
	}
	defer cl.Close()
	if ok, _ := cl.Extension("STARTTLS"); ok && port != 465 {
		if err := cl.StartTLS(tlsConf); err != nil {
			return fmt.Errorf("jobs: mail: STARTTLS: %w", err)
		}
	}
	if c.Username != "" {
		if ok, _ := cl.Extension("AUTH"); !ok {
			return fmt.Errorf("jobs: mail: the server offers no authentication")
		}
		// PlainAuth itself refuses to send the password in clear text to
		// anything but localhost.
		if err := cl.Auth(smtp.PlainAuth("", c.Username, c.Password, c.Host)); err != nil {
			return fmt.Errorf("jobs: mail: auth: %w", err)
		}
	}
	if err := cl.Mail(from.Address); err != nil {
		return fmt.Errorf("jobs: mail: MAIL FROM: %w", err)
	}
	if err := cl.Rcpt(to.Address); err != nil {
		return fmt.Errorf("jobs: mail: RCPT TO: %w", err)
	}
	w, err := cl.Data()
	if err != nil {
		return fmt.Errorf("jobs: mail: DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("jobs: mail: write: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("jobs: mail: end of data: %w", err)
	}
	// The server has accepted the message; a failed QUIT changes nothing.
	cl.Quit()
	return nil
}

// buildMessage writes a UTF-8 plain-text message: the subject as RFC 2047
// encoded words, the body quoted-printable with CRLF line ends.
func buildMessage(from, to *mail.Address, subject, body string, now time.Time) ([]byte, error) {
	var b bytes.Buffer
	id := make([]byte, 12)
	rand.Read(id)
	domain := "thidua.local"
	if _, d, ok := strings.Cut(from.Address, "@"); ok && d != "" {
		domain = d
	}
	headers := [][2]string{
		{"From", fold(from.String())},
		{"To", fold(to.String())},
		{"Subject", fold(mime.QEncoding.Encode("utf-8", subject))},
		{"Date", now.Format(time.RFC1123Z)},
		{"Message-ID", "<" + hex.EncodeToString(id) + "@" + domain + ">"},
		{"MIME-Version", "1.0"},
		{"Content-Type", "text/plain; charset=UTF-8"},
		{"Content-Transfer-Encoding", "quoted-printable"},
	}
	for _, h := range headers {
		fmt.Fprintf(&b, "%s: %s\r\n", h[0], h[1])
	}
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	body = strings.ReplaceAll(body, "\r\n", "\n")
	if _, err := qp.Write([]byte(body)); err != nil {
		return nil, fmt.Errorf("jobs: mail: encode body: %w", err)
	}
	if err := qp.Close(); err != nil {
		return nil, fmt.Errorf("jobs: mail: encode body: %w", err)
	}
	return b.Bytes(), nil
}

// fold breaks a header value between encoded words (each at most 75 bytes)
// and before an angle-bracketed address, so header lines stay near the 78
// characters RFC 5322 recommends. Only places where white space is already
// allowed and ignored are folded.
func fold(v string) string {
	v = strings.ReplaceAll(v, "?= =?", "?=\r\n =?")
	return strings.ReplaceAll(v, "?= <", "?=\r\n <")
}

// Mail is one row of the outbox.
type Mail struct {
	ID        int64
	To        string
	Subject   string
	Body      string
	Status    string // MailPending, MailSent, MailOutbox or MailFailed
	CreatedAt time.Time
	SentAt    *time.Time
}

// Outbox lists the mails, newest first, and how many there are; system
// administrators only.
func (q *Queue) Outbox(ctx context.Context, sc access.Scope, limit, offset int) ([]Mail, int, error) {
	if !sc.IsSystemAdmin() {
		return nil, 0, errs.ErrForbidden
	}
	var total int
	if err := q.DB.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM outbox").Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "jobs: outbox count")
	}
	limit, offset = pageBounds(limit, offset)
	rows, err := q.DB.R.QueryContext(ctx, `SELECT id, to_addr, subject, body, status, created_at, sent_at
		FROM outbox ORDER BY id DESC LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, 0, errs.Wrap(err, "jobs: outbox")
	}
	defer rows.Close()
	var out []Mail
	for rows.Next() {
		var m Mail
		var sent sql.NullTime
		if err := rows.Scan(&m.ID, &m.To, &m.Subject, &m.Body, &m.Status, &m.CreatedAt, &sent); err != nil {
			return nil, 0, errs.Wrap(err, "jobs: outbox scan")
		}
		m.CreatedAt = m.CreatedAt.UTC()
		if sent.Valid {
			t := sent.Time.UTC()
			m.SentAt = &t
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, errs.Wrap(err, "jobs: outbox")
	}
	return out, total, nil
}
