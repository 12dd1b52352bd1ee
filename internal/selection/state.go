// Package selection runs the quarterly selection of exemplars (xét chọn điển
// hình): rounds held by a reviewing unit, nominations passing through them,
// reviewers' scores, the council's decisions, their release, and forwarding
// to the round of the next unit up. The state machine lives in this file and
// nowhere else.
package selection

import (
	"slices"

	"thidua/internal/access"
)

// State is where a nomination stands in its round.
type State string

const (
	Draft       State = "draft"        // proposed by staff, not yet submitted by the leader
	Submitted   State = "submitted"    // submitted: a dossier version is frozen
	UnderReview State = "under_review" // reviewers assigned and scoring; a decision may be pending
	Returned    State = "returned"     // sent back for revision with reasons and a deadline
	Rejected    State = "rejected"     // not selected in this round
	Selected    State = "selected"     // selected; may be forwarded upward
)

// States lists every state in pipeline order.
var States = []State{Draft, Submitted, UnderReview, Returned, Rejected, Selected}

// Label is the Vietnamese name of a state.
func (s State) Label() string {
	switch s {
	case Draft:
		return "Dự thảo đề nghị"
	case Submitted:
		return "Đã gửi"
	case UnderReview:
		return "Đang xét chọn"
	case Returned:
		return "Trả lại để bổ sung"
	case Rejected:
		return "Không được chọn"
	case Selected:
		return "Được chọn"
	}
	return string(s)
}

// Action is something a person does to a nomination.
type Action string

const (
	Propose     Action = "propose"      // staff put a dossier forward inside their unit
	Submit      Action = "submit"       // the leader submits into the round above
	Resubmit    Action = "resubmit"     // the leader resubmits a revised dossier after a return
	StartReview Action = "start_review" // the officer assigns reviewers
	Score       Action = "score"        // a reviewer scores the current version
	Decide      Action = "decide"       // the council's decision is recorded (pending until release)
	Release     Action = "release"      // the officer releases the round's results
	Forward     Action = "forward"      // a selected nomination goes to the round above
	CarryOver   Action = "carry_over"   // an unselected nomination moves to the next round
)

// Actions lists every action.
var Actions = []Action{Propose, Submit, Resubmit, StartReview, Score, Decide, Release, Forward, CarryOver}

// Label is the Vietnamese name of an action.
func (a Action) Label() string {
	switch a {
	case Propose:
		return "Đề xuất"
	case Submit:
		return "Gửi đề nghị"
	case Resubmit:
		return "Gửi lại sau bổ sung"
	case StartReview:
		return "Phân công chấm"
	case Score:
		return "Chấm điểm"
	case Decide:
		return "Ghi quyết định của hội đồng"
	case Release:
		return "Công bố kết quả"
	case Forward:
		return "Giới thiệu lên cấp trên"
	case CarryOver:
		return "Chuyển sang đợt sau"
	}
	return string(a)
}

// Side says at which unit the actor must hold the role: the unit that
// submits the nomination, or the unit holding the round.
type Side int

const (
	SubmittingUnit Side = iota
	ReviewingUnit
)

// rule is one allowed transition.
type rule struct {
	from  []State // "" stands for "no nomination yet"
	to    State
	roles []access.Role
	side  Side
}

// rules is the state machine: every allowed (state, action) pair, the state
// it leads to, and who may do it where. Anything not listed is refused.
var rules = map[Action]rule{
	Propose:     {from: []State{""}, to: Draft, roles: []access.Role{access.Staff, access.Officer, access.Leader}, side: SubmittingUnit},
	Submit:      {from: []State{"", Draft}, to: Submitted, roles: []access.Role{access.Leader}, side: SubmittingUnit},
	Resubmit:    {from: []State{Returned}, to: Submitted, roles: []access.Role{access.Leader}, side: SubmittingUnit},
	StartReview: {from: []State{Submitted}, to: UnderReview, roles: []access.Role{access.Officer}, side: ReviewingUnit},
	Score:       {from: []State{UnderReview}, to: UnderReview, roles: []access.Role{access.Officer, access.Leader}, side: ReviewingUnit},
	Decide:      {from: []State{UnderReview}, to: UnderReview, roles: []access.Role{access.Officer}, side: ReviewingUnit},
	// Release moves an under-review nomination to its pending decision; the
	// target is decided per nomination (see Released).
	Release:   {from: []State{UnderReview}, to: "", roles: []access.Role{access.Officer}, side: ReviewingUnit},
	Forward:   {from: []State{Selected}, to: Selected, roles: []access.Role{access.Officer, access.Leader}, side: ReviewingUnit},
	CarryOver: {from: []State{Rejected, Returned, Submitted}, to: Submitted, roles: []access.Role{access.Officer}, side: ReviewingUnit},
}

// Decision is the council's verdict on a nomination, pending until release.
type Decision string

const (
	DecideSelect Decision = "selected"
	DecideReject Decision = "rejected"
	DecideReturn Decision = "returned"
)

// Label is the Vietnamese name of a decision.
func (d Decision) Label() string {
	switch d {
	case DecideSelect:
		return "Chọn"
	case DecideReject:
		return "Không chọn"
	case DecideReturn:
		return "Trả lại để bổ sung"
	}
	return "Chưa quyết định"
}

// Next returns the state an action leads to from state, and whether the
// action is allowed there at all. For Release the result is the decision's
// state (the caller passes it as pending).
func Next(from State, a Action, pending Decision) (State, bool) {
	r, ok := rules[a]
	if !ok || !slices.Contains(r.from, from) {
		return "", false
	}
	if a == Release {
		if pending == "" {
			return "", false
		}
		return State(pending), true
	}
	return r.to, true
}

// Who returns the roles allowed to take action a and the side of the
// nomination where they must hold them.
func Who(a Action) ([]access.Role, Side) {
	r := rules[a]
	return r.roles, r.side
}

// Can reports whether the caller may take action a on a nomination whose
// submitting unit has path submitPath and whose round is held by the unit
// with path reviewPath.
func Can(sc access.Scope, a Action, submitPath, reviewPath string) bool {
	r, ok := rules[a]
	if !ok {
		return false
	}
	path := submitPath
	if r.side == ReviewingUnit {
		path = reviewPath
	}
	return sc.Has(path, r.roles...)
}
