package sim

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-json-experiment/json"
)

// The grant types /oauth/token accepts.
const (
	grantClientCredentials = "client_credentials"
	grantAuthorizationCode = "authorization_code"
	grantRefreshToken      = "refresh_token"
	grantSAML2Bearer       = "urn:ietf:params:oauth:grant-type:saml2-bearer"
)

// codeLifetime is how long an authorization code can be exchanged.
const codeLifetime = 5 * time.Minute

// tokenInfo is what the simulator knows of an access token.
type tokenInfo struct {
	clientID string
	userID   string // the user a user token belongs to; "" for client credentials
	grant    string
	expires  time.Time
}

// refreshInfo is what the simulator knows of a refresh token.
type refreshInfo struct {
	clientID string
	userID   string
	public   bool // issued through PKCE: refreshing needs no client secret
}

// codeInfo is an authorization code waiting to be exchanged.
type codeInfo struct {
	clientID    string
	redirectURI string
	challenge   string // S256 code challenge, "" without PKCE
	expires     time.Time
}

// authStore holds the tokens and codes the simulator issued.
type authStore struct {
	mu      sync.Mutex
	tokens  map[string]tokenInfo
	refresh map[string]refreshInfo
	codes   map[string]codeInfo
	issued  int
}

func newAuthStore() *authStore {
	return &authStore{tokens: map[string]tokenInfo{}, refresh: map[string]refreshInfo{}, codes: map[string]codeInfo{}}
}

// randomToken returns an unguessable token.
func randomToken(prefix string) string {
	return prefix + rand.Text()
}

// issue creates an access token (and a refresh token when refresh is true)
// for the user that the grant logs in (see tokenOwner).
func (s *Server) issue(clientID, grant string, refresh, public bool) (access, refreshTok string, lifetime time.Duration) {
	return s.issueFor(s.tokenOwner(grant), clientID, grant, refresh, public)
}

// issueFor creates an access token that belongs to userID ("" for none).
func (s *Server) issueFor(userID, clientID, grant string, refresh, public bool) (access, refreshTok string, lifetime time.Duration) {
	now := s.now()
	if userID != "" {
		s.store.userState.mu.Lock()
		s.store.userState.lastLogin[userID] = now
		s.store.userState.mu.Unlock()
	}
	lifetime = s.cfg.tokenLifetime
	access = randomToken("simat-")
	a := s.auth
	a.mu.Lock()
	defer a.mu.Unlock()
	a.issued++
	if a.issued%1024 == 0 { // forget expired tokens now and then
		for k, t := range a.tokens {
			if !now.Before(t.expires) {
				delete(a.tokens, k)
			}
		}
		for k, c := range a.codes {
			if !now.Before(c.expires) {
				delete(a.codes, k)
			}
		}
	}
	a.tokens[access] = tokenInfo{clientID: clientID, userID: userID, grant: grant, expires: now.Add(lifetime)}
	if refresh {
		refreshTok = randomToken("simrt-")
		a.refresh[refreshTok] = refreshInfo{clientID: clientID, userID: userID, public: public}
	}
	return access, refreshTok, lifetime
}

// AccessToken issues an access token for the simulator's client without an
// HTTP round trip, as the client-credentials grant would.
func (s *Server) AccessToken() string {
	tok, _, _ := s.issue(s.cfg.clientID, grantClientCredentials, false, false)
	return tok
}

// ExpireTokens makes every access token issued so far invalid, as if they
// had all expired: the next API call with one gets 401. Refresh tokens stay
// valid.
func (s *Server) ExpireTokens() {
	s.auth.mu.Lock()
	defer s.auth.mu.Unlock()
	clear(s.auth.tokens)
}

// checkToken validates the bearer token of an API request and returns it.
func (s *Server) checkToken(r *http.Request) (string, *apiError) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "bearer") || strings.TrimSpace(tok) == "" {
		return "", &apiError{status: http.StatusUnauthorized, code: "authentication.required",
			message: "No authentication bearer token specified in authorization header."}
	}
	tok = strings.TrimSpace(tok)
	now := s.now()
	s.auth.mu.Lock()
	info, known := s.auth.tokens[tok]
	if known && !now.Before(info.expires) {
		delete(s.auth.tokens, tok)
		known = false
	}
	s.auth.mu.Unlock()
	if !known {
		return "", &apiError{status: http.StatusUnauthorized, code: "bad.credentials", message: "Invalid login credentials."}
	}
	return tok, nil
}

// oauthError is the error body of the login service.
type oauthError struct {
	Error            string `json:"error"`
	Description      string `json:"description"`
	ErrorDescription string `json:"error_description"`
}

func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="oauth"`)
	}
	writeJSON(w, status, oauthError{Error: code, Description: desc, ErrorDescription: desc})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v, json.Deterministic(true))
	if err != nil {
		http.Error(w, "encode: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// tokenResponse is the body of a successful /oauth/token call.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
}

// clientAuth checks HTTP Basic client credentials. present reports whether
// the request carried any.
func (s *Server) clientAuth(r *http.Request) (id string, present, ok bool) {
	id, secret, present := r.BasicAuth()
	if !present {
		return "", false, false
	}
	idOK := subtle.ConstantTimeCompare([]byte(id), []byte(s.cfg.clientID)) == 1
	secretOK := subtle.ConstantTimeCompare([]byte(secret), []byte(s.cfg.clientSecret)) == 1
	return id, true, idOK && secretOK
}

// handleToken serves POST /oauth/token.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "use POST")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "the body must be application/x-www-form-urlencoded")
		return
	}
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "malformed form body")
		return
	}
	if !s.takeToken(s.now()) {
		refuseToken(w, s.cfg.limits.tokenRate)
		return
	}
	form := r.PostForm
	switch gt := form.Get("grant_type"); gt {
	case grantClientCredentials:
		if !s.requireClient(w, r) {
			return
		}
		s.writeToken(w, s.cfg.clientID, gt, false, false)
	case grantSAML2Bearer:
		if !s.requireClient(w, r) {
			return
		}
		if org := form.Get("orgName"); org == "" {
			writeOAuthError(w, http.StatusBadRequest, "invalid_request", "orgName is required")
			return
		} else if org != s.cfg.orgName {
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "unknown organization "+strconv.Quote(org))
			return
		}
		if !validAssertion(form.Get("assertion")) {
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "assertion must be a non-empty base64-encoded SAML assertion")
			return
		}
		s.writeTokenFor(w, s.assertionUser(form.Get("assertion")), s.cfg.clientID, gt, false, false)
	case grantAuthorizationCode:
		s.exchangeCode(w, r, form)
	case grantRefreshToken:
		s.refreshGrant(w, r, form)
	case "":
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "grant_type is required")
	default:
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "unsupported grant_type "+strconv.Quote(gt))
	}
}

// requireClient checks Basic client authentication and answers 401 when it fails.
func (s *Server) requireClient(w http.ResponseWriter, r *http.Request) bool {
	_, present, ok := s.clientAuth(r)
	if !present {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "client authentication (HTTP Basic) is required")
		return false
	}
	if !ok {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "invalid client id or secret")
		return false
	}
	return true
}

func validAssertion(a string) bool {
	if strings.TrimSpace(a) == "" {
		return false
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(a); err == nil && len(b) > 0 {
			return true
		}
	}
	return false
}

func (s *Server) writeToken(w http.ResponseWriter, clientID, grant string, refresh, public bool) {
	s.writeTokenFor(w, s.tokenOwner(grant), clientID, grant, refresh, public)
}

// writeTokenFor answers a token request with a token that belongs to userID.
func (s *Server) writeTokenFor(w http.ResponseWriter, userID, clientID, grant string, refresh, public bool) {
	access, rt, life := s.issueFor(userID, clientID, grant, refresh, public)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, tokenResponse{AccessToken: access, TokenType: "bearer",
		ExpiresIn: int((life + time.Second - 1) / time.Second), RefreshToken: rt})
}

// pkceChallenge computes the S256 challenge of a verifier.
func pkceChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func (s *Server) exchangeCode(w http.ResponseWriter, r *http.Request, form url.Values) {
	code := form.Get("code")
	if code == "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "code is required")
		return
	}
	now := s.now()
	s.auth.mu.Lock()
	info, ok := s.auth.codes[code]
	delete(s.auth.codes, code) // a code is good for one attempt
	s.auth.mu.Unlock()
	if !ok || !now.Before(info.expires) {
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "unknown, used or expired authorization code")
		return
	}
	if info.redirectURI != "" && form.Get("redirect_uri") != info.redirectURI {
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri does not match the authorization request")
		return
	}
	if info.challenge != "" {
		if !s.publicClient(w, r, form, info.clientID, "the authorization request") {
			return
		}
		verifier := form.Get("code_verifier")
		if verifier == "" {
			writeOAuthError(w, http.StatusBadRequest, "invalid_request", "code_verifier is required")
			return
		}
		if subtle.ConstantTimeCompare([]byte(pkceChallenge(verifier)), []byte(info.challenge)) != 1 {
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "code_verifier does not match the code challenge")
			return
		}
		s.writeToken(w, info.clientID, grantAuthorizationCode, true, true)
		return
	}
	if !s.requireClient(w, r) {
		return
	}
	s.writeToken(w, info.clientID, grantAuthorizationCode, true, false)
}

func (s *Server) refreshGrant(w http.ResponseWriter, r *http.Request, form url.Values) {
	rt := form.Get("refresh_token")
	if rt == "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "refresh_token is required")
		return
	}
	s.auth.mu.Lock()
	info, ok := s.auth.refresh[rt]
	s.auth.mu.Unlock()
	if !ok {
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "unknown or already used refresh token")
		return
	}
	if info.public {
		if !s.publicClient(w, r, form, info.clientID, "the refresh token") {
			return
		}
	} else if !s.requireClient(w, r) {
		return
	}
	s.auth.mu.Lock()
	_, still := s.auth.refresh[rt]
	delete(s.auth.refresh, rt) // rotation: a refresh token is used once
	s.auth.mu.Unlock()
	if !still { // a concurrent refresh won the race
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "unknown or already used refresh token")
		return
	}
	s.writeTokenFor(w, info.userID, info.clientID, grantRefreshToken, true, info.public)
}

// handleAuthorize serves GET /oauth/authorize: it approves every request
// at once and redirects back with a code (or, for response_type=token, an
// access token in the fragment), to a registered redirect URI only
// (WithRedirectURIs; loopback URIs by default).
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "use GET")
		return
	}
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "malformed query")
		return
	}
	q := r.Form
	clientID := q.Get("client_id")
	if clientID != s.cfg.clientID {
		writeOAuthError(w, http.StatusBadRequest, "invalid_client", "unknown client_id")
		return
	}
	redirect := q.Get("redirect_uri")
	ru, err := url.Parse(redirect)
	if redirect == "" || err != nil || !ru.IsAbs() {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "redirect_uri must be an absolute URL")
		return
	}
	if !s.redirectAllowed(redirect, ru) {
		// Never redirect to an unregistered URI: it would hand a code or
		// token to whoever serves it (RFC 6749, 4.1.2.1).
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "redirect_uri is not registered for this client")
		return
	}
	challenge := q.Get("code_challenge")
	if challenge != "" {
		if m := q.Get("code_challenge_method"); m != "S256" {
			writeOAuthError(w, http.StatusBadRequest, "invalid_request", "code_challenge_method must be S256")
			return
		}
		if len(challenge) != 43 {
			writeOAuthError(w, http.StatusBadRequest, "invalid_request", "code_challenge must be a base64url SHA-256 digest")
			return
		}
	}
	state := q.Get("state")
	ru.Fragment, ru.RawFragment = "", ""
	var fragment string
	switch rt := q.Get("response_type"); rt {
	case "code":
		code := randomToken("simcode-")
		s.auth.mu.Lock()
		s.auth.codes[code] = codeInfo{clientID: clientID, redirectURI: redirect, challenge: challenge, expires: s.now().Add(codeLifetime)}
		s.auth.mu.Unlock()
		v := ru.Query()
		v.Set("code", code)
		if state != "" {
			v.Set("state", state)
		}
		ru.RawQuery = v.Encode()
	case "token":
		access, _, life := s.issue(clientID, "implicit", false, false)
		f := url.Values{"access_token": {access}, "token_type": {"bearer"},
			"expires_in": {strconv.Itoa(int(life / time.Second))}}
		if state != "" {
			f.Set("state", state)
		}
		fragment = "#" + f.Encode()
	default:
		writeOAuthError(w, http.StatusBadRequest, "unsupported_response_type", "response_type must be code or token")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, ru.String()+fragment, http.StatusFound)
}

// publicClient checks the client of a grant without a secret (PKCE and its
// refresh): the form's client_id, or Basic credentials when present, must be
// want. It writes the OAuth error and returns false otherwise.
func (s *Server) publicClient(w http.ResponseWriter, r *http.Request, form url.Values, want, what string) bool {
	clientID := form.Get("client_id")
	if id, present, ok := s.clientAuth(r); present {
		if !ok {
			writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "invalid client id or secret")
			return false
		}
		clientID = id
	}
	if clientID != want {
		writeOAuthError(w, http.StatusBadRequest, "invalid_client", "client_id does not match "+what)
		return false
	}
	return true
}
