package gen

import (
	"strings"
	"testing"
)

func TestPackageDocShowsClientAndOneCall(t *testing.T) {
	op := func(method, name string, paged bool, positional ...string) *apiOp {
		a := &apiOp{OpInfo: OpInfo{Method: method, Path: "/api/v2/x", Operation: &Operation{}}, Method: name, Pkg: "widgets"}
		for _, p := range positional {
			a.Positional = append(a.Positional, &goParam{Parameter: &Parameter{Name: p, In: "path"}, Var: p, Type: "string"})
		}
		if paged {
			a.Paging = &paging{}
		}
		a.Result = "*models.X"
		return a
	}
	preview := op("GET", "GetWidgetsPreview", true)
	preview.Preview = true
	ops := []*apiOp{
		op("POST", "PostWidgets", false),
		op("GET", "GetWidget", false, "widgetId"),
		preview,
		op("GET", "GetWidgetsLongerName", true),
		op("GET", "GetWidgets", true),
		op("GET", "GetWidgetsSummary", false),
	}
	if got := exampleOp(ops).Method; got != "GetWidgets" {
		t.Errorf("example operation %s, want GetWidgets (a list, no argument, not preview, shortest)", got)
	}
	doc := packageDoc("widgets", "Widgets", ops)
	for _, want := range []string{
		"// Package widgets calls the Widgets operations of the Genesys Cloud Platform API.\n",
		"//\tapi := widgets.NewClient(c)\n",
		"//\tres, err := api.GetWidgets(ctx, nil) // GET /api/v2/x\n",
		"//\tgo doc github.com/purecloudgo/platformclient/api/widgets Client\n",
		"\npackage widgets\n",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("doc lacks %q:\n%s", want, doc)
		}
	}
	// An operation with path parameters gets a variable for each.
	call := exampleCall(op("GET", "GetWidget", false, "widgetId"))
	if !strings.Contains(call, "//\twidgetId := \"…\" // the widgetId path parameter\n//\tres, err := api.GetWidget(ctx, widgetId, nil)") {
		t.Errorf("call:\n%s", call)
	}
}
