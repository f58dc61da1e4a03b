package sim

import (
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Which simulated user each access token belongs to. A client-credentials
// token belongs to no user, as on the service (GET /api/v2/users/me answers
// 400 with it). Every other grant (authorization code with or without PKCE,
// SAML2 bearer, implicit, and the refresh tokens they bring) logs in the
// login user: the one named by WithLoginUser, else the first user of the
// organization. A SAML2 assertion whose NameID is a user's email or id logs
// in that user. UserToken issues a token for any user.

// WithLoginUser sets the user that the user grants log in, by id or email
// (default: the first user in creation order, the first seeded user).
func WithLoginUser(idOrEmail string) Option {
	return func(c *config) error {
		if strings.TrimSpace(idOrEmail) == "" {
			return errors.New("sim: empty login user")
		}
		c.loginUser = idOrEmail
		return nil
	}
}

// tokenOwner returns the user a token from grant belongs to.
func (s *Server) tokenOwner(grant string) string {
	if grant == grantClientCredentials {
		return ""
	}
	return s.LoginUserID()
}

// nameID finds the NameID of a SAML assertion.
var nameID = regexp.MustCompile(`<(?:[A-Za-z0-9_]+:)?NameID\b[^>]*>\s*([^<\s]+)\s*</`)

// assertionUser returns the user a base64 SAML2 assertion names by its
// NameID (an email or id), else the login user.
func (s *Server) assertionUser(assertion string) string {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		b, err := enc.DecodeString(assertion)
		if err != nil {
			continue
		}
		if m := nameID.FindSubmatch(b); m != nil {
			if id := s.store.findUser(string(m[1])); id != "" {
				return id
			}
		}
		break
	}
	return s.LoginUserID()
}

// LoginUserID returns the id of the user the user grants log in ("" when
// the organization has no such user).
func (s *Server) LoginUserID() string {
	if want := s.cfg.loginUser; want != "" {
		return s.store.findUser(want)
	}
	ids := s.store.users.ids()
	if len(ids) == 0 {
		return ""
	}
	return ids[0]
}

// findUser resolves a user by id or email (case ignored); "" when none.
func (st *store) findUser(idOrEmail string) string {
	if _, ok := st.users.getItem(idOrEmail); ok {
		return idOrEmail
	}
	for _, it := range st.users.list(func(e entity) bool { return strings.EqualFold(str(e["email"]), idOrEmail) }) {
		return str(it.e["id"])
	}
	return ""
}

// UserToken issues an access token that belongs to a user (by id or
// email), as if that user had logged in with the authorization code grant,
// without an HTTP round trip. GET /api/v2/users/me with it returns that user.
func (s *Server) UserToken(idOrEmail string) (string, error) {
	id := s.store.findUser(idOrEmail)
	if id == "" {
		return "", fmt.Errorf("sim: no user %q", idOrEmail)
	}
	tok, _, _ := s.issueFor(id, s.cfg.clientID, grantAuthorizationCode, false, false)
	return tok, nil
}

// tokenUser returns the user an access token belongs to, "" for none.
func (s *Server) tokenUser(tok string) string {
	s.auth.mu.Lock()
	defer s.auth.mu.Unlock()
	return s.auth.tokens[tok].userID
}
