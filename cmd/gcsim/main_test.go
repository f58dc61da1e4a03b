package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRunServesAndLogs(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-users", "7", "-token-lifetime", "5s", "-faults", "none", "-client-secret", "s3cret"}, &stdout, &stderr, ready)
	}()
	var base string
	select {
	case base = <-ready:
	case err := <-done:
		t.Fatalf("run: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("not ready")
	}
	req, _ := http.NewRequest("POST", base+"/oauth/token", strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("sim-client-id", "s3cret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"expires_in":5`) {
		t.Fatalf("token: %d %s", resp.StatusCode, b)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	out := stdout.String()
	if !strings.Contains(out, "base URL (login and API): "+base) || !strings.Contains(out, "seeded users:             7") || strings.Contains(out, "s3cret") {
		t.Fatalf("stdout:\n%s", out)
	}
	if log := stderr.String(); !strings.Contains(log, "path=/oauth/token") || strings.Contains(log, "s3cret") {
		t.Fatalf("request log:\n%s", log)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-faults", "nope"}, {"-token-lifetime", "10ms"}, {"-users", "-1"}, {"extra"}} {
		var out bytes.Buffer
		if err := run(context.Background(), append([]string{"-addr", "127.0.0.1:0"}, args...), &out, &out, nil); err == nil {
			t.Errorf("%v: accepted", args)
		}
	}
}
