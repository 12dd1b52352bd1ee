package selection

import (
	"time"

	"thidua/internal/database"
	"thidua/internal/exemplar"
	"thidua/internal/notify"
	"thidua/internal/unit"
)

// Store runs the pipeline. Every method takes the caller's scope; every
// transition is one transaction together with its audit entry and its event
// in the nomination's history.
type Store struct {
	DB       *database.DB
	Units    *unit.Store
	Dossiers *exemplar.Store
	Notify   *notify.Store    // released decisions and deadline reminders; nil: nobody is told
	Now      func() time.Time // the clock; nil: time.Now
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC().Truncate(time.Microsecond)
	}
	return database.Now()
}
