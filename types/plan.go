package types

import (
	"reflect"
	"sync"
)

// planFunc is the function the fast codec builds for each Go type.
type planFunc interface{ decodeFunc | encodeFunc }

// codecPlans caches the function of every Go type met so far; a nil function
// marks a type that the fast codec leaves to the reference library.
type codecPlans[F planFunc] struct {
	funcs sync.Map // reflect.Type -> F
	mu    sync.Mutex
}

// planBuild builds the functions of a type and of the types inside it; they
// are published only when the whole type is handled.
type planBuild[F planFunc] struct {
	cache   *codecPlans[F]
	pending map[reflect.Type]*F // types being built, for recursive types
	built   map[reflect.Type]F
	make    func(reflect.Type) F // the function of one type, nil when not handled
	forward func(slot *F) F      // a function that calls *slot
}

func newPlanBuild[F planFunc](cache *codecPlans[F], forward func(slot *F) F) planBuild[F] {
	return planBuild[F]{cache: cache, pending: map[reflect.Type]*F{}, built: map[reflect.Type]F{}, forward: forward}
}

// get returns the function of t, building it with the builder newBuild
// returns the first time.
func (c *codecPlans[F]) get(t reflect.Type, newBuild func() *planBuild[F]) F {
	if f, ok := c.funcs.Load(t); ok {
		return f.(F)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	b := newBuild()
	f := b.build(t)
	if f != nil {
		for bt, bf := range b.built {
			c.funcs.LoadOrStore(bt, bf)
		}
	}
	c.funcs.LoadOrStore(t, f)
	return f
}

func (b *planBuild[F]) build(t reflect.Type) F {
	if f, ok := b.cache.funcs.Load(t); ok {
		return f.(F)
	}
	if f, ok := b.built[t]; ok {
		return f
	}
	if slot, ok := b.pending[t]; ok {
		return b.forward(slot)
	}
	slot := new(F)
	b.pending[t] = slot
	f := b.make(t)
	delete(b.pending, t)
	if f == nil {
		return nil
	}
	*slot = f
	b.built[t] = f
	return f
}
