package plan

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"thidua/internal/access"
	"thidua/internal/errs"
	"thidua/internal/viet"
)

// NextNumber is the number the unit's next plan dated in year would take:
// one more than the highest of its plans issued that year (numbering
// restarts every 1 January).
func (s *Store) NextNumber(ctx context.Context, unitID int64, year int) (int, error) {
	var n int
	err := s.DB.R.QueryRowContext(ctx, "SELECT COALESCE(MAX(number), 0) FROM plans WHERE unit_id = $1 AND issued_year = $2 AND status = 'issued'",
		unitID, year).Scan(&n)
	if err != nil {
		return 0, errs.Wrap(err, "plan: next number")
	}
	return n + 1, nil
}

// Suggest prepares a new plan of unitID for its form. The unit's latest
// plan lends its symbol, place, header and signer (else they are derived
// from the unit: "KH-" and the unit's abbreviation, the parent unit as
// cơ quan chủ quản); the number is the next free one of the year.
//
// With basedOnID, the new plan implements that (issued, higher) plan: the
// sections are copied for adaptation, the opening cites the parent plan as
// the seed does ("Thực hiện Kế hoạch số … về việc …"), the movements are
// kept and the parent unit is among the recipients. With amendsID (an
// issued plan of the same unit), the new plan replaces it: everything is
// copied but the number and the date.
func (s *Store) Suggest(ctx context.Context, sc access.Scope, unitID, basedOnID, amendsID int64) (Input, error) {
	u, err := loadUnit(ctx, s.DB.R, unitID)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return Input{}, err
	}
	if err != nil || !sc.CanSeeUnit(u.Path) {
		return Input{}, errs.ErrNotFound
	}
	if !sc.Has(u.Path, Writers...) {
		return Input{}, errs.ErrForbidden
	}
	today := s.today()
	in := Input{UnitID: u.ID, Symbol: "KH-" + Abbreviation(u.Name), IssuerName: u.Name, Recipients: []string{"Lưu: VT."}}
	if u.ParentID != 0 {
		if parent, err := loadUnit(ctx, s.DB.R, u.ParentID); err == nil {
			in.IssuerParent = parent.Name
			if parent.Kind == "ward" && !strings.HasPrefix(viet.Fold(parent.Name), "uy ban") {
				in.IssuerParent = "UBND " + lowerFirst(parent.Name)
			}
		}
	}
	// The unit's latest plan, issued ones first.
	r, err := scanPlan(s.DB.R.QueryRowContext(ctx, "SELECT "+listColumns+planFrom+
		" WHERE p.unit_id = $1 ORDER BY CASE WHEN p.status = 'issued' THEN 0 ELSE 1 END, p.updated_at DESC, p.id DESC LIMIT 1", u.ID))
	switch {
	case err == nil:
		in.Symbol, in.Place, in.Signer = r.Symbol, r.Place, r.Signer
		in.IssuerParent, in.IssuerName = r.IssuerParent, r.IssuerName
	case !errors.Is(err, sql.ErrNoRows):
		return Input{}, errs.Wrap(err, "plan: latest plan")
	}
	if in.Number, err = s.NextNumber(ctx, u.ID, today.Year()); err != nil {
		return Input{}, err
	}
	switch {
	case amendsID != 0:
		old, err := s.Get(ctx, sc, amendsID)
		if err != nil {
			return Input{}, err
		}
		if old.UnitID != u.ID || !old.Issued() || old.Superseded() {
			return Input{}, errs.InvalidField("amends_id", "Chỉ thay thế được kế hoạch đã ban hành, chưa bị thay thế, của chính đơn vị.")
		}
		number := in.Number
		in = old.Input()
		in.Number, in.Date, in.AmendsID = number, nil, old.ID
		in.Sections.Intro = strings.TrimSpace(in.Sections.Intro + "\nKế hoạch này thay thế " + old.Ref().Label() + ".")
	case basedOnID != 0:
		parent, err := s.Get(ctx, sc, basedOnID)
		if err != nil {
			return Input{}, err
		}
		if !parent.Issued() || parent.UnitID == u.ID || !access.Within(u.Path, parent.UnitPath) {
			return Input{}, errs.InvalidField("based_on_id", "Kế hoạch căn cứ phải là kế hoạch đã ban hành của đơn vị cấp trên.")
		}
		in.BasedOnID = parent.ID
		in.Title, in.Period = parent.Title, parent.Period
		subject := lowerFirst(parent.Title)
		in.Sections = parent.Sections
		in.Sections.Intro = "Thực hiện " + parent.Ref().Label() + " về việc " + subject + ".\n\n" +
			u.Name + " ban hành Kế hoạch " + subject + " với những nội dung sau:"
		in.Sections.Closing = "Trên đây là Kế hoạch " + subject + " của " + u.Name + "./."
		in.MovementIDs = nil
		for _, m := range parent.Movements {
			in.MovementIDs = append(in.MovementIDs, m.ID)
		}
		in.Recipients = []string{parent.UnitName + " (để báo cáo);", "Lưu: VT."}
		if in.Place == "" {
			in.Place = parent.Place // a school usually writes its office's place
		}
	}
	return in, nil
}
