package exemplar

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"thidua/internal/access"
	"thidua/internal/audit"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/viet"
)

// Commendation is a past award of a person or a collective (khen thưởng):
// the achievement profile shown beside each of their dossiers. A person's
// has PersonID; a collective's has UnitID and, for a tổ, a class or another
// group inside the unit, CollectiveName ("" when the unit itself was
// commended).
type Commendation struct {
	ID             int64     `json:"id"`
	PersonID       int64     `json:"person_id,omitempty"`
	UnitID         int64     `json:"unit_id"`
	CollectiveName string    `json:"collective_name,omitempty"`
	Title          string    `json:"title"`       // danh hiệu hoặc hình thức khen thưởng
	DecisionNo     string    `json:"decision_no"` // số quyết định
	DecidedOn      time.Time `json:"decided_on"`  // ngày quyết định, 00:00 UTC
	Issuer         string    `json:"issuer"`      // cơ quan, cấp ra quyết định
	CreatedBy      int64     `json:"created_by"`
	CreatedAt      time.Time `json:"created_at"`
}

// SubjectCommendation returns a Commendation about d's subject, to fill in
// and pass to AddCommendation.
func SubjectCommendation(d Dossier) Commendation {
	switch {
	case d.SubjectKind == Individual && d.Person != nil:
		return Commendation{PersonID: d.Person.ID, UnitID: d.Person.UnitID}
	case d.CollectiveUnitID != 0:
		return Commendation{UnitID: d.CollectiveUnitID}
	}
	return Commendation{UnitID: d.UnitID, CollectiveName: d.CollectiveName}
}

// day is t's calendar day at 00:00 UTC, as dates are stored.
func day(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// today is the current date in Vietnam.
func today() time.Time { return day(time.Now().In(viet.Zone)) }

// AddCommendation records a past commendation of a person or a collective.
// Staff, officers and leaders of the subject's unit (or above) may.
func (s *Store) AddCommendation(ctx context.Context, sc access.Scope, c Commendation) (Commendation, error) {
	c.Title, c.DecisionNo, c.Issuer, c.CollectiveName = viet.NFC(c.Title), viet.NFC(c.DecisionNo), viet.NFC(c.Issuer), viet.NFC(c.CollectiveName)
	c.DecidedOn = day(c.DecidedOn)
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var u unitRef
		var key, who string
		switch {
		case c.PersonID != 0:
			var ho, dem, ten string
			err := tx.QueryRowContext(ctx, "SELECT unit_id, ho, dem, ten FROM persons WHERE id = $1", c.PersonID).Scan(&c.UnitID, &ho, &dem, &ten)
			if errors.Is(err, sql.ErrNoRows) {
				return errs.ErrNotFound
			}
			if err != nil {
				return errs.Wrap(err, "exemplar: load person")
			}
			if u, err = loadUnit(ctx, tx, c.UnitID); err != nil {
				return err
			}
			c.CollectiveName = ""
			key, who = "person:"+strconv.FormatInt(c.PersonID, 10), viet.FullName(ho, dem, ten)
		case c.UnitID != 0:
			var err error
			if u, err = loadUnit(ctx, tx, c.UnitID); err != nil {
				return err
			}
			if viet.Fold(c.CollectiveName) == viet.Fold(u.Name) {
				c.CollectiveName = ""
			}
			if c.CollectiveName == "" {
				key, who = collectiveKey(u.ID, 0, ""), u.Name
			} else {
				key, who = collectiveKey(0, u.ID, c.CollectiveName), c.CollectiveName+" – "+u.Name
			}
		default:
			return errs.InvalidField("subject", "Chọn cá nhân hoặc tập thể được khen thưởng.")
		}
		if !sc.CanRead(u.Path) {
			return errs.ErrNotFound
		}
		if !sc.Has(u.Path, writers...) {
			return errs.ErrForbidden
		}
		if err := c.validate(); err != nil {
			return err
		}
		c.CreatedBy, c.CreatedAt = sc.UserID, database.Now()
		err := tx.QueryRowContext(ctx, `INSERT INTO commendations (subject_key, person_id, unit_id, collective_name, title, decision_no, decided_on, issuer, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			key, nullID(c.PersonID), c.UnitID, c.CollectiveName, c.Title, c.DecisionNo, c.DecidedOn, c.Issuer, c.CreatedBy, c.CreatedAt).Scan(&c.ID)
		if database.IsUnique(err) {
			msg := "Khen thưởng “" + c.Title + "” theo quyết định số " + c.DecisionNo + " đã được ghi nhận."
			return &errs.Error{Code: errs.Conflict, Message: msg, Fields: map[string]string{"decision_no": msg}}
		}
		if err != nil {
			return errs.Wrap(err, "exemplar: insert commendation")
		}
		return audit.Record(ctx, tx, audit.Change{Scope: sc, UnitID: u.ID, UnitPath: u.Path, Action: "create", ObjectType: "commendation",
			ObjectID: c.ID, Summary: "Ghi nhận khen thưởng “" + c.Title + "” (" + c.DecisionNo + ") của " + who, After: c})
	})
	if err != nil {
		return Commendation{}, err
	}
	return c, nil
}

func (c Commendation) validate() error {
	f := errs.Fields{}
	if c.Title == "" {
		f.Add("title", "Nhập danh hiệu hoặc hình thức khen thưởng.")
	} else if tooLong(c.Title, maxLine) {
		f.Add("title", "Danh hiệu dài quá "+strconv.Itoa(maxLine)+" ký tự.")
	}
	if c.DecisionNo == "" {
		f.Add("decision_no", "Nhập số quyết định khen thưởng.")
	} else if tooLong(c.DecisionNo, maxName) {
		f.Add("decision_no", "Số quyết định dài quá "+strconv.Itoa(maxName)+" ký tự.")
	}
	if c.DecidedOn.IsZero() {
		f.Add("decided_on", "Nhập ngày ký quyết định.")
	} else if c.DecidedOn.After(today()) {
		f.Add("decided_on", "Ngày quyết định không được sau ngày hôm nay.")
	} else if c.DecidedOn.Year() < 1945 {
		f.Add("decided_on", "Ngày quyết định không hợp lệ.")
	}
	if c.Issuer == "" {
		f.Add("issuer", "Nhập cơ quan hoặc cấp ra quyết định.")
	} else if tooLong(c.Issuer, maxLine) {
		f.Add("issuer", "Tên cơ quan dài quá "+strconv.Itoa(maxLine)+" ký tự.")
	}
	return f.Err()
}

// Commendations returns the past commendations of the subject of dossier
// d, newest first. The caller must be able to read d.
func (s *Store) Commendations(ctx context.Context, sc access.Scope, d Dossier) ([]Commendation, error) {
	d, err := s.Get(ctx, sc, d.ID)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, COALESCE(person_id, 0), unit_id, collective_name, title, decision_no, decided_on, issuer, created_by, created_at
		FROM commendations WHERE subject_key = $1 ORDER BY decided_on DESC, id DESC`, d.SubjectKey())
	if err != nil {
		return nil, errs.Wrap(err, "exemplar: commendations")
	}
	defer rows.Close()
	var out []Commendation
	for rows.Next() {
		var c Commendation
		if err := rows.Scan(&c.ID, &c.PersonID, &c.UnitID, &c.CollectiveName, &c.Title, &c.DecisionNo, &c.DecidedOn, &c.Issuer, &c.CreatedBy, &c.CreatedAt); err != nil {
			return nil, errs.Wrap(err, "exemplar: scan commendation")
		}
		c.DecidedOn, c.CreatedAt = day(c.DecidedOn.UTC()), c.CreatedAt.UTC()
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "exemplar: commendations")
	}
	return out, nil
}
