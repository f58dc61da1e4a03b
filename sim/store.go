package sim

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// entity is a stored resource as its JSON object: the shape of its model,
// with numbers as float64 or int.
type entity = map[string]any

// collection holds the entities of one resource type in creation order.
type collection struct {
	kind  string       // "user", for messages
	base  string       // "/api/v2/users"
	model reflect.Type // the response model of the items (a struct type)
	seed  uint64

	mu    sync.RWMutex
	items map[string]entity // by id
	slots map[string]*slot  // by id
	seq   []*slot           // creation order
	made  uint64            // entities created, for new ids
	ver   uint64            // advanced by every put and remove (listIndexed)
	views map[string]listView
}

// slot holds the current value of one entity; put replaces its item.
type slot struct {
	id string
	it item
}

// cachedJSON is the encoding of one stored entity value, made on first
// use. A new one is made whenever the entity is replaced, so a reader
// holding an old snapshot can never spoil the cache of the new one.
type cachedJSON struct {
	once sync.Once
	raw  jsontext.Value
	err  error
}

// item is a stored entity with its cached encoding.
type item struct {
	e entity
	j *cachedJSON
}

// encoded returns the entity's JSON, encoding it once.
func (it item) encoded() (jsontext.Value, error) {
	it.j.once.Do(func() { it.j.raw, it.j.err = json.Marshal(it.e, json.Deterministic(true)) })
	return it.j.raw, it.j.err
}

func newCollection(kind, base string, model reflect.Type, seed uint64) *collection {
	return &collection{kind: kind, base: base, model: model, seed: hashString(seed, kind),
		items: map[string]entity{}, slots: map[string]*slot{}}
}

// newID returns a deterministic id for the next created entity.
func (c *collection) newID() string {
	c.made++
	return uuidFrom(hashString(c.seed, "new/"+strconv.FormatUint(c.made, 10)))
}

// seedID returns the id of the i-th seeded entity.
func (c *collection) seedID(i int) string {
	return uuidFrom(hashString(c.seed, "seed/"+strconv.Itoa(i)))
}

// put stores e under its id (appending new ids to the order). The caller
// holds c.mu.
func (c *collection) put(e entity) {
	id, _ := e["id"].(string)
	it := item{e: e, j: &cachedJSON{}}
	c.ver++
	c.items[id] = e
	if sl := c.slots[id]; sl != nil {
		sl.it = it
		return
	}
	sl := &slot{id: id, it: it}
	c.slots[id] = sl
	c.seq = append(c.seq, sl)
}

// remove deletes an entity. The caller holds c.mu.
func (c *collection) remove(id string) bool {
	sl, ok := c.slots[id]
	if !ok {
		return false
	}
	c.ver++
	delete(c.items, id)
	delete(c.slots, id)
	c.seq = slices.DeleteFunc(c.seq, func(x *slot) bool { return x == sl })
	return true
}

// ids returns the ids in creation order.
func (c *collection) ids() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]string, len(c.seq))
	for i, sl := range c.seq {
		out[i] = sl.id
	}
	return out
}

// get returns a copy of an entity.
func (c *collection) get(id string) (entity, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.items[id]
	if !ok {
		return nil, false
	}
	return cloneEntity(e), true
}

// getItem returns an entity with its cached encoding; callers must not
// modify the entity.
func (c *collection) getItem(id string) (item, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	sl, ok := c.slots[id]
	if !ok {
		return item{}, false
	}
	return sl.it, true
}

// list returns the entities that pass keep, in creation order. Entities
// are never modified once stored (updates store a new value), so callers
// may read them without the lock but must not modify them.
func (c *collection) list(keep func(entity) bool) []item {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]item, 0, len(c.seq))
	for _, sl := range c.seq {
		if keep == nil || keep(sl.it.e) {
			out = append(out, sl.it)
		}
	}
	return out
}

// size returns the number of entities.
func (c *collection) size() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.items)
}

func (c *collection) notFound(id string) *apiError {
	e := notFound(fmt.Sprintf("The %s %s was not found.", c.kind, id))
	e.entity = id
	return e
}

// cloneEntity deep-copies a JSON object.
func cloneEntity(e entity) entity {
	return cloneJSON(e).(entity)
}

func cloneJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = cloneJSON(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = cloneJSON(e)
		}
		return s
	}
	return v
}

// toEntity renders a model value as a JSON object.
func toEntity(v any) (entity, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var e entity
	if err := json.Unmarshal(data, &e); err != nil {
		return nil, err
	}
	if e == nil {
		e = entity{}
	}
	return e, nil
}

// canonical keeps the members of e that fit model t, so the entity always
// decodes into its model: unknown members are dropped, and members whose
// value does not fit (e.g. "manager": "id" where the model has an object)
// are dropped one by one.
func canonical(e entity, t reflect.Type) entity {
	if out, ok := roundTrip(e, t); ok {
		return out
	}
	keep := entity{}
	for k, v := range e {
		if _, ok := roundTrip(entity{k: v}, t); ok {
			keep[k] = v
		}
	}
	out, _ := roundTrip(keep, t)
	return out
}

func roundTrip(e entity, t reflect.Type) (entity, bool) {
	data, err := json.Marshal(e)
	if err != nil {
		return nil, false
	}
	v := reflect.New(t)
	if err := json.Unmarshal(data, v.Interface()); err != nil {
		return nil, false
	}
	out, err := toEntity(v.Interface())
	return out, err == nil
}

// explicitNulls returns the top-level members a JSON object sets to null.
func explicitNulls(raw []byte) []string {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	var out []string
	for k, v := range m {
		if v == nil {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// number returns a JSON number member as float64.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}
