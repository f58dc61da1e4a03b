package main

import (
	"bytes"
	"context"
	"encoding/json"
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
	for _, want := range []string{"base URL (login and API): " + base, "users:                    7", "OAuth client secret:      s3cret",
		"export GENESYSCLOUD_BASE_URL=" + base + "\n", "export GENESYSCLOUD_OAUTHCLIENT_ID=sim-client-id\n",
		"export GENESYSCLOUD_OAUTHCLIENT_SECRET=s3cret\n", "heartbeat 30s"} {
		if !strings.Contains(out, want) {
			t.Fatalf("stdout lacks %q:\n%s", want, out)
		}
	}
	if log := stderr.String(); !strings.Contains(log, "path=/oauth/token") || strings.Contains(log, "s3cret") {
		t.Fatalf("request log:\n%s", log)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-faults", "nope"}, {"-token-lifetime", "10ms"}, {"-users", "-1"}, {"extra"},
		{"-fixture", "no-such-file.json"}, {"-channels", "-1"}, {"-login-user", " "}, {"-redirect-uri", "not a url"}, {"-rate-window", "10ms"}, {"-token-rate", "-1"}, {"-latency", "-1s"}, {"-rate-limit", "-2"}, {"-redirect-uri", "https://a.example.com/cb#frag"}} {
		var out bytes.Buffer
		if err := run(context.Background(), append([]string{"-addr", "127.0.0.1:0"}, args...), &out, &out, nil); err == nil {
			t.Errorf("%v: accepted", args)
		}
	}
}

// startRun runs gcsim with args until the test ends and returns its base
// URL and standard output.
func startRun(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0", "-quiet"}, args...), &stdout, &stderr, ready)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	select {
	case base := <-ready:
		return base, &stdout
	case err := <-done:
		done <- err
		t.Fatalf("run: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("not ready")
	}
	return "", nil
}

func TestRunFixture(t *testing.T) {
	base, stdout := startRun(t, "-fixture", "../../sim/testdata/fixture.json", "-login-user", "bruno@example.com")
	if out := stdout.String(); !strings.Contains(out, "users:                    3\n") || !strings.Contains(out, "fixture:") {
		t.Fatalf("stdout:\n%s", stdout)
	}
	tok := token(t, base)
	req, _ := http.NewRequest("GET", base+"/api/v2/users?pageSize=0&expand=presence", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"total":3`) || !strings.Contains(string(b), "ada@example.com") {
		t.Fatalf("users: %d %s", resp.StatusCode, b)
	}
}

func TestRunFixtureAndUsers(t *testing.T) {
	_, stdout := startRun(t, "-fixture", "../../sim/testdata/fixture.json", "-users", "10")
	if out := stdout.String(); !strings.Contains(out, "users:                    13\n") {
		t.Fatalf("stdout:\n%s", out)
	}
}

// TestRunNotificationFlags: -channels reaches the notification service.
func TestRunNotificationFlags(t *testing.T) {
	base, _ := startRun(t, "-users", "1", "-channels", "1", "-heartbeat", "100ms")
	tok := token(t, base)
	var statuses []int
	for range 2 {
		req, _ := http.NewRequest("POST", base+"/api/v2/notifications/channels", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		statuses = append(statuses, resp.StatusCode)
	}
	if statuses[0] != 200 || statuses[1] < 400 {
		t.Fatalf("two channels with -channels 1: %v", statuses)
	}
}

// token logs in with the default client credentials.
func token(t *testing.T, base string) string {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/oauth/token", strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("sim-client-id", "sim-client-secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("login: %d %v", resp.StatusCode, err)
	}
	return tok.AccessToken
}

// TestRunLimitFlags: the default counts 300 per window in the headers,
// -rate-window scales it, -token-rate refuses token requests past it.
func TestRunLimitFlags(t *testing.T) {
	base, stdout := startRun(t, "-users", "1", "-rate-window", "2s", "-token-rate", "1", "-latency", "1ms")
	if out := stdout.String(); !strings.Contains(out, "300 requests per 2s per token counted") || !strings.Contains(out, "token endpoint limit:     1 requests per second") {
		t.Fatalf("banner:\n%s", out)
	}
	tok := token(t, base)
	req, _ := http.NewRequest("GET", base+"/api/v2/users", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("inin-ratelimit-allowed") != "300" || resp.Header.Get("inin-ratelimit-reset") != "2" {
		t.Fatalf("headers: %v", resp.Header)
	}
	form := strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode())
	req, _ = http.NewRequest("POST", base+"/oauth/token", form)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("sim-client-id", "sim-client-secret")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(b), "rate limit exceeded; ") {
		t.Fatalf("second token request within a second at -token-rate 1: %d %s", resp.StatusCode, b)
	}
}
