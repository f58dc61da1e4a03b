package sim

import (
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/purecloudgo/platformclient/api/operations"
)

// TestRouterFindsEveryOperation matches a concrete path of each operation
// and expects that operation back, with its variables.
func TestRouterFindsEveryOperation(t *testing.T) {
	r := sharedRouter()
	for i := range operations.All {
		op := &operations.All[i]
		var concrete []string
		want := map[string]string{}
		for _, seg := range splitPath(op.Path) {
			if isVar(seg) {
				v := "v-" + seg[1:len(seg)-1]
				want[seg[1:len(seg)-1]] = v
				seg = v
			}
			concrete = append(concrete, seg)
		}
		rt, vars, _ := r.match(op.Method, "/"+strings.Join(concrete, "/"))
		if rt == nil {
			t.Errorf("%s %s: no route", op.Method, op.Path)
			continue
		}
		// "v-name" never equals a literal segment, so the match must be
		// this very operation.
		if rt.op != op {
			t.Errorf("%s %s: routed to %s %s", op.Method, op.Path, rt.op.Method, rt.op.Path)
			continue
		}
		if !reflect.DeepEqual(vars, want) {
			t.Errorf("%s %s: vars %v, want %v", op.Method, op.Path, vars, want)
		}
	}
}

func TestStatefulBindingsExist(t *testing.T) {
	r := sharedRouter()
	for key := range stateful {
		if _, ok := r.byKey[key]; !ok {
			t.Errorf("handler bound to %s, which is no operation", key)
		}
	}
	if len(stateful) < 50 {
		t.Fatalf("only %d stateful routes", len(stateful))
	}
}

// TestSeedDecodesStrictly checks that every seeded entity fits its model.
func TestSeedDecodesStrictly(t *testing.T) {
	st := newStore(1, time.Now)
	st.seedData(60)
	for _, col := range []*collection{st.users, st.groups, st.queues, st.skills, st.languages, st.wrapups, st.divisions, st.presences, st.presenceDefs, st.contacts} {
		if col.size() == 0 {
			t.Errorf("%s: nothing seeded", col.kind)
		}
		for _, it := range col.list(nil) {
			e := it.e
			data, err := it.encoded()
			if err != nil {
				t.Fatal(err)
			}
			v := reflect.New(col.model).Interface()
			if err := json.Unmarshal(data, v, json.RejectUnknownMembers(true)); err != nil {
				t.Errorf("%s %v: %v", col.kind, e["id"], err)
			}
			if e := checkModel(reflect.ValueOf(v), "", 0, nil); e != nil {
				t.Errorf("%s: %v", col.kind, e)
			}
		}
	}
}

func TestNameMatches(t *testing.T) {
	for _, tc := range []struct {
		f, n string
		ok   bool
	}{
		{"sup", "Support", true}, {"port", "Support", false}, {"*port", "Support", true},
		{"s*t", "Support", true}, {"s*x", "Support", false}, {"*", "x", true}, {"SUP*", "support", true},
	} {
		if got := nameMatches(tc.f, tc.n); got != tc.ok {
			t.Errorf("nameMatches(%q, %q) = %v", tc.f, tc.n, got)
		}
	}
}

func TestUUIDShape(t *testing.T) {
	re := patternFor("[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-4[a-fA-F0-9]{3}-[89abAB][a-fA-F0-9]{3}-[a-fA-F0-9]{12}")
	for i := uint64(0); i < 1000; i++ {
		if u := uuidFrom(i); !re.MatchString(u) {
			t.Fatalf("uuidFrom(%d) = %s", i, u)
		}
	}
}

func TestNormaliseQuery(t *testing.T) {
	min1 := 1.0
	cases := []struct {
		p    operations.Param
		raw  []string
		want []string // nil: unset
	}{
		{operations.Param{Name: "expand", Type: "array", CollectionFormat: "multi"}, []string{"a,b", "c"}, []string{"a", "b", "c"}},
		{operations.Param{Name: "ids", Type: "array", CollectionFormat: "pipes"}, []string{"a|b,c"}, []string{"a", "b", "c"}},
		{operations.Param{Name: "ids", Type: "array", CollectionFormat: "ssv"}, []string{"a b"}, []string{"a", "b"}},
		{operations.Param{Name: "expand", Type: "array"}, []string{""}, nil},
		{operations.Param{Name: "expand", Type: "array"}, []string{" , "}, nil},
		{operations.Param{Name: "pageSize", Type: "integer"}, []string{"0"}, nil},
		{operations.Param{Name: "pageSize", Type: "string"}, []string{"0"}, nil},
		{operations.Param{Name: "limit", Type: "integer", Min: &min1}, []string{"0"}, nil},
		{operations.Param{Name: "limit", Type: "integer"}, []string{"0"}, []string{"0"}},
		{operations.Param{Name: "limit", Type: "integer", Min: &min1, Required: true}, []string{"0"}, []string{"0"}},
		{operations.Param{Name: "joined", Type: "boolean"}, []string{"True"}, []string{"true"}},
		{operations.Param{Name: "name", Type: "string"}, []string{"", "x"}, nil},
		{operations.Param{Name: "name", Type: "string"}, []string{"x", "y"}, []string{"x"}},
	}
	for _, tc := range cases {
		q := url.Values{tc.p.Name: tc.raw}
		got := normaliseQuery(&tc.p, q)
		if !slices.Equal(got, tc.want) || !slices.Equal(q[tc.p.Name], tc.want) {
			t.Errorf("%+v %q: got %q, query %q; want %q", tc.p, tc.raw, got, q[tc.p.Name], tc.want)
		}
	}
}
