package portal

import (
	"context"
	"time"
)

// Item is an entry of another domain shown on the portal home page: a
// current movement, a recent public activity.
type Item struct {
	Title   string
	URL     string // a public path or an absolute URL; "" shows no link
	Summary string // a line under the title
	Meta    string // who, where: "Bộ Giáo dục và Đào tạo"
	Date    time.Time
}

// Feeds are the other domains' public lists the portal home page shows.
// A nil function hides its section. The server's integrator sets them
// (see web.Server.SetPortalFeeds), for instance
//
//	Movements:  func(ctx context.Context, n int) ([]portal.Item, error) { … movement.Current(ctx, db.R, time.Now(), n) … },
//	Activities: func(ctx context.Context, n int) ([]portal.Item, error) { … activity.PublicRecent(ctx, db.R, n) … },
//
// The home page keeps what they return for FeedTTL at most, unless the
// other domain calls Invalidate in its transaction, which refreshes it at
// once.
type Feeds struct {
	Movements  func(ctx context.Context, limit int) ([]Item, error)
	Activities func(ctx context.Context, limit int) ([]Item, error)
}

// FeedTTL is how long the home page may show a feed's answer.
const FeedTTL = 30 * time.Second

// Any reports whether any feed is set.
func (f Feeds) Any() bool { return f.Movements != nil || f.Activities != nil }
