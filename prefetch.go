package platformclient

// Prefetch makes the generated ...Pages and ...Items iterators of a
// listing paged by page number fetch up to n pages at a time: once the
// first page tells the page count, pages 2..N are requested n at a time
// (each under the client's pacing, like any call) and yielded in order.
// Nothing more is fetched once the loop stops ranging (the requests in
// flight are cancelled), and an error ends the iteration after the items
// of the pages before it. Cursor and nextUri paging stay sequential, as
// does a listing that reports no page count.
//
// It helps when a listing is bound by latency: 100 pages at 100 ms each
// take 10 s one after the other and about 1.3 s eight at a time. It does
// not when the rate limit is what binds (a single token's 300 requests a
// minute): the pages then wait for their turn whatever the depth, and a
// token pool (WithTokenPool) is what helps. n <= 1 fetches one page at a
// time; n is capped at 64.
//
//	for u, err := range api.GetUsersItems(ctx, opts, platformclient.Prefetch(8)) { ... }
func Prefetch(n int) CallOption {
	return func(o *callOptions) { o.prefetch = n }
}
