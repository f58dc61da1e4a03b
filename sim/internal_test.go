package sim

import (
	"reflect"
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
