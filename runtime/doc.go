// Package runtime is the contract between the generated packages (api/...)
// and the client in package platformclient: the request a generated method
// builds (NewRequest, Request), how its body is encoded (Request.EncodeBody)
// and the page walker behind the generated <Method>Pages and <Method>Items
// iterators (Pages, Items, PageSpec).
//
// Programs do not need this package to call the API: the generated
// methods build their requests here and send them through
// platformclient.Client. Import it only to call by hand an operation the
// generated packages do not have yet:
//
//	req := runtime.NewRequest("GET", "/api/v2/users/{userId}", id)
//	req.AddQuery("expand", []string{"presence"})
//	var user models.User
//	err := client.Do(ctx, req, &user)
//
// It does not import package platformclient, so that package can import it.
package runtime
