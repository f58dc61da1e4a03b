package sim_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/purecloudgo/platformclient/sim"
)

const (
	queuesRoute = "POST /api/v2/routing/queues"
	queueRoute  = "DELETE /api/v2/routing/queues/{queueId}"
)

// rawDo sends one request on a fresh connection (so net/http replays
// nothing) and reads the whole answer; err is the transport's or the
// body's error.
func rawDo(t *testing.T, s *sim.Server, method, path, body string) (*http.Response, []byte, error) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL()+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.AccessToken())
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

// createQueue creates a queue with no fault and returns its id.
func createQueue(t *testing.T, s *sim.Server, name string) string {
	t.Helper()
	resp, b, err := rawDo(t, s, "POST", "/api/v2/routing/queues", `{"name":"`+name+`"}`)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("create %s: %v %v %s", name, err, resp, b)
	}
	var q struct{ ID string }
	if err := json.Unmarshal(b, &q); err != nil || q.ID == "" {
		t.Fatalf("create %s: %s", name, b)
	}
	return q.ID
}

// queueCount counts the queues named name.
func queueCount(t *testing.T, s *sim.Server, name string) int {
	t.Helper()
	resp, b, err := rawDo(t, s, "GET", "/api/v2/routing/queues?name="+name, "")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("list: %v %v", err, resp)
	}
	var l struct{ Entities []struct{ Name string } }
	if err := json.Unmarshal(b, &l); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, q := range l.Entities {
		if q.Name == name {
			n++
		}
	}
	return n
}

// lastRecord returns the latest recorded request of a route.
func lastRecord(t *testing.T, s *sim.Server, route string) sim.RecordedRequest {
	t.Helper()
	recs := s.RequestsTo(route)
	if len(recs) == 0 {
		t.Fatalf("no request recorded for %s", route)
	}
	return recs[len(recs)-1]
}

// faultOf returns a fault of kind k for the effect tests.
func faultOf(k sim.FaultKind) sim.Fault {
	switch k {
	case sim.FaultStatus:
		return sim.ServerError(http.StatusServiceUnavailable)
	case sim.FaultHTML:
		return sim.HTMLError(0)
	case sim.FaultLatency:
		return sim.Latency(1)
	}
	return sim.Fault{Kind: k}
}

// TestFaultEffectOnDelete deletes a queue under each kind of fault: kinds
// before the work leave it, kinds after the work remove it though the
// client never hears so; the record tells which.
func TestFaultEffectOnDelete(t *testing.T) {
	for _, k := range sim.FaultKinds() {
		t.Run(k.String(), func(t *testing.T) {
			s := sim.StartTest(t, sim.WithSeedUsers(1))
			id := createQueue(t, s, "Doomed")
			if err := s.InjectFault(queueRoute, faultOf(k).First(1)); err != nil {
				t.Fatal(err)
			}
			resp, _, err := rawDo(t, s, "DELETE", "/api/v2/routing/queues/"+id, "")
			rec := lastRecord(t, s, queueRoute)
			left := queueCount(t, s, "Doomed")
			if k.RunsOperation() {
				if left != 0 || !rec.Applied || rec.OperationStatus != http.StatusNoContent {
					t.Fatalf("%s: %d queues left, record %+v", k, left, rec)
				}
			} else if left != 1 || rec.Applied || rec.OperationStatus != 0 {
				t.Fatalf("%s: %d queues left, record %+v", k, left, rec)
			}
			if k == sim.FaultLatency {
				if err != nil || resp.StatusCode != http.StatusNoContent || rec.Fault != k {
					t.Fatalf("latency: %v %v %+v", err, resp, rec)
				}
				return
			}
			if rec.Fault != k {
				t.Fatalf("record's fault %s, want %s", rec.Fault, k)
			}
			// A 204 has no body to cut: it arrives whole.
			switch k {
			case sim.FaultStatus, sim.FaultHTML:
				if err != nil || resp.StatusCode < 500 || rec.Status != resp.StatusCode {
					t.Fatalf("%s: %v %v", k, err, resp)
				}
			case sim.FaultCutBody, sim.FaultCutJSON:
				if err != nil || resp.StatusCode != http.StatusNoContent || rec.Status != http.StatusNoContent {
					t.Fatalf("%s on a 204: %v %v", k, err, resp)
				}
			default:
				if err == nil || rec.Status != -1 {
					t.Fatalf("%s: want no answer, got %v (record status %d)", k, resp, rec.Status)
				}
			}
		})
	}
}

// TestFaultEffectOnCreate creates a queue under each kind of fault and
// checks the answer on the wire: cut bodies are the operation's real
// answer, cut.
func TestFaultEffectOnCreate(t *testing.T) {
	for _, k := range sim.FaultKinds() {
		t.Run(k.String(), func(t *testing.T) {
			s := sim.StartTest(t, sim.WithSeedUsers(1))
			if err := s.InjectFault(queuesRoute, faultOf(k).First(1)); err != nil {
				t.Fatal(err)
			}
			resp, b, err := rawDo(t, s, "POST", "/api/v2/routing/queues", `{"name":"Maybe"}`)
			rec := lastRecord(t, s, queuesRoute)
			n := queueCount(t, s, "Maybe")
			if want := map[bool]int{true: 1, false: 0}[k.RunsOperation()]; n != want || rec.Applied != k.RunsOperation() {
				t.Fatalf("%s: %d queues, want %d; record %+v", k, n, want, rec)
			}
			switch k {
			case sim.FaultCutBody:
				if !errors.Is(err, io.ErrUnexpectedEOF) || resp.StatusCode != 200 || resp.ContentLength <= int64(len(b)) ||
					len(b) == 0 || !bytes.HasPrefix(b, []byte(`{`)) || rec.Status != 200 || rec.OperationStatus != 200 {
					t.Fatalf("cut body: %v, status %v, length %d, got %d bytes: %s", err, resp, resp.ContentLength, len(b), b)
				}
			case sim.FaultCutJSON:
				var v any
				jerr := json.Unmarshal(b, &v)
				if err != nil || resp.StatusCode != 200 || resp.ContentLength != -1 || len(resp.TransferEncoding) == 0 ||
					jerr == nil || !strings.Contains(jerr.Error(), "unexpected end of JSON input") {
					t.Fatalf("cut JSON: %v, %v, %v: %s", err, resp, jerr, b)
				}
			case sim.FaultResetAfter, sim.FaultResetBefore:
				if err == nil || rec.Status != -1 {
					t.Fatalf("%s: want no answer, got %v", k, resp)
				}
			case sim.FaultLatency:
				if err != nil || resp.StatusCode != 200 || rec.OperationStatus != 200 {
					t.Fatalf("latency: %v %v", err, resp)
				}
			default:
				if err != nil || resp.StatusCode < 500 || rec.OperationStatus != 0 {
					t.Fatalf("%s: %v %v", k, err, resp)
				}
			}
			// The fault hit once: the next create of the name is refused
			// exactly when the first one was applied.
			resp, _, err = rawDo(t, s, "POST", "/api/v2/routing/queues", `{"name":"Maybe"}`)
			if err != nil || (resp.StatusCode == http.StatusConflict) != k.RunsOperation() {
				t.Fatalf("second create: %v %v", err, resp)
			}
		})
	}
}

// TestFaultEffectOnRead cuts a GET's answer: the record marks the fault,
// the client's bytes are a prefix of the real answer.
func TestFaultEffectOnRead(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(3))
	_, full, err := rawDo(t, s, "GET", "/api/v2/users", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []sim.Fault{sim.CutBody(), sim.CutJSON()} {
		if err := s.InjectFault(usersRoute, f.First(1)); err != nil {
			t.Fatal(err)
		}
		_, b, _ := rawDo(t, s, "GET", "/api/v2/users", "")
		if len(b) == 0 || len(b) >= len(full) || !bytes.HasPrefix(full, b) {
			t.Fatalf("%s: got %d of %d bytes", f.Kind, len(b), len(full))
		}
		if rec := lastRecord(t, s, usersRoute); rec.Fault != f.Kind || !rec.Applied || rec.Status != 200 {
			t.Fatalf("%s: record %+v", f.Kind, rec)
		}
	}
	// Unfaulted requests: no fault, applied when 2xx.
	if _, _, err := rawDo(t, s, "GET", "/api/v2/users/nobody", ""); err != nil {
		t.Fatal(err)
	}
	if rec := lastRecord(t, s, "GET /api/v2/users/{userId}"); rec.Fault != 0 || rec.Applied || rec.OperationStatus != 404 {
		t.Fatalf("404: record %+v", rec)
	}
}

// TestFaultCutLogin cuts the login service's answer: the token exists.
func TestFaultCutLogin(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(1), sim.WithFault("POST /oauth/token", sim.CutJSON().First(1)))
	req, _ := http.NewRequest("POST", s.URL()+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(s.ClientID(), s.ClientSecret())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	rec := lastRecord(t, s, "POST /oauth/token")
	if err != nil || resp.StatusCode != 200 || json.Valid(b) || !bytes.HasPrefix(b, []byte("{")) ||
		rec.Fault != sim.FaultCutJSON || !rec.Applied {
		t.Fatalf("cut login: %v %d (%d bytes), record %+v", err, resp.StatusCode, len(b), rec)
	}
	if status, tok := postToken(t, s, map[string][]string{"grant_type": {"client_credentials"}}, s.ClientID(), s.ClientSecret()); status != 200 || tok.AccessToken == "" {
		t.Fatalf("second login: %d", status)
	}
}

func TestFaultKinds(t *testing.T) {
	runs := map[sim.FaultKind]bool{sim.FaultLatency: true, sim.FaultResetAfter: true, sim.FaultCutBody: true, sim.FaultCutJSON: true}
	seen := map[string]bool{}
	for _, k := range sim.FaultKinds() {
		if k.RunsOperation() != runs[k] || k.Effect() == "" || strings.HasPrefix(k.String(), "FaultKind(") || seen[k.String()] {
			t.Errorf("kind %d: %s runs %v, effect %q", int(k), k, k.RunsOperation(), k.Effect())
		}
		seen[k.String()] = true
	}
	if sim.FaultKind(0).Effect() != "" || sim.FaultKind(99).RunsOperation() {
		t.Error("unknown kinds have an effect")
	}
	for _, f := range []sim.Fault{sim.CutBody(), sim.CutJSON(), sim.ConnectionResetAfter()} {
		if err := sim.StartTest(t, sim.WithSeedUsers(0)).InjectFault("GET /channels/{channelId}", f); err == nil {
			t.Errorf("%s accepted on the websocket", f.Kind)
		}
	}
	// chaos has every kind, and its description names each fault's effect.
	d := sim.ProfileDescription("chaos")
	for _, w := range []string{"503 before the work", "429", "HTML 502 before the work", "reset before the work",
		"reset after the work", "cut short of Content-Length after the work", "JSON cut (chunked) after the work", "waits 50ms"} {
		if !strings.Contains(d, w) {
			t.Errorf("chaos description %q lacks %q", d, w)
		}
	}
}

// TestFaultRecordKeepsBody checks that a request answered by a fault
// before the work still has its body in the record.
func TestFaultRecordKeepsBody(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(1))
	for _, f := range []sim.Fault{sim.ServerError(503), sim.HTMLError(0), sim.ConnectionReset(), sim.CutBody()} {
		if err := s.InjectFault(queuesRoute, f.First(1)); err != nil {
			t.Fatal(err)
		}
		_, _, _ = rawDo(t, s, "POST", "/api/v2/routing/queues", `{"name":"Kept `+f.Kind.String()+`"}`)
		if rec := lastRecord(t, s, queuesRoute); rec.Fault != f.Kind || !strings.Contains(string(rec.Body), "Kept "+f.Kind.String()) {
			t.Errorf("%s: record %+v", f.Kind, rec)
		}
	}
}
