package account_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/database"
	"thidua/internal/dbtest"
)

// The scale: a province of about 1,000 schools and 10,000 accounts.
// docs/benchmarks-foundation.md has the figures and how to run them.
const (
	benchSchools  = 1000
	benchAccounts = 10000
)

// BenchmarkResolve measures the permission resolution every authenticated
// request makes: the session looked up by its token, joined to the user and
// their home unit, then the user's role grants with their units' paths.
func BenchmarkResolve(b *testing.B) {
	dbtest.EachB(b, func(b *testing.B, db *database.DB) {
		p := dbtest.SeedProvince(b, db, benchSchools, benchAccounts)
		s := &account.Store{DB: db}
		ctx := context.Background()
		b.Run("random-session", func(b *testing.B) {
			b.ReportAllocs()
			rng := rand.New(rand.NewPCG(1, 2))
			for b.Loop() {
				ss, err := s.Resolve(ctx, p.Tokens[rng.IntN(len(p.Tokens))], account.Web)
				if err != nil || len(ss.Scope.Grants) != 1 {
					b.Fatalf("resolve: %v (%d grants)", err, len(ss.Scope.Grants))
				}
			}
		})
		b.Run("random-session-parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				rng := rand.New(rand.NewPCG(rand.Uint64(), 3))
				for pb.Next() {
					if _, err := s.Resolve(ctx, p.Tokens[rng.IntN(len(p.Tokens))], account.Web); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
		b.Run("unknown-token", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Resolve(ctx, "no-such-token", account.Web); err == nil {
					b.Fatal("resolved an unknown token")
				}
			}
		})
	})
}

// BenchmarkScopeHas measures the in-memory checks on a resolved scope (no
// database): Has for a school inside and outside the caller's ward, and the
// SQL condition Filter builds for store queries.
func BenchmarkScopeHas(b *testing.B) {
	db := dbtest.SQLite(b)
	p := dbtest.SeedProvince(b, db, benchSchools, benchAccounts)
	ss, err := (&account.Store{DB: db}).Resolve(context.Background(), p.WardOfficer.Token, account.Web)
	if err != nil {
		b.Fatal(err)
	}
	sc := ss.Scope
	var inside, outside []string
	for i, w := range p.Wards {
		for _, s := range w.Schools {
			if i == 0 {
				inside = append(inside, s.Path)
			} else {
				outside = append(outside, s.Path)
			}
		}
	}
	b.Run("Has/inside", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if !sc.Has(inside[i%len(inside)], access.Officer, access.Leader) {
				b.Fatal("officer lacks a school of their ward")
			}
			i++
		}
	})
	b.Run("Has/outside", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if sc.Has(outside[i%len(outside)], access.Officer, access.Leader) {
				b.Fatal("officer holds a school of another ward")
			}
			i++
		}
	})
	b.Run("CanSeeUnit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !sc.CanSeeUnit(p.Department.Path) {
				b.Fatal("officer cannot see the department above")
			}
		}
	})
	b.Run("Filter", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if cond, args := sc.Filter("un.path", 1, access.Officer); len(args) != 1 || cond == "" {
				b.Fatalf("filter = %q %v", cond, args)
			}
		}
	})
}

// BenchmarkUserList measures the accounts page: one page of 50 for an
// administrator at a ward (about 400 accounts) and at the department (all
// 10,000), plus a deep page at the department.
func BenchmarkUserList(b *testing.B) {
	dbtest.EachB(b, func(b *testing.B, db *database.DB) {
		p := dbtest.SeedProvince(b, db, benchSchools, benchAccounts)
		s := &account.Store{DB: db}
		ctx := context.Background()
		cases := []struct {
			name   string
			who    dbtest.Account
			f      account.Filter
			minTot int
		}{
			{"ward-admin", p.WardAdmin, account.Filter{Limit: 50}, 300},
			{"department-admin", p.DepartmentAdmin, account.Filter{Limit: 50}, benchAccounts - 1},
			{"department-admin-offset-5000", p.DepartmentAdmin, account.Filter{Limit: 50, Offset: 5000}, benchAccounts - 1},
		}
		for _, c := range cases {
			sc := c.who.Scope()
			b.Run(c.name, func(b *testing.B) {
				b.ReportAllocs()
				var total int
				for b.Loop() {
					users, n, err := s.List(ctx, sc, c.f)
					if err != nil || len(users) != 50 || n < c.minTot {
						b.Fatalf("list: %v (%d users of %d)", err, len(users), n)
					}
					total = n
				}
				b.ReportMetric(float64(total), "matches")
			})
		}
	})
}
