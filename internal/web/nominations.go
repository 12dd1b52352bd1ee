package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/errs"
	"thidua/internal/exemplar"
	"thidua/internal/selection"
	"thidua/internal/viet"
)

// --- putting a dossier into a round

// nominationRefusedData is the page shown when a dossier could not be put
// into a round: the reason and the way back.
type nominationRefusedData struct {
	DossierID int64
	Errors    map[string]string
}

// targetRound picks the round for a dossier when the form gives none: the
// only open round of the unit above, if there is exactly one.
func (s *Server) targetRound(ctx context.Context, sc access.Scope, dossierID int64) (int64, error) {
	d, err := s.dossiers.Get(ctx, sc, dossierID)
	if err != nil {
		return 0, err
	}
	u, err := s.units.Get(ctx, sc, d.UnitID)
	if err != nil {
		return 0, err
	}
	holder, rounds, err := s.sel.TargetRounds(ctx, u, time.Now())
	if err != nil {
		return 0, errs.InvalidField("round_id", errs.MessageOf(err))
	}
	switch len(rounds) {
	case 0:
		return 0, errs.InvalidField("round_id", "Chưa có đợt xét chọn nào của "+holder.Name+" đang nhận hồ sơ.")
	case 1:
		return rounds[0].ID, nil
	}
	return 0, errs.InvalidField("round_id", holder.Name+" đang có nhiều đợt nhận hồ sơ; hãy chọn một đợt.")
}

// putForward submits (action "submit", the default) or proposes a dossier
// into a round; it returns the nomination and the submission's warnings.
func (s *Server) putForward(ctx context.Context, sc access.Scope, dossierID, roundID int64, action string) (selection.Nomination, []string, error) {
	if dossierID <= 0 {
		return selection.Nomination{}, nil, errs.InvalidField("dossier_id", "Thiếu hồ sơ cần gửi (dossier_id).")
	}
	if roundID <= 0 {
		id, err := s.targetRound(ctx, sc, dossierID)
		if err != nil {
			return selection.Nomination{}, nil, err
		}
		roundID = id
	}
	switch action {
	case "", string(selection.Submit):
		sub, err := s.sel.Submit(ctx, sc, dossierID, roundID)
		return sub.Nomination, sub.Warnings, err
	case string(selection.Propose):
		n, err := s.sel.Propose(ctx, sc, dossierID, roundID)
		return n, nil, err
	}
	return selection.Nomination{}, nil, errs.InvalidField("action", "Thao tác phải là “submit” (gửi đề nghị) hoặc “propose” (đề xuất).")
}

func (s *Server) nominationCreate(w http.ResponseWriter, r *http.Request) {
	dossierID := formInt(r, "dossier_id")
	action := r.PostFormValue("action")
	n, warnings, err := s.putForward(r.Context(), scope(r), dossierID, formInt(r, "round_id"), action)
	if errs.Is(err, errs.Invalid) || errs.Is(err, errs.Conflict) {
		st := status(errs.CodeOf(err))
		s.render(w, r, st, "nomination_refused", &page{Title: "Chưa gửi được hồ sơ", Section: "rounds", Error: errs.MessageOf(err),
			Data: nominationRefusedData{DossierID: dossierID, Errors: errs.FieldsOf(err)}})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msg := "Đã gửi hồ sơ vào đợt “" + n.RoundName + "”."
	if n.State == selection.Draft {
		msg = "Đã đề xuất hồ sơ vào đợt “" + n.RoundName + "”; lãnh đạo đơn vị xem và gửi đề nghị."
	}
	if len(warnings) > 0 {
		msg += " Lưu ý: " + strings.Join(warnings, " ")
	}
	s.redirect(w, r, "/nominations/"+rid(n.ID), msg)
}

// --- one nomination

type scoreRow struct {
	Reviewer string
	Items    []string // in rubric order
	Total    float64
	Comment  string
	At       time.Time
}

type versionScores struct {
	VersionID int64
	Number    int
	Current   bool
	Rows      []scoreRow
	Means     []string // per criterion, in rubric order
	Mean      float64  // of the totals
}

type eventRow struct {
	selection.Event
	Number int // the dossier version's number, 0 when none
}

type nominationViewData struct {
	N            selection.Nomination
	Round        *selection.Round
	Rubric       []selection.RubricItem
	Review       selection.ReviewState
	VersionNo    int
	Scores       []versionScores // the current version first
	ScoresHidden bool            // an assigned reviewer who has not scored yet
	CanScore     bool
	CanDecide    bool
	CanResubmit  bool
	CanSubmit    bool
	Diff         []exemplar.Change
	DiffFrom     int  // the version number the diff starts from
	DiffMine     bool // the diff starts from the version the caller scored
	History      []eventRow
	Overdue      bool
	Pending      bool // a decision recorded, not yet released
	Reviewing    bool // the reviewing side sees the decision before release
}

func (s *Server) nominationView(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderNomination(w, r, id, http.StatusOK, &page{})
}

func (s *Server) renderNomination(w http.ResponseWriter, r *http.Request, id int64, st int, p *page) {
	ctx, sc := r.Context(), scope(r)
	n, err := s.sel.Nomination(ctx, sc, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := nominationViewData{N: n}
	if d.Review, err = s.sel.Review(ctx, sc, id); err != nil {
		s.fail(w, r, err)
		return
	}
	if rd, err := s.sel.Round(ctx, sc, n.RoundID); err == nil {
		d.Round, d.Rubric = &rd, rd.Rubric
	}
	events, err := s.sel.VisibleHistory(ctx, sc, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The dossier versions this nomination went through, oldest first.
	numbers := map[int64]int{}
	var versions []int64
	for _, e := range events {
		if e.VersionID != 0 && numbers[e.VersionID] == 0 {
			numbers[e.VersionID] = -1
			versions = append(versions, e.VersionID)
		}
	}
	if n.VersionID != 0 && numbers[n.VersionID] == 0 {
		numbers[n.VersionID] = -1
		versions = append(versions, n.VersionID)
	}
	snapshots := map[int64]exemplar.Version{}
	for _, v := range versions {
		if ver, err := s.dossiers.Version(ctx, sc, v); err == nil {
			numbers[v], snapshots[v] = ver.Number, ver
		} else {
			numbers[v] = 0
		}
	}
	d.VersionNo = numbers[n.VersionID]
	for _, e := range events {
		d.History = append(d.History, eventRow{Event: e, Number: max(numbers[e.VersionID], 0)})
	}

	// What changed since the version the caller scored, or, for the rest of
	// the reviewing side, since the version before.
	from := int64(0)
	if d.Review.Assigned && d.Review.LastScored != 0 && d.Review.LastScored != n.VersionID {
		from, d.DiffMine = d.Review.LastScored, true
	} else if d.Review.ReviewSide {
		for i := len(versions) - 1; i > 0; i-- {
			if versions[i] == n.VersionID {
				from = versions[i-1]
				break
			}
		}
	}
	if a, ok := snapshots[from]; ok && from != 0 {
		if b, ok := snapshots[n.VersionID]; ok {
			d.Diff, d.DiffFrom = exemplar.Diff(a.Dossier, b.Dossier), a.Number
		}
	}

	if d.Review.ReviewSide {
		// Current version first, then the earlier ones.
		for i := len(versions) - 1; i >= 0; i-- {
			v := versions[i]
			sheets, err := s.sel.Scores(ctx, sc, id, v)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			vs := versionScores{VersionID: v, Number: numbers[v], Current: v == n.VersionID}
			for _, sh := range sheets {
				row := scoreRow{Reviewer: sh.Reviewer, Total: sh.Total, Comment: sh.Comment, At: sh.SubmittedAt}
				for _, it := range d.Rubric {
					if x, ok := sh.Items[it.Key]; ok {
						row.Items = append(row.Items, strconv.Itoa(x))
					} else {
						row.Items = append(row.Items, "—")
					}
				}
				vs.Rows = append(vs.Rows, row)
			}
			if len(sheets) > 0 {
				for _, it := range d.Rubric {
					var sum float64
					for _, sh := range sheets {
						sum += float64(sh.Items[it.Key])
					}
					vs.Means = append(vs.Means, decimal(sum/float64(len(sheets)), 2))
				}
				for _, sh := range sheets {
					vs.Mean += sh.Total / float64(len(sheets))
				}
			}
			if vs.Current && d.Review.Assigned && !d.Review.ScoredCurrent {
				d.ScoresHidden = true
			}
			if len(vs.Rows) > 0 || vs.Current {
				d.Scores = append(d.Scores, vs)
			}
		}
	}
	d.CanScore = d.Review.Assigned && n.State == selection.UnderReview && n.Decision == "" && !d.Review.ScoredCurrent && len(d.Rubric) > 0
	d.CanDecide = n.State == selection.UnderReview && selection.Can(sc, selection.Decide, n.SubmittingUnitPath, n.ReviewUnitPath)
	d.CanResubmit = n.State == selection.Returned && selection.Can(sc, selection.Resubmit, n.SubmittingUnitPath, n.ReviewUnitPath)
	d.CanSubmit = n.State == selection.Draft && selection.Can(sc, selection.Submit, n.SubmittingUnitPath, n.ReviewUnitPath)
	d.Pending = n.State == selection.UnderReview && n.Decision != ""
	d.Reviewing = d.Review.ReviewSide
	if n.ReturnDeadline != nil && n.State == selection.Returned {
		d.Overdue = n.ReturnDeadline.Before(dayIn(time.Now()))
	}
	if p.Form == nil {
		p.Form = url.Values{}
	}
	if p.Form.Get("mode") == "" {
		p.Form.Set("mode", "vote")
		if n.Decision == selection.DecideReturn {
			p.Form.Set("mode", "return")
		}
	}
	p.Title, p.Section, p.Data = n.Title+" — "+n.SubjectName, "rounds", d
	s.render(w, r, st, "nomination", p)
}

// nominationChange runs a change from the nomination page: field errors
// and stale versions show the page again with the message, success goes
// back to it with msg.
func (s *Server) nominationChange(w http.ResponseWriter, r *http.Request, fn func(id int64) (string, error)) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msg, err := fn(id)
	if errs.Is(err, errs.Invalid) || errs.Is(err, errs.Conflict) {
		s.renderNomination(w, r, id, status(errs.CodeOf(err)), &page{Error: errs.MessageOf(err), Errors: errs.FieldsOf(err), Form: r.PostForm})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/nominations/"+rid(id), msg)
}

// scoreItems reads the "score_<key>" fields of the score form.
func scoreItems(form url.Values) (map[string]int, errs.Fields) {
	items := map[string]int{}
	f := errs.Fields{}
	for k, vs := range form {
		key, ok := strings.CutPrefix(k, "score_")
		if !ok || len(vs) == 0 {
			continue
		}
		v := strings.TrimSpace(vs[0])
		if v == "" {
			continue // the store names the missing criterion
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			f.Add(k, "Điểm là một số nguyên.")
			continue
		}
		items[key] = n
	}
	return items, f
}

func (s *Server) nominationScore(w http.ResponseWriter, r *http.Request) {
	s.nominationChange(w, r, func(id int64) (string, error) {
		r.ParseForm()
		items, f := scoreItems(r.PostForm)
		if err := f.Err(); err != nil {
			// Refuse strangers before talking about their numbers.
			if _, err := s.sel.Nomination(r.Context(), scope(r), id); err != nil {
				return "", err
			}
			return "", err
		}
		sh, err := s.sel.SubmitScore(r.Context(), scope(r), id, items, r.PostFormValue("comment"))
		if err != nil {
			return "", err
		}
		return "Đã ghi điểm của bạn: " + decimal(sh.Total, 2) + "/100.", nil
	})
}

// decisionInput reads the decision form.
func decisionInput(form url.Values) (selection.DecisionInput, errs.Fields) {
	f := errs.Fields{}
	num := func(name string) int {
		v := strings.TrimSpace(form.Get(name))
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			f.Add("votes", "Số phiếu là số nguyên không âm.")
		}
		return n
	}
	in := selection.DecisionInput{Return: form.Get("mode") == "return", Note: strings.TrimSpace(form.Get("note"))}
	if !in.Return {
		in.VotesFor, in.VotesAgainst, in.AbsentFor, in.AbsentAgainst = num("votes_for"), num("votes_against"), num("absent_for"), num("absent_against")
	}
	if v := strings.TrimSpace(form.Get("return_deadline")); v != "" && in.Return {
		d, ok := viet.ParseDate(v)
		if !ok {
			f.Add("return_deadline", "Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm.")
		} else {
			in.ReturnDeadline = &d
		}
	}
	return in, f
}

func (s *Server) nominationDecide(w http.ResponseWriter, r *http.Request) {
	s.nominationChange(w, r, func(id int64) (string, error) {
		r.ParseForm()
		in, f := decisionInput(r.PostForm)
		if err := f.Err(); err != nil {
			if _, err := s.sel.Nomination(r.Context(), scope(r), id); err != nil {
				return "", err
			}
			return "", err
		}
		n, err := s.sel.Decide(r.Context(), scope(r), id, int(formInt(r, "version")), in)
		if err != nil {
			return "", err
		}
		return "Đã ghi quyết định của hội đồng: " + n.Decision.Label() + ". Quyết định được giữ kín đến khi công bố kết quả của đợt.", nil
	})
}

func (s *Server) nominationResubmit(w http.ResponseWriter, r *http.Request) {
	s.nominationChange(w, r, func(id int64) (string, error) {
		n, err := s.sel.Resubmit(r.Context(), scope(r), id, int(formInt(r, "version")))
		if err != nil {
			return "", err
		}
		return "Đã gửi lại hồ sơ đã bổ sung vào đợt “" + n.RoundName + "”.", nil
	})
}
