// Command tiny is the smallest program that calls the API through one
// generated package; bench/compile.sh times its cold build.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/users"
)

func main() {
	c, err := platformclient.New(platformclient.WithAccessToken(os.Getenv("GENESYS_CLOUD_ACCESS_TOKEN")))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	me, err := users.NewClient(c).GetUsersMe(context.Background(), nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(platformclient.Value(me.Name))
}
