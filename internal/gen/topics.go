package gen

import (
	"fmt"
	"sort"
	"strings"
)

// topicsFile renders package topics: notification topic pattern -> payload
// model factory. Without mappings the table is empty.
func (g *generator) topicsFile() (string, int) {
	var b strings.Builder
	b.WriteString(Header)
	b.WriteString(`// Package topics maps the notification topics of the Genesys Cloud Platform
// API to the models of their payloads (eventBody), as listed by
// notification-mappings.json.
//
// A pattern names its variable parts {id}, e.g. "v2.users.{id}.presence";
// package notifications matches received topic names against these patterns
// and decodes each event into a new value of the pattern's model.
package topics
`)
	byTopic := map[string]string{}
	for _, n := range g.spec.Notifications {
		m, ok := g.models.byDef[n.Class]
		if !ok || n.Topic == "" {
			continue
		}
		if _, dup := byTopic[n.Topic]; !dup {
			byTopic[n.Topic] = m.Name
		}
	}
	if len(byTopic) > 0 {
		b.WriteString("\nimport \"github.com/purecloudgo/platformclient/models\"\n")
	}
	b.WriteString(`
// Payloads maps each topic pattern to a function returning a pointer to a new
// value of its payload model, e.g. "v2.users.{id}.presence" to
// new(models.PresenceEventUserPresence).
var Payloads = map[string]func() any{
`)
	keys := make([]string, 0, len(byTopic))
	for k := range byTopic {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "\t%q: func() any { return new(models.%s) },\n", k, byTopic[k])
	}
	b.WriteString("}\n")
	return b.String(), len(keys)
}
