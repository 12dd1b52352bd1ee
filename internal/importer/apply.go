package importer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"thidua/internal/access"
	"thidua/internal/account"
	"thidua/internal/database"
	"thidua/internal/errs"
	"thidua/internal/unit"
)

// Result is what an import created.
type Result struct {
	Kind  Kind           `json:"kind"`
	Plan  *Plan          `json:"plan"`  // the checked file; on refusal, the rows with their errors
	Units []unit.Unit    `json:"units"` // created units, parents first
	Users []account.User `json:"users"` // created accounts, with the roles granted
	// Passwords holds the initial passwords the import generated, username →
	// password, to hand out once: they are stored only as hashes. Accounts
	// whose password was given in the file are not listed.
	Passwords map[string]string `json:"passwords,omitempty"`
}

// Apply checks sheet as Preview does and, when no row has an error, creates
// everything in one transaction: units through unit.Store.CreateTx (parents
// before children), accounts through account.Store.CreateTx with a password
// change required at first login, and their roles through
// account.Store.GrantTx; each records its own audit entry. When a row has an
// error Apply changes nothing and returns an Invalid error together with a
// Result whose Plan shows the errors; a failure part way rolls everything
// back.
func Apply(ctx context.Context, db *database.DB, sc access.Scope, sheet *Sheet) (*Result, error) {
	plan, err := Preview(ctx, db, sc, sheet)
	if err != nil {
		return nil, err
	}
	return commit(ctx, db, sc, plan)
}

// commit writes a checked plan in one transaction.
func commit(ctx context.Context, db *database.DB, sc access.Scope, plan *Plan) (*Result, error) {
	res := &Result{Kind: plan.Kind, Plan: plan}
	if !plan.Valid {
		return res, &errs.Error{Code: errs.Invalid, Message: fmt.Sprintf(
			"Tệp có %d dòng lỗi nên chưa nhập dòng nào. Hãy sửa các ô được đánh dấu rồi tải lên lại.", plan.ErrorRows)}
	}
	var err error
	if plan.Kind == Units {
		err = applyUnits(ctx, db, sc, plan, res)
	} else {
		err = applyUsers(ctx, db, sc, plan, res)
	}
	if err != nil {
		res.Units, res.Users, res.Passwords = nil, nil, nil
		return res, err
	}
	return res, nil
}

func applyUnits(ctx context.Context, db *database.DB, sc access.Scope, plan *Plan, res *Result) error {
	store := &unit.Store{DB: db}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		res.Units = make([]unit.Unit, 0, len(plan.units))
		ids := make(map[int]int64, len(plan.units))
		for _, p := range plan.units {
			in := p.in
			if p.parentRow >= 0 {
				id, ok := ids[p.parentRow]
				if !ok {
					return errs.Wrap(errors.New("parent not created before child"), "importer: order")
				}
				in.ParentID = id
			}
			u, err := store.CreateTx(ctx, tx, sc, in)
			if err != nil {
				return atLine(plan.Rows[p.row].Line, err)
			}
			ids[p.row] = u.ID
			res.Units = append(res.Units, u)
		}
		return nil
	})
}

func applyUsers(ctx context.Context, db *database.DB, sc access.Scope, plan *Plan, res *Result) error {
	// Hash before the transaction: argon2id takes tens of milliseconds a
	// password, too long to hold the database's write lock for.
	passwords := make([]string, len(plan.users))
	hashes := make([]string, len(plan.users))
	for i, p := range plan.users {
		passwords[i] = p.password
		if passwords[i] == "" {
			passwords[i] = account.RandomPassword()
		}
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, min(runtime.GOMAXPROCS(0), 4)) // each hash holds 19 MiB
	for i := range plan.users {
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			hashes[i] = account.HashPassword(passwords[i])
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}

	store := &account.Store{DB: db}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		res.Users = make([]account.User, 0, len(plan.users))
		res.Passwords = map[string]string{}
		for i, p := range plan.users {
			line := plan.Rows[p.row].Line
			u, err := store.CreateTx(ctx, tx, sc, p.profile, hashes[i], p.password, true)
			if err != nil {
				return atLine(line, err)
			}
			for _, r := range p.roles {
				g, err := store.GrantTx(ctx, tx, sc, u.ID, p.unitID, r)
				if err != nil {
					return atLine(line, err)
				}
				g.UnitName = u.UnitName
				u.Roles = append(u.Roles, g)
			}
			if p.password == "" {
				res.Passwords[u.Username] = passwords[i]
			}
			res.Users = append(res.Users, u)
		}
		return nil
	})
}

// atLine prefixes an expected error's message with the row it concerns.
func atLine(line int, err error) error {
	var e *errs.Error
	if errors.As(err, &e) && e.Code != errs.Internal {
		return &errs.Error{Code: e.Code, Message: fmt.Sprintf("Dòng %d: %s", line, e.Message), Fields: e.Fields, Err: e.Err}
	}
	return err
}
