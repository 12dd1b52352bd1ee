package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"thidua/internal/errs"
	"thidua/internal/viet"
)

// Sheet is a parsed import file: the recognised columns and the non-blank
// data rows, cell text as written (dates read from Excel date cells are
// rewritten as dd/mm/yyyy).
type Sheet struct {
	Kind     Kind     `json:"kind"`
	Filename string   `json:"filename"`
	Format   string   `json:"format"`  // "xlsx" or "csv"
	Columns  []string `json:"columns"` // recognised column titles, in template order
	Ignored  []string `json:"ignored"` // header titles that match no column, left out
	Rows     []Row    `json:"rows"`
}

// Row is one data row of a Sheet.
type Row struct {
	Line   int               `json:"line"`   // the row number the user sees in the spreadsheet
	Values map[string]string `json:"values"` // column title -> cell text
}

// Has reports whether the file has a column with title.
func (s *Sheet) Has(title string) bool {
	for _, c := range s.Columns {
		if c == title {
			return true
		}
	}
	return false
}

var (
	pkMagic  = []byte("PK")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	utf8BOM  = []byte{0xEF, 0xBB, 0xBF}
)

const saveAsHint = "Hãy mở tệp bằng Excel và lưu dưới dạng Excel Workbook (.xlsx) hoặc lưu dưới dạng CSV UTF-8, rồi tải lên lại."

// Parse reads an import file of kind. The format is detected from the
// content: XLSX (a zip archive) or CSV in UTF-8, with or without a byte order
// mark, separated by commas, semicolons or tabs. filename only improves the
// messages. The header row is matched by folded title, so "Ma don vi" finds
// "Mã đơn vị"; a file missing a required column, holding no data rows or
// more than MaxRows is refused with a Vietnamese message.
func Parse(kind Kind, filename string, data []byte) (*Sheet, error) {
	if !kind.Valid() {
		return nil, invalid("Loại dữ liệu cần nhập không hợp lệ.")
	}
	if len(data) > MaxFileSize {
		return nil, errs.E(errs.TooLarge, fmt.Sprintf("Tệp lớn quá %d MB; hãy chia thành nhiều tệp nhỏ hơn.", MaxFileSize>>20))
	}
	if len(bytes.TrimSpace(bytes.TrimPrefix(data, utf8BOM))) == 0 {
		return nil, invalid("Tệp trống, không có dữ liệu.")
	}
	b := &builder{kind: kind, sheet: &Sheet{Kind: kind, Filename: filename}}
	var err error
	ext := strings.ToLower(filepath.Ext(filename))
	switch {
	case bytes.HasPrefix(data, pkMagic):
		b.sheet.Format = "xlsx"
		err = parseXLSX(b, data)
	case bytes.HasPrefix(data, oleMagic):
		return nil, invalid("Tệp Excel 97–2003 (.xls) hoặc tệp Excel có đặt mật khẩu chưa được hỗ trợ. " + saveAsHint)
	case ext == ".xlsx" || ext == ".xlsm" || ext == ".xls" || ext == ".ods":
		return nil, invalid("Không đọc được tệp " + filename + ": tệp bị hỏng hoặc không phải tệp Excel (.xlsx). " + saveAsHint)
	default:
		b.sheet.Format = "csv"
		err = parseCSV(b, data)
	}
	if err != nil {
		return nil, err
	}
	if err := b.finish(); err != nil {
		return nil, err
	}
	return b.sheet, nil
}

// builder turns raw rows, from either format, into a Sheet.
type builder struct {
	kind     Kind
	sheet    *Sheet
	header   bool
	cols     map[int]string // cell index -> column title
	first    []string       // first non-blank row, reported when no header is found
	nonBlank int            // non-blank rows seen before the header
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// errTooMany stops reading once the row cap is passed.
var errTooMany = errs.E(errs.TooLarge, fmt.Sprintf("Tệp có hơn %s dòng dữ liệu; mỗi lần chỉ nhập được tối đa %s dòng. Hãy chia thành nhiều tệp nhỏ hơn.",
	viet.Int(MaxRows), viet.Int(MaxRows)))

// add takes the cells of spreadsheet row line.
func (b *builder) add(line int, cells []string) error {
	if blank(cells) {
		return nil
	}
	if !b.header {
		if b.first == nil {
			b.first = cells
		}
		b.nonBlank++
		if b.tryHeader(cells) {
			if err := b.setColumns(cells); err != nil {
				return err
			}
			return b.missing(cells)
		}
		if b.nonBlank >= 10 {
			return b.missing(b.first)
		}
		return nil
	}
	if len(b.sheet.Rows) >= MaxRows {
		return errTooMany
	}
	r := Row{Line: line, Values: make(map[string]string, len(b.cols))}
	for i, c := range cells {
		if t, ok := b.cols[i]; ok {
			r.Values[t] = strings.TrimSpace(strings.ReplaceAll(c, "\u00a0", " "))
		}
	}
	if blankValues(r.Values) {
		return nil // text only in ignored columns
	}
	b.sheet.Rows = append(b.sheet.Rows, r)
	return nil
}

func blankValues(m map[string]string) bool {
	for _, v := range m {
		if v != "" {
			return false
		}
	}
	return true
}

// tryHeader takes cells as the header row when at least two of them name a
// column of the kind (a title row above the header is skipped).
func (b *builder) tryHeader(cells []string) bool {
	cols := map[int]string{}
	n := 0
	for i, c := range cells {
		if t := matchColumn(b.kind, c); t != "" {
			cols[i] = t
			n++
		}
	}
	if n < 2 {
		return false
	}
	b.header, b.cols = true, cols
	return true
}

// setColumns lists the recognised and ignored titles of the header and
// refuses a column given twice.
func (b *builder) setColumns(cells []string) error {
	seen := map[string]int{}
	for i, c := range cells {
		t, ok := b.cols[i]
		if !ok {
			if strings.TrimSpace(c) != "" {
				b.sheet.Ignored = append(b.sheet.Ignored, strings.TrimSpace(c))
			}
			continue
		}
		if j, dup := seen[t]; dup {
			return invalid(fmt.Sprintf("Cột “%s” xuất hiện hai lần trong dòng tiêu đề (cột %s và cột %s); hãy giữ lại một cột.",
				t, colName(j), colName(i)))
		}
		seen[t] = i
	}
	for _, t := range Columns(b.kind) {
		if _, ok := seen[t]; ok {
			b.sheet.Columns = append(b.sheet.Columns, t)
		}
	}
	return nil
}

func colName(i int) string {
	s, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		return strconv.Itoa(i + 1)
	}
	return s
}

// missing reports the required columns the header lacks.
func (b *builder) missing(header []string) error {
	have := map[string]bool{}
	for _, c := range header {
		if t := matchColumn(b.kind, c); t != "" {
			have[t] = true
		}
	}
	var miss []string
	for _, c := range columnsOf(b.kind) {
		if !c.Required || have[c.Title] {
			continue
		}
		if c.Title == ColTen && have[ColFullName] {
			continue
		}
		miss = append(miss, c.Title)
	}
	if len(miss) == 0 {
		return nil
	}
	msg := "Tệp thiếu cột bắt buộc: " + strings.Join(miss, ", ") + ". Dòng tiêu đề phải ghi tên cột như trong tệp mẫu."
	other := Units
	if b.kind == Units {
		other = Users
	}
	otherHas := 0
	for _, c := range header {
		if matchColumn(other, c) != "" {
			otherHas++
		}
	}
	if otherHas > len(have) {
		msg += " Tệp này có vẻ là danh sách " + strings.ToLower(other.Label()) + ", không phải " + strings.ToLower(b.kind.Label()) + "."
	}
	return invalid(msg)
}

func (b *builder) finish() error {
	if !b.header {
		if b.first == nil {
			return invalid("Tệp không có dữ liệu.")
		}
		if err := b.missing(b.first); err != nil {
			return err
		}
		return invalid("Không tìm thấy dòng tiêu đề; dòng đầu tiên phải ghi tên cột như trong tệp mẫu.")
	}
	if len(b.sheet.Rows) == 0 {
		return invalid("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.")
	}
	return nil
}

// parseCSV reads a UTF-8 CSV file.
func parseCSV(b *builder, data []byte) error {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return invalid("Tệp CSV đang ở mã UTF-16 (Unicode Text), chưa đọc được. Hãy lưu dưới dạng CSV UTF-8 (trong Excel: Tệp → Lưu dưới dạng → “CSV UTF-8 (Comma delimited)”) rồi tải lên lại.")
	case bytes.IndexByte(data, 0) >= 0:
		return invalid("Tệp không phải bảng tính .xlsx hay tệp văn bản CSV. " + saveAsHint)
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if !utf8.Valid(data) {
		return invalid("Tệp CSV không ở mã UTF-8 nên chữ tiếng Việt bị lỗi phông. Hãy lưu dưới dạng CSV UTF-8 " +
			"(trong Excel: Tệp → Lưu dưới dạng → “CSV UTF-8 (Comma delimited)”) rồi tải lên lại, hoặc dùng tệp mẫu .xlsx.")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = sniffSeparator(data)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	for line := 1; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return invalid(fmt.Sprintf("Tệp CSV bị lỗi định dạng ở dòng %d (dấu ngoặc kép không khớp hoặc ký tự lạ). Hãy mở tệp bằng Excel, kiểm tra dòng đó rồi lưu lại.", pe.StartLine))
			}
			return invalid("Không đọc được tệp CSV. " + saveAsHint)
		}
		if err := b.add(line, rec); err != nil {
			return err
		}
	}
}

// sniffSeparator picks the separator of the first non-blank line: the most
// frequent of comma, semicolon and tab outside quotes (Excel in Vietnamese
// locales saves with semicolons).
func sniffSeparator(data []byte) rune {
	counts := map[rune]int{}
	inQuote, started := false, false
	for _, r := range string(data) {
		if r == '"' {
			inQuote = !inQuote
		}
		if !inQuote && (r == '\n' || r == '\r') {
			if started {
				break
			}
			continue
		}
		if r != ' ' {
			started = true
		}
		if !inQuote && (r == ',' || r == ';' || r == '\t') {
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// parseXLSX reads the first worksheet that is not the instructions sheet.
// excelize is defended against: a malformed file must give a message, never
// a crash.
func parseXLSX(b *builder, data []byte) (err error) {
	bad := invalid("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx. " + saveAsHint)
	defer func() {
		if r := recover(); r != nil {
			err = bad
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 256 << 20, UnzipXMLSizeLimit: 32 << 20})
	if err != nil {
		if errors.Is(err, excelize.ErrWorkbookPassword) || errors.Is(err, excelize.ErrWorkbookFileFormat) {
			return invalid("Tệp Excel có đặt mật khẩu hoặc không đúng định dạng .xlsx. Hãy bỏ mật khẩu rồi lưu lại dưới dạng .xlsx.")
		}
		return bad
	}
	defer f.Close()
	sheet := ""
	for _, name := range f.GetSheetList() {
		if viet.Fold(name) != viet.Fold(instructionsSheet) {
			sheet = name
			break
		}
	}
	if sheet == "" {
		return invalid("Tệp Excel không có trang tính dữ liệu nào.")
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return bad
	}
	line := 0
	for rows.Next() {
		line++
		cells, err := rows.Columns()
		if err != nil {
			rows.Close()
			return bad
		}
		if err := b.add(line, cells); err != nil {
			rows.Close()
			return err
		}
	}
	if rows.Error() != nil {
		rows.Close()
		if errors.Is(rows.Error(), excelize.ErrMaxRows) {
			return errTooMany
		}
		return bad
	}
	rows.Close()
	if !b.header {
		return nil
	}
	// Dates: a cell Excel holds as a date serial is read raw and written
	// dd/mm/yyyy, whatever number format displays it.
	date1904 := false
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		date1904 = *p.Date1904
	}
	for i, t := range b.cols {
		if t != ColValidFrom && t != ColValidTo {
			continue
		}
		for _, r := range b.sheet.Rows {
			if r.Values[t] == "" {
				continue
			}
			cell, err := excelize.CoordinatesToCellName(i+1, r.Line)
			if err != nil {
				continue
			}
			raw, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
			if err != nil {
				continue
			}
			if v, err := strconv.ParseFloat(strings.TrimSpace(raw), 64); err == nil && v >= 1 && v < 2958466 {
				if d, err := excelize.ExcelDateToTime(v, date1904); err == nil {
					r.Values[t] = d.Format("02/01/2006")
				}
			}
		}
	}
	return nil
}
