package platformclient

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testCA is a certificate authority made for a test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

var serial atomic.Int64

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial.Add(1)),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue returns a certificate and key signed by ca, as PEM.
func (ca *testCA) issue(t *testing.T, cn string, usage x509.ExtKeyUsage) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial.Add(1)),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
}

// newMTLSServer starts a TLS server with a certificate from ca that
// requires a client certificate signed by ca.
func newMTLSServer(t *testing.T, ca *testCA, handled *atomic.Int64) *httptest.Server {
	certPEM, keyPEM := ca.issue(t, "server", x509.ExtKeyUsageServerAuth)
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handled.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/oauth/token" {
			fmt.Fprint(w, `{"access_token":"mtls-token","token_type":"bearer","expires_in":3600}`)
			return
		}
		if len(r.TLS.PeerCertificates) == 0 || r.TLS.PeerCertificates[0].Subject.CommonName != "sdk-client" {
			http.Error(w, "no client certificate", http.StatusForbidden)
			return
		}
		fmt.Fprint(w, `{"id":"me"}`)
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func TestMTLS(t *testing.T) {
	ca := newTestCA(t, "test CA")
	other := newTestCA(t, "other CA")
	var handled atomic.Int64
	srv := newMTLSServer(t, ca, &handled)
	certPEM, keyPEM := ca.issue(t, "sdk-client", x509.ExtKeyUsageClientAuth)
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	certFile, keyFile, caFile := write("client.pem", certPEM), write("client-key.pem", keyPEM), write("ca.pem", ca.pem)
	ctx := context.Background()
	base := []Option{WithBaseURL(srv.URL), WithLoginURL(srv.URL), noRetries}

	t.Run("files, right CA", func(t *testing.T) {
		c, err := New(append(base, WithMTLSFiles(certFile, keyFile, caFile), WithGrant(ClientCredentials{ClientID: "cid", ClientSecret: "s"}))...)
		if err != nil {
			t.Fatal(err)
		}
		if err := getMe(ctx, c); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("contents, right CA", func(t *testing.T) {
		c, err := New(append(base, WithMTLSContents(certPEM, keyPEM, ca.pem), WithAccessToken("t"))...)
		if err != nil {
			t.Fatal(err)
		}
		if err := getMe(ctx, c); err != nil {
			t.Fatal(err)
		}
	})
	before := handled.Load()
	t.Run("wrong CA", func(t *testing.T) {
		c, err := New(append(base, WithMTLS(MTLS{CertPEM: certPEM, KeyPEM: keyPEM, CAPEM: other.pem}), WithAccessToken("t"))...)
		if err != nil {
			t.Fatal(err)
		}
		err = getMe(ctx, c)
		var te *TransportError
		var ve *tls.CertificateVerificationError
		if !errors.As(err, &te) || !errors.As(err, &ve) {
			t.Fatalf("got %v, want a certificate verification error", err)
		}
	})
	t.Run("system roots do not trust the test CA", func(t *testing.T) {
		c, err := New(append(base, WithMTLS(MTLS{CertPEM: certPEM, KeyPEM: keyPEM}), WithAccessToken("t"))...)
		if err != nil {
			t.Fatal(err)
		}
		var ve *tls.CertificateVerificationError
		if err := getMe(ctx, c); !errors.As(err, &ve) {
			t.Fatalf("got %v, want a certificate verification error", err)
		}
	})
	t.Run("no client certificate", func(t *testing.T) {
		c, err := New(append(base, WithMTLS(MTLS{CAFile: caFile}), WithAccessToken("t"))...)
		if err != nil {
			t.Fatal(err)
		}
		var te *TransportError
		if err := getMe(ctx, c); !errors.As(err, &te) {
			t.Fatalf("got %v, want a TLS handshake failure", err)
		}
	})
	if n := handled.Load() - before; n != 0 {
		t.Errorf("the server handled %d requests from clients that should have failed", n)
	}
	t.Run("invalid configurations", func(t *testing.T) {
		for name, m := range map[string]MTLS{
			"cert without key":    {CertPEM: certPEM, CAPEM: ca.pem},
			"key without cert":    {KeyFile: keyFile},
			"file and contents":   {CertFile: certFile, CertPEM: certPEM, KeyPEM: keyPEM},
			"missing file":        {CertFile: filepath.Join(dir, "nope.pem"), KeyFile: keyFile},
			"mismatched key":      {CertPEM: certPEM, KeyPEM: mustSecondKey(t, other)},
			"CA that is not PEM":  {CAPEM: []byte("not a certificate")},
			"key that is not PEM": {CertPEM: certPEM, KeyPEM: []byte("PRIVATE-KEY-MATERIAL")},
		} {
			_, err := New(WithMTLS(m))
			if err == nil {
				t.Errorf("%s: accepted", name)
				continue
			}
			if strings.Contains(err.Error(), "PRIVATE-KEY-MATERIAL") || strings.Contains(err.Error(), string(keyPEM[40:80])) {
				t.Errorf("%s: key material in %v", name, err)
			}
		}
		if _, err := New(WithMTLSContents(certPEM, keyPEM, ca.pem), WithHTTPClient(http.DefaultClient)); err == nil {
			t.Error("WithMTLS and WithHTTPClient combined")
		}
	})
}

func mustSecondKey(t *testing.T, ca *testCA) []byte {
	_, key := ca.issue(t, "x", x509.ExtKeyUsageClientAuth)
	return key
}

// testProxy is a forward and CONNECT proxy that requires Basic credentials.
type testProxy struct {
	*httptest.Server
	user, pass string
	forwards   atomic.Int64
	connects   atomic.Int64
	denied     atomic.Int64

	mu    sync.Mutex
	conns []net.Conn
}

func newTestProxy(t *testing.T, user, pass string) *testProxy {
	p := &testProxy{user: user, pass: pass}
	p.Server = httptest.NewServer(p)
	t.Cleanup(func() {
		p.Close()
		p.mu.Lock()
		for _, c := range p.conns {
			c.Close()
		}
		p.mu.Unlock()
	})
	return p
}

func (p *testProxy) track(c net.Conn) {
	p.mu.Lock()
	p.conns = append(p.conns, c)
	p.mu.Unlock()
}

func (p *testProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte(p.user+":"+p.pass))
	if r.Header.Get("Proxy-Authorization") != want {
		p.denied.Add(1)
		w.Header().Set("Proxy-Authenticate", `Basic realm="test"`)
		http.Error(w, "proxy authentication required", http.StatusProxyAuthRequired)
		return
	}
	if r.Method == http.MethodConnect {
		p.connects.Add(1)
		upstream, err := net.Dial("tcp", r.Host)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			upstream.Close()
			return
		}
		p.track(conn)
		p.track(upstream)
		io.WriteString(conn, "HTTP/1.1 200 Connection established\r\n\r\n")
		go func() {
			io.Copy(upstream, buf)
			upstream.Close()
		}()
		go func() {
			io.Copy(conn, upstream)
			conn.Close()
		}()
		return
	}
	p.forwards.Add(1)
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.Header.Del("Proxy-Authorization")
	resp, err := (&http.Transport{}).RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

func TestProxyForwardHTTP(t *testing.T) {
	s := newTestAuthServer(t)
	p := newTestProxy(t, "proxy-user", "proxy-pa55")
	c := s.client(t, WithProxy(Proxy{URL: p.URL, Username: "proxy-user", Password: "proxy-pa55"}),
		WithGrant(ClientCredentials{ClientID: "cid", ClientSecret: "s3cret"}))
	ctx := context.Background()
	for range 3 {
		if err := getMe(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if n := p.forwards.Load(); n != 4 {
		t.Errorf("the proxy forwarded %d requests, want 4 (1 login, 3 calls)", n)
	}
	// Credentials in the URL work too.
	u := strings.Replace(p.URL, "http://", "http://proxy-user:proxy-pa55@", 1)
	c2 := s.client(t, WithProxy(Proxy{URL: u}), WithAccessToken("tok-1"))
	if err := getMe(ctx, c2); err != nil {
		t.Fatal(err)
	}
	// Wrong credentials: the proxy's 407 comes back, without the password.
	c3 := s.client(t, WithProxy(Proxy{URL: p.URL, Username: "proxy-user", Password: "wrong-pa55"}), WithAccessToken("tok-1"))
	err := getMe(ctx, c3)
	if StatusCode(err) != http.StatusProxyAuthRequired {
		t.Fatalf("got %v, want 407", err)
	}
	if strings.Contains(err.Error(), "wrong-pa55") {
		t.Errorf("password in %v", err)
	}
	// An unreachable proxy: a transport error, without the password.
	c4 := s.client(t, WithProxy(Proxy{URL: "http://127.0.0.1:1", Username: "proxy-user", Password: "gone-pa55"}), WithAccessToken("tok-1"))
	err = getMe(ctx, c4)
	var te *TransportError
	if !errors.As(err, &te) || strings.Contains(err.Error(), "gone-pa55") {
		t.Errorf("unreachable proxy: %v", err)
	}
	if _, err := New(WithProxy(Proxy{URL: "not a url"})); err == nil {
		t.Error("invalid proxy URL accepted")
	}
	if _, err := New(WithProxy(Proxy{URL: p.URL}), WithHTTPClient(http.DefaultClient)); err == nil {
		t.Error("WithProxy and WithHTTPClient combined")
	}
}

func TestProxyConnectHTTPS(t *testing.T) {
	api := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/oauth/token" {
			fmt.Fprint(w, `{"access_token":"t","token_type":"bearer","expires_in":3600}`)
			return
		}
		fmt.Fprint(w, `{"id":"me"}`)
	}))
	defer api.Close()
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: api.Certificate().Raw})
	p := newTestProxy(t, "proxy-user", "proxy-pa55")
	c, err := New(WithBaseURL(api.URL), WithLoginURL(api.URL), WithMTLS(MTLS{CAPEM: caPEM}),
		WithProxy(Proxy{URL: p.URL, Username: "proxy-user", Password: "proxy-pa55"}),
		WithGrant(ClientCredentials{ClientID: "cid", ClientSecret: "s3cret"}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.httpClient.(*http.Client).CloseIdleConnections()
	ctx := context.Background()
	for range 5 {
		if err := getMe(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	// One transport, so one tunnel serves the login and every call.
	if n := p.connects.Load(); n != 1 {
		t.Errorf("%d CONNECT tunnels for 6 requests, want 1", n)
	}
	c2, _ := New(WithBaseURL(api.URL), WithMTLS(MTLS{CAPEM: caPEM}), WithAccessToken("t"), noRetries,
		WithProxy(Proxy{URL: p.URL, Username: "proxy-user", Password: "wrong-pa55"}))
	err = getMe(ctx, c2)
	var te *TransportError
	if !errors.As(err, &te) || strings.Contains(err.Error(), "wrong-pa55") {
		t.Fatalf("got %v, want a transport error without the password", err)
	}
	if p.denied.Load() == 0 {
		t.Error("the proxy did not refuse the wrong credentials")
	}
}

func TestHooks(t *testing.T) {
	s := newTestAuthServer(t)
	var mu sync.Mutex
	var seen []string
	record := func(s string) {
		mu.Lock()
		seen = append(seen, s)
		mu.Unlock()
	}
	errBlocked := errors.New("revoked certificate")
	var block atomic.Bool
	c := s.client(t, WithGrant(ClientCredentials{ClientID: "cid", ClientSecret: "s3cret"}),
		WithPreRequestHook(func(r *http.Request) error {
			record("pre " + r.URL.Path)
			if block.Load() {
				return errBlocked
			}
			return nil
		}),
		WithPreRequestHook(func(r *http.Request) error { record("pre2"); return nil }),
		WithPostRequestHook(func(r *http.Response) error { record(fmt.Sprintf("post %d", r.StatusCode)); return nil }))
	ctx := context.Background()
	if err := getMe(ctx, c); err != nil {
		t.Fatal(err)
	}
	want := "[pre /oauth/token pre2 post 200 pre /api/v2/users/me pre2 post 200]"
	if got := fmt.Sprint(seen); got != want {
		t.Errorf("hooks ran %s, want %s", got, want)
	}
	block.Store(true)
	calls := atomic.LoadInt64(&s.apiCalls)
	if err := getMe(ctx, c); !errors.Is(err, errBlocked) {
		t.Fatalf("got %v, want the pre-hook's error", err)
	}
	if atomic.LoadInt64(&s.apiCalls) != calls {
		t.Error("a request the pre-hook refused was sent")
	}

	errPost := errors.New("bad response")
	c2 := s.client(t, WithAccessToken("tok-1"), WithPostRequestHook(func(*http.Response) error { return errPost }))
	if err := getMe(ctx, c2); !errors.Is(err, errPost) {
		t.Fatalf("got %v, want the post-hook's error", err)
	}
	// Hooks also wrap a client given with WithHTTPClient.
	var n atomic.Int64
	c3 := s.client(t, WithAccessToken("tok-1"), WithHTTPClient(&http.Client{}),
		WithPreRequestHook(func(*http.Request) error { n.Add(1); return nil }))
	if err := getMe(ctx, c3); err != nil || n.Load() != 1 {
		t.Fatalf("%v, %d hook calls", err, n.Load())
	}
	if _, err := New(WithPreRequestHook(nil)); err == nil {
		t.Error("nil hook accepted")
	}
}

// countingDoer is a custom HTTP client.
type countingDoer struct{ n atomic.Int64 }

func (d *countingDoer) Do(r *http.Request) (*http.Response, error) {
	d.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

func TestCustomHTTPClient(t *testing.T) {
	s := newTestAuthServer(t)
	d := &countingDoer{}
	c := s.client(t, WithHTTPClient(d), WithGrant(ClientCredentials{ClientID: "cid", ClientSecret: "s3cret"}))
	if err := getMe(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if d.n.Load() != 2 {
		t.Errorf("the custom client sent %d requests, want 2 (login and call)", d.n.Load())
	}
}
