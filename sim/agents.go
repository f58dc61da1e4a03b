package sim

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/types"
)

// userPresence is a user's presence from one source.
type userPresence struct {
	source   string // "PURECLOUD" or the source id
	sourceID string
	defID    string
	system   string // systemPresence of the definition
	defURI   string
	primary  bool
	message  string
	modified time.Time
}

// routingState is a user's routing status.
type routingState struct {
	status models.RoutingStatusStatus
	start  time.Time
}

// pureCloudSource is the source of presences set in Genesys Cloud itself.
const pureCloudSource = "PURECLOUD"

func isPureCloud(sourceID string) bool { return strings.EqualFold(sourceID, "purecloud") }

// initialTime is the deterministic time of a state nobody set yet.
func (st *store) initialTime(key string) time.Time {
	return defaultFiller.when(hashString(st.seed, key))
}

// defaultPresence is the presence of a user before any change: Offline.
func (st *store) defaultPresence(userID, sourceID string) userPresence {
	p := userPresence{source: sourceID, sourceID: sourceID, primary: isPureCloud(sourceID),
		system: "Offline", modified: st.initialTime("presence/" + userID)}
	if isPureCloud(sourceID) {
		p.source = pureCloudSource
	}
	for _, it := range st.presences.list(func(e entity) bool { return str(e["systemPresence"]) == "Offline" }) {
		p.defID, p.defURI = str(it.e["id"]), str(it.e["selfUri"])
		break
	}
	return p
}

// presenceOf returns a user's presence from a source. The caller holds agentMu.
func (st *store) presenceOf(userID, sourceID string) userPresence {
	if p, ok := st.presence[userID][strings.ToLower(sourceID)]; ok {
		return p
	}
	return st.defaultPresence(userID, sourceID)
}

// model renders a presence as the API answers it.
func (p userPresence) model(userID string) *models.UserPresence {
	src := p.sourceID
	if p.source == pureCloudSource {
		src = "purecloud"
	}
	out := &models.UserPresence{
		Source:   &p.source,
		SourceID: &p.sourceID,
		Primary:  &p.primary,
		PresenceDefinition: models.PresenceDefinition{ID: &p.defID, SystemPresence: &p.system,
			SelfURI: &p.defURI},
		ModifiedDate: &types.DateTime{Time: p.modified},
		SelfURI:      ptrTo("/api/v2/users/" + userID + "/presences/" + src),
	}
	if p.message != "" {
		out.Message = &p.message
	}
	return out
}

// event renders a presence as the payload of v2.users.{id}.presence.
func (p userPresence) event() *models.PresenceEventUserPresence {
	out := &models.PresenceEventUserPresence{
		Source:             &p.source,
		PresenceDefinition: models.PresenceEventOrganizationPresence{ID: &p.defID, SystemPresence: &p.system},
		Primary:            &p.primary,
		ModifiedDate:       &types.DateTime{Time: p.modified},
	}
	if p.message != "" {
		out.Message = &p.message
	}
	return out
}

func ptrTo[T any](v T) *T { return &v }

// sourceOf returns the presence source of a call: "purecloud" for the
// literal route, else the sourceId path value.
func sourceOf(c *call) string {
	if s := c.vars["sourceId"]; s != "" {
		return s
	}
	return "purecloud"
}

func userExists(c *call) (string, *apiError) {
	id := c.vars["userId"]
	if _, ok := c.s.store.users.getItem(id); !ok {
		return "", c.s.store.users.notFound(id)
	}
	return id, nil
}

// getUserPresence serves GET /api/v2/users/{userId}/presences/{sourceId}
// and .../presences/purecloud.
func getUserPresence(c *call) (int, any, *apiError) {
	st := c.s.store
	uid, ae := userExists(c)
	if ae != nil {
		return 0, nil, ae
	}
	st.agentMu.Lock()
	p := st.presenceOf(uid, sourceOf(c))
	st.agentMu.Unlock()
	return http.StatusOK, p.model(uid), nil
}

// patchUserPresence serves PATCH /api/v2/users/{userId}/presences/{sourceId}
// and .../presences/purecloud: it sets the presence definition (by id, from
// either presence definition API) and the message. A change of the primary
// presence is published on v2.users.{id}.presence; going on or off queue
// also changes the routing status (IDLE or OFF_QUEUE) and publishes
// v2.users.{id}.routingStatus.
func patchUserPresence(c *call) (int, any, *apiError) {
	st := c.s.store
	uid, ae := userExists(c)
	if ae != nil {
		return 0, nil, ae
	}
	body := c.body.(*models.UserPresence)
	defID := ""
	if body.PresenceDefinition.ID != nil {
		defID = *body.PresenceDefinition.ID
	}
	if defID == "" && body.Message == nil {
		return 0, nil, badRequest("presenceDefinition.id", "A presence change needs presenceDefinition.id or a message.")
	}
	var def entity
	if defID != "" {
		var ok bool
		if def, ok = st.presences.get(defID); !ok {
			if def, ok = st.presenceDefs.get(defID); !ok {
				return 0, nil, badRequest("presenceDefinition.id", fmt.Sprintf("The presence definition %s does not exist.", defID))
			}
		}
		if def["deactivated"] == true {
			return 0, nil, badRequest("presenceDefinition.id", fmt.Sprintf("The presence definition %s is deactivated.", defID))
		}
	}
	src := sourceOf(c)
	st.agentMu.Lock()
	defer st.agentMu.Unlock()
	p := st.presenceOf(uid, src)
	wasOnQueue := onQueue(p.system)
	if def != nil {
		p.defID, p.system, p.defURI = defID, str(def["systemPresence"]), str(def["selfUri"])
		if p.system == "" {
			p.system = str(def["name"])
		}
	}
	if body.Message != nil {
		p.message = *body.Message
	}
	if body.Primary != nil && !isPureCloud(src) {
		p.primary = *body.Primary
	}
	p.modified = st.now().UTC()
	if st.presence[uid] == nil {
		st.presence[uid] = map[string]userPresence{}
	}
	st.presence[uid][strings.ToLower(src)] = p
	if p.primary {
		st.publish("v2.users."+uid+".presence", p.event())
		if now := onQueue(p.system); now != wasOnQueue {
			status := models.RoutingStatusStatusOFFQUEUE
			if now {
				status = models.RoutingStatusStatusIDLE
			}
			st.setRouting(uid, status)
		}
	}
	return http.StatusOK, p.model(uid), nil
}

// onQueue reports whether a system presence is On Queue.
func onQueue(system string) bool {
	return strings.EqualFold(strings.ReplaceAll(strings.ReplaceAll(system, " ", ""), "_", ""), "onqueue")
}

// routingOf returns a user's routing status. The caller holds agentMu.
func (st *store) routingOf(userID string) routingState {
	if r, ok := st.routing[userID]; ok {
		return r
	}
	return routingState{status: models.RoutingStatusStatusOFFQUEUE, start: st.initialTime("routing/" + userID)}
}

// setRouting changes a user's routing status and publishes it on
// v2.users.{id}.routingStatus. The caller holds agentMu.
func (st *store) setRouting(userID string, status models.RoutingStatusStatus) routingState {
	r := routingState{status: status, start: st.now().UTC()}
	st.routing[userID] = r
	evStatus := models.UserRoutingStatusRoutingStatusStatus(status)
	st.publish("v2.users."+userID+".routingStatus", &models.UserRoutingStatusUserRoutingStatus{
		ID:            &userID,
		RoutingStatus: models.UserRoutingStatusRoutingStatus{Status: &evStatus, StartTime: &types.DateTime{Time: r.start}},
	})
	return r
}

func (r routingState) model(userID string) *models.RoutingStatus {
	return &models.RoutingStatus{UserID: &userID, Status: &r.status, StartTime: &types.DateTime{Time: r.start}}
}

// getUserRoutingStatus serves GET /api/v2/users/{userId}/routingstatus; as
// the service, it answers OFF_QUEUE for a user that does not exist.
func getUserRoutingStatus(c *call) (int, any, *apiError) {
	st := c.s.store
	uid := c.vars["userId"]
	st.agentMu.Lock()
	r := st.routingOf(uid)
	st.agentMu.Unlock()
	return http.StatusOK, r.model(uid), nil
}

// putUserRoutingStatus serves PUT /api/v2/users/{userId}/routingstatus and
// publishes the change on v2.users.{id}.routingStatus.
func putUserRoutingStatus(c *call) (int, any, *apiError) {
	st := c.s.store
	uid, ae := userExists(c)
	if ae != nil {
		return 0, nil, ae
	}
	body := c.body.(*models.RoutingStatus)
	if body.Status == nil || *body.Status == "" {
		return 0, nil, badRequest("status", "A routing status needs a status.")
	}
	st.agentMu.Lock()
	r := st.setRouting(uid, *body.Status)
	st.agentMu.Unlock()
	return http.StatusOK, r.model(uid), nil
}

// queueMemberEvent publishes a membership change on
// v2.routing.queues.{id}.users; a removed member is announced with joined
// false.
func (st *store) queueMemberEvent(queueID, userID string, joined bool) {
	st.publish("v2.routing.queues."+queueID+".users", &models.QueueUserEventTopicQueueMember{
		ID:      &userID,
		User:    models.QueueUserEventTopicUserReference{ID: &userID},
		QueueID: &queueID,
		Joined:  &joined,
	})
}

func init() {
	bind("GET", "/api/v2/users/{userId}/presences/purecloud", getUserPresence)
	bind("PATCH", "/api/v2/users/{userId}/presences/purecloud", patchUserPresence)
	bind("GET", "/api/v2/users/{userId}/presences/{sourceId}", getUserPresence)
	bind("PATCH", "/api/v2/users/{userId}/presences/{sourceId}", patchUserPresence)
	bind("GET", "/api/v2/users/{userId}/routingstatus", getUserRoutingStatus)
	bind("PUT", "/api/v2/users/{userId}/routingstatus", putUserRoutingStatus)
}
