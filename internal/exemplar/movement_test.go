package exemplar_test

import (
	"encoding/json"
	"testing"
	"time"

	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/exemplar"
	"thidua/internal/movement"
)

// TestDossierMovementLink: a dossier names the movement (and campaign) its
// achievement was made in; the link is validated, listed, frozen with the
// version and shown in the diff.
func TestDossierMovementLink(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := setup(t, db)
		ms := &movement.Store{DB: db}
		day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
		m, err := ms.Create(f.ctx, f.leadSo, movement.Input{UnitID: f.so.ID, Name: "Đổi mới, sáng tạo trong dạy và học",
			Authority: movement.BoGDDT, Kind: movement.Regular, StartsOn: day(2021, 9, 5)})
		if err != nil {
			t.Fatal(err)
		}
		other, err := ms.Create(f.ctx, f.leadSo, movement.Input{UnitID: f.so.ID, Name: "Cả nước chung tay vì người nghèo - Không để ai bị bỏ lại phía sau",
			Authority: movement.ThuTuong, Kind: movement.Themed, StartsOn: day(2016, 1, 1)})
		if err != nil {
			t.Fatal(err)
		}
		c, err := ms.CreateCampaign(f.ctx, f.leadSo, m.ID, movement.CampaignInput{Name: "Chào mừng 20/11", StartsOn: day(2026, 10, 1), EndsOn: day(2026, 11, 20)})
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []struct {
			mv, cp int64
			field  string
		}{{9999, 0, "movement_id"}, {0, c.ID, "campaign_id"}, {other.ID, c.ID, "campaign_id"}, {m.ID, 9999, "campaign_id"}} {
			in := f.teacher()
			in.MovementID, in.CampaignID = bad.mv, bad.cp
			if _, err := f.s.Create(f.ctx, f.staffA, in); errs.FieldsOf(err)[bad.field] == "" {
				t.Errorf("movement %d, campaign %d: %v, want a message at %s", bad.mv, bad.cp, err, bad.field)
			}
		}
		in := f.teacher()
		in.MovementID, in.CampaignID = m.ID, c.ID
		d, err := f.s.Create(f.ctx, f.staffA, in)
		if err != nil {
			t.Fatal(err)
		}
		if d.MovementID != m.ID || d.CampaignID != c.ID || d.MovementName != m.Name || d.CampaignName != c.Name {
			t.Fatalf("dossier link = %d %q %d %q", d.MovementID, d.MovementName, d.CampaignID, d.CampaignName)
		}
		if back := d.Input(); back.MovementID != m.ID || back.CampaignID != c.ID {
			t.Errorf("Input() drops the link: %+v", back)
		}
		plain, err := f.s.Create(f.ctx, f.staffA, f.teacher())
		if err != nil {
			t.Fatal(err)
		}
		ds, total, err := f.s.List(f.ctx, f.leadSo, exemplar.Filter{MovementID: m.ID})
		if err != nil || total != 1 || ds[0].ID != d.ID {
			t.Errorf("dossiers of the movement = %d, %v", total, err)
		}
		if _, total, _ := f.s.List(f.ctx, f.staffB, exemplar.Filter{MovementID: m.ID}); total != 0 {
			t.Errorf("school B lists school A's dossier through the movement filter")
		}
		v1, err := f.s.Freeze(f.ctx, f.leaderA, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		var snap map[string]any
		json.Unmarshal(v1.Snapshot, &snap)
		if snap["movement_id"] != float64(m.ID) || snap["campaign_name"] != c.Name {
			t.Errorf("the snapshot lacks the link: %v %v", snap["movement_id"], snap["campaign_name"])
		}
		// Moving it to another movement (no campaign) shows in the diff.
		cur, _ := f.s.Get(f.ctx, f.staffA, d.ID)
		in = cur.Input()
		in.MovementID, in.CampaignID = other.ID, 0
		moved, err := f.s.Update(f.ctx, f.staffA, d.ID, cur.Version, in)
		if err != nil || moved.MovementID != other.ID || moved.CampaignID != 0 {
			t.Fatalf("update: %+v %v", moved, err)
		}
		var change *exemplar.Change
		for _, ch := range exemplar.Diff(v1.Dossier, moved) {
			if ch.Field == "movement" {
				change = &ch
			}
		}
		if change == nil || change.Before != m.Name+" – "+c.Name || change.After != other.Name {
			t.Errorf("diff = %+v", change)
		}
		if plain.MovementID != 0 || plain.MovementName != "" {
			t.Errorf("a dossier without a movement: %+v", plain)
		}
	})
}
