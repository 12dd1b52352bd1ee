package portal

// Ranked lists the queries ranked on the search's current snapshot, the
// latest first, and its generation (for tests).
func Ranked(s *Store) ([]string, int64) {
	s.search.Lock()
	idx := s.search.cur
	s.search.Unlock()
	if idx == nil {
		return nil, 0
	}
	return idx.recent(maxRankings), idx.gen
}
