package activity

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/files"
	"thidua/internal/jobs"
	"thidua/internal/notify"
	"thidua/internal/viet"
)

// KindExport is the job that writes an XLSX export.
const KindExport = "activity.export"

// MaxExportRows caps one export (a province's five school years fit).
const MaxExportRows = 300_000

// maxExportFile caps the XLSX written, above the upload cap of the file
// store.
const maxExportFile = 512 << 20

// Export states.
const (
	ExportQueued  = "queued"
	ExportRunning = "running"
	ExportDone    = "done"
	ExportFailed  = "failed"
)

// ExportStatusLabel is the Vietnamese name of an export state.
func ExportStatusLabel(s string) string {
	switch s {
	case ExportQueued:
		return "Đang chờ xử lý"
	case ExportRunning:
		return "Đang tạo tệp"
	case ExportDone:
		return "Đã xong"
	case ExportFailed:
		return "Không thành công"
	}
	return s
}

// Export is an XLSX export of a filtered list, for the user who asked.
type Export struct {
	ID         int64
	UserID     int64
	Filter     Filter
	Title      string // the filter in words
	Status     string
	Progress   int // 0–100
	Total      int // rows expected
	Rows       int // rows written
	FileSHA    string
	FileName   string
	Error      string
	CreatedAt  time.Time
	FinishedAt *time.Time
}

const exportColumns = "id, user_id, filter_json, title, status, progress, total, row_count, COALESCE(file_sha256, ''), file_name, error, created_at, finished_at"

func scanExport(r scanner) (Export, error) {
	var e Export
	var filter string
	var fin sql.NullTime
	if err := r.Scan(&e.ID, &e.UserID, &filter, &e.Title, &e.Status, &e.Progress, &e.Total, &e.Rows, &e.FileSHA, &e.FileName, &e.Error, &e.CreatedAt, &fin); err != nil {
		return e, err
	}
	if err := json.Unmarshal([]byte(filter), &e.Filter); err != nil {
		return e, fmt.Errorf("filter of export %d: %w", e.ID, err)
	}
	e.CreatedAt = e.CreatedAt.UTC()
	if fin.Valid {
		t := fin.Time.UTC()
		e.FinishedAt = &t
	}
	return e, nil
}

type exportPayload struct {
	ExportID int64 `json:"export_id"`
}

// StartExport records an export of the activities matching f (cursors and
// limits aside) for the caller and queues the job that writes it. The
// caller's scope is read again when the job runs: an export never holds
// more than its requester may see then.
func (s *Store) StartExport(ctx context.Context, sc access.Scope, f Filter) (Export, error) {
	if sc.UserID == 0 {
		return Export{}, errs.ErrForbidden
	}
	f.Limit, f.After, f.Before, f.Offset = 1, "", "", 0
	f.Query = viet.NFC(f.Query)
	p, err := s.List(ctx, sc, f)
	if err != nil {
		return Export{}, err
	}
	if p.Total == 0 {
		return Export{}, errs.InvalidField("export", "Không có hoạt động nào phù hợp bộ lọc để xuất.")
	}
	if p.Total > MaxExportRows {
		return Export{}, errs.InvalidField("export", fmt.Sprintf("Danh sách có %s hoạt động, vượt quá giới hạn %s dòng của một tệp; hãy lọc hẹp hơn (ví dụ theo năm học).",
			viet.Int(int64(p.Total)), viet.Int(MaxExportRows)))
	}
	title, err := s.Describe(ctx, sc, f)
	if err != nil {
		return Export{}, err
	}
	body, _ := json.Marshal(f)
	var out Export
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO activity_exports (user_id, filter_json, title, status, total, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, sc.UserID, string(body), title, ExportQueued, p.Total, database.Now()).Scan(&id); err != nil {
			return errs.Wrap(err, "activity: insert export")
		}
		if s.Jobs != nil {
			job, err := s.Jobs.EnqueueTx(ctx, tx, KindExport, exportPayload{id}, jobs.MaxAttempts(3))
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE activity_exports SET job_id = $1 WHERE id = $2", job, id); err != nil {
				return errs.Wrap(err, "activity: export job")
			}
		}
		var err error
		out, err = scanExport(tx.QueryRowContext(ctx, "SELECT "+exportColumns+" FROM activity_exports WHERE id = $1", id))
		return err
	})
	return out, err
}

// Export returns one of the caller's exports; anyone else's is NotFound.
func (s *Store) Export(ctx context.Context, sc access.Scope, id int64) (Export, error) {
	e, err := scanExport(s.DB.R.QueryRowContext(ctx, "SELECT "+exportColumns+" FROM activity_exports WHERE id = $1 AND user_id = $2", id, sc.UserID))
	if errors.Is(err, sql.ErrNoRows) || sc.UserID == 0 {
		return Export{}, errs.E(errs.NotFound, "Không tìm thấy tệp xuất này, hoặc tệp do người khác yêu cầu.")
	}
	if err != nil {
		return Export{}, errs.Wrap(err, "activity: export")
	}
	return e, nil
}

// Exports lists the caller's latest exports, newest first.
func (s *Store) Exports(ctx context.Context, sc access.Scope, limit int) ([]Export, error) {
	rows, err := s.DB.R.QueryContext(ctx, "SELECT "+exportColumns+" FROM activity_exports WHERE user_id = $1 ORDER BY id DESC LIMIT $2", sc.UserID, max(limit, 1))
	if err != nil {
		return nil, errs.Wrap(err, "activity: exports")
	}
	defer rows.Close()
	var out []Export
	for rows.Next() {
		e, err := scanExport(rows)
		if err != nil {
			return nil, errs.Wrap(err, "activity: scan export")
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ExportFile returns a finished export of the caller with its bytes.
func (s *Store) ExportFile(ctx context.Context, sc access.Scope, id int64) (Export, []byte, error) {
	e, err := s.Export(ctx, sc, id)
	if err != nil {
		return e, nil, err
	}
	if e.Status != ExportDone || e.FileSHA == "" {
		return e, nil, errs.E(errs.Conflict, "Tệp xuất chưa sẵn sàng; vui lòng chờ thêm.")
	}
	_, data, err := s.files().Open(ctx, e.FileSHA)
	return e, data, err
}

func (s *Store) exportJob(ctx context.Context, j *jobs.Job) error {
	var p exportPayload
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	err := s.RunExport(ctx, p.ExportID, j.SetProgress)
	if err != nil && (isPermanent(err) || j.Attempts >= j.MaxAttempts) {
		s.failExport(ctx, p.ExportID, err)
		if isPermanent(err) {
			return jobs.Permanent(err)
		}
	}
	return err
}

// permanentExport marks errors no retry can mend.
type permanentExport struct{ error }

func (p permanentExport) Unwrap() error { return p.error }

func isPermanent(err error) bool {
	var p permanentExport
	return errors.As(err, &p)
}

func (s *Store) failExport(ctx context.Context, id int64, cause error) {
	msg := errs.MessageOf(cause)
	var p permanentExport
	if errors.As(cause, &p) {
		msg = p.Error()
	}
	s.DB.W.ExecContext(ctx, "UPDATE activity_exports SET status = $1, error = $2, finished_at = $3 WHERE id = $4 AND status <> $5",
		ExportFailed, msg, database.Now(), id, ExportDone)
}

// requester rebuilds the scope of the user who asked for an export, as
// their grants stand now.
func (s *Store) requester(ctx context.Context, userID int64) (access.Scope, error) {
	var sc access.Scope
	var active bool
	err := s.DB.R.QueryRowContext(ctx, "SELECT id, username, unit_id, active FROM users WHERE id = $1", userID).Scan(&sc.UserID, &sc.Username, &sc.UnitID, &active)
	if err != nil {
		return sc, errs.Wrap(err, "activity: export requester")
	}
	if !active {
		return sc, permanentExport{errors.New("Tài khoản yêu cầu xuất tệp đã bị khóa.")}
	}
	if sc.Grants, err = account.Grants(ctx, s.DB.R, userID); err != nil {
		return sc, err
	}
	return sc, nil
}

// exportHeaders are the columns of the export, with their widths.
var exportHeaders = []struct {
	title string
	width float64
}{
	{"STT", 6}, {"Ngày", 12}, {"Thời gian", 16}, {"Trạng thái", 12}, {"Đơn vị", 34}, {"Tên hoạt động", 48}, {"Hình thức", 26},
	{"Phong trào, đợt thi đua", 36}, {"Điển hình liên quan", 36}, {"Số người tham gia", 12}, {"Số lượt tiếp cận", 12},
	{"Đơn vị phối hợp", 30}, {"Nội dung", 60}, {"Đường dẫn", 40}, {"Số tệp minh chứng", 11}, {"Công khai", 10},
}

// RunExport writes export id: the rows its requester may see now, page by
// page, telling progress (0–100) as it goes; then stores the file and
// marks the export done. A finished export is left as it is.
func (s *Store) RunExport(ctx context.Context, id int64, progress func(context.Context, int) error) error {
	e, err := scanExport(s.DB.R.QueryRowContext(ctx, "SELECT "+exportColumns+" FROM activity_exports WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return jobs.Permanent(fmt.Errorf("activity: export %d does not exist", id))
	}
	if err != nil {
		return errs.Wrap(err, "activity: export")
	}
	if e.Status == ExportDone || e.Status == ExportFailed {
		return nil
	}
	sc, err := s.requester(ctx, e.UserID)
	if err != nil {
		return err
	}
	if _, err := s.DB.W.ExecContext(ctx, "UPDATE activity_exports SET status = $1, progress = 0 WHERE id = $2", ExportRunning, id); err != nil {
		return errs.Wrap(err, "activity: export state")
	}
	report := func(pct int) {
		s.DB.W.ExecContext(ctx, "UPDATE activity_exports SET progress = $1 WHERE id = $2", pct, id)
		if progress != nil {
			progress(ctx, pct)
		}
	}
	names, err := MovementNames(ctx, s.DB.R)
	if err != nil {
		return err
	}

	x := excelize.NewFile()
	defer x.Close()
	const sheet = "Hoạt động tuyên truyền"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	st, err := exportStyles(x)
	if err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(exportHeaders))
	for i, h := range exportHeaders {
		if err := sw.SetColWidth(i+1, i+1, h.width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 4, TopLeftCell: "A5", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	made := time.Now().In(viet.Zone)
	for r, cell := range []excelize.Cell{
		{StyleID: st.title, Value: "DANH SÁCH HOẠT ĐỘNG TUYÊN TRUYỀN"},
		{StyleID: st.note, Value: e.Title},
		{StyleID: st.note, Value: "Người xuất: " + sc.Username + " · xuất lúc " + made.Format("15:04") + " " + viet.Date(made)},
	} {
		row := r + 1
		if err := sw.SetRow("A"+strconv.Itoa(row), []any{cell}, excelize.RowOpts{Height: []float64{26, 36, 18}[r]}); err != nil {
			return err
		}
		if err := sw.MergeCell("A"+strconv.Itoa(row), last+strconv.Itoa(row)); err != nil {
			return err
		}
	}
	head := make([]any, len(exportHeaders))
	for i, h := range exportHeaders {
		head[i] = excelize.Cell{StyleID: st.head, Value: h.title}
	}
	if err := sw.SetRow("A4", head, excelize.RowOpts{Height: 32}); err != nil {
		return err
	}

	today := s.Today()
	f := e.Filter
	f.Limit, f.After = 1000, ""
	n := 0
	total := e.Total
	for {
		p, err := s.List(ctx, sc, f)
		if err != nil {
			if errs.Is(err, errs.NotFound) || errs.Is(err, errs.Invalid) {
				return permanentExport{errors.New("Bộ lọc không còn hợp lệ với quyền hiện tại của người yêu cầu: " + errs.MessageOf(err))}
			}
			return err
		}
		if n == 0 {
			total = p.Total
		}
		titles, err := s.dossierTitles(ctx, sc, p.Items)
		if err != nil {
			return err
		}
		for _, a := range p.Items {
			n++
			if n > MaxExportRows {
				return permanentExport{fmt.Errorf("Danh sách vượt quá giới hạn %s dòng của một tệp; hãy lọc hẹp hơn.", viet.Int(MaxExportRows))}
			}
			when := ""
			switch {
			case a.StartTime != "" && a.EndTime != "" && a.EndDate == nil:
				when = a.StartTime + " – " + a.EndTime
			case a.StartTime != "":
				when = a.StartTime
			}
			if a.EndDate != nil {
				when = strings.TrimSpace(when + " đến " + viet.ShortDate(*a.EndDate))
				if a.EndTime != "" {
					when += " " + a.EndTime
				}
			}
			public := "Không"
			if a.Public {
				public = "Có"
			}
			row := []any{
				excelize.Cell{StyleID: st.num, Value: n},
				excelize.Cell{StyleID: st.date, Value: a.Date},
				excelize.Cell{StyleID: st.text, Value: when},
				excelize.Cell{StyleID: st.text, Value: a.StatusOn(today).Label()},
				excelize.Cell{StyleID: st.text, Value: a.UnitName},
				excelize.Cell{StyleID: st.text, Value: a.Title},
				excelize.Cell{StyleID: st.text, Value: a.FormName()},
				excelize.Cell{StyleID: st.text, Value: strings.Join(names.Of(a), "\n")},
				excelize.Cell{StyleID: st.text, Value: strings.Join(titles[a.ID], "\n")},
				excelize.Cell{StyleID: st.num, Value: a.Participants},
				excelize.Cell{StyleID: st.num, Value: a.Reach},
				excelize.Cell{StyleID: st.text, Value: a.Partners},
				excelize.Cell{StyleID: st.text, Value: a.Description},
				excelize.Cell{StyleID: st.text, Value: strings.Join(a.Links, "\n")},
				excelize.Cell{StyleID: st.num, Value: len(a.Files)},
				excelize.Cell{StyleID: st.text, Value: public},
			}
			if err := sw.SetRow("A"+strconv.Itoa(4+n), row); err != nil {
				return err
			}
		}
		if total > 0 {
			report(min(99, n*100/total))
		}
		if p.Next == "" {
			break
		}
		f.After = p.Next
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if n > 0 {
		if err := x.AutoFilter(sheet, "A4:"+last+strconv.Itoa(4+n), nil); err != nil {
			return err
		}
	}
	if err := x.SetDocProps(&excelize.DocProperties{Title: "Danh sách hoạt động tuyên truyền", Creator: "thidua", Language: "vi-VN"}); err != nil {
		return err
	}
	buf, err := x.WriteToBuffer()
	if err != nil {
		return err
	}
	fs := s.files()
	xs := &files.Store{DB: fs.DB, Backend: fs.Backend, MaxSize: maxExportFile}
	file, err := xs.Put(ctx, bytes.NewReader(buf.Bytes()), []files.Kind{files.XLSX})
	if err != nil {
		return err
	}
	name := "hoat-dong-tuyen-truyen-" + made.Format("20060102-1504") + ".xlsx"
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE activity_exports SET status = $1, progress = 100, total = $2, row_count = $2, file_sha256 = $3,
			file_name = $4, error = '', finished_at = $5 WHERE id = $6 AND status = $7`, ExportDone, n, file.SHA256, name, database.Now(), id, ExportRunning)
		if err != nil {
			return errs.Wrap(err, "activity: finish export")
		}
		if k, _ := res.RowsAffected(); k == 0 || s.Notify == nil {
			return nil
		}
		_, err = s.Notify.ToUsersTx(ctx, tx, sc.UnitID, []int64{e.UserID}, notify.Note{
			Title: "Đã tạo xong tệp Excel danh sách hoạt động tuyên truyền",
			Body:  fmt.Sprintf("Tệp gồm %s hoạt động (%s).", viet.Int(int64(n)), e.Title),
			URL:   "/activities/exports/" + strconv.FormatInt(id, 10), Key: "activity-export-" + strconv.FormatInt(id, 10)})
		return err
	})
}

type styles struct{ title, note, head, text, num, date int }

func exportStyles(x *excelize.File) (styles, error) {
	var st styles
	border := []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}}
	font := func(size float64, bold bool) *excelize.Font {
		return &excelize.Font{Family: "Times New Roman", Size: size, Bold: bold}
	}
	dateFormat := "dd/mm/yyyy"
	for _, s := range []struct {
		id    *int
		style excelize.Style
	}{
		{&st.title, excelize.Style{Font: font(14, true), Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&st.note, excelize.Style{Font: &excelize.Font{Family: "Times New Roman", Size: 12, Italic: true},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&st.head, excelize.Style{Font: font(11, true), Border: border, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2E6E1"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&st.text, excelize.Style{Font: font(11, false), Border: border, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&st.num, excelize.Style{Font: font(11, false), Border: border, NumFmt: 3, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&st.date, excelize.Style{Font: font(11, false), Border: border, CustomNumFmt: &dateFormat, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "center"}}},
	} {
		id, err := x.NewStyle(&s.style)
		if err != nil {
			return st, err
		}
		*s.id = id
	}
	return st, nil
}

// dossierTitles names, per activity, the linked dossiers the caller may
// read ("title (subject, unit)"), in one query per page.
func (s *Store) dossierTitles(ctx context.Context, sc access.Scope, as []Activity) (map[int64][]string, error) {
	out := map[int64][]string{}
	var ids []any
	for _, a := range as {
		if len(a.DossierIDs) > 0 {
			ids = append(ids, a.ID)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	// The dossiers' titles and units, read beside the links: one query
	// instead of a dossier lookup per link.
	rows, err := s.DB.R.QueryContext(ctx, `SELECT ad.activity_id, d.title, u.name, u.path FROM activity_dossiers ad
		JOIN dossiers d ON d.id = ad.dossier_id JOIN units u ON u.id = d.unit_id
		WHERE ad.activity_id IN (`+database.Placeholders(1, len(ids))+`) ORDER BY ad.activity_id, ad.dossier_id`, ids...)
	if err != nil {
		return nil, errs.Wrap(err, "activity: dossier titles")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var title, unit, path string
		if err := rows.Scan(&id, &title, &unit, &path); err != nil {
			return nil, errs.Wrap(err, "activity: dossier titles")
		}
		if sc.CanRead(path) {
			out[id] = append(out[id], title+" ("+unit+")")
		}
	}
	return out, rows.Err()
}
