// Package gen turns a Swagger 2.0 definition of the Genesys Cloud Platform API
// into Go source: models, one package per API tag, and an operation table.
package gen

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// Spec is the subset of a Swagger 2.0 document the generator reads.
type Spec struct {
	Swagger     string                                `json:"swagger"`
	Info        Info                                  `json:"info"`
	Host        string                                `json:"host"`
	BasePath    string                                `json:"basePath"`
	Consumes    []string                              `json:"consumes"`
	Produces    []string                              `json:"produces"`
	Tags        []Tag                                 `json:"tags"`
	Paths       map[string]map[string]json.RawMessage `json:"paths"`
	Definitions map[string]*Schema                    `json:"definitions"`
	Parameters  map[string]*Parameter                 `json:"parameters"`

	// Notifications maps notification topics to definitions; it comes from
	// a separate file (see LoadMappings), not from the definition.
	Notifications []NotificationTopic `json:"-"`
}

// NotificationTopic is one entry of notification-mappings.json: a topic
// pattern such as "v2.users.{id}.presence" and the definition of its payload.
type NotificationTopic struct {
	Topic string `json:"topic"`
	Class string `json:"class"`
}

// LoadMappings reads a notification-mappings.json file (path or http(s) URL):
// {"notifications": [{"topic": ..., "class": ...}, ...]}.
func LoadMappings(src string) ([]NotificationTopic, error) {
	b, err := readSource(src)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Notifications []NotificationTopic `json:"notifications"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("decode notification mappings: %w", err)
	}
	return doc.Notifications, nil
}

// Info is the info object of the definition.
type Info struct {
	Title   string `json:"title"`
	Version string `json:"version"`
}

// Tag is a tag object.
type Tag struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Schema is a Swagger schema object.
type Schema struct {
	Ref                  string             `json:"$ref"`
	Type                 string             `json:"type"`
	Format               string             `json:"format"`
	Description          string             `json:"description"`
	Enum                 []json.RawMessage  `json:"enum"`
	Items                *Schema            `json:"items"`
	Properties           map[string]*Schema `json:"-"`
	PropertyOrder        []string           `json:"-"`
	AdditionalProperties *Schema            `json:"-"`
	AdditionalAllowed    bool               `json:"-"`
	Required             []string           `json:"required"`
	ReadOnly             bool               `json:"readOnly"`
	Minimum              *float64           `json:"minimum"`
	Maximum              *float64           `json:"maximum"`
	MinLength            *int               `json:"minLength"`
	MaxLength            *int               `json:"maxLength"`
	Pattern              string             `json:"pattern"`
	AllOf                []*Schema          `json:"allOf"`
}

// UnmarshalJSON keeps the order of properties, which the generator preserves.
func (s *Schema) UnmarshalJSON(b []byte) error {
	type plain Schema
	var aux struct {
		*plain
		Properties           json.RawMessage `json:"properties"`
		AdditionalProperties json.RawMessage `json:"additionalProperties"`
	}
	aux.plain = (*plain)(s)
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	if len(aux.Properties) > 0 {
		keys, err := objectKeys(aux.Properties)
		if err != nil {
			return err
		}
		var m map[string]*Schema
		if err := json.Unmarshal(aux.Properties, &m); err != nil {
			return err
		}
		s.Properties = m
		s.PropertyOrder = keys
	}
	if a := strings.TrimSpace(string(aux.AdditionalProperties)); a != "" {
		switch a {
		case "true":
			s.AdditionalAllowed = true
		case "false":
		default:
			var ap Schema
			if err := json.Unmarshal(aux.AdditionalProperties, &ap); err != nil {
				return err
			}
			s.AdditionalProperties = &ap
		}
	}
	return nil
}

// objectKeys returns the keys of a JSON object in document order.
func objectKeys(b []byte) ([]string, error) {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, _ := t.(string)
		keys = append(keys, k)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// Operation is a Swagger operation object.
type Operation struct {
	Tags        []string              `json:"tags"`
	Summary     string                `json:"summary"`
	Description string                `json:"description"`
	OperationID string                `json:"operationId"`
	MethodName  string                `json:"x-purecloud-method-name"`
	Consumes    []string              `json:"consumes"`
	Produces    []string              `json:"produces"`
	Parameters  []*Parameter          `json:"parameters"`
	Responses   map[string]*Response  `json:"responses"`
	Deprecated  bool                  `json:"deprecated"`
	Preview     bool                  `json:"x-genesys-preview"`
	Security    []map[string][]string `json:"security"`
	Permissions *Permissions          `json:"x-inin-requires-permissions"`
}

// Permissions is the x-inin-requires-permissions extension.
type Permissions struct {
	Type        string   `json:"type"`
	Permissions []string `json:"permissions"`
}

// Parameter is a Swagger parameter object.
type Parameter struct {
	Ref              string            `json:"$ref"`
	Name             string            `json:"name"`
	In               string            `json:"in"`
	Description      string            `json:"description"`
	Required         bool              `json:"required"`
	Type             string            `json:"type"`
	Format           string            `json:"format"`
	Items            *Schema           `json:"items"`
	CollectionFormat string            `json:"collectionFormat"`
	Default          json.RawMessage   `json:"default"`
	Enum             []json.RawMessage `json:"enum"`
	Minimum          *float64          `json:"minimum"`
	Maximum          *float64          `json:"maximum"`
	MinLength        *int              `json:"minLength"`
	MaxLength        *int              `json:"maxLength"`
	Pattern          string            `json:"pattern"`
	Schema           *Schema           `json:"schema"`
}

// Response is a Swagger response object.
type Response struct {
	Ref         string  `json:"$ref"`
	Description string  `json:"description"`
	Schema      *Schema `json:"schema"`
}

// Load reads a definition from a file path or an http(s) URL.
func Load(src string) (*Spec, error) {
	b, err := readSource(src)
	if err != nil {
		return nil, err
	}
	return Parse(b)
}

// ErrNotFound is returned by readSource for a missing file or an HTTP 404.
var ErrNotFound = errors.New("not found")

// readSource reads a file path or an http(s) URL.
func readSource(src string) ([]byte, error) {
	var r io.Reader
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		return fetchDefinition(src) // fetch.go
	} else {
		f, err := os.Open(src)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %w", ErrNotFound, err)
		}
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	return io.ReadAll(r)
}

// Parse decodes a Swagger 2.0 definition.
func Parse(b []byte) (*Spec, error) {
	var s Spec
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("decode definition: %w", err)
	}
	if s.Swagger != "2.0" {
		return nil, fmt.Errorf("decode definition: swagger version %q, want \"2.0\"", s.Swagger)
	}
	return &s, nil
}

// httpMethods lists the operation keys of a path item, in output order.
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch"}

// OpInfo is one operation with its path and method.
type OpInfo struct {
	Path   string
	Method string // upper case
	*Operation
}

// Operations returns every operation, sorted by path then method.
func (s *Spec) Operations() ([]OpInfo, error) {
	var out []OpInfo
	for _, path := range sortedKeys(s.Paths) {
		item := s.Paths[path]
		var shared []*Parameter
		if raw, ok := item["parameters"]; ok {
			if err := json.Unmarshal(raw, &shared); err != nil {
				return nil, fmt.Errorf("%s: parameters: %w", path, err)
			}
		}
		for _, m := range httpMethods {
			raw, ok := item[m]
			if !ok {
				continue
			}
			var op Operation
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, fmt.Errorf("%s %s: %w", m, path, err)
			}
			op.Parameters = s.mergeParams(shared, op.Parameters)
			out = append(out, OpInfo{Path: path, Method: strings.ToUpper(m), Operation: &op})
		}
	}
	return out, nil
}

// mergeParams resolves parameter references and applies path-level parameters
// that the operation does not override.
func (s *Spec) mergeParams(shared, own []*Parameter) []*Parameter {
	resolve := func(p *Parameter) *Parameter {
		if p.Ref != "" {
			if q, ok := s.Parameters[strings.TrimPrefix(p.Ref, "#/parameters/")]; ok {
				return q
			}
		}
		return p
	}
	var out []*Parameter
	seen := map[string]bool{}
	for _, p := range own {
		p = resolve(p)
		seen[p.In+"\x00"+p.Name] = true
		out = append(out, p)
	}
	for _, p := range shared {
		p = resolve(p)
		if !seen[p.In+"\x00"+p.Name] {
			out = append(out, p)
		}
	}
	return out
}
