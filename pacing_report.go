package platformclient

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// rateReport is what the inin-ratelimit-* headers of one answer said, each
// value checked: allowed is 0, count -1 and reset 0 when absent or absurd
// (not a number, negative, an allowance of 0, a reset beyond an hour).
type rateReport struct {
	allowed int
	count   int
	reset   time.Duration
}

func (r rateReport) any() bool { return r.allowed > 0 || r.count >= 0 || r.reset > 0 }

// readRateReport reads the inin-ratelimit-* headers for pacing.
func readRateReport(h http.Header) rateReport {
	r := rateReport{count: -1}
	if a, ok := headerInt(h, "inin-ratelimit-allowed"); ok && a >= 1 && a <= maxPaceAllowed {
		r.allowed = a
	}
	if c, ok := headerInt(h, "inin-ratelimit-count"); ok && c >= 0 {
		r.count = min(c, maxPaceCount)
	}
	if v := strings.TrimSpace(h.Get("inin-ratelimit-reset")); v != "" {
		secs, err := strconv.ParseFloat(v, 64)
		if err == nil && secs > 0 && secs <= maxPaceWait.Seconds() {
			r.reset = time.Duration(secs * float64(time.Second))
		}
	}
	return r
}

// headerInt reads a header holding a whole number.
func headerInt(h http.Header, name string) (int, bool) {
	v := strings.TrimSpace(h.Get(name))
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n > math.MaxInt32 || n < math.MinInt32 {
		return 0, false
	}
	return int(n), true
}

// errorBodyLimit returns the limit.value of a Genesys error body, 0 when
// the body has none or an absurd one.
func errorBodyLimit(body []byte) int {
	if len(body) == 0 || len(body) > maxErrorBody {
		return 0
	}
	var e struct {
		Limit *ErrorLimit `json:"limit"`
	}
	if json.Unmarshal(body, &e) != nil || e.Limit == nil {
		return 0
	}
	if v := e.Limit.Value; v >= 1 && v <= maxPaceAllowed && v == math.Trunc(v) {
		return int(v)
	}
	return 0
}
