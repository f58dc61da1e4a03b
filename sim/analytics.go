package sim

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/types"
)

// Asynchronous analytics details jobs (conversation and user details):
//
//	POST   /api/v2/analytics/{conversations|users}/details/jobs                 -> {"jobId"}
//	GET    /api/v2/analytics/{conversations|users}/details/jobs/{jobId}         -> AsyncQueryStatus
//	GET    /api/v2/analytics/{conversations|users}/details/jobs/{jobId}/results -> a page of results
//	DELETE /api/v2/analytics/{conversations|users}/details/jobs/{jobId}         -> 204; the job is gone
//
// A job reports QUEUED on its first WithAnalyticsJobPolls polls and its
// final state after: FULFILLED, or the state FailNextAnalyticsJob asked for.
// Results are read with a cursor; pageSize (query, default 100, at most
// 1,000) sets the page size and the query body's limit the number of results
// (at most limit of: the simulator's conversations, in progress or ended,
// that a details query of the same interval and filters finds at
// submission, as conversations_analytics.go renders them when the results
// are read; for user details the active users). An invalid interval gets
// 400.

// DefaultAnalyticsJobPolls is how many status polls report QUEUED before a
// job reaches its final state (see WithAnalyticsJobPolls).
const DefaultAnalyticsJobPolls = 1

const (
	jobPageSize    = 100
	jobMaxPageSize = 1000
	jobMaxResults  = 1_000_000
	jobLifetime    = 24 * time.Hour // results expire a day after completion
)

// WithAnalyticsJobPolls sets how many status polls of an analytics details
// job report QUEUED before it reports its final state (default
// DefaultAnalyticsJobPolls; 0 makes jobs final at once).
func WithAnalyticsJobPolls(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("sim: negative analytics job polls %d", n)
		}
		c.jobPolls = n
		return nil
	}
}

// FailNextAnalyticsJob makes the next analytics details job submitted end in
// state "FAILED", "CANCELLED" or "EXPIRED" instead of FULFILLED, with message
// as its errorMessage (FAILED only). Calls queue up: each one applies to one
// further job.
func (s *Server) FailNextAnalyticsJob(state, message string) error {
	switch state {
	case "FAILED", "CANCELLED", "EXPIRED":
	default:
		return fmt.Errorf("sim: analytics job state %q is not FAILED, CANCELLED or EXPIRED", state)
	}
	s.jobs.mu.Lock()
	defer s.jobs.mu.Unlock()
	s.jobs.failNext = append(s.jobs.failNext, jobOutcome{state: state, message: message})
	return nil
}

// AnalyticsJobState reports the state an analytics details job shows now
// (without counting as a poll), and false for a job that does not exist,
// e.g. one that was deleted.
func (s *Server) AnalyticsJobState(jobID string) (string, bool) {
	s.jobs.mu.Lock()
	defer s.jobs.mu.Unlock()
	j, ok := s.jobs.byID[jobID]
	if !ok {
		return "", false
	}
	return j.state(), true
}

type jobOutcome struct{ state, message string }

// analyticsJobs holds the submitted jobs of a Server; its zero value is ready.
type analyticsJobs struct {
	mu       sync.Mutex
	byID     map[string]*analyticsJob
	made     uint64
	failNext []jobOutcome
}

// analyticsJob is one submitted details job.
type analyticsJob struct {
	id        string
	kind      string // "conversations" or "users"
	polls     int    // status polls so far
	queued    int    // polls that report QUEUED
	outcome   jobOutcome
	total     int
	desc      bool
	start     time.Time // interval
	end       time.Time
	users     []string // user details: the active users at submission
	convs     []*conv  // conversation details: the conversations found at submission
	submitted time.Time
	completed time.Time // set when the final state is first reported
}

func (j *analyticsJob) state() string {
	if j.queued > 0 && j.polls <= j.queued {
		return "QUEUED"
	}
	return j.outcome.state
}

func init() {
	for _, kind := range []string{"conversations", "users"} {
		base := "/api/v2/analytics/" + kind + "/details/jobs"
		bind("POST", base, submitJob(kind))
		bind("GET", base+"/{jobId}", jobStatus(kind))
		bind("DELETE", base+"/{jobId}", deleteJob(kind))
		bind("GET", base+"/{jobId}/results", jobResults(kind))
	}
}

// parseInterval reads an ISO-8601 interval "start/end" of two date-times.
func parseInterval(s string) (time.Time, time.Time, bool) {
	a, b, ok := strings.Cut(s, "/")
	if !ok {
		return time.Time{}, time.Time{}, false
	}
	start, err1 := types.ParseDateTime(a)
	end, err2 := types.ParseDateTime(b)
	if err1 != nil || err2 != nil || !end.Time.After(start.Time) {
		return time.Time{}, time.Time{}, false
	}
	return start.Time.UTC(), end.Time.UTC(), true
}

func submitJob(kind string) handler {
	return func(c *call) (int, any, *apiError) {
		s := c.s
		var interval string
		var limit *int
		var desc bool
		var filter detailFilter
		switch b := c.body.(type) {
		case *models.AsyncConversationQuery:
			interval, limit = platformValue(b.Interval), b.Limit
			desc = b.Order != nil && strings.EqualFold(string(*b.Order), "desc")
			var ae *apiError
			if filter, ae = compileQuery(b.ConversationFilters, b.SegmentFilters); ae != nil {
				return 0, nil, ae
			}
		case *models.AsyncUserDetailsQuery:
			interval, limit = platformValue(b.Interval), b.Limit
			desc = b.Order != nil && strings.EqualFold(string(*b.Order), "desc")
		}
		start, end, ae := checkInterval(interval)
		if ae != nil {
			return 0, nil, ae
		}
		j := &analyticsJob{kind: kind, queued: s.cfg.jobPolls, desc: desc, start: start, end: end,
			submitted: s.now().UTC(), outcome: jobOutcome{state: "FULFILLED"}}
		if kind == "users" {
			for _, it := range s.store.users.list(func(e entity) bool { return str(e["state"]) == "active" }) {
				j.users = append(j.users, str(it.e["id"]))
			}
			j.total = len(j.users)
			if limit != nil && *limit >= 0 && *limit < j.total {
				j.total = *limit
				j.users = j.users[:j.total]
			}
		} else {
			s.convs.mu.Lock()
			j.convs = s.matchingConvs(start, end, filter, desc)
			s.convs.mu.Unlock()
			j.total = len(j.convs)
			if limit != nil && *limit >= 0 && *limit < j.total {
				j.total = min(*limit, jobMaxResults)
				j.convs = j.convs[:j.total]
			}
		}
		js := &s.jobs
		js.mu.Lock()
		js.made++
		j.id = uuidFrom(hashString(s.cfg.seed, "analyticsjob/"+strconv.FormatUint(js.made, 10)))
		if len(js.failNext) > 0 {
			j.outcome = js.failNext[0]
			js.failNext = js.failNext[1:]
		}
		if js.byID == nil {
			js.byID = map[string]*analyticsJob{}
		}
		js.byID[j.id] = j
		js.mu.Unlock()
		return http.StatusAccepted, &models.AsyncQueryResponse{JobID: &j.id}, nil
	}
}

func platformValue(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// job finds a job of kind; the caller holds s.jobs.mu.
func (js *analyticsJobs) job(kind, id string) (*analyticsJob, *apiError) {
	j, ok := js.byID[id]
	if !ok || j.kind != kind {
		e := notFound(fmt.Sprintf("The analytics job %s does not exist.", id))
		e.entity = id
		return nil, e
	}
	return j, nil
}

func jobStatus(kind string) handler {
	return func(c *call) (int, any, *apiError) {
		js := &c.s.jobs
		js.mu.Lock()
		defer js.mu.Unlock()
		j, e := js.job(kind, c.vars["jobId"])
		if e != nil {
			return 0, nil, e
		}
		j.polls++
		state := j.state()
		st := models.AsyncQueryStatus{State: (*models.AsyncQueryStatusState)(&state),
			SubmissionDate: ptrTo(types.NewDateTime(j.submitted))}
		if state != "QUEUED" {
			if j.completed.IsZero() {
				j.completed = c.s.now().UTC()
			}
			st.CompletionDate = ptrTo(types.NewDateTime(j.completed))
			st.ExpirationDate = ptrTo(types.NewDateTime(j.completed.Add(jobLifetime)))
			if state == "FAILED" && j.outcome.message != "" {
				st.ErrorMessage = &j.outcome.message
			}
		}
		return http.StatusOK, &st, nil
	}
}

func deleteJob(kind string) handler {
	return func(c *call) (int, any, *apiError) {
		js := &c.s.jobs
		js.mu.Lock()
		defer js.mu.Unlock()
		j, e := js.job(kind, c.vars["jobId"])
		if e != nil {
			return 0, nil, e
		}
		delete(js.byID, j.id)
		return http.StatusNoContent, nil, nil
	}
}

// encodeCursor and decodeCursor make the opaque results cursor: the job id
// and the offset of the next result.
func encodeCursor(jobID string, offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(jobID + "/" + strconv.Itoa(offset)))
}

func decodeCursor(jobID, cursor string, total int) (int, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return 0, false
	}
	id, off, ok := strings.Cut(string(raw), "/")
	n, err := strconv.Atoi(off)
	if !ok || err != nil || id != jobID || n <= 0 || n >= total {
		return 0, false
	}
	return n, true
}

func jobResults(kind string) handler {
	return func(c *call) (int, any, *apiError) {
		js := &c.s.jobs
		js.mu.Lock()
		j, e := js.job(kind, c.vars["jobId"])
		var snap analyticsJob
		if e == nil {
			if j.state() == "FULFILLED" && j.completed.IsZero() {
				j.completed = c.s.now().UTC()
			}
			snap = *j
		}
		js.mu.Unlock()
		if e != nil {
			return 0, nil, e
		}
		if st := snap.state(); st != "FULFILLED" {
			return 0, nil, badRequest("jobId", fmt.Sprintf("The analytics job %s is %s; results are available once it is FULFILLED.", snap.id, st))
		}
		size := jobPageSize
		if v := first(c.query["pageSize"]); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > jobMaxPageSize {
				return 0, nil, badRequest("pageSize", fmt.Sprintf("pageSize must be an integer from 1 to %d.", jobMaxPageSize))
			}
			size = n
		}
		from := 0
		if cur := first(c.query["cursor"]); cur != "" {
			n, ok := decodeCursor(snap.id, cur, snap.total)
			if !ok {
				return 0, nil, badRequest("cursor", "The cursor is not one this job handed out.")
			}
			from = n
		}
		to := min(from+size, snap.total)
		var next *string
		if to < snap.total {
			next = ptrTo(encodeCursor(snap.id, to))
		}
		avail := ptrTo(types.NewDateTime(snap.completed))
		if kind == "users" {
			out := &models.AnalyticsUserDetailsAsyncQueryResponse{Cursor: next, DataAvailabilityDate: avail,
				UserDetails: make([]models.AnalyticsUserDetail, 0, to-from)}
			for i := from; i < to; i++ {
				out.UserDetails = append(out.UserDetails, userDetail(&snap, snap.index(i)))
			}
			return http.StatusOK, out, nil
		}
		out := &models.AnalyticsConversationAsyncQueryResponse{Cursor: next, DataAvailabilityDate: avail,
			Conversations: make([]models.AnalyticsConversation, 0, to-from)}
		c.s.convs.mu.Lock()
		for _, cv := range snap.convs[from:to] {
			out.Conversations = append(out.Conversations, c.s.analyticsConv(cv))
		}
		c.s.convs.mu.Unlock()
		return http.StatusOK, out, nil
	}
}

// index maps the position of a result to the result's number, honouring
// the query's order.
func (j *analyticsJob) index(pos int) int {
	if j.desc {
		return j.total - 1 - pos
	}
	return pos
}

// userDetail is the presence and routing record of the i-th user a job
// found: available and idle from the start of the interval.
func userDetail(j *analyticsJob, i int) models.AnalyticsUserDetail {
	start := ptrTo(types.NewDateTime(j.start))
	end := ptrTo(types.NewDateTime(j.end))
	return models.AnalyticsUserDetail{
		UserID: &j.users[i],
		PrimaryPresence: []models.AnalyticsUserPresenceRecord{{StartTime: start, EndTime: end,
			SystemPresence: ptrTo(models.AnalyticsUserPresenceRecordSystemPresenceAVAILABLE)}},
		RoutingStatus: []models.AnalyticsRoutingStatusRecord{{StartTime: start, EndTime: end,
			RoutingStatus: ptrTo(models.AnalyticsRoutingStatusRecordRoutingStatusIDLE)}},
	}
}
