package sim

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/purecloudgo/platformclient/api/operations"
)

var patterns sync.Map // string -> *regexp.Regexp (nil when invalid)

func patternFor(p string) *regexp.Regexp {
	if v, ok := patterns.Load(p); ok {
		re, _ := v.(*regexp.Regexp)
		return re
	}
	re, err := regexp.Compile("^(?:" + p + ")$")
	if err != nil {
		re = nil
	}
	patterns.Store(p, re)
	return re
}

// validateParams checks the path, query and header parameters of a call
// against the operation's parameter list. It is liberal where the service
// is, and normalises the query in place so handlers see one form:
//
//   - an array parameter may come repeated (a=x&a=y), comma-joined (a=x,y,
//     as the public SDKs send whatever collectionFormat says), joined with
//     its declared separator, or any mix; it is stored repeated, and each
//     element is checked (against the enum, the type, ...);
//   - an empty value of an optional parameter (expand=, name=) is unset;
//   - 0 for an optional integer that must be positive, and for pageSize and
//     pageNumber, is unset (the Go SDK sends every unset integer as 0);
//   - booleans are true or false in any case (True, FALSE), stored in lower
//     case.
//
// Everything else is checked strictly: types, enums, minimum and maximum,
// lengths and patterns.
func validateParams(op *operations.Operation, vars map[string]string, q url.Values, h http.Header) *apiError {
	for i := range op.Params {
		p := &op.Params[i]
		var vals []string
		switch p.In {
		case "path":
			if v, ok := vars[p.Name]; ok {
				vals = []string{v}
			}
		case "query":
			vals = normaliseQuery(p, q)
		case "header":
			if v := h.Get(p.Name); v != "" {
				vals = []string{v}
			}
		default:
			continue
		}
		if len(vals) == 0 {
			if p.Required {
				return badRequest(p.Name, fmt.Sprintf("Missing required %s parameter %q.", p.In, p.Name))
			}
			continue
		}
		typ := p.Type
		if typ == "array" {
			typ = p.ItemsType
		}
		for _, v := range vals {
			if err := checkScalar(p, typ, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// normaliseQuery reads a query parameter the way the service does and
// stores it back in its canonical form (see validateParams); it returns the
// values to check, none when the parameter counts as unset.
func normaliseQuery(p *operations.Param, q url.Values) []string {
	raw, sent := q[p.Name]
	if !sent {
		return nil
	}
	var vals []string
	if p.Type == "array" {
		vals = splitJoined(raw, p.CollectionFormat)
	} else if len(raw) > 0 && raw[0] != "" {
		vals = raw[:1]
		switch {
		case p.Type == "boolean":
			vals = []string{strings.ToLower(raw[0])}
		case !p.Required && unsetInteger(p, raw[0]):
			vals = nil
		}
	}
	if len(vals) == 0 {
		delete(q, p.Name)
		return nil
	}
	q[p.Name] = vals
	return vals
}

// unsetInteger reports whether a value means "not set": 0 for the paging
// parameters (some are typed as strings), or for an integer that must be
// positive.
func unsetInteger(p *operations.Param, v string) bool {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n != 0 {
		return false
	}
	return p.Name == "pageSize" || p.Name == "pageNumber" || (p.Type == "integer" && p.Min != nil && *p.Min > 0)
}

// splitJoined splits array values on commas, and on the separator of
// format when it declares another (ssv, tsv, pipes); empty parts are
// dropped.
func splitJoined(vals []string, format string) []string {
	sep := ""
	switch format {
	case "ssv":
		sep = " "
	case "tsv":
		sep = "\t"
	case "pipes":
		sep = "|"
	}
	var out []string
	for _, v := range vals {
		for _, part := range strings.Split(v, ",") {
			if sep != "" {
				out = appendNonEmpty(out, strings.Split(part, sep)...)
			} else {
				out = appendNonEmpty(out, part)
			}
		}
	}
	return out
}

func appendNonEmpty(out []string, parts ...string) []string {
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func checkScalar(p *operations.Param, typ, v string) *apiError {
	bad := func(why string) *apiError {
		return badRequest(p.Name, fmt.Sprintf("Invalid %s parameter %q: %s.", p.In, p.Name, why))
	}
	var num float64
	isNum := false
	switch typ {
	case "integer":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return bad(fmt.Sprintf("%q is not an integer", v))
		}
		num, isNum = float64(n), true
	case "number":
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return bad(fmt.Sprintf("%q is not a number", v))
		}
		num, isNum = f, true
	case "boolean":
		if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
			return bad(fmt.Sprintf("%q is not true or false", v))
		}
	default:
		if p.Min != nil || p.Max != nil { // a numeric string, e.g. pageSize typed as string
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				num, isNum = f, true
			} else {
				return bad(fmt.Sprintf("%q is not a number", v))
			}
		}
	}
	if len(p.Enum) > 0 {
		ok := false
		for _, e := range p.Enum {
			if e == v {
				ok = true
				break
			}
		}
		if !ok {
			return bad(fmt.Sprintf("%q is not one of [%s]", v, strings.Join(p.Enum, ", ")))
		}
	}
	if isNum {
		if p.Min != nil && num < *p.Min {
			return bad(fmt.Sprintf("%v is less than the minimum %v", v, *p.Min))
		}
		if p.Max != nil && num > *p.Max {
			return bad(fmt.Sprintf("%v is more than the maximum %v", v, *p.Max))
		}
	}
	if p.MinLength != nil && len(v) < *p.MinLength {
		return bad(fmt.Sprintf("shorter than %d characters", *p.MinLength))
	}
	if p.MaxLength != nil && len(v) > *p.MaxLength {
		return bad(fmt.Sprintf("longer than %d characters", *p.MaxLength))
	}
	if p.Pattern != "" {
		if re := patternFor(p.Pattern); re != nil && !re.MatchString(v) {
			return bad(fmt.Sprintf("%q does not match %s", v, p.Pattern))
		}
	}
	return nil
}
