package sim

import (
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/purecloudgo/platformclient/api/operations"
)

// route is one operation as the router knows it.
type route struct {
	op       *operations.Operation
	key      string   // "GET /api/v2/users/{}" (variable names erased)
	vars     []string // variable names of op.Path, in order
	template string   // op.Path
}

// node is one path segment of the routing tree. Literal children are tried
// before the variable child, so /api/v2/users/me wins over
// /api/v2/users/{userId}.
type node struct {
	lit    map[string]*node
	param  *node
	routes map[string]*route // by HTTP method
}

// router finds the operation of a request path. It is built once from
// operations.All and shared by every Server: it holds no state.
type router struct {
	root  *node
	byKey map[string]*route
}

var (
	routerOnce sync.Once
	theRouter  *router
)

func sharedRouter() *router {
	routerOnce.Do(func() { theRouter = newRouter(operations.All) })
	return theRouter
}

func newRouter(ops []operations.Operation) *router {
	r := &router{root: &node{}, byKey: map[string]*route{}}
	for i := range ops {
		op := &ops[i]
		rt := &route{op: op, template: op.Path, key: routeKey(op.Method, op.Path)}
		n := r.root
		for _, seg := range splitPath(op.Path) {
			if isVar(seg) {
				rt.vars = append(rt.vars, seg[1:len(seg)-1])
				if n.param == nil {
					n.param = &node{}
				}
				n = n.param
				continue
			}
			if n.lit == nil {
				n.lit = map[string]*node{}
			}
			c := n.lit[seg]
			if c == nil {
				c = &node{}
				n.lit[seg] = c
			}
			n = c
		}
		if n.routes == nil {
			n.routes = map[string]*route{}
		}
		m := strings.ToUpper(op.Method)
		if _, dup := n.routes[m]; !dup {
			n.routes[m] = rt
		}
		r.byKey[rt.key] = rt
	}
	return r
}

func isVar(seg string) bool {
	return len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}'
}

// splitPath splits a path into its segments, without the leading slash.
func splitPath(p string) []string {
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// routeKey erases the variable names of a template so that templates that
// differ only by variable name are the same route.
func routeKey(method, template string) string {
	segs := splitPath(template)
	for i, s := range segs {
		if isVar(s) || (strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}")) {
			segs[i] = "{}"
		}
	}
	return strings.ToUpper(method) + " /" + strings.Join(segs, "/")
}

// match finds the operation for a method and an escaped request path. It
// returns the route, the unescaped path values by variable name, and the
// methods the path supports when the method is not one of them.
func (r *router) match(method, escapedPath string) (*route, map[string]string, []string) {
	raw := splitPath(escapedPath)
	segs := make([]string, len(raw))
	for i, s := range raw {
		u, err := url.PathUnescape(s)
		if err != nil {
			return nil, nil, nil
		}
		segs[i] = u
	}
	method = strings.ToUpper(method)
	var values []string
	var allowed []string
	var found *route
	var walk func(n *node, i int) bool
	walk = func(n *node, i int) bool {
		if i == len(segs) {
			if n.routes == nil {
				return false
			}
			if rt, ok := n.routes[method]; ok {
				found = rt
				return true
			}
			if method == "HEAD" {
				if rt, ok := n.routes["GET"]; ok {
					found = rt
					return true
				}
			}
			if allowed == nil {
				for m := range n.routes {
					allowed = append(allowed, m)
				}
				sort.Strings(allowed)
			}
			return false
		}
		if c := n.lit[segs[i]]; c != nil && walk(c, i+1) {
			return true
		}
		if n.param != nil && segs[i] != "" {
			values = append(values, segs[i])
			if walk(n.param, i+1) {
				return true
			}
			values = values[:len(values)-1]
		}
		return false
	}
	if !walk(r.root, 0) {
		return nil, nil, allowed
	}
	vars := make(map[string]string, len(found.vars))
	for i, name := range found.vars {
		vars[name] = values[i]
	}
	return found, vars, nil
}

// lookup returns the route of a method and a path template; variable names
// do not matter.
func (r *router) lookup(method, template string) *route {
	return r.byKey[routeKey(method, template)]
}
