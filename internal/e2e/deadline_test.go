package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/exemplar"
	"thidua/internal/files"
	"thidua/internal/loadtest"
	"thidua/internal/selection"
	"thidua/internal/unit"
)

// The deadline rush: the last minute before a round's submission deadline,
// when every school's leader submits at once. The test runs the real server
// in-process on loopback with a fresh database (SQLite, and PostgreSQL too
// when THIDUA_TEST_POSTGRES_URL is set), seeds 40 schools of one ward with
// a leader (an API token) each and 220 complete dossiers, opens the ward
// office's round with its deadline less than a minute away, and fires 200
// submissions at once. Then, in the database: one nomination per dossier,
// none lost, none duplicated, no 5xx, no late one, one frozen version per
// dossier and an intact audit chain; a second submission of a dossier is
// refused with 409, and so is the loser of 20 pairs of simultaneous
// submissions of the same dossier. Its figures are printed with -v and
// recorded in docs/benchmarks-selection.md. It needs no browser.

const (
	rushSchools    = 40
	rushDossiers   = 200 // submitted at once, 5 per school
	rushPairs      = 20  // dossiers submitted twice at the same moment
	rushClients    = 200
	rushDeadlineIn = 55 * time.Second
)

func TestDeadlineRush(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		db, err := database.OpenSQLite(context.Background(), filepath.Join(dir, "thidua.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		t.Setenv("THIDUA_DATABASE_URL", "")
		deadlineRush(t, db, dir)
	})
	t.Run("postgres", func(t *testing.T) {
		base := os.Getenv(dbtest.EnvPostgres)
		if base == "" {
			t.Skip("PostgreSQL load test skipped: set " + dbtest.EnvPostgres + " (for example postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
		}
		dsn := freshSchema(t, base)
		db, err := database.Open(context.Background(), "", dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		t.Setenv("THIDUA_DATABASE_URL", dsn)
		deadlineRush(t, db, t.TempDir())
	})
}

// freshSchema creates a schema of its own on the server at base (dropped
// when the test ends) and returns a URL that uses it.
func freshSchema(t *testing.T, base string) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "rush_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if a, err := sql.Open("pgx", base); err == nil {
			a.Exec("DROP SCHEMA " + schema + " CASCADE")
			a.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// rushWorld is what the rush seeds.
type rushWorld struct {
	round    selection.Round
	dossiers []int64  // the 200 of the rush
	pairs    []int64  // the 20 submitted twice at once
	tokens   []string // tokens[i] is the API token of the leader of dossiers[i]'s school
	pairTok  []string
}

func seedRush(t *testing.T, db *database.DB) rushWorld {
	t.Helper()
	ctx := context.Background()
	start := time.Now()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// One ward: its office holds rounds, its 40 schools each have an
	// administrator and a leader.
	p := dbtest.SeedProvince(t, db, rushSchools, 4+4+2*rushSchools)
	office := p.Wards[0].Office
	accounts := &account.Store{DB: db}
	units := &unit.Store{DB: db}
	dossiers := &exemplar.Store{DB: db, Files: files.New(db, "", 0)}
	sel := &selection.Store{DB: db, Units: units, Dossiers: dossiers}
	scopeOf := func(unitID int64, role access.Role) (access.Scope, string) {
		var id int64
		var username string
		if err := db.R.QueryRowContext(ctx, `SELECT u.id, u.username FROM users u JOIN roles r ON r.user_id = u.id
			WHERE r.unit_id = $1 AND r.role = $2 ORDER BY u.id LIMIT 1`, unitID, string(role)).Scan(&id, &username); err != nil {
			t.Fatalf("the %s of unit %d: %v", role, unitID, err)
		}
		grants, err := account.Grants(ctx, db.R, id)
		if err != nil {
			t.Fatal(err)
		}
		token, err := accounts.NewSession(ctx, id, account.API, "127.0.0.1", "deadline-rush")
		if err != nil {
			t.Fatal(err)
		}
		return access.Scope{UserID: id, Username: username, UnitID: unitID, Grants: grants}, token
	}
	var w rushWorld
	for i := 0; i < rushDossiers+rushPairs; i++ {
		school := p.Wards[0].Schools[i%rushSchools]
		leader, token := scopeOf(school.ID, access.Leader)
		d, err := dossiers.Create(ctx, leader, exemplar.Input{UnitID: school.ID, SubjectKind: exemplar.Individual,
			Person:   exemplar.Person{Ho: "Nguyễn", Dem: "Thị", Ten: fmt.Sprintf("Giáo viên %03d", i), Gender: exemplar.Female, BirthYear: 1985, Position: "Giáo viên"},
			Category: exemplar.Outstanding, Title: fmt.Sprintf("Giáo viên dạy giỏi số %03d", i), Summary: "Ba năm liền đạt giáo viên dạy giỏi cấp thành phố.",
			Criteria: []exemplar.CriterionEntry{{Key: "achievement", Checked: true, Evidence: "Quyết định công nhận giáo viên dạy giỏi cấp thành phố."}}})
		if err != nil {
			t.Fatalf("dossier %d: %v", i, err)
		}
		if i < rushDossiers {
			w.dossiers, w.tokens = append(w.dossiers, d.ID), append(w.tokens, token)
		} else {
			w.pairs, w.pairTok = append(w.pairs, d.ID), append(w.pairTok, token)
		}
	}
	officer, _ := scopeOf(office.ID, access.Officer)
	members := []selection.Member{{Name: "Chủ tịch"}, {Name: "Phó Chủ tịch"}, {Name: "Thư ký"}, {Name: "Ủy viên 1"}, {Name: "Ủy viên 2"}}
	now := time.Now()
	r, err := sel.OpenRound(ctx, officer, selection.RoundInput{UnitID: office.ID, Name: "Quý IV/2026", SubmitFrom: now.Add(-30 * 24 * time.Hour),
		SubmitUntil: now.Add(rushDeadlineIn), ReviewUntil: now.Add(30 * 24 * time.Hour), Council: selection.Council{Members: members}})
	if err != nil {
		t.Fatal(err)
	}
	w.round = r
	if db.Dialect == database.Postgres {
		db.W.ExecContext(ctx, "ANALYZE")
	}
	t.Logf("seeded %d schools, %d leaders with API tokens, %d complete dossiers and a round closing at %s in %v",
		rushSchools, rushSchools, rushDossiers+rushPairs, r.SubmitUntil.Format(time.RFC3339), time.Since(start).Round(time.Millisecond))
	return w
}

func deadlineRush(t *testing.T, db *database.DB, dataDir string) {
	w := seedRush(t, db)
	base := runServer(t, "--addr", "127.0.0.1:0", "--data", dataDir)
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConns: 2 * rushClients, MaxIdleConnsPerHost: 2 * rushClients}}
	// Before the server stops (cleanups run last first): a connection
	// dialled but never used would hold its shutdown for 5 seconds.
	t.Cleanup(client.CloseIdleConnections)
	submit := func(ctx context.Context, token string, dossier int64) (int, []byte, error) {
		body, _ := json.Marshal(map[string]any{"dossier_id": dossier, "round_id": w.round.ID, "action": "submit"})
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/nominations", bytes.NewReader(body))
		if err != nil {
			return 0, nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return res.StatusCode, b, err
	}
	ctx := context.Background()
	if left := time.Until(w.round.SubmitUntil); left <= 0 || left > time.Minute {
		t.Fatalf("the rush starts %v before the deadline, want less than a minute", left)
	}
	left := time.Until(w.round.SubmitUntil)

	// 200 leaders press "Gửi đề nghị" at once.
	res := loadtest.Run(ctx, loadtest.Options{Clients: rushClients, Requests: rushDossiers}, func(ctx context.Context, _, seq int) (int, error) {
		st, body, err := submit(ctx, w.tokens[seq], w.dossiers[seq])
		if err == nil && st != http.StatusCreated {
			err = fmt.Errorf("dossier %d: %d %s", w.dossiers[seq], st, body)
		}
		return st, err
	})
	t.Logf("%s: %d concurrent submissions %v before the deadline: %s", db.Dialect, rushDossiers, left.Round(time.Second), res)
	if res.Count5xx() > 0 || res.Errors > 0 || res.Status[http.StatusCreated] != rushDossiers {
		t.Errorf("the rush: %d server errors, %d failed requests (first: %q), statuses %v; want %d × 201",
			res.Count5xx(), res.Errors, res.FirstErrs, res.Status, rushDossiers)
	}

	// What the database holds.
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.R.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	placeholders := database.Placeholders(2, len(w.dossiers))
	ids := []any{w.round.ID}
	for _, d := range w.dossiers {
		ids = append(ids, d)
	}
	if n := count("SELECT COUNT(*) FROM nominations WHERE round_id = $1 AND dossier_id IN ("+placeholders+")", ids...); n != rushDossiers {
		t.Errorf("nominations of the rush's dossiers = %d, want %d (none lost, none duplicated)", n, rushDossiers)
	}
	if n := count("SELECT COUNT(*) FROM (SELECT dossier_id FROM nominations GROUP BY round_id, dossier_id HAVING COUNT(*) > 1) x"); n != 0 {
		t.Errorf("%d dossiers have more than one nomination in a round", n)
	}
	if n := count("SELECT COUNT(*) FROM nominations WHERE round_id = $1 AND state <> $2", w.round.ID, string(selection.Submitted)); n != 0 {
		t.Errorf("%d nominations are not in state submitted", n)
	}
	if n := count("SELECT COUNT(*) FROM nominations WHERE round_id = $1 AND late", w.round.ID); n != 0 {
		t.Errorf("%d nominations were marked late, the rush ended after the deadline", n)
	}
	if n := count("SELECT COUNT(*) FROM dossier_versions WHERE dossier_id IN ("+database.Placeholders(1, len(w.dossiers))+")", ids[1:]...); n != rushDossiers {
		t.Errorf("frozen versions of the rush's dossiers = %d, want one each (%d)", n, rushDossiers)
	}
	if n := count("SELECT COUNT(*) FROM nomination_events e JOIN nominations n ON n.id = e.nomination_id WHERE n.round_id = $1 AND e.action = $2",
		w.round.ID, string(selection.Submit)); n != rushDossiers {
		t.Errorf("submission events = %d, want %d", n, rushDossiers)
	}

	// Again, one by one: refused, nothing added.
	st, body, err := submit(ctx, w.tokens[0], w.dossiers[0])
	if err != nil || st != http.StatusConflict {
		t.Errorf("submitting dossier %d a second time: %d %s %v, want 409", w.dossiers[0], st, body, err)
	}

	// Twenty dossiers, each submitted twice at the same moment: one wins,
	// the other is told 409.
	pairs := loadtest.Run(ctx, loadtest.Options{Clients: 2 * rushPairs, Requests: 2 * rushPairs}, func(ctx context.Context, _, seq int) (int, error) {
		st, body, err := submit(ctx, w.pairTok[seq/2], w.pairs[seq/2])
		if err == nil && st != http.StatusCreated && st != http.StatusConflict {
			err = fmt.Errorf("dossier %d: %d %s", w.pairs[seq/2], st, body)
		}
		return st, err
	})
	t.Logf("%s: %d pairs of simultaneous submissions of the same dossier: %s", db.Dialect, rushPairs, pairs)
	if pairs.Count5xx() > 0 || pairs.Errors > 0 || pairs.Status[http.StatusCreated] != rushPairs || pairs.Status[http.StatusConflict] != rushPairs {
		t.Errorf("the pairs: statuses %v (first errors %q), want %d × 201 and %d × 409", pairs.Status, pairs.FirstErrs, rushPairs, rushPairs)
	}
	if n := count("SELECT COUNT(*) FROM nominations WHERE round_id = $1", w.round.ID); n != rushDossiers+rushPairs {
		t.Errorf("nominations in the round = %d, want %d", n, rushDossiers+rushPairs)
	}
	if n, broken, err := audit.Verify(ctx, db); err != nil || broken != nil {
		t.Errorf("audit chain after the rush (%d entries): broken at %+v, %v", n, broken, err)
	}
}
