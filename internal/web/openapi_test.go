package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"testing"

	"thidua/internal/dbtest"
)

// TestAPIDocsCoverRoutes keeps apiDocs and the routing table in step: every
// API route is documented and every documented operation is served.
func TestAPIDocsCoverRoutes(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t), 0, Options{})
	var api []Route
	for _, rt := range e.srv.Routes() {
		if rt.API() {
			api = append(api, rt)
		}
	}
	if len(api) < 20 {
		t.Fatalf("only %d API routes registered", len(api))
	}
	missing, stale := missingAndStale(api, apiDocs)
	if len(missing) > 0 {
		t.Errorf("API routes without an apiDocs entry: %q", missing)
	}
	if len(stale) > 0 {
		t.Errorf("apiDocs entries for unregistered routes: %q", stale)
	}
	for _, rt := range api {
		d, ok := apiDocs[rt.Pattern()]
		if !ok {
			continue
		}
		if d.Public != (rt.Access == Public) {
			t.Errorf("%s: documented Public=%v but the route's access is %v", rt.Pattern(), d.Public, rt.Access)
		}
		if d.Summary == "" || !vietnamese(d.Summary) {
			t.Errorf("%s: summary %q is not Vietnamese", rt.Pattern(), d.Summary)
		}
		if d.Status < 200 || d.Status > 299 {
			t.Errorf("%s: success status %d", rt.Pattern(), d.Status)
		}
		if (d.Result == "") != (d.Status == http.StatusNoContent) {
			t.Errorf("%s: result %q with status %d", rt.Pattern(), d.Result, d.Status)
		}
	}
}

// TestOpenAPIDocument fetches the served document and checks it against
// the routing table.
func TestOpenAPIDocument(t *testing.T) {
	e := newEnv(t, dbtest.SQLite(t), 0, Options{})
	w := e.serve(httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: %s", outcome(w))
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	var doc struct {
		OpenAPI    string                                           `json:"openapi"`
		Info       map[string]any                                   `json:"info"`
		Paths      map[string]map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas         map[string]json.RawMessage `json:"schemas"`
			SecuritySchemes map[string]json.RawMessage `json:"securitySchemes"`
		} `json:"components"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatalf("the document is not JSON: %v", err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	if doc.Info["title"] == nil || doc.Info["version"] == nil {
		t.Errorf("info = %v", doc.Info)
	}
	if _, ok := doc.Components.SecuritySchemes["bearer"]; !ok {
		t.Error("no bearer security scheme")
	}

	ops := 0
	opIDs := map[string]string{}
	for _, rt := range e.srv.Routes() {
		if !rt.API() {
			if _, ok := doc.Paths[rt.Path]; ok {
				t.Errorf("the page route %s is documented as API", rt.Pattern())
			}
			continue
		}
		op, ok := doc.Paths[rt.Path][strings.ToLower(rt.Method)]
		if !ok {
			t.Errorf("paths[%q] has no %q operation", rt.Path, strings.ToLower(rt.Method))
			continue
		}
		ops++
		var id string
		json.Unmarshal(op["operationId"], &id)
		if prev, dup := opIDs[id]; dup || id == "" {
			t.Errorf("%s: operationId %q (also %s)", rt.Pattern(), id, prev)
		}
		opIDs[id] = rt.Pattern()
		var responses map[string]json.RawMessage
		json.Unmarshal(op["responses"], &responses)
		if _, ok := responses[strconv.Itoa(apiDocs[rt.Pattern()].Status)]; !ok {
			t.Errorf("%s: no response for its success status", rt.Pattern())
		}
		if rt.Access != Public {
			if _, ok := responses["401"]; !ok {
				t.Errorf("%s: no 401 response", rt.Pattern())
			}
		}
		// Path parameters are declared.
		var params []struct {
			Name string `json:"name"`
			In   string `json:"in"`
		}
		json.Unmarshal(op["parameters"], &params)
		for _, seg := range strings.Split(rt.Path, "/") {
			if !strings.HasPrefix(seg, "{") {
				continue
			}
			name, found := strings.Trim(seg, "{}"), false
			for _, p := range params {
				found = found || p.Name == name && p.In == "path"
			}
			if !found {
				t.Errorf("%s: path parameter %s not declared", rt.Pattern(), name)
			}
		}
	}
	// Nothing documented beyond the routes, and every $ref resolves.
	total := 0
	for path, item := range doc.Paths {
		for method := range item {
			total++
			if _, ok := apiDocs[strings.ToUpper(method)+" "+path]; !ok {
				t.Errorf("documented %s %s is not in apiDocs", method, path)
			}
		}
	}
	if total != ops {
		t.Errorf("the document has %d operations, the routing table %d API routes", total, ops)
	}
	var refs []string
	collectRefs(json.RawMessage(w.Body.Bytes()), &refs)
	sort.Strings(refs)
	for _, r := range refs {
		name, ok := strings.CutPrefix(r, "#/components/schemas/")
		if _, exists := doc.Components.Schemas[name]; !ok || !exists {
			t.Errorf("dangling $ref %q", r)
		}
	}
	if len(refs) == 0 {
		t.Error("no $ref at all in the document")
	}
}

// collectRefs gathers every "$ref" value in a JSON document.
func collectRefs(raw json.RawMessage, out *[]string) {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return
	}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, y := range x {
				if s, ok := y.(string); ok && k == "$ref" {
					*out = append(*out, s)
				}
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(v)
}
