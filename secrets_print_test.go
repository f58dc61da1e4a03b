package platformclient

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/purecloudgo/platformclient/config"
	"golang.org/x/oauth2"
)

// No fmt verb, on a value or a pointer, of a Client, a grant, a token, a
// token source or a configuration value prints a secret: not %s, %v, %+v,
// %#v or %q, also when the value is nested in another.
func TestNoVerbPrintsASecret(t *testing.T) {
	const s = "S3CR3T"
	c, err := New(WithAccessToken(s+"-token"), WithProxy(Proxy{URL: "http://u:" + s + "@proxy:3128", Password: s}),
		WithGateway(Gateway{Host: "gw.example", Password: s + "-gw"}))
	if err != nil {
		t.Fatal(err)
	}
	g, err := New(WithGrant(ClientCredentials{ClientID: "id", ClientSecret: s + "-cs"}))
	if err != nil {
		t.Fatal(err)
	}
	g.SetToken(Token{AccessToken: s + "-at", RefreshToken: s + "-rt"})
	file, err := config.Parse([]byte("[gateway]\nhost = gw\npassword = " + s + "-fgw\n[proxy]\nurl = http://u:" + s + "-fpx@proxy:1\n"))
	if err != nil {
		t.Fatal(err)
	}
	tok := Token{AccessToken: s + "-a", RefreshToken: s + "-r", TokenType: "bearer"}
	values := []any{
		// A Client value has no Format of its own: its fields must not
		// lead to a secret either.
		reflect.ValueOf(c).Elem().Interface(), reflect.ValueOf(g).Elem().Interface(), c, g,
		tok, &tok, StaticToken(s), Gateway{Password: s}, Proxy{URL: "http://a:" + s + "@p", Password: s},
		MTLS{KeyPEM: []byte(s)},
		ClientCredentials{ClientSecret: s}, SAML2Bearer{ClientSecret: s, Assertion: s},
		AuthorizationCode{ClientSecret: s, Code: s}, PKCE{CodeVerifier: s, Code: s},
		RefreshToken{ClientSecret: s, RefreshToken: s},
		FromOAuth2(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: s})), OAuth2TokenSource(context.Background(), StaticToken(s)),
		file, *file, file.Gateway, file.Proxy, *file.Gateway.Password,
	}
	for i, v := range values {
		all := []any{v, struct{ Nested any }{v}}
		if rv := reflect.ValueOf(v); rv.Kind() != reflect.Pointer && rv.Kind() != reflect.Interface {
			p := reflect.New(rv.Type())
			p.Elem().Set(rv)
			all = append(all, p.Interface())
		}
		for _, x := range all {
			for _, verb := range []string{"%s", "%v", "%+v", "%#v", "%q"} {
				if out := fmt.Sprintf(verb, x); strings.Contains(out, s) {
					t.Errorf("value %d (%T) with %s: %s", i, x, verb, out)
				}
			}
		}
	}
}
