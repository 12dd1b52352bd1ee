package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"thidua/internal/access"
	"thidua/internal/exemplar"
	"thidua/internal/selection"
	"thidua/internal/viet"
)

// registerRounds adds the pages and API routes of selection rounds and
// nominations.
func (s *Server) registerRounds() {
	// Rounds (rounds_pages.go).
	s.handle("GET /rounds", LoggedIn, "Các đợt xét chọn", s.roundList)
	s.handle("GET /rounds/new", LoggedIn, "Biểu mẫu mở đợt xét chọn", s.roundNew)
	s.handle("POST /rounds", LoggedIn, "Mở đợt xét chọn", s.roundCreate)
	s.handle("GET /rounds/{id}", LoggedIn, "Xem đợt xét chọn và danh sách hồ sơ", s.roundView)
	s.handle("GET /rounds/{id}/edit", LoggedIn, "Biểu mẫu sửa đợt xét chọn", s.roundEdit)
	s.handle("POST /rounds/{id}/edit", LoggedIn, "Sửa đợt xét chọn", s.roundUpdate)
	s.handle("POST /rounds/{id}/assign", LoggedIn, "Phân công chấm các hồ sơ đã chọn", s.roundAssign)
	s.handle("POST /rounds/{id}/release", LoggedIn, "Công bố kết quả đợt xét chọn", s.roundRelease)
	s.handle("POST /rounds/{id}/forward", LoggedIn, "Giới thiệu các hồ sơ đã chọn lên cấp trên", s.roundForward)
	s.handle("POST /rounds/{id}/carry-over", LoggedIn, "Chuyển các hồ sơ đã chọn sang đợt sau", s.roundCarryOver)

	// Nominations (nominations.go).
	s.handle("POST /nominations", LoggedIn, "Gửi hoặc đề xuất hồ sơ vào đợt xét chọn", s.nominationCreate)
	s.handle("GET /nominations/{id}", LoggedIn, "Xem hồ sơ trong đợt xét chọn", s.nominationView)
	s.handle("POST /nominations/{id}/score", LoggedIn, "Chấm điểm hồ sơ", s.nominationScore)
	s.handle("POST /nominations/{id}/decide", LoggedIn, "Ghi quyết định của hội đồng", s.nominationDecide)
	s.handle("POST /nominations/{id}/resubmit", LoggedIn, "Gửi lại hồ sơ sau khi bổ sung", s.nominationResubmit)

	// API (rounds_api.go).
	s.handle("GET /api/v1/rounds", LoggedIn, "Danh sách đợt xét chọn", s.apiRoundList)
	s.handle("POST /api/v1/rounds", LoggedIn, "Mở đợt xét chọn", s.apiRoundCreate)
	s.handle("GET /api/v1/rounds/{id}", LoggedIn, "Xem đợt xét chọn", s.apiRoundGet)
	s.handle("PUT /api/v1/rounds/{id}", LoggedIn, "Sửa đợt xét chọn", s.apiRoundUpdate)
	s.handle("GET /api/v1/rounds/{id}/overview", LoggedIn, "Tổng hợp đợt xét chọn", s.apiRoundOverview)
	s.handle("GET /api/v1/rounds/{id}/nominations", LoggedIn, "Danh sách hồ sơ của đợt", s.apiRoundQueue)
	s.handle("GET /api/v1/rounds/{id}/candidates", LoggedIn, "Người có thể phân công chấm", s.apiRoundCandidates)
	s.handle("POST /api/v1/rounds/{id}/assign", LoggedIn, "Phân công chấm", s.apiRoundAssign)
	s.handle("POST /api/v1/rounds/{id}/release", LoggedIn, "Công bố kết quả", s.apiRoundRelease)
	s.handle("POST /api/v1/rounds/{id}/forward", LoggedIn, "Giới thiệu lên cấp trên", s.apiRoundForward)
	s.handle("POST /api/v1/rounds/{id}/carry-over", LoggedIn, "Chuyển sang đợt sau", s.apiRoundCarryOver)
	s.handle("POST /api/v1/nominations", LoggedIn, "Gửi hoặc đề xuất hồ sơ", s.apiNominationCreate)
	s.handle("GET /api/v1/nominations/{id}", LoggedIn, "Xem hồ sơ trong đợt", s.apiNominationGet)
	s.handle("GET /api/v1/nominations/{id}/history", LoggedIn, "Lịch sử hồ sơ trong đợt", s.apiNominationHistory)
	s.handle("GET /api/v1/nominations/{id}/scores", LoggedIn, "Phiếu chấm", s.apiScoreList)
	s.handle("POST /api/v1/nominations/{id}/scores", LoggedIn, "Chấm điểm", s.apiScoreCreate)
	s.handle("POST /api/v1/nominations/{id}/decision", LoggedIn, "Ghi quyết định của hội đồng", s.apiDecide)
	s.handle("POST /api/v1/nominations/{id}/resubmit", LoggedIn, "Gửi lại sau bổ sung", s.apiResubmit)
}

func init() {
	// Template helpers of the selection pages (prefixed to stay out of the
	// way of other pages' helpers).
	funcs["rndDay"] = func(t time.Time) string { return viet.ShortDate(t.In(viet.Zone)) }
	funcs["rndTime"] = func(t time.Time) string { return viet.DateTime(t) }
	funcs["rndDec"] = func(f float64) string { return decimal(f, 2) }
	funcs["rndPct"] = func(f float64) string { return decimal(f, 1) }
	funcs["rndCategory"] = func(c string) string { return exemplar.Category(c).Label() }
	funcs["rndPhase"] = func(r selection.Round) string { return phase(r, time.Now()) }
}

// selectionTodos lists the caller's selection to-dos for the home page:
// nominations to score, returned nominations to revise, drafts to submit,
// rounds with decisions to release. A failure here is logged and leaves
// the rest of the home page alone.
func (s *Server) selectionTodos(r *http.Request) []todo {
	ctx, sc := r.Context(), scope(r)
	if sc.UserID == 0 {
		return nil
	}
	var out []todo
	link := func(kind string, id int64) string { return "/" + kind + "/" + strconv.FormatInt(id, 10) }
	toScore, err := s.sel.ToScore(ctx, sc, 20)
	if err != nil {
		s.log.Warn("home: to score", "err", err)
	}
	for _, n := range toScore {
		out = append(out, todo{fmt.Sprintf("Chấm điểm hồ sơ “%s” — %s, do %s gửi vào đợt %s.", n.Title, n.SubjectName, n.SubmittingUnitName, n.RoundName),
			link("nominations", n.ID)})
	}
	td, err := s.sel.Todos(ctx, sc, 20)
	if err != nil {
		s.log.Warn("home: selection to-dos", "err", err)
		return out
	}
	today := dayIn(time.Now())
	for _, n := range td.Returned {
		text := fmt.Sprintf("Bổ sung và gửi lại hồ sơ “%s” — %s (bị trả lại trong đợt %s", n.Title, n.SubjectName, n.RoundName)
		if n.ReturnDeadline != nil {
			text += ", hạn nộp lại " + viet.ShortDate(*n.ReturnDeadline)
			if n.ReturnDeadline.Before(today) {
				text += ", đã quá hạn"
			}
		}
		out = append(out, todo{text + ").", link("nominations", n.ID)})
	}
	for _, n := range td.Drafts {
		text := fmt.Sprintf("Xem và gửi đề nghị “%s” — %s vào đợt %s", n.Title, n.SubjectName, n.RoundName)
		if rd, err := s.sel.Round(ctx, sc, n.RoundID); err == nil {
			text += " (hạn nộp " + viet.DateTime(rd.SubmitUntil) + ")"
		}
		out = append(out, todo{text + ".", link("nominations", n.ID)})
	}
	for _, p := range td.Pending {
		if p.Unassigned > 0 {
			out = append(out, todo{fmt.Sprintf("Phân công chấm %d hồ sơ mới gửi vào đợt %s.", p.Unassigned, p.Round.Name),
				link("rounds", p.Round.ID) + "?state=" + string(selection.Submitted)})
		}
		if p.Pending > 0 {
			out = append(out, todo{fmt.Sprintf("Công bố kết quả đợt %s: %d quyết định của hội đồng đang chờ công bố.", p.Round.Name, p.Pending),
				link("rounds", p.Round.ID)})
		}
		if p.Selected > 0 {
			// Only while a round above takes submissions.
			u, err := s.units.Get(ctx, access.System(), p.Round.UnitID)
			if err != nil {
				continue
			}
			if holder, up, err := s.sel.TargetRounds(ctx, u, time.Now()); err == nil && len(up) > 0 {
				out = append(out, todo{fmt.Sprintf("Giới thiệu %d hồ sơ được chọn của đợt %s lên %s (đợt %s nhận hồ sơ đến %s).",
					p.Selected, p.Round.Name, holder.Display(), up[0].Name, viet.DateTime(up[0].SubmitUntil)),
					link("rounds", p.Round.ID) + "?state=" + string(selection.Selected)})
			}
		}
	}
	return out
}

// dayIn is the calendar day of t in Vietnam, as a UTC midnight (the way
// dates are stored).
func dayIn(t time.Time) time.Time {
	t = t.In(viet.Zone)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// startOfDay and endOfDay turn a calendar day into the instants a round's
// window opens and closes, in Vietnam time.
func startOfDay(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, viet.Zone)
}

func endOfDay(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 59, 0, viet.Zone)
}

// quarterName suggests a round's name from the quarter of t: "Quý III/2026".
func quarterName(t time.Time) string {
	t = t.In(viet.Zone)
	q := (int(t.Month()) - 1) / 3
	return "Quý " + []string{"I", "II", "III", "IV"}[q] + "/" + strconv.Itoa(t.Year())
}

// quarterEnd is the last day of t's quarter.
func quarterEnd(t time.Time) time.Time {
	t = t.In(viet.Zone)
	q := (int(t.Month()) - 1) / 3
	return time.Date(t.Year(), time.Month(q*3+3)+1, 0, 0, 0, 0, 0, viet.Zone)
}

// rid writes an id for a URL or a message.
func rid(id int64) string { return strconv.FormatInt(id, 10) }

// decimal writes f the Vietnamese way with at most places decimals and no
// trailing zeros: 100, 87,5, 93,33.
func decimal(f float64, places int) string {
	s := viet.Decimal(f, places)
	if strings.Contains(s, ",") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ",")
	}
	return s
}
