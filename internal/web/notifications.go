package web

import (
	"net/http"
	"strconv"
	"time"

	"thidua/internal/notify"
)

// registerNotifications adds the notifications page (the bell's target)
// and its API. Every route reads or changes only the caller's own
// notifications, so the store needs no more than the caller's user id.
func (s *Server) registerNotifications() {
	s.handle("GET /notifications", LoggedIn, "Thông báo của tôi", s.notificationList)
	s.handle("POST /notifications/{id}/read", LoggedIn, "Mở thông báo (đánh dấu đã đọc)", s.notificationOpen)
	s.handle("POST /notifications/read-all", LoggedIn, "Đánh dấu tất cả thông báo đã đọc", s.notificationReadAll)

	s.handle("GET /api/v1/notifications", LoggedIn, "Thông báo của tôi", s.apiNotificationList)
	s.handle("POST /api/v1/notifications/{id}/read", LoggedIn, "Đánh dấu thông báo đã đọc", s.apiNotificationRead)
	s.handle("POST /api/v1/notifications/read-all", LoggedIn, "Đánh dấu tất cả thông báo đã đọc", s.apiNotificationReadAll)
}

// unreadCount is the bell's badge: one indexed COUNT per page. A failure
// only hides the badge.
func (s *Server) unreadCount(r *http.Request) int {
	sess := sessionOf(r)
	if sess == nil || s.notes == nil {
		return 0
	}
	n, err := s.notes.Unread(r.Context(), sess.Scope)
	if err != nil {
		s.log.Warn("unread notifications", "err", err)
		return 0
	}
	return n
}

type notificationsData struct {
	Items      []notify.Notification
	UnreadOnly bool
	Page       pager
}

func (s *Server) notificationList(w http.ResponseWriter, r *http.Request) {
	pg := newPager(r, 30)
	unreadOnly := r.URL.Query().Get("unread") == "1"
	items, total, err := s.notes.List(r.Context(), scope(r), unreadOnly, pg.Size, pg.Offset())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "notifications", &page{Title: "Thông báo", Section: "notifications",
		Data: notificationsData{Items: items, UnreadOnly: unreadOnly, Page: pg.With(total, r)}})
}

// notificationOpen marks the notification read and follows its link (or
// comes back to the list when it has none).
func (s *Server) notificationOpen(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := s.notes.Open(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	target := "/notifications"
	if n.URL != "" {
		target = safeNext(n.URL)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func (s *Server) notificationReadAll(w http.ResponseWriter, r *http.Request) {
	if err := s.notes.MarkRead(r.Context(), scope(r), 0); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/notifications", "Đã đánh dấu tất cả thông báo là đã đọc.")
}

// --- API

type notificationJSON struct {
	ID        int64      `json:"id"`
	UnitID    int64      `json:"unit_id"`
	Title     string     `json:"title"`
	Body      string     `json:"body"`
	URL       string     `json:"url"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at"`
}

func toNotificationJSON(n notify.Notification) notificationJSON {
	return notificationJSON{ID: n.ID, UnitID: n.UnitID, Title: n.Title, Body: n.Body, URL: n.URL, CreatedAt: n.CreatedAt.UTC(), ReadAt: n.ReadAt}
}

// notificationList is the API listing with the unread count beside it.
type notificationList struct {
	Items  []notificationJSON `json:"items"`
	Total  int                `json:"total"`
	Unread int                `json:"unread"`
}

func (s *Server) apiNotificationList(w http.ResponseWriter, r *http.Request) {
	limit, offset := limitOffset(r, 50)
	unreadOnly, _ := strconv.ParseBool(r.URL.Query().Get("unread"))
	ctx, sc := r.Context(), scope(r)
	items, total, err := s.notes.List(ctx, sc, unreadOnly, limit, offset)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	unread, err := s.notes.Unread(ctx, sc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := notificationList{Items: []notificationJSON{}, Total: total, Unread: unread}
	for _, n := range items {
		out.Items = append(out.Items, toNotificationJSON(n))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiNotificationRead(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := s.notes.Open(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toNotificationJSON(n))
}

func (s *Server) apiNotificationReadAll(w http.ResponseWriter, r *http.Request) {
	if err := s.notes.MarkRead(r.Context(), scope(r), 0); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func init() {
	apiSchemas["Notification"] = obj(map[string]any{"id": integ, "unit_id": integ, "title": str, "body": str,
		"url": map[string]any{"type": "string", "description": "Đường dẫn trong thidua, ví dụ /nominations/12"}, "created_at": stamp, "read_at": stamp})
	apiSchemas["NotificationList"] = obj(map[string]any{"items": map[string]any{"type": "array", "items": ref("Notification")}, "total": integ,
		"unread": map[string]any{"type": "integer", "description": "Số thông báo chưa đọc (con số trên biểu tượng chuông)"}}, "items", "total", "unread")
	for k, d := range map[string]opDoc{
		"GET /api/v1/notifications": {Summary: "Thông báo của người gọi, mới nhất trước (unread=1: chỉ thông báo chưa đọc), kèm số chưa đọc",
			Query: []string{"unread", "limit", "offset"}, Result: "NotificationList", Status: 200},
		"POST /api/v1/notifications/{id}/read": {Summary: "Đánh dấu một thông báo của người gọi là đã đọc; thông báo của người khác: 404", Result: "Notification", Status: 200},
		"POST /api/v1/notifications/read-all":  {Summary: "Đánh dấu mọi thông báo của người gọi là đã đọc", Status: 204},
	} {
		apiDocs[k] = d
	}
}
