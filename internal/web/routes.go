package web

import "net/http"

// registerRoutes is the routing table: every page and API route, with the
// access level its handler needs. The authorization walk and the OpenAPI
// coverage test read this table through Routes.
func (s *Server) registerRoutes() {
	// Operations and assets.
	s.handle("GET /healthz", Public, "Tiến trình đang chạy", s.healthz)
	s.handle("GET /readyz", Public, "Sẵn sàng phục vụ (cơ sở dữ liệu trả lời)", s.readyz)
	s.mux.Handle("GET /metrics", s.m.handler())
	s.routes = append(s.routes, Route{Method: "GET", Path: "/metrics", Access: Public, Summary: "Chỉ số Prometheus"})
	s.handle("GET /static/", Public, "Tệp tĩnh", s.serveStatic)

	// Login and the caller's own account.
	s.handle("GET /login", Public, "Trang đăng nhập", s.loginForm)
	s.handle("POST /login", Public, "Đăng nhập", s.login)
	s.handle("POST /logout", PasswordStale, "Đăng xuất", s.logout)
	s.handle("GET /account/password", PasswordStale, "Đổi mật khẩu", s.passwordForm)
	s.handle("POST /account/password", PasswordStale, "Đổi mật khẩu", s.passwordChange)
	s.handle("GET /{$}", Public, "Trang chủ: việc cần làm (khách: cổng thông tin điển hình)", s.root)

	// Units.
	s.handle("GET /units", LoggedIn, "Danh sách đơn vị", s.unitList)
	s.handle("GET /units/new", LoggedIn, "Biểu mẫu thêm đơn vị", s.unitNew)
	s.handle("POST /units", LoggedIn, "Thêm đơn vị", s.unitCreate)
	s.handle("GET /units/{id}", LoggedIn, "Xem đơn vị", s.unitView)
	s.handle("GET /units/{id}/edit", LoggedIn, "Biểu mẫu sửa đơn vị", s.unitEdit)
	s.handle("POST /units/{id}/edit", LoggedIn, "Sửa đơn vị", s.unitUpdate)
	s.handle("POST /units/{id}/move", LoggedIn, "Chuyển đơn vị", s.unitMove)
	s.handle("POST /units/{id}/close", LoggedIn, "Kết thúc hoạt động đơn vị", s.unitClose)

	// Accounts.
	s.handle("GET /users", LoggedIn, "Danh sách tài khoản", s.userList)
	s.handle("GET /users/new", LoggedIn, "Biểu mẫu thêm tài khoản", s.userNew)
	s.handle("POST /users", LoggedIn, "Thêm tài khoản", s.userCreate)
	s.handle("GET /users/{id}", LoggedIn, "Xem tài khoản", s.userView)
	s.handle("POST /users/{id}/edit", LoggedIn, "Sửa tài khoản", s.userUpdate)
	s.handle("POST /users/{id}/active", LoggedIn, "Khóa hoặc mở tài khoản", s.userActive)
	s.handle("POST /users/{id}/password", LoggedIn, "Đặt lại mật khẩu", s.userPassword)
	s.handle("POST /users/{id}/roles", LoggedIn, "Cấp vai trò", s.userGrant)
	s.handle("POST /users/{id}/roles/{grant}/delete", LoggedIn, "Thu hồi vai trò", s.userRevoke)

	// Imports, audit, background work.
	s.handle("GET /import", LoggedIn, "Nhập dữ liệu từ tệp", s.importForm)
	s.handle("GET /import/template/{file}", LoggedIn, "Tải tệp mẫu", s.importTemplate)
	s.handle("POST /import/preview", LoggedIn, "Xem trước dữ liệu nhập", s.importPreview)
	s.handle("POST /import/apply", LoggedIn, "Nhập dữ liệu", s.importApply)
	s.handle("GET /audit", LoggedIn, "Nhật ký thay đổi", s.auditList)
	s.handle("GET /admin/jobs", LoggedIn, "Tác vụ nền", s.jobList)
	s.handle("POST /admin/jobs/{id}/retry", LoggedIn, "Chạy lại tác vụ", s.jobRetry)
	s.handle("GET /admin/outbox", LoggedIn, "Hộp thư đi", s.outboxList)

	s.registerDossiers()      // dossiers.go: exemplar dossiers, versions, profile, honours
	s.registerRounds()        // rounds.go: rounds, nominations, scoring, decisions
	s.registerNotifications() // notifications.go: the bell's page and its API
	s.registerCalendar()      // calendar.go: month and agenda views, key dates, ICS feeds
	s.registerMovements()     // movements.go: movements and campaigns
	s.registerPlans()         // plans.go: plans, compliance, reminders
	s.registerActivities()    // activities.go: propaganda activities, their files, XLSX exports
	s.registerPortal()        // portal_public.go: the public portal; publications.go, adoptions.go
	s.registerAPI()

	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, errNotFoundPage)
	})
}
