package platformclient_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/sim"
)

// openFDs counts the process's open file descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	es, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd:", err)
	}
	return len(es)
}

// tenant makes a client as a service with one client per organization
// would: a configuration file watched live, a log file, a client-credentials
// login and one call.
func tenant(t *testing.T, s *sim.Server, i int) *platformclient.Client {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	logPath := filepath.Join(dir, "sdk.log")
	conf := "[logging]\nlog_level = debug\nlog_to_console = false\nlog_file_path = " + logPath + "\n[general]\nhost = " + s.URL() + "\n"
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := platformclient.New(platformclient.WithBaseURL(s.URL()), platformclient.WithLoginURL(s.URL()),
		platformclient.WithConfigFile(path),
		platformclient.WithGrant(platformclient.ClientCredentials{ClientID: s.ClientID(), ClientSecret: s.ClientSecret()}))
	if err != nil {
		t.Fatalf("client %d: %v", i, err)
	}
	var out map[string]any
	if err := c.GetURI(context.Background(), "/api/v2/users?pageSize=1", &out); err != nil {
		t.Fatalf("client %d: %v", i, err)
	}
	return c
}

// TestCloseReleasesEverything makes 200 clients, each with a watched
// configuration file, a log file, a login and a call, and closes them: the
// goroutines and file descriptors (both sides of the connections, the
// simulator being in this process) come back to where they were.
func TestCloseReleasesEverything(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(2))
	// One client first, so that what the runtime starts once (timers,
	// the file watcher's machinery) is in the baseline.
	if err := tenant(t, s, -1).Close(); err != nil {
		t.Fatal(err)
	}
	settle := func(g, f int) (int, int, time.Duration) {
		start := time.Now()
		for {
			ng, nf := runtime.NumGoroutine(), openFDs(t)
			if (ng <= g && nf <= f) || time.Since(start) > 10*time.Second {
				return ng, nf, time.Since(start)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	g0, f0, _ := settle(runtime.NumGoroutine()-1, openFDs(t)-1) // let the warm-up client's connection go
	g0, f0 = runtime.NumGoroutine(), openFDs(t)

	// The clients are made in batches: all 200 watching at once would
	// pass the system's bound on inotify instances (128 by default).
	const n, batch = 200, 25
	g1, f1 := 0, 0
	for b := 0; b < n; b += batch {
		clients := make([]*platformclient.Client, batch)
		for i := range clients {
			clients[i] = tenant(t, s, b+i)
		}
		g1, f1 = max(g1, runtime.NumGoroutine()), max(f1, openFDs(t))
		for _, c := range clients {
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if g1 < g0+batch || f1 < f0+batch {
		t.Fatalf("the clients held too little to measure: goroutines %d → %d, fds %d → %d", g0, g1, f0, f1)
	}
	g2, f2, took := settle(g0, f0)
	t.Logf("%d clients: goroutines %d before, %d at most while open, %d %v after Close; fds %d before, %d at most while open, %d after",
		n, g0, g1, g2, took.Round(time.Millisecond), f0, f1, f2)
	// The issue asks for 1 s; the bound is wider for a loaded machine.
	if g2 > g0 || f2 > f0 {
		t.Fatalf("after Close: %d goroutines (baseline %d), %d fds (baseline %d)", g2, g0, f2, f0)
	}
	if took > 5*time.Second {
		t.Errorf("released after %v", took)
	}
}

// TestCallsAfterCloseFail: every kind of call fails with ErrClosed after
// Close, and Close is idempotent.
func TestCallsAfterCloseFail(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	c, err := platformclient.New(platformclient.WithBaseURL(srv.URL), platformclient.WithLoginURL(srv.URL),
		platformclient.WithGrant(platformclient.ClientCredentials{ClientID: "id", ClientSecret: "secret"}))
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	check := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, platformclient.ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", what, err)
		}
	}
	check("GetURI", c.GetURI(ctx, "/api/v2/users", nil))
	_, err = c.Authorize(ctx, platformclient.ClientCredentials{ClientID: "id", ClientSecret: "secret"})
	check("Authorize", err)
	_, err = c.Token(ctx)
	check("Token", err)
	_, err = c.Download(ctx, srv.URL+"/file", &bytes.Buffer{})
	check("Download", err)
	check("ApplyConfig", c.ApplyConfig(nil))
	req, err := c.HTTPClient().(*http.Client).Get(srv.URL)
	if err == nil {
		req.Body.Close()
	}
	check("HTTPClient().Get", err)
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests reached the server after Close", n)
	}
}

// TestCloseCancelsCallsInFlight: a call waiting on a server that does not
// answer returns once Close is called, with an error that is ErrClosed.
func TestCloseCancelsCallsInFlight(t *testing.T) {
	entered := make(chan struct{}, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-r.Context().Done()
	}))
	defer srv.Close()
	c, err := platformclient.New(platformclient.WithBaseURL(srv.URL), platformclient.WithAccessToken("t"))
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 2)
	go func() { errs <- c.GetURI(context.Background(), "/api/v2/users", nil) }()
	go func() {
		_, err := c.Download(context.Background(), srv.URL+"/file", &bytes.Buffer{})
		errs <- err
	}()
	for range 2 {
		select {
		case <-entered:
		case <-time.After(10 * time.Second):
			t.Fatal("the calls did not reach the server")
		}
	}
	c.Close()
	for range 2 {
		select {
		case err := <-errs:
			if !errors.Is(err, platformclient.ErrClosed) {
				t.Errorf("call in flight: %v, want ErrClosed", err)
			}
			if !errors.Is(err, context.Canceled) {
				t.Errorf("call in flight: %v, want it to say it was cancelled too", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a call in flight did not return after Close")
		}
	}
}

// TestCloseKeepsTheCallersHTTPClient: Close does not close the connections
// of an *http.Client given to WithHTTPClient; the caller still uses them.
func TestCloseKeepsTheCallersHTTPClient(t *testing.T) {
	var opened, closed atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			opened.Add(1)
		case http.StateClosed, http.StateHijacked:
			closed.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	c, err := platformclient.New(platformclient.WithBaseURL(srv.URL), platformclient.WithAccessToken("t"),
		platformclient.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.GetURI(context.Background(), "/api/v2/users", nil); err != nil {
		t.Fatal(err)
	}
	c.Close()
	time.Sleep(100 * time.Millisecond) // a closed connection would be seen by now
	if n := closed.Load(); n != 0 {
		t.Fatalf("Close closed %d connection(s) of the caller's client", n)
	}
	resp, err := hc.Get(srv.URL + "/again")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if n := opened.Load(); n != 1 {
		t.Errorf("the caller's client opened %d connections, want its one kept alive", n)
	}
}

// TestCloseConcurrentCalls closes a client while calls run (for -race).
func TestCloseConcurrentCalls(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(2))
	c, err := platformclient.New(platformclient.WithBaseURL(s.URL()), platformclient.WithLoginURL(s.URL()),
		platformclient.WithGrant(platformclient.ClientCredentials{ClientID: s.ClientID(), ClientSecret: s.ClientSecret()}))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; ; j++ {
				err := c.GetURI(context.Background(), "/api/v2/users?pageSize=1&i="+strconv.Itoa(i*1000+j), nil)
				if errors.Is(err, platformclient.ErrClosed) {
					return
				}
				if err != nil {
					t.Errorf("call: %v", err)
					return
				}
			}
		}()
	}
	time.Sleep(50 * time.Millisecond)
	go c.Close()
	c.Close()
	wg.Wait()
}
