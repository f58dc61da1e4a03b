// Package redisstate shares a platformclient client's pooled tokens and
// their pacing between processes through Redis: pass a Store to
// platformclient.WithSharedState.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
//	c, err := platformclient.New(platformclient.WithRegion(platformclient.EUWest1),
//		platformclient.WithGrant(platformclient.ClientCredentials{ClientID: id, ClientSecret: secret}),
//		platformclient.WithTokenPool(8),
//		platformclient.WithSharedState(redisstate.New(rdb)))
//
// Every attempt reserves its turn with one script call (one round trip),
// which keeps each token inside its allowance and, within the API's current
// window as the processes report it, lets them together use all of it;
// tokens are stored sealed by the client, under names the client derives
// from its secret, so Redis holds neither a usable token nor a client id.
// Every entry has a TTL: a process that dies leaves nothing behind that
// blocks the others.
package redisstate

import (
	"context"
	_ "embed"
	"errors"
	"strconv"
	"time"

	"github.com/purecloudgo/platformclient/sharedstate"
	"github.com/redis/go-redis/v9"
)

//go:embed pace.lua
var paceLua string

var paceScript = redis.NewScript(paceLua)

// Store is a sharedstate.State on Redis. It is safe for
// concurrent use.
type Store struct {
	rdb redis.UniversalClient
}

// New returns a Store on rdb (a *redis.Client, *redis.ClusterClient or
// any redis.UniversalClient). The caller keeps rdb and closes it.
func New(rdb redis.UniversalClient) *Store { return &Store{rdb: rdb} }

var _ sharedstate.State = (*Store)(nil)

// Pace reserves the next turn on the token of r whose turn comes first: one
// EVALSHA (EVAL the first time) of a script that reads Redis's own clock.
// Each token's ledger spaces turns evenly (the generic cell rate
// algorithm) and, while the API's current window is known (the earliest
// end the callers reported, and its allowance), spreads the rest of the
// window's allowance over the rest of the window when that is faster,
// counting the turns it gives in the window (at least the API's reported
// count) so that the window never gets more than its allowance.
func (s *Store) Pace(ctx context.Context, r sharedstate.PaceRequest) (sharedstate.Turn, error) {
	if len(r.Keys) == 0 || len(r.Tokens) != len(r.Keys) {
		return sharedstate.Turn{}, errors.New("redisstate: a pace request needs one token per key")
	}
	grow := "0"
	if r.Grow {
		grow = "1"
	}
	args := make([]any, 0, 4+7*len(r.Keys))
	args = append(args, r.MaxWait.Microseconds(), grow, max(r.Unknown.Microseconds(), 1), max(r.TTL.Milliseconds(), 1000))
	for _, t := range r.Tokens {
		args = append(args, t.Interval.Microseconds(), t.Burst, t.Hold.Microseconds(),
			t.Allowed, t.WindowLeft.Microseconds(), t.Used, t.MinInterval.Microseconds())
	}
	v, err := paceScript.Run(ctx, s.rdb, r.Keys, args...).Int64Slice()
	if err != nil {
		return sharedstate.Turn{}, err
	}
	if len(v) != 3 {
		return sharedstate.Turn{}, errors.New("redisstate: unexpected answer from the pace script")
	}
	return sharedstate.Turn{Index: int(v[0]), Wait: time.Duration(v[1]) * time.Microsecond, Reserved: v[2] == 1}, nil
}

// LoadToken returns the sealed token under key, nil when none.
func (s *Store) LoadToken(ctx context.Context, key string) ([]byte, error) {
	b, err := s.rdb.Get(ctx, key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	return b, err
}

// ClaimToken sets the claim on key's token request if nobody holds it.
func (s *Store) ClaimToken(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	return s.rdb.SetNX(ctx, key+":claim", strconv.FormatInt(time.Now().UnixNano(), 36), ttl).Result()
}

// StoreToken stores the sealed token and drops the claim, in one round
// trip.
func (s *Store) StoreToken(ctx context.Context, key string, sealed []byte, ttl time.Duration) error {
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, key, sealed, ttl)
		p.Del(ctx, key+":claim")
		return nil
	})
	return err
}

// ReleaseClaim drops the claim on key's token request.
func (s *Store) ReleaseClaim(ctx context.Context, key string) error {
	return s.rdb.Del(ctx, key+":claim").Err()
}
