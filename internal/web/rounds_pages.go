package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/errs"
	"thidua/internal/selection"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// --- the list of rounds

// roundGroup is the rounds of one holding unit.
type roundGroup struct {
	Unit    unit.Unit
	Rounds  []selection.Round
	Total   int
	For     []string // the caller's units that submit into these rounds
	Officer bool     // the caller runs this unit's rounds as officer
}

type roundListData struct {
	Run     []roundGroup // units whose rounds the caller runs (officer or leader there)
	Target  []roundGroup // open rounds the caller's units submit into
	CanOpen bool
	Now     time.Time
}

func (s *Server) roundList(w http.ResponseWriter, r *http.Request) {
	ctx, sc := r.Context(), scope(r)
	now := time.Now()
	d := roundListData{Now: now}
	seen := map[int64]int{}
	for _, g := range sc.Grants {
		if g.UnitID == 0 || g.Role != access.Officer && g.Role != access.Leader {
			continue
		}
		if i, ok := seen[g.UnitID]; ok {
			d.Run[i].Officer = d.Run[i].Officer || g.Role == access.Officer
			d.CanOpen = d.CanOpen || d.Run[i].Officer
			continue
		}
		u, err := s.units.Get(ctx, sc, g.UnitID)
		if err != nil || !u.RunsRounds {
			continue
		}
		rounds, total, err := s.sel.Rounds(ctx, sc, u.ID, 20, 0)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		seen[u.ID] = len(d.Run)
		d.Run = append(d.Run, roundGroup{Unit: u, Rounds: rounds, Total: total, Officer: g.Role == access.Officer})
		d.CanOpen = d.CanOpen || g.Role == access.Officer
	}
	holders := map[int64]int{}
	mine := map[int64]bool{}
	for _, g := range sc.Grants {
		if g.UnitID == 0 || mine[g.UnitID] {
			continue
		}
		mine[g.UnitID] = true
		u, err := s.units.Get(ctx, sc, g.UnitID)
		if err != nil {
			continue
		}
		holder, rounds, err := s.sel.TargetRounds(ctx, u, now)
		if err != nil {
			continue // nothing above holds rounds
		}
		i, ok := holders[holder.ID]
		if !ok {
			i = len(d.Target)
			holders[holder.ID] = i
			d.Target = append(d.Target, roundGroup{Unit: holder, Rounds: rounds, Total: len(rounds)})
		}
		d.Target[i].For = append(d.Target[i].For, u.Name)
	}
	s.render(w, r, http.StatusOK, "rounds", &page{Title: "Xét chọn điển hình", Section: "rounds", Data: d})
}

// --- opening and editing a round

type roundFormData struct {
	Round        *selection.Round // when editing
	Units        []unit.Unit      // where the caller may open a round
	Rubric       []selection.RubricItem
	RubricSource string
}

// officerUnits lists the open units where the caller is officer and that
// hold rounds: where the round form offers to open one.
func (s *Server) officerUnits(ctx context.Context, sc access.Scope) []unit.Unit {
	var out []unit.Unit
	for _, g := range sc.Grants {
		if g.UnitID == 0 || g.Role != access.Officer || slices.ContainsFunc(out, func(u unit.Unit) bool { return u.ID == g.UnitID }) {
			continue
		}
		u, err := s.units.Get(ctx, sc, g.UnitID)
		if err == nil && u.RunsRounds && !u.ClosedNow() {
			out = append(out, u)
		}
	}
	return out
}

// rubricPreview is the rubric a new round at unitID will copy: the unit's
// latest round's, or the preset in force on day; and where it comes from.
func (s *Server) rubricPreview(ctx context.Context, sc access.Scope, unitID int64, day time.Time) ([]selection.RubricItem, string) {
	if unitID != 0 {
		if rounds, _, err := s.sel.Rounds(ctx, sc, unitID, 1, 0); err == nil && len(rounds) > 0 {
			return rounds[0].Rubric, "Sao chép từ đợt “" + rounds[0].Name + "” của đơn vị."
		}
	}
	presets, err := s.sel.Presets(ctx)
	if err != nil {
		return nil, ""
	}
	d := dayIn(day)
	for _, p := range presets {
		if (p.ValidFrom == nil || !d.Before(*p.ValidFrom)) && (p.ValidTo == nil || !d.After(*p.ValidTo)) {
			return p.Items, "Bộ tiêu chí mẫu đang có hiệu lực: " + p.Name + "."
		}
	}
	return nil, "Chưa có bộ tiêu chí mẫu cho thời điểm này."
}

// councilLines writes council members one per line, "Họ tên — Chức vụ".
func councilLines(ms []selection.Member) string {
	lines := make([]string, len(ms))
	for i, m := range ms {
		lines[i] = m.Name
		if m.Position != "" {
			lines[i] += " — " + m.Position
		}
	}
	return strings.Join(lines, "\n")
}

// parseCouncil reads the council textarea; members already on the round
// (old) keep their accounts when their names are unchanged.
func parseCouncil(text string, old []selection.Member) []selection.Member {
	var out []selection.Member
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, pos := line, ""
		for _, sep := range []string{"—", "–", " - ", "\t", ";"} {
			if a, b, ok := strings.Cut(line, sep); ok {
				name, pos = strings.TrimSpace(a), strings.TrimSpace(b)
				break
			}
		}
		m := selection.Member{Name: viet.NFC(name), Position: viet.NFC(pos)}
		for _, o := range old {
			if o.Name == m.Name {
				m.UserID = o.UserID
			}
		}
		out = append(out, m)
	}
	return out
}

// formNumber reads an optional whole number, recording a message when it
// is not one.
func formNumber(r *http.Request, name, msg string, f errs.Fields) int {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		f.Add(name, msg)
	}
	return n
}

// formDay reads a required date field.
func formDay(r *http.Request, name, missing string, f errs.Fields) (time.Time, bool) {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		f.Add(name, missing)
		return time.Time{}, false
	}
	d, ok := viet.ParseDate(v)
	if !ok {
		f.Add(name, "Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm, ví dụ 30/09/2026.")
	}
	return d, ok
}

// roundInput reads the round form; old is the round being edited.
func roundInput(r *http.Request, old *selection.Round) (selection.RoundInput, errs.Fields) {
	f := errs.Fields{}
	in := selection.RoundInput{UnitID: formInt(r, "unit_id"), Name: r.PostFormValue("name"), Minutes: strings.TrimSpace(r.PostFormValue("minutes"))}
	if old != nil {
		in.UnitID = old.UnitID
	}
	if d, ok := formDay(r, "submit_from", "Nhập ngày bắt đầu nhận hồ sơ.", f); ok {
		in.SubmitFrom = startOfDay(d)
	}
	if d, ok := formDay(r, "submit_until", "Nhập hạn nộp hồ sơ.", f); ok {
		in.SubmitUntil = endOfDay(d)
	}
	if d, ok := formDay(r, "review_until", "Nhập hạn xét chọn.", f); ok {
		in.ReviewUntil = endOfDay(d)
	}
	in.Quota = formNumber(r, "quota", "Chỉ tiêu là một số nguyên (0 là không giới hạn).", f)
	in.Council.Quorum = formNumber(r, "quorum", "Số thành viên tối thiểu phải có mặt là một số nguyên.", f)
	in.Council.Threshold = formNumber(r, "threshold", "Tỷ lệ đồng ý là một số nguyên, ví dụ 80.", f)
	var members []selection.Member
	if old != nil {
		members = old.Council.Members
	}
	in.Council.Members = parseCouncil(r.PostFormValue("council"), members)
	if in.UnitID == 0 && old == nil {
		f.Add("unit_id", "Chọn đơn vị tổ chức đợt xét chọn.")
	}
	return in, f
}

// roundForm fills the form from a round.
func roundForm(rd selection.Round) url.Values {
	day := func(t time.Time) string { return t.In(viet.Zone).Format("2006-01-02") }
	return url.Values{"unit_id": {rid(rd.UnitID)}, "name": {rd.Name}, "submit_from": {day(rd.SubmitFrom)}, "submit_until": {day(rd.SubmitUntil)},
		"review_until": {day(rd.ReviewUntil)}, "quota": {strconv.Itoa(rd.Quota)}, "council": {councilLines(rd.Council.Members)},
		"quorum": {strconv.Itoa(rd.Council.Quorum)}, "threshold": {strconv.Itoa(rd.Council.Threshold)}, "minutes": {rd.Minutes},
		"version": {strconv.Itoa(rd.Version)}}
}

func (s *Server) renderRoundForm(w http.ResponseWriter, r *http.Request, st int, p *page, editing *selection.Round) {
	ctx, sc := r.Context(), scope(r)
	d := roundFormData{Round: editing}
	if editing != nil {
		d.Rubric, d.RubricSource = editing.Rubric, "Bộ tiêu chí của đợt (giữ nguyên khi sửa)."
		p.Title = "Sửa đợt " + editing.Name
	} else {
		d.Units = s.officerUnits(ctx, sc)
		unitID, _ := strconv.ParseInt(p.Form.Get("unit_id"), 10, 64)
		if unitID == 0 && len(d.Units) > 0 {
			unitID = d.Units[0].ID
			p.Form.Set("unit_id", rid(unitID))
		}
		day := time.Now()
		if v, ok := viet.ParseDate(p.Form.Get("submit_from")); ok {
			day = v
		}
		d.Rubric, d.RubricSource = s.rubricPreview(ctx, sc, unitID, day)
		p.Title = "Mở đợt xét chọn"
		if len(d.Units) == 0 && p.Error == "" {
			p.Error = "Bạn chưa phụ trách thi đua (cán bộ phụ trách thi đua) tại đơn vị nào tổ chức xét chọn điển hình."
		}
	}
	p.Section, p.Data = "rounds", d
	s.render(w, r, st, "round_form", p)
}

func (s *Server) roundNew(w http.ResponseWriter, r *http.Request) {
	ctx, sc := r.Context(), scope(r)
	if !sc.HasAny(access.Officer) {
		s.fail(w, r, errs.ErrForbidden)
		return
	}
	unitID, _ := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64)
	if units := s.officerUnits(ctx, sc); unitID == 0 && len(units) > 0 {
		unitID = units[0].ID
	}
	// Suggest this quarter, or the first quarter without a round of that
	// name yet; the council and quota of the unit's latest round.
	var prev []selection.Round
	if unitID != 0 {
		prev, _, _ = s.sel.Rounds(ctx, sc, unitID, 12, 0)
	}
	now := time.Now().In(viet.Zone)
	start := now
	for i := 0; i < 4 && slices.ContainsFunc(prev, func(p selection.Round) bool { return p.Name == quarterName(start) }); i++ {
		start = quarterEnd(start).AddDate(0, 0, 1)
	}
	end := quarterEnd(start)
	form := url.Values{"unit_id": {rid(unitID)}, "name": {quarterName(start)}, "submit_from": {start.Format("2006-01-02")},
		"submit_until": {end.Format("2006-01-02")}, "review_until": {end.AddDate(0, 0, 15).Format("2006-01-02")},
		"threshold": {strconv.Itoa(selection.DefaultThreshold)}, "quota": {"0"}}
	if unitID == 0 {
		form.Del("unit_id")
	}
	if len(prev) > 0 {
		p := prev[0]
		form.Set("council", councilLines(p.Council.Members))
		form.Set("quorum", strconv.Itoa(p.Council.Quorum))
		form.Set("threshold", strconv.Itoa(p.Council.Threshold))
		form.Set("quota", strconv.Itoa(p.Quota))
	}
	s.renderRoundForm(w, r, http.StatusOK, &page{Form: form}, nil)
}

func (s *Server) roundCreate(w http.ResponseWriter, r *http.Request) {
	in, f := roundInput(r, nil)
	if err := f.Err(); err != nil {
		s.renderRoundForm(w, r, http.StatusUnprocessableEntity, &page{Form: r.PostForm, Errors: f, Error: errs.MessageOf(err)}, nil)
		return
	}
	rd, err := s.sel.OpenRound(r.Context(), scope(r), in)
	if fields := errs.FieldsOf(err); fields != nil {
		s.renderRoundForm(w, r, status(errs.CodeOf(err)), &page{Form: r.PostForm, Errors: fields, Error: errs.MessageOf(err)}, nil)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/rounds/"+rid(rd.ID), "Đã mở đợt xét chọn “"+rd.Name+"” tại "+rd.UnitName+".")
}

// officerRound reads round {id} for its officer.
func (s *Server) officerRound(r *http.Request) (selection.Round, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return selection.Round{}, err
	}
	rd, err := s.sel.Round(r.Context(), scope(r), id)
	if err != nil {
		return rd, err
	}
	if !scope(r).Has(rd.UnitPath, access.Officer) {
		return rd, errs.ErrForbidden
	}
	return rd, nil
}

func (s *Server) roundEdit(w http.ResponseWriter, r *http.Request) {
	rd, err := s.officerRound(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderRoundForm(w, r, http.StatusOK, &page{Form: roundForm(rd)}, &rd)
}

func (s *Server) roundUpdate(w http.ResponseWriter, r *http.Request) {
	rd, err := s.officerRound(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, f := roundInput(r, &rd)
	var out selection.Round
	if err = f.Err(); err == nil {
		out, err = s.sel.UpdateRound(r.Context(), scope(r), rd.ID, int(formInt(r, "version")), in)
	}
	if fields := errs.FieldsOf(err); fields != nil || errs.Is(err, errs.Conflict) {
		s.renderRoundForm(w, r, status(errs.CodeOf(err)), &page{Form: r.PostForm, Errors: fields, Error: errs.MessageOf(err)}, &rd)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/rounds/"+rid(out.ID), "Đã lưu thay đổi của đợt xét chọn.")
}

// --- one round: overview, queue, bulk actions

type stateCount struct {
	State selection.State
	Count int
}

// reportItem is one line of a bulk action's report.
type reportItem struct {
	ID      int64
	Title   string
	OK      bool
	Message string
}

// bulkReport is what a bulk action did, item by item.
type bulkReport struct {
	Title     string
	Failed    bool // nothing was done
	Items     []reportItem
	Undecided []reportItem // release: left without a decision
}

type roundViewData struct {
	Round       selection.Round
	Phase       string
	ReviewSide  bool // officer, leader or administrator at the round's unit
	Officer     bool // may assign, release, carry over
	CanForward  bool // officer or leader: may forward selected nominations
	Overview    *selection.Overview
	Counts      []stateCount
	Queue       []selection.Nomination
	Page        pager
	Query       url.Values
	States      []selection.State
	Assigned    bool // the queue holds only the caller's assignments
	Candidates  []selection.Candidate
	Above       string // the unit whose open rounds take forwarded nominations
	AboveRounds []selection.Round
	AboveErr    string
	Later       []selection.Round // rounds of the same unit to carry over into
	Mine        []selection.Nomination
	Report      *bulkReport
}

// phase says where a round stands at t, in words.
func phase(rd selection.Round, t time.Time) string {
	switch {
	case t.Before(rd.SubmitFrom):
		return "Chưa đến ngày nhận hồ sơ"
	case !t.After(rd.SubmitUntil):
		return "Đang nhận hồ sơ"
	case !t.After(rd.ReviewUntil):
		return "Hết hạn nộp, đang xét chọn"
	}
	return "Đã kết thúc"
}

func (s *Server) roundView(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderRound(w, r, id, http.StatusOK, &page{}, nil)
}

// renderRound shows round id with status; p may carry an error, and report
// the outcome of a bulk action.
func (s *Server) renderRound(w http.ResponseWriter, r *http.Request, id int64, st int, p *page, report *bulkReport) {
	ctx, sc := r.Context(), scope(r)
	rd, err := s.sel.Round(ctx, sc, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := time.Now()
	d := roundViewData{Round: rd, Phase: phase(rd, now), States: selection.States, Report: report, Query: r.URL.Query()}
	d.ReviewSide = sc.Has(rd.UnitPath, access.Officer, access.Leader, access.Admin)
	d.Officer = sc.Has(rd.UnitPath, access.Officer)
	d.CanForward = selection.Can(sc, selection.Forward, rd.UnitPath, rd.UnitPath)
	f := selection.QueueFilter{State: selection.State(d.Query.Get("state"))}
	if !slices.Contains(selection.States, f.State) {
		f.State = ""
	}
	f.SubmittingUnit, _ = strconv.ParseInt(d.Query.Get("unit"), 10, 64)
	pg := newPager(r, 50)
	f.Limit, f.Offset = pg.Size, pg.Offset()
	if d.ReviewSide {
		ov, err := s.sel.RoundOverview(ctx, sc, rd.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Overview = &ov
		for _, state := range selection.States {
			d.Counts = append(d.Counts, stateCount{state, ov.ByState[state]})
		}
	}
	var total int
	if d.Queue, total, err = s.sel.Queue(ctx, sc, rd.ID, f); err != nil {
		s.fail(w, r, err)
		return
	}
	d.Page = pg.With(total, r)
	d.Assigned = !d.ReviewSide
	if !d.ReviewSide {
		if d.Mine, err = s.sel.InRound(ctx, sc, rd.ID, 0); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if d.Officer {
		if d.Candidates, err = s.sel.ReviewerCandidates(ctx, sc, rd.ID); err != nil {
			s.fail(w, r, err)
			return
		}
		rounds, _, err := s.sel.Rounds(ctx, sc, rd.UnitID, 50, 0)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, o := range rounds {
			if o.ID != rd.ID && !now.After(o.ReviewUntil) {
				d.Later = append(d.Later, o)
			}
		}
		slices.SortFunc(d.Later, func(a, b selection.Round) int { return a.SubmitUntil.Compare(b.SubmitUntil) })
	}
	if d.CanForward {
		holderUnit, err := s.units.Get(ctx, access.System(), rd.UnitID)
		if err == nil {
			holder, rounds, err := s.sel.TargetRounds(ctx, holderUnit, now)
			switch {
			case err != nil:
				d.AboveErr = errs.MessageOf(err)
			case len(rounds) == 0:
				d.Above = holder.Name
				d.AboveErr = "Chưa có đợt xét chọn nào của " + holder.Name + " đang nhận hồ sơ."
			default:
				d.Above, d.AboveRounds = holder.Name, rounds
			}
		}
	}
	p.Title, p.Section, p.Data = rd.Name+" — "+rd.UnitName, "rounds", d
	s.render(w, r, st, "round", p)
}

// formIDs reads a list of ids (duplicates and junk dropped).
func formIDs(vs []string) []int64 {
	var out []int64
	for _, v := range vs {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err == nil && id > 0 && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// bulkTarget checks a bulk action on round {id} before the store runs it:
// the round is visible, the caller holds a role the action needs there
// (otherwise every item would fail with the same refusal), and every
// nomination belongs to this round. It returns the round and the
// nominations by id; on a nomination from elsewhere, the per-item report
// and ErrBulk.
func (s *Server) bulkTarget(r *http.Request, a selection.Action, ids []int64) (selection.Round, map[int64]selection.Nomination, []selection.Item, error) {
	ctx, sc := r.Context(), scope(r)
	id, err := pathID(r, "id")
	if err != nil {
		return selection.Round{}, nil, nil, err
	}
	rd, err := s.sel.Round(ctx, sc, id)
	if err != nil {
		return rd, nil, nil, err
	}
	if roles, _ := selection.Who(a); !sc.Has(rd.UnitPath, roles...) {
		return rd, nil, nil, errs.ErrForbidden
	}
	if len(ids) == 0 {
		return rd, nil, nil, errs.InvalidField("ids", "Chưa chọn hồ sơ nào.")
	}
	byID := map[int64]selection.Nomination{}
	items := make([]selection.Item, len(ids))
	failed := false
	for i, nid := range ids {
		n, err := s.sel.Nomination(ctx, sc, nid)
		items[i] = selection.Item{NominationID: nid, OK: true}
		if err != nil || n.RoundID != rd.ID {
			failed = true
			items[i] = selection.Item{NominationID: nid, Message: "Hồ sơ #" + rid(nid) + " không thuộc đợt “" + rd.Name + "”."}
			continue
		}
		byID[nid] = n
	}
	if failed {
		for i := range items {
			if items[i].OK {
				items[i] = selection.Item{NominationID: items[i].NominationID, Message: "Không thực hiện vì có mục khác bị lỗi."}
			}
		}
		return rd, byID, items, selection.ErrBulk
	}
	return rd, byID, nil, nil
}

func reportOf(items []selection.Item, byID map[int64]selection.Nomination) []reportItem {
	out := make([]reportItem, len(items))
	for i, it := range items {
		out[i] = reportItem{ID: it.NominationID, OK: it.OK, Message: it.Message, Title: "Hồ sơ #" + rid(it.NominationID)}
		if n, ok := byID[it.NominationID]; ok {
			out[i].Title = n.Title + " — " + n.SubjectName
		}
	}
	return out
}

// roundBulk runs a bulk action from the round page and shows its report
// on the page: 200 when done, 422 when nothing was done.
func (s *Server) roundBulk(w http.ResponseWriter, r *http.Request, a selection.Action, run func(rd selection.Round, ids []int64) ([]selection.Item, error)) {
	r.ParseForm()
	ids := formIDs(r.PostForm["ids"])
	rd, byID, items, err := s.bulkTarget(r, a, ids)
	if err == nil {
		items, err = run(rd, ids)
	}
	switch {
	case err == nil:
		rep := &bulkReport{Title: a.Label() + ": đã thực hiện cho " + strconv.Itoa(len(items)) + " hồ sơ.", Items: reportOf(items, byID)}
		s.renderRound(w, r, rd.ID, http.StatusOK, &page{}, rep)
	case err == selection.ErrBulk:
		rep := &bulkReport{Title: a.Label() + ": không thực hiện được.", Failed: true, Items: reportOf(items, byID)}
		s.renderRound(w, r, rd.ID, http.StatusUnprocessableEntity, &page{Form: r.PostForm}, rep)
	case rd.ID != 0 && (errs.Is(err, errs.Invalid) || errs.Is(err, errs.Conflict)):
		s.renderRound(w, r, rd.ID, status(errs.CodeOf(err)), &page{Error: errs.MessageOf(err), Errors: errs.FieldsOf(err), Form: r.PostForm}, nil)
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) roundAssign(w http.ResponseWriter, r *http.Request) {
	s.roundBulk(w, r, selection.StartReview, func(rd selection.Round, ids []int64) ([]selection.Item, error) {
		return s.sel.AssignReviewers(r.Context(), scope(r), ids, formIDs(r.PostForm["reviewers"]))
	})
}

func (s *Server) roundForward(w http.ResponseWriter, r *http.Request) {
	s.roundBulk(w, r, selection.Forward, func(rd selection.Round, ids []int64) ([]selection.Item, error) {
		return s.sel.Forward(r.Context(), scope(r), ids, formInt(r, "target_round_id"))
	})
}

func (s *Server) roundCarryOver(w http.ResponseWriter, r *http.Request) {
	s.roundBulk(w, r, selection.CarryOver, func(rd selection.Round, ids []int64) ([]selection.Item, error) {
		target := formInt(r, "carry_round_id")
		if target == 0 {
			return nil, errs.InvalidField("carry_round_id", "Chọn đợt xét chọn sau để chuyển hồ sơ sang.")
		}
		return s.sel.CarryOver(r.Context(), scope(r), ids, target)
	})
}

func (s *Server) roundRelease(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := s.sel.Release(r.Context(), scope(r), id)
	if errs.Is(err, errs.Invalid) || errs.Is(err, errs.Conflict) {
		s.renderRound(w, r, id, status(errs.CodeOf(err)), &page{Error: errs.MessageOf(err)}, nil)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := &bulkReport{Title: "Đã công bố kết quả của " + strconv.Itoa(len(rep.Released)) + " hồ sơ; các đơn vị gửi hồ sơ đã được thông báo.",
		Items: reportOf(rep.Released, nil), Undecided: reportOf(rep.Undecided, nil)}
	for _, list := range [][]reportItem{out.Items, out.Undecided} {
		for i := range list {
			// The store's messages already name the dossier.
			list[i].Title = ""
		}
	}
	s.renderRound(w, r, id, http.StatusOK, &page{}, out)
}
