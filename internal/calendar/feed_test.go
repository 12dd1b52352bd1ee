package calendar_test

import (
	"context"
	"strings"
	"testing"

	"thidua/internal/access"
	"thidua/internal/calendar"
	"thidua/internal/database"
	"thidua/internal/dbtest"
	"thidua/internal/errs"
)

func TestFeeds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		staff := w.scope(t, w.schoolStaff)

		// Only a unit the caller holds a role reaching.
		if _, _, err := w.feeds.Create(ctx, staff, w.schoolB.ID); !errs.Is(err, errs.Invalid) {
			t.Errorf("feed of another school: %v, want invalid unit", err)
		}
		if _, _, err := w.feeds.Create(ctx, staff, w.ward.ID); !errs.Is(err, errs.Invalid) {
			t.Errorf("feed of the ward above (seen, not held): %v, want invalid unit", err)
		}
		f, token, err := w.feeds.Create(ctx, staff, w.schoolA.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(token) < 40 || strings.ContainsAny(token, "/+=") {
			t.Errorf("token %q: want at least 40 URL-safe characters", token)
		}
		var stored int
		db.R.QueryRow("SELECT COUNT(*) FROM calendar_feeds WHERE token_hash = $1", token).Scan(&stored)
		if stored != 0 {
			t.Error("the token is stored in clear")
		}
		if _, _, err := w.feeds.Create(ctx, staff, w.schoolA.ID); !errs.Is(err, errs.Conflict) {
			t.Errorf("second feed of the same unit: %v, want conflict", err)
		}

		got, sc, err := w.feeds.Open(ctx, token)
		if err != nil || got.ID != f.ID || got.UnitID != w.schoolA.ID || sc.UserID != w.schoolStaff.ID || !sc.CanRead(w.schoolA.Path) {
			t.Fatalf("Open = %+v, %+v, %v", got, sc, err)
		}
		if got.LastUsedAt == nil {
			t.Error("Open did not record the use")
		}
		for _, bad := range []string{"", "x", token + "x", strings.ToUpper(token)} {
			if _, _, err := w.feeds.Open(ctx, bad); !errs.Is(err, errs.NotFound) {
				t.Errorf("Open(%q) = %v, want not found", bad, err)
			}
		}

		// Someone else cannot renew or revoke it.
		other := w.scope(t, w.schoolAdmin)
		if _, _, err := w.feeds.Renew(ctx, other, f.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("another user renews: %v", err)
		}
		if err := w.feeds.Revoke(ctx, other, f.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("another user revokes: %v", err)
		}
		if mine, _ := w.feeds.Mine(ctx, other); len(mine) != 0 {
			t.Errorf("another user lists %v", mine)
		}

		// Renewing kills the old link.
		_, token2, err := w.feeds.Renew(ctx, staff, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.feeds.Open(ctx, token); !errs.Is(err, errs.NotFound) {
			t.Errorf("the old link after renewal: %v", err)
		}
		if _, _, err := w.feeds.Open(ctx, token2); err != nil {
			t.Errorf("the new link: %v", err)
		}

		// The owner loses the role: the feed yields nothing, and cannot be
		// renewed, only revoked.
		if err := w.accounts.Revoke(ctx, access.System(), w.schoolStaff.ID, staff.Grants[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.feeds.Open(ctx, token2); !errs.Is(err, errs.NotFound) {
			t.Errorf("feed of a revoked role: %v, want not found", err)
		}
		lost := w.scope(t, w.schoolStaff)
		if _, _, err := w.feeds.Renew(ctx, lost, f.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("renewing a dead feed: %v", err)
		}
		if mine, _ := w.feeds.Mine(ctx, lost); len(mine) != 1 || calendar.Live(lost, mine[0]) {
			t.Errorf("the owner's list %+v: want the dead feed, not live", mine)
		}
		if err := w.feeds.Revoke(ctx, lost, f.ID); err != nil {
			t.Errorf("revoking one's dead feed: %v", err)
		}
		if mine, _ := w.feeds.Mine(ctx, lost); len(mine) != 0 {
			t.Errorf("after revoking: %v", mine)
		}

		// A locked account's feed stops too.
		officer := w.scope(t, w.schoolBOfficer)
		_, tok, err := w.feeds.Create(ctx, officer, w.schoolB.ID)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := w.accounts.Get(ctx, access.System(), w.schoolBOfficer.ID)
		if _, err := w.accounts.SetActive(ctx, access.System(), u.ID, u.Version, false); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.feeds.Open(ctx, tok); !errs.Is(err, errs.NotFound) {
			t.Errorf("feed of a locked account: %v, want not found", err)
		}
		var audited int
		db.R.QueryRow("SELECT COUNT(*) FROM audit_log WHERE object_type = 'calendar_feed'").Scan(&audited)
		if audited != 4 {
			t.Errorf("%d audit entries for feeds, want 4 (create, renew, revoke, create)", audited)
		}
	})
}
