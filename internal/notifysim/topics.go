package notifysim

import (
	"slices"
	"strings"
	"sync"

	"github.com/purecloudgo/platformclient/api/topics"
)

// expand returns the topics a subscription stands for: a combined topic
// such as "v2.users.{id}?presence&routingStatus" stands for
// "v2.users.{id}.presence" and "v2.users.{id}.routingStatus".
func expand(sub string) []string {
	base, rest, ok := strings.Cut(sub, "?")
	if !ok {
		return []string{sub}
	}
	var out []string
	for _, part := range strings.Split(rest, "&") {
		if part != "" {
			out = append(out, base+"."+part)
		}
	}
	return out
}

// matches reports whether any subscription covers topic.
func matches(subs []string, topic string) bool {
	for _, s := range subs {
		if slices.Contains(expand(s), topic) {
			return true
		}
	}
	return false
}

// count returns the number of topics the subscriptions stand for.
func count(subs []string) int {
	n := 0
	for _, s := range subs {
		n += len(expand(s))
	}
	return n
}

// availablePatterns lists the topic patterns of the generated topic table.
var availablePatterns = sync.OnceValue(func() []string {
	ps := make([]string, 0, len(topics.Payloads))
	for p := range topics.Payloads {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
})
