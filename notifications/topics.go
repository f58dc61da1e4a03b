package notifications

import (
	"strings"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/purecloudgo/platformclient/api/topics"
)

// Topic fills the {id} placeholders of a topic pattern with ids, in order:
// Topic("v2.users.{id}.presence", userID) is "v2.users.<userID>.presence".
// Placeholders without an id stay as they are, which Subscribe rejects.
func Topic(pattern string, ids ...string) string {
	var b strings.Builder
	rest := pattern
	for _, id := range ids {
		i := strings.Index(rest, "{")
		if i < 0 {
			break
		}
		j := strings.Index(rest[i:], "}")
		if j < 0 {
			break
		}
		b.WriteString(rest[:i])
		b.WriteString(id)
		rest = rest[i+j+1:]
	}
	b.WriteString(rest)
	return b.String()
}

// Event is one notification received on a channel.
type Event struct {
	// Topic is the topic name, e.g. "v2.users.<id>.presence".
	Topic string
	// Pattern is the topic pattern it matched, e.g.
	// "v2.users.{id}.presence"; "" for a topic the SDK does not know.
	Pattern string
	// Data is the decoded eventBody: a pointer to the pattern's model (e.g.
	// *models.PresenceEventUserPresence), or nil for an unknown topic or
	// when decoding failed (see Err).
	Data any
	// Body is the raw JSON of eventBody.
	Body []byte
	// CorrelationID is the metadata.CorrelationId of the event.
	CorrelationID string
	// Err is the decoding error, if any.
	Err error
}

// As returns the event's data as *T, for a type switch-free read:
//
//	if p, ok := notifications.As[models.PresenceEventUserPresence](ev); ok { ... }
func As[T any](e Event) (*T, bool) {
	v, ok := e.Data.(*T)
	return v, ok && v != nil
}

// pattern is a topic pattern split at dots.
type pattern struct {
	name     string
	segments []string
	literals int
}

var patterns = sync.OnceValue(func() map[int][]pattern {
	byLen := map[int][]pattern{}
	for p := range topics.Payloads {
		segs := strings.Split(p, ".")
		lit := 0
		for _, s := range segs {
			if !isPlaceholder(s) {
				lit++
			}
		}
		byLen[len(segs)] = append(byLen[len(segs)], pattern{name: p, segments: segs, literals: lit})
	}
	return byLen
})

func isPlaceholder(s string) bool { return strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") }

// PatternOf returns the topic pattern a topic name matches, e.g.
// "v2.users.{id}.presence" for "v2.users.8f2c….presence", or "" when no
// pattern of the generated table matches. A placeholder matches one
// dot-free segment; when several patterns match, the one with the most
// literal segments wins.
func PatternOf(topic string) string {
	segs := strings.Split(topic, ".")
	best, bestLit := "", -1
	for _, p := range patterns()[len(segs)] {
		if p.literals <= bestLit {
			continue
		}
		ok := true
		for i, s := range p.segments {
			if !isPlaceholder(s) && s != segs[i] || isPlaceholder(s) && segs[i] == "" {
				ok = false
				break
			}
		}
		if ok {
			best, bestLit = p.name, p.literals
		}
	}
	return best
}

// lenient accepts duplicate names and invalid UTF-8, as the client does.
var lenient = json.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

// decodeEvent builds an Event from a topic and its raw eventBody.
func decodeEvent(topic string, body []byte, correlationID string) Event {
	e := Event{Topic: topic, Body: body, CorrelationID: correlationID, Pattern: PatternOf(topic)}
	if e.Pattern == "" {
		return e
	}
	v := topics.Payloads[e.Pattern]()
	if len(body) == 0 {
		return e
	}
	if err := json.Unmarshal(body, v, lenient); err != nil {
		e.Err = err
		return e
	}
	e.Data = v
	return e
}
