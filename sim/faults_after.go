package sim

import (
	"bytes"
	"net/http"
	"strconv"
)

// heldAnswer keeps an operation's answer so that a fault acting after the
// work (FaultResetAfter, FaultCutBody, FaultCutJSON) can spoil it. Headers
// go to the real answer's header map.
type heldAnswer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

// holdAnswer returns a writer that keeps what the operation answers on w.
func holdAnswer(w http.ResponseWriter) *heldAnswer { return &heldAnswer{header: w.Header()} }

func (h *heldAnswer) Header() http.Header { return h.header }

func (h *heldAnswer) WriteHeader(code int) {
	if h.status == 0 {
		h.status = code
	}
}

func (h *heldAnswer) Write(b []byte) (int, error) {
	if h.status == 0 {
		h.status = http.StatusOK
	}
	return h.body.Write(b)
}

// spoilAnswer sends the held answer on w as fault f spoils it. The
// operation has run: the request record marks it applied when its status
// was 2xx.
func spoilAnswer(w http.ResponseWriter, r *http.Request, h *heldAnswer, f Fault) {
	status := h.status
	if status == 0 {
		status = http.StatusOK
	}
	if rec, ok := w.(*recorder); ok {
		rec.opStatus = status
	}
	body := h.body.Bytes()
	bodyless := r.Method == http.MethodHead || status < 200 || status == http.StatusNoContent ||
		status == http.StatusNotModified || len(body) == 0
	switch {
	case f.Kind == FaultResetAfter:
		resetConnection(w)
		return
	case bodyless: // nothing to cut: the answer arrives whole
		w.WriteHeader(status)
		_, _ = w.Write(body)
		return
	}
	cut := body[:len(body)/2]
	switch f.Kind {
	case FaultCutBody:
		// The real length is announced and half of it sent; net/http closes
		// the connection after a short answer.
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		_, _ = w.Write(cut)
	case FaultCutJSON:
		// Flushing before the end makes the answer chunked; the transfer
		// ends cleanly, the JSON value does not.
		w.Header().Del("Content-Length")
		w.WriteHeader(status)
		_, _ = w.Write(cut)
		_ = http.NewResponseController(w).Flush()
	}
}
