package runtime

import (
	"context"
	"sync"
	"sync/atomic"
)

// A page walker learns a call's Prefetch depth (a call option of package
// platformclient, which this package does not import) through a probe in
// the context of its first fetch: the client's Do finds it there and notes
// the depth.

type probeKey struct{}

// prefetchProbe carries the depth the client's Do noted.
type prefetchProbe struct{ depth atomic.Int32 }

// NotePrefetch records n, a call's Prefetch depth, for the page walker
// whose fetch made the call with ctx. The client's Do calls it; it does
// nothing for a call that is not a page fetch.
func NotePrefetch(ctx context.Context, n int) {
	if p, ok := ctx.Value(probeKey{}).(*prefetchProbe); ok && n > 0 {
		p.depth.Store(int32(min(n, maxPrefetch)))
	}
}

// ahead returns the depth noted, 0 for a nil probe.
func (p *prefetchProbe) ahead() int {
	if p == nil {
		return 0
	}
	return int(p.depth.Load())
}

// maxPrefetch bounds the pages fetched ahead.
const maxPrefetch = 64

// withProbe returns ctx carrying a new probe.
func withProbe(ctx context.Context) (context.Context, *prefetchProbe) {
	p := &prefetchProbe{}
	return context.WithValue(ctx, probeKey{}, p), p
}

// prefetchRest fetches pages from..count by number, up to n at a time,
// and yields them in order. Nothing more is fetched once yield returns
// false (the fetches in flight are cancelled and waited for); an error is
// yielded after the pages before it, and ends the walk; an empty page ends
// it too.
func prefetchRest(ctx context.Context, from, count, n int, fetch func(context.Context, PageRequest) (any, error), info func(any) PageInfo, yield func(any, error) bool) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	type result struct {
		page any
		err  error
	}
	var queue []chan result
	next := from
	launch := func() {
		ch := make(chan result, 1)
		k := next
		next++
		queue = append(queue, ch)
		wg.Go(func() {
			p, err := fetch(ctx, PageRequest{Number: k})
			ch <- result{p, err}
		})
	}
	for len(queue) < n && next <= count {
		launch()
	}
	for len(queue) > 0 {
		r := <-queue[0]
		queue = queue[1:]
		if r.err == nil {
			if err := ctx.Err(); err != nil {
				r.err = err
			}
		}
		if r.err != nil {
			yield(nil, r.err)
			return
		}
		if info(r.page).Items == 0 {
			return
		}
		if !yield(r.page, nil) {
			return
		}
		if next <= count {
			launch()
		}
	}
}
