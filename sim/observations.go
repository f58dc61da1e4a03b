package sim

import (
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/purecloudgo/platformclient/models"
)

// POST /api/v2/analytics/queues/observations/query reports the live state
// of the queues its filter names (queueId predicates, at the top of the
// filter or in its clauses; mediaType predicates narrow the conversations
// counted), one result per queue, grouped by queueId:
//
//	oWaiting           conversations in queue not offered to an agent yet
//	oAlerting          conversations offered to an agent who has not answered
//	oInteracting       conversations an agent of the queue is connected to
//	oMemberUsers       members of the queue
//	oActiveUsers       joined members
//	oOnQueueUsers      joined members On Queue, one entry per routing status (qualifier)
//	oOffQueueUsers     joined members not On Queue
//	oUserPresences     joined members by presence definition id (qualifier)
//	oUserRoutingStatuses joined members by routing status (qualifier)
//
// Without metrics it reports them all. Metrics with a count of zero and no
// qualifier are reported with count 0.

var queueObservationMetrics = []string{"oWaiting", "oAlerting", "oInteracting", "oMemberUsers", "oActiveUsers",
	"oOnQueueUsers", "oOffQueueUsers", "oUserPresences", "oUserRoutingStatuses"}

func init() {
	bind("POST", "/api/v2/analytics/queues/observations/query", postQueueObservations)
}

// observationFilter reads the queue ids and media types of a filter.
func observationFilter(f models.QueueObservationQueryFilter) (queues, media []string) {
	preds := slices.Clone(f.Predicates)
	for _, cl := range f.Clauses {
		preds = append(preds, cl.Predicates...)
	}
	for _, p := range preds {
		v := platformValue(p.Value)
		switch string(deref(p.Dimension)) {
		case "queueId":
			if !slices.Contains(queues, v) {
				queues = append(queues, v)
			}
		case "mediaType":
			media = append(media, v)
		}
	}
	return queues, media
}

func postQueueObservations(c *call) (int, any, *apiError) {
	q := c.body.(*models.QueueObservationQuery)
	queues, media := observationFilter(q.Filter)
	if len(queues) == 0 {
		return 0, nil, badRequest("filter", "The filter must name at least one queue (a queueId predicate).")
	}
	want := q.Metrics
	if len(want) == 0 {
		want = queueObservationMetrics
	}
	for _, m := range want {
		if !slices.Contains(queueObservationMetrics, m) {
			return 0, nil, badRequest("metrics", "The simulator observes "+strings.Join(queueObservationMetrics, ", ")+".")
		}
	}
	s := c.s
	out := &models.QueueObservationQueryResponse{Results: []models.QueueObservationDataContainer{}}
	for _, qid := range queues {
		if _, ok := s.store.queues.getItem(qid); !ok {
			continue
		}
		counts := s.observeQueue(qid, media)
		res := models.QueueObservationDataContainer{Group: map[string]string{"queueId": qid}}
		for _, m := range want {
			res.Data = append(res.Data, counts.data(m)...)
		}
		out.Results = append(out.Results, res)
	}
	return http.StatusOK, out, nil
}

// queueCounts is what a queue's observation counts.
type queueCounts struct {
	plain     map[string]int            // metrics without qualifier
	qualified map[string]map[string]int // metric -> qualifier -> count
}

func (qc queueCounts) data(metric string) []models.ObservationMetricData {
	if by, ok := qc.qualified[metric]; ok {
		keys := make([]string, 0, len(by))
		for k := range by {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var out []models.ObservationMetricData
		for _, k := range keys {
			out = append(out, models.ObservationMetricData{Metric: ptrTo(metric), Qualifier: ptrTo(k),
				Stats: models.StatisticalSummary{Count: ptrTo(by[k])}})
		}
		return out
	}
	return []models.ObservationMetricData{{Metric: ptrTo(metric), Stats: models.StatisticalSummary{Count: ptrTo(qc.plain[metric])}}}
}

// observeQueue counts a queue's conversations and members now.
func (s *Server) observeQueue(qid string, media []string) queueCounts {
	qc := queueCounts{plain: map[string]int{}, qualified: map[string]map[string]int{
		"oOnQueueUsers": {}, "oUserPresences": {}, "oUserRoutingStatuses": {}, "oOffQueueUsers": {}}}
	e := &s.convs
	e.mu.Lock()
	for _, cv := range e.live {
		if cv.ended() || (len(media) > 0 && !slices.Contains(media, string(analyticsMedia[cv.media]))) {
			continue
		}
		for _, p := range cv.parts {
			switch {
			case p.purpose == purposeACD && p.queueID == qid && p.state == stateConnected:
				if s.offered(cv, p) {
					qc.plain["oAlerting"]++
				} else {
					qc.plain["oWaiting"]++
				}
			case p.purpose == purposeAgent && p.queueID == qid && p.state == stateConnected:
				qc.plain["oInteracting"]++
			}
		}
	}
	e.mu.Unlock()
	st := s.store
	st.memMu.Lock()
	members := slices.Clone(st.queueMembers[qid])
	st.memMu.Unlock()
	st.agentMu.Lock()
	defer st.agentMu.Unlock()
	for _, m := range members {
		qc.plain["oMemberUsers"]++
		if !m.joined {
			continue
		}
		qc.plain["oActiveUsers"]++
		pr := st.presenceOf(m.userID, "purecloud")
		rs := string(st.routingOf(m.userID).status)
		qc.qualified["oUserPresences"][pr.defID]++
		qc.qualified["oUserRoutingStatuses"][rs]++
		if onQueue(pr.system) {
			qc.qualified["oOnQueueUsers"][rs]++
		} else {
			qc.qualified["oOffQueueUsers"][pr.defID]++
		}
	}
	return qc
}
