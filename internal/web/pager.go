package web

import (
	"net/http"
	"net/url"
	"strconv"
)

// pager is server-side pagination state for a listing.
type pager struct {
	Page, Size, Total, Pages int
	Prev, Next               string // links, "" when none
}

func newPager(r *http.Request, size int) pager {
	// Clamped so (page-1)*size cannot overflow into a negative OFFSET.
	p := min(max(queryInt(r, "page", 1), 1), 1<<20)
	return pager{Page: p, Size: size}
}

// Offset is the number of rows before this page.
func (p pager) Offset() int { return (p.Page - 1) * p.Size }

// With fills the totals and the neighbour links, keeping the other query
// parameters.
func (p pager) With(total int, r *http.Request) pager {
	p.Total = total
	p.Pages = (total + p.Size - 1) / p.Size
	link := func(n int) string {
		q := url.Values{}
		for k, v := range r.URL.Query() {
			q[k] = v
		}
		q.Set("page", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	if p.Page > 1 {
		p.Prev = link(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.Next = link(p.Page + 1)
	}
	return p
}
