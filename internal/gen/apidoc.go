package gen

import (
	"fmt"
	"strings"
)

// packageDoc renders doc.go of an API package: what the package calls, how
// to build its client, one call, and where the methods are listed.
func packageDoc(pkg, tag string, ops []*apiOp) string {
	var b strings.Builder
	b.WriteString(Header)
	fmt.Fprintf(&b, "// Package %s calls the %s operations of the Genesys Cloud Platform API.\n", pkg, tag)
	b.WriteString("//\n// Build its client on a platformclient.Client, shared by every package,\n// and call its methods:\n//\n")
	b.WriteString("//\tc, err := platformclient.New(platformclient.WithEnvironment())\n")
	b.WriteString("//\tif err != nil {\n//\t\treturn err\n//\t}\n")
	fmt.Fprintf(&b, "//\tapi := %s.NewClient(c)\n", pkg)
	if a := exampleOp(ops); a != nil {
		b.WriteString(exampleCall(a))
	}
	b.WriteString("//\n// WithEnvironment reads the client id, secret and region from\n")
	b.WriteString("// GENESYSCLOUD_OAUTHCLIENT_ID, GENESYSCLOUD_OAUTHCLIENT_SECRET and\n")
	b.WriteString("// GENESYSCLOUD_REGION (or GENESYSCLOUD_BASE_URL for a simulator); see the\n")
	b.WriteString("// platformclient package for the other ways to configure and log in.\n")
	b.WriteString("//\n// Every operation is a method of Client: run\n//\n")
	fmt.Fprintf(&b, "//\tgo doc github.com/purecloudgo/platformclient/api/%s Client\n//\n", pkg)
	fmt.Fprintf(&b, "// (or go doc ./api/%s Client in the SDK's repository) to list them. A\n", pkg)
	b.WriteString("// method's documentation gives its HTTP method, path and required\n")
	b.WriteString("// permissions; its optional parameters are the fields of its Options\n")
	b.WriteString("// struct (pass nil for none), and the last arguments are\n")
	b.WriteString("// platformclient.CallOption values such as CaptureResponse.\n")
	fmt.Fprintf(&b, "package %s\n", pkg)
	return b.String()
}

// exampleOp picks the operation a package's documentation shows: a read
// that needs no argument, a list if possible, neither preview nor
// deprecated; among equals the shortest name.
func exampleOp(ops []*apiOp) *apiOp {
	score := func(a *apiOp) int {
		s := 0
		if a.OpInfo.Method == "GET" {
			s += 8
		}
		if len(a.Positional) == 0 {
			s += 4
		}
		if a.Paging != nil {
			s += 2
		}
		if !a.Preview && !a.Deprecated {
			s++
		}
		return s
	}
	var best *apiOp
	for _, a := range ops {
		if best == nil || score(a) > score(best) ||
			(score(a) == score(best) && len(a.Method) < len(best.Method)) {
			best = a
		}
	}
	return best
}

// exampleCall renders the call of a in a doc comment, with a variable for
// each positional argument.
func exampleCall(a *apiOp) string {
	var b strings.Builder
	args := []string{"ctx"}
	for _, p := range a.Positional {
		args = append(args, p.Var)
		switch {
		case p.Type == "string":
			fmt.Fprintf(&b, "//\t%s := \"…\" // the %s %s parameter\n", p.Var, p.Name, p.In)
		case strings.HasPrefix(p.Type, "*"):
			fmt.Fprintf(&b, "//\t%s := &%s{}\n", p.Var, strings.TrimPrefix(p.Type, "*"))
		default:
			fmt.Fprintf(&b, "//\tvar %s %s\n", p.Var, p.Type)
		}
	}
	args = append(args, "nil")
	call := fmt.Sprintf("api.%s(%s)", a.Method, strings.Join(args, ", "))
	if a.Result == "" {
		fmt.Fprintf(&b, "//\terr = %s // %s %s\n", call, a.OpInfo.Method, a.Path)
	} else {
		fmt.Fprintf(&b, "//\tres, err := %s // %s %s\n", call, a.OpInfo.Method, a.Path)
	}
	return b.String()
}
