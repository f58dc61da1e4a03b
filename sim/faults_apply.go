package sim

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// faultsFor returns the faults that may apply to a route key.
func (fs *faultSet) faultsFor(key string, api bool) []*activeFault {
	fs.mu.RLock()
	defer fs.mu.RUnlock()
	var out []*activeFault
	out = append(out, fs.byRoute[key]...)
	if api {
		out = append(out, fs.byRoute[""]...)
	}
	return out
}

// applyFaults runs the faults of a request that act before its
// operation. It returns done when a fault answered (or dropped) the
// request, and otherwise the fault to apply to the operation's answer (nil
// for none): the caller then runs the operation through holdAnswer.
func (s *Server) applyFaults(w http.ResponseWriter, r *http.Request, corr, key string, api bool) (done bool, after *Fault) {
	faults := s.faults.faultsFor(key, api)
	for _, a := range faults {
		if !a.applies() {
			continue
		}
		markFault(w, a.f.Kind)
		if a.f.Latency > 0 && !s.sleep(r, a.f.Latency) {
			writeError(w, corr, &apiError{status: http.StatusServiceUnavailable, code: "service.unavailable", message: "The simulator is shutting down."})
			return true, nil
		}
		if !a.f.Kind.RunsOperation() {
			readRequestBody(r)
		}
		switch a.f.Kind {
		case FaultLatency:
			continue
		case FaultStatus:
			writeError(w, corr, statusFault(a.f))
		case FaultHTML:
			writeHTMLFault(w, a.f.Status)
		case FaultResetBefore:
			resetConnection(w)
		case FaultResetAfter, FaultCutBody, FaultCutJSON:
			f := a.f
			return false, &f
		}
		return true, nil
	}
	return false, nil
}

// readRequestBody reads (a bounded part of) the body of a request a fault
// answers before the work, as the service would have received it, so that
// the request record keeps it.
func readRequestBody(r *http.Request) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, maxRecordedBody+1))
	}
}

// markFault notes the fault of a request for the request record.
func markFault(w http.ResponseWriter, k FaultKind) {
	if rec, ok := w.(*recorder); ok {
		rec.fault = k
	}
}

// writeHTMLFault answers status (502 when 0) with a gateway's HTML page.
func writeHTMLFault(w http.ResponseWriter, status int) {
	if status == 0 {
		status = http.StatusBadGateway
	}
	text := fmt.Sprintf("%d %s", status, http.StatusText(status))
	body := "<!DOCTYPE html>\n<html><head><title>" + text + "</title></head>\n<body><center><h1>" + text +
		"</h1></center><hr><center>sim-gateway</center></body></html>\n"
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// statusFault builds the error answer of a FaultStatus fault.
func statusFault(f Fault) *apiError {
	e := &apiError{status: f.Status, header: http.Header{}}
	secs := int((f.RetryAfter + time.Second - 1) / time.Second)
	switch f.Status {
	case http.StatusTooManyRequests:
		e.code = "too.many.requests"
		e.message = fmt.Sprintf("Rate limit exceeded the maximum. [%d] requests for [60] seconds", defaultRateAllowed)
		e.limit = &errorLimit{Key: "token.rate.per.minute", Namespace: "platform.api", Value: defaultRateAllowed}
		e.header.Set("inin-ratelimit-count", strconv.Itoa(defaultRateAllowed+1))
		e.header.Set("inin-ratelimit-allowed", strconv.Itoa(defaultRateAllowed))
		e.header.Set("inin-ratelimit-reset", strconv.Itoa(max(secs, 1)))
	case http.StatusInternalServerError:
		e.code, e.message = "internal.server.error", "The server encountered an internal error. Please retry the request."
	case http.StatusBadGateway:
		e.code, e.message = "bad.gateway", "The server received an invalid response from an upstream server."
	case http.StatusServiceUnavailable:
		e.code, e.message = "service.unavailable", "Service temporarily unavailable. Please retry the request."
	case http.StatusGatewayTimeout:
		e.code, e.message = "gateway.timeout", "The server did not receive a timely response from an upstream server."
	default:
		e.code, e.message = "injected.fault", fmt.Sprintf("Injected fault: %d %s", f.Status, http.StatusText(f.Status))
	}
	if secs > 0 {
		e.header.Set("Retry-After", strconv.Itoa(secs))
	}
	return e
}

// resetConnection drops the client's connection with a TCP reset.
func resetConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
