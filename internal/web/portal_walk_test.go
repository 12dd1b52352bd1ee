package web

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/exemplar"
	"thidua/internal/portal"
	"thidua/internal/selection"
	"thidua/internal/unit"
)

// --- the authorization walk over the portal, publications and adoptions
//
// For each target r, on top of the selection walk's world (a round held at
// the unit r, a school "RW-r" below it):
//
//   - pub: a good practice of RW-r selected in r's round and published,
//     managed by r; ind: a student's exemplar of RW-r, with its consent
//     (and scanned form) and minors check recorded, not published;
//   - adoption: the unit r applying "top", a practice of a school directly
//     under the root (outside every caller's subtree), with a plan file.
//
// "top" is live for the whole walk (the public routes read it); "top2"
// takes the adoptions the create route makes. Builders put each object
// back into the state its route needs.

type portalSet struct {
	pub, ind portal.Publication
	adoption portal.Adoption
	planSHA  string
}

type portalWalkWorld struct {
	hand       access.Scope
	sets       map[rel]*portalSet
	top, top2  portal.Publication
	topPage    portal.Page
	topSchool  unit.Unit
	photo      string // the public sha of top's photo
	candidates int
}

var portalWalks sync.Map // *walkFixture → *portalWalkWorld

func walkPNG(t testing.TB, shade uint8) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 12, 9))
	for i := range img.Pix {
		img.Pix[i] = shade
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func walkPractice(title, collective string) exemplar.Input {
	return exemplar.Input{SubjectKind: exemplar.Collective, CollectiveName: collective, Category: exemplar.GoodPractice, Title: title,
		Summary:  "Tổ xây dựng góc đọc sách từ vật liệu tái chế.",
		Criteria: []exemplar.CriterionEntry{{Key: "innovation", Checked: true, Evidence: "Biên bản kiểm tra chuyên đề."}},
		Guide: &exemplar.Guide{Context: "Thiếu không gian đọc.", Steps: "Khảo sát; làm kệ sách.", Resources: "3 triệu đồng.",
			Results: "95% học sinh tham gia.", Conditions: "Có sân có mái che.", Contact: "Tổ trưởng."}}
}

// portalSelected drafts in at school, submits it into round and marks the
// nomination selected; it returns the nomination's id.
func (f *walkFixture) portalSelected(hand access.Scope, in exemplar.Input, school unit.Unit, round selection.Round, photos ...[]byte) int64 {
	t, ctx := f.t, context.Background()
	in.UnitID = school.ID
	d, err := f.srv.dossiers.Create(ctx, hand, in)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range photos {
		if d, err = f.srv.dossiers.AttachFile(ctx, hand, d.ID, d.Version, "", "anh.png", bytes.NewReader(p)); err != nil {
			t.Fatal(err)
		}
	}
	sub, err := f.srv.sel.Submit(ctx, hand, d.ID, round.ID)
	if err != nil {
		t.Fatalf("submit %s: %v", in.Title, err)
	}
	f.setNomination(sub.Nomination.ID, selection.Selected, selection.DecideSelect)
	return sub.Nomination.ID
}

func (f *walkFixture) mustPublish(hand access.Scope, id int64) portal.Publication {
	p, err := f.srv.pw.store.Get(context.Background(), hand, id)
	if err != nil {
		f.t.Fatal(err)
	}
	if p, err = f.srv.pw.store.Publish(context.Background(), hand, id, p.Version); err != nil {
		f.t.Fatalf("publish %d: %v", id, err)
	}
	return p
}

func (f *walkFixture) portalWorld() *portalWalkWorld {
	if w, ok := portalWalks.Load(f); ok {
		return w.(*portalWalkWorld)
	}
	t, ctx := f.t, context.Background()
	sw := f.selWorld()
	st := f.srv.pw.store
	w := &portalWalkWorld{hand: sw.hand, sets: map[rel]*portalSet{}}
	w.topSchool = f.mkUnit(t, &f.root, unit.School, "PW-TOP", "Trường THPT Cổng Thông Tin", "THPT")
	create := func(nom int64) portal.Publication {
		p, err := st.Create(ctx, w.hand, nom)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	// top: live, with a photo chosen.
	top := create(f.portalSelected(w.hand, walkPractice("Mô hình góc đọc sách xanh toàn tỉnh", "Tổ Ngữ văn"), w.topSchool, sw.top, walkPNG(t, 90)))
	top, _ = st.Get(ctx, w.hand, top.ID)
	c := top.Content
	top, err := st.Update(ctx, w.hand, top.ID, top.Version, portal.ContentInput{Title: c.Title, Story: c.Story, Achievements: c.Achievements,
		Guide: c.Guide, Photos: []portal.Photo{{SHA256: top.Subject.Images[0].SHA256, Caption: "Góc đọc"}}})
	if err != nil {
		t.Fatal(err)
	}
	w.top = f.mustPublish(w.hand, top.ID)
	if w.topPage, err = st.Page(ctx, w.top.ID); err != nil {
		t.Fatal(err)
	}
	w.photo = w.topPage.Photos[0].PublicSHA
	w.top2 = f.mustPublish(w.hand, create(f.portalSelected(w.hand, walkPractice("Cách làm hay sân chơi tái chế toàn tỉnh", "Tổ Thể dục"), w.topSchool, sw.top)).ID)

	for _, r := range rels {
		s := sw.sets[r]
		ps := &portalSet{}
		ps.pub = f.mustPublish(w.hand, create(f.portalSelected(w.hand, walkPractice("Bài đăng thử "+string(r), "Tổ chuyên môn "+string(r)), s.school, s.main)).ID)
		ind := create(f.portalSelected(w.hand, exemplar.Input{SubjectKind: exemplar.Individual,
			Person:   exemplar.Person{Ho: "Trần", Dem: "Ngọc", Ten: "Lan", Gender: exemplar.Female, BirthYear: 2015, Position: "Học sinh lớp 5A", Student: true},
			Category: exemplar.GoodDeed, Title: "Học sinh thử " + string(r), Summary: "Em nhặt được ví và trả lại.",
			Criteria: []exemplar.CriterionEntry{{Key: "good_deed", Checked: true, Evidence: "Thư cảm ơn."}}}, s.school, s.main))
		ind, err = st.RecordConsent(ctx, w.hand, ind.ID, ind.Version, walkConsent(), strings.NewReader("%PDF-1.4 giấy đồng ý "+string(r)), "dong-y.pdf")
		if err != nil {
			t.Fatal(err)
		}
		if ps.ind, err = st.RecordMinors(ctx, w.hand, ind.ID, ind.Version, portal.MinorsInput{Name: portal.NameInitial, Confirm: true}); err != nil {
			t.Fatal(err)
		}
		a, err := st.Adopt(ctx, w.hand, portal.AdoptionInput{PublicationID: w.top.ID, UnitID: f.unit[r].ID, StartedOn: time.Now().AddDate(0, -1, 0),
			Plan: "Kế hoạch áp dụng tại " + string(r)}, []portal.Upload{{Name: "ke-hoach.pdf", R: strings.NewReader("%PDF-1.4 kế hoạch " + string(r))}})
		if err != nil {
			t.Fatalf("adopt at %s: %v", r, err)
		}
		full, err := st.Adoption(ctx, w.hand, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		ps.adoption, ps.planSHA = a, full.Files[0].SHA256
		w.sets[r] = ps
	}
	portalWalks.Store(f, w)
	return w
}

func walkConsent() portal.ConsentInput {
	return portal.ConsentInput{By: "Trần Văn Hùng", Capacity: portal.CapacityGuardian, On: time.Now(), Method: portal.ConsentWritten, Scope: "Câu chuyện của em.", Photos: true}
}

func (f *walkFixture) publication(id int64) portal.Publication {
	p, err := f.srv.pw.store.Get(context.Background(), f.portalWorld().hand, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

func (f *walkFixture) currentAdoption(id int64) portal.Adoption {
	a, err := f.srv.pw.store.Adoption(context.Background(), f.portalWorld().hand, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// livePub makes sure the publication is on the portal.
func (f *walkFixture) livePub(id int64) portal.Publication {
	p := f.publication(id)
	if p.Status != portal.Published {
		p = f.mustPublish(f.portalWorld().hand, id)
	}
	return p
}

var (
	// portalManages: officers, leaders and administrators of the unit that
	// selected the exemplar, or above it.
	portalManages rule = func(w who, r rel) bool { return isWho(access.Officer, access.Leader, access.Admin)(w) && below(r) }
	// portalAdopts: officers and leaders of the adopting unit.
	portalAdopts rule = func(w who, r rel) bool { return isWho(access.Officer, access.Leader)(w) && below(r) }
	// portalReadsAdoption: any role over the adopting unit.
	portalReadsAdoption rule = func(w who, r rel) bool { return hasRole(w) && below(r) }
)

func init() {
	for p, r := range map[string]rule{
		"GET /dien-hinh":                      everyone,
		"GET /dien-hinh/{slug}":               everyone,
		"GET /dien-hinh/anh/{sha}":            everyone,
		"GET /don-vi/{slug}":                  everyone,
		"GET /search":                         everyone,
		"GET /feed.atom":                      everyone,
		"GET /sitemap.xml":                    everyone,
		"GET /robots.txt":                     everyone,
		"GET /api/v1/portal/exemplars":        everyone,
		"GET /api/v1/portal/exemplars/{id}":   everyone,
		"GET /publications":                   loggedIn,
		"POST /publications":                  portalManages,
		"GET /publications/{id}":              portalManages,
		"GET /publications/{id}/preview":      portalManages,
		"POST /publications/{id}/edit":        portalManages,
		"POST /publications/{id}/consent":     portalManages,
		"GET /publications/{id}/consent-file": portalManages,
		"POST /publications/{id}/minors":      portalManages,
		"POST /publications/{id}/publish":     portalManages,
		"POST /publications/{id}/unpublish":   portalManages,
		"POST /publications/{id}/feature":     portalManages,
		"GET /adoptions":                      loggedIn,
		"GET /adoptions/new":                  loggedIn,
		"POST /adoptions":                     portalAdopts,
		"GET /adoptions/spread":               loggedIn,
		"GET /adoptions/{id}":                 portalReadsAdoption,
		"POST /adoptions/{id}/edit":           portalAdopts,
		"POST /adoptions/{id}/checkins":       portalAdopts,
		"POST /adoptions/{id}/outcome":        portalAdopts,
		"GET /adoptions/{id}/files/{sha}":     portalReadsAdoption,

		"GET /api/v1/publications":                   loggedIn,
		"GET /api/v1/publications/candidates":        loggedIn,
		"POST /api/v1/publications":                  portalManages,
		"GET /api/v1/publications/{id}":              portalManages,
		"PUT /api/v1/publications/{id}":              portalManages,
		"PUT /api/v1/publications/{id}/consent":      portalManages,
		"PUT /api/v1/publications/{id}/consent-file": portalManages,
		"GET /api/v1/publications/{id}/consent-file": portalManages,
		"PUT /api/v1/publications/{id}/minors":       portalManages,
		"POST /api/v1/publications/{id}/publish":     portalManages,
		"POST /api/v1/publications/{id}/unpublish":   portalManages,
		"PUT /api/v1/publications/{id}/feature":      portalManages,
		"GET /api/v1/publications/{id}/revisions":    portalManages,
		"GET /api/v1/adoptions":                      loggedIn,
		"POST /api/v1/adoptions":                     portalAdopts,
		"GET /api/v1/adoptions/spread":               loggedIn,
		"GET /api/v1/adoptions/{id}":                 portalReadsAdoption,
		"PUT /api/v1/adoptions/{id}":                 portalAdopts,
		"POST /api/v1/adoptions/{id}/files":          portalAdopts,
		"GET /api/v1/adoptions/{id}/files/{sha}":     portalReadsAdoption,
		"POST /api/v1/adoptions/{id}/checkins":       portalAdopts,
		"PUT /api/v1/adoptions/{id}/outcome":         portalAdopts,
	} {
		expectations[p] = r
	}

	set := func(f *walkFixture, k walkCase) *portalSet { return f.portalWorld().sets[k.r] }
	version := func(f *walkFixture, table string, id int64) func() string {
		return f.query("SELECT version FROM "+table+" WHERE id = $1", id)
	}
	pubForm := func(p portal.Publication, extra url.Values) url.Values {
		v := url.Values{"version": {strconv.Itoa(p.Version)}}
		for k, x := range extra {
			v[k] = x
		}
		return v
	}
	activeAdoption := func(f *walkFixture, k walkCase) portal.Adoption {
		a := set(f, k).adoption
		f.exec("UPDATE adoptions SET status = 'active', ended_on = NULL, outcome = '' WHERE id = $1", a.ID)
		return f.currentAdoption(a.ID)
	}
	today := func() string { return time.Now().Format("2006-01-02") }

	for p, b := range map[string]builder{
		"GET /dien-hinh": plain,
		"GET /dien-hinh/{slug}": func(f *walkFixture, k walkCase) call {
			w := f.portalWorld()
			return call{params: map[string]string{"slug": w.topPage.Slug}, shows: w.topPage.Title}
		},
		"GET /dien-hinh/anh/{sha}": func(f *walkFixture, k walkCase) call {
			return call{params: map[string]string{"sha": f.portalWorld().photo}}
		},
		"GET /don-vi/{slug}": func(f *walkFixture, k walkCase) call {
			w := f.portalWorld()
			return call{params: map[string]string{"slug": portal.SlugOf(w.topSchool.Name, w.topSchool.ID)}, shows: w.topSchool.Name}
		},
		"GET /search": func(f *walkFixture, k walkCase) call {
			// The title's words are marked in the results: look for its link.
			return call{query: "q=goc+doc+sach+xanh", shows: "/dien-hinh/" + f.portalWorld().topPage.Slug}
		},
		"GET /feed.atom":   plain,
		"GET /sitemap.xml": plain,
		"GET /robots.txt":  plain,
		"GET /api/v1/portal/exemplars": func(f *walkFixture, k walkCase) call {
			return call{query: "q=goc+doc+sach+xanh", shows: `"title": "` + f.portalWorld().topPage.Title + `"`}
		},
		"GET /api/v1/portal/exemplars/{id}": func(f *walkFixture, k walkCase) call {
			w := f.portalWorld()
			return call{id: w.top.ID, shows: w.topPage.Title}
		},

		"GET /publications": plain,
		"POST /publications": func(f *walkFixture, k walkCase) call {
			s := f.selWorld().sets[k.r]
			w := f.portalWorld()
			w.candidates++
			nom := f.portalSelected(w.hand, walkPractice(fmt.Sprintf("Ứng viên đăng %d", w.candidates), fmt.Sprintf("Tổ ứng viên %d", w.candidates)), s.school, s.main)
			return call{form: url.Values{"nomination_id": {idstr(nom)}}, state: f.query("SELECT COUNT(*) FROM publications WHERE nomination_id = $1", nom), mutates: true}
		},
		"GET /publications/{id}": func(f *walkFixture, k walkCase) call {
			p := set(f, k).pub
			return call{id: p.ID, shows: p.Content.Title}
		},
		"GET /publications/{id}/preview": func(f *walkFixture, k walkCase) call {
			p := set(f, k).pub
			return call{id: p.ID, shows: p.Content.Title}
		},
		"POST /publications/{id}/edit": func(f *walkFixture, k walkCase) call {
			p := f.publication(set(f, k).pub.ID)
			c := p.Content
			form := pubForm(p, url.Values{"title": {c.Title}, "story": {c.Story + "."}, "achievements": {c.Achievements}})
			for _, g := range portal.GuideFields(c.Guide) {
				form.Set(g.Field, g.Value)
			}
			return call{id: p.ID, form: form, state: version(f, "publications", p.ID), mutates: true}
		},
		"POST /publications/{id}/consent": func(f *walkFixture, k walkCase) call {
			p := f.publication(set(f, k).ind.ID)
			c := walkConsent()
			return call{id: p.ID, form: pubForm(p, url.Values{"consent_by": {c.By}, "consent_capacity": {c.Capacity}, "consent_on": {today()},
				"consent_method": {c.Method}, "consent_scope": {c.Scope}, "keep_file": {"1"}}), state: version(f, "publications", p.ID), mutates: true}
		},
		"GET /publications/{id}/consent-file": func(f *walkFixture, k walkCase) call {
			return call{id: set(f, k).ind.ID, shows: "giấy đồng ý " + string(k.r)}
		},
		"POST /publications/{id}/minors": func(f *walkFixture, k walkCase) call {
			p := f.publication(set(f, k).ind.ID)
			return call{id: p.ID, form: pubForm(p, url.Values{"minors_name": {portal.NameInitial}, "minors_confirm": {"1"}}),
				state: version(f, "publications", p.ID), mutates: true}
		},
		"POST /publications/{id}/publish": func(f *walkFixture, k walkCase) call {
			id := set(f, k).pub.ID
			f.exec("UPDATE publications SET status = 'draft' WHERE id = $1", id)
			p := f.publication(id)
			return call{id: id, form: pubForm(p, nil), state: f.query("SELECT revision FROM publications WHERE id = $1", id), mutates: true}
		},
		"POST /publications/{id}/unpublish": func(f *walkFixture, k walkCase) call {
			p := f.livePub(set(f, k).pub.ID)
			return call{id: p.ID, form: pubForm(p, url.Values{"reason": {"Thử gỡ."}}), state: f.query("SELECT status FROM publications WHERE id = $1", p.ID), mutates: true}
		},
		"POST /publications/{id}/feature": func(f *walkFixture, k walkCase) call {
			p := f.livePub(set(f, k).pub.ID)
			next := "1"
			if p.Featured {
				next = "0"
			}
			return call{id: p.ID, form: pubForm(p, url.Values{"featured": {next}, "feature_order": {"3"}}),
				state: f.query("SELECT featured FROM publications WHERE id = $1", p.ID), mutates: true}
		},

		"GET /adoptions":        plain,
		"GET /adoptions/new":    plain,
		"GET /adoptions/spread": plain,
		"POST /adoptions": func(f *walkFixture, k walkCase) call {
			w := f.portalWorld()
			u := f.unit[k.r]
			sub := "SELECT id FROM adoptions WHERE publication_id = $1 AND unit_id = $2"
			f.exec("DELETE FROM adoption_files WHERE adoption_id IN ("+sub+")", w.top2.ID, u.ID)
			f.exec("DELETE FROM adoption_checkins WHERE adoption_id IN ("+sub+")", w.top2.ID, u.ID)
			f.exec("DELETE FROM adoptions WHERE publication_id = $1 AND unit_id = $2", w.top2.ID, u.ID)
			return call{form: url.Values{"publication_id": {idstr(w.top2.ID)}, "unit_id": {idstr(u.ID)}, "started_on": {today()}, "plan": {"Kế hoạch thử."}},
				state: f.query("SELECT COUNT(*) FROM adoptions WHERE publication_id = $1 AND unit_id = $2", w.top2.ID, u.ID), mutates: true,
				alsoDenied: []int{http.StatusUnprocessableEntity}}
		},
		"GET /adoptions/{id}": func(f *walkFixture, k walkCase) call {
			return call{id: set(f, k).adoption.ID, shows: "Kế hoạch áp dụng tại " + string(k.r)}
		},
		"POST /adoptions/{id}/edit": func(f *walkFixture, k walkCase) call {
			a := activeAdoption(f, k)
			return call{id: a.ID, form: url.Values{"version": {strconv.Itoa(a.Version)}, "started_on": {a.StartedOn.Format("2006-01-02")}, "plan": {a.Plan + "."}},
				state: version(f, "adoptions", a.ID), mutates: true}
		},
		"POST /adoptions/{id}/checkins": func(f *walkFixture, k walkCase) call {
			a := activeAdoption(f, k)
			return call{id: a.ID, form: url.Values{"version": {strconv.Itoa(a.Version)}, "on": {today()}, "progress": {"40"}, "note": {"Đúng tiến độ."}},
				state: f.query("SELECT COUNT(*) FROM adoption_checkins WHERE adoption_id = $1", a.ID), mutates: true}
		},
		"POST /adoptions/{id}/outcome": func(f *walkFixture, k walkCase) call {
			a := activeAdoption(f, k)
			return call{id: a.ID, form: url.Values{"version": {strconv.Itoa(a.Version)}, "status": {string(portal.Completed)}, "ended_on": {today()}, "outcome": {"Hoàn thành."}},
				state: f.query("SELECT status FROM adoptions WHERE id = $1", a.ID), mutates: true}
		},
		"GET /adoptions/{id}/files/{sha}": func(f *walkFixture, k walkCase) call {
			s := set(f, k)
			return call{id: s.adoption.ID, params: map[string]string{"sha": s.planSHA}, shows: "kế hoạch " + string(k.r)}
		},

		"GET /api/v1/publications":            plain,
		"GET /api/v1/publications/candidates": plain,
		"POST /api/v1/publications": func(f *walkFixture, k walkCase) call {
			s := f.selWorld().sets[k.r]
			w := f.portalWorld()
			w.candidates++
			nom := f.portalSelected(w.hand, walkPractice(fmt.Sprintf("Ứng viên API %d", w.candidates), fmt.Sprintf("Tổ ứng viên API %d", w.candidates)), s.school, s.main)
			return call{json: map[string]int64{"nomination_id": nom}, state: f.query("SELECT COUNT(*) FROM publications WHERE nomination_id = $1", nom), mutates: true}
		},
		"GET /api/v1/publications/{id}": func(f *walkFixture, k walkCase) call {
			p := set(f, k).pub
			return call{id: p.ID, shows: p.Content.Title}
		},
		"PUT /api/v1/publications/{id}": func(f *walkFixture, k walkCase) call {
			p := f.publication(set(f, k).pub.ID)
			c := p.Content
			return call{id: p.ID, json: contentBody{Version: p.Version, Title: c.Title, Story: c.Story + ".", Achievements: c.Achievements, Guide: c.Guide},
				state: version(f, "publications", p.ID), mutates: true}
		},
		"PUT /api/v1/publications/{id}/consent": func(f *walkFixture, k walkCase) call {
			p := f.publication(set(f, k).ind.ID)
			c := walkConsent()
			return call{id: p.ID, json: consentBody{Version: p.Version, By: c.By, Capacity: c.Capacity, On: today(), Method: c.Method, Scope: c.Scope},
				state: version(f, "publications", p.ID), mutates: true}
		},
		"PUT /api/v1/publications/{id}/consent-file": func(f *walkFixture, k walkCase) call {
			p := f.publication(set(f, k).ind.ID)
			return call{id: p.ID, raw: []byte(fmt.Sprintf("%%PDF-1.4 giấy đồng ý %s %d", k.r, f.next())), query: "name=dong-y.pdf&version=" + strconv.Itoa(p.Version),
				state: f.query("SELECT consent_file FROM publications WHERE id = $1", p.ID), mutates: true}
		},
		"GET /api/v1/publications/{id}/consent-file": func(f *walkFixture, k walkCase) call {
			return call{id: set(f, k).ind.ID, shows: "giấy đồng ý " + string(k.r)}
		},
		"PUT /api/v1/publications/{id}/minors": func(f *walkFixture, k walkCase) call {
			p := f.publication(set(f, k).ind.ID)
			return call{id: p.ID, json: minorsBody{Version: p.Version, Name: portal.NameInitial, Confirm: true}, state: version(f, "publications", p.ID), mutates: true}
		},
		"POST /api/v1/publications/{id}/publish": func(f *walkFixture, k walkCase) call {
			id := set(f, k).pub.ID
			f.exec("UPDATE publications SET status = 'draft' WHERE id = $1", id)
			p := f.publication(id)
			return call{id: id, json: publishBody{Version: p.Version}, state: f.query("SELECT revision FROM publications WHERE id = $1", id), mutates: true}
		},
		"POST /api/v1/publications/{id}/unpublish": func(f *walkFixture, k walkCase) call {
			p := f.livePub(set(f, k).pub.ID)
			return call{id: p.ID, json: publishBody{Version: p.Version, Reason: "Thử gỡ."}, state: f.query("SELECT status FROM publications WHERE id = $1", p.ID), mutates: true}
		},
		"PUT /api/v1/publications/{id}/feature": func(f *walkFixture, k walkCase) call {
			p := f.livePub(set(f, k).pub.ID)
			return call{id: p.ID, json: featureBody{Version: p.Version, Featured: !p.Featured, Order: 4},
				state: f.query("SELECT featured FROM publications WHERE id = $1", p.ID), mutates: true}
		},
		"GET /api/v1/publications/{id}/revisions": func(f *walkFixture, k walkCase) call {
			p := f.livePub(set(f, k).pub.ID)
			return call{id: p.ID, shows: `"number": 1`}
		},
		"GET /api/v1/adoptions": plain,
		"POST /api/v1/adoptions": func(f *walkFixture, k walkCase) call {
			w := f.portalWorld()
			u := f.unit[k.r]
			sub := "SELECT id FROM adoptions WHERE publication_id = $1 AND unit_id = $2"
			f.exec("DELETE FROM adoption_files WHERE adoption_id IN ("+sub+")", w.top2.ID, u.ID)
			f.exec("DELETE FROM adoption_checkins WHERE adoption_id IN ("+sub+")", w.top2.ID, u.ID)
			f.exec("DELETE FROM adoptions WHERE publication_id = $1 AND unit_id = $2", w.top2.ID, u.ID)
			return call{json: adoptionBody{PublicationID: w.top2.ID, UnitID: u.ID, StartedOn: today(), Plan: "Kế hoạch thử qua API."},
				state: f.query("SELECT COUNT(*) FROM adoptions WHERE publication_id = $1 AND unit_id = $2", w.top2.ID, u.ID), mutates: true,
				alsoDenied: []int{http.StatusUnprocessableEntity}}
		},
		"GET /api/v1/adoptions/spread": plain,
		"GET /api/v1/adoptions/{id}": func(f *walkFixture, k walkCase) call {
			return call{id: set(f, k).adoption.ID, shows: "Kế hoạch áp dụng tại " + string(k.r)}
		},
		"PUT /api/v1/adoptions/{id}": func(f *walkFixture, k walkCase) call {
			a := activeAdoption(f, k)
			return call{id: a.ID, json: adoptionBody{Version: a.Version, StartedOn: a.StartedOn.Format("2006-01-02"), Plan: a.Plan + "."},
				state: version(f, "adoptions", a.ID), mutates: true}
		},
		"POST /api/v1/adoptions/{id}/files": func(f *walkFixture, k walkCase) call {
			a := activeAdoption(f, k)
			return call{id: a.ID, raw: []byte(fmt.Sprintf("%%PDF-1.4 kế hoạch bổ sung %s %d", k.r, f.next())), query: "name=bo-sung.pdf&version=" + strconv.Itoa(a.Version),
				state: f.query("SELECT COUNT(*) FROM adoption_files WHERE adoption_id = $1", a.ID), mutates: true}
		},
		"GET /api/v1/adoptions/{id}/files/{sha}": func(f *walkFixture, k walkCase) call {
			s := set(f, k)
			return call{id: s.adoption.ID, params: map[string]string{"sha": s.planSHA}, shows: "kế hoạch " + string(k.r)}
		},
		"POST /api/v1/adoptions/{id}/checkins": func(f *walkFixture, k walkCase) call {
			a := activeAdoption(f, k)
			progress := 40
			return call{id: a.ID, json: checkinBody{Version: a.Version, On: today(), Progress: &progress, Note: "Đúng tiến độ."},
				state: f.query("SELECT COUNT(*) FROM adoption_checkins WHERE adoption_id = $1", a.ID), mutates: true}
		},
		"PUT /api/v1/adoptions/{id}/outcome": func(f *walkFixture, k walkCase) call {
			a := activeAdoption(f, k)
			return call{id: a.ID, json: outcomeBody{Version: a.Version, Status: string(portal.Completed), EndedOn: today(), Outcome: "Hoàn thành."},
				state: f.query("SELECT status FROM adoptions WHERE id = $1", a.ID), mutates: true}
		},
	} {
		walkRequests[p] = b
	}
}
