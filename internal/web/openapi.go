package web

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// opDoc documents one API operation.
type opDoc struct {
	Summary string
	Query   []string // query parameter names
	Body    string   // request schema name, "" for none; "file" for a raw upload
	Result  string   // response schema name; "list:X" for a listing of X; "file" for a download; "" for 204
	Status  int      // success status
	Public  bool     // no bearer token needed
}

// apiDocs is the OpenAPI source: one entry per API route. A test checks
// that it and the routing table name the same routes.
var apiDocs = map[string]opDoc{
	"GET /api/v1/openapi.json":                {Summary: "Tài liệu OpenAPI 3 của API này", Result: "object", Status: 200, Public: true},
	"POST /api/v1/tokens":                     {Summary: "Đăng nhập bằng tên và mật khẩu, nhận mã truy cập (bearer token)", Body: "TokenRequest", Result: "Token", Status: 201, Public: true},
	"DELETE /api/v1/tokens/current":           {Summary: "Thu hồi mã truy cập đang dùng", Status: 204},
	"GET /api/v1/me":                          {Summary: "Tài khoản đang đăng nhập và các vai trò", Result: "Me", Status: 200},
	"GET /api/v1/units":                       {Summary: "Danh sách đơn vị trong phạm vi của người gọi, theo thứ tự cây", Query: []string{"q", "kind", "level", "closed", "on", "under", "limit", "offset"}, Result: "list:Unit", Status: 200},
	"POST /api/v1/units":                      {Summary: "Thêm đơn vị (quản trị tại đơn vị cấp trên)", Body: "UnitBody", Result: "Unit", Status: 201},
	"GET /api/v1/units/{id}":                  {Summary: "Xem một đơn vị", Result: "Unit", Status: 200},
	"PUT /api/v1/units/{id}":                  {Summary: "Sửa đơn vị; version phải là phiên bản đã đọc, nếu không trả 409", Body: "UnitBody", Result: "Unit", Status: 200},
	"POST /api/v1/units/{id}/move":            {Summary: "Chuyển đơn vị (cùng các đơn vị trực thuộc) sang đơn vị cấp trên khác (parent_id, version)", Body: "UnitBody", Result: "Unit", Status: 200},
	"POST /api/v1/units/{id}/close":           {Summary: "Kết thúc hoạt động đơn vị từ ngày valid_to (version)", Body: "UnitBody", Result: "Unit", Status: 200},
	"GET /api/v1/users":                       {Summary: "Danh sách tài khoản người gọi quản trị", Query: []string{"q", "role", "active", "unit_id", "limit", "offset"}, Result: "list:User", Status: 200},
	"POST /api/v1/users":                      {Summary: "Thêm tài khoản", Body: "UserBody", Result: "User", Status: 201},
	"GET /api/v1/users/{id}":                  {Summary: "Xem tài khoản", Result: "User", Status: 200},
	"PUT /api/v1/users/{id}":                  {Summary: "Sửa thông tin tài khoản (version)", Body: "UserBody", Result: "User", Status: 200},
	"POST /api/v1/users/{id}/active":          {Summary: "Khóa (active=false) hoặc mở lại tài khoản (version)", Body: "UserBody", Result: "User", Status: 200},
	"POST /api/v1/users/{id}/password":        {Summary: "Đặt lại mật khẩu; người dùng phải đổi khi đăng nhập", Body: "UserBody", Result: "User", Status: 200},
	"GET /api/v1/users/{id}/roles":            {Summary: "Vai trò của tài khoản", Result: "list:Grant", Status: 200},
	"POST /api/v1/users/{id}/roles":           {Summary: "Cấp vai trò tại một đơn vị (unit_id 0: toàn hệ thống)", Body: "GrantBody", Result: "Grant", Status: 201},
	"DELETE /api/v1/users/{id}/roles/{grant}": {Summary: "Thu hồi vai trò", Status: 204},
	"POST /api/v1/imports/{kind}": {Summary: "Nhập đơn vị (kind=units) hoặc tài khoản (kind=users) từ tệp XLSX/CSV gửi nguyên văn trong thân yêu cầu. Mặc định chỉ kiểm tra và trả kế hoạch nhập (422 nếu có dòng lỗi); apply=1 thì nhập tất cả hoặc không gì cả",
		Query: []string{"apply", "filename"}, Body: "file", Result: "object", Status: 200},
	"GET /api/v1/jobs":             {Summary: "Tác vụ nền (quản trị hệ thống)", Query: []string{"status", "limit", "offset"}, Result: "list:Job", Status: 200},
	"POST /api/v1/jobs/{id}/retry": {Summary: "Chạy lại một tác vụ lỗi (quản trị hệ thống)", Status: 204},
	"GET /api/v1/outbox":           {Summary: "Hộp thư đi (quản trị hệ thống)", Query: []string{"limit", "offset"}, Result: "list:Mail", Status: 200},
	"GET /api/v1/audit":            {Summary: "Nhật ký thay đổi trong phạm vi quản trị", Query: []string{"from", "to", "actor", "object", "action", "unit", "q", "limit", "offset"}, Result: "list:AuditEntry", Status: 200},
}

var (
	str     = map[string]any{"type": "string"}
	date    = map[string]any{"type": "string", "format": "date"}
	stamp   = map[string]any{"type": "string", "format": "date-time"}
	integ   = map[string]any{"type": "integer"}
	boolean = map[string]any{"type": "boolean"}
	strs    = map[string]any{"type": "array", "items": str}
)

func obj(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func enum(values ...string) map[string]any { return map[string]any{"type": "string", "enum": values} }

// apiSchemas are the components of the OpenAPI document.
var apiSchemas = map[string]any{
	"Problem": obj(map[string]any{"type": str, "title": str, "status": integ, "detail": str,
		"errors": map[string]any{"type": "object", "additionalProperties": str, "description": "Thông báo theo từng trường"}}, "status", "detail"),
	"TokenRequest": obj(map[string]any{"username": str, "password": str}, "username", "password"),
	"Token":        obj(map[string]any{"token": str, "expires_in": integ}, "token"),
	"Grant":        obj(map[string]any{"id": integ, "unit_id": integ, "unit_name": str, "role": enum("admin", "leader", "officer", "staff", "viewer")}),
	"GrantBody":    obj(map[string]any{"unit_id": integ, "role": enum("admin", "leader", "officer", "staff", "viewer")}, "role"),
	"Me": obj(map[string]any{"id": integ, "username": str, "full_name": str, "unit_id": integ, "unit_name": str,
		"must_change_password": boolean, "roles": map[string]any{"type": "array", "items": ref("Grant")}}),
	"Unit": obj(map[string]any{"id": integ, "parent_id": integ, "kind": enum("board", "department", "office", "ward", "school", "other"),
		"code": str, "name": str, "short_name": str, "levels": strs, "runs_rounds": boolean, "valid_from": date, "valid_to": date, "depth": integ, "version": integ, "updated_at": stamp}),
	"UnitBody": obj(map[string]any{"version": integ, "parent_id": integ, "kind": enum("board", "department", "office", "ward", "school", "other"),
		"code": str, "name": str, "short_name": str, "levels": strs, "runs_rounds": boolean, "valid_from": date, "valid_to": date}),
	"User": obj(map[string]any{"id": integ, "username": str, "ho": str, "dem": str, "ten": str, "full_name": str, "email": str, "phone": str,
		"position": str, "unit_id": integ, "unit_name": str, "active": boolean, "must_change_password": boolean, "version": integ,
		"created_at": stamp, "last_login_at": stamp, "roles": map[string]any{"type": "array", "items": ref("Grant")}}),
	"UserBody": obj(map[string]any{"version": integ, "username": str, "ho": str, "dem": str, "ten": str, "email": str, "phone": str,
		"position": str, "unit_id": integ, "password": str, "must_change_password": boolean, "active": boolean}),
	"Job": obj(map[string]any{"id": integ, "kind": str, "status": enum("queued", "running", "done", "failed"), "attempts": integ,
		"max_attempts": integ, "run_at": stamp, "progress": integ, "last_error": str, "created_at": stamp}),
	"Mail": obj(map[string]any{"id": integ, "to": str, "subject": str, "body": str, "status": str, "created_at": stamp, "sent_at": stamp}),
	"AuditEntry": obj(map[string]any{"id": integ, "at": stamp, "actor": str, "unit_id": integ, "action": str, "object_type": str,
		"object_id": str, "summary": str, "before": str, "after": str, "hash": str}),
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func schemaFor(name string) map[string]any {
	switch {
	case name == "object":
		return map[string]any{"type": "object"}
	case name == "file":
		return map[string]any{"type": "string", "format": "binary"}
	case strings.HasPrefix(name, "list:"):
		return obj(map[string]any{"items": map[string]any{"type": "array", "items": ref(strings.TrimPrefix(name, "list:"))}, "total": integ}, "items", "total")
	}
	return ref(name)
}

var errorResponses = map[string]string{
	"401": "Chưa đăng nhập hoặc mã truy cập không hợp lệ", "403": "Không có quyền", "404": "Không tìm thấy hoặc ngoài phạm vi",
	"409": "Dữ liệu đã bị người khác thay đổi (version cũ) hoặc trùng", "413": "Dữ liệu quá lớn", "422": "Dữ liệu chưa hợp lệ (errors theo trường)",
	"429": "Quá nhiều lần đăng nhập sai",
}

var (
	openAPIOnce sync.Once
	openAPIDoc  map[string]any
)

// openAPI builds the OpenAPI 3 document from apiDocs.
func openAPI() map[string]any {
	openAPIOnce.Do(func() {
		paths := map[string]any{}
		keys := make([]string, 0, len(apiDocs))
		for k := range apiDocs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			d := apiDocs[k]
			method, path, _ := strings.Cut(k, " ")
			op := map[string]any{"summary": d.Summary, "operationId": strings.ToLower(method) + strings.NewReplacer("/api/v1", "", "/", "_", "{", "", "}", "", ".", "_").Replace(path)}
			var params []any
			for _, seg := range strings.Split(path, "/") {
				if strings.HasPrefix(seg, "{") {
					params = append(params, map[string]any{"name": strings.Trim(seg, "{}"), "in": "path", "required": true, "schema": str})
				}
			}
			for _, q := range d.Query {
				params = append(params, map[string]any{"name": q, "in": "query", "schema": str})
			}
			if params != nil {
				op["parameters"] = params
			}
			if d.Body == "file" {
				op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/octet-stream": map[string]any{"schema": schemaFor("file")}}}
			} else if d.Body != "" {
				op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": schemaFor(d.Body)}}}
			}
			responses := map[string]any{}
			ok := map[string]any{"description": "Thành công"}
			switch d.Result {
			case "":
			case "file":
				ok["content"] = map[string]any{"application/octet-stream": map[string]any{"schema": schemaFor("file")}}
			default:
				ok["content"] = map[string]any{"application/json": map[string]any{"schema": schemaFor(d.Result)}}
			}
			responses[strconv.Itoa(d.Status)] = ok
			for code, desc := range errorResponses {
				responses[code] = map[string]any{"description": desc, "content": map[string]any{"application/problem+json": map[string]any{"schema": ref("Problem")}}}
			}
			op["responses"] = responses
			if d.Public {
				op["security"] = []any{}
			}
			item, _ := paths[path].(map[string]any)
			if item == nil {
				item = map[string]any{}
				paths[path] = item
			}
			item[strings.ToLower(method)] = op
		}
		openAPIDoc = map[string]any{
			"openapi": "3.0.3",
			"info": map[string]any{"title": "thidua API", "version": "1",
				"description": "API của thidua: đơn vị, tài khoản, vai trò, nhật ký. Lấy mã truy cập bằng POST /api/v1/tokens rồi gửi kèm tiêu đề Authorization: Bearer <mã>. Lỗi trả về dạng application/problem+json với detail tiếng Việt."},
			"servers":    []any{map[string]any{"url": "/"}},
			"paths":      paths,
			"security":   []any{map[string]any{"bearer": []any{}}},
			"components": map[string]any{"schemas": apiSchemas, "securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}}},
		}
	})
	return openAPIDoc
}

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeJSON(w, http.StatusOK, openAPI())
}
