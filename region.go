package platformclient

import (
	"fmt"
	"strings"
)

// Region is a Genesys Cloud region, named as AWS names its location.
type Region string

// The Genesys Cloud regions.
const (
	USEast1      Region = "us_east_1"
	EUWest1      Region = "eu_west_1"
	APSoutheast2 Region = "ap_southeast_2"
	APNortheast1 Region = "ap_northeast_1"
	EUCentral1   Region = "eu_central_1"
	USWest2      Region = "us_west_2"
	CACentral1   Region = "ca_central_1"
	APNortheast2 Region = "ap_northeast_2"
	EUWest2      Region = "eu_west_2"
	APSouth1     Region = "ap_south_1"
	USEast2      Region = "us_east_2"
	SAEast1      Region = "sa_east_1"
	MECentral1   Region = "me_central_1"
	APNortheast3 Region = "ap_northeast_3"
	EUCentral2   Region = "eu_central_2"
	MXCentral1   Region = "mx_central_1"
	APSoutheast1 Region = "ap_southeast_1"
	EUSCDEEast1  Region = "eusc_de_east_1"
)

var regionDomains = map[Region]string{
	USEast1:      "mypurecloud.com",
	EUWest1:      "mypurecloud.ie",
	APSoutheast2: "mypurecloud.com.au",
	APNortheast1: "mypurecloud.jp",
	EUCentral1:   "mypurecloud.de",
	USWest2:      "usw2.pure.cloud",
	CACentral1:   "cac1.pure.cloud",
	APNortheast2: "apne2.pure.cloud",
	EUWest2:      "euw2.pure.cloud",
	APSouth1:     "aps1.pure.cloud",
	USEast2:      "use2.us-gov-pure.cloud",
	SAEast1:      "sae1.pure.cloud",
	MECentral1:   "mec1.pure.cloud",
	APNortheast3: "apne3.pure.cloud",
	EUCentral2:   "euc2.pure.cloud",
	MXCentral1:   "mxc1.pure.cloud",
	APSoutheast1: "apse1.pure.cloud",
	EUSCDEEast1:  "edee1.eusc-pure.cloud",
}

// Regions lists every known region.
func Regions() []Region {
	return []Region{USEast1, EUWest1, APSoutheast2, APNortheast1, EUCentral1, USWest2, CACentral1,
		APNortheast2, EUWest2, APSouth1, USEast2, SAEast1, MECentral1, APNortheast3, EUCentral2,
		MXCentral1, APSoutheast1, EUSCDEEast1}
}

// Domain returns the region's domain ("mypurecloud.ie"), or "" when unknown.
func (r Region) Domain() string { return regionDomains[r] }

// APIHost returns the API host of the region ("api.mypurecloud.ie").
func (r Region) APIHost() string {
	if d := r.Domain(); d != "" {
		return "api." + d
	}
	return ""
}

// LoginHost returns the OAuth host of the region ("login.mypurecloud.ie").
func (r Region) LoginHost() string {
	if d := r.Domain(); d != "" {
		return "login." + d
	}
	return ""
}

// ParseRegion returns the region named by s: a region name ("eu_west_1" or
// "eu-west-1"), its domain ("mypurecloud.ie"), or its API or login host
// ("api.mypurecloud.ie"), as environment variables and configuration files
// give it. Case does not matter.
func ParseRegion(s string) (Region, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	v = strings.TrimPrefix(strings.TrimPrefix(v, "https://"), "http://")
	v = strings.TrimRight(v, "/")
	if r := Region(strings.ReplaceAll(v, "-", "_")); r.Domain() != "" {
		return r, nil
	}
	v = strings.TrimPrefix(strings.TrimPrefix(v, "api."), "login.")
	for r, d := range regionDomains {
		if d == v {
			return r, nil
		}
	}
	return "", fmt.Errorf("platformclient: unknown region %q", s)
}

// String returns the region's name ("eu_west_1").
func (r Region) String() string { return string(r) }
