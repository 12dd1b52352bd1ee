package exemplar

import (
	"strconv"

	"thidua/internal/files"
)

// Change is one difference between two states of a dossier, for reviewers
// who scored an earlier version: Field is the machine name ("title",
// "criteria.innovation.evidence", "guide.steps"…), Label the Vietnamese one.
// For files, Before holds a removed file's name and After an added one's.
type Change struct {
	Field  string `json:"field"`
	Label  string `json:"label"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// Diff lists what changed from a to b, in the order the dossier is read:
// subject, category, title, summary, each criterion (tick, evidence, files),
// general files, the replication guide. Counters, times and ids are not
// content and are ignored.
func Diff(a, b Dossier) []Change {
	var out []Change
	add := func(field, label, before, after string) {
		if before != after {
			out = append(out, Change{Field: field, Label: label, Before: before, After: after})
		}
	}
	add("subject_kind", "Đối tượng", a.SubjectKind.Label(), b.SubjectKind.Label())
	pa, pb := personOf(a), personOf(b)
	add("person.name", "Họ và tên", pa.FullName(), pb.FullName())
	add("person.gender", "Giới tính", GenderLabel(pa.Gender), GenderLabel(pb.Gender))
	add("person.birth_year", "Năm sinh", year(pa.BirthYear), year(pb.BirthYear))
	add("person.position", "Chức vụ, công việc", pa.Position, pb.Position)
	if pa.UnitID != pb.UnitID {
		add("person.unit", "Đơn vị công tác", unitLabel(pa), unitLabel(pb))
	}
	add("person.student", "Là học sinh", yesNo(pa.Student, pa.Ten != ""), yesNo(pb.Student, pb.Ten != ""))
	add("collective_name", "Tên tập thể", collectiveOf(a), collectiveOf(b))
	add("category", "Loại điển hình", a.Category.Label(), b.Category.Label())
	add("title", "Tên điển hình", a.Title, b.Title)
	add("movement", "Phong trào thi đua", movementOf(a), movementOf(b))
	add("summary", "Tóm tắt thành tích", a.Summary, b.Summary)

	// Criteria item by item, over the union of keys, in b's order then a's.
	var keys []string
	seen := map[string]bool{}
	for _, d := range []Dossier{b, a} {
		for _, c := range d.Criteria {
			if !seen[c.Key] {
				seen[c.Key] = true
				keys = append(keys, c.Key)
			}
		}
	}
	for _, k := range keys {
		ca, _ := a.Criterion(k)
		cb, _ := b.Criterion(k)
		label := CriterionLabel(k)
		add("criteria."+k+".checked", "Tiêu chí “"+label+"”", yesNo(ca.Checked, true), yesNo(cb.Checked, true))
		add("criteria."+k+".evidence", "Minh chứng cho tiêu chí “"+label+"”", ca.Evidence, cb.Evidence)
		out = append(out, fileChanges("criteria."+k+".files", "Tệp minh chứng cho tiêu chí “"+label+"”", ca.Files, cb.Files)...)
	}
	out = append(out, fileChanges("files", "Tệp minh chứng chung", a.Files, b.Files)...)
	ga, gb := guideFields(a.Guide), guideFields(b.Guide)
	for i := range ga {
		add(ga[i].Field, "Hướng dẫn nhân rộng – "+ga[i].Label, ga[i].Value, gb[i].Value)
	}
	return out
}

func movementOf(d Dossier) string {
	if d.CampaignName != "" {
		return d.MovementName + " – " + d.CampaignName
	}
	return d.MovementName
}

func personOf(d Dossier) Person {
	if d.SubjectKind == Individual && d.Person != nil {
		return *d.Person
	}
	return Person{}
}

func collectiveOf(d Dossier) string {
	if d.SubjectKind == Collective {
		return d.CollectiveName
	}
	return ""
}

func unitLabel(p Person) string {
	if p.UnitName != "" {
		return p.UnitName
	}
	if p.UnitID == 0 {
		return ""
	}
	return "#" + strconv.FormatInt(p.UnitID, 10)
}

func year(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

// yesNo writes a tick; nothing when the thing it belongs to is absent.
func yesNo(b, present bool) string {
	switch {
	case !present:
		return ""
	case b:
		return "Có"
	}
	return "Không"
}

// fileChanges lists files removed (Before) and added (After) between two
// lists, matched by content.
func fileChanges(field, label string, a, b []FileRef) []Change {
	var out []Change
	in := func(list []FileRef, sha string) bool {
		for _, f := range list {
			if f.SHA256 == sha {
				return true
			}
		}
		return false
	}
	for _, f := range a {
		if !in(b, f.SHA256) {
			out = append(out, Change{Field: field, Label: label, Before: fileLabel(f)})
		}
	}
	for _, f := range b {
		if !in(a, f.SHA256) {
			out = append(out, Change{Field: field, Label: label, After: fileLabel(f)})
		}
	}
	return out
}

func fileLabel(f FileRef) string { return f.Name + " (" + files.HumanSize(f.Size) + ")" }
