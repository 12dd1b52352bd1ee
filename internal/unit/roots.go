package unit

import (
	"context"

	"thidua/internal/access"
	"thidua/internal/errs"
)

// RootIDs returns the ids of the units at the top of the trees (no
// parent), for work that walks every tree as the public, such as the
// public calendar. It reveals nothing but ids, so it takes no scope.
func (s *Store) RootIDs(ctx context.Context) ([]int64, error) {
	rows, err := s.DB.R.QueryContext(ctx, "SELECT id FROM units WHERE parent_id IS NULL ORDER BY id")
	if err != nil {
		return nil, errs.Wrap(err, "unit: roots")
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, errs.Wrap(err, "unit: roots")
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Children returns the units directly under parentID that the caller may
// see, by kind then name (closed ones included).
func (s *Store) Children(ctx context.Context, sc access.Scope, parentID int64) ([]Unit, error) {
	rows, err := s.DB.R.QueryContext(ctx, "SELECT "+columns+" FROM units WHERE parent_id = $1 ORDER BY kind, name, id", parentID)
	if err != nil {
		return nil, errs.Wrap(err, "unit: children")
	}
	all, err := collect(rows)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, u := range all {
		if sc.CanSeeUnit(u.Path) {
			out = append(out, u)
		}
	}
	SortTree(out)
	return out, nil
}
