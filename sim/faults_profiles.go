package sim

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// FaultProfiles returns the names of the fault profiles WithFaultProfile
// and gcsim -faults accept.
func FaultProfiles() []string {
	names := make([]string, 0, len(profiles))
	for n := range profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// profiles are named sets of global faults. Counters make them
// deterministic: "every 10th request", never "10% of requests".
var profiles = map[string][]Fault{
	"none":         nil,
	"rate-limited": {RateLimited(time.Second).EveryNth(5)},
	"flaky": {
		ServerError(http.StatusServiceUnavailable).EveryNth(10),
		RateLimited(time.Second).EveryNth(20),
		ConnectionReset().EveryNth(50),
	},
	"slow":   {Latency(200 * time.Millisecond)},
	"outage": {ServerError(http.StatusServiceUnavailable)},
	// chaos has every kind: faults before the work and faults after it.
	"chaos": {
		Latency(50 * time.Millisecond),
		ServerError(http.StatusServiceUnavailable).EveryNth(10),
		RateLimited(time.Second).EveryNth(15),
		CutBody().EveryNth(30),
		HTMLError(http.StatusBadGateway).EveryNth(40),
		ConnectionReset().EveryNth(50),
		CutJSON().EveryNth(60),
		ConnectionResetAfter().EveryNth(70),
	},
}

// ProfileDescription says what a fault profile does, fault by fault, and
// whether each applies the operation; "" for an unknown profile.
func ProfileDescription(name string) string {
	faults, ok := profiles[name]
	if !ok {
		return ""
	}
	if len(faults) == 0 {
		return "no faults"
	}
	parts := make([]string, len(faults))
	for i, f := range faults {
		parts[i] = f.describe()
	}
	return strings.Join(parts, "; ")
}

// describe says in a few words which API requests a fault hits and what
// it does to them, e.g. "every 10th: 503 before the work".
func (f Fault) describe() string {
	var which string
	switch {
	case f.Every > 1:
		which = "every " + ordinal(f.Every)
	default:
		which = "every request"
	}
	if f.Times > 0 {
		which += fmt.Sprintf(" (first %d)", f.Times)
	}
	var what string
	switch f.Kind {
	case FaultStatus:
		what = strconv.Itoa(f.Status)
		if f.RetryAfter > 0 {
			what += fmt.Sprintf(" (Retry-After: %d)", int((f.RetryAfter+time.Second-1)/time.Second))
		}
		what += " before the work"
	case FaultHTML:
		st := f.Status
		if st == 0 {
			st = http.StatusBadGateway
		}
		what = fmt.Sprintf("an HTML %d before the work", st)
	case FaultLatency:
		return which + ": waits " + f.Latency.String()
	case FaultResetBefore:
		what = "a reset before the work"
	case FaultResetAfter:
		what = "a reset after the work"
	case FaultCutBody:
		what = "its answer cut short of Content-Length after the work"
	case FaultCutJSON:
		what = "its JSON cut (chunked) after the work"
	}
	if f.Latency > 0 {
		what += " after " + f.Latency.String()
	}
	return which + ": " + what
}

// ordinal writes 10 as "10th", 2 as "2nd".
func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}
