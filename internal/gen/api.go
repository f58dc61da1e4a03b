package gen

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// apiOp is one operation as rendered into a tag package.
type apiOp struct {
	OpInfo
	ID         string // x-purecloud-method-name, else operationId, else derived
	Pkg        string // Go package name
	Method     string // Go method name
	Options    string // options struct name
	Positional []*goParam
	Optional   []*goParam
	Body       *goParam
	Result     string // Go result type; "" when the operation returns no body
	ResultKind string // "ref", "value", "text"
	Accept     string
	Content    string
	Paging     *paging // nil unless the operation is paged
	// RedirectField is the JSON name of the result's URL property when the
	// operation answers with a redirect to that URL (issueRedirect): the
	// runtime returns the Location there instead of following it.
	RedirectField string
}

type goParam struct {
	*Parameter
	Var    string // positional argument name
	Field  string // options struct field name
	Type   string // Go type
	Schema *Schema
}

// operationID picks the SDK method name of an operation.
func operationID(op OpInfo) string {
	if op.MethodName != "" {
		return op.MethodName
	}
	if op.OperationID != "" {
		return op.OperationID
	}
	var b strings.Builder
	b.WriteString(strings.ToLower(op.Method))
	for _, seg := range strings.Split(strings.TrimPrefix(op.Path, "/api/v2"), "/") {
		if seg == "" || strings.HasPrefix(seg, "{") {
			continue
		}
		b.WriteString(exported(seg))
	}
	return b.String()
}

var pathVar = regexp.MustCompile(`\{([^}]+)\}`)

func (g *generator) buildOp(op OpInfo, methods uniquer) *apiOp {
	a := &apiOp{OpInfo: op, ID: operationID(op)}
	a.Method = methods.take(methodName(a.ID))
	a.Options = a.Method + "Options"
	locals := uniquer{}
	for k := range reservedLocals {
		locals[k] = true
	}
	fields := uniquer{}
	// Path parameters come first, in path order; then required others in
	// definition order.
	var path, rest []*Parameter
	byName := map[string]*Parameter{}
	for _, p := range op.Parameters {
		if p.In == "path" {
			byName[p.Name] = p
		} else {
			rest = append(rest, p)
		}
	}
	for _, m := range pathVar.FindAllStringSubmatch(op.Path, -1) {
		p, ok := byName[m[1]]
		if !ok {
			p = &Parameter{Name: m[1], In: "path", Required: true, Type: "string"}
		}
		delete(byName, m[1])
		path = append(path, p)
	}
	for _, n := range sortedKeys(byName) { // declared but not in the path
		rest = append(rest, byName[n])
	}
	for _, p := range path {
		a.Positional = append(a.Positional, &goParam{Parameter: p, Var: locals.take(unexported(p.Name)), Type: g.paramType(p)})
	}
	for _, p := range rest {
		gp := &goParam{Parameter: p, Type: g.paramType(p)}
		if p.In == "body" {
			gp.Schema = p.Schema
			gp.Type = g.schemaRef(p.Schema)
			a.Body = gp
			if p.Required {
				gp.Var = locals.take("body")
				a.Positional = append(a.Positional, gp)
			} else {
				gp.Field = fields.take("Body")
				a.Optional = append(a.Optional, gp)
			}
			continue
		}
		if p.Required {
			gp.Var = locals.take(unexported(p.Name))
			a.Positional = append(a.Positional, gp)
		} else {
			gp.Field = fields.take(exported(p.Name))
			a.Optional = append(a.Optional, gp)
		}
	}
	a.Accept, a.Content = "application/json", ""
	if len(op.Produces) > 0 {
		a.Accept = op.Produces[0]
	}
	if len(op.Consumes) > 0 && op.Consumes[0] != "application/json" {
		a.Content = op.Consumes[0]
	}
	if r := successResponse(op.Responses); r != nil && r.Schema != nil {
		a.Result = g.schemaRef(r.Schema)
		switch {
		case !isJSON(a.Accept):
			a.Result, a.ResultKind = "string", "text"
		case strings.HasPrefix(a.Result, "*"):
			a.ResultKind = "ref"
		default:
			a.ResultKind = "value"
		}
	} else if !isJSON(a.Accept) {
		a.Result, a.ResultKind = "string", "text"
	}
	a.RedirectField = g.redirectField(a)
	return a
}

// redirectField returns the JSON name of the string property "url" of a
// GET's result model when the GET has the boolean query parameter
// issueRedirect, by which the API answers with a redirect to that URL
// (GET /api/v2/downloads/{downloadId}); "" otherwise.
func (g *generator) redirectField(a *apiOp) string {
	if a.OpInfo.Method != "GET" || a.ResultKind != "ref" {
		return ""
	}
	hasFlag := false
	for _, p := range a.Optional {
		if p.In == "query" && p.Name == "issueRedirect" && p.Parameter.Type == "boolean" {
			hasFlag = true
		}
	}
	r := successResponse(a.Responses)
	if !hasFlag || r == nil || r.Schema == nil || r.Schema.Ref == "" {
		return ""
	}
	m, ok := g.models.byDef[refName(r.Schema.Ref)]
	if !ok {
		return ""
	}
	for _, f := range m.Fields {
		if f.JSON == "url" && f.Type == "*string" {
			return f.JSON
		}
	}
	return ""
}

func isJSON(ct string) bool { return strings.Contains(ct, "json") }

// successResponse returns the lowest 2xx response (or "default").
func successResponse(rs map[string]*Response) *Response {
	var codes []string
	for c := range rs {
		if len(c) == 3 && c[0] == '2' {
			codes = append(codes, c)
		}
	}
	sort.Strings(codes)
	for _, c := range codes {
		if rs[c] != nil && rs[c].Schema != nil {
			return rs[c]
		}
	}
	if len(codes) > 0 {
		return rs[codes[0]]
	}
	return nil
}

// schemaRef returns the Go type of a body or response schema, as seen from
// a tag package: a pointer for models, a plain type for the rest.
func (g *generator) schemaRef(s *Schema) string {
	if s == nil {
		return "any"
	}
	if s.Ref != "" {
		if m, ok := g.models.byDef[refName(s.Ref)]; ok {
			return "*models." + m.Name
		}
		return "any"
	}
	return g.paramSchemaType(s)
}

// paramSchemaType is goType for schemas outside models; inline enums stay strings.
func (g *generator) paramSchemaType(s *Schema) string {
	if s == nil {
		return "any"
	}
	if s.Ref != "" {
		if m, ok := g.models.byDef[refName(s.Ref)]; ok {
			return "models." + m.Name
		}
		return "any"
	}
	switch s.Type {
	case "string":
		return stringType(s.Format)
	case "integer":
		switch s.Format {
		case "int32":
			return "int32"
		case "int64":
			return "int64"
		}
		return "int"
	case "number":
		if s.Format == "float" {
			return "float32"
		}
		return "float64"
	case "boolean":
		return "bool"
	case "array":
		return "[]" + g.paramSchemaType(s.Items)
	case "file":
		return "[]byte"
	case "object", "":
		if s.AdditionalProperties != nil {
			return "map[string]" + g.paramSchemaType(s.AdditionalProperties)
		}
		if s.Type == "object" {
			return "map[string]any"
		}
	}
	return "any"
}

// paramType returns the Go type of a non-body parameter (without pointer).
func (g *generator) paramType(p *Parameter) string {
	if p.In == "body" {
		return ""
	}
	if p.Type == "file" {
		return "platformclient.File"
	}
	s := &Schema{Type: p.Type, Format: p.Format, Items: p.Items}
	return g.paramSchemaType(s)
}

// optionalType is the options-struct field type: pointers for scalars.
func optionalType(t string) string {
	if strings.HasPrefix(t, "[]") || strings.HasPrefix(t, "map[") || t == "any" || strings.HasPrefix(t, "*") {
		return t
	}
	return "*" + t
}

func zeroValue(t string) string {
	switch {
	case t == "string":
		return `""`
	case t == "bool":
		return "false"
	case strings.HasPrefix(t, "int") || strings.HasPrefix(t, "float"):
		return "0"
	}
	return "nil"
}

func (g *generator) methodCode(b *strings.Builder, a *apiOp) {
	// Doc comment.
	summary := strings.TrimSpace(a.Summary)
	if summary == "" {
		summary = strings.ToLower(a.OpInfo.Method) + " " + a.Path
	}
	b.WriteString(comment("", a.Method+": "+summary))
	if d := strings.TrimSpace(a.Description); d != "" && d != summary {
		b.WriteString("//\n")
		b.WriteString(comment("", d))
	}
	fmt.Fprintf(b, "//\n//\t%s %s\n", a.OpInfo.Method, a.Path)
	if a.Permissions != nil && len(a.Permissions.Permissions) > 0 {
		kind := "any"
		if strings.EqualFold(a.Permissions.Type, "ALL") {
			kind = "all"
		}
		b.WriteString("//\n")
		b.WriteString(comment("", fmt.Sprintf("Requires %s of the permissions: %s.", kind, strings.Join(a.Permissions.Permissions, ", "))))
	}
	if a.Preview {
		b.WriteString("//\n// Preview: this resource is in preview and may change without notice.\n")
	}
	if a.RedirectField != "" {
		b.WriteString("//\n")
		b.WriteString(comment("", fmt.Sprintf("The API answers with a redirect to the URL unless issueRedirect is false; "+
			"either way the result's %q property holds the URL and the redirect is not followed. "+
			"Stream the content with platformclient's Client.Download, which sends no credential to the URL.", a.RedirectField)))
	}
	if a.Deprecated {
		b.WriteString("//\n// Deprecated: the API marks this operation as deprecated.\n")
	}
	// Signature.
	fmt.Fprintf(b, "func (c *Client) %s(ctx context.Context", a.Method)
	for _, p := range a.Positional {
		fmt.Fprintf(b, ", %s %s", p.Var, p.Type)
	}
	fmt.Fprintf(b, ", opts *%s, call ...platformclient.CallOption)", a.Options)
	switch a.Result {
	case "":
		b.WriteString(" error {\n")
	default:
		fmt.Fprintf(b, " (%s, error) {\n", a.Result)
	}
	// Body.
	var pathArgs []string
	for _, p := range a.Positional {
		if p.In == "path" {
			pathArgs = append(pathArgs, p.Var)
		}
	}
	fmt.Fprintf(b, "\treq := runtime.NewRequest(%q, %q", a.OpInfo.Method, a.Path)
	for _, v := range pathArgs {
		b.WriteString(", " + v)
	}
	b.WriteString(")\n")
	fmt.Fprintf(b, "\treq.Operation = %q\n", a.Pkg+"."+a.Method)
	if a.Accept != "application/json" {
		fmt.Fprintf(b, "\treq.Accept = %q\n", a.Accept)
	}
	if a.Content != "" {
		fmt.Fprintf(b, "\treq.ContentType = %q\n", a.Content)
	}
	if a.RedirectField != "" {
		fmt.Fprintf(b, "\treq.RedirectField = %q\n", a.RedirectField)
	}
	for _, p := range a.Positional {
		g.paramCode(b, "\t", p, p.Var)
	}
	if len(a.Optional) > 0 {
		b.WriteString("\tif opts != nil {\n")
		for _, p := range a.Optional {
			g.paramCode(b, "\t\t", p, "opts."+p.Field)
		}
		b.WriteString("\t}\n")
	}
	switch a.ResultKind {
	case "":
		b.WriteString("\treturn c.c.Do(ctx, req, nil, call...)\n")
	case "ref":
		fmt.Fprintf(b, "\tout := new(%s)\n", strings.TrimPrefix(a.Result, "*"))
		b.WriteString("\tif err := c.c.Do(ctx, req, out, call...); err != nil {\n\t\treturn nil, err\n\t}\n\treturn out, nil\n")
	default:
		fmt.Fprintf(b, "\tvar out %s\n", a.Result)
		fmt.Fprintf(b, "\tif err := c.c.Do(ctx, req, &out, call...); err != nil {\n\t\treturn %s, err\n\t}\n\treturn out, nil\n", zeroValue(a.Result))
	}
	b.WriteString("}\n")
}

func (g *generator) paramCode(b *strings.Builder, indent string, p *goParam, expr string) {
	switch p.In {
	case "path":
		return
	case "body":
		fmt.Fprintf(b, "%sreq.Body = %s\n", indent, expr)
	case "query":
		if p.Type != "" && strings.HasPrefix(p.Type, "[]") && p.CollectionFormat != "multi" {
			sep := ","
			switch p.CollectionFormat {
			case "ssv":
				sep = " "
			case "tsv":
				sep = "\t"
			case "pipes":
				sep = "|"
			}
			fmt.Fprintf(b, "%sreq.QueryJoined(%q, %s, %q)\n", indent, p.Name, expr, sep)
		} else {
			fmt.Fprintf(b, "%sreq.AddQuery(%q, %s)\n", indent, p.Name, expr)
		}
	case "header":
		fmt.Fprintf(b, "%sreq.SetHeader(%q, %s)\n", indent, p.Name, expr)
	case "formData":
		if p.Parameter.Type == "file" {
			fmt.Fprintf(b, "%sreq.FormFile(%q, %s)\n", indent, p.Name, expr)
		} else {
			fmt.Fprintf(b, "%sreq.FormValue(%q, %s)\n", indent, p.Name, expr)
		}
	}
}

func (g *generator) optionsCode(b *strings.Builder, a *apiOp) {
	if len(a.Optional) == 0 {
		fmt.Fprintf(b, "// %s holds the optional parameters of %s; it has none yet, so pass nil.\n", a.Options, a.Method)
		fmt.Fprintf(b, "type %s struct{}\n", a.Options)
		return
	}
	fmt.Fprintf(b, "// %s holds the optional parameters of %s; nil fields are not sent.\n", a.Options, a.Method)
	fmt.Fprintf(b, "type %s struct {\n", a.Options)
	for i, p := range a.Optional {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(comment("\t", paramDoc(p.Parameter)))
		fmt.Fprintf(b, "\t%s %s\n", p.Field, optionalType(p.Type))
	}
	b.WriteString("}\n")
}

// paramDoc describes a parameter: description, wire name, allowed values, default.
func paramDoc(p *Parameter) string {
	d := strings.TrimSpace(p.Description)
	if d != "" && !strings.HasSuffix(d, ".") {
		d += "."
	}
	where := p.In
	if where == "formData" {
		where = "form"
	}
	d += fmt.Sprintf(" Sent as %s parameter %q.", where, p.Name)
	enum := p.Enum
	if len(enum) == 0 && p.Items != nil {
		enum = p.Items.Enum
	}
	if len(enum) > 0 {
		var vs []string
		for _, e := range enum {
			var v any
			if json.Unmarshal(e, &v) == nil {
				vs = append(vs, fmt.Sprint(v))
			}
		}
		d += " Values: " + strings.Join(vs, ", ") + "."
	}
	if len(p.Default) > 0 {
		var v any
		if json.Unmarshal(p.Default, &v) == nil {
			d += fmt.Sprintf(" Server default: %v.", v)
		}
	}
	return strings.TrimSpace(d)
}
