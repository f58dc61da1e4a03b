package platformclient

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// The environment variables WithEnvironment reads. The GENESYSCLOUD_ names
// are those of the Genesys Cloud Terraform provider and CLI; the
// GENESYS_CLOUD_ names those of earlier versions of this SDK's quickstart.
const (
	EnvClientID     = "GENESYSCLOUD_OAUTHCLIENT_ID"     // OAuth client id (client-credentials grant)
	EnvClientSecret = "GENESYSCLOUD_OAUTHCLIENT_SECRET" // its secret
	EnvRegion       = "GENESYSCLOUD_REGION"             // "eu-west-1", "eu_west_1" or "mypurecloud.ie"
	EnvAccessToken  = "GENESYSCLOUD_ACCESS_TOKEN"       // a token got elsewhere, instead of a client id and secret
	EnvBaseURL      = "GENESYSCLOUD_BASE_URL"           // e.g. a running gcsim: "http://127.0.0.1:8080"
	EnvLoginURL     = "GENESYSCLOUD_LOGIN_URL"          // the login service, when not at EnvBaseURL

	envOldClientID     = "GENESYS_CLOUD_CLIENT_ID"
	envOldClientSecret = "GENESYS_CLOUD_CLIENT_SECRET"
	envOldRegion       = "GENESYS_CLOUD_REGION"
)

// envNames are every variable WithEnvironment reads.
var envNames = [...]string{EnvClientID, EnvClientSecret, EnvRegion, EnvAccessToken, EnvBaseURL, EnvLoginURL,
	envOldClientID, envOldClientSecret, envOldRegion}

// EnvironmentSet reports whether any variable that WithEnvironment reads is
// set, e.g. to fall back to the simulator when none is.
func EnvironmentSet() bool {
	for _, n := range envNames {
		if os.Getenv(n) != "" {
			return true
		}
	}
	return false
}

// WithEnvironment configures the client from environment variables, so
// that a program, a test and a deployment can share one way of pointing the
// client at an organization or a simulator:
//
//   - GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET: log
//     in with the client-credentials grant (as WithGrant does). Or
//     GENESYSCLOUD_ACCESS_TOKEN: send a token got elsewhere.
//   - GENESYSCLOUD_REGION: the region, as the Terraform provider takes it
//     ("eu-west-1"), as this SDK names it ("eu_west_1"), or its domain
//     ("mypurecloud.ie").
//   - GENESYSCLOUD_BASE_URL: a base URL instead of a region, e.g. the one a
//     running gcsim prints; logins go to the same URL unless
//     GENESYSCLOUD_LOGIN_URL is set. It wins over GENESYSCLOUD_REGION.
//
// GENESYS_CLOUD_CLIENT_ID, GENESYS_CLOUD_CLIENT_SECRET and
// GENESYS_CLOUD_REGION are read when the GENESYSCLOUD_ names are unset.
// Without a region or base URL the client keeps what the other options say
// (by default us_east_1). It fails when neither a client id and secret nor
// an access token is set, or when only one of the id and secret is.
// Options after it override it.
func WithEnvironment() Option {
	return func(c *Client) error {
		id, idName := env(EnvClientID, envOldClientID)
		secret, secretName := env(EnvClientSecret, envOldClientSecret)
		region, regionName := env(EnvRegion, envOldRegion)
		base, login, token := os.Getenv(EnvBaseURL), os.Getenv(EnvLoginURL), os.Getenv(EnvAccessToken)
		switch {
		case id != "" && secret == "":
			return fmt.Errorf("platformclient: %s is set but %s is not", idName, EnvClientSecret)
		case id == "" && secret != "":
			return fmt.Errorf("platformclient: %s is set but %s is not", secretName, EnvClientID)
		case id == "" && token == "":
			return errors.New("platformclient: set " + EnvClientID + " and " + EnvClientSecret +
				" (or " + EnvAccessToken + ") to configure the client from the environment")
		}
		var opts []Option
		switch {
		case base != "":
			opts = append(opts, WithBaseURL(base), WithLoginURL(strings.TrimSpace(orDefault(login, base))))
		case region != "":
			r, err := ParseRegion(region)
			if err != nil {
				return fmt.Errorf("platformclient: %s: unknown region %q (want e.g. eu-west-1, eu_west_1 or mypurecloud.ie)", regionName, region)
			}
			opts = append(opts, WithRegion(r))
			if login != "" {
				opts = append(opts, WithLoginURL(login))
			}
		case login != "":
			opts = append(opts, WithLoginURL(login))
		}
		if id != "" {
			opts = append(opts, WithGrant(ClientCredentials{ClientID: id, ClientSecret: secret}))
		} else {
			opts = append(opts, WithAccessToken(token))
		}
		for _, o := range opts {
			if err := o(c); err != nil {
				return fmt.Errorf("%w (from the environment)", err)
			}
		}
		return nil
	}
}

// env returns the first set variable of names, and its name.
func env(names ...string) (value, name string) {
	for _, n := range names {
		if v := strings.TrimSpace(os.Getenv(n)); v != "" {
			return v, n
		}
	}
	return "", names[0]
}
