package activity

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/jobs"
	"thidua/internal/notify"
)

// exportRows opens an export with excelize and returns its data rows
// (below the header on row 4) and the sheet's title rows.
func exportRows(t *testing.T, data []byte) (head []string, rows [][]string, x *excelize.File) {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("excelize cannot open the export: %v", err)
	}
	sheets := x.GetSheetList()
	if len(sheets) != 1 || sheets[0] != "Hoạt động tuyên truyền" {
		t.Fatalf("sheets = %q", sheets)
	}
	all, err := x.GetRows(sheets[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 4 {
		t.Fatalf("only %d rows", len(all))
	}
	for _, r := range all[:3] {
		if len(r) > 0 {
			head = append(head, r[0])
		}
	}
	if all[3][0] != "STT" || all[3][1] != "Ngày" || all[3][5] != "Tên hoạt động" {
		t.Errorf("header row = %q", all[3])
	}
	return head, all[4:], x
}

func TestExportHoldsExactlyTheFilteredRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		e.s.Notify = &notify.Store{DB: db}
		_, c, _ := e.movements()
		seeded := e.seedList()
		dos := e.dossier(e.staffA, e.a.ID, "Mô hình “Thư viện xanh”")
		a := seeded["Tọa đàm đổi mới phương pháp"]
		in := a.Input()
		in.CampaignIDs, in.DossierIDs = []int64{c}, []int64{dos.ID}
		in.StartTime, in.EndTime = "07:30", "09:00"
		in.Links = []string{"https://example.edu.vn/a", "https://example.edu.vn/b"}
		if _, err := e.s.Update(ctx, e.staffA, a.ID, a.Version, in); err != nil {
			t.Fatal(err)
		}

		// The ward officer exports one school year's seminars of the ward.
		f := Filter{UnitID: e.w1.ID, SchoolYear: 2025, Form: Seminar}
		want, err := e.s.List(ctx, e.officer1, f)
		if err != nil || len(want.Items) != 2 {
			t.Fatalf("list: %d items, %v", len(want.Items), err)
		}
		ex, err := e.s.StartExport(ctx, e.officer1, f)
		if err != nil {
			t.Fatal(err)
		}
		if ex.Status != ExportQueued || ex.Total != 2 || !strings.Contains(ex.Title, "Phường Một") || !strings.Contains(ex.Title, "năm học 2025-2026") || !strings.Contains(ex.Title, "Tọa đàm") {
			t.Errorf("export = %+v", ex)
		}
		// Not ready yet; and never anyone else's.
		if _, _, err := e.s.ExportFile(ctx, e.officer1, ex.ID); !errs.Is(err, errs.Conflict) {
			t.Errorf("file before the job ran: %v", err)
		}
		if _, err := e.s.Export(ctx, e.officer2, ex.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("another user reads the export: %v", err)
		}
		if _, err := e.s.Export(ctx, e.leaderA, ex.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("a leader below reads the export: %v", err)
		}

		// The job runs through a real runner and reports progress.
		r := jobs.NewRunner(db)
		e.s.RegisterJobs(r)
		if ran, err := r.RunOnce(ctx); !ran || err != nil {
			t.Fatalf("runner: ran %v, %v", ran, err)
		}
		var status string
		var progress int
		if err := db.R.QueryRowContext(ctx, "SELECT status, progress FROM jobs WHERE kind = $1", KindExport).Scan(&status, &progress); err != nil || status != "done" || progress != 100 {
			t.Errorf("job %s at %d%%, %v", status, progress, err)
		}
		ex, data, err := e.s.ExportFile(ctx, e.officer1, ex.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ex.Status != ExportDone || ex.Rows != 2 || ex.Progress != 100 || !strings.HasSuffix(ex.FileName, ".xlsx") {
			t.Errorf("finished export = %+v", ex)
		}
		head, rows, x := exportRows(t, data)
		if len(head) != 3 || head[0] != "DANH SÁCH HOẠT ĐỘNG TUYÊN TRUYỀN" || head[1] != ex.Title || !strings.Contains(head[2], "officer.o1") {
			t.Errorf("title rows = %q", head)
		}
		if len(rows) != len(want.Items) {
			t.Fatalf("%d rows in the file, want %d", len(rows), len(want.Items))
		}
		for i, w := range want.Items {
			r := rows[i]
			if r[0] != []string{"1", "2"}[i] || r[1] != w.Date.Format("02/01/2006") || r[4] != w.UnitName || r[5] != w.Title || r[6] != "Tọa đàm" {
				t.Errorf("row %d = %q, want %s %s %s", i+1, r, w.Date.Format("02/01/2006"), w.UnitName, w.Title)
			}
		}
		first := rows[0]
		if first[2] != "07:30 – 09:00" || first[3] != "Đã tổ chức" || !strings.Contains(first[7], "Đổi mới, sáng tạo trong dạy và học") ||
			!strings.Contains(first[7], "20/11") || !strings.Contains(first[8], "Thư viện xanh") || first[9] != "120" || first[10] != "800" ||
			first[13] != "https://example.edu.vn/a\nhttps://example.edu.vn/b" || first[15] != "Không" {
			t.Errorf("first row = %q", first)
		}
		// Dates are dates: a number with a date format, not text.
		raw, err := x.GetCellValue("Hoạt động tuyên truyền", "B5", excelize.Options{RawCellValue: true})
		if err != nil || strings.Contains(raw, "/") {
			t.Errorf("B5 raw value %q (%v): want a serial date number", raw, err)
		}
		if tm, err := excelize.ExcelDateToTime(mustFloat(t, raw), false); err != nil || !tm.Equal(want.Items[0].Date) {
			t.Errorf("B5 = %v, want %v (%v)", tm, want.Items[0].Date, err)
		}
		// The requester was told.
		if n := e.count("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND url = $2", e.officer1.UserID, "/activities/exports/"+itoa(ex.ID)); n != 1 {
			t.Errorf("%d notifications", n)
		}
		// Running it again changes nothing.
		if err := e.s.RunExport(ctx, ex.ID, nil); err != nil {
			t.Error(err)
		}

		// School A's staff exporting the same ward sees only their school.
		ex2, err := e.s.StartExport(ctx, e.staffA, Filter{UnitID: e.w1.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.s.RunExport(ctx, ex2.ID, nil); err != nil {
			t.Fatal(err)
		}
		_, data, err = e.s.ExportFile(ctx, e.staffA, ex2.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, rows, _ = exportRows(t, data)
		var units []string
		for _, r := range rows {
			units = append(units, r[4])
		}
		units = slices.Compact(units)
		if len(rows) != 5 || !slices.Equal(units, []string{e.a.Name}) {
			t.Errorf("staff of A exported %d rows of %q", len(rows), units)
		}
		// Nothing to export is said at once.
		if _, err := e.s.StartExport(ctx, e.staffA, Filter{Form: Press}); errs.FieldsOf(err)["export"] == "" {
			t.Errorf("empty export: %v", err)
		}
	})
}

// TestExportFailsForLockedRequester: a requester locked meanwhile gets no
// file, and the export says why.
func TestExportFailsForLockedRequester(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		e.seedList()
		ex, err := e.s.StartExport(ctx, e.officer1, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.W.ExecContext(ctx, "UPDATE users SET active = $1 WHERE id = $2", false, e.officer1.UserID); err != nil {
			t.Fatal(err)
		}
		r := jobs.NewRunner(db)
		e.s.RegisterJobs(r)
		r.RunOnce(ctx)
		got, err := e.s.Export(ctx, e.officer1, ex.ID)
		if err != nil || got.Status != ExportFailed || !strings.Contains(got.Error, "bị khóa") || got.FileSHA != "" {
			t.Errorf("export = %+v, %v", got, err)
		}
		var status string
		db.R.QueryRowContext(ctx, "SELECT status FROM jobs WHERE kind = $1", KindExport).Scan(&status)
		if status != "failed" {
			t.Errorf("job %s, want failed at once", status)
		}
	})
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return f
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
