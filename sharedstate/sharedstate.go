// Package sharedstate defines the store that several processes using one
// OAuth client share through platformclient.WithSharedState: the pooled
// tokens, sealed, and each token's pacing ledger. Package redisstate
// implements it on Redis.
package sharedstate

import (
	"context"
	"time"
)

// State is a store that several processes using one OAuth client
// share (package redisstate implements it on Redis; platformclient.WithSharedState
// takes one), so that together they
// request each pooled token once and keep inside each token's allowance.
// The client names every entry by an HMAC of its client secret, so the
// store never sees a client id, and seals the tokens it stores with a key
// derived from the secret: a reader of the store without the secret holds
// nothing usable.
//
// Every method is called with a context bounded to a quarter of a second
// at most: an implementation that cannot answer in that time returns an
// error, and the client paces that call on its own.
type State interface {
	// Pace reserves the next turn on one of the tokens r names: the one
	// whose turn comes first. It is one round trip.
	Pace(ctx context.Context, r PaceRequest) (Turn, error)
	// LoadToken returns the sealed token stored under key, nil when none.
	LoadToken(ctx context.Context, key string) ([]byte, error)
	// ClaimToken claims, for ttl, the right to request the token of key
	// from the token endpoint; false when another process holds the claim.
	ClaimToken(ctx context.Context, key string, ttl time.Duration) (bool, error)
	// StoreToken stores a sealed token under key for ttl and drops the
	// claim on it.
	StoreToken(ctx context.Context, key string, sealed []byte, ttl time.Duration) error
	// ReleaseClaim drops a claim whose token request failed.
	ReleaseClaim(ctx context.Context, key string) error
}

// PaceRequest asks a State for a turn. Times are relative, so that the
// processes' clocks need not agree: the store reads its own.
type PaceRequest struct {
	// Keys names each token's ledger; Tokens holds what this process
	// learnt about each, in the same order.
	Keys   []string
	Tokens []Allowance
	// MaxWait is the latest turn worth reserving: a turn later than that
	// is reported (Reserved false) but not taken.
	MaxWait time.Duration
	// Grow asks not to reserve a turn that would wait: the process would
	// rather open one more token.
	Grow bool
	// Unknown is the spacing to use for a token whose allowance nobody has
	// learnt yet.
	Unknown time.Duration
	// TTL is how long a ledger lives without calls.
	TTL time.Duration
}

// Allowance is what a process learnt about one token: how to space its
// attempts, and what it knows of the API's current window, so that the
// store can spread the rest of the window's allowance over the rest of the
// window. Zero values mean unknown or none.
type Allowance struct {
	// Interval is the spacing of attempts in the even spread; 0 unknown.
	Interval time.Duration
	// Burst is the number of attempts that may go at once; 0 unknown.
	Burst int
	// Hold is how long no attempt may go (after a 429); 0 no hold.
	Hold time.Duration
	// Allowed is the learnt allowance: requests per window; 0 unknown.
	Allowed int
	// WindowLeft is the time until the end of the API's current window,
	// as this process learnt it (never before the API's end: resets are
	// rounded up); 0 unknown.
	WindowLeft time.Duration
	// Used is the number of requests counted in that window: the API's
	// count as last reported, or this process's own attempts in it when
	// more; meaningful only with WindowLeft, -1 or 0 unknown.
	Used int
	// MinInterval is the interval of a fixed rate (Pacing.Rate): no
	// spacing may be shorter; 0 none.
	MinInterval time.Duration
}

// Turn is a State's answer: the token (an index into
// PaceRequest.Keys) and the wait before the attempt may go; Reserved says
// that the turn was taken for this caller.
type Turn struct {
	Index    int
	Wait     time.Duration
	Reserved bool
}
