package plan_test

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/jobs"
	"thidua/internal/movement"
	"thidua/internal/notify"
	"thidua/internal/plan"
	"thidua/internal/unit"
)

// world is a department with an office over three schools, a second office
// with one school, and the people who act in the tests.
type world struct {
	t        *testing.T
	db       *database.DB
	s        *plan.Store
	clock    time.Time
	dept     unit.Unit
	office   unit.Unit
	a, b, c  unit.Unit // the office's schools
	other    unit.Unit // the second office
	d        unit.Unit // its school
	officer  access.Scope
	deptLead access.Scope
	staff    access.Scope // staff at the office
	leaderA  access.Scope
	leaderC  int64 // the user id of C's leader
	officerD access.Scope
}

func date(y int, m time.Month, d int) *time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &t
}

func newWorld(t *testing.T, db *database.DB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{t: t, db: db, clock: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
	w.s = &plan.Store{DB: db, Notify: &notify.Store{DB: db, Jobs: &jobs.Queue{DB: db}, BaseURL: "https://thidua.example"},
		Now: func() time.Time { return w.clock }}
	us := &unit.Store{DB: db}
	mk := func(parent *unit.Unit, kind unit.Kind, code, name string, levels ...string) unit.Unit {
		in := unit.Input{Kind: kind, Code: code, Name: name, Levels: levels, ValidFrom: date(2020, 1, 1)}
		if parent != nil {
			in.ParentID = parent.ID
		}
		u, err := us.Create(ctx, access.System(), in)
		if err != nil {
			t.Fatalf("unit %s: %v", code, err)
		}
		return u
	}
	w.dept = mk(nil, unit.Department, "SGD", "Sở Giáo dục và Đào tạo")
	w.office = mk(&w.dept, unit.Office, "PGD", "Phòng Giáo dục và Đào tạo thành phố Thuận An")
	w.a = mk(&w.office, unit.School, "TH-A", "Trường Tiểu học An Phú", "TH")
	w.b = mk(&w.office, unit.School, "TH-B", "Trường Tiểu học Bình Hòa", "TH")
	w.c = mk(&w.office, unit.School, "TH-C", "Trường Tiểu học Châu Văn Liêm", "TH")
	w.other = mk(&w.dept, unit.Office, "PGD2", "Phòng Giáo dục và Đào tạo khác")
	w.d = mk(&w.other, unit.School, "TH-D", "Trường Tiểu học Dĩ An", "TH")
	w.officer = w.person("pgd.thidua", w.office, access.Officer)
	w.deptLead = w.person("so.lanhdao", w.dept, access.Leader)
	w.staff = w.person("pgd.chuyenvien", w.office, access.Staff)
	w.leaderA = w.person("a.hieutruong", w.a, access.Leader)
	w.leaderC = w.person("c.hieutruong", w.c, access.Leader).UserID
	w.officerD = w.person("d.thuky", w.d, access.Officer)
	return w
}

// person creates an account holding role at u and returns its scope.
func (w *world) person(username string, u unit.Unit, role access.Role) access.Scope {
	w.t.Helper()
	ctx := context.Background()
	as := &account.Store{DB: w.db}
	var usr account.User
	err := w.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		usr, err = as.CreateTx(ctx, tx, access.System(), account.Profile{Username: username, Ten: "Thử", UnitID: u.ID, Email: username + "@example.vn"},
			dbtest.SeedPasswordHash, "", false)
		if err != nil {
			return err
		}
		_, err = as.GrantTx(ctx, tx, access.System(), usr.ID, u.ID, role)
		return err
	})
	if err != nil {
		w.t.Fatalf("account %s: %v", username, err)
	}
	grants, err := account.Grants(ctx, w.db.R, usr.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return access.Scope{UserID: usr.ID, Username: username, UnitID: u.ID, Grants: grants}
}

// full is a complete plan of unit u, ready to issue.
func full(u unit.Unit, number int, symbol string, on *time.Time) plan.Input {
	return plan.Input{UnitID: u.ID, Number: number, Symbol: symbol, Date: on, Place: "Thuận An", IssuerParent: "UBND thành phố Thuận An",
		IssuerName: "Phòng Giáo dục và Đào tạo", Title: "Tuyên truyền các phong trào thi đua yêu nước năm học 2026-2027", Period: "năm học 2026-2027",
		Sections:   plan.Sections{Purpose: "1. Tuyên truyền sâu rộng.", Content: "- Quán triệt tư tưởng thi đua yêu nước.", Organization: "- Các trường xây dựng kế hoạch."},
		Recipients: []string{"- Các trường TH;", "Lưu: VT."}, Signer: plan.Signer{Form: plan.SignKT, Authority: "Trưởng phòng", Title: "Phó Trưởng phòng", Name: "Võ Anh Tuấn"}}
}

func (w *world) mustCreate(sc access.Scope, in plan.Input) plan.Plan {
	w.t.Helper()
	p, err := w.s.Create(context.Background(), sc, in)
	if err != nil {
		w.t.Fatalf("create %q: %v %v", in.Title, err, errs.FieldsOf(err))
	}
	return p
}

func (w *world) mustIssue(sc access.Scope, p plan.Plan) plan.Plan {
	w.t.Helper()
	out, err := w.s.Issue(context.Background(), sc, p.ID, p.Version)
	if err != nil {
		w.t.Fatalf("issue %q: %v %v", p.Title, err, errs.FieldsOf(err))
	}
	return out
}

func TestDraftIssueFreeze(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newWorld(t, db)

		// Bad input: Vietnamese messages at the fields.
		_, err := w.s.Create(ctx, w.officer, plan.Input{UnitID: w.office.ID, Symbol: "KH PGD/ĐT", Number: -1, Require: plan.RequireCustom,
			Signer: plan.Signer{Form: "XY"}})
		f := errs.FieldsOf(err)
		for _, k := range []string{"title", "symbol", "number", "require_by", "require_units", "signer.form"} {
			if f[k] == "" {
				t.Errorf("no message at %s: %v", k, f)
			}
		}
		// Only officers and leaders draft.
		if _, err := w.s.Create(ctx, w.staff, full(w.office, 0, "", nil)); !errs.Is(err, errs.Forbidden) {
			t.Errorf("staff drafts a plan: %v", err)
		}
		if _, err := w.s.Create(ctx, w.officerD, full(w.office, 0, "", nil)); errs.FieldsOf(err)["unit_id"] == "" {
			t.Errorf("another office's school drafts for this office: %v", err)
		}

		draft := w.mustCreate(w.officer, plan.Input{UnitID: w.office.ID, Title: "  Kế hoạch   tuyên truyền ", Symbol: "kh-pgdđt",
			Recipients: []string{"- Các trường;\n  Lưu: VT."}, Sections: plan.Sections{Purpose: "Dòng một\r\n\r\n\r\n- Ý hai  "}})
		if draft.Title != "Kế hoạch tuyên truyền" || draft.Symbol != "KH-PGDĐT" || !slices.Equal(draft.Recipients, []string{"Các trường;", "Lưu: VT."}) ||
			draft.Sections.Purpose != "Dòng một\n\n- Ý hai" || draft.Status != plan.Draft || draft.LineageID != draft.ID {
			t.Fatalf("draft = %+v", draft)
		}

		// Who reads a draft: the unit and above; not the schools below, not another office.
		for _, c := range []struct {
			name string
			sc   access.Scope
			ok   bool
		}{{"office staff", w.staff, true}, {"department leader", w.deptLead, true}, {"school below", w.leaderA, false}, {"other school", w.officerD, false}} {
			if _, err := w.s.Get(ctx, c.sc, draft.ID); (err == nil) != c.ok {
				t.Errorf("%s reads the draft: %v, want %v", c.name, err, c.ok)
			}
		}
		// Writers only edit; a school below never edits the office's plan.
		in := draft.Input()
		in.Title = "Kế hoạch tuyên truyền các phong trào thi đua"
		if _, err := w.s.Update(ctx, w.staff, draft.ID, draft.Version, in); !errs.Is(err, errs.Forbidden) {
			t.Errorf("staff edits: %v", err)
		}
		if _, err := w.s.Update(ctx, w.leaderA, draft.ID, draft.Version, in); !errs.Is(err, errs.NotFound) {
			t.Errorf("a school edits the office's draft: %v", err)
		}
		// Stale edits change nothing.
		if _, err := w.s.Update(ctx, w.officer, draft.ID, draft.Version+1, in); !errs.Is(err, errs.Conflict) {
			t.Errorf("stale edit: %v", err)
		}
		if p, _ := w.s.Get(ctx, w.officer, draft.ID); p.Title != draft.Title || p.Version != draft.Version {
			t.Errorf("the stale edit changed the plan: %+v", p)
		}

		// Issuing needs a complete plan.
		_, err = w.s.Issue(ctx, w.officer, draft.ID, draft.Version)
		f = errs.FieldsOf(err)
		for _, k := range []string{"number", "date", "place", "issuer_name", "sections.content", "sections.organization", "signer.name", "signer.title"} {
			if f[k] == "" {
				t.Errorf("issue of an incomplete plan: no message at %s (%v)", k, f)
			}
		}
		in = full(w.office, 15, "KH-PGDĐT", date(2026, 11, 21)) // tomorrow
		draft, err = w.s.Update(ctx, w.officer, draft.ID, draft.Version, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Issue(ctx, w.officer, draft.ID, draft.Version); errs.FieldsOf(err)["date"] == "" {
			t.Errorf("a plan dated tomorrow is issued: %v", err)
		}
		in.Date = date(2026, 11, 18)
		draft, _ = w.s.Update(ctx, w.officer, draft.ID, draft.Version, in)
		if _, err := w.s.Issue(ctx, w.officer, draft.ID, draft.Version-1); !errs.Is(err, errs.Conflict) {
			t.Errorf("stale issue: %v", err)
		}
		issued := w.mustIssue(w.officer, draft)
		if issued.Status != plan.Issued || issued.NumberSymbol() != "15/KH-PGDĐT" || issued.IssuedAt == nil ||
			issued.DateLine() != "Thuận An, ngày 18 tháng 11 năm 2026" {
			t.Fatalf("issued = %+v", issued)
		}
		// Schools below read it now; another office's school does not.
		if _, err := w.s.Get(ctx, w.leaderA, issued.ID); err != nil {
			t.Errorf("a school reads the office's issued plan: %v", err)
		}
		if _, err := w.s.Get(ctx, w.officerD, issued.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("another office's school reads it: %v", err)
		}

		// Frozen: the store refuses, and so does the database.
		if _, err := w.s.Update(ctx, w.officer, issued.ID, issued.Version, issued.Input()); !errs.Is(err, errs.Conflict) {
			t.Errorf("edit of an issued plan: %v", err)
		}
		if err := w.s.Delete(ctx, w.officer, issued.ID, issued.Version); !errs.Is(err, errs.Conflict) {
			t.Errorf("delete of an issued plan: %v", err)
		}
		if _, err := db.W.ExecContext(ctx, "UPDATE plans SET title = 'Sửa lén' WHERE id = $1", issued.ID); err == nil {
			t.Error("the database let an issued plan's title change")
		}
		if _, err := db.W.ExecContext(ctx, "DELETE FROM plans WHERE id = $1", issued.ID); err == nil {
			t.Error("the database let an issued plan be deleted")
		}
		if _, err := db.W.ExecContext(ctx, "INSERT INTO plan_requirements (plan_id, unit_id) VALUES ($1, $2)", issued.ID, w.a.ID); err == nil {
			t.Error("the database let a requirement be added to an issued plan")
		}

		// The number is unique per unit and year.
		dup := w.mustCreate(w.officer, full(w.office, 15, "KH-PGDĐT", date(2026, 11, 19)))
		if _, err := w.s.Issue(ctx, w.officer, dup.ID, dup.Version); errs.FieldsOf(err)["number"] == "" {
			t.Errorf("a second 15/KH-PGDĐT in 2026: %v", err)
		}
		in = dup.Input()
		in.Date = date(2025, 12, 1)
		dup, _ = w.s.Update(ctx, w.officer, dup.ID, dup.Version, in)
		w.mustIssue(w.officer, dup) // 15/KH-PGDĐT of 2025 is another document
		if n, _ := w.s.NextNumber(ctx, w.office.ID, 2026); n != 16 {
			t.Errorf("NextNumber(2026) = %d, want 16", n)
		}

		// Drafts may be deleted.
		gone := w.mustCreate(w.officer, plan.Input{UnitID: w.office.ID, Title: "Nháp bỏ"})
		if err := w.s.Delete(ctx, w.officer, gone.ID, gone.Version+1); !errs.Is(err, errs.Conflict) {
			t.Errorf("stale delete: %v", err)
		}
		if err := w.s.Delete(ctx, w.officer, gone.ID, gone.Version); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Get(ctx, w.officer, gone.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("deleted draft still there: %v", err)
		}

		// Listing: scoped, filtered.
		list := func(sc access.Scope, f plan.Filter) []int64 {
			ps, total, err := w.s.List(ctx, sc, f)
			if err != nil || total != len(ps) {
				t.Fatalf("List: %v (%d/%d)", err, len(ps), total)
			}
			var ids []int64
			for _, p := range ps {
				ids = append(ids, p.ID)
			}
			return ids
		}
		if got := list(w.officer, plan.Filter{}); !slices.Equal(got, []int64{issued.ID, dup.ID}) {
			t.Errorf("office list = %v", got)
		}
		if got := list(w.leaderA, plan.Filter{}); !slices.Equal(got, []int64{issued.ID, dup.ID}) {
			t.Errorf("school A's list = %v, want the two issued plans %d, %d", got, issued.ID, dup.ID)
		}
		if got := list(w.officerD, plan.Filter{}); len(got) != 0 {
			t.Errorf("school D's list = %v, want none", got)
		}
		if got := list(w.officer, plan.Filter{Year: 2025}); !slices.Equal(got, []int64{dup.ID}) {
			t.Errorf("2025 = %v", got)
		}
		if got := list(w.officer, plan.Filter{Query: "15/kh-pgddt nam hoc"}); len(got) != 2 {
			t.Errorf("search = %v", got)
		}
		if got := list(w.officer, plan.Filter{Status: plan.Draft}); len(got) != 0 {
			t.Errorf("drafts = %v", got)
		}

		// Every change is audited.
		var n int
		db.R.QueryRow("SELECT COUNT(*) FROM audit_log WHERE object_type = 'plan'").Scan(&n)
		// 3 drafts created, 3 edits, 2 issued, 1 deleted; the refused
		// and stale attempts left nothing.
		if n != 3+3+2+1 {
			t.Errorf("%d audit entries for plans, want 9", n)
		}
	})
}

func TestComplianceAndReminders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		deadline := date(2026, 11, 15)
		in := full(w.office, 20, "KH-PGDĐT", date(2026, 11, 2))
		in.Require, in.RequireBy = plan.RequireChildren, deadline
		parent := w.mustIssue(w.officer, w.mustCreate(w.officer, in))
		if len(parent.Required) != 3 {
			t.Fatalf("required = %+v", parent.Required)
		}

		// A issues on time, B late (its officer is the office's, from above), C has a draft.
		child := func(sc access.Scope, u unit.Unit, n int, on *time.Time, issue bool) plan.Plan {
			sug, err := w.s.Suggest(ctx, sc, u.ID, parent.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			sug.Number, sug.Date, sug.Signer = n, on, plan.Signer{Title: "Hiệu trưởng", Name: "Nguyễn Văn A"}
			p := w.mustCreate(sc, sug)
			if issue {
				p = w.mustIssue(sc, p)
			}
			return p
		}
		pa := child(w.leaderA, w.a, 3, date(2026, 11, 10), true)
		pb := child(w.officer, w.b, 4, date(2026, 11, 18), true)
		child(w.officer, w.c, 5, nil, false)
		if pa.BasedOn == nil || pa.BasedOn.ID != parent.ID || !strings.HasPrefix(pa.Sections.Intro, "Thực hiện Kế hoạch số 20/KH-PGDĐT ngày 02/11/2026 của Phòng Giáo dục") {
			t.Errorf("child plan = %+v", pa)
		}

		// Only the issuing unit's people see the table.
		if _, err := w.s.Compliance(ctx, w.leaderA, parent.ID, plan.ComplianceFilter{}); !errs.Is(err, errs.NotFound) {
			t.Errorf("a school reads the compliance table: %v", err)
		}
		for _, sc := range []access.Scope{w.officer, w.staff, w.deptLead} {
			if _, err := w.s.Compliance(ctx, sc, parent.ID, plan.ComplianceFilter{}); err != nil {
				t.Errorf("%s: %v", sc.Username, err)
			}
		}
		table, err := w.s.Compliance(ctx, w.staff, parent.ID, plan.ComplianceFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if table.Total != 3 || table.Counts[plan.OnTime] != 1 || table.Counts[plan.Late] != 1 || table.Counts[plan.Missing] != 1 || !table.Overdue {
			t.Fatalf("table = %+v", table)
		}
		byUnit := map[int64]plan.Row{}
		for _, r := range table.Rows {
			byUnit[r.Unit.ID] = r
		}
		if r := byUnit[w.a.ID]; r.State != plan.OnTime || r.Plan == nil || r.Plan.ID != pa.ID {
			t.Errorf("A: %+v", r)
		}
		if r := byUnit[w.b.ID]; r.State != plan.Late || r.DaysLate != 3 || r.Plan.ID != pb.ID {
			t.Errorf("B: %+v", r)
		}
		if r := byUnit[w.c.ID]; r.State != plan.Missing || r.Drafts != 1 || r.DaysLate != 5 || r.Plan != nil {
			t.Errorf("C: %+v", r)
		}
		// Rows come in Vietnamese order of names: An Phú, Bình Hòa, Châu Văn Liêm.
		if table.Rows[0].Unit.ID != w.a.ID || table.Rows[2].Unit.ID != w.c.ID {
			t.Errorf("order: %+v", table.Rows)
		}
		// Filters.
		for _, c := range []struct {
			f    plan.ComplianceFilter
			want []int64
		}{
			{plan.ComplianceFilter{State: plan.Missing}, []int64{w.c.ID}},
			{plan.ComplianceFilter{State: plan.Late}, []int64{w.b.ID}},
			{plan.ComplianceFilter{Query: "binh hoa"}, []int64{w.b.ID}},
			{plan.ComplianceFilter{Query: "Châu"}, []int64{w.c.ID}},
			{plan.ComplianceFilter{Limit: 1, Offset: 1}, []int64{w.b.ID}},
		} {
			got, err := w.s.Compliance(ctx, w.officer, parent.ID, c.f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, r := range got.Rows {
				ids = append(ids, r.Unit.ID)
			}
			if !slices.Equal(ids, c.want) || got.Total != 3 {
				t.Errorf("filter %+v: %v (total %d), want %v", c.f, ids, got.Total, c.want)
			}
		}

		// The home page's to-dos: C's leader has a plan to issue; A's has none.
		todo, err := w.s.ToIssue(ctx, access.Scope{UserID: w.leaderC, Grants: []access.Grant{{UnitID: w.c.ID, Path: w.c.Path, Role: access.Leader}}}, 10)
		if err != nil || len(todo) != 1 || todo[0].Plan.ID != parent.ID || todo[0].UnitID != w.c.ID || todo[0].DraftID == 0 || !todo[0].Deadline.Equal(*deadline) {
			t.Errorf("C's to-dos = %+v, %v", todo, err)
		}
		if todo, _ := w.s.ToIssue(ctx, w.leaderA, 10); len(todo) != 0 {
			t.Errorf("A's to-dos = %+v", todo)
		}
		// The office's own officer has no plan to issue (the office is not required).
		if todo, _ := w.s.ToIssue(ctx, w.officer, 10); len(todo) != 0 {
			t.Errorf("the office's to-dos = %+v", todo)
		}

		// Reminders: writers of the issuing unit; the missing unit's leaders,
		// once a day.
		if _, err := w.s.Remind(ctx, w.staff, parent.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("staff reminds: %v", err)
		}
		if _, err := w.s.Remind(ctx, w.leaderA, parent.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("a school reminds: %v", err)
		}
		rep, err := w.s.Remind(ctx, w.officer, parent.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Units != 1 || rep.Notified != 1 || rep.Already != 0 || len(rep.NoLeader) != 0 {
			t.Errorf("first reminder: %+v", rep)
		}
		var notes, mails int
		db.R.QueryRow("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND dedupe_key LIKE 'plan-%'", w.leaderC).Scan(&notes)
		// The mail waits for the leader's daily digest.
		db.R.QueryRow("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND mail AND mailed_at IS NULL", w.leaderC).Scan(&mails)
		if notes != 1 || mails != 1 {
			t.Errorf("notifications %d, waiting for the digest %d; want 1, 1", notes, mails)
		}
		rep, err = w.s.Remind(ctx, w.officer, parent.ID)
		if err != nil || rep.Notified != 0 || rep.Already != 1 {
			t.Errorf("second reminder the same day: %+v %v", rep, err)
		}
		w.clock = w.clock.AddDate(0, 0, 1)
		if rep, _ = w.s.Remind(ctx, w.officer, parent.ID); rep.Notified != 1 {
			t.Errorf("reminder the next day: %+v", rep)
		}
		table, _ = w.s.Compliance(ctx, w.officer, parent.ID, plan.ComplianceFilter{State: plan.Missing})
		if r := table.Rows[0]; r.Reminders != 2 || r.RemindedAt == nil {
			t.Errorf("reminders recorded: %+v", r)
		}
		var audits int
		db.R.QueryRow("SELECT COUNT(*) FROM audit_log WHERE object_type = 'plan' AND action = 'remind'").Scan(&audits)
		if audits != 3 {
			t.Errorf("%d remind audit entries, want 3", audits)
		}
		// A unit without a leader account is reported as such.
		var cLeaderRole int64
		db.R.QueryRow("SELECT id FROM roles WHERE user_id = $1", w.leaderC).Scan(&cLeaderRole)
		db.W.Exec("DELETE FROM roles WHERE id = $1", cLeaderRole)
		w.clock = w.clock.AddDate(0, 0, 1)
		if rep, _ = w.s.Remind(ctx, w.officer, parent.ID); len(rep.NoLeader) != 1 || rep.NoLeader[0] != w.c.Name {
			t.Errorf("reminder to a unit without leaders: %+v", rep)
		}

		// Replacing the plan: a new number, the old one frozen and marked;
		// the schools' plans based on the old one still count.
		sug, err := w.s.Suggest(ctx, w.officer, w.office.ID, 0, parent.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sug.AmendsID != parent.ID || sug.Number != 21 || sug.Date != nil || sug.Require != plan.RequireChildren {
			t.Errorf("replacement suggestion = %+v", sug)
		}
		sug.Date, sug.RequireBy = date(2026, 11, 21), date(2026, 12, 15)
		w.clock = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
		repl := w.mustIssue(w.officer, w.mustCreate(w.officer, sug))
		old, _ := w.s.Get(ctx, w.officer, parent.ID)
		if old.SupersededBy == nil || old.SupersededBy.ID != repl.ID || repl.Amends == nil || repl.Amends.ID != parent.ID || repl.LineageID != parent.LineageID {
			t.Fatalf("replacement: old %+v, new %+v", old.SupersededBy, repl.Amends)
		}
		table, _ = w.s.Compliance(ctx, w.officer, repl.ID, plan.ComplianceFilter{})
		if table.Counts[plan.OnTime] != 2 || table.Counts[plan.Missing] != 1 || table.Overdue {
			t.Errorf("replacement's table = %+v", table.Counts)
		}
		if _, err := w.s.Remind(ctx, w.officer, parent.ID); err == nil {
			t.Error("reminders sent for a replaced plan")
		}
		if _, err := w.s.Suggest(ctx, w.officer, w.office.ID, 0, repl.ID); err != nil {
			t.Errorf("replacing the replacement: %v", err)
		}
		if _, err := w.s.Suggest(ctx, w.officer, w.office.ID, 0, parent.ID); errs.FieldsOf(err)["amends_id"] == "" {
			t.Errorf("replacing a replaced plan: %v", err)
		}
		// A school may base its plan on the replacement too.
		if _, err := w.s.Suggest(ctx, w.leaderA, w.a.ID, repl.ID, 0); err != nil {
			t.Errorf("basing on the replacement: %v", err)
		}
	})
}

func TestMovementsLinks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		ms := &movement.Store{DB: db}
		m, err := ms.Create(ctx, w.deptLead, movement.Input{UnitID: w.dept.ID, Name: "Đổi mới, sáng tạo trong dạy và học", Authority: movement.BoGDDT,
			Kind: movement.Regular, StartsOn: *date(2021, 1, 1)})
		if err != nil {
			t.Fatal(err)
		}
		in := full(w.office, 1, "KH-PGDĐT", date(2026, 1, 5))
		in.MovementIDs = []int64{m.ID, m.ID, 9999}
		if _, err := w.s.Create(ctx, w.officer, in); errs.FieldsOf(err)["movement_ids"] == "" {
			t.Errorf("unknown movement: %v", err)
		}
		in.MovementIDs = []int64{m.ID, m.ID}
		p := w.mustCreate(w.officer, in)
		if len(p.Movements) != 1 || p.Movements[0].Name != m.Name {
			t.Errorf("movements = %+v", p.Movements)
		}
		ps, total, err := w.s.List(ctx, w.deptLead, plan.Filter{MovementID: m.ID})
		if err != nil || total != 1 || ps[0].ID != p.ID {
			t.Errorf("plans of the movement = %+v %d %v", ps, total, err)
		}
		// Basing a plan on a draft, on a plan below, or on another branch's plan is refused.
		for name, c := range map[string]struct {
			sc   access.Scope
			unit unit.Unit
			on   int64
		}{
			"draft":          {w.leaderA, w.a, p.ID},
			"own unit":       {w.officer, w.office, p.ID},
			"other branch":   {w.officerD, w.d, p.ID},
			"unknown parent": {w.officer, w.office, 99999},
		} {
			_, err := w.s.Create(ctx, c.sc, plan.Input{UnitID: c.unit.ID, Title: "Thử", BasedOnID: c.on})
			if errs.FieldsOf(err)["based_on_id"] == "" {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
}

// TestRemindSkipsClosedUnits: a required unit that has ended since (a unit
// of an old tree) is shown as closed and never reminded.
func TestRemindSkipsClosedUnits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		in := full(w.office, 30, "KH-PGDĐT", date(2026, 11, 2))
		in.Require, in.RequireBy = plan.RequireChildren, date(2026, 11, 15)
		p := w.mustIssue(w.officer, w.mustCreate(w.officer, in))
		if _, err := db.W.ExecContext(ctx, "UPDATE units SET valid_to = $1 WHERE id IN ($2, $3)", *date(2026, 11, 16), w.a.ID, w.b.ID); err != nil {
			t.Fatal(err)
		}
		c, err := w.s.Compliance(ctx, w.officer, p.ID, plan.ComplianceFilter{})
		if err != nil {
			t.Fatal(err)
		}
		closed := 0
		for _, r := range c.Rows {
			if r.Closed {
				closed++
			}
		}
		if closed != 2 || c.Open != 1 || c.Counts[plan.Missing] != 3 {
			t.Errorf("closed %d, open %d, counts %v", closed, c.Open, c.Counts)
		}
		rep, err := w.s.Remind(ctx, w.officer, p.ID)
		if err != nil || rep.Units != 1 || rep.Closed != 2 || rep.Notified != 1 {
			t.Errorf("reminder = %+v, %v", rep, err)
		}
		db.W.ExecContext(ctx, "UPDATE units SET valid_to = $1 WHERE id = $2", *date(2026, 11, 16), w.c.ID)
		if _, err := w.s.Remind(ctx, w.officer, p.ID); !errs.Is(err, errs.Invalid) {
			t.Errorf("reminder with every missing unit closed: %v", err)
		}
	})
}
