package notify

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/jobs"
	"thidua/internal/viet"
)

// KindDigest is the daily job that sends the digests (see Digest).
const KindDigest = "notify-digest"

// DigestJob is the handler of KindDigest: the digest of the day of the
// job's slot (today when the job was not queued by a schedule).
func (s *Store) DigestJob(ctx context.Context, j *jobs.Job) error {
	day := jobs.SlotOf(j)
	if day.IsZero() {
		day = time.Now()
	}
	_, err := s.Digest(ctx, day)
	return err
}

// Digest sends every user with an address one mail listing their notes
// meant for mail that no digest has taken yet, and returns how many mails
// it queued. Each user's notes are marked mailed in the same transaction
// that queues their mail, so running it again (a retried job, a second
// server) sends nothing twice. Notes the user has already read in the app
// are marked too but not listed: the mail is about what still waits for
// them, and a user who has read everything gets no mail. day names the
// digest in the subject ("ngày 02/12/2026", in Vietnam time).
func (s *Store) Digest(ctx context.Context, day time.Time) (int, error) {
	if s.Jobs == nil {
		return 0, nil
	}
	rows, err := s.DB.R.QueryContext(ctx, "SELECT DISTINCT user_id FROM notifications WHERE mail AND mailed_at IS NULL ORDER BY user_id")
	if err != nil {
		return 0, errs.Wrap(err, "notify: digest recipients")
	}
	var users []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, errs.Wrap(err, "notify: digest recipients")
		}
		users = append(users, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, errs.Wrap(err, "notify: digest recipients")
	}
	sent := 0
	for _, u := range users {
		if err := ctx.Err(); err != nil {
			return sent, err
		}
		var mailed bool
		err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			var err error
			mailed, err = s.digestTx(ctx, tx, u, day)
			return err
		})
		if err != nil {
			return sent, err
		}
		if mailed {
			sent++
		}
	}
	return sent, nil
}

type pending struct {
	id               int64
	title, body, url string
}

// digestTx takes the user's pending notes and queues their digest mail.
func (s *Store) digestTx(ctx context.Context, tx *sql.Tx, userID int64, day time.Time) (bool, error) {
	// Taking the notes first makes a concurrent digest for the same user
	// wait on these rows and then find none.
	rows, err := tx.QueryContext(ctx, `UPDATE notifications SET mailed_at = $1 WHERE user_id = $2 AND mail AND mailed_at IS NULL
		RETURNING id, title, body, url, read_at`, database.Now(), userID)
	if err != nil {
		return false, errs.Wrap(err, "notify: take digest")
	}
	var notes []pending
	for rows.Next() {
		var p pending
		var read sql.NullTime
		if err := rows.Scan(&p.id, &p.title, &p.body, &p.url, &read); err != nil {
			rows.Close()
			return false, errs.Wrap(err, "notify: take digest")
		}
		if !read.Valid {
			notes = append(notes, p)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, errs.Wrap(err, "notify: take digest")
	}
	if len(notes) == 0 {
		return false, nil
	}
	slices.SortFunc(notes, func(a, b pending) int { return int(a.id - b.id) })
	var email, ho, dem, ten string
	var active bool
	err = tx.QueryRowContext(ctx, "SELECT email, ho, dem, ten, active FROM users WHERE id = $1", userID).Scan(&email, &ho, &dem, &ten, &active)
	if err != nil {
		return false, errs.Wrap(err, "notify: digest recipient")
	}
	if !active || strings.TrimSpace(email) == "" {
		return false, nil // marked all the same: nobody to mail them to
	}
	subject, body := s.digestMail(viet.FullName(ho, dem, ten), notes, day)
	if _, err := s.Jobs.MailTx(ctx, tx, email, subject, body); err != nil {
		return false, err
	}
	return true, nil
}

// digestMail writes the digest's subject and plain-text body.
func (s *Store) digestMail(name string, notes []pending, day time.Time) (string, string) {
	date := viet.ShortDate(day.In(viet.Zone))
	subject := fmt.Sprintf("thidua: %d việc cần chú ý ngày %s", len(notes), date)
	if len(notes) == 1 {
		subject = "thidua: 1 việc cần chú ý ngày " + date
	}
	base := strings.TrimRight(s.BaseURL, "/")
	var b strings.Builder
	if name != "" {
		fmt.Fprintf(&b, "Kính gửi %s,\n\n", name)
	}
	fmt.Fprintf(&b, "Ngày %s, thidua có %d thông báo chưa đọc cần anh/chị chú ý:\n", date, len(notes))
	for i, n := range notes {
		fmt.Fprintf(&b, "\n%d. %s\n", i+1, n.title)
		if body := strings.TrimSpace(n.body); body != "" {
			b.WriteString("   " + strings.ReplaceAll(body, "\n", "\n   ") + "\n")
		}
		if n.url != "" {
			b.WriteString("   " + base + n.url + "\n")
		}
	}
	fmt.Fprintf(&b, "\nXem và đánh dấu đã đọc tại: %s/notifications\n", base)
	b.WriteString("\nĐây là thư tổng hợp hằng ngày của thidua: mỗi ngày một thư, chỉ khi có thông báo mới chưa đọc.\n")
	return subject, b.String()
}
