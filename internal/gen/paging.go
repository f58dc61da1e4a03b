package gen

import (
	"fmt"
	"strings"
)

// Paging kinds (the values of runtime.PageNumber and runtime.Cursor, and of
// operations.Operation.Paging).
const (
	pagingNumber = "pageNumber"
	pagingCursor = "cursor"
)

// itemFields are the names of the item array of a listing, by preference.
var itemFields = []string{"entities", "results", "conversations", "userDetails"}

// paging describes how a paged operation pages; see recognisePaging.
type paging struct {
	Kind  string // pagingNumber or pagingCursor
	Param string // where the page number or token goes: "pageNumber", "cursor", "after" (query) or "body.pageNumber", "body.paging.pageNumber", "body.after", "body.cursor"
	Items string // JSON name of the item array of the response

	page      string // Go type of the response model, without "*models."
	itemsGo   string // Go field of the item array
	itemType  string // Go type of one item, as seen from a tag package
	param     *goParam
	bodyPath  []field // body fields leading to the page number or token (body paging)
	bodyModel string  // Go type of the body model (body paging)
	info      []string
	follow    bool
	tokenName string // query parameter of nextUri holding the token
	pagesName string // Go name of the page iterator method
	itemsName string // Go name of the item iterator method
}

// recognisePaging decides whether an operation is paged, and how:
//
//   - page number: an optional integer pageNumber query parameter, or a
//     pageNumber in the body or in its paging object, and a response with an
//     item array plus pageCount, total, totalHits or nextUri;
//   - cursor: an optional string cursor or after query parameter (or body
//     field) and a response with an item array plus nextUri, cursor or after.
//
// GET operations follow nextUri when the response has one.
func (g *generator) recognisePaging(a *apiOp) *paging {
	if a.ResultKind != "ref" {
		return nil
	}
	resp := g.models.byName()[strings.TrimPrefix(a.Result, "*models.")]
	if resp == nil || resp.Map != "" {
		return nil
	}
	fields := map[string]field{}
	for _, f := range resp.Fields {
		fields[f.JSON] = f
	}
	pg := &paging{page: resp.Name}
	for _, n := range itemFields {
		f, ok := fields[n]
		if !ok || !strings.HasPrefix(f.Type, "[]") || strings.HasPrefix(f.Type, "[][]") {
			continue
		}
		pg.Items, pg.itemsGo, pg.itemType = n, f.Name, g.qualifyModel(strings.TrimPrefix(f.Type, "[]"))
		break
	}
	if pg.Items == "" {
		return nil
	}
	intField := func(n string) string {
		if f, ok := fields[n]; ok {
			return intExpr(f)
		}
		return ""
	}
	strField := func(n string) string {
		if f, ok := fields[n]; ok {
			return strExpr(f)
		}
		return ""
	}
	pageCount, total, nextURI := intField("pageCount"), intField("total"), strField("nextUri")
	if total == "" {
		total = intField("totalHits")
	}
	token := strField("cursor")
	if token == "" {
		token = strField("after")
	}
	isGet := a.OpInfo.Method == "GET"

	optional := map[string]*goParam{}
	for _, p := range a.Optional {
		optional[p.In+":"+p.Name] = p
	}
	switch {
	case optional["query:pageNumber"] != nil && intType(optional["query:pageNumber"].Type):
		if pageCount == "" && nextURI == "" && total == "" {
			return nil
		}
		pg.Kind, pg.Param, pg.param = pagingNumber, "pageNumber", optional["query:pageNumber"]
	case optional["query:cursor"] != nil || optional["query:after"] != nil:
		p := optional["query:cursor"]
		if p == nil {
			p = optional["query:after"]
		}
		if p.Type != "*string" && p.Type != "string" {
			return nil
		}
		if token == "" && nextURI == "" {
			return nil
		}
		pg.Kind, pg.Param, pg.param, pg.tokenName = pagingCursor, p.Name, p, p.Name
	case a.Body != nil && strings.HasPrefix(a.Body.Type, "*models."):
		body := g.models.byName()[strings.TrimPrefix(a.Body.Type, "*models.")]
		if body == nil || body.Map != "" {
			return nil
		}
		path, kind := g.bodyPagingPath(body)
		if path == nil {
			return nil
		}
		switch kind {
		case pagingNumber:
			if pageCount == "" && nextURI == "" && total == "" {
				return nil
			}
		case pagingCursor:
			if token == "" {
				return nil
			}
		}
		pg.Kind, pg.bodyPath, pg.bodyModel = kind, path, body.Name
		names := []string{"body"}
		for _, f := range path {
			names = append(names, f.JSON)
		}
		pg.Param = strings.Join(names, ".")
	default:
		return nil
	}
	pg.follow = isGet && nextURI != ""
	pg.info = append(pg.info, "Items: len(p."+pg.itemsGo+")")
	if pg.Kind == pagingNumber {
		if n := intField("pageNumber"); n != "" {
			pg.info = append(pg.info, "PageNumber: "+n)
		}
		if pageCount != "" {
			pg.info = append(pg.info, "PageCount: "+pageCount)
		}
		if total != "" {
			pg.info = append(pg.info, "Total: "+total)
		}
	}
	if nextURI != "" {
		pg.info = append(pg.info, "NextURI: "+nextURI)
	}
	if pg.Kind == pagingCursor && token != "" {
		pg.info = append(pg.info, "Cursor: "+token)
	}
	return pg
}

// bodyPagingPath finds the page number or token of a body model: a
// pageNumber, cursor or after field, or a pageNumber inside a paging object.
func (g *generator) bodyPagingPath(body *model) ([]field, string) {
	byJSON := map[string]field{}
	for _, f := range body.Fields {
		byJSON[f.JSON] = f
	}
	if f, ok := byJSON["pageNumber"]; ok && intType(f.Type) {
		return []field{f}, pagingNumber
	}
	if f, ok := byJSON["paging"]; ok && !strings.HasPrefix(f.Type, "*") {
		if pm := g.models.byName()[f.Type]; pm != nil {
			for _, pf := range pm.Fields {
				if pf.JSON == "pageNumber" && intType(pf.Type) {
					return []field{f, pf}, pagingNumber
				}
			}
		}
	}
	for _, n := range []string{"cursor", "after"} {
		if f, ok := byJSON[n]; ok && f.Type == "*string" {
			return []field{f}, pagingCursor
		}
	}
	return nil, ""
}

// qualifyModel prefixes model names with "models." for use in a tag package.
func (g *generator) qualifyModel(t string) string {
	if g.models.isModelName(t) {
		return "models." + t
	}
	return t
}

// intType reports whether a Go type is a (pointer to an) integer.
func intType(t string) bool {
	switch strings.TrimPrefix(t, "*") {
	case "int", "int32", "int64":
		return true
	}
	return false
}

// intExpr renders a listing's integer field as a *int, "" if it is none.
func intExpr(f field) string {
	switch f.Type {
	case "*int":
		return "p." + f.Name
	case "int":
		return "&p." + f.Name
	case "*int32", "*int64":
		return "runtime.IntPtr(p." + f.Name + ")"
	case "int32", "int64":
		return "runtime.IntPtr(&p." + f.Name + ")"
	}
	return ""
}

// strExpr renders a listing's string field as a *string, "" if it is none.
func strExpr(f field) string {
	switch f.Type {
	case "*string":
		return "p." + f.Name
	case "string":
		return "&p." + f.Name
	}
	return ""
}

// setInt renders an assignment of the int n to a field of type t.
func setInt(lhs, t, n string) string {
	switch t {
	case "*int":
		return lhs + " = &" + n
	case "int":
		return lhs + " = " + n
	case "*int32", "*int64":
		return lhs + " = platformclient.Ptr(" + strings.TrimPrefix(t, "*") + "(" + n + "))"
	default:
		return lhs + " = " + t + "(" + n + ")"
	}
}

// pagingCode renders the <Method>Pages and <Method>Items methods of a paged
// operation. They hold only closures; the loop is runtime.Pages.
func (g *generator) pagingCode(b *strings.Builder, a *apiOp) {
	pg := a.Paging
	page := "*models." + pg.page
	var params, args []string
	for _, p := range a.Positional {
		params = append(params, fmt.Sprintf("%s %s", p.Var, p.Type))
		args = append(args, p.Var)
	}
	sig := "ctx context.Context"
	if len(params) > 0 {
		sig += ", " + strings.Join(params, ", ")
	}
	sig += fmt.Sprintf(", opts *%s, call ...platformclient.CallOption", a.Options)
	how := "page number"
	if pg.Kind == pagingCursor {
		how = "cursor"
	}
	doc := fmt.Sprintf("%s returns an iterator over the pages of %s (paged by %s). Pages are fetched lazily; "+
		"iteration stops after the last page, when the loop breaks, when ctx is done, or at the first error, which is yielded last.",
		pg.pagesName, a.Method, how)
	if pg.follow {
		doc += " Pages after the first are read from the listing's nextUri."
	}
	b.WriteString(comment("", doc))
	fmt.Fprintf(b, "func (c *Client) %s(%s) iter.Seq2[%s, error] {\n", pg.pagesName, sig, page)
	b.WriteString("\tvar o " + a.Options + "\n\tif opts != nil {\n\t\to = *opts\n\t}\n")
	kind := "runtime.PageNumber"
	if pg.Kind == pagingCursor {
		kind = "runtime.Cursor"
	}
	fmt.Fprintf(b, "\tspec := runtime.PageSpec{Kind: %s", kind)
	if pg.follow {
		b.WriteString(", FollowNext: true")
	}
	if pg.tokenName != "" && !pg.follow {
		fmt.Fprintf(b, ", TokenParam: %q", pg.tokenName)
	}
	b.WriteString("}\n")
	// Fetch.
	var fetch strings.Builder
	fmt.Fprintf(&fetch, "func(ctx context.Context, r runtime.PageRequest) (%s, error) {\n", page)
	if pg.follow {
		fmt.Fprintf(&fetch, "\t\tif r.NextURI != \"\" {\n\t\t\tout := new(models.%s)\n\t\t\treturn out, c.c.GetURI(ctx, r.NextURI, out, call...)\n\t\t}\n", pg.page)
	}
	fetch.WriteString("\t\to := o\n")
	callArgs := append([]string(nil), args...)
	start := ""
	switch {
	case pg.param != nil && pg.Kind == pagingNumber:
		fetch.WriteString("\t\t" + setInt("o."+pg.param.Field, optionalType(pg.param.Type), "r.Number") + "\n")
		start = "o." + pg.param.Field
	case pg.param != nil:
		fmt.Fprintf(&fetch, "\t\tif r.Cursor != \"\" {\n\t\t\to.%s = &r.Cursor\n\t\t}\n", pg.param.Field)
	default: // body paging
		src := ""
		if a.Body.Field != "" {
			src = "o." + a.Body.Field
		} else {
			src = a.Body.Var
		}
		fmt.Fprintf(&fetch, "\t\tvar pageBody models.%s\n\t\tif %s != nil {\n\t\t\tpageBody = *%s\n\t\t}\n", pg.bodyModel, src, src)
		lhs := "pageBody"
		for _, f := range pg.bodyPath {
			lhs += "." + f.Name
		}
		last := pg.bodyPath[len(pg.bodyPath)-1]
		if pg.Kind == pagingNumber {
			fetch.WriteString("\t\t" + setInt(lhs, last.Type, "r.Number") + "\n")
			if strings.HasPrefix(last.Type, "*") {
				start = src + strings.TrimPrefix(lhs, "pageBody")
			}
		} else {
			fmt.Fprintf(&fetch, "\t\tif r.Cursor != \"\" {\n\t\t\t%s = &r.Cursor\n\t\t}\n", lhs)
		}
		if a.Body.Field != "" {
			fmt.Fprintf(&fetch, "\t\to.%s = &pageBody\n", a.Body.Field)
		} else {
			for i, v := range callArgs {
				if v == a.Body.Var {
					callArgs[i] = "&pageBody"
				}
			}
		}
	}
	callArgs = append([]string{"ctx"}, callArgs...)
	callArgs = append(callArgs, "&o", "call...")
	fmt.Fprintf(&fetch, "\t\treturn c.%s(%s)\n\t}", a.Method, strings.Join(callArgs, ", "))
	if start != "" {
		guard := start
		if a.Body != nil && a.Body.Field == "" && strings.HasPrefix(start, a.Body.Var+".") {
			guard = a.Body.Var + " != nil && " + start
		} else if a.Body != nil && a.Body.Field != "" && strings.HasPrefix(start, "o."+a.Body.Field+".") {
			guard = "o." + a.Body.Field + " != nil && " + start
		}
		fmt.Fprintf(b, "\tif %s != nil {\n\t\tspec.Start = int(*%s)\n\t}\n", guard, start)
	}
	fmt.Fprintf(b, "\treturn runtime.Pages(ctx, spec, %s, func(p %s) runtime.PageInfo {\n\t\treturn runtime.PageInfo{%s}\n\t})\n}\n\n",
		fetch.String(), page, strings.Join(pg.info, ", "))

	b.WriteString(comment("", fmt.Sprintf("%s returns an iterator over the %s of every page of %s; see %s.", pg.itemsName, pg.Items, a.Method, pg.pagesName)))
	fmt.Fprintf(b, "func (c *Client) %s(%s) iter.Seq2[%s, error] {\n", pg.itemsName, sig, pg.itemType)
	fmt.Fprintf(b, "\treturn runtime.Items(c.%s(%s), func(p %s) []%s { return p.%s })\n}\n",
		pg.pagesName, strings.Join(append(append([]string{"ctx"}, args...), "opts", "call..."), ", "), page, pg.itemType, pg.itemsGo)
}
