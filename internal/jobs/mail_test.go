package jobs_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/jobs"
)

// fakeSMTP is a minimal SMTP server on 127.0.0.1: enough of RFC 5321 for
// net/smtp, with optional STARTTLS and AUTH PLAIN.
type fakeSMTP struct {
	ln         net.Listener
	tls        *tls.Config // offer STARTTLS when set
	auth       bool        // offer AUTH PLAIN
	rejectRcpt atomic.Bool // answer RCPT with a temporary failure

	mu   sync.Mutex
	msgs []received
}

type received struct {
	from, to string
	data     []byte
	authed   string // decoded AUTH PLAIN response
	overTLS  bool   // DATA came after STARTTLS
	authTLS  bool   // AUTH came after STARTTLS
}

func startSMTP(t *testing.T, tlsConf *tls.Config, auth bool) *fakeSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeSMTP{ln: ln, tls: tlsConf, auth: auth}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *fakeSMTP) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *fakeSMTP) serve(c net.Conn) {
	defer func() { c.Close() }()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	tp := textproto.NewConn(c)
	tp.PrintfLine("220 fake ESMTP")
	var r received
	secure := false
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			lines := []string{"fake"}
			if s.tls != nil && !secure {
				lines = append(lines, "STARTTLS")
			}
			if s.auth {
				lines = append(lines, "AUTH PLAIN")
			}
			lines = append(lines, "8BITMIME")
			for i, l := range lines {
				sep := "-"
				if i == len(lines)-1 {
					sep = " "
				}
				tp.PrintfLine("250%s%s", sep, l)
			}
		case "HELO", "NOOP", "RSET":
			tp.PrintfLine("250 OK")
		case "STARTTLS":
			tp.PrintfLine("220 go ahead")
			tc := tls.Server(c, s.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			c, tp, secure = tc, textproto.NewConn(tc), true
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			b, err := base64.StdEncoding.DecodeString(resp)
			if mech != "PLAIN" || err != nil {
				tp.PrintfLine("504 unsupported")
				continue
			}
			r.authed, r.authTLS = string(b), secure
			tp.PrintfLine("235 OK")
		case "MAIL":
			r.from = arg
			tp.PrintfLine("250 OK")
		case "RCPT":
			if s.rejectRcpt.Load() {
				tp.PrintfLine("451 try again later")
				continue
			}
			r.to = arg
			tp.PrintfLine("250 OK")
		case "DATA":
			tp.PrintfLine("354 go ahead")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			r.data, r.overTLS = data, secure
			s.mu.Lock()
			s.msgs = append(s.msgs, r)
			s.mu.Unlock()
			tp.PrintfLine("250 queued")
		case "QUIT":
			tp.PrintfLine("221 bye")
			return
		default:
			tp.PrintfLine("502 unknown command")
		}
	}
}

func (s *fakeSMTP) received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

// selfSigned returns a server config with a certificate for 127.0.0.1 and a
// pool trusting it.
func selfSigned(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "fake smtp"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

const (
	subject = "Thông báo: hồ sơ đề nghị khen thưởng năm học 2025–2026 đã được tiếp nhận và chuyển Hội đồng Thi đua – Khen thưởng xem xét"
	body    = "Kính gửi thầy Nguyễn Văn Đức,\n\nHồ sơ của Trường THCS Lê Quý Đôn đã được tiếp nhận.\n.\nTrân trọng.\n"
)

func outboxRows(t *testing.T, db *database.DB) []jobs.Mail {
	t.Helper()
	ms, _, err := (&jobs.Queue{DB: db}).Outbox(context.Background(), access.System(), 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func TestMailWithoutSMTPStaysInOutbox(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		q := &jobs.Queue{DB: db}
		r := newRunner(db)
		(&jobs.Mailer{DB: db}).Register(r)
		id, err := q.Mail(ctx, " Nguyễn Văn Đức <duc@truong.edu.vn> ", "Nhắc\r\nBcc: x@y.z", body)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := q.Mail(ctx, "không phải địa chỉ", subject, body); errs.FieldsOf(err)["to"] == "" {
			t.Errorf("bad address: %v, want a field error at to", err)
		}
		if !runOnce(t, r) {
			t.Fatal("the mail job did not run")
		}
		if j := get(t, q, id); j.Status != jobs.Done {
			t.Fatalf("mail job = %+v", j)
		}
		ms := outboxRows(t, db)
		if len(ms) != 1 {
			t.Fatalf("outbox holds %d mails, want 1", len(ms))
		}
		m := ms[0]
		if m.Status != jobs.MailOutbox || m.SentAt != nil || m.To != "Nguyễn Văn Đức <duc@truong.edu.vn>" || m.Subject != "Nhắc Bcc: x@y.z" || m.Body != body || m.CreatedAt.IsZero() {
			t.Errorf("outbox row = %+v", m)
		}
		if _, _, err := q.Outbox(ctx, staff, 10, 0); !errs.Is(err, errs.Forbidden) {
			t.Errorf("outbox read by a unit admin: %v, want forbidden", err)
		}
		if _, _, err := q.Outbox(ctx, access.Scope{}, 10, 0); !errs.Is(err, errs.Forbidden) {
			t.Errorf("outbox read anonymously: %v, want forbidden", err)
		}
	})
}

func TestMailThroughSMTP(t *testing.T) {
	serverTLS, pool := selfSigned(t)
	cases := []struct {
		name     string
		tls      bool
		username string
	}{
		{"plain", false, ""},
		{"auth on loopback", false, "thidua"},
		{"starttls and auth", true, "thidua"},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, db *database.DB) {
				ctx := context.Background()
				var conf *tls.Config
				if tc.tls {
					conf = serverTLS
				}
				srv := startSMTP(t, conf, tc.username != "")
				m := &jobs.Mailer{DB: db, SMTP: jobs.SMTPConfig{
					Host: "127.0.0.1", Port: srv.port(), Username: tc.username, Password: "mật-khẩu",
					From: "Sở Giáo dục và Đào tạo <thidua@sogd.edu.vn>", TLS: &tls.Config{RootCAs: pool},
				}}
				q := &jobs.Queue{DB: db}
				r := newRunner(db)
				m.Register(r)

				// First attempt: the server refuses for now; the mail is
				// recorded as pending and retried later.
				srv.rejectRcpt.Store(true)
				id, err := q.Mail(ctx, "Nguyễn Văn Đức <duc@truong.edu.vn>", subject, body)
				if err != nil {
					t.Fatal(err)
				}
				runOnce(t, r)
				if j := get(t, q, id); j.Status != jobs.Queued || !strings.Contains(j.LastError, "451") {
					t.Fatalf("after a refused attempt: %+v, want queued with the SMTP error", j)
				}
				if ms := outboxRows(t, db); len(ms) != 1 || ms[0].Status != jobs.MailPending {
					t.Fatalf("outbox after a refused attempt: %+v, want one pending mail", ms)
				}

				srv.rejectRcpt.Store(false)
				makeReady(t, db, id)
				before := database.Now()
				runOnce(t, r)
				if j := get(t, q, id); j.Status != jobs.Done {
					t.Fatalf("mail job = %+v, want done", j)
				}
				ms := outboxRows(t, db)
				if len(ms) != 1 || ms[0].Status != jobs.MailSent || ms[0].SentAt == nil || ms[0].SentAt.Before(before) {
					t.Fatalf("outbox after delivery: %+v, want the one mail sent", ms)
				}

				got := srv.received()
				if len(got) != 1 {
					t.Fatalf("server received %d messages, want 1", len(got))
				}
				rc := got[0]
				if !strings.HasPrefix(rc.from, "FROM:<thidua@sogd.edu.vn>") || !strings.HasPrefix(rc.to, "TO:<duc@truong.edu.vn>") {
					t.Errorf("envelope %q → %q", rc.from, rc.to)
				}
				if tc.username != "" && rc.authed != "\x00thidua\x00mật-khẩu" {
					t.Errorf("auth = %q", rc.authed)
				}
				if tc.username == "" && rc.authed != "" {
					t.Errorf("authenticated without a user name: %q", rc.authed)
				}
				if tc.tls && (!rc.overTLS || !rc.authTLS) {
					t.Errorf("STARTTLS offered but the message (tls %v) or the password (tls %v) went in clear", rc.overTLS, rc.authTLS)
				}
				checkMessage(t, rc.data)
			})
		})
	}
}

// checkMessage parses the message as a mail client would and checks the
// Vietnamese text survives.
func checkMessage(t *testing.T, data []byte) {
	t.Helper()
	for i, line := range strings.Split(string(data), "\n") {
		if len(line) > 100 {
			t.Errorf("line %d is %d bytes long", i, len(line))
		}
		for _, c := range []byte(line) {
			if c >= 0x80 {
				t.Fatalf("line %d has a raw 8-bit byte: %q", i, line)
			}
		}
	}
	msg, err := mail.ReadMessage(bufio.NewReader(bytes.NewReader(data)))
	if err != nil {
		t.Fatalf("parse message: %v\n%s", err, data)
	}
	h := msg.Header
	dec := new(mime.WordDecoder)
	subj, err := dec.DecodeHeader(h.Get("Subject"))
	if err != nil || subj != subject {
		t.Errorf("subject decodes to %q (%v), want %q", subj, err, subject)
	}
	from, err := h.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Sở Giáo dục và Đào tạo" {
		t.Errorf("From = %v, %v", from, err)
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Name != "Nguyễn Văn Đức" || to[0].Address != "duc@truong.edu.vn" {
		t.Errorf("To = %v, %v", to, err)
	}
	if ct, params, _ := mime.ParseMediaType(h.Get("Content-Type")); ct != "text/plain" || !strings.EqualFold(params["charset"], "utf-8") {
		t.Errorf("Content-Type = %q", h.Get("Content-Type"))
	}
	if h.Get("MIME-Version") != "1.0" || h.Get("Content-Transfer-Encoding") != "quoted-printable" || h.Get("Message-Id") == "" {
		t.Errorf("headers = %v", h)
	}
	if _, err := h.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	raw, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.ReplaceAll(string(raw), "\r\n", "\n"); strings.TrimSuffix(got, "\n") != strings.TrimSuffix(body, "\n") {
		t.Errorf("body decodes to %q, want %q", got, body)
	}
}

func TestMailGivesUpAfterMaxAttempts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		srv := startSMTP(t, nil, false)
		srv.rejectRcpt.Store(true)
		q := &jobs.Queue{DB: db}
		r := newRunner(db)
		(&jobs.Mailer{DB: db, SMTP: jobs.SMTPConfig{Host: "127.0.0.1", Port: srv.port(), From: "thidua@sogd.edu.vn"}}).Register(r)
		id, err := q.Enqueue(ctx, jobs.KindMail, jobs.MailPayload{To: "a@b.vn", Subject: "x", Body: "y"}, jobs.MaxAttempts(2))
		if err != nil {
			t.Fatal(err)
		}
		runOnce(t, r)
		makeReady(t, db, id)
		runOnce(t, r)
		if j := get(t, q, id); j.Status != jobs.Failed || !strings.Contains(j.LastError, "451") {
			t.Errorf("mail job = %+v, want failed with the SMTP error", j)
		}
		if ms := outboxRows(t, db); len(ms) != 1 || ms[0].Status != jobs.MailFailed {
			t.Errorf("outbox = %+v, want one failed mail", ms)
		}
		// A port nobody listens on is a retryable error too.
		bad := &jobs.Mailer{DB: db, SMTP: jobs.SMTPConfig{Host: "127.0.0.1", Port: closedPort(t), From: "thidua@sogd.edu.vn"}}
		r2 := newRunner(db)
		bad.Register(r2)
		id2, _ := q.Mail(ctx, "a@b.vn", "x", "y")
		runOnce(t, r2)
		if j := get(t, q, id2); j.Status != jobs.Queued || !strings.Contains(j.LastError, "connect") {
			t.Errorf("mail to a dead server = %+v, want queued with a connect error", j)
		}
	})
}

func closedPort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}
