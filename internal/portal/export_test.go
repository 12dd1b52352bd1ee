package portal

// Ranked lists the queries ranked on the search's current snapshot, the
// latest first (for tests; SearchGeneration gives its generation).
func Ranked(s *Store) []string {
	s.search.Lock()
	idx := s.search.cur
	s.search.Unlock()
	if idx == nil {
		return nil
	}
	return idx.recent(maxRankings)
}
