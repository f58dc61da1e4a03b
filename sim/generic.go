package sim

import (
	"net/http"
	"reflect"
	"strings"

	"github.com/go-json-experiment/json"
)

// generic answers an operation without simulated state: a deterministic
// value of its response model, seeded by the operation and the request path,
// so the same request always gets the same answer. When the path ends in a
// variable, the answer's id is that value and its selfUri the request path.
func generic(c *call) (int, any, *apiError) {
	op := c.rt.op
	if op.Response == nil {
		switch {
		case op.Produces != "" && !strings.Contains(op.Produces, "json"):
			return http.StatusOK, textBody(textFor(op.Produces)), nil
		case op.Method == http.MethodHead:
			return http.StatusOK, nil, nil
		}
		return http.StatusNoContent, nil, nil
	}
	key := op.ID + " " + c.path
	if data, ok := c.s.answers.Load(key); ok {
		return http.StatusOK, data, nil
	}
	v := newFilled(op.Response, hashString(c.s.cfg.seed, key))
	echoIdentity(v, c)
	data, err := json.Marshal(v, json.Deterministic(true))
	if err != nil {
		return 0, nil, &apiError{status: http.StatusInternalServerError, code: "internal.server.error", message: "sim: encode answer: " + err.Error()}
	}
	if c.s.answerCount.Add(1) <= maxCachedAnswers { // answers depend only on the key: keep them
		c.s.answers.Store(key, data)
	}
	return http.StatusOK, data, nil
}

// maxCachedAnswers bounds the cache of generated answers.
const maxCachedAnswers = 8192

// textFor is the body of an operation that answers text.
func textFor(contentType string) string {
	if strings.HasPrefix(contentType, "text/calendar") {
		return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//purecloudgo//sim//EN\r\nEND:VCALENDAR\r\n"
	}
	return "sim"
}

// echoIdentity sets id and selfUri of a filled item to the request's.
func echoIdentity(v any, c *call) {
	segs := splitPath(c.rt.template)
	if len(segs) == 0 || !isVar(segs[len(segs)-1]) {
		return
	}
	last := segs[len(segs)-1]
	id := c.vars[last[1:len(last)-1]]
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return
	}
	sv := rv.Elem()
	si := infoFor(sv.Type())
	set := func(name, val string) {
		i, ok := si.byJSON[name]
		if !ok {
			return
		}
		f := sv.Field(si.fields[i].index)
		if f.Type() == reflect.TypeFor[*string]() {
			f.Set(reflect.ValueOf(&val))
		}
	}
	set("id", id)
	set("selfUri", c.path)
}
