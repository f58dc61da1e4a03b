package platformclient

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/purecloudgo/platformclient/sharedstate"
)

// WithSharedState shares the client's pooled tokens and their pacing with
// every process that uses the same client credentials and store s (see
// package redisstate). Processes then request each token once, not once
// each, and together keep inside each token's allowance: each attempt
// reserves its turn in one round trip. When the store is slow or down the
// client paces on its own for a second at a time (each call waits at most
// a quarter of a second for the store), so no call fails because of it,
// and it rejoins when the store answers again. It needs the client
// credentials grant; use it with WithTokenPool.
func WithSharedState(s sharedstate.State) Option {
	return func(c *Client) error {
		if s == nil {
			return errors.New("platformclient: nil shared state")
		}
		c.sharedState = s
		return nil
	}
}

// Shared-state timing.
const (
	sharedTimeout   = 250 * time.Millisecond // longest wait for the store
	sharedDownFor   = time.Second            // local pacing after the store failed
	sharedClaimTTL  = 15 * time.Second       // a claim on a token request
	sharedPollEvery = 100 * time.Millisecond // waiting for another process's token
	sharedPollFor   = 5 * time.Second
	sharedLedgerTTL = 10 * time.Minute
	sharedUnknownIv = 10 * time.Millisecond // spacing before any allowance is known
	sharedMaxBook   = 30 * time.Second      // latest turn booked without a deadline
)

// sharedLink is a client's view of its sharedstate.State.
type sharedLink struct {
	s     sharedstate.State
	seal  cipher.AEAD
	names []byte // HMAC key of entry names
	scope string // the API the tokens are for

	mu        sync.Mutex
	downUntil time.Time
}

func newSharedLink(s sharedstate.State, baseURL, clientID, secret string) *sharedLink {
	salt := []byte("platformclient/sharedstate/" + clientID)
	sealKey, _ := hkdf.Key(sha256.New, []byte(secret), salt, "token seal", 32)
	nameKey, _ := hkdf.Key(sha256.New, []byte(secret), salt, "entry names", 32)
	block, _ := aes.NewCipher(sealKey)
	aead, _ := cipher.NewGCM(block)
	return &sharedLink{s: s, seal: aead, names: nameKey, scope: baseURL}
}

// key names entry kind of token i: an HMAC, so the store shows neither the
// client nor the API.
func (l *sharedLink) key(kind string, i int) string {
	m := hmac.New(sha256.New, l.names)
	m.Write([]byte(l.scope + "\x00" + kind + "\x00" + strconv.Itoa(i)))
	return "pc:" + hex.EncodeToString(m.Sum(nil)[:16])
}

// up reports whether the store is believed to answer.
func (l *sharedLink) up(now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return !now.Before(l.downUntil)
}

// down notes that the store failed to answer in time.
func (l *sharedLink) down(now time.Time) {
	l.mu.Lock()
	l.downUntil = now.Add(sharedDownFor)
	l.mu.Unlock()
}

// bound returns ctx bounded by the store's timeout.
func bound(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, sharedTimeout)
}

// sealedToken is what the store holds of a token, sealed.
type sealedToken struct {
	AccessToken string `json:"a"`
	TokenType   string `json:"t"`
	ExpiresIn   int64  `json:"e"` // ns
	Expiry      int64  `json:"x"` // unix ms; 0 unknown
}

// sealToken seals tok for the entry key (the key is authenticated too, so
// an entry cannot be moved to another name).
func (l *sharedLink) sealToken(key string, tok Token) []byte {
	st := sealedToken{AccessToken: tok.AccessToken, TokenType: tok.TokenType, ExpiresIn: int64(tok.ExpiresIn)}
	if !tok.Expiry.IsZero() {
		st.Expiry = tok.Expiry.UnixMilli()
	}
	plain, _ := json.Marshal(st)
	nonce := make([]byte, l.seal.NonceSize())
	_, _ = rand.Read(nonce)
	return l.seal.Seal(nonce, nonce, plain, []byte(key))
}

// openToken opens a sealed entry; false when it does not open (another
// secret, tampered with).
func (l *sharedLink) openToken(key string, blob []byte) (Token, bool) {
	n := l.seal.NonceSize()
	if len(blob) < n {
		return Token{}, false
	}
	plain, err := l.seal.Open(nil, blob[:n], blob[n:], []byte(key))
	if err != nil {
		return Token{}, false
	}
	var st sealedToken
	if json.Unmarshal(plain, &st) != nil || st.AccessToken == "" {
		return Token{}, false
	}
	tok := Token{AccessToken: st.AccessToken, TokenType: st.TokenType, ExpiresIn: time.Duration(st.ExpiresIn)}
	if st.Expiry > 0 {
		tok.Expiry = time.UnixMilli(st.Expiry)
	}
	return tok, true
}

// token returns the token of slot i from the store when another process
// has it (or is fetching it and stores it soon), other than cur and not
// due. false: this process must request it, and then store it.
func (l *sharedLink) token(ctx context.Context, i int, cur Token, now time.Time) (Token, bool) {
	if !l.up(now) {
		return Token{}, false
	}
	key := l.key("token", i)
	load := func() (Token, bool, error) {
		lctx, cancel := bound(ctx)
		defer cancel()
		blob, err := l.s.LoadToken(lctx, key)
		if err != nil || blob == nil {
			return Token{}, false, err
		}
		tok, ok := l.openToken(key, blob)
		if !ok || tok.AccessToken == cur.AccessToken || tok.dueAt(time.Now()) {
			return Token{}, false, nil
		}
		return tok, true, nil
	}
	tok, ok, err := load()
	if err != nil {
		l.down(now)
		return Token{}, false
	}
	if ok {
		return tok, true
	}
	cctx, cancel := bound(ctx)
	claimed, err := l.s.ClaimToken(cctx, key, sharedClaimTTL)
	cancel()
	if err != nil {
		l.down(now)
		return Token{}, false
	}
	if claimed {
		// Another process may have stored the token and dropped its claim
		// between the load and the claim: look again before requesting it.
		if tok, ok, err := load(); err == nil && ok {
			l.release(i)
			return tok, true
		}
		return Token{}, false
	}
	// Another process is requesting it: wait for its result.
	deadline := time.Now().Add(sharedPollFor)
	t := time.NewTicker(sharedPollEvery)
	defer t.Stop()
	for time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return Token{}, false
		case <-t.C:
		}
		tok, ok, err := load()
		if err != nil {
			l.down(time.Now())
			return Token{}, false
		}
		if ok {
			return tok, true
		}
	}
	return Token{}, false
}

// store puts the token of slot i in the store for the others.
func (l *sharedLink) store(i int, tok Token, now time.Time) {
	key := l.key("token", i)
	ttl := time.Hour
	if !tok.Expiry.IsZero() {
		ttl = tok.Expiry.Sub(now)
	}
	if ttl <= time.Second {
		return
	}
	ctx, cancel := bound(context.Background())
	defer cancel()
	if l.s.StoreToken(ctx, key, l.sealToken(key, tok), ttl) != nil {
		l.down(now)
	}
}

// release drops this process's claim on the token of slot i.
func (l *sharedLink) release(i int) {
	ctx, cancel := bound(context.Background())
	defer cancel()
	_ = l.s.ReleaseClaim(ctx, l.key("token", i))
}

// chooseShared reserves the next turn through the shared state. ok is
// false when the store did not answer: the caller paces locally.
func (p *tokenPool) chooseShared(ctx context.Context, clk clock, maxHold time.Duration) (*poolSlot, *RateLimitError, bool) {
	l := p.shared
	for {
		now := clk.Now()
		p.mu.Lock()
		slots := p.slots
		grow := len(slots) < p.size && !now.Before(p.nextOpen)
		p.mu.Unlock()
		r := sharedstate.PaceRequest{Keys: make([]string, len(slots)), Tokens: make([]sharedstate.Allowance, len(slots)),
			MaxWait: sharedMaxBook, Grow: grow, Unknown: sharedUnknownIv, TTL: sharedLedgerTTL}
		if dl, ok := ctx.Deadline(); ok {
			r.MaxWait = min(r.MaxWait, time.Until(dl))
		}
		if maxHold > 0 {
			r.MaxWait = min(r.MaxWait, maxHold)
		}
		for i, s := range slots {
			r.Keys[i] = l.key("ledger", s.index)
			r.Tokens[i] = s.pacer.shared(now)
		}
		sctx, cancel := bound(ctx)
		turn, err := l.s.Pace(sctx, r)
		cancel()
		if err != nil || turn.Index < 0 || turn.Index >= len(slots) {
			if ctx.Err() != nil {
				return nil, &RateLimitError{State: slots[0].pacer.state(now), Err: ctx.Err()}, true
			}
			l.down(now)
			return nil, nil, false
		}
		s := slots[turn.Index]
		if !turn.Reserved {
			if grow && turn.Wait > 0 {
				p.mu.Lock()
				p.openLocked(now)
				p.mu.Unlock()
				continue
			}
			if dl, ok := ctx.Deadline(); (ok && time.Until(dl) < turn.Wait) || (maxHold > 0 && turn.Wait > maxHold) {
				e := &RateLimitError{Wait: turn.Wait, State: s.pacer.state(now)}
				if ok && time.Until(dl) < turn.Wait {
					e.Err = context.DeadlineExceeded
				}
				return nil, e, true
			}
		}
		if turn.Wait > 0 {
			if err := clk.Sleep(ctx, turn.Wait); err != nil {
				return nil, &RateLimitError{Wait: turn.Wait, State: s.pacer.state(clk.Now()), Err: err}, true
			}
		}
		if turn.Reserved {
			return s, nil, true
		}
	}
}

// shared returns what p learnt, for the shared ledger: the even spread,
// any hold, and the API's current window as p knows it.
func (p *pacer) shared(now time.Time) sharedstate.Allowance {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := sharedstate.Allowance{MinInterval: p.fixed}
	a := p.allowance()
	if a > 0 || p.fixed > 0 {
		t.Interval, t.Burst = p.interval()
	}
	if p.held.After(now) {
		t.Hold = p.held.Sub(now)
	} else if a > 0 && p.winEnd.After(now) && max(p.sent, p.used) >= a {
		t.Hold = p.winEnd.Sub(now)
	}
	if p.learn && a > 0 && p.winEnd.After(now) {
		t.Allowed, t.WindowLeft, t.Used = a, p.winEnd.Sub(now), max(p.sent, p.used)
	}
	return t
}
