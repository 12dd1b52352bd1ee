package selection

import (
	"fmt"
	"testing"

	"thidua/internal/access"
)

// TestStateMachine checks every (state, action) pair for every role held at
// the submitting unit, at the reviewing unit and elsewhere, against a table
// written out by hand: the allowed transitions are listed below; every other
// combination must be refused.
func TestStateMachine(t *testing.T) {
	type key struct {
		from State
		a    Action
	}
	allowed := map[key]State{
		{"", Propose}:            Draft,
		{"", Submit}:             Submitted,
		{Draft, Submit}:          Submitted,
		{Returned, Resubmit}:     Submitted,
		{Submitted, StartReview}: UnderReview,
		{UnderReview, Score}:     UnderReview,
		{UnderReview, Decide}:    UnderReview,
		{Selected, Forward}:      Selected,
		{Rejected, CarryOver}:    Submitted,
		{Returned, CarryOver}:    Submitted,
		{Submitted, CarryOver}:   Submitted,
	}
	who := map[Action]struct {
		roles []access.Role
		side  Side
	}{
		Propose:     {[]access.Role{access.Staff, access.Officer, access.Leader}, SubmittingUnit},
		Submit:      {[]access.Role{access.Leader}, SubmittingUnit},
		Resubmit:    {[]access.Role{access.Leader}, SubmittingUnit},
		StartReview: {[]access.Role{access.Officer}, ReviewingUnit},
		Score:       {[]access.Role{access.Officer, access.Leader}, ReviewingUnit},
		Decide:      {[]access.Role{access.Officer}, ReviewingUnit},
		Release:     {[]access.Role{access.Officer}, ReviewingUnit},
		Forward:     {[]access.Role{access.Officer, access.Leader}, ReviewingUnit},
		CarryOver:   {[]access.Role{access.Officer}, ReviewingUnit},
	}
	const reviewPath, submitPath, elsewhere = "/1/2/", "/1/2/5/", "/1/3/"
	places := map[string]string{"submitting unit": submitPath, "reviewing unit": reviewPath, "another unit": elsewhere}
	n := 0
	for _, from := range append([]State{""}, States...) {
		for _, a := range Actions {
			for _, pending := range []Decision{"", DecideSelect, DecideReject, DecideReturn} {
				got, ok := Next(from, a, pending)
				want, wantOK := allowed[key{from, a}]
				if a == Release {
					want, wantOK = State(pending), from == UnderReview && pending != ""
				}
				if ok != wantOK || (ok && got != want) {
					t.Errorf("Next(%q, %s, pending %q) = %q, %v; want %q, %v", from, a, pending, got, ok, want, wantOK)
				}
				n++
			}
		}
	}
	for _, a := range Actions {
		w := who[a]
		for _, role := range access.Roles {
			for place, path := range places {
				sc := access.Scope{UserID: 1, Grants: []access.Grant{{Path: path, Role: role}}}
				got := Can(sc, a, submitPath, reviewPath)
				want := false
				for _, r := range w.roles {
					if r != role {
						continue
					}
					switch {
					case w.side == ReviewingUnit && path == reviewPath:
						want = true
					case w.side == SubmittingUnit && (path == submitPath || path == reviewPath):
						// A role at the reviewing unit covers the submitting unit below it.
						want = true
					}
				}
				if got != want {
					t.Errorf("Can(%s at the %s, %s) = %v, want %v", role, place, a, got, want)
				}
				n++
			}
		}
	}
	if n != (1+len(States))*len(Actions)*4+len(Actions)*len(access.Roles)*len(places) {
		t.Fatal(fmt.Sprintf("walked %d cases", n))
	}
}
