package web

import (
	lru "container/list"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// pageCache keeps rendered public pages, least recently used out first,
// within a byte budget. An entry is valid for the portal generation it was
// built at (and, for pages showing other domains' data, until it expires):
// any change the public can see bumps the generation, so the next request
// rebuilds the page. Errors are never cached.
type pageCache struct {
	mu       sync.Mutex
	max      int64
	size     int64
	order    *lru.List // front: most recently used
	items    map[string]*lru.Element
	inflight map[string]*build // pages being built: later requests wait for them
}

// build is a page being built for one key and generation.
type build struct {
	gen  int64
	done chan struct{}
	page *cachedPage
	err  error
}

// cachedPage is one public answer, ready to write.
type cachedPage struct {
	key      string
	gen      int64
	expires  time.Time // zero: valid for the whole generation
	status   int
	ctype    string
	etag     string
	modified time.Time // zero: no Last-Modified
	location string    // redirects
	body     []byte
}

// maxCachedItem keeps single large answers (big photos) out of the cache.
const maxCachedItem = 2 << 20

func newPageCache(budget int64) *pageCache {
	return &pageCache{max: budget, order: lru.New(), items: map[string]*lru.Element{}, inflight: map[string]*build{}}
}

// once builds the page of key at gen with fn, unless another request is
// building it already, whose result it then shares: after a change, the
// many requests for a popular page cost one build.
func (c *pageCache) once(key string, gen int64, fn func() (*cachedPage, error)) (*cachedPage, error) {
	if c == nil || c.max <= 0 {
		return fn() // no cache, no sharing: every request pays its page
	}
	c.mu.Lock()
	if b, ok := c.inflight[key]; ok && b.gen == gen {
		c.mu.Unlock()
		<-b.done
		return b.page, b.err
	}
	b := &build{gen: gen, done: make(chan struct{})}
	c.inflight[key] = b
	c.mu.Unlock()
	b.page, b.err = fn()
	c.mu.Lock()
	if c.inflight[key] == b {
		delete(c.inflight, key)
	}
	c.mu.Unlock()
	close(b.done)
	return b.page, b.err
}

func (c *pageCache) get(key string, gen int64, now time.Time) *cachedPage {
	if c == nil || c.max <= 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil
	}
	p := el.Value.(*cachedPage)
	if p.gen != gen || (!p.expires.IsZero() && !now.Before(p.expires)) {
		c.remove(el)
		return nil
	}
	c.order.MoveToFront(el)
	return p
}

func (c *pageCache) put(p *cachedPage) {
	if c == nil || c.max <= 0 || len(p.body) > maxCachedItem {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[p.key]; ok {
		c.remove(el)
	}
	c.items[p.key] = c.order.PushFront(p)
	c.size += p.cost()
	for c.size > c.max && c.order.Len() > 0 {
		c.remove(c.order.Back())
	}
}

func (c *pageCache) remove(el *lru.Element) {
	p := el.Value.(*cachedPage)
	c.order.Remove(el)
	delete(c.items, p.key)
	c.size -= p.cost()
}

func (p *cachedPage) cost() int64 { return int64(len(p.body) + len(p.key) + 200) }

// bodyETag is a strong ETag of a body's content.
func bodyETag(b []byte) string {
	h := fnv.New64a()
	h.Write(b)
	return `"b` + strconv.FormatUint(h.Sum64(), 36) + `"`
}

// write answers with p, or 304 when the request's validators match.
func (p *cachedPage) write(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	if p.ctype != "" {
		h.Set("Content-Type", p.ctype)
	}
	// Public pages may be kept by browsers and shared caches but must be
	// revalidated on every use: an unpublished page then disappears at
	// once, and the revalidation is a cheap 304.
	h.Set("Cache-Control", "public, no-cache")
	if p.etag != "" {
		h.Set("ETag", p.etag)
	}
	if !p.modified.IsZero() {
		h.Set("Last-Modified", p.modified.UTC().Format(http.TimeFormat))
	}
	if p.location != "" {
		h.Set("Location", p.location)
	}
	if p.status == http.StatusOK && notModified(r, p.etag, p.modified) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(p.body)))
	w.WriteHeader(p.status)
	w.Write(p.body)
}

// notModified applies the conditional headers of a GET: If-None-Match
// first (any listed tag matching, weak or strong), then If-Modified-Since.
func notModified(r *http.Request, etag string, modified time.Time) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		if etag == "" {
			return false
		}
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == "*" || t == etag {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" && !modified.IsZero() {
		t, err := http.ParseTime(ims)
		return err == nil && !modified.Truncate(time.Second).After(t)
	}
	return false
}
