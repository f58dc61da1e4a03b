package sim

import (
	"fmt"
	"math"
	"net/url"
	"reflect"
	"strconv"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Paging: the pageSize/pageNumber of a listing call and the Genesys entity
// listing it answers.

// paging is the page a listing call asked for.
type paging struct {
	size, number int
}

const (
	defaultPageSize = 25
	maxPageSize     = 500
)

// pageOf reads pageSize and pageNumber.
func pageOf(q url.Values) (paging, *apiError) {
	p := paging{size: defaultPageSize, number: 1}
	if v := q.Get("pageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if n == 0 && err == nil {
			n = defaultPageSize // 0 is "not set" (the Go SDK sends it)
		}
		if err != nil || n < 1 {
			return p, badRequest("pageSize", "pageSize must be a positive integer.")
		}
		if n > maxPageSize {
			return p, badRequest("pageSize", fmt.Sprintf("pageSize must be at most %d.", maxPageSize))
		}
		p.size = n
	}
	if v := q.Get("pageNumber"); v != "" {
		n, err := strconv.Atoi(v)
		if n == 0 && err == nil {
			n = 1
		}
		if err != nil || n < 1 {
			return p, badRequest("pageNumber", "pageNumber must be a positive integer.")
		}
		p.number = n
	}
	return p, nil
}

// pageListing renders one page of items as a Genesys entity listing; the
// URIs keep the call's other query parameters.
func pageListing[T any](path string, q url.Values, items []T, p paging) entity {
	total := len(items)
	pageCount := int(math.Ceil(float64(total) / float64(p.size)))
	from := (p.number - 1) * p.size
	if from > total {
		from = total
	}
	to := min(from+p.size, total)
	page := make([]any, 0, to-from)
	for _, e := range items[from:to] {
		page = append(page, e)
	}
	uri := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			if k != "pageSize" && k != "pageNumber" {
				v[k] = vs
			}
		}
		rest := v.Encode()
		s := fmt.Sprintf("%s?pageSize=%d&pageNumber=%d", path, p.size, n)
		if rest != "" {
			s += "&" + rest
		}
		return s
	}
	l := entity{
		"entities":   page,
		"pageSize":   p.size,
		"pageNumber": p.number,
		"total":      total,
		"pageCount":  pageCount,
		"firstUri":   uri(1),
		"selfUri":    uri(p.number),
		"lastUri":    uri(max(pageCount, 1)),
	}
	if p.number < pageCount {
		l["nextUri"] = uri(p.number + 1)
	}
	if p.number > 1 && p.number-1 <= max(pageCount, 1) {
		l["previousUri"] = uri(p.number - 1)
	}
	return l
}

// fitTo drops the top-level members of a listing its model does not have.
func fitTo(l entity, t reflect.Type) entity {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return l
	}
	si := infoFor(t)
	for k := range l {
		if _, ok := si.byJSON[k]; !ok {
			delete(l, k)
		}
	}
	return l
}

// encodeListing encodes a listing whose entities are already encoded,
// without decoding and re-encoding them.
func encodeListing(l entity, entities []jsontext.Value) ([]byte, error) {
	rest := make(entity, len(l))
	for k, v := range l {
		if k != "entities" {
			rest[k] = v
		}
	}
	tail, err := json.Marshal(rest, json.Deterministic(true))
	if err != nil {
		return nil, err
	}
	n := len(tail) + 16
	for _, e := range entities {
		n += len(e) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, `{"entities":[`...)
	for i, e := range entities {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, e...)
	}
	b = append(b, ']')
	if len(tail) > 2 { // tail is {...}: continue the object
		b = append(b, ',')
		b = append(b, tail[1:]...)
	} else {
		b = append(b, '}')
	}
	return b, nil
}

// listView is a kept result of list for one filter, valid while the
// collection's version is ver.
type listView struct {
	ver   uint64
	items []item
}

// listIndexed is list for a filter named key (equal keys keep the same
// entities): the result is kept until the collection changes, so that the
// pages of a large listing are slices of one ordered index, not a filter
// of every entity per page. Callers must not modify the returned slice.
func (c *collection) listIndexed(key string, keep func(entity) bool) []item {
	c.mu.RLock()
	v, ok := c.views[key]
	ver := c.ver
	c.mu.RUnlock()
	if ok && v.ver == ver {
		return v.items
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.views[key]; ok && v.ver == c.ver {
		return v.items
	}
	out := make([]item, 0, len(c.seq))
	for _, sl := range c.seq {
		if keep == nil || keep(sl.it.e) {
			out = append(out, sl.it)
		}
	}
	if c.views == nil || len(c.views) >= 16 {
		c.views = map[string]listView{}
	}
	c.views[key] = listView{ver: c.ver, items: out}
	return out
}
