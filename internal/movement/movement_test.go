package movement

import (
	"context"
	"testing"
	"time"

	"thidua/internal/database"
	"thidua/internal/dbtest"
)

func TestChoicesGroupCampaignsUnderMovements(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		p := dbtest.SeedProvince(t, db, 1, 10)
		now := database.Now()
		day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		ins := func(name, status string) int64 {
			var id int64
			err := db.W.QueryRowContext(ctx, `INSERT INTO movements (unit_id, name, authority, kind, starts_on, status, created_at, updated_at)
				VALUES ($1, $2, 'bo_gddt', 'thuong_xuyen', $3, $4, $5, $5) RETURNING id`, p.Department.ID, name, day, status, now).Scan(&id)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		ended := ins("Đã kết thúc", "ended")
		active := ins("Thi đua Dạy tốt - Học tốt", "active")
		var cid int64
		if err := db.W.QueryRowContext(ctx, `INSERT INTO campaigns (movement_id, unit_id, name, starts_on, ends_on, created_at, updated_at)
			VALUES ($1, $2, 'Đợt chào mừng 20/11', $3, $3, $4, $4) RETURNING id`, active, p.Department.ID, day, now).Scan(&cid); err != nil {
			t.Fatal(err)
		}
		got, err := Choices(ctx, db.R)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != active || got[1].ID != ended || len(got[0].Campaigns) != 1 || got[0].Campaigns[0].ID != cid || len(got[1].Campaigns) != 0 {
			t.Fatalf("choices = %+v", got)
		}
		for _, c := range []struct {
			m, c int64
			want bool
		}{{active, 0, true}, {active, cid, true}, {ended, cid, false}, {999, 0, false}} {
			if ok, err := Exists(ctx, db.R, c.m, c.c); err != nil || ok != c.want {
				t.Errorf("Exists(%d, %d) = %v, %v; want %v", c.m, c.c, ok, err, c.want)
			}
		}
	})
}
