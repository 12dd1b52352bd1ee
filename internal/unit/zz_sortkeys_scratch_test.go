package unit_test

import (
	"bytes"
	"cmp"
	"context"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/collate"

	"thidua/internal/dbtest"
	"thidua/internal/unit"
	"thidua/internal/viet"
)

// sortTreeKeys is SortTree with collation keys computed once per unit.
func sortTreeKeys(units []unit.Unit) {
	col := viet.Collator()
	var buf collate.Buffer
	keys := make([][]byte, len(units))
	for i, u := range units {
		keys[i] = slices.Clone(col.KeyFromString(&buf, u.Name))
		buf.Reset()
	}
	byID := make(map[int64]int, len(units))
	for i, u := range units {
		byID[u.ID] = i
	}
	children := map[int64][]int{}
	var roots []int
	for i, u := range units {
		if _, ok := byID[u.ParentID]; ok && u.ParentID != 0 {
			children[u.ParentID] = append(children[u.ParentID], i)
		} else {
			roots = append(roots, i)
		}
	}
	kindRank := func(k unit.Kind) int { return slices.Index(unit.Kinds, k) }
	less := func(a, b int) int {
		if c := cmp.Compare(kindRank(units[a].Kind), kindRank(units[b].Kind)); c != 0 {
			return c
		}
		return bytes.Compare(keys[a], keys[b])
	}
	out := make([]unit.Unit, 0, len(units))
	var walk func(ix []int)
	walk = func(ix []int) {
		slices.SortFunc(ix, less)
		for _, i := range ix {
			out = append(out, units[i])
			walk(children[units[i].ID])
		}
	}
	walk(roots)
	copy(units, out)
}

func BenchmarkZZSortKeys(b *testing.B) {
	db := dbtest.SQLite(b)
	p := dbtest.SeedProvince(b, db, 1000, 10000)
	s := &unit.Store{DB: db}
	all, _, err := s.List(context.Background(), p.DepartmentAdmin.Scope(), unit.Filter{})
	if err != nil {
		b.Fatal(err)
	}
	want := slices.Clone(all)
	slices.SortFunc(all, func(a, b unit.Unit) int { return strings.Compare(a.Path, b.Path) })
	buf := make([]unit.Unit, len(all))
	copy(buf, all)
	sortTreeKeys(buf)
	for i := range buf {
		if buf[i].ID != want[i].ID {
			b.Fatalf("order differs at %d", i)
		}
	}
	for _, c := range []struct {
		name string
		f    func([]unit.Unit)
	}{{"SortTree", unit.SortTree}, {"keys", sortTreeKeys}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				copy(buf, all)
				c.f(buf)
			}
		})
	}
}
