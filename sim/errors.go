package sim

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
)

// errorBody is the Genesys Cloud error body.
type errorBody struct {
	Message           string            `json:"message"`
	Code              string            `json:"code"`
	Status            int               `json:"status"`
	EntityID          string            `json:"entityId,omitempty"`
	EntityName        string            `json:"entityName,omitempty"`
	MessageWithParams string            `json:"messageWithParams,omitempty"`
	MessageParams     map[string]string `json:"messageParams,omitempty"`
	ContextID         string            `json:"contextId"`
	Details           []errorDetail     `json:"details"`
	Errors            []errorBody       `json:"errors"`
	Limit             *errorLimit       `json:"limit,omitempty"`
}

type errorDetail struct {
	ErrorCode  string `json:"errorCode,omitempty"`
	FieldName  string `json:"fieldName,omitempty"`
	EntityID   string `json:"entityId,omitempty"`
	EntityName string `json:"entityName,omitempty"`
}

type errorLimit struct {
	Key       string  `json:"key"`
	Namespace string  `json:"namespace"`
	Value     float64 `json:"value"`
}

// apiError is an error a handler returns; serve writes it as a Genesys error
// body.
type apiError struct {
	status  int
	code    string
	message string
	field   string // the request field at fault, for 400s
	entity  string // entity id, for 404s and 409s
	header  http.Header
	limit   *errorLimit
}

func (e *apiError) Error() string { return strconv.Itoa(e.status) + " " + e.code + ": " + e.message }

func badRequest(field, msg string) *apiError {
	if field != "" && !strings.Contains(msg, field) {
		msg = fmt.Sprintf("Invalid value for field %q: %s", field, msg)
	}
	return &apiError{status: http.StatusBadRequest, code: "bad.request", message: msg, field: field}
}

func notFound(msg string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "not.found", message: msg}
}

func conflict(entity, msg string) *apiError {
	return &apiError{status: http.StatusConflict, code: "general.conflict", message: msg, entity: entity}
}

// writeError writes e with the request's correlation id.
func writeError(w http.ResponseWriter, corr string, e *apiError) {
	b := errorBody{Message: e.message, Code: e.code, Status: e.status, ContextID: corr,
		EntityID: e.entity, Details: []errorDetail{}, Errors: []errorBody{}, Limit: e.limit}
	if e.field != "" {
		b.MessageWithParams = e.message
		b.MessageParams = map[string]string{"field": e.field}
		b.Details = append(b.Details, errorDetail{ErrorCode: e.code, FieldName: e.field})
	}
	if e.entity != "" {
		b.Details = append(b.Details, errorDetail{ErrorCode: e.code, EntityID: e.entity})
	}
	for k, vs := range e.header {
		w.Header()[k] = vs
	}
	data, err := json.Marshal(b)
	if err != nil { // cannot happen: the body has only strings and numbers
		http.Error(w, e.message, e.status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(e.status)
	_, _ = w.Write(data)
}
