package sim

import (
	"net/http"
	"slices"
	"sync"
	"time"
)

// userState is what the simulator keeps of each user besides the user
// entity: profile skills, routing skills and languages, and the last login.
// Presence and routing status live in agents.go.
type userState struct {
	mu            sync.Mutex
	profileSkills map[string][]string     // by user id
	skills        map[string][]assignment // routing skills by user id, in adding order
	languages     map[string][]assignment // routing languages by user id
	lastLogin     map[string]time.Time    // by user id, set when a user token is issued
}

// assignment is a routing skill or language given to a user.
type assignment struct {
	id          string
	proficiency float64
}

func newUserState() *userState {
	return &userState{profileSkills: map[string][]string{}, skills: map[string][]assignment{},
		languages: map[string][]assignment{}, lastLogin: map[string]time.Time{}}
}

// forget removes everything kept of a deleted user.
func (us *userState) forget(id string) {
	us.mu.Lock()
	defer us.mu.Unlock()
	delete(us.profileSkills, id)
	delete(us.skills, id)
	delete(us.languages, id)
	delete(us.lastLogin, id)
}

// getProfileSkills serves GET /api/v2/users/{userId}/profileskills.
func getProfileSkills(c *call) (int, any, *apiError) {
	uid, ae := userExists(c)
	if ae != nil {
		return 0, nil, ae
	}
	return http.StatusOK, c.s.store.profileSkillsOf(uid), nil
}

// putProfileSkills serves PUT /api/v2/users/{userId}/profileskills: the
// body replaces the user's profile skills.
func putProfileSkills(c *call) (int, any, *apiError) {
	uid, ae := userExists(c)
	if ae != nil {
		return 0, nil, ae
	}
	var skills []string
	if b, ok := c.body.(*[]string); ok && b != nil {
		for _, s := range *b {
			if !slices.Contains(skills, s) {
				skills = append(skills, s)
			}
		}
	}
	st := c.s.store
	st.userState.mu.Lock()
	st.userState.profileSkills[uid] = skills
	st.userState.mu.Unlock()
	return http.StatusOK, st.profileSkillsOf(uid), nil
}

// profileSkillsOf returns a user's profile skills, [] for none.
func (st *store) profileSkillsOf(userID string) []string {
	st.userState.mu.Lock()
	defer st.userState.mu.Unlock()
	return append([]string{}, st.userState.profileSkills[userID]...)
}

func init() {
	bind("GET", "/api/v2/users/{userId}/profileskills", getProfileSkills)
	bind("PUT", "/api/v2/users/{userId}/profileskills", putProfileSkills)
}
