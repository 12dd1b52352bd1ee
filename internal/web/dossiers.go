package web

// registerDossiers adds the pages and API routes of exemplar dossiers.
func (s *Server) registerDossiers() {}
