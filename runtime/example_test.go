package runtime_test

import (
	"context"
	"fmt"
	"iter"
	"strconv"

	"github.com/purecloudgo/platformclient/runtime"
)

// A request for an operation the generated packages do not have yet; send it
// with platformclient.Client.Do.
func ExampleNewRequest() {
	req := runtime.NewRequest("GET", "/api/v2/users/{userId}", "a b")
	req.AddQuery("expand", []string{"presence", "groups"})
	path, err := req.Path()
	fmt.Println(path, req.Query.Encode(), err)
	// Output: /api/v2/users/a%20b expand=presence&expand=groups <nil>
}

// Pages walks a listing by page number until the reported page count.
func ExamplePages() {
	type page struct {
		n     int
		items []string
	}
	fetch := func(_ context.Context, r runtime.PageRequest) (*page, error) {
		return &page{n: r.Number, items: []string{"item" + strconv.Itoa(r.Number)}}, nil
	}
	count := 3
	info := func(p *page) runtime.PageInfo {
		return runtime.PageInfo{Items: len(p.items), PageNumber: &p.n, PageCount: &count}
	}
	var pages iter.Seq2[*page, error] = runtime.Pages(context.Background(), runtime.PageSpec{Kind: runtime.PageNumber}, fetch, info)
	for it, err := range runtime.Items(pages, func(p *page) []string { return p.items }) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(it)
	}
	// Output:
	// item1
	// item2
	// item3
}
