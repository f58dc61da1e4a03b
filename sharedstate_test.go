package platformclient

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient/sharedstate"
)

// TestSharedAllowanceReportsWindow: a pacer tells the shared ledger the
// API's current window as it learnt it (allowance, time left, count) and
// its fixed rate; nothing of a window it does not know or that is over.
func TestSharedAllowanceReportsWindow(t *testing.T) {
	p := newPacer()
	p.configure(true, 200, 1) // a fixed rate of 200/s: 5 ms
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if a := p.shared(t0); a.Allowed != 0 || a.WindowLeft != 0 || a.MinInterval != 5*time.Millisecond {
		t.Fatalf("before any answer: %+v, want no window and the fixed rate's 5ms", a)
	}
	tk, err := p.wait(context.Background(), fixedClock{t0}, 0)
	if err != nil {
		t.Fatal(err)
	}
	p.observe(tk, &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Inin-Ratelimit-Allowed": {"100"},
		"Inin-Ratelimit-Count": {"40"}, "Inin-Ratelimit-Reset": {"2"}}}, nil, t0)
	now := t0.Add(500 * time.Millisecond)
	got := p.shared(now)
	want := sharedstate.Allowance{Interval: 2 * time.Second / 95, Burst: 1, Allowed: 100, WindowLeft: 1500 * time.Millisecond,
		Used: 40, MinInterval: 5 * time.Millisecond}
	if got != want {
		t.Errorf("in the window: %+v, want %+v", got, want)
	}
	if a := p.shared(t0.Add(2 * time.Second)); a.WindowLeft != 0 || a.Allowed != 0 || a.Used != 0 {
		t.Errorf("at the window's end: %+v, want no window", a)
	}
}
