// Package movement keeps the emulation movements (phong trào thi đua) and
// their campaigns (đợt thi đua). Plans, activities, dossiers and the portal
// link to them; Choices feeds their pickers.
package movement

import (
	"context"
	"database/sql"
	"time"

	"thidua/internal/database"
	"thidua/internal/errs"
)

// Authority is who launched a movement.
type Authority string

const (
	ChinhPhu   Authority = "chinh_phu" // Chính phủ
	ThuTuong   Authority = "thu_tuong" // Thủ tướng Chính phủ
	BoGDDT     Authority = "bo_gddt"   // Bộ Giáo dục và Đào tạo
	UBNDTinh   Authority = "ubnd_tinh" // UBND tỉnh/thành phố
	UnitItself Authority = "unit"      // the recording unit itself
	OtherAuth  Authority = "other"     // another body, named in AuthorityName
)

// Kind is thường xuyên (ongoing) or chuyên đề (themed, time-bound).
type Kind string

const (
	Regular Kind = "thuong_xuyen"
	Themed  Kind = "chuyen_de"
)

// Status of a movement.
type Status string

const (
	Active Status = "active" // đang triển khai
	Ended  Status = "ended"  // đã kết thúc
)

// Movement is a phong trào thi đua.
type Movement struct {
	ID            int64
	UnitID        int64 // the unit that recorded it and edits it
	UnitName      string
	UnitPath      string
	Name          string
	Authority     Authority
	AuthorityName string
	Kind          Kind
	StartsOn      time.Time
	EndsOn        *time.Time
	Description   string
	Status        Status
	Version       int
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Campaign is a đợt thi đua of a movement.
type Campaign struct {
	ID           int64
	MovementID   int64
	MovementName string
	UnitID       int64 // the unit that recorded it and edits it
	UnitName     string
	UnitPath     string
	Name         string
	Occasion     string // the event it greets, e.g. "chào mừng Ngày Nhà giáo Việt Nam 20/11"
	StartsOn     time.Time
	EndsOn       time.Time
	Description  string
	Version      int
}

// Choice is a movement with its campaigns, for pickers.
type Choice struct {
	ID        int64
	Name      string
	Status    Status
	Campaigns []CampaignChoice
}

// CampaignChoice is a campaign in a picker.
type CampaignChoice struct {
	ID   int64
	Name string
}

// Choices lists every movement (active first, then by name) with its
// campaigns. Movements are readable by every logged-in user, so no scope.
func Choices(ctx context.Context, q database.Querier) ([]Choice, error) {
	rows, err := q.QueryContext(ctx, `SELECT m.id, m.name, m.status, COALESCE(c.id, 0), COALESCE(c.name, '')
		FROM movements m LEFT JOIN campaigns c ON c.movement_id = m.id
		ORDER BY CASE WHEN m.status = 'active' THEN 0 ELSE 1 END, m.name, m.id, c.starts_on, c.id`)
	if err != nil {
		return nil, errs.Wrap(err, "movement: choices")
	}
	defer rows.Close()
	var out []Choice
	for rows.Next() {
		var id, cid int64
		var name, status, cname string
		if err := rows.Scan(&id, &name, &status, &cid, &cname); err != nil {
			return nil, errs.Wrap(err, "movement: choices")
		}
		if len(out) == 0 || out[len(out)-1].ID != id {
			out = append(out, Choice{ID: id, Name: name, Status: Status(status)})
		}
		if cid != 0 {
			last := &out[len(out)-1]
			last.Campaigns = append(last.Campaigns, CampaignChoice{ID: cid, Name: cname})
		}
	}
	return out, rows.Err()
}

// Exists reports whether movement id exists (and, when campaignID is not 0,
// whether that campaign belongs to it), for validating links.
func Exists(ctx context.Context, q database.Querier, id, campaignID int64) (bool, error) {
	var n int
	var err error
	if campaignID == 0 {
		err = q.QueryRowContext(ctx, "SELECT COUNT(*) FROM movements WHERE id = $1", id).Scan(&n)
	} else {
		err = q.QueryRowContext(ctx, "SELECT COUNT(*) FROM campaigns WHERE id = $1 AND movement_id = $2", campaignID, id).Scan(&n)
	}
	if err != nil && err != sql.ErrNoRows {
		return false, errs.Wrap(err, "movement: exists")
	}
	return n > 0, nil
}
