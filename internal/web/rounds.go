package web

import "net/http"

// registerRounds adds the pages and API routes of selection rounds and
// nominations.
func (s *Server) registerRounds() {}

// selectionTodos lists the caller's selection to-dos for the home page.
func (s *Server) selectionTodos(r *http.Request) []todo { return nil }
