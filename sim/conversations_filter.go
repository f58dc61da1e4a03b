package sim

import (
	"fmt"
	"slices"
	"strings"

	"github.com/purecloudgo/platformclient/models"
)

// Details-query filters, evaluated as the service does:
//
//   - a conversation filter tests the conversation's own dimensions
//     (conversationId, conversationStart, conversationEnd, divisionId,
//     originatingDirection) and metrics (any session's metric, or
//     tConversationDuration); a segment dimension there matches when any
//     segment has the value;
//   - a segment filter passes when one segment, with its session and
//     participant, satisfies the whole filter: {purpose agent, queueId Q}
//     is an agent's segment in queue Q, not any agent and any segment in Q;
//   - exists and notExists test whether the value is there at all, so
//     conversationEnd notExists selects the conversations in progress and
//     segmentEnd notExists the open segments; a metric predicate with a
//     range matches a value within it.
//
// A dimension the simulator keeps no value of matches nothing (and
// notExists everything).

// detailFilter is a compiled set of conversation and segment filters: a
// conversation passes when every filter matches.
type detailFilter []func(cv *conv) bool

// evalCtx is what a predicate is evaluated on: a conversation, and for
// segment filters one participant's segment.
type evalCtx struct {
	cv *conv
	p  *participant
	sg *segment
}

// predicate is what filtering needs of a conversation or segment predicate.
type predicate struct {
	typ, dim, op, value string
	rng                 models.NumericRange
}

// filterSpec is a details filter of either kind: predicates and clauses
// (groups of predicates) joined by its type, "and" or "or".
type filterSpec struct {
	typ     string
	preds   []predicate
	clauses []filterSpec
}

// conversationDims read a conversation's value of a dimension.
var conversationDims = map[string]func(cv *conv) []string{
	"conversationId":       func(cv *conv) []string { return []string{cv.id} },
	"conversationStart":    func(cv *conv) []string { return []string{wireTime(cv.start)} },
	"originatingDirection": func(cv *conv) []string { return []string{cv.direction} },
	"conversationEnd": func(cv *conv) []string {
		if cv.ended() {
			return []string{wireTime(cv.end)}
		}
		return nil
	},
	"divisionId": func(cv *conv) []string {
		if cv.division != "" {
			return []string{cv.division}
		}
		return nil
	},
}

// one is a single value, or none when empty.
func one(v string) []string {
	if v == "" {
		return nil
	}
	return []string{v}
}

// segmentDims read a segment's value of a dimension, with its session's
// and participant's.
var segmentDims = map[string]func(x evalCtx) []string{
	"purpose":         func(x evalCtx) []string { return one(x.p.purpose) },
	"userId":          func(x evalCtx) []string { return one(x.p.userID) },
	"participantId":   func(x evalCtx) []string { return one(x.p.id) },
	"participantName": func(x evalCtx) []string { return one(x.p.name) },
	"sessionId":       func(x evalCtx) []string { return one(x.p.commID) },
	"mediaType":       func(x evalCtx) []string { return one(string(analyticsMedia[x.cv.media])) },
	"direction":       func(x evalCtx) []string { return one(x.cv.direction) },
	"queueId":         func(x evalCtx) []string { return one(x.sg.queueID) },
	"segmentType":     func(x evalCtx) []string { return one(x.sg.typ) },
	"disconnectType":  func(x evalCtx) []string { return one(x.sg.disconnect) },
	"wrapUpCode":      func(x evalCtx) []string { return one(x.sg.code) },
	"wrapUpNote":      func(x evalCtx) []string { return one(x.sg.note) },
	"conference": func(x evalCtx) []string {
		if x.sg.conference {
			return []string{"true"}
		}
		return nil
	},
	"transferType": func(x evalCtx) []string { return one(x.sg.transferType) },
	"segmentEnd": func(x evalCtx) []string {
		if x.sg.end.IsZero() {
			return nil
		}
		return []string{wireTime(x.sg.end)}
	},
	"addressFrom": func(x evalCtx) []string {
		if x.p.purpose == purposeCustomer {
			return one(x.p.address)
		}
		return nil
	},
	"callbackNumber": func(x evalCtx) []string {
		if cust := x.cv.customer(); x.cv.media == MediaCallback && cust != nil {
			return one(cust.address)
		}
		return nil
	},
	"requestedRoutingSkillId": func(x evalCtx) []string {
		if x.p.purpose == purposeACD {
			return x.p.skills
		}
		return nil
	},
}

// dimValues returns the values of a dimension in a context: on a
// conversation without a segment, a segment dimension has the values of
// all its segments.
func dimValues(x evalCtx, dim string) []string {
	if f, ok := conversationDims[dim]; ok {
		return f(x.cv)
	}
	f, ok := segmentDims[dim]
	if !ok {
		return nil
	}
	if x.sg != nil {
		return f(x)
	}
	var out []string
	for _, p := range x.cv.parts {
		for i := range p.segs {
			out = append(out, f(evalCtx{x.cv, p, &p.segs[i]})...)
		}
	}
	return out
}

// metricValues returns the values of a metric in a context.
func metricValues(x evalCtx, name string) []float64 {
	if x.sg != nil {
		if name == "tSegmentDuration" && !x.sg.end.IsZero() {
			return []float64{float64(ms(x.sg.end.Sub(x.sg.start)))}
		}
		return nil
	}
	if name == "tConversationDuration" {
		if x.cv.ended() {
			return []float64{float64(ms(x.cv.end.Sub(x.cv.start)))}
		}
		return nil
	}
	var out []float64
	for _, p := range x.cv.parts {
		for _, m := range metrics(x.cv, p) {
			if deref(m.Name) == name {
				out = append(out, float64(deref(m.Value)))
			}
		}
	}
	return out
}

// inRange reports whether v is within a range (an empty one holds any).
func inRange(r models.NumericRange, v float64) bool {
	return (r.Gt == nil || v > *r.Gt) && (r.Gte == nil || v >= *r.Gte) &&
		(r.Lt == nil || v < *r.Lt) && (r.Lte == nil || v <= *r.Lte)
}

// test evaluates one predicate.
func (pr predicate) test(x evalCtx) bool {
	if pr.typ == "metric" {
		vs := metricValues(x, pr.dim)
		switch pr.op {
		case "exists":
			return len(vs) > 0
		case "notExists":
			return len(vs) == 0
		}
		return slices.ContainsFunc(vs, func(v float64) bool {
			return inRange(pr.rng, v) && (pr.value == "" || fmt.Sprint(v) == pr.value)
		})
	}
	vs := dimValues(x, pr.dim)
	switch pr.op {
	case "exists":
		return len(vs) > 0
	case "notExists":
		return len(vs) == 0
	case "notMatches":
		return len(vs) > 0 && !slices.Contains(vs, pr.value)
	}
	return slices.Contains(vs, pr.value)
}

// compileFilter builds the test of one filter or clause.
func compileFilter(field string, f filterSpec) (func(evalCtx) bool, *apiError) {
	var tests []func(evalCtx) bool
	for i, p := range f.preds {
		switch p.op {
		case "", "matches", "notMatches", "exists", "notExists":
		default:
			return nil, badRequest(fmt.Sprintf("%s.predicates[%d].operator", field, i), fmt.Sprintf("Unknown operator %q.", p.op))
		}
		tests = append(tests, p.test)
	}
	for i, cl := range f.clauses {
		fn, ae := compileFilter(fmt.Sprintf("%s.clauses[%d]", field, i), cl)
		if ae != nil {
			return nil, ae
		}
		tests = append(tests, fn)
	}
	or := strings.EqualFold(f.typ, "or")
	return func(x evalCtx) bool {
		for _, t := range tests {
			if ok := t(x); or && ok {
				return true
			} else if !or && !ok {
				return false
			}
		}
		return !or || len(tests) == 0
	}, nil
}

// anySegment lifts a segment test to the conversation: some segment passes.
func anySegment(t func(evalCtx) bool) func(*conv) bool {
	return func(cv *conv) bool {
		for _, p := range cv.parts {
			for i := range p.segs {
				if t(evalCtx{cv, p, &p.segs[i]}) {
					return true
				}
			}
		}
		return false
	}
}

// specOf converts a generated filter or clause (type, predicates) into a
// filterSpec.
func specOf[P any](typ string, preds []P, read func(P) predicate) filterSpec {
	f := filterSpec{typ: typ}
	for _, p := range preds {
		f.preds = append(f.preds, read(p))
	}
	return f
}

func convPredicate(p models.ConversationDetailQueryPredicate) predicate {
	pr := predicate{typ: string(deref(p.Type)), dim: string(deref(p.Dimension)), op: string(deref(p.Operator)),
		value: platformValue(p.Value), rng: p.Range}
	if pr.typ == "metric" || (pr.dim == "" && p.Metric != nil) {
		pr.typ, pr.dim = "metric", string(deref(p.Metric))
	}
	return pr
}

func segPredicate(p models.SegmentDetailQueryPredicate) predicate {
	pr := predicate{typ: string(deref(p.Type)), dim: string(deref(p.Dimension)), op: string(deref(p.Operator)),
		value: platformValue(p.Value), rng: p.Range}
	if pr.typ == "metric" || (pr.dim == "" && p.Metric != nil) {
		pr.typ, pr.dim = "metric", string(deref(p.Metric))
	}
	return pr
}

// compileQuery reads the conversation and segment filters of a details
// query; a conversation passes when it passes every filter.
func compileQuery(convFilters []models.ConversationDetailQueryFilter, segFilters []models.SegmentDetailQueryFilter) (detailFilter, *apiError) {
	var out detailFilter
	for i, f := range convFilters {
		sp := specOf(string(deref(f.Type)), f.Predicates, convPredicate)
		for _, cl := range f.Clauses {
			sp.clauses = append(sp.clauses, specOf(string(deref(cl.Type)), cl.Predicates, convPredicate))
		}
		fn, ae := compileFilter(fmt.Sprintf("conversationFilters[%d]", i), sp)
		if ae != nil {
			return nil, ae
		}
		out = append(out, func(cv *conv) bool { return fn(evalCtx{cv: cv}) })
	}
	for i, f := range segFilters {
		sp := specOf(string(deref(f.Type)), f.Predicates, segPredicate)
		for _, cl := range f.Clauses {
			sp.clauses = append(sp.clauses, specOf(string(deref(cl.Type)), cl.Predicates, segPredicate))
		}
		fn, ae := compileFilter(fmt.Sprintf("segmentFilters[%d]", i), sp)
		if ae != nil {
			return nil, ae
		}
		out = append(out, anySegment(fn))
	}
	return out, nil
}

// pass reports whether a conversation passes every filter.
func (f detailFilter) pass(cv *conv) bool {
	for _, fn := range f {
		if !fn(cv) {
			return false
		}
	}
	return true
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
