package demo

import (
	"context"
	"fmt"

	"thidua/internal/access"
	"thidua/internal/calendar"
	"thidua/internal/database"
	"thidua/internal/unit"
)

// keyDate is a local key date of the demo, at the unit with code.
type keyDate struct {
	code       string
	month, day int
	since      int
	name, note string
	public     bool
}

// keyDates are the local founding days: the province's and the city's in
// the historical tree (they recur only while those units existed), and an
// invented school founding day in today's tree. The national days come
// with migration 0015.
var keyDates = []keyDate{
	{"BD-SGD", 1, 1, 1997, "Ngày tái lập tỉnh Bình Dương",
		"Tỉnh Bình Dương được tái lập từ ngày 01/01/1997, khi tỉnh Sông Bé được chia thành hai tỉnh Bình Dương và Bình Phước.", true},
	{"TA-PGD", 2, 1, 2020, "Ngày thành lập thành phố Thuận An",
		"Thị xã Thuận An trở thành thành phố Thuận An, trực thuộc tỉnh Bình Dương, từ ngày 01/02/2020.", true},
	{"HCM-LT-TH-LAITHIEU", 10, 15, 1976, "Ngày thành lập Trường Tiểu học Lái Thiêu",
		"Ngày truyền thống của nhà trường (ngày minh họa, không phải dữ liệu thật).", false},
}

// loadCalendar adds the demo's local key dates.
func loadCalendar(ctx context.Context, db *database.DB) error {
	units := &unit.Store{DB: db}
	kd := &calendar.KeyDates{DB: db, Units: units}
	for _, k := range keyDates {
		u, err := units.ByCode(ctx, access.System(), k.code)
		if err != nil {
			return fmt.Errorf("demo: key date %s: unit %s: %w", k.name, k.code, err)
		}
		if _, err := kd.Create(ctx, access.System(), calendar.ObservanceInput{UnitID: u.ID, Month: k.month, Day: k.day, SinceYear: k.since,
			Name: k.name, Note: k.note, Public: k.public}); err != nil {
			return fmt.Errorf("demo: key date %s: %w", k.name, err)
		}
	}
	return nil
}
