package platformclient

import "github.com/purecloudgo/platformclient/runtime"

// ParamError reports a parameter that cannot be sent, such as an empty path
// parameter (users.GetUser with an id of ""): the call fails before anything
// is sent. Match it with errors.As. It is the type of package runtime, where
// generated requests are built.
type ParamError = runtime.ParamError

// File is the content of a form file parameter (the name sent in the
// multipart header and a reader of the content), as the generated methods
// of upload operations take it.
type File = runtime.File
