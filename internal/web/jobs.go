package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"thidua/internal/jobs"
)

type jobsData struct {
	Jobs  []jobs.Job
	Query url.Values
	Page  pager
}

func (s *Server) jobList(w http.ResponseWriter, r *http.Request) {
	pg := newPager(r, 50)
	list, total, err := s.jobs.List(r.Context(), scope(r), r.URL.Query().Get("status"), pg.Size, pg.Offset())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "jobs", &page{Title: "Tác vụ nền", Section: "jobs",
		Data: jobsData{Jobs: list, Query: r.URL.Query(), Page: pg.With(total, r)}})
}

func (s *Server) jobRetry(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.jobs.Retry(r.Context(), scope(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/jobs", "Đã xếp tác vụ #"+strconv.FormatInt(id, 10)+" vào hàng đợi để chạy lại.")
}

type outboxData struct {
	Mails []jobs.Mail
	SMTP  bool
	Page  pager
}

func (s *Server) outboxList(w http.ResponseWriter, r *http.Request) {
	pg := newPager(r, 30)
	mails, total, err := s.jobs.Outbox(r.Context(), scope(r), pg.Size, pg.Offset())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "outbox", &page{Title: "Hộp thư đi", Section: "outbox",
		Data: outboxData{Mails: mails, Page: pg.With(total, r)}})
}

// --- API

type jobJSON struct {
	ID          int64       `json:"id"`
	Kind        string      `json:"kind"`
	Status      jobs.Status `json:"status"`
	Attempts    int         `json:"attempts"`
	MaxAttempts int         `json:"max_attempts"`
	RunAt       time.Time   `json:"run_at"`
	Progress    int         `json:"progress"`
	LastError   string      `json:"last_error"`
	CreatedAt   time.Time   `json:"created_at"`
}

func (s *Server) apiJobList(w http.ResponseWriter, r *http.Request) {
	limit, offset := limitOffset(r, 50)
	list, total, err := s.jobs.List(r.Context(), scope(r), r.URL.Query().Get("status"), limit, offset)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := listOf[jobJSON](total)
	for _, j := range list {
		out.Items = append(out.Items, jobJSON{ID: j.ID, Kind: j.Kind, Status: j.Status, Attempts: j.Attempts, MaxAttempts: j.MaxAttempts,
			RunAt: j.RunAt, Progress: j.Progress, LastError: j.LastError, CreatedAt: j.CreatedAt})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiJobRetry(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.jobs.Retry(r.Context(), scope(r), id); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type mailJSON struct {
	ID        int64      `json:"id"`
	To        string     `json:"to"`
	Subject   string     `json:"subject"`
	Body      string     `json:"body"`
	Status    string     `json:"status"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at"`
}

func (s *Server) apiOutbox(w http.ResponseWriter, r *http.Request) {
	limit, offset := limitOffset(r, 50)
	mails, total, err := s.jobs.Outbox(r.Context(), scope(r), limit, offset)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := listOf[mailJSON](total)
	for _, m := range mails {
		out.Items = append(out.Items, mailJSON{ID: m.ID, To: m.To, Subject: m.Subject, Body: m.Body, Status: m.Status, CreatedAt: m.CreatedAt, SentAt: m.SentAt})
	}
	writeJSON(w, http.StatusOK, out)
}
