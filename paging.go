package platformclient

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strings"
)

// Paging kinds, as recorded in the operation table (operations.Operation.Paging).
const (
	// PagingPageNumber is paging by page number: a pageNumber/pageSize pair
	// in the query or in the body, and a response with the items plus
	// pageCount, total or nextUri.
	PagingPageNumber = "pageNumber"
	// PagingCursor is paging by an opaque token: a cursor or after parameter
	// in the query or in the body, and a response with nextUri, cursor or
	// after.
	PagingCursor = "cursor"
)

// ErrPageLoop is returned by a page iterator when the server hands out the
// same continuation (nextUri or cursor) twice in a row, which would otherwise
// make the iteration endless.
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
}

// Pager describes how to walk the pages of one operation. The generated
// <Method>Pages methods fill it with small closures; Pages does the rest.
type Pager[P any] struct {
	// Kind is PagingPageNumber or PagingCursor.
	Kind string
	// Start is the first page number to request (page-number paging); 0
	// means 1.
	Start int
	// FollowNext makes the walker GET a page's nextUri, when the server
	// gives one, instead of calling Fetch. Generated code sets it for GET
	// operations, whose nextUri repeats every query parameter.
	FollowNext bool
	// TokenParam is the query parameter of nextUri that carries the cursor,
	// used when the listing has no cursor field of its own and nextUri is
	// not followed (e.g. "after").
	TokenParam string
	// Client sends nextUri requests; required when FollowNext is set.
	Client *Client
	// Call holds the call options of every request.
	Call []CallOption
	// Fetch gets a page through the typed operation.
	Fetch func(context.Context, PageRequest) (P, error)
	// New returns an empty page to decode a nextUri response into.
	New func() P
	// Info describes a fetched page.
	Info func(P) PageInfo
}

// Pages returns an iterator over the pages of an operation. It fetches
// lazily: a page is requested only when the loop asks for it. It stops when
// the server reports no further page, when the loop breaks, or at the first
// error, which it yields (with a zero page) as the last element. A cancelled
// ctx stops it with ctx.Err().
func Pages[P any](ctx context.Context, p Pager[P]) iter.Seq2[P, error] {
	return func(yield func(P, error) bool) {
		var zero P
		if p.Fetch == nil || p.Info == nil {
			yield(zero, errors.New("platformclient: paging: incomplete pager"))
			return
		}
		req := PageRequest{Number: max(p.Start, 1)}
		next := "" // nextUri to follow instead of calling Fetch
		last := "" // previous continuation, to detect loops
		seen := 0
		for {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			var page P
			var err error
			if next != "" {
				page = p.New()
				err = p.Client.GetURI(ctx, next, page, p.Call...)
			} else {
				page, err = p.Fetch(ctx, req)
			}
			if err != nil {
				yield(zero, err)
				return
			}
			if !yield(page, nil) {
				return
			}
			info := p.Info(page)
			seen += info.Items
			var ok bool
			if next, ok = p.advance(&req, info, seen); !ok {
				return
			}
			key := ""
			switch {
			case next != "":
				key = "uri:" + next
			case p.Kind == PagingCursor:
				key = "token:" + req.Cursor
			}
			if key != "" {
				if key == last {
					yield(zero, ErrPageLoop)
					return
				}
				last = key
			}
		}
	}
}

// advance decides whether there is another page: it returns the nextUri to
// follow, or updates req for the next Fetch.
func (p *Pager[P]) advance(req *PageRequest, info PageInfo, seen int) (next string, ok bool) {
	nextURI := deref(info.NextURI)
	follow := p.FollowNext && nextURI != "" && p.Client != nil && p.New != nil
	if p.Kind == PagingCursor {
		if follow {
			return nextURI, true
		}
		tok := deref(info.Cursor)
		if tok == "" && nextURI != "" && p.TokenParam != "" {
			tok = queryParam(nextURI, p.TokenParam)
		}
		if tok == "" {
			return "", false
		}
		req.Cursor = tok
		return "", true
	}
	// Page-number paging.
	if info.Items == 0 {
		return "", false
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
		return "", false
	}
	req.Number = cur + 1
	if follow {
		return nextURI, true
	}
	return "", true
}

// Items flattens a page iterator into an iterator over the pages' items,
// with the same laziness, stopping and error rules.
func Items[P, T any](pages iter.Seq2[P, error], items func(P) []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for page, err := range pages {
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range items(page) {
				if !yield(it, nil) {
					return
				}
			}
		}
	}
}

// GetURI sends a GET request for uri, a nextUri (or other *Uri field) of a
// listing, and decodes the response into out like Do. A relative uri such as
// "/api/v2/users?pageNumber=2" is resolved against the client's base URL.
// Of an absolute uri only the path and query are used: the request always
// goes to the client's base URL, so a listing cannot send the access token
// to another host.
func (c *Client) GetURI(ctx context.Context, uri string, out any, opts ...CallOption) error {
	u, err := url.Parse(strings.TrimSpace(uri))
	if err != nil {
		return fmt.Errorf("platformclient: invalid next URI %q: %w", uri, err)
	}
	path := u.EscapedPath()
	if path == "" {
		return fmt.Errorf("platformclient: next URI %q has no path", uri)
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	// The path is already escaped; hide braces from the template expansion.
	path = strings.NewReplacer("{", "%7B", "}", "%7D").Replace(path)
	req := &Request{Method: "GET", PathTemplate: path}
	if q := u.Query(); len(q) > 0 {
		req.Query = q
	}
	return c.Do(ctx, req, out, opts...)
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
