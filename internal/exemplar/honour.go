package exemplar

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"time"

	"thidua/internal/access"
	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/viet"
)

// Forms of honouring an exemplar locally (hình thức tôn vinh, nêu gương).
const (
	Ceremony    = "ceremony"    // lễ tuyên dương
	Certificate = "certificate" // giấy khen
	Bulletin    = "bulletin"    // bảng tin
	Website     = "website"     // trang thông tin điện tử
	OtherForm   = "other"
)

// HonourForms lists the forms in display order.
var HonourForms = []string{Ceremony, Certificate, Bulletin, Website, OtherForm}

// HonourFormLabel is the Vietnamese name of a form.
func HonourFormLabel(form string) string {
	switch form {
	case Ceremony:
		return "Tuyên dương tại buổi lễ, hội nghị"
	case Certificate:
		return "Tặng giấy khen"
	case Bulletin:
		return "Giới thiệu trên bảng tin"
	case Website:
		return "Giới thiệu trên trang thông tin điện tử"
	case OtherForm:
		return "Hình thức khác"
	}
	return form
}

// Honour is one way a unit honoured an exemplar: the dossier's own unit or
// one above it.
type Honour struct {
	ID         int64     `json:"id"`
	DossierID  int64     `json:"dossier_id"`
	UnitID     int64     `json:"unit_id"` // the honouring unit (0 on input: the dossier's unit)
	UnitName   string    `json:"unit_name"`
	Form       string    `json:"form"`
	Date       time.Time `json:"date"` // 00:00 UTC
	DecisionNo string    `json:"decision_no"`
	Note       string    `json:"note"`
	CreatedBy  int64     `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
}

// AddHonour records how a unit honoured the exemplar of h.DossierID. Leaders
// and officers of h.UnitID may, which must be the dossier's unit or a unit
// above it. A giấy khen needs its decision number.
func (s *Store) AddHonour(ctx context.Context, sc access.Scope, h Honour) (Honour, error) {
	h.Form = viet.NFC(h.Form)
	h.DecisionNo, h.Note = viet.NFC(h.DecisionNo), text(h.Note)
	h.Date = day(h.Date)
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		d, err := s.get(ctx, tx, h.DossierID)
		if err != nil {
			return err
		}
		if !sc.CanRead(d.UnitPath) {
			return errs.ErrNotFound
		}
		if h.UnitID == 0 {
			h.UnitID = d.UnitID
		}
		u, err := loadUnit(ctx, tx, h.UnitID)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return err
		}
		if err != nil || !access.Within(d.UnitPath, u.Path) {
			return errs.InvalidField("unit_id", "Đơn vị tôn vinh phải là đơn vị của hồ sơ hoặc đơn vị cấp trên.")
		}
		if !sc.Has(u.Path, access.Leader, access.Officer) {
			return errs.ErrForbidden
		}
		if err := h.validate(); err != nil {
			return err
		}
		h.UnitName, h.CreatedBy, h.CreatedAt = u.Name, sc.UserID, database.Now()
		err = tx.QueryRowContext(ctx, `INSERT INTO honours (dossier_id, unit_id, form, honoured_on, decision_no, note, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			h.DossierID, h.UnitID, h.Form, h.Date, h.DecisionNo, h.Note, h.CreatedBy, h.CreatedAt).Scan(&h.ID)
		if err != nil {
			return errs.Wrap(err, "exemplar: insert honour")
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: d.UnitID, UnitPath: d.UnitPath, Action: "create", ObjectType: "honour",
			ObjectID: h.ID, Summary: u.Name + " tôn vinh " + describe(d) + ": " + HonourFormLabel(h.Form) + ", " + viet.ShortDate(h.Date), After: h})
	})
	if err != nil {
		return Honour{}, err
	}
	return h, nil
}

func (h Honour) validate() error {
	f := errs.Fields{}
	if !slices.Contains(HonourForms, h.Form) {
		f.Add("form", "Chọn hình thức tôn vinh.")
	}
	if h.Date.IsZero() {
		f.Add("date", "Nhập ngày tôn vinh.")
	}
	if h.Form == Certificate && h.DecisionNo == "" {
		f.Add("decision_no", "Nhập số quyết định tặng giấy khen.")
	}
	if tooLong(h.DecisionNo, maxName) {
		f.Add("decision_no", "Số quyết định dài quá "+strconv.Itoa(maxName)+" ký tự.")
	}
	if tooLong(h.Note, maxEvidence) {
		f.Add("note", "Ghi chú dài quá "+viet.Int(maxEvidence)+" ký tự.")
	}
	return f.Err()
}

// Honours returns how units honoured the exemplar of a dossier the caller
// may read, newest first.
func (s *Store) Honours(ctx context.Context, sc access.Scope, dossierID int64) ([]Honour, error) {
	if _, err := s.Get(ctx, sc, dossierID); err != nil {
		return nil, err
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT h.id, h.dossier_id, h.unit_id, u.name, h.form, h.honoured_on, h.decision_no, h.note, h.created_by, h.created_at
		FROM honours h JOIN units u ON u.id = h.unit_id WHERE h.dossier_id = $1 ORDER BY h.honoured_on DESC, h.id DESC`, dossierID)
	if err != nil {
		return nil, errs.Wrap(err, "exemplar: honours")
	}
	defer rows.Close()
	var out []Honour
	for rows.Next() {
		var h Honour
		if err := rows.Scan(&h.ID, &h.DossierID, &h.UnitID, &h.UnitName, &h.Form, &h.Date, &h.DecisionNo, &h.Note, &h.CreatedBy, &h.CreatedAt); err != nil {
			return nil, errs.Wrap(err, "exemplar: scan honour")
		}
		h.Date, h.CreatedAt = day(h.Date.UTC()), h.CreatedAt.UTC()
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "exemplar: honours")
	}
	return out, nil
}
