package runtime

import (
	"context"
	"errors"
	"iter"
	"net/url"
)

// PageKind is how an operation pages. Its values are the strings of the
// operation table (operations.Operation.Paging).
type PageKind string

// The paging kinds the generator writes into a PageSpec.
const (
	// PageNumber is paging by page number: a pageNumber/pageSize pair in the
	// query or in the body, and a response with the items plus pageCount,
	// total or nextUri. A PageSpec whose Kind is empty pages this way too.
	PageNumber PageKind = "pageNumber"
	// Cursor is paging by an opaque token: a cursor or after parameter in
	// the query or in the body, and a response with nextUri, cursor or
	// after.
	Cursor PageKind = "cursor"
)

// ErrPageLoop is returned by a page iterator when the server hands out the
// same continuation (nextUri or cursor) twice in a row, which would otherwise
// make the iteration endless. The root package names it
// platformclient.ErrPageLoop too.
var ErrPageLoop = errors.New("platformclient: paging: the server repeated the same continuation")

// PageInfo is what a page iterator needs to know about a fetched page.
// Generated code fills it from the listing's fields.
type PageInfo struct {
	Items      int     // number of items on the page
	PageNumber *int    // page number reported by the server
	PageCount  *int    // number of pages reported by the server
	Total      *int    // total number of items reported (total, totalHits)
	NextURI    *string // nextUri reported by the server
	Cursor     *string // cursor or after token reported by the server
}

// PageRequest tells a fetch function which page to get.
type PageRequest struct {
	// Number is the page number to request (page-number paging).
	Number int
	// Cursor is the continuation token to send (cursor paging); "" asks for
	// the first page as the caller's options describe it.
	Cursor string
	// NextURI, when not empty, is a listing's nextUri to GET instead of
	// calling the operation (see platformclient.Client.GetURI).
	NextURI string
}

// PageSpec describes how an operation pages. The generated <Method>Pages
// methods fill it; Pages does the rest.
type PageSpec struct {
	// Kind is PageNumber or Cursor.
	Kind PageKind
	// Start is the first page number to request (page-number paging); 0
	// means 1.
	Start int
	// FollowNext makes the walker ask for a page's nextUri, when the server
	// gives one, instead of a page number or cursor. Generated code sets it
	// for GET operations, whose nextUri repeats every query parameter.
	FollowNext bool
	// TokenParam is the query parameter of nextUri that carries the cursor,
	// used when the listing has no cursor field of its own and nextUri is
	// not followed (e.g. "after").
	TokenParam string
}

// Pages returns an iterator over the pages of an operation: fetch gets the
// page a PageRequest names (through the typed operation, or Client.GetURI
// for a nextUri) and info describes a fetched page. It fetches lazily: a
// page is requested only when the loop asks for it. It stops when the
// server reports no further page, when the loop breaks, or at the first
// error, which it yields (with a zero page) as the last element. A
// cancelled ctx stops it with ctx.Err().
//
// Pages is generic in the page type only, is not inlined and leaves its loop
// to a non-generic function: instantiated with pointer types it compiles
// once per API package, so a paged operation adds only a few small closures.
//
//go:noinline
func Pages[P any](ctx context.Context, s PageSpec, fetch func(context.Context, PageRequest) (P, error), info func(P) PageInfo) iter.Seq2[P, error] {
	return func(yield func(P, error) bool) {
		if fetch == nil || info == nil {
			var zero P
			yield(zero, errors.New("platformclient: paging: incomplete page spec"))
			return
		}
		// The loop is not generic, so that it is compiled once, in this
		// package, rather than into every API package.
		walk(ctx, s,
			func(ctx context.Context, r PageRequest) (any, error) { return fetch(ctx, r) },
			func(p any) PageInfo { return info(p.(P)) },
			func(p any, err error) bool {
				v, _ := p.(P)
				return yield(v, err)
			})
	}
}

// walk is the loop of Pages, on pages typed any.
func walk(ctx context.Context, s PageSpec, fetch func(context.Context, PageRequest) (any, error), info func(any) PageInfo, yield func(any, error) bool) {
	req := PageRequest{Number: max(s.Start, 1)}
	last := "" // previous continuation, to detect loops
	seen := 0
	var probe *prefetchProbe // learns a Prefetch call option (prefetch.go)
	if s.Kind != Cursor {
		ctx, probe = withProbe(ctx)
	}
	for first := true; ; first = false {
		if err := ctx.Err(); err != nil {
			yield(nil, err)
			return
		}
		page, err := fetch(ctx, req)
		if err != nil {
			yield(nil, err)
			return
		}
		if !yield(page, nil) {
			return
		}
		pi := info(page)
		seen += pi.Items
		if !s.advance(&req, pi, seen) {
			return
		}
		if d := probe.ahead(); first && d > 1 && pi.PageCount != nil {
			prefetchRest(ctx, req.Number, *pi.PageCount, d, fetch, info, yield)
			return
		}
		key := ""
		switch {
		case req.NextURI != "":
			key = "uri:" + req.NextURI
		case s.Kind == Cursor:
			key = "token:" + req.Cursor
		}
		if key != "" {
			if key == last {
				yield(nil, ErrPageLoop)
				return
			}
			last = key
		}
	}
}

// advance decides whether there is another page and sets req for it.
func (s *PageSpec) advance(req *PageRequest, info PageInfo, seen int) bool {
	nextURI := deref(info.NextURI)
	follow := s.FollowNext && nextURI != ""
	req.NextURI = ""
	if s.Kind == Cursor {
		if follow {
			req.NextURI = nextURI
			return true
		}
		tok := deref(info.Cursor)
		if tok == "" && nextURI != "" && s.TokenParam != "" {
			tok = queryParam(nextURI, s.TokenParam)
		}
		if tok == "" {
			return false
		}
		req.Cursor = tok
		return true
	}
	// Page-number paging.
	if info.Items == 0 {
		return false
	}
	cur := req.Number
	if info.PageNumber != nil && *info.PageNumber > 0 {
		cur = *info.PageNumber
	}
	more := false
	switch {
	case follow:
		more = true
	case info.PageCount != nil:
		more = cur < *info.PageCount
	case info.Total != nil:
		more = seen < *info.Total
	default:
		more = nextURI != ""
	}
	if !more {
		return false
	}
	req.Number = cur + 1
	if follow {
		req.NextURI = nextURI
	}
	return true
}

// Items flattens a page iterator into an iterator over the pages' items,
// with the same laziness, stopping and error rules.
//
//go:noinline
func Items[P, T any](pages iter.Seq2[P, error], items func(P) []T) iter.Seq2[T, error] {
	// A plain callback rather than a range-over-func loop: this function is
	// instantiated once per item type, and the plain form compiles to less
	// code in every API package.
	return func(yield func(T, error) bool) {
		pages(func(page P, err error) bool {
			if err != nil {
				var zero T
				yield(zero, err)
				return false
			}
			for _, it := range items(page) {
				if !yield(it, nil) {
					return false
				}
			}
			return true
		})
	}
}

// queryParam returns the value of a query parameter of a URI, "" when absent.
func queryParam(uri, name string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return ""
	}
	return u.Query().Get(name)
}

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// IntPtr converts a pointer to a sized integer into a *int, for PageInfo.
func IntPtr[N ~int | ~int32 | ~int64](p *N) *int {
	if p == nil {
		return nil
	}
	n := int(*p)
	return &n
}
