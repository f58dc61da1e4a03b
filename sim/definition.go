package sim

import (
	"fmt"
	"net/http"
	"os"
	"strconv"
)

// The definition: the service publishes its API definition at
// /api/v2/docs/swagger; the simulator serves the one it is given, so that
// gcgen -spec URL can be tried against it.

// WithDefinitionFile makes the simulator serve the API definition in the
// file at path (read once, at New) at GET /api/v2/docs/swagger and
// /api/v2/docs/swagger.json, without a token, as the service does. Give it
// the definition the SDK was generated from (gcsim -spec). Without it
// those paths answer 404.
func WithDefinitionFile(path string) Option {
	return func(c *config) error {
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("sim: definition: %w", err)
		}
		if len(b) == 0 || b[0] != '{' {
			return fmt.Errorf("sim: definition %s is not a JSON object", path)
		}
		c.definition = b
		return nil
	}
}

// isDefinitionPath reports whether p is where the definition is served.
func isDefinitionPath(p string) bool {
	return p == "/api/v2/docs/swagger" || p == "/api/v2/docs/swagger.json"
}

// serveDefinition answers GET (and HEAD) of the definition.
func (s *Server) serveDefinition(w http.ResponseWriter, r *http.Request, corr string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, corr, &apiError{status: http.StatusMethodNotAllowed, code: "method.not.allowed",
			message: fmt.Sprintf("HTTP %s is not supported by %s.", r.Method, r.URL.Path)})
		return
	}
	b := s.cfg.definition
	if b == nil {
		writeError(w, corr, notFound("HTTP 404 Not Found: the simulator was started without a definition (sim.WithDefinitionFile, gcsim -spec)."))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(b)
	}
}
