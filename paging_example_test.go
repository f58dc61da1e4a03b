package platformclient_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/users"
)

// pagedUsers serves GET /api/v2/users: five users, pageSize per page.
func pagedUsers() *httptest.Server {
	names := []string{"Ann", "Bob", "Cem", "Dee", "Eve"}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		size, _ := strconv.Atoi(r.URL.Query().Get("pageSize"))
		page, _ := strconv.Atoi(r.URL.Query().Get("pageNumber"))
		page = max(page, 1)
		fmt.Fprintf(w, `{"pageNumber":%d,"pageSize":%d,"pageCount":%d,"total":%d,"entities":[`, page, size, (len(names)+size-1)/size, len(names))
		for i := (page - 1) * size; i < page*size && i < len(names); i++ {
			if i > (page-1)*size {
				fmt.Fprint(w, ",")
			}
			fmt.Fprintf(w, `{"id":"u%d","name":%q}`, i+1, names[i])
		}
		fmt.Fprint(w, "]}")
	}))
}

// Iterate over every user, fetching pages as the loop needs them.
func Example_items() {
	srv := pagedUsers()
	defer srv.Close()
	client, err := platformclient.New(platformclient.WithBaseURL(srv.URL), platformclient.WithAccessToken("token"))
	if err != nil {
		panic(err)
	}
	api := users.NewClient(client)
	for user, err := range api.GetUsersItems(context.Background(), &users.GetUsersOptions{PageSize: platformclient.Ptr(2)}) {
		if err != nil {
			fmt.Println("error:", err) // the first error ends the iteration
			break
		}
		fmt.Println(*user.ID, *user.Name)
	}
	// Output:
	// u1 Ann
	// u2 Bob
	// u3 Cem
	// u4 Dee
	// u5 Eve
}

// Walk the pages themselves, e.g. to read totals or stop early.
func Example_pages() {
	srv := pagedUsers()
	defer srv.Close()
	client, err := platformclient.New(platformclient.WithBaseURL(srv.URL), platformclient.WithAccessToken("token"))
	if err != nil {
		panic(err)
	}
	api := users.NewClient(client)
	for page, err := range api.GetUsersPages(context.Background(), &users.GetUsersOptions{PageSize: platformclient.Ptr(2)}) {
		if err != nil {
			panic(err)
		}
		fmt.Printf("page %d of %d: %d users\n", *page.PageNumber, *page.PageCount, len(page.Entities))
	}
	// Output:
	// page 1 of 3: 2 users
	// page 2 of 3: 2 users
	// page 3 of 3: 1 users
}
