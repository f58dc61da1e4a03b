package runtime

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/textproto"
	"slices"
	"strings"

	"github.com/purecloudgo/platformclient/types"
)

// Body is an encoded request body, kept as bytes so that a retry can send
// it again.
type Body struct {
	Data        []byte
	ContentType string
}

// EncodeBody renders the request's body once: the files and form values as
// multipart, form values alone form-encoded, a []byte or io.Reader as it is
// (application/octet-stream unless ContentType says otherwise), a string as
// text unless ContentType names JSON, anything else as JSON (package types).
// It returns nil, nil when the request has no body.
func (r *Request) EncodeBody() (*Body, error) {
	if len(r.Files) > 0 {
		return r.multipartBody()
	}
	if r.Form != nil && r.Body == nil {
		return &Body{Data: []byte(r.Form.Encode()), ContentType: "application/x-www-form-urlencoded"}, nil
	}
	if r.Body == nil || isNilPointer(r.Body) {
		return nil, nil
	}
	ct := r.ContentType
	switch b := r.Body.(type) {
	case []byte:
		return &Body{Data: b, ContentType: orDefault(ct, "application/octet-stream")}, nil
	case string:
		if ct == "" || !strings.Contains(ct, "json") {
			return &Body{Data: []byte(b), ContentType: orDefault(ct, "text/plain; charset=utf-8")}, nil
		}
	case io.Reader:
		data, err := io.ReadAll(b)
		if err != nil {
			return nil, fmt.Errorf("platformclient: read request body: %w", err)
		}
		return &Body{Data: data, ContentType: orDefault(ct, "application/octet-stream")}, nil
	}
	data, err := types.Marshal(r.Body)
	if err != nil {
		return nil, fmt.Errorf("platformclient: encode request body: %w", err)
	}
	return &Body{Data: data, ContentType: orDefault(ct, "application/json")}, nil
}

func (r *Request) multipartBody() (*Body, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, k := range slices.Sorted(maps.Keys(r.Form)) {
		for _, v := range r.Form[k] {
			if err := w.WriteField(k, v); err != nil {
				return nil, err
			}
		}
	}
	for _, f := range r.Files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, f.Field, f.File.Name))
		h.Set("Content-Type", "application/octet-stream")
		part, err := w.CreatePart(h)
		if err != nil {
			return nil, err
		}
		if f.File.Content != nil {
			if _, err := io.Copy(part, f.File.Content); err != nil {
				return nil, fmt.Errorf("platformclient: read form file %q: %w", f.Field, err)
			}
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return &Body{Data: buf.Bytes(), ContentType: w.FormDataContentType()}, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
