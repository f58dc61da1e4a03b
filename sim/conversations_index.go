package sim

import (
	"slices"
	"time"
)

// The conversations an analytics query sees: the ones in progress and the
// ended ones whose time overlaps the query's interval, as the service
// selects them: a conversation matches [start, end) when it started before
// end and is still in progress or ended after start (or started at start).
// The ended ones are kept by start with the longest duration among them,
// so a query looks only at those that started in [start-longest, end)
// rather than at every conversation that ever ended.

// byStart orders conversations by start, then creation.
func byStart(a, b *conv) int {
	if c := a.start.Compare(b.start); c != 0 {
		return c
	}
	switch {
	case a.seq < b.seq:
		return -1
	case a.seq > b.seq:
		return 1
	}
	return 0
}

// indexEnded adds a conversation that has just ended to the index. The
// caller holds e.mu.
func (e *convEngine) indexEnded(cv *conv) {
	if d := cv.end.Sub(cv.start); d > e.longest {
		e.longest = d
	}
	if n := len(e.ended); n == 0 || byStart(e.ended[n-1], cv) < 0 {
		e.ended = append(e.ended, cv) // the usual case: ends come roughly in start order
		return
	}
	i, _ := slices.BinarySearchFunc(e.ended, cv, byStart)
	e.ended = slices.Insert(e.ended, i, cv)
}

// overlaps reports whether a conversation's time overlaps [start, end).
func overlaps(cv *conv, start, end time.Time) bool {
	if !cv.start.Before(end) {
		return false
	}
	return !cv.ended() || !cv.start.Before(start) || cv.end.After(start)
}

// matchingConvs returns the conversations whose time overlaps [start, end)
// and that pass the filter, by conversation start (desc reverses it). The
// caller holds e.mu.
func (s *Server) matchingConvs(start, end time.Time, f detailFilter, desc bool) []*conv {
	e := &s.convs
	var out []*conv
	for _, cv := range e.live {
		if !cv.ended() && overlaps(cv, start, end) && f.pass(cv) {
			out = append(out, cv)
		}
	}
	live := len(out)
	from := start.Add(-e.longest)
	lo, _ := slices.BinarySearchFunc(e.ended, from, func(cv *conv, t time.Time) int { return cv.start.Compare(t) })
	for _, cv := range e.ended[lo:] {
		if !cv.start.Before(end) {
			break
		}
		if overlaps(cv, start, end) && f.pass(cv) {
			out = append(out, cv)
		}
	}
	if live > 0 && !slices.IsSortedFunc(out, byStart) {
		slices.SortStableFunc(out, byStart)
	}
	if desc {
		slices.Reverse(out)
	}
	return out
}
