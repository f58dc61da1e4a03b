package sim

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/purecloudgo/platformclient/models"
)

// POST /api/v2/analytics/conversations/aggregates/query aggregates the
// session metrics of the conversations a details query of the interval
// finds (in progress and ended, conversations_index.go), as the service
// does: a metric counts in the granularity bucket of its emit date (no
// granularity: one bucket, the interval), per group of the groupBy
// dimensions' values of the session (queueId, userId, mediaType,
// direction, originatingDirection, purpose, wrapUpCode, conversationId,
// divisionId, participantName, …); the filter's predicates test the
// session's segments (conversations_filter.go). A count metric (n…)
// reports stats.count as the sum of its values; a time metric (t…) count,
// sum, min and max. Groups and buckets without data are left out.

// maxAggregateBuckets bounds the buckets of one query.
const maxAggregateBuckets = 10_000

func init() {
	bind("POST", "/api/v2/analytics/conversations/aggregates/query", postConversationAggregates)
}

var granularityRE = regexp.MustCompile(`^P(?:(\d+)W|(\d+)D|T(?:(\d+)H)?(?:(\d+)M)?)$`)

// parseGranularity reads an ISO-8601 duration of weeks, days, hours or
// minutes; "" is the whole interval.
func parseGranularity(g string) (time.Duration, bool) {
	if g == "" {
		return 0, true
	}
	m := granularityRE.FindStringSubmatch(g)
	if m == nil || g == "PT" {
		return 0, false
	}
	units := []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, time.Hour, time.Minute}
	var d time.Duration
	for i, u := range units {
		if m[i+1] != "" {
			n, err := strconv.Atoi(m[i+1])
			if err != nil || n > 100_000 {
				return 0, false
			}
			d += time.Duration(n) * u
		}
	}
	return d, d > 0
}

// groupValue is a session's value of a groupBy dimension, "" for none.
func groupValue(cv *conv, p *participant, dim string) string {
	switch dim {
	case "queueId":
		return p.queueID
	case "wrapUpCode":
		return p.wrapupCode
	}
	x := evalCtx{cv: cv, p: p}
	if len(p.segs) > 0 {
		x.sg = &p.segs[0]
	}
	if f, ok := conversationDims[dim]; ok {
		if v := f(cv); len(v) > 0 {
			return v[0]
		}
		return ""
	}
	if f, ok := segmentDims[dim]; ok && x.sg != nil {
		if v := f(x); len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// aggStats accumulates one metric of one bucket of one group.
type aggStats struct {
	count         int
	sum, min, max float64
}

func (a *aggStats) add(v float64) {
	if a.count == 0 || v < a.min {
		a.min = v
	}
	if a.count == 0 || v > a.max {
		a.max = v
	}
	a.count++
	a.sum += v
}

func (a *aggStats) summary(metric string) models.StatisticalSummary {
	if strings.HasPrefix(metric, "n") {
		return models.StatisticalSummary{Count: ptrTo(int(a.sum))}
	}
	return models.StatisticalSummary{Count: ptrTo(a.count), Sum: ptrTo(a.sum), Min: ptrTo(a.min), Max: ptrTo(a.max)}
}

func aggPredicate(p models.ConversationAggregateQueryPredicate) predicate {
	return predicate{typ: string(deref(p.Type)), dim: string(deref(p.Dimension)), op: string(deref(p.Operator)),
		value: platformValue(p.Value), rng: p.Range}
}

func postConversationAggregates(c *call) (int, any, *apiError) {
	q := c.body.(*models.ConversationAggregationQuery)
	start, end, ae := checkInterval(platformValue(q.Interval))
	if ae != nil {
		return 0, nil, ae
	}
	gran, ok := parseGranularity(platformValue(q.Granularity))
	if !ok {
		return 0, nil, badRequest("granularity", fmt.Sprintf("Invalid granularity %q: use an ISO-8601 duration such as PT30M, PT1H or P1D.", platformValue(q.Granularity)))
	}
	if gran == 0 {
		gran = end.Sub(start)
	}
	if end.Sub(start)/gran > maxAggregateBuckets {
		return 0, nil, badRequest("granularity", fmt.Sprintf("The interval holds more than %d buckets of the granularity.", maxAggregateBuckets))
	}
	if len(q.Metrics) == 0 {
		return 0, nil, badRequest("metrics", "At least one metric is required.")
	}
	sp := specOf(string(deref(q.Filter.Type)), q.Filter.Predicates, aggPredicate)
	for _, cl := range q.Filter.Clauses {
		sp.clauses = append(sp.clauses, specOf(string(deref(cl.Type)), cl.Predicates, aggPredicate))
	}
	filter, ae := compileFilter("filter", sp)
	if ae != nil {
		return 0, nil, ae
	}
	type key struct{ group, bucket int }
	var groups []map[string]string
	groupIdx := map[string]int{}
	stats := map[key]map[string]*aggStats{}

	e := &c.s.convs
	e.mu.Lock()
	for _, cv := range c.s.matchingConvs(start, end, nil, false) {
		for _, p := range cv.parts {
			if !sessionPasses(cv, p, filter) {
				continue
			}
			g := map[string]string{}
			var gk strings.Builder
			for _, dim := range q.GroupBy {
				v := groupValue(cv, p, dim)
				if v != "" {
					g[dim] = v
				}
				gk.WriteString(dim + "=" + v + "\x00")
			}
			for _, m := range metrics(cv, p) {
				name, at := deref(m.Name), deref(m.EmitDate).Time
				if !slices.Contains(q.Metrics, name) || at.Before(start) || !at.Before(end) {
					continue
				}
				gi, ok := groupIdx[gk.String()]
				if !ok {
					gi = len(groups)
					groupIdx[gk.String()] = gi
					groups = append(groups, g)
				}
				k := key{gi, int(at.Sub(start) / gran)}
				if stats[k] == nil {
					stats[k] = map[string]*aggStats{}
				}
				if stats[k][name] == nil {
					stats[k][name] = &aggStats{}
				}
				stats[k][name].add(float64(deref(m.Value)))
			}
		}
	}
	e.mu.Unlock()

	keys := make([]key, 0, len(stats))
	for k := range stats {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.group != b.group {
			return a.group - b.group
		}
		return a.bucket - b.bucket
	})
	out := &models.ConversationAggregateQueryResponse{Results: []models.ConversationAggregateDataContainer{}}
	prev := -1
	for _, k := range keys {
		if k.group != prev {
			out.Results = append(out.Results, models.ConversationAggregateDataContainer{Group: groups[k.group]})
			prev = k.group
		}
		bs := start.Add(time.Duration(k.bucket) * gran)
		be := bs.Add(gran)
		if be.After(end) {
			be = end
		}
		sr := models.StatisticalResponse{Interval: ptrTo(wireTime(bs) + "/" + wireTime(be))}
		for _, name := range q.Metrics {
			if a := stats[k][name]; a != nil {
				sr.Metrics = append(sr.Metrics, models.AggregateMetricData{Metric: ptrTo(name), Stats: a.summary(name)})
			}
		}
		last := &out.Results[len(out.Results)-1]
		last.Data = append(last.Data, sr)
	}
	return http.StatusOK, out, nil
}

// sessionPasses reports whether one of a session's segments passes a
// filter (an empty filter passes every session).
func sessionPasses(cv *conv, p *participant, filter func(evalCtx) bool) bool {
	for i := range p.segs {
		if filter(evalCtx{cv, p, &p.segs[i]}) {
			return true
		}
	}
	return false
}
