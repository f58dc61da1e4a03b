// Package analyticsjobs runs the asynchronous analytics queries of the
// Genesys Cloud Platform API: conversation details, user details, and
// conversation and user aggregates jobs.
//
// A job is submitted, polled with backoff until the service reports it
// FULFILLED (or FAILED, CANCELLED, EXPIRED, which Wait returns as a
// *JobError), and its results are read page by page with a cursor:
//
//	jobs := analyticsjobs.New(client)
//	job, err := jobs.SubmitConversationDetails(ctx, &models.AsyncConversationQuery{Interval: &interval})
//	if err != nil { ... }
//	for conv, err := range job.All(ctx) { // Wait, then Results
//		...
//	}
//
// Cancelling the context while waiting for a job or reading its results
// deletes the job on the service (best effort, with a short timeout of its
// own), so that abandoned jobs do not count against the organization's
// limits.
//
// The package is separate from the root package because it builds on the
// generated api/analytics package, which the root package cannot import.
package analyticsjobs

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/analytics"
	"github.com/purecloudgo/platformclient/models"
)

// Job states as the service reports them.
const (
	StateQueued    = "QUEUED"
	StatePending   = "PENDING"
	StateFulfilled = "FULFILLED"
	StateFailed    = "FAILED"
	StateCancelled = "CANCELLED"
	StateExpired   = "EXPIRED"
)

// JobError reports a job that ended without results: its state is FAILED,
// CANCELLED or EXPIRED.
type JobError struct {
	Kind    string // job kind, e.g. "conversations/details"
	JobID   string
	State   string // StateFailed, StateCancelled or StateExpired
	Message string // the service's errorMessage, if any
}

func (e *JobError) Error() string {
	s := fmt.Sprintf("analyticsjobs: %s job %s is %s", e.Kind, e.JobID, e.State)
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Sleeper waits for d, or until ctx is done, in which case it returns
// ctx.Err(). Tests inject one that does not sleep.
type Sleeper func(ctx context.Context, d time.Duration) error

// Sleep is the default Sleeper: a timer.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Backoff spaces the polls of a job's state: the first wait is Initial, each
// next one Multiplier times longer, at most Max; Jitter (0 to 1) spreads each
// wait randomly by up to that fraction, so that jobs submitted together do
// not poll together.
type Backoff struct {
	Initial    time.Duration
	Max        time.Duration
	Multiplier float64
	Jitter     float64
}

// DefaultBackoff polls after 1 s, then 1.5 s, 2.25 s, ... up to every 15 s.
var DefaultBackoff = Backoff{Initial: time.Second, Max: 15 * time.Second, Multiplier: 1.5, Jitter: 0.2}

// delay returns the wait before poll n (0-based).
func (b Backoff) delay(n int) time.Duration {
	d := float64(b.Initial)
	for i := 0; i < n && d < float64(b.Max); i++ {
		d *= max(b.Multiplier, 1)
	}
	if b.Max > 0 {
		d = min(d, float64(b.Max))
	}
	if b.Jitter > 0 {
		d *= 1 + b.Jitter*(2*rand.Float64()-1)
	}
	return time.Duration(max(d, 0))
}

// Option configures a Client.
type Option func(*Client)

// WithSleeper replaces the function that waits between polls.
func WithSleeper(s Sleeper) Option {
	return func(c *Client) {
		if s != nil {
			c.sleep = s
		}
	}
}

// WithBackoff replaces DefaultBackoff.
func WithBackoff(b Backoff) Option { return func(c *Client) { c.backoff = b } }

// WithDeleteTimeout bounds the request that deletes a job after its context
// was cancelled (default 10 s).
func WithDeleteTimeout(d time.Duration) Option { return func(c *Client) { c.deleteTimeout = d } }

// Client submits and follows analytics jobs. It is safe for concurrent use.
type Client struct {
	api           *analytics.Client
	sleep         Sleeper
	backoff       Backoff
	deleteTimeout time.Duration
}

// New returns a Client that sends its requests through c.
func New(c *platformclient.Client, opts ...Option) *Client {
	jc := &Client{api: analytics.NewClient(c), sleep: Sleep, backoff: DefaultBackoff, deleteTimeout: 10 * time.Second}
	for _, o := range opts {
		if o != nil {
			o(jc)
		}
	}
	return jc
}

// Job is a submitted analytics job whose results are values of type T.
type Job[T any] struct {
	// ID is the job id the service assigned.
	ID string
	// Kind names the job's kind, e.g. "conversations/details".
	Kind string

	c       *Client
	status  func(ctx context.Context, id string) (*models.AsyncQueryStatus, error)
	results func(ctx context.Context, id string) iter.Seq2[T, error]
	remove  func(ctx context.Context, id string) error
}

// Status returns the job's current state without waiting.
func (j *Job[T]) Status(ctx context.Context) (*models.AsyncQueryStatus, error) {
	return j.status(ctx, j.ID)
}

// Wait polls the job until it is FULFILLED and returns its last status. A
// job that ends FAILED, CANCELLED or EXPIRED is returned as a *JobError
// (with that status). When ctx is done first, Wait deletes the job and
// returns ctx.Err().
func (j *Job[T]) Wait(ctx context.Context) (*models.AsyncQueryStatus, error) {
	for n := 0; ; n++ {
		st, err := j.status(ctx, j.ID)
		if err != nil {
			if ctx.Err() != nil {
				return nil, j.abandon(ctx)
			}
			return nil, err
		}
		state := ""
		if st.State != nil {
			state = string(*st.State)
		}
		switch state {
		case StateFulfilled:
			return st, nil
		case StateFailed, StateCancelled, StateExpired:
			return st, &JobError{Kind: j.Kind, JobID: j.ID, State: state, Message: platformclient.Value(st.ErrorMessage)}
		}
		if err := j.c.sleep(ctx, j.c.backoff.delay(n)); err != nil {
			return nil, j.abandon(ctx)
		}
	}
}

// Results returns an iterator over the job's results, read page by page
// with the service's cursor; the job must be FULFILLED (see Wait). Iteration
// stops at the last page, when the loop breaks, or at the first error. When
// ctx is cancelled during the iteration, the job is deleted and ctx.Err() is
// yielded.
func (j *Job[T]) Results(ctx context.Context) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for v, err := range j.results(ctx, j.ID) {
			if err != nil && ctx.Err() != nil {
				err = j.abandon(ctx)
			}
			if !yield(v, err) || err != nil {
				return
			}
		}
	}
}

// All waits for the job (see Wait) and then iterates over its results (see
// Results). A failed job yields its *JobError.
func (j *Job[T]) All(ctx context.Context) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		if _, err := j.Wait(ctx); err != nil {
			var zero T
			yield(zero, err)
			return
		}
		for v, err := range j.Results(ctx) {
			if !yield(v, err) {
				return
			}
		}
	}
}

// Delete deletes the job on the service, cancelling it if it still runs.
func (j *Job[T]) Delete(ctx context.Context) error { return j.remove(ctx, j.ID) }

// abandon deletes the job after ctx was cancelled, with a detached context
// bounded by the client's delete timeout, and returns ctx.Err().
func (j *Job[T]) abandon(ctx context.Context) error {
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), j.c.deleteTimeout)
	defer cancel()
	_ = j.remove(dctx, j.ID) // best effort: the job expires anyway
	return ctx.Err()
}

func submitted(kind string, r *models.AsyncQueryResponse, err error) (string, error) {
	if err != nil {
		return "", err
	}
	if r == nil || r.JobID == nil || *r.JobID == "" {
		return "", errors.New("analyticsjobs: the service accepted the " + kind + " job without a job id")
	}
	return *r.JobID, nil
}

// SubmitConversationDetails submits a conversation details job
// (POST /api/v2/analytics/conversations/details/jobs).
func (c *Client) SubmitConversationDetails(ctx context.Context, q *models.AsyncConversationQuery, call ...platformclient.CallOption) (*Job[models.AnalyticsConversation], error) {
	r, err := c.api.PostAnalyticsConversationsDetailsJobs(ctx, q, nil, call...)
	id, err := submitted("conversations/details", r, err)
	if err != nil {
		return nil, err
	}
	return c.ConversationDetailsJob(id, call...), nil
}

// ConversationDetailsJob returns the conversation details job with this id,
// e.g. one submitted earlier.
func (c *Client) ConversationDetailsJob(id string, call ...platformclient.CallOption) *Job[models.AnalyticsConversation] {
	return &Job[models.AnalyticsConversation]{ID: id, Kind: "conversations/details", c: c,
		status: func(ctx context.Context, id string) (*models.AsyncQueryStatus, error) {
			return c.api.GetAnalyticsConversationsDetailsJob(ctx, id, nil, call...)
		},
		results: func(ctx context.Context, id string) iter.Seq2[models.AnalyticsConversation, error] {
			return c.api.GetAnalyticsConversationsDetailsJobResultsItems(ctx, id, nil, call...)
		},
		remove: func(ctx context.Context, id string) error {
			return c.api.DeleteAnalyticsConversationsDetailsJob(ctx, id, nil, call...)
		},
	}
}

// SubmitUserDetails submits a user details job
// (POST /api/v2/analytics/users/details/jobs).
func (c *Client) SubmitUserDetails(ctx context.Context, q *models.AsyncUserDetailsQuery, call ...platformclient.CallOption) (*Job[models.AnalyticsUserDetail], error) {
	r, err := c.api.PostAnalyticsUsersDetailsJobs(ctx, q, nil, call...)
	id, err := submitted("users/details", r, err)
	if err != nil {
		return nil, err
	}
	return c.UserDetailsJob(id, call...), nil
}

// UserDetailsJob returns the user details job with this id.
func (c *Client) UserDetailsJob(id string, call ...platformclient.CallOption) *Job[models.AnalyticsUserDetail] {
	return &Job[models.AnalyticsUserDetail]{ID: id, Kind: "users/details", c: c,
		status: func(ctx context.Context, id string) (*models.AsyncQueryStatus, error) {
			return c.api.GetAnalyticsUsersDetailsJob(ctx, id, nil, call...)
		},
		results: func(ctx context.Context, id string) iter.Seq2[models.AnalyticsUserDetail, error] {
			return c.api.GetAnalyticsUsersDetailsJobResultsItems(ctx, id, nil, call...)
		},
		remove: func(ctx context.Context, id string) error {
			return c.api.DeleteAnalyticsUsersDetailsJob(ctx, id, nil, call...)
		},
	}
}

// SubmitConversationAggregates submits a conversation aggregates job
// (POST /api/v2/analytics/conversations/aggregates/jobs).
func (c *Client) SubmitConversationAggregates(ctx context.Context, q *models.ConversationAsyncAggregationQuery, call ...platformclient.CallOption) (*Job[models.ConversationAggregateDataContainer], error) {
	r, err := c.api.PostAnalyticsConversationsAggregatesJobs(ctx, q, nil, call...)
	id, err := submitted("conversations/aggregates", r, err)
	if err != nil {
		return nil, err
	}
	return c.ConversationAggregatesJob(id, call...), nil
}

// ConversationAggregatesJob returns the conversation aggregates job with this id.
func (c *Client) ConversationAggregatesJob(id string, call ...platformclient.CallOption) *Job[models.ConversationAggregateDataContainer] {
	return &Job[models.ConversationAggregateDataContainer]{ID: id, Kind: "conversations/aggregates", c: c,
		status: func(ctx context.Context, id string) (*models.AsyncQueryStatus, error) {
			return c.api.GetAnalyticsConversationsAggregatesJob(ctx, id, nil, call...)
		},
		results: func(ctx context.Context, id string) iter.Seq2[models.ConversationAggregateDataContainer, error] {
			return c.api.GetAnalyticsConversationsAggregatesJobResultsItems(ctx, id, nil, call...)
		},
		remove: func(ctx context.Context, id string) error {
			return c.api.DeleteAnalyticsConversationsAggregatesJob(ctx, id, nil, call...)
		},
	}
}

// SubmitUserAggregates submits a user aggregates job
// (POST /api/v2/analytics/users/aggregates/jobs).
func (c *Client) SubmitUserAggregates(ctx context.Context, q *models.UserAsyncAggregationQuery, call ...platformclient.CallOption) (*Job[models.UserAggregateDataContainer], error) {
	r, err := c.api.PostAnalyticsUsersAggregatesJobs(ctx, q, nil, call...)
	id, err := submitted("users/aggregates", r, err)
	if err != nil {
		return nil, err
	}
	return c.UserAggregatesJob(id, call...), nil
}

// UserAggregatesJob returns the user aggregates job with this id.
func (c *Client) UserAggregatesJob(id string, call ...platformclient.CallOption) *Job[models.UserAggregateDataContainer] {
	return &Job[models.UserAggregateDataContainer]{ID: id, Kind: "users/aggregates", c: c,
		status: func(ctx context.Context, id string) (*models.AsyncQueryStatus, error) {
			return c.api.GetAnalyticsUsersAggregatesJob(ctx, id, nil, call...)
		},
		results: func(ctx context.Context, id string) iter.Seq2[models.UserAggregateDataContainer, error] {
			return c.api.GetAnalyticsUsersAggregatesJobResultsItems(ctx, id, nil, call...)
		},
		remove: func(ctx context.Context, id string) error {
			return c.api.DeleteAnalyticsUsersAggregatesJob(ctx, id, nil, call...)
		},
	}
}
