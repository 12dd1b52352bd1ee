package web

import (
	"context"
	"strings"
	"time"

	"thidua/internal/activity"
	"thidua/internal/movement"
	"thidua/internal/portal"
	"thidua/internal/viet"
)

// portalFeeds are the lists of other domains the portal home page shows:
// the movements under way with their current campaigns, and the activities
// their units made public. Neither reads personal data.
func (s *Server) portalFeeds() portal.Feeds {
	return portal.Feeds{
		Movements: func(ctx context.Context, n int) ([]portal.Item, error) {
			ms, err := movement.Current(ctx, s.db.R, time.Now().In(viet.Zone), n)
			if err != nil {
				return nil, err
			}
			out := make([]portal.Item, 0, len(ms))
			for _, m := range ms {
				var names []string
				for _, c := range m.Campaigns {
					names = append(names, c.Name)
				}
				summary := ""
				if len(names) > 0 {
					summary = "Đang diễn ra: " + strings.Join(names, "; ")
				}
				out = append(out, portal.Item{Title: m.Name, Summary: summary, Meta: m.Launcher(), Date: m.StartsOn})
			}
			return out, nil
		},
		Activities: func(ctx context.Context, n int) ([]portal.Item, error) {
			as, err := activity.PublicRecent(ctx, s.db.R, n)
			if err != nil {
				return nil, err
			}
			out := make([]portal.Item, 0, len(as))
			for _, a := range as {
				out = append(out, portal.Item{Title: a.Title, Summary: a.Summary, Meta: a.UnitName + " · " + a.FormName, Date: a.Date})
			}
			return out, nil
		},
	}
}
