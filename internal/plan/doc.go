package plan

import (
	"strconv"
	"strings"
)

// Run is a piece of a paragraph in one style.
type Run struct {
	Text   string
	Italic bool
}

// Para is one paragraph of a section: a line of its text. A bullet keeps
// its "- " in the text, as documents write it.
type Para struct {
	Bullet bool
	Runs   []Run
}

// Text is the paragraph without styles.
func (p Para) Text() string {
	var b strings.Builder
	for _, r := range p.Runs {
		b.WriteString(r.Text)
	}
	return b.String()
}

// Paras splits a section's text into paragraphs: every non-empty line is
// one, a line starting with "- " is a bullet, and text between two
// asterisks is italic (“*Cả nước chung sức xây dựng nông thôn mới*”). An
// asterisk without its pair stays as written.
func Paras(text string) []Para {
	var out []Para
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		out = append(out, Para{Bullet: strings.HasPrefix(line, "- ") || line == "-", Runs: runs(line)})
	}
	return out
}

func runs(line string) []Run {
	var out []Run
	for {
		i := strings.Index(line, "*")
		if i < 0 {
			break
		}
		j := strings.Index(line[i+1:], "*")
		if j <= 0 { // no closing asterisk, or "**"
			break
		}
		if i > 0 {
			out = append(out, Run{Text: line[:i]})
		}
		out = append(out, Run{Text: line[i+1 : i+1+j], Italic: true})
		line = line[i+j+2:]
	}
	if line != "" || len(out) == 0 {
		out = append(out, Run{Text: line})
	}
	return out
}

// Part is a heading and its paragraphs. Level 0 has no heading (the opening
// and the closing), 1 is a Roman-numbered part, 2 an Arabic-numbered item.
type Part struct {
	Level   int
	Heading string
	Paras   []Para
}

// Headings of the seed plan, without their numbers.
const (
	HeadPurpose      = "MỤC ĐÍCH, YÊU CẦU"
	HeadBody         = "NỘI DUNG"
	HeadContent      = "Nội dung tuyên truyền"
	HeadForms        = "Hình thức tuyên truyền"
	HeadExemplars    = "Công tác phát hiện, lựa chọn và nhân rộng điển hình tiên tiến, mô hình mới, cách làm hay, gương người tốt, việc tốt"
	HeadOrganization = "TỔ CHỨC THỰC HIỆN"
)

var roman = []string{"I", "II", "III", "IV", "V"}

// Outline is the body of the plan as printed: the opening, then I. MỤC
// ĐÍCH, YÊU CẦU, II. NỘI DUNG with its items 1. to 3., III. TỔ CHỨC THỰC
// HIỆN, and the closing. Empty sections are left out and the numbers close
// up, as a drafter would renumber them.
func (p Plan) Outline() []Part {
	s := p.Sections
	var out []Part
	if ps := Paras(s.Intro); len(ps) > 0 {
		out = append(out, Part{Paras: ps})
	}
	n := 0
	part := func(heading string, paras []Para) {
		out = append(out, Part{Level: 1, Heading: roman[n] + ". " + heading, Paras: paras})
		n++
	}
	if ps := Paras(s.Purpose); len(ps) > 0 {
		part(HeadPurpose, ps)
	}
	var items []Part
	for _, it := range []struct{ head, text string }{{HeadContent, s.Content}, {HeadForms, s.Forms}, {HeadExemplars, s.Exemplars}} {
		if ps := Paras(it.text); len(ps) > 0 {
			items = append(items, Part{Level: 2, Heading: strconv.Itoa(len(items)+1) + ". " + it.head, Paras: ps})
		}
	}
	if len(items) > 0 {
		part(HeadBody, nil)
		out = append(out, items...)
	}
	if ps := Paras(s.Organization); len(ps) > 0 {
		part(HeadOrganization, ps)
	}
	if ps := Paras(s.Closing); len(ps) > 0 {
		out = append(out, Part{Paras: ps})
	}
	return out
}
