package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"thidua/internal/errs"
	"thidua/internal/selection"
	"thidua/internal/viet"
)

// --- DTOs

type roundJSON struct {
	ID          int64                  `json:"id"`
	UnitID      int64                  `json:"unit_id"`
	UnitName    string                 `json:"unit_name"`
	Name        string                 `json:"name"`
	SubmitFrom  time.Time              `json:"submit_from"`
	SubmitUntil time.Time              `json:"submit_until"`
	ReviewUntil time.Time              `json:"review_until"`
	Rubric      []selection.RubricItem `json:"rubric"`
	Quota       int                    `json:"quota"`
	Council     councilJSON            `json:"council"`
	Status      selection.RoundStatus  `json:"status"`
	ReleasedAt  *time.Time             `json:"released_at"`
	Minutes     string                 `json:"minutes"`
	Version     int                    `json:"version"`
	CreatedAt   time.Time              `json:"created_at"`
}

type memberJSON struct {
	Name     string `json:"name"`
	Position string `json:"position"`
	UserID   int64  `json:"user_id"`
}

type councilJSON struct {
	Members   []memberJSON `json:"members"`
	Quorum    int          `json:"quorum"`
	Threshold int          `json:"threshold"`
}

func (c councilJSON) council() selection.Council {
	out := selection.Council{Quorum: c.Quorum, Threshold: c.Threshold}
	for _, m := range c.Members {
		out.Members = append(out.Members, selection.Member{Name: m.Name, Position: m.Position, UserID: m.UserID})
	}
	return out
}

func toCouncilJSON(c selection.Council) councilJSON {
	out := councilJSON{Members: []memberJSON{}, Quorum: c.Quorum, Threshold: c.Threshold}
	for _, m := range c.Members {
		out.Members = append(out.Members, memberJSON{Name: m.Name, Position: m.Position, UserID: m.UserID})
	}
	return out
}

func toRoundJSON(r selection.Round) roundJSON {
	rubric := r.Rubric
	if rubric == nil {
		rubric = []selection.RubricItem{}
	}
	return roundJSON{ID: r.ID, UnitID: r.UnitID, UnitName: r.UnitName, Name: r.Name, SubmitFrom: r.SubmitFrom.UTC(), SubmitUntil: r.SubmitUntil.UTC(),
		ReviewUntil: r.ReviewUntil.UTC(), Rubric: rubric, Quota: r.Quota, Council: toCouncilJSON(r.Council), Status: r.Status,
		ReleasedAt: r.ReleasedAt, Minutes: r.Minutes, Version: r.Version, CreatedAt: r.CreatedAt}
}

// roundBody is the request body for opening and editing a round. Dates are
// "2006-01-02" (a day in Vietnam: from its start, until its end) or RFC
// 3339 instants.
type roundBody struct {
	Version     int                    `json:"version"`
	UnitID      int64                  `json:"unit_id"`
	Name        string                 `json:"name"`
	SubmitFrom  string                 `json:"submit_from"`
	SubmitUntil string                 `json:"submit_until"`
	ReviewUntil string                 `json:"review_until"`
	Rubric      []selection.RubricItem `json:"rubric"`
	Quota       int                    `json:"quota"`
	Council     councilJSON            `json:"council"`
	Minutes     string                 `json:"minutes"`
}

// instant reads a day or an RFC 3339 instant; end picks a day's last second.
func instant(v, field string, end bool, f errs.Fields) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{} // the store names the missing field
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t
	}
	d, ok := viet.ParseDate(v)
	if !ok {
		f.Add(field, "Thời điểm không hợp lệ; dùng dạng 2026-09-30 hoặc RFC 3339.")
		return time.Time{}
	}
	if end {
		return endOfDay(d)
	}
	return startOfDay(d)
}

func (b roundBody) input() (selection.RoundInput, error) {
	f := errs.Fields{}
	in := selection.RoundInput{UnitID: b.UnitID, Name: b.Name, Rubric: b.Rubric, Quota: b.Quota, Council: b.Council.council(), Minutes: b.Minutes,
		SubmitFrom: instant(b.SubmitFrom, "submit_from", false, f), SubmitUntil: instant(b.SubmitUntil, "submit_until", true, f),
		ReviewUntil: instant(b.ReviewUntil, "review_until", true, f)}
	return in, f.Err()
}

type nominationJSON struct {
	ID                 int64           `json:"id"`
	RoundID            int64           `json:"round_id"`
	RoundName          string          `json:"round_name"`
	ReviewUnitID       int64           `json:"review_unit_id"`
	DossierID          int64           `json:"dossier_id"`
	VersionID          int64           `json:"version_id"`
	SubjectName        string          `json:"subject_name"`
	Title              string          `json:"title"`
	Category           string          `json:"category"`
	DossierUnitID      int64           `json:"dossier_unit_id"`
	SubmittingUnitID   int64           `json:"submitting_unit_id"`
	SubmittingUnitName string          `json:"submitting_unit_name"`
	State              selection.State `json:"state"`
	StateLabel         string          `json:"state_label"`
	Late               bool            `json:"late"`
	Warnings           []string        `json:"warnings"`
	Decision           string          `json:"decision"`
	VotesFor           int             `json:"votes_for"`
	VotesAgainst       int             `json:"votes_against"`
	AbsentFor          int             `json:"absent_for"`
	AbsentAgainst      int             `json:"absent_against"`
	DecisionNote       string          `json:"decision_note"`
	ReturnDeadline     *string         `json:"return_deadline"`
	DecidedAt          *time.Time      `json:"decided_at"`
	ForwardedFromID    int64           `json:"forwarded_from_id"`
	ForwardedToID      int64           `json:"forwarded_to_id"`
	CarriedFromID      int64           `json:"carried_from_id"`
	SubmittedAt        *time.Time      `json:"submitted_at"`
	Version            int             `json:"version"`
	CreatedAt          time.Time       `json:"created_at"`
}

func toNominationJSON(n selection.Nomination) nominationJSON {
	w := n.Warnings
	if w == nil {
		w = []string{}
	}
	return nominationJSON{ID: n.ID, RoundID: n.RoundID, RoundName: n.RoundName, ReviewUnitID: n.ReviewUnitID, DossierID: n.DossierID,
		VersionID: n.VersionID, SubjectName: n.SubjectName, Title: n.Title, Category: n.Category, DossierUnitID: n.DossierUnitID,
		SubmittingUnitID: n.SubmittingUnitID, SubmittingUnitName: n.SubmittingUnitName, State: n.State, StateLabel: n.State.Label(),
		Late: n.Late, Warnings: w, Decision: string(n.Decision), VotesFor: n.VotesFor, VotesAgainst: n.VotesAgainst, AbsentFor: n.AbsentFor,
		AbsentAgainst: n.AbsentAgainst, DecisionNote: n.DecisionNote, ReturnDeadline: isoDate(n.ReturnDeadline), DecidedAt: n.DecidedAt,
		ForwardedFromID: n.ForwardedFromID, ForwardedToID: n.ForwardedToID, CarriedFromID: n.CarriedFromID, SubmittedAt: n.SubmittedAt,
		Version: n.Version, CreatedAt: n.CreatedAt}
}

func nominationsJSON(ns []selection.Nomination, total int) list[nominationJSON] {
	out := listOf[nominationJSON](total)
	for _, n := range ns {
		out.Items = append(out.Items, toNominationJSON(n))
	}
	return out
}

type overviewJSON struct {
	Round   roundJSON             `json:"round"`
	ByState map[string]int        `json:"by_state"`
	Pending int                   `json:"pending_decisions"`
	Scored  int                   `json:"scored"`
	ByUnit  []selection.UnitCount `json:"by_unit"`
}

type bulkResult struct {
	Items []selection.Item `json:"items"`
}

// bulkProblem is the 422 answer of a bulk action that did nothing.
type bulkProblem struct {
	Problem
	Items []selection.Item `json:"items"`
}

type assignBody struct {
	NominationIDs []int64 `json:"nomination_ids"`
	ReviewerIDs   []int64 `json:"reviewer_ids"`
}

type moveBody struct {
	NominationIDs []int64 `json:"nomination_ids"`
	TargetRoundID int64   `json:"target_round_id"`
}

type nominationBody struct {
	DossierID int64  `json:"dossier_id"`
	RoundID   int64  `json:"round_id"`
	Action    string `json:"action"`
}

type submissionJSON struct {
	Nomination nominationJSON `json:"nomination"`
	Warnings   []string       `json:"warnings"`
}

type scoreBody struct {
	Items   map[string]int `json:"items"`
	Comment string         `json:"comment"`
}

type decisionBody struct {
	Version        int    `json:"version"`
	Return         bool   `json:"return"`
	VotesFor       int    `json:"votes_for"`
	VotesAgainst   int    `json:"votes_against"`
	AbsentFor      int    `json:"absent_for"`
	AbsentAgainst  int    `json:"absent_against"`
	Note           string `json:"note"`
	ReturnDeadline string `json:"return_deadline"`
}

type versionBody struct {
	Version int `json:"version"`
}

type releaseJSON struct {
	Released  []selection.Item `json:"released"`
	Undecided []selection.Item `json:"undecided"`
}

func orEmpty[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

// --- rounds

func (s *Server) apiRoundList(w http.ResponseWriter, r *http.Request) {
	ctx, sc := r.Context(), scope(r)
	q := r.URL.Query()
	limit, offset := limitOffset(r, 50)
	if v := q.Get("submitting_unit_id"); v != "" {
		id, _ := strconv.ParseInt(v, 10, 64)
		u, err := s.units.Get(ctx, sc, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !sc.CanRead(u.Path) {
			s.fail(w, r, errs.ErrNotFound)
			return
		}
		_, rounds, err := s.sel.TargetRounds(ctx, u, time.Now())
		if err != nil && !errs.Is(err, errs.NotFound) {
			s.fail(w, r, err)
			return
		}
		out := listOf[roundJSON](len(rounds))
		for _, rd := range rounds {
			out.Items = append(out.Items, toRoundJSON(rd))
		}
		writeJSON(w, http.StatusOK, out)
		return
	}
	id, _ := strconv.ParseInt(q.Get("unit_id"), 10, 64)
	if id <= 0 {
		s.fail(w, r, errs.InvalidField("unit_id", "Cho biết unit_id (đơn vị tổ chức) hoặc submitting_unit_id (đơn vị gửi hồ sơ)."))
		return
	}
	rounds, total, err := s.sel.Rounds(ctx, sc, id, limit, offset)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := listOf[roundJSON](total)
	for _, rd := range rounds {
		out.Items = append(out.Items, toRoundJSON(rd))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiRoundCreate(w http.ResponseWriter, r *http.Request) {
	var b roundBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := b.input()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rd, err := s.sel.OpenRound(r.Context(), scope(r), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/rounds/"+rid(rd.ID))
	writeJSON(w, http.StatusCreated, toRoundJSON(rd))
}

func (s *Server) apiRoundGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rd, err := s.sel.Round(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toRoundJSON(rd))
}

func (s *Server) apiRoundUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b roundBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	if b.Version <= 0 {
		s.fail(w, r, errs.InvalidField("version", "Thiếu số phiên bản (version) của đợt xét chọn đã đọc."))
		return
	}
	in, err := b.input()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rd, err := s.sel.UpdateRound(r.Context(), scope(r), id, b.Version, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toRoundJSON(rd))
}

func (s *Server) apiRoundOverview(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ov, err := s.sel.RoundOverview(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := overviewJSON{Round: toRoundJSON(ov.Round), ByState: map[string]int{}, Pending: ov.Pending, Scored: ov.Scored, ByUnit: orEmpty(ov.ByUnit)}
	for _, st := range selection.States {
		out.ByState[string(st)] = ov.ByState[st]
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiRoundQueue(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := selection.QueueFilter{State: selection.State(q.Get("state"))}
	if f.State != "" && !validState(f.State) {
		s.fail(w, r, errs.InvalidField("state", "Trạng thái không hợp lệ."))
		return
	}
	f.SubmittingUnit, _ = strconv.ParseInt(q.Get("unit_id"), 10, 64)
	f.Limit, f.Offset = limitOffset(r, 50)
	ns, total, err := s.sel.Queue(r.Context(), scope(r), id, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, nominationsJSON(ns, total))
}

func validState(st selection.State) bool {
	for _, x := range selection.States {
		if x == st {
			return true
		}
	}
	return false
}

func (s *Server) apiRoundCandidates(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cs, err := s.sel.ReviewerCandidates(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[selection.Candidate]{Items: orEmpty(cs), Total: len(cs)})
}

// apiBulk answers a bulk action: 200 with the items, or 422 problem+json
// with the items when nothing was done.
func (s *Server) apiBulk(w http.ResponseWriter, r *http.Request, a selection.Action, ids []int64, run func(ids []int64) ([]selection.Item, error)) {
	_, _, items, err := s.bulkTarget(r, a, ids)
	if err == nil {
		items, err = run(ids)
	}
	if err == selection.ErrBulk {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		json.NewEncoder(w).Encode(bulkProblem{Problem: Problem{Type: "about:blank", Title: titles[422], Status: 422, Detail: errs.MessageOf(err)},
			Items: orEmpty(items)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, bulkResult{Items: orEmpty(items)})
}

func (s *Server) apiRoundAssign(w http.ResponseWriter, r *http.Request) {
	var b assignBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	s.apiBulk(w, r, selection.StartReview, b.NominationIDs, func(ids []int64) ([]selection.Item, error) {
		return s.sel.AssignReviewers(r.Context(), scope(r), ids, b.ReviewerIDs)
	})
}

func (s *Server) apiRoundForward(w http.ResponseWriter, r *http.Request) {
	var b moveBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	s.apiBulk(w, r, selection.Forward, b.NominationIDs, func(ids []int64) ([]selection.Item, error) {
		return s.sel.Forward(r.Context(), scope(r), ids, b.TargetRoundID)
	})
}

func (s *Server) apiRoundCarryOver(w http.ResponseWriter, r *http.Request) {
	var b moveBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	s.apiBulk(w, r, selection.CarryOver, b.NominationIDs, func(ids []int64) ([]selection.Item, error) {
		if b.TargetRoundID <= 0 {
			return nil, errs.InvalidField("target_round_id", "Cho biết đợt xét chọn sau (target_round_id).")
		}
		return s.sel.CarryOver(r.Context(), scope(r), ids, b.TargetRoundID)
	})
}

func (s *Server) apiRoundRelease(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := s.sel.Release(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, releaseJSON{Released: orEmpty(rep.Released), Undecided: orEmpty(rep.Undecided)})
}

// --- nominations

func (s *Server) apiNominationCreate(w http.ResponseWriter, r *http.Request) {
	var b nominationBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	n, warnings, err := s.putForward(r.Context(), scope(r), b.DossierID, b.RoundID, b.Action)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/nominations/"+rid(n.ID))
	writeJSON(w, http.StatusCreated, submissionJSON{Nomination: toNominationJSON(n), Warnings: orEmpty(warnings)})
}

func (s *Server) apiNominationGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := s.sel.Nomination(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toNominationJSON(n))
}

func (s *Server) apiNominationHistory(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	events, err := s.sel.VisibleHistory(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[selection.Event]{Items: orEmpty(events), Total: len(events)})
}

func (s *Server) apiScoreList(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	version, _ := strconv.ParseInt(r.URL.Query().Get("version_id"), 10, 64)
	sheets, err := s.sel.Scores(r.Context(), scope(r), id, version)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[selection.ScoreSheet]{Items: orEmpty(sheets), Total: len(sheets)})
}

func (s *Server) apiScoreCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b scoreBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	sh, err := s.sel.SubmitScore(r.Context(), scope(r), id, b.Items, b.Comment)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, sh)
}

func (s *Server) apiDecide(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b decisionBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	if b.Version <= 0 {
		s.fail(w, r, errs.InvalidField("version", "Thiếu số phiên bản (version) của hồ sơ trong đợt đã đọc."))
		return
	}
	in := selection.DecisionInput{Return: b.Return, VotesFor: b.VotesFor, VotesAgainst: b.VotesAgainst, AbsentFor: b.AbsentFor,
		AbsentAgainst: b.AbsentAgainst, Note: b.Note}
	if b.ReturnDeadline != "" {
		d, ok := viet.ParseDate(b.ReturnDeadline)
		if !ok {
			s.fail(w, r, errs.InvalidField("return_deadline", "Hạn nộp lại không hợp lệ; dùng dạng 2026-10-15."))
			return
		}
		in.ReturnDeadline = &d
	}
	n, err := s.sel.Decide(r.Context(), scope(r), id, b.Version, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toNominationJSON(n))
}

func (s *Server) apiResubmit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b versionBody
	if err := readJSON(r, &b); err != nil {
		s.fail(w, r, err)
		return
	}
	if b.Version <= 0 {
		s.fail(w, r, errs.InvalidField("version", "Thiếu số phiên bản (version) của hồ sơ trong đợt đã đọc."))
		return
	}
	n, err := s.sel.Resubmit(r.Context(), scope(r), id, b.Version)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toNominationJSON(n))
}

// --- OpenAPI

func init() {
	ids := map[string]any{"type": "array", "items": integ}
	item := obj(map[string]any{"nomination_id": integ, "ok": boolean, "message": str})
	number := map[string]any{"type": "number"}
	states := enum("draft", "submitted", "under_review", "returned", "rejected", "selected")
	council := obj(map[string]any{"members": map[string]any{"type": "array", "items": ref("CouncilMember")}, "quorum": integ,
		"threshold": map[string]any{"type": "integer", "description": "Tỷ lệ đồng ý tính trên tổng số thành viên, %; mặc định 80"}})
	for name, schema := range map[string]any{
		"RubricItem":    obj(map[string]any{"key": str, "label": str, "weight": number, "max": integ}, "key", "label", "weight", "max"),
		"CouncilMember": obj(map[string]any{"name": str, "position": str, "user_id": integ}, "name"),
		"Council":       council,
		"Round": obj(map[string]any{"id": integ, "unit_id": integ, "unit_name": str, "name": str, "submit_from": stamp, "submit_until": stamp,
			"review_until": stamp, "rubric": map[string]any{"type": "array", "items": ref("RubricItem")}, "quota": integ, "council": ref("Council"),
			"status": enum("open", "released"), "released_at": stamp, "minutes": str, "version": integ, "created_at": stamp}),
		"RoundBody": obj(map[string]any{"version": integ, "unit_id": integ, "name": str,
			"submit_from":  map[string]any{"type": "string", "description": "Ngày (2026-07-01, từ đầu ngày giờ Việt Nam) hoặc thời điểm RFC 3339"},
			"submit_until": map[string]any{"type": "string", "description": "Ngày (hết ngày, giờ Việt Nam) hoặc thời điểm RFC 3339"},
			"review_until": map[string]any{"type": "string", "description": "Ngày (hết ngày, giờ Việt Nam) hoặc thời điểm RFC 3339"},
			"rubric":       map[string]any{"type": "array", "items": ref("RubricItem"), "description": "Bỏ trống: sao chép từ đợt trước của đơn vị hoặc bộ tiêu chí mẫu đang có hiệu lực"},
			"quota":        integ, "council": ref("Council"), "minutes": str}, "name", "submit_from", "submit_until", "review_until", "council"),
		"UnitCount": obj(map[string]any{"unit_id": integ, "name": str, "count": integ, "over_quota": boolean}),
		"RoundOverview": obj(map[string]any{"round": ref("Round"), "by_state": map[string]any{"type": "object", "additionalProperties": integ},
			"pending_decisions": integ, "scored": integ, "by_unit": map[string]any{"type": "array", "items": ref("UnitCount")}}),
		"Candidate": obj(map[string]any{"user_id": integ, "username": str, "full_name": str, "position": str, "unit_name": str, "council": boolean}),
		"Nomination": obj(map[string]any{"id": integ, "round_id": integ, "round_name": str, "review_unit_id": integ, "dossier_id": integ,
			"version_id": integ, "subject_name": str, "title": str, "category": str, "dossier_unit_id": integ, "submitting_unit_id": integ,
			"submitting_unit_name": str, "state": states, "state_label": str, "late": boolean, "warnings": strs,
			"decision":  map[string]any{"type": "string", "enum": []string{"", "selected", "rejected", "returned"}, "description": "Ẩn với đơn vị gửi đến khi công bố"},
			"votes_for": integ, "votes_against": integ, "absent_for": integ, "absent_against": integ, "decision_note": str,
			"return_deadline": date, "decided_at": stamp, "forwarded_from_id": integ, "forwarded_to_id": integ, "carried_from_id": integ,
			"submitted_at": stamp, "version": integ, "created_at": stamp}),
		"NominationBody": obj(map[string]any{"dossier_id": integ, "round_id": map[string]any{"type": "integer", "description": "Bỏ trống khi đơn vị cấp trên chỉ có một đợt đang nhận hồ sơ"},
			"action": enum("submit", "propose")}, "dossier_id"),
		"Submission":    obj(map[string]any{"nomination": ref("Nomination"), "warnings": strs}),
		"BulkItem":      item,
		"BulkResult":    obj(map[string]any{"items": map[string]any{"type": "array", "items": ref("BulkItem")}}, "items"),
		"AssignBody":    obj(map[string]any{"nomination_ids": ids, "reviewer_ids": ids}, "nomination_ids", "reviewer_ids"),
		"MoveBody":      obj(map[string]any{"nomination_ids": ids, "target_round_id": integ}, "nomination_ids"),
		"ReleaseReport": obj(map[string]any{"released": map[string]any{"type": "array", "items": ref("BulkItem")}, "undecided": map[string]any{"type": "array", "items": ref("BulkItem")}}),
		"Event": obj(map[string]any{"at": stamp, "actor": str, "action": enum("propose", "submit", "resubmit", "start_review", "score", "decide", "release", "forward", "carry_over"),
			"from": str, "to": str, "version_id": integ, "note": str}),
		"ScoreSheet": obj(map[string]any{"reviewer_id": integ, "reviewer": str, "version_id": integ,
			"items": map[string]any{"type": "object", "additionalProperties": integ}, "total": number, "comment": str, "submitted_at": stamp}),
		"ScoreBody": obj(map[string]any{"items": map[string]any{"type": "object", "additionalProperties": integ, "description": "Điểm theo mã tiêu chí, từ 0 đến max"},
			"comment": str}, "items"),
		"DecisionBody": obj(map[string]any{"version": integ, "return": boolean, "votes_for": integ, "votes_against": integ, "absent_for": integ,
			"absent_against": integ, "note": str, "return_deadline": date}, "version"),
		"VersionBody": obj(map[string]any{"version": integ}, "version"),
	} {
		apiSchemas[name] = schema
	}
	bulk := " Tất cả hoặc không: nếu một mục lỗi thì không mục nào được thực hiện và trả 422 problem+json kèm mảng items báo từng mục."
	for k, d := range map[string]opDoc{
		"GET /api/v1/rounds": {Summary: "Các đợt xét chọn do đơn vị unit_id tổ chức (mới nhất trước), hoặc các đợt đang nhận hồ sơ của đơn vị submitting_unit_id",
			Query: []string{"unit_id", "submitting_unit_id", "limit", "offset"}, Result: "list:Round", Status: 200},
		"POST /api/v1/rounds":     {Summary: "Mở đợt xét chọn (cán bộ phụ trách thi đua của đơn vị tổ chức xét chọn)", Body: "RoundBody", Result: "Round", Status: 201},
		"GET /api/v1/rounds/{id}": {Summary: "Xem đợt xét chọn", Result: "Round", Status: 200},
		"PUT /api/v1/rounds/{id}": {Summary: "Sửa đợt xét chọn; version phải là phiên bản đã đọc, nếu không trả 409", Body: "RoundBody", Result: "Round", Status: 200},
		"GET /api/v1/rounds/{id}/overview": {Summary: "Tổng hợp đợt: số hồ sơ theo trạng thái, quyết định chờ công bố, theo đơn vị gửi (đánh dấu vượt chỉ tiêu)",
			Result: "RoundOverview", Status: 200},
		"GET /api/v1/rounds/{id}/nominations": {Summary: "Danh sách hồ sơ của đợt (người chấm chỉ thấy hồ sơ được phân công), nộp sớm trước",
			Query: []string{"state", "unit_id", "limit", "offset"}, Result: "list:Nomination", Status: 200},
		"GET /api/v1/rounds/{id}/candidates": {Summary: "Những người có thể phân công chấm: tài khoản tại đơn vị tổ chức và thành viên hội đồng có tài khoản",
			Result: "list:Candidate", Status: 200},
		"POST /api/v1/rounds/{id}/assign":     {Summary: "Phân công người chấm cho các hồ sơ (không ai chấm hồ sơ của đơn vị mình)." + bulk, Body: "AssignBody", Result: "BulkResult", Status: 200},
		"POST /api/v1/rounds/{id}/release":    {Summary: "Công bố kết quả: áp dụng mọi quyết định đang chờ của đợt trong một bước và thông báo cho đơn vị gửi", Result: "ReleaseReport", Status: 200},
		"POST /api/v1/rounds/{id}/forward":    {Summary: "Giới thiệu các hồ sơ được chọn lên đợt đang mở của đơn vị cấp trên (target_round_id 0: đợt có hạn sớm nhất)." + bulk, Body: "MoveBody", Result: "BulkResult", Status: 200},
		"POST /api/v1/rounds/{id}/carry-over": {Summary: "Chuyển các hồ sơ chưa được chọn sang đợt sau của cùng đơn vị, giữ lịch sử." + bulk, Body: "MoveBody", Result: "BulkResult", Status: 200},
		"POST /api/v1/nominations": {Summary: "Gửi (action=submit, lãnh đạo đơn vị; chốt một phiên bản hồ sơ) hoặc đề xuất (action=propose) hồ sơ vào đợt xét chọn của đơn vị cấp trên; kèm các cảnh báo",
			Body: "NominationBody", Result: "Submission", Status: 201},
		"GET /api/v1/nominations/{id}":         {Summary: "Xem hồ sơ trong đợt; quyết định chưa công bố được ẩn với đơn vị gửi", Result: "Nomination", Status: 200},
		"GET /api/v1/nominations/{id}/history": {Summary: "Lịch sử chuyển trạng thái của hồ sơ trong đợt, cũ trước", Result: "list:Event", Status: 200},
		"GET /api/v1/nominations/{id}/scores": {Summary: "Phiếu chấm của một phiên bản hồ sơ (mặc định phiên bản hiện tại); người chấm chỉ thấy phiếu của người khác sau khi đã chấm",
			Query: []string{"version_id"}, Result: "list:ScoreSheet", Status: 200},
		"POST /api/v1/nominations/{id}/scores":   {Summary: "Chấm điểm phiên bản hiện tại (người được phân công, không xung đột lợi ích); điểm đã chấm không sửa được", Body: "ScoreBody", Result: "ScoreSheet", Status: 201},
		"POST /api/v1/nominations/{id}/decision": {Summary: "Ghi quyết định của hội đồng (biểu quyết theo ngưỡng, hoặc trả lại kèm lý do và hạn nộp lại); giữ kín đến khi công bố. version cũ: 409", Body: "DecisionBody", Result: "Nomination", Status: 200},
		"POST /api/v1/nominations/{id}/resubmit": {Summary: "Gửi lại hồ sơ bị trả lại sau khi bổ sung (lãnh đạo đơn vị gửi); chốt phiên bản mới. version cũ: 409", Body: "VersionBody", Result: "Nomination", Status: 200},
	} {
		apiDocs[k] = d
	}
}
