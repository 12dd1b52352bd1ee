package selection

import "testing"

func TestConflicted(t *testing.T) {
	// Sở /1/ → Phòng /1/2/ → school /1/2/5/; another Phòng /1/3/.
	atOffice := Nomination{ReviewUnitPath: "/1/2/", DossierUnitPath: "/1/2/5/"}
	atDept := Nomination{ReviewUnitPath: "/1/", DossierUnitPath: "/1/2/5/"}
	tests := []struct {
		name  string
		n     Nomination
		home  string
		leads []string
		want  bool
	}{
		{"office reviewer judging a school below", atOffice, "/1/2/", nil, false},
		{"teacher of the school itself", atOffice, "/1/2/5/", nil, true},
		{"someone in a class of the school", atOffice, "/1/2/5/9/", nil, true},
		{"works at another school", atOffice, "/1/2/6/", nil, false},
		{"leads the school, works at the office", atOffice, "/1/2/", []string{"/1/2/5/"}, true},
		{"department reviewer from the submitting office", atDept, "/1/2/", nil, true},
		{"department reviewer from another office", atDept, "/1/3/", nil, false},
		{"department staff", atDept, "/1/", nil, false},
		{"leads the other office only", atDept, "/1/", []string{"/1/3/"}, false},
		{"leads the department itself", atDept, "/1/", []string{"/1/"}, false},
	}
	for _, tt := range tests {
		if got := Conflicted(tt.n, tt.home, tt.leads); got != tt.want {
			t.Errorf("%s: Conflicted = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCouncilApproves(t *testing.T) {
	c := Council{Members: make([]Member, 9), Threshold: 80}
	tests := []struct {
		yes, absentYes int
		want           bool
	}{
		{8, 0, true},  // 8/9 = 88.9%
		{7, 0, false}, // 77.8%
		{6, 2, true},  // written votes of absent members count
		{7, 1, true},
		{0, 0, false},
	}
	for _, tt := range tests {
		if got := c.Approves(tt.yes, tt.absentYes); got != tt.want {
			t.Errorf("Approves(%d, %d) of 9 at 80%% = %v, want %v", tt.yes, tt.absentYes, got, tt.want)
		}
	}
	if (Council{Threshold: 80}).Approves(5, 0) {
		t.Error("a council without members approves nothing")
	}
}

func TestTotalAndRubric(t *testing.T) {
	rubric := []RubricItem{{Key: "a", Label: "A", Weight: 60, Max: 10}, {Key: "b", Label: "B", Weight: 40, Max: 5}}
	if got := total(rubric, map[string]int{"a": 10, "b": 5}); got != 100 {
		t.Errorf("full marks = %v", got)
	}
	if got := total(rubric, map[string]int{"a": 7, "b": 2}); got != 58 {
		t.Errorf("7/10 and 2/5 = %v, want 58", got)
	}
	if msg := rubricProblem(rubric); msg != "" {
		t.Errorf("valid rubric refused: %s", msg)
	}
	if msg := rubricProblem([]RubricItem{{Key: "a", Label: "A", Weight: 50, Max: 10}}); msg == "" {
		t.Error("weights summing to 50 accepted")
	}
	if msg := rubricProblem([]RubricItem{{Key: "a", Label: "A", Weight: 50, Max: 10}, {Key: "a", Label: "B", Weight: 50, Max: 10}}); msg == "" {
		t.Error("duplicate keys accepted")
	}
}
