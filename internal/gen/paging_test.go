package gen

import (
	"strings"
	"testing"
)

// pagingSpec has one operation of each paging kind and three that look
// paged but are not.
const pagingSpec = `{"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{
 "/api/v2/things":{"get":{"tags":["Things"],"operationId":"getThings","parameters":[
   {"name":"pageSize","in":"query","type":"integer"},{"name":"pageNumber","in":"query","type":"integer"}],
   "responses":{"200":{"schema":{"$ref":"#/definitions/ThingListing"}}}}},
 "/api/v2/things/cursor":{"get":{"tags":["Things"],"operationId":"getThingsCursor","parameters":[
   {"name":"after","in":"query","type":"string"}],
   "responses":{"200":{"schema":{"$ref":"#/definitions/ThingCursorListing"}}}}},
 "/api/v2/things/query":{"post":{"tags":["Things"],"operationId":"postThingsQuery","parameters":[
   {"name":"body","in":"body","required":true,"schema":{"$ref":"#/definitions/ThingQuery"}}],
   "responses":{"200":{"schema":{"$ref":"#/definitions/ThingQueryResponse"}}}}},
 "/api/v2/things/plain":{"get":{"tags":["Things"],"operationId":"getThingsPlain","parameters":[
   {"name":"pageNumber","in":"query","type":"integer"}],
   "responses":{"200":{"schema":{"$ref":"#/definitions/Thing"}}}}},
 "/api/v2/things/nocount":{"get":{"tags":["Things"],"operationId":"getThingsNoCount","parameters":[
   {"name":"pageNumber","in":"query","type":"integer"}],
   "responses":{"200":{"schema":{"$ref":"#/definitions/ThingBare"}}}}}
},"definitions":{
 "Thing":{"type":"object","properties":{"id":{"type":"string"}}},
 "ThingBare":{"type":"object","properties":{"entities":{"type":"array","items":{"$ref":"#/definitions/Thing"}}}},
 "ThingListing":{"type":"object","properties":{"entities":{"type":"array","items":{"$ref":"#/definitions/Thing"}},
   "pageNumber":{"type":"integer"},"pageCount":{"type":"integer"},"total":{"type":"integer","format":"int64"},"nextUri":{"type":"string"}}},
 "ThingCursorListing":{"type":"object","properties":{"entities":{"type":"array","items":{"$ref":"#/definitions/Thing"}},"nextUri":{"type":"string"}}},
 "PagingSpec":{"type":"object","properties":{"pageSize":{"type":"integer"},"pageNumber":{"type":"integer"}}},
 "ThingQuery":{"type":"object","properties":{"paging":{"$ref":"#/definitions/PagingSpec"}}},
 "ThingQueryResponse":{"type":"object","properties":{"results":{"type":"array","items":{"$ref":"#/definitions/Thing"}},"totalHits":{"type":"integer"}}}
}}`

func TestPagingRecognition(t *testing.T) {
	s, err := Parse([]byte(pagingSpec))
	if err != nil {
		t.Fatal(err)
	}
	s.Notifications = []NotificationTopic{{Topic: "v2.things.{id}", Class: "Thing"}, {Topic: "v2.gone.{id}", Class: "Missing"}}
	files, res, err := Render(s)
	if err != nil {
		t.Fatal(err)
	}
	if res.Paged != 3 || res.Topics != 1 {
		t.Fatalf("result %+v", res)
	}
	pkg := string(files["api/things/things.go"])
	for _, want := range []string{
		"func (c *Client) GetThingsPages(ctx context.Context, opts *GetThingsOptions, call ...platformclient.CallOption) iter.Seq2[*models.ThingListing, error]",
		"func (c *Client) GetThingsItems(ctx context.Context, opts *GetThingsOptions, call ...platformclient.CallOption) iter.Seq2[models.Thing, error]",
		"Total: runtime.IntPtr(p.Total)",
		"spec := runtime.PageSpec{Kind: runtime.Cursor, FollowNext: true}",
		"func (c *Client) PostThingsQueryItems(ctx context.Context, body *models.ThingQuery,",
		"pageBody.Paging.PageNumber = &r.Number",
		"Total: p.TotalHits",
	} {
		if !strings.Contains(pkg, want) {
			t.Errorf("generated code lacks %q", want)
		}
	}
	for _, absent := range []string{"GetThingsPlainPages", "GetThingsNoCountPages"} {
		if strings.Contains(pkg, absent) {
			t.Errorf("%s generated for an operation that is not paged", absent)
		}
	}
	table := string(files["api/operations/operations.go"])
	for _, want := range []string{
		`Paging: "pageNumber", PageParam: "pageNumber", PageItems: "entities"`,
		`Paging: "cursor", PageParam: "after", PageItems: "entities"`,
		`Paging: "pageNumber", PageParam: "body.paging.pageNumber", PageItems: "results"`,
	} {
		if !strings.Contains(table, want) {
			t.Errorf("operation table lacks %q", want)
		}
	}
	topics := string(files["api/topics/topics.go"])
	if !strings.Contains(topics, `"v2.things.{id}": func() any { return new(models.Thing) }`) || strings.Contains(topics, "gone") {
		t.Errorf("topics table:\n%s", topics)
	}
	s.Notifications = nil
	files, _, err = Render(s)
	if err != nil {
		t.Fatal(err)
	}
	if topics := string(files["api/topics/topics.go"]); strings.Contains(topics, "import") || !strings.Contains(topics, "var Payloads = map[string]func() any{}") {
		t.Errorf("empty topics table:\n%s", topics)
	}
}
