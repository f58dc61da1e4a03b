package platformclient

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// Bounds on what pacing believes: a header outside them is ignored (or, for
// Retry-After, cut to maxPaceWait) so that a misbehaving server cannot stop
// a client for longer, nor make it divide by zero.
const (
	maxPaceWait      = time.Hour   // longest window, reset or hold believed
	maxPaceAllowed   = 1_000_000   // largest allowance believed
	defaultWindow    = time.Minute // Genesys Cloud's window, when none was reported
	paceCleanWindows = 10          // windows without a 429 after which a cap learnt from 429s is raised
	paceBurstShare   = 20          // a burst is 1/20 (5 %) of the allowance, the rest is spread
	paceMinHold      = time.Second // hold after a 429 that says nothing about when to come back
	maxPaceCount     = 1 << 24     // bound on counters, against absurd counts
)

// Pacing configures the client's coordinated rate-limit pacing, which is on
// by default. Every goroutine and every API package using a Client shares
// its pacing: the client learns the API's allowance and window from the
// inin-ratelimit-* headers and from 429 answers, spreads attempts so that
// no window receives more than the allowance, and after a 429 holds every
// call until the reset, then releases them spread over the window.
type Pacing struct {
	// Disabled turns the learning off: calls go out as soon as they are
	// made and 429s are left to the retry policy. A fixed Rate still
	// applies.
	Disabled bool
	// Rate, when positive, caps the client at Rate attempts per second
	// (retries included) with bursts of up to Burst, whatever it learns;
	// pacing still keeps to a lower learnt allowance.
	Rate float64
	// Burst is the number of attempts a fixed Rate lets go at once; at
	// least 1.
	Burst int
}

// WithPacing sets the client's rate-limit pacing; see Pacing.
// WithPacing(platformclient.Pacing{Disabled: true}) turns it off.
func WithPacing(p Pacing) Option {
	return func(c *Client) error {
		c.build.pacer.configure(!p.Disabled, p.Rate, p.Burst)
		return nil
	}
}

// WithRateLimit caps the client at perSecond attempts per second on average
// with bursts of up to burst, retries included; a call waits for its turn
// (or fails at once with a *RateLimitError if the turn comes after its
// deadline). It is Pacing.Rate: the learnt pacing stays on, and keeps to the
// API's allowance when that is lower. perSecond <= 0 removes the cap.
func WithRateLimit(perSecond float64, burst int) Option {
	return func(c *Client) error {
		p := c.build.pacer
		p.configure(p.learn, perSecond, burst)
		return nil
	}
}

// RateLimitState is a snapshot of a client's rate-limit pacing, for metrics
// and logs. Times are zero and counts 0 when not known.
type RateLimitState struct {
	// Paced says that calls are being spread: pacing is on and a rate is
	// known (learnt from the API or fixed).
	Paced bool
	// Learning says that the client learns from the API (Pacing.Disabled
	// not set).
	Learning bool
	// Allowed is the number of requests the API allows per Window, the
	// lowest of what it reported and what its 429s showed.
	Allowed int
	// Window is the length of the API's rate-limit window, as learnt.
	Window time.Duration
	// Used is the number of requests the API counted in its current window,
	// as last reported; Remaining is Allowed minus Used, at least 0.
	Used, Remaining int
	// Reset is when the API's current window ends.
	Reset time.Time
	// HeldUntil is when calls may go again after a 429 or an exhausted
	// window; zero when no hold is in force.
	HeldUntil time.Time
	// Rate is the number of attempts per second the client paces at.
	Rate float64
	// Waiting is the number of calls waiting for their turn now.
	Waiting int
	// Limited is the number of 429 answers the client has received.
	Limited int64
	// Tokens holds the state of each token of a pool (WithTokenPool), in
	// the order they were fetched; the fields above then add up the
	// tokens' counts and give the first token's window. Nil without a pool.
	Tokens []RateLimitState
}

// RateLimitState returns the current state of the client's rate-limit
// pacing. It is safe to call from any goroutine.
func (c *Client) RateLimitState() RateLimitState {
	cfg := c.settings()
	if c.pool != nil {
		return poolState(c.pool.states(clockOf(cfg).Now()))
	}
	return cfg.pacer.state(clockOf(cfg).Now())
}

// clockOf returns the clock of cfg, the real one by default.
func clockOf(cfg *settings) clock {
	if cfg.clock == nil {
		return realClock{}
	}
	return cfg.clock
}

// pacer is the pacing of one client. It is shared by every call and by the
// settings copies made on reload, like the retry budget.
type pacer struct {
	mu sync.Mutex

	learn bool          // learn from the API (Pacing.Disabled not set)
	fixed time.Duration // interval of a fixed rate; 0: none
	burst int           // burst of the fixed rate

	allowed int           // inin-ratelimit-allowed; 0: unknown
	body    int           // limit.value of a 429's error body; 0: unknown
	capped  int           // allowance shown by 429s the others did not predict; 0: none
	clean   int           // windows since capped was learnt or raised
	wCur    time.Duration // longest reset reported in the current window
	wPrev   time.Duration // and in the previous one
	guess   time.Duration // window guessed from a hold, when no reset was reported
	winEnd  time.Time     // end of the API's current window (earliest report)
	prevEnd time.Time     // end of the window before it; zero: none
	flying  int           // attempts released and not answered yet
	used    int           // requests the API counted in its current window
	sent    int           // attempts released since the window (or hold) began
	okCur   int           // answers other than 429 to attempts released since then
	okPrev  int           // and to attempts released before the current hold
	capEp   uint64        // the epoch that began with capped learnt
	tat     time.Time     // theoretical arrival time of the spread (GCRA)
	held    time.Time     // no attempt before this time
	epoch   uint64        // advanced by each new hold: waiters queue again
	waiting int
	limited int64
}

// ticket is a released attempt, for observe: the hold in force when it
// went.
type ticket struct {
	epoch uint64
	slot  *poolSlot // the pool's token it was paced on; nil: no pool
}

// pacerOf returns the pacer tk was released by.
func (tk ticket) pacerOf(cfg *settings) *pacer {
	if tk.slot != nil {
		return tk.slot.pacer
	}
	return cfg.pacer
}

func newPacer() *pacer { return &pacer{learn: true} }

// configure sets the mode of p.
func (p *pacer) configure(learn bool, perSecond float64, burst int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.learn = learn
	p.fixed, p.burst = 0, 0
	if perSecond > 0 {
		// At most one attempt in a century: a tinier rate would overflow.
		p.fixed = time.Duration(max(min(float64(time.Second)/perSecond, float64(100*365*24*time.Hour)), 1))
		p.burst = max(burst, 1)
	}
}

// wait reserves the earliest turn and sleeps until it comes. A waiter whose
// turn was given before a new hold began queues again.
func (p *pacer) wait(ctx context.Context, clk clock, maxHold time.Duration) (ticket, *RateLimitError) {
	if p == nil {
		return ticket{}, nil
	}
	for {
		p.mu.Lock()
		now := clk.Now()
		slot, next := p.turn(now)
		d := slot.Sub(now)
		if d <= 0 {
			p.release(now, next)
			tk := ticket{epoch: p.epoch}
			p.mu.Unlock()
			return tk, nil
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
			e := &RateLimitError{Wait: d, State: p.stateLocked(now), Err: context.DeadlineExceeded}
			p.mu.Unlock()
			return ticket{}, e
		}
		if hold := p.held.Sub(now); maxHold > 0 && hold > maxHold {
			e := &RateLimitError{Wait: d, State: p.stateLocked(now)}
			p.mu.Unlock()
			return ticket{}, e
		}
		prev, epoch := p.tat, p.epoch
		p.tat = next
		p.waiting++
		p.mu.Unlock()

		err := clk.Sleep(ctx, d)

		p.mu.Lock()
		p.waiting--
		if err != nil {
			if p.epoch == epoch && p.tat.Equal(next) {
				p.tat = prev // the last turn given: hand it back
			}
			e := &RateLimitError{Wait: d, State: p.stateLocked(clk.Now()), Err: err}
			p.mu.Unlock()
			return ticket{}, e
		}
		if p.epoch == epoch {
			now = clk.Now()
			p.release(now, p.tat)
			tk := ticket{epoch: epoch}
			p.mu.Unlock()
			return tk, nil
		}
		p.mu.Unlock() // a hold began while this call slept: queue again
	}
}

// turn returns the earliest time an attempt may go and the theoretical
// arrival time after it (the generic cell rate algorithm: one attempt per
// interval, with a tolerance of burst-1 intervals).
func (p *pacer) turn(now time.Time) (slot, next time.Time) {
	slot = now
	if p.held.After(slot) {
		slot = p.held
	}
	// The API's window is spent, by its count or by ours: wait for its end.
	if a := p.allowance(); a > 0 && p.winEnd.After(slot) && max(p.sent, p.used) >= a {
		slot = p.winEnd
	}
	iv, burst := p.interval()
	if iv <= 0 {
		return slot, p.tat
	}
	iv = p.catchUp(now, iv)
	if early := p.tat.Add(-time.Duration(burst-1) * iv); early.After(slot) {
		slot = early
	}
	next = p.tat
	if slot.After(next) {
		next = slot
	}
	return slot, next.Add(iv)
}

// catchUp returns the interval of the next turn: iv, or shorter when the
// API's current window has more allowance left than the even spread would
// use before its end (after a slow start, on a token opened late, or the
// burst's share the spread leaves unused). The rest of the window's
// allowance, less the turns already given, is then spread over the rest of
// the window. The window's end as learnt is never before the API's (resets
// are rounded up), so the window still gets no more than its allowance;
// a fixed rate still caps the interval.
func (p *pacer) catchUp(now time.Time, iv time.Duration) time.Duration {
	a := p.allowance()
	if !p.learn || a <= 0 || !p.winEnd.After(now) || p.held.After(now) {
		return iv
	}
	from := now
	if p.tat.After(from) {
		from = p.tat // turns given until then are the waiters'
	}
	left := a - max(p.sent, p.used) - p.waiting
	if left <= 0 || !p.winEnd.After(from) {
		return iv
	}
	return max(min(iv, p.winEnd.Sub(from)/time.Duration(left)), p.fixed)
}

// release records an attempt going out at now.
func (p *pacer) release(now time.Time, next time.Time) {
	p.tat = next
	if !p.winEnd.IsZero() && !now.Before(p.winEnd) { // the API's window is over
		p.newWindow(time.Time{}, 0, now)
	}
	if p.sent < maxPaceCount {
		p.sent++
	}
	p.flying++
}

// allowance returns the learnt allowance: the lowest known, 0 when none.
func (p *pacer) allowance() int {
	a := 0
	for _, v := range [...]int{p.allowed, p.body, p.capped} {
		if v > 0 && (a == 0 || v < a) {
			a = v
		}
	}
	return a
}

// window returns the learnt window: the longest reset of the current and
// previous windows, else the length of the last hold, else a minute.
func (p *pacer) window() time.Duration {
	if w := max(p.wCur, p.wPrev); w > 0 {
		return w
	}
	if p.guess > 0 {
		return p.guess
	}
	return defaultWindow
}

// interval returns the time between attempts and the burst, or 0 when no
// rate is known. Of an allowance A, a burst of A/20 (at least 1) may go at
// once and the rest is spread evenly over the window, so that no window of
// the API's length receives more than A.
func (p *pacer) interval() (time.Duration, int) {
	iv, burst := p.fixed, p.burst
	if a := p.allowance(); p.learn && a > 0 {
		b := max(1, a/paceBurstShare)
		liv := p.window() / time.Duration(max(1, a-b))
		if liv > iv {
			iv = liv
		}
		if burst == 0 || b < burst {
			burst = b
		}
	}
	return iv, max(burst, 1)
}

// observe learns from the answer to an attempt released with tk.
func (p *pacer) observe(tk ticket, resp *http.Response, body []byte, now time.Time) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.flying = max(p.flying-1, 0)
	if resp == nil || !p.learn {
		return
	}
	limited := resp.StatusCode == http.StatusTooManyRequests
	r := readRateReport(resp.Header)
	// An answer that comes back after its window ended reports that window:
	// its count must not fill the next one.
	stale := r.reset > 0 && p.stale(now.Add(r.reset))
	if r.reset > 0 && !stale {
		p.noteWindow(now.Add(r.reset), r.reset, r.count, now)
	}
	if r.allowed > 0 {
		p.allowed = r.allowed
	}
	if r.count >= 0 && !p.winEnd.IsZero() && !stale {
		p.used = max(p.used, r.count)
	}
	if limited {
		p.on429(tk, r, resp.Header, body, now)
		return
	}
	p.accepted(tk)
	if a := p.allowance(); a > 0 && r.count >= a && p.winEnd.After(now) && !stale {
		p.hold(p.winEnd, now) // the window is spent: wait for its end rather than for a 429
	}
}

// accepted counts an answer other than 429: the API let the attempt
// through. Attempts released before the hold that a 429 began show how
// many that window took, which may raise the allowance learnt from the
// 429 (answers come back in any order).
func (p *pacer) accepted(tk ticket) {
	switch tk.epoch {
	case p.epoch:
		p.okCur++
	case p.epoch - 1:
		p.okPrev++
		if p.capEp == p.epoch && p.capped > 0 && p.okPrev > p.capped {
			p.capped = min(p.okPrev, maxPaceCount)
		}
	}
}

// stale reports whether a report of a window ending at end is of the
// window that ended at prevEnd. Resets are whole seconds rounded up, so an
// answer that comes back just after its window ended reports an end up to
// a second (plus its latency) after prevEnd, while the next window ends a
// whole window after it: the line between them is halfway.
func (p *pacer) stale(end time.Time) bool {
	return !p.prevEnd.IsZero() && !end.After(p.prevEnd.Add((p.window()+time.Second)/2))
}

// noteWindow places a report of a window ending at end: the current window
// (keep the earliest end, as resets are rounded up) or a new one.
func (p *pacer) noteWindow(end time.Time, reset time.Duration, count int, now time.Time) {
	if p.isNewWindow(end, count, now) {
		sent := p.sent // attempts released since the last window ended, or since the start
		p.newWindow(end, reset, now)
		if count < 0 {
			p.sent = sent
		} else {
			// The API counted count attempts in its new window, and may
			// count those still in flight; the others released since ours
			// ended went in the old one.
			p.sent = max(min(sent, count+p.flying), count)
		}
		return
	}
	p.wCur = max(p.wCur, reset)
	p.sent = max(p.sent, count)
	if end.Before(p.winEnd) {
		p.winEnd = end
	}
}

// isNewWindow tells whether a report of a window ending at end, with a
// count (-1: none), is of a window after the current one. Resets are often
// whole seconds rounded up, so an end alone can be a second late: a report
// of the current window whose end is well after the one known must also
// show a count that went down.
func (p *pacer) isNewWindow(end time.Time, count int, now time.Time) bool {
	switch half := p.window() / 2; {
	case p.winEnd.IsZero() || !now.Before(p.winEnd):
		return true
	case !end.After(p.winEnd.Add(half)):
		return false
	case count >= 0:
		return count < p.used // counts only grow within a window
	default:
		return end.After(p.winEnd.Add(half + time.Second))
	}
}

// newWindow starts counting a new window of the API, ending at end (zero
// when not known yet).
func (p *pacer) newWindow(end time.Time, reset time.Duration, now time.Time) {
	if p.wCur > 0 {
		p.wPrev = p.wCur
	}
	if !p.winEnd.IsZero() {
		p.prevEnd = p.winEnd
	}
	p.wCur, p.winEnd, p.used, p.sent, p.okCur = reset, end, 0, 0, 0
	if end.IsZero() {
		return
	}
	if p.clean++; p.capped > 0 && p.clean >= paceCleanWindows {
		// Windows without a surprise 429: the API may allow more again
		// (another program sharing the token stopped); try a quarter more.
		p.capped += p.capped/4 + 1
		p.clean = 0
		if a := p.allowance(); a < p.capped {
			p.capped = 0
		}
	}
}

// on429 learns from a 429: what the API let through before it, and how
// long to hold every call.
func (p *pacer) on429(tk ticket, r rateReport, h http.Header, body []byte, now time.Time) {
	p.limited++
	if lim := errorBodyLimit(body); lim > 0 {
		p.body = lim
	}
	// A 429 for an attempt released before the current hold began was
	// already accounted for; a later one shows the allowance learnt so far
	// is too high (or another program shares the token).
	if tk.epoch == p.epoch {
		through := p.okCur // at least these got through; more answers may come
		if r.count > 0 {
			through = r.count - 1
		}
		through = max(through, 1)
		if a := p.allowance(); a == 0 || through < a {
			p.capped, p.clean, p.capEp = through, 0, p.epoch+1
		}
	}
	end := now.Add(paceMinHold)
	switch ra := min(parseRetryAfter(h.Get("Retry-After"), now), maxPaceWait); {
	case ra > 0:
		end = now.Add(ra)
	case p.winEnd.After(now):
		end = p.winEnd
	}
	if max(p.wCur, p.wPrev) == 0 {
		p.guess = max(p.guess, end.Sub(now), paceMinHold)
	}
	p.hold(end, now)
}

// hold stops every attempt until end, and spreads those after it.
func (p *pacer) hold(end, now time.Time) {
	if !end.After(p.held) {
		return
	}
	p.held = end
	p.epoch++
	p.sent, p.okPrev, p.okCur = 0, p.okCur, 0
	p.tat = end
	if iv, burst := p.interval(); iv > 0 {
		// The first attempt goes at end, the next ones one interval apart:
		// no burst after a hold.
		p.tat = end.Add(time.Duration(burst-1) * iv)
	}
}

// state returns a snapshot of p at now.
func (p *pacer) state(now time.Time) RateLimitState {
	if p == nil {
		return RateLimitState{}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stateLocked(now)
}

func (p *pacer) stateLocked(now time.Time) RateLimitState {
	s := RateLimitState{Learning: p.learn, Waiting: p.waiting, Limited: p.limited}
	if iv, _ := p.interval(); iv > 0 {
		s.Paced = true
		s.Rate = float64(time.Second) / float64(iv)
	}
	if p.learn {
		s.Allowed = p.allowance()
		if s.Allowed > 0 {
			s.Window = p.window()
		}
		if p.winEnd.After(now) {
			s.Reset, s.Used = p.winEnd, p.used
		}
		if s.Allowed > 0 {
			s.Remaining = max(0, s.Allowed-s.Used)
		}
	}
	if p.held.After(now) {
		s.HeldUntil = p.held
	}
	return s
}
