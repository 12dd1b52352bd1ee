package calendar_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"thidua/internal/access"
	"thidua/internal/calendar"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
	"thidua/internal/viet"
)

func vn(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, viet.Zone) }

func TestNationalKeyDatesSeeded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		kds, err := w.keys.For(context.Background(), w.scope(t, w.schoolStaff), 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, k := range kds {
			if !k.National() || !k.Public {
				t.Errorf("seeded %s %q: national %v public %v, want both", k.DayMonth(), k.Name, k.National(), k.Public)
			}
			if k.CreatedAt.IsZero() || k.Version != 1 {
				t.Errorf("seeded %q: created %v version %d", k.Name, k.CreatedAt, k.Version)
			}
			got = append(got, k.DayMonth()+" "+k.Name)
		}
		want := []string{
			"26/3 Ngày thành lập Đoàn Thanh niên Cộng sản Hồ Chí Minh",
			"15/5 Ngày thành lập Đội Thiếu niên Tiền phong Hồ Chí Minh",
			"19/5 Ngày sinh Chủ tịch Hồ Chí Minh",
			"11/6 Ngày truyền thống thi đua yêu nước",
			"02/9 Ngày Quốc khánh nước Cộng hòa xã hội chủ nghĩa Việt Nam",
			"05/9 Ngày khai giảng năm học mới",
			"20/11 Ngày Nhà giáo Việt Nam",
		}
		if !slices.Equal(got, want) {
			t.Errorf("national key dates =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if !strings.Contains(kds[3].Note, "Lời kêu gọi thi đua ái quốc") || kds[3].SinceYear != 1948 {
			t.Errorf("11/6: %+v", kds[3])
		}
	})
}

func TestKeyDateRights(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		in := func(unitID int64, name string) calendar.ObservanceInput {
			return calendar.ObservanceInput{UnitID: unitID, Month: 10, Day: 15, SinceYear: 1990, Name: name, Note: "Truyền thống nhà trường", Public: false}
		}
		for _, tc := range []struct {
			who  string
			sc   access.Scope
			unit int64
			want errs.Code
		}{
			{"school admin, own school", w.scope(t, w.schoolAdmin), w.schoolA.ID, ""},
			{"ward officer, school below", w.scope(t, w.wardOfficer), w.schoolA.ID, ""},
			{"system admin, national", w.scope(t, w.sysAdmin), 0, ""},
			{"school leader", w.scope(t, w.schoolLeader), w.schoolA.ID, errs.Forbidden},
			{"school staff", w.scope(t, w.schoolStaff), w.schoolA.ID, errs.Forbidden},
			{"other school's officer", w.scope(t, w.schoolBOfficer), w.schoolA.ID, errs.Invalid},
			{"school officer, the ward above", w.scope(t, w.schoolBOfficer), w.ward.ID, errs.Forbidden},
			{"school admin, national", w.scope(t, w.schoolAdmin), 0, errs.Forbidden},
		} {
			_, err := w.keys.Create(ctx, tc.sc, in(tc.unit, "Ngày thành lập trường ("+tc.who+")"))
			if errs.CodeOf(err) != tc.want {
				t.Errorf("%s: Create = %v, want code %q", tc.who, err, tc.want)
			}
		}

		k, err := w.keys.Create(ctx, w.scope(t, w.schoolAdmin), in(w.schoolA.ID, "Ngày thành lập Trường Tiểu học An Phú"))
		if err != nil {
			t.Fatal(err)
		}
		ward, err := w.keys.Create(ctx, w.scope(t, w.wardOfficer), in(w.ward.ID, "Ngày thành lập phường"))
		if err != nil {
			t.Fatal(err)
		}
		edit := in(0, "Ngày thành lập trường (đã sửa)")
		// Another school cannot edit or delete it: it does not even see it.
		other := w.scope(t, w.schoolBOfficer)
		if _, err := w.keys.Update(ctx, other, k.ID, k.Version, edit); !errs.Is(err, errs.NotFound) {
			t.Errorf("other school edits A's date: %v, want not found", err)
		}
		if err := w.keys.Delete(ctx, other, k.ID, k.Version); !errs.Is(err, errs.NotFound) {
			t.Errorf("other school deletes A's date: %v, want not found", err)
		}
		// It sees the ward's date above it, but may not edit it.
		if _, err := w.keys.Get(ctx, other, ward.ID); err != nil {
			t.Errorf("school B reads the ward's date: %v", err)
		}
		if _, err := w.keys.Update(ctx, other, ward.ID, ward.Version, edit); !errs.Is(err, errs.Forbidden) {
			t.Errorf("school B edits the ward's date: %v, want forbidden", err)
		}
		// National dates: the system administrator only.
		national, _ := w.keys.For(ctx, w.scope(t, w.schoolAdmin), 0)
		if _, err := w.keys.Update(ctx, w.scope(t, w.schoolAdmin), national[0].ID, 1, edit); !errs.Is(err, errs.Forbidden) {
			t.Errorf("school admin edits a national date: %v, want forbidden", err)
		}

		// Stale versions change nothing.
		own := w.scope(t, w.schoolAdmin)
		if _, err := w.keys.Update(ctx, own, k.ID, k.Version+1, edit); !errs.Is(err, errs.Conflict) {
			t.Errorf("stale update: %v, want conflict", err)
		}
		if got, _ := w.keys.Get(ctx, own, k.ID); got.Name != k.Name || got.Version != k.Version {
			t.Errorf("after a stale update: %+v", got)
		}
		k2, err := w.keys.Update(ctx, own, k.ID, k.Version, edit)
		if err != nil || k2.Name != "Ngày thành lập trường (đã sửa)" || k2.Version != k.Version+1 || k2.UnitID != w.schoolA.ID {
			t.Fatalf("update: %+v, %v", k2, err)
		}
		if err := w.keys.Delete(ctx, own, k.ID, k.Version); !errs.Is(err, errs.Conflict) {
			t.Errorf("stale delete: %v, want conflict", err)
		}
		if err := w.keys.Delete(ctx, own, k.ID, k2.Version); err != nil {
			t.Fatal(err)
		}
		if _, err := w.keys.Get(ctx, own, k.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("deleted date still there: %v", err)
		}
		var audited int
		if err := db.R.QueryRow("SELECT COUNT(*) FROM audit_log WHERE object_type = 'key_date' AND object_id = $1", strconv.FormatInt(k.ID, 10)).Scan(&audited); err != nil {
			t.Fatal(err)
		}
		if audited != 3 {
			t.Errorf("%d audit entries for the date, want 3 (create, update, delete)", audited)
		}
	})
}

func TestKeyDateValidation(t *testing.T) {
	for _, tc := range []struct {
		in     calendar.ObservanceInput
		fields []string
	}{
		{calendar.ObservanceInput{Month: 2, Day: 29, Name: "Ngày nhuận"}, nil},
		{calendar.ObservanceInput{Month: 4, Day: 31, Name: "Không có"}, []string{"day"}},
		{calendar.ObservanceInput{Month: 13, Day: 1, Name: "  "}, []string{"month", "name"}},
		{calendar.ObservanceInput{Month: 1, Day: 1, Name: strings.Repeat("a", 201)}, []string{"name"}},
		{calendar.ObservanceInput{Month: 1, Day: 1, Name: "Tương lai", SinceYear: 3000}, []string{"since_year"}},
	} {
		err := tc.in.Validate()
		var got []string
		for f := range errs.FieldsOf(err) {
			got = append(got, f)
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.fields) {
			t.Errorf("%+v: fields %v, want %v (%v)", tc.in, got, tc.fields, err)
		}
	}
	in := calendar.ObservanceInput{Month: 1, Day: 1, Name: "  Ngày   thành lập\u0301 ", Note: "Dòng một\r\n  Dòng  hai  "}
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	if in.Note != "Dòng một\nDòng hai" {
		t.Errorf("note normalised to %q", in.Note)
	}
}

func TestKeyDateEvents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		sys := w.scope(t, w.sysAdmin)
		mk := func(unitID int64, m, d, since int, name string, public bool) calendar.Observance {
			k, err := w.keys.Create(ctx, sys, calendar.ObservanceInput{UnitID: unitID, Month: m, Day: d, SinceYear: since, Name: name, Public: public})
			if err != nil {
				t.Fatal(err)
			}
			return k
		}
		mk(w.dept.ID, 1, 1, 0, "Ngày truyền thống của Sở", true)
		mk(w.schoolA.ID, 10, 15, 1995, "Ngày thành lập Trường Tiểu học An Phú", false)
		mk(w.schoolB.ID, 10, 16, 0, "Ngày thành lập Trường Tiểu học Bình Hòa", false)
		mk(w.closed.ID, 2, 1, 2020, "Ngày thành lập thành phố cũ", true)
		mk(0, 2, 29, 0, "Ngày nhuận thử", true)

		titles := func(evs []calendar.Event) []string {
			var out []string
			for _, e := range evs {
				out = append(out, e.Start.Format("2006-01-02")+" "+e.Title)
			}
			return out
		}
		staff := w.scope(t, w.schoolStaff)
		evs, err := w.keys.Events(ctx, staff, w.schoolA.ID, vn(2026, 1, 1), vn(2027, 1, 1))
		if err != nil {
			t.Fatal(err)
		}
		calendar.Sort(evs)
		got := titles(evs)
		for _, want := range []string{"2026-01-01 Ngày truyền thống của Sở", "2026-02-28 Ngày nhuận thử", "2026-06-11 Ngày truyền thống thi đua yêu nước",
			"2026-10-15 Ngày thành lập Trường Tiểu học An Phú", "2026-11-20 Ngày Nhà giáo Việt Nam"} {
			if !slices.Contains(got, want) {
				t.Errorf("school A's 2026 lacks %q: %v", want, got)
			}
		}
		for _, bad := range []string{"Bình Hòa", "thành phố cũ"} {
			for _, g := range got {
				if strings.Contains(g, bad) {
					t.Errorf("school A's calendar shows %q", g)
				}
			}
		}
		if len(got) != 10 {
			t.Errorf("school A has %d key dates in 2026, want 10 (7 national, the leap day, the Sở's, its own): %v", len(got), got)
		}
		for _, e := range evs {
			if !e.AllDay || e.Kind != calendar.KeyDate || e.UID == "" || e.URL == "" {
				t.Errorf("event %+v", e)
			}
			if e.Title == "Ngày Nhà giáo Việt Nam" && !strings.HasPrefix(e.Detail, "Kỷ niệm 44 năm Ngày Nhà giáo Việt Nam (20/11/1982 - 20/11/2026).") {
				t.Errorf("20/11/2026 detail %q", e.Detail)
			}
			if strings.Contains(e.Title, "An Phú") && (e.Public || !strings.HasPrefix(e.Detail, "Kỷ niệm 31 năm")) {
				t.Errorf("the school's founding day: %+v", e)
			}
		}
		// Across the new year; a leap year puts 29/2 on its day.
		evs, _ = w.keys.Events(ctx, staff, w.schoolA.ID, vn(2027, 12, 1), vn(2028, 3, 1))
		if got := titles(evs); !slices.Contains(got, "2028-01-01 Ngày truyền thống của Sở") || !slices.Contains(got, "2028-02-29 Ngày nhuận thử") {
			t.Errorf("12/2027–2/2028: %v", got)
		}
		// A closed unit's date recurs only while the unit existed.
		officer := w.scope(t, w.sysAdmin)
		var years []int
		evs, _ = w.keys.Events(ctx, officer, w.closed.ID, vn(2018, 1, 1), vn(2027, 1, 1))
		for _, e := range evs {
			if strings.Contains(e.Title, "thành phố cũ") {
				years = append(years, e.Start.Year())
			}
		}
		if !slices.Equal(years, []int{2020, 2021, 2022, 2023, 2024, 2025}) {
			t.Errorf("the closed office's founding day falls in %v, want 2020–2025", years)
		}
		// The public sees the public dates only.
		evs, _ = w.keys.Events(ctx, access.Scope{}, w.schoolA.ID, vn(2026, 1, 1), vn(2027, 1, 1))
		for _, e := range evs {
			if !e.Public || strings.Contains(e.Title, "An Phú") {
				t.Errorf("the public sees %+v", e)
			}
		}
		if len(evs) != 9 {
			t.Errorf("the public sees %d dates of school A in 2026, want 9", len(evs))
		}
	})
}
