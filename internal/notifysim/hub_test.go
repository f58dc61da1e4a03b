package notifysim

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/go-json-experiment/json"
)

func do(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestHubProtocol(t *testing.T) {
	h := New(Config{HeartbeatInterval: 10 * time.Millisecond, MaxTopics: 3})
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer h.Close()

	status, body := do(t, "POST", srv.URL+"/api/v2/notifications/channels", "")
	var ch struct{ ID, ConnectURI, Expires string }
	if err := json.Unmarshal([]byte(body), &ch, json.MatchCaseInsensitiveNames(true)); status != 200 || err != nil || !strings.HasPrefix(ch.ConnectURI, "ws://") {
		t.Fatalf("create: %d %s %v", status, body, err)
	}
	if status, _ := do(t, "HEAD", srv.URL+"/api/v2/notifications/channels/"+ch.ID, ""); status != 200 {
		t.Fatalf("head: %d", status)
	}
	if status, _ := do(t, "HEAD", srv.URL+"/api/v2/notifications/channels/nope", ""); status != 404 {
		t.Fatalf("head unknown: %d", status)
	}
	subs := srv.URL + "/api/v2/notifications/channels/" + ch.ID + "/subscriptions"
	if status, body := do(t, "POST", subs, `[{"id":"v2.users.a.presence"},{"id":"v2.users.b?presence&routingStatus"}]`); status != 200 || !strings.Contains(body, `"state":"Permitted"`) {
		t.Fatalf("subscribe: %d %s", status, body)
	}
	if status, body := do(t, "POST", subs, `[{"id":"v2.users.c.presence"}]`); status != 400 || !strings.Contains(body, "at most 3 topics") {
		t.Fatalf("limit: %d %s", status, body)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, ch.ConnectURI, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	if err := ws.Write(ctx, websocket.MessageText, []byte(`{"message":"ping"}`)); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	h.Publish("v2.users.b.routingStatus", map[string]string{"status": "IDLE"})
	h.Publish("v2.users.z.presence", map[string]string{"not": "subscribed"})
	for !(seen["pong"] && seen["WebSocket Heartbeat"] && seen["v2.users.b.routingStatus"]) {
		_, data, err := ws.Read(ctx)
		if err != nil {
			t.Fatalf("read: %v (seen %v)", err, seen)
		}
		var m struct {
			TopicName string
			EventBody map[string]any
		}
		if err := json.Unmarshal(data, &m, json.MatchCaseInsensitiveNames(true)); err != nil {
			t.Fatal(err)
		}
		if m.TopicName == "channel.metadata" {
			seen[fmt.Sprint(m.EventBody["message"])] = true
			continue
		}
		if m.TopicName != "v2.users.b.routingStatus" || m.EventBody["status"] != "IDLE" {
			t.Fatalf("unexpected message %s", data)
		}
		seen[m.TopicName] = true
	}
	if h.SocketClosing(ch.ID) != 1 {
		t.Fatal("socket_closing not sent")
	}
	for {
		_, data, err := ws.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), "v2.system.socket_closing") {
			break
		}
	}
	if status, _ := do(t, "DELETE", subs, ""); status != 204 || len(h.Subscriptions(ch.ID)) != 0 {
		t.Fatalf("delete: %d", status)
	}
	h.Remove(ch.ID)
	if _, _, err := websocket.Dial(ctx, ch.ConnectURI, nil); err == nil {
		t.Fatal("dialled a removed channel")
	}
}
