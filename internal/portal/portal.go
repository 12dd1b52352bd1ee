// Package portal publishes selected exemplars to the public portal (cổng
// thông tin điển hình tiên tiến) and tracks their replication (nhân rộng).
//
// A unit whose round selected an exemplar publishes it: a publication
// snapshots what may be public from the selected dossier version (title,
// story, achievements, chosen photos, the replication guide, the unit
// credited) into an editable working copy. An individual's page needs the
// person's recorded consent; an exemplar involving students (minors) needs
// an explicit check of what is shown. Publishing freezes the working copy
// into an immutable revision and writes the public entry: the only rows
// the public routes ever read. Unpublishing deletes the entry, its photos
// and its search index row in one transaction, and every change the public
// can see bumps a portal-wide generation, which the web layer's caches and
// ETags carry, so nothing unpublished is shown anywhere once the
// transaction commits.
//
// Search folds text in Go (viet.Fold, đ → d) and cuts it to ASCII words
// before indexing: FTS5 on SQLite and tsvector ('simple') on PostgreSQL see
// the same words, and ranking is computed the same way on both, so both
// give the same results.
//
// Adoptions record a unit applying a published model or good practice:
// its start, plan, check-ins with evidence, and outcome. The exemplar page
// shows where it has spread; officers see the spread over time, by unit
// and by school level.
package portal

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"thidua/internal/exemplar"
	"thidua/internal/viet"
)

// Status is where a publication stands.
type Status string

const (
	Draft       Status = "draft"       // prepared, never published
	Published   Status = "published"   // on the portal
	Unpublished Status = "unpublished" // taken off the portal
)

// Label is the Vietnamese name of a status.
func (s Status) Label() string {
	switch s {
	case Draft:
		return "Chưa đăng"
	case Published:
		return "Đang đăng"
	case Unpublished:
		return "Đã gỡ"
	}
	return string(s)
}

// How consent was given.
const (
	ConsentWritten = "written" // giấy đồng ý có chữ ký
	ConsentEmail   = "email"   // thư điện tử
)

// ConsentMethods lists the ways consent may be recorded.
var ConsentMethods = []string{ConsentWritten, ConsentEmail}

// ConsentMethodLabel names a way of consenting.
func ConsentMethodLabel(m string) string {
	switch m {
	case ConsentWritten:
		return "Giấy đồng ý có chữ ký"
	case ConsentEmail:
		return "Thư điện tử"
	}
	return m
}

// Who gave consent, relative to the person on the page.
const (
	CapacitySelf           = "self"           // chính người được nêu gương
	CapacityGuardian       = "guardian"       // cha, mẹ hoặc người giám hộ
	CapacityRepresentative = "representative" // người đại diện hợp pháp khác
)

// Capacities lists who may consent.
var Capacities = []string{CapacitySelf, CapacityGuardian, CapacityRepresentative}

// CapacityLabel names who consented.
func CapacityLabel(c string) string {
	switch c {
	case CapacitySelf:
		return "Chính người được nêu gương"
	case CapacityGuardian:
		return "Cha, mẹ hoặc người giám hộ"
	case CapacityRepresentative:
		return "Người đại diện hợp pháp khác"
	}
	return c
}

// How a student's name is shown on the portal.
const (
	NameFull    = "full"    // họ và tên đầy đủ
	NameInitial = "initial" // tên và chữ cái đầu của họ: "An N."
	NameNone    = "none"    // không nêu tên
)

// NameDisplays lists the choices of the minors check.
var NameDisplays = []string{NameFull, NameInitial, NameNone}

// NameDisplayLabel names a choice.
func NameDisplayLabel(n string) string {
	switch n {
	case NameFull:
		return "Họ và tên đầy đủ"
	case NameInitial:
		return "Chỉ tên và chữ cái đầu của họ (ví dụ: An N.)"
	case NameNone:
		return "Không nêu tên"
	}
	return n
}

// Photo is an image of the dossier version chosen for the page. SHA256 is
// the dossier's file; PublicSHA the copy the portal serves (metadata such
// as EXIF location removed), set when published.
type Photo struct {
	SHA256      string `json:"sha256"`
	PublicSHA   string `json:"public_sha,omitempty"`
	Name        string `json:"name,omitempty"`
	ContentType string `json:"content_type"`
	Caption     string `json:"caption"`
	Width       int    `json:"width,omitempty"`
	Height      int    `json:"height,omitempty"`
}

// Content is the editable working copy of what the page shows.
type Content struct {
	Title        string          `json:"title"`
	SubjectLine  string          `json:"subject_line"` // chức vụ, lớp, hoặc mô tả ngắn về tập thể
	Story        string          `json:"story"`
	Achievements string          `json:"achievements"`
	Guide        *exemplar.Guide `json:"guide,omitempty"`
	Photos       []Photo         `json:"photos"`
}

// Consent is the recorded consent of the person an individual's page is
// about (or of their guardian).
type Consent struct {
	By         string     `json:"by"`       // họ tên người đồng ý
	Capacity   string     `json:"capacity"` // CapacitySelf, CapacityGuardian, CapacityRepresentative
	On         *time.Time `json:"on"`       // the day consent was given (00:00 UTC)
	Method     string     `json:"method"`   // ConsentWritten, ConsentEmail
	Scope      string     `json:"scope"`    // what it covers
	Photos     bool       `json:"photos"`   // it covers photos of the person
	FileSHA    string     `json:"file_sha,omitempty"`
	FileName   string     `json:"file_name,omitempty"`
	RecordedBy int64      `json:"recorded_by"`
	RecordedAt *time.Time `json:"recorded_at"`
}

// Recorded reports whether consent has been recorded.
func (c Consent) Recorded() bool { return c.RecordedAt != nil }

// Minors is the explicit check an exemplar involving students needs.
type Minors struct {
	Name      string     `json:"name"`   // NameFull, NameInitial, NameNone
	Photos    bool       `json:"photos"` // photos may be shown
	School    bool       `json:"school"` // the school may be named
	CheckedBy int64      `json:"checked_by"`
	CheckedAt *time.Time `json:"checked_at"`
}

// Checked reports whether the check has been done.
func (m Minors) Checked() bool { return m.CheckedAt != nil }

// Page is a published revision as the public sees it: everything the
// exemplar page, the cards, the feed and the search index are built from.
// It holds nothing that is not public.
type Page struct {
	ID           int64                `json:"id"`
	Slug         string               `json:"slug"`
	Title        string               `json:"title"`
	Category     exemplar.Category    `json:"category"`
	SubjectKind  exemplar.SubjectKind `json:"subject_kind"`
	Subject      string               `json:"subject"` // the name as shown
	SubjectLine  string               `json:"subject_line"`
	Story        string               `json:"story"`
	Achievements string               `json:"achievements"`
	Guide        *exemplar.Guide      `json:"guide,omitempty"`
	Photos       []Photo              `json:"photos"`
	// Credit names the unit the exemplar comes from; CreditUnitID links
	// its public page (a school's parent when the school is not shown).
	Credit         string    `json:"credit"`
	CreditUnitID   int64     `json:"credit_unit_id"`
	CreditUnitName string    `json:"credit_unit_name"` // the linked unit's own name
	Levels         []string  `json:"levels"`
	Year           int       `json:"year"`
	MovementID     int64     `json:"movement_id,omitempty"`
	MovementName   string    `json:"movement_name,omitempty"`
	SelectedBy     string    `json:"selected_by"` // the unit whose round selected it
	RoundName      string    `json:"round_name"`
	First          time.Time `json:"first_published_at"`
	Published      time.Time `json:"published_at"` // this revision
	Revision       int       `json:"revision"`
}

// Excerpt is the start of the story, for cards and the feed.
func (p Page) Excerpt() string { return excerpt(p.Story, 240) }

// Adoptable reports whether units may record adopting the exemplar: new
// models and good practices are meant to spread.
func (p Page) Adoptable() bool { return p.Category.NeedsGuide() }

// Card is an exemplar in a list: the portal home, search results, a
// unit's page, the feed.
type Card struct {
	ID        int64
	Slug      string
	Title     string
	Category  exemplar.Category
	Kind      exemplar.SubjectKind
	Excerpt   string
	Cover     string // public sha of the first photo, "" when none
	Credit    string
	UnitID    int64
	Year      int
	First     time.Time
	Published time.Time
	Featured  bool
	Score     int // search rank (0 without a query)
}

// Slugify writes s as an ASCII URL part: folded, lower case, words joined
// by hyphens, at most about 80 characters (cut at a word).
func Slugify(s string) string {
	words := Words(s)
	var b strings.Builder
	for _, w := range words {
		if b.Len() > 0 && b.Len()+1+len(w) > 80 {
			break
		}
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		b.WriteString(w)
	}
	return b.String()
}

// ShortID writes an id in base 36, the tail of a slug.
func ShortID(id int64) string { return strconv.FormatInt(id, 36) }

// SlugOf is the slug of a page or unit: Slugify(name) + "-" + ShortID(id).
func SlugOf(name string, id int64) string {
	if s := Slugify(name); s != "" {
		return s + "-" + ShortID(id)
	}
	return ShortID(id)
}

// ParseSlug reads the id at the end of a slug; 0 when there is none.
func ParseSlug(slug string) int64 {
	tail := slug
	if i := strings.LastIndexByte(slug, '-'); i >= 0 {
		tail = slug[i+1:]
	}
	if tail == "" || len(tail) > 12 {
		return 0
	}
	id, err := strconv.ParseInt(tail, 36, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// Words returns the search words of s: folded as viet.Fold folds (marks
// stripped, đ → d, lower case) and cut at every character that is not an
// ASCII letter or digit. Both databases index and query these words.
//
// It folds rune by rune through a table built from viet.Fold, which is
// much cheaper than viet.Fold's transform chain on every call (the search
// page folds each word it shows to mark the query's words); a test checks
// that it agrees with FieldsFunc(viet.Fold(s)).
func Words(s string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		case r < 0x80:
			flush()
		case unicode.Is(unicode.Mn, r):
			// a combining mark (text not in NFC): stripped, as viet.Fold does
		default:
			f, ok := foldTable[r]
			if !ok {
				flush()
				continue
			}
			b.WriteString(f)
		}
	}
	flush()
	return out
}

// foldTable maps the letters viet.Fold turns into ASCII (Latin letters
// with marks, đ/Đ) to their folded form.
var foldTable = func() map[rune]string {
	m := map[rune]string{}
	add := func(from, to rune) {
		for r := from; r <= to; r++ {
			f := viet.Fold(string(r))
			if f != "" && strings.Trim(f, "abcdefghijklmnopqrstuvwxyz0123456789") == "" {
				m[r] = f
			}
		}
	}
	add(0x80, 0x24F)    // Latin-1 Supplement, Latin Extended-A and -B
	add(0x1E00, 0x1EFF) // Latin Extended Additional: most Vietnamese letters
	return m
}()

// text is the stored form of multi-line text: NFC, Unix line breaks, no
// trailing spaces, at most one blank line in a row, trimmed.
func text(s string) string {
	s = norm.NFC.String(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"))
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " \t\u00a0")
		if strings.TrimSpace(l) == "" {
			blank++
			if blank > 1 {
				continue
			}
			l = ""
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// excerpt cuts s to about n characters at a word, on one line.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// displayName is how a person's name is shown under a minors choice.
func displayName(p exemplar.Person, choice string) string {
	switch choice {
	case NameInitial:
		if p.Ho == "" {
			return p.Ten
		}
		r, _ := utf8.DecodeRuneInString(p.Ho)
		return p.Ten + " " + strings.ToUpper(string(r)) + "."
	case NameNone:
		return "Một học sinh"
	}
	return p.FullName()
}

// studentWords are the folded phrases that mark a collective of students:
// a class, a Young Pioneers unit, a school team.
var studentWords = [][]string{
	{"lop"}, {"chi", "doi"}, {"lien", "doi"}, {"doi", "tuyen"}, {"hoc", "sinh"}, {"thieu", "nhi"},
	{"doi", "vien"}, {"tre", "em"}, {"nhom", "tre"}, {"sao", "nhi", "dong"},
}

// collectiveOfStudents reports whether a collective's name marks students.
func collectiveOfStudents(name string) bool {
	w := Words(name)
	for _, p := range studentWords {
		if p[0] == "lop" {
			if len(w) > 0 && w[0] == "lop" {
				return true
			}
			continue
		}
		for i := 0; i+len(p) <= len(w); i++ {
			match := true
			for j := range p {
				if w[i+j] != p[j] {
					match = false
					break
				}
			}
			if match {
				return true
			}
		}
	}
	return false
}

// day is t's date at 00:00 UTC, the form dates are stored in.
func day(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Today is the current day in Vietnam, at 00:00 UTC.
func Today(now time.Time) time.Time { return day(now.In(viet.Zone)) }
