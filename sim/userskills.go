package sim

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/purecloudgo/platformclient/models"
)

// A user's routing skills (GET, POST /api/v2/users/{userId}/routingskills,
// PUT and PATCH …/routingskills/bulk, PUT and DELETE
// …/routingskills/{skillId}); the routing engine offers a conversation
// that asks for skills only to agents who have them all.

// UserSkills returns the ids of a user's routing skills.
func (s *Server) UserSkills(userID string) []string {
	e := &s.convs
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, sk := range e.skills[userID] {
		out = append(out, sk.id)
	}
	return out
}

// hasSkills reports whether a user has every skill. The caller holds e.mu.
func (s *Server) hasSkills(userID string, skills []string) bool {
	have := s.convs.skills[userID]
	for _, want := range skills {
		if !slices.ContainsFunc(have, func(a agentSkill) bool { return a.id == want }) {
			return false
		}
	}
	return true
}

// skillModel renders a user's skill.
func (s *Server) skillModel(userID string, a agentSkill) models.UserRoutingSkill {
	name, state := "", "active"
	if it, ok := s.store.skills.getItem(a.id); ok {
		name = str(it.e["name"])
	}
	return models.UserRoutingSkill{ID: ptrTo(a.id), Name: ptrTo(name), Proficiency: ptrTo(a.proficiency),
		State: ptrTo(models.UserRoutingSkillState(state)), SkillURI: ptrTo("/api/v2/routing/skills/" + a.id),
		SelfURI: ptrTo("/api/v2/users/" + userID + "/routingskills/" + a.id)}
}

// skillPosts checks skills to add: each must exist.
func (s *Server) skillPosts(posts []models.UserRoutingSkillPost) ([]agentSkill, *apiError) {
	out := make([]agentSkill, 0, len(posts))
	for i, p := range posts {
		if p.ID == nil || *p.ID == "" {
			return nil, badRequest(fmt.Sprintf("[%d].id", i), "Every skill needs an id.")
		}
		if _, ok := s.store.skills.getItem(*p.ID); !ok {
			return nil, badRequest(fmt.Sprintf("[%d].id", i), fmt.Sprintf("The routing skill %s does not exist.", *p.ID))
		}
		a := agentSkill{id: *p.ID}
		if p.Proficiency != nil {
			a.proficiency = *p.Proficiency
		}
		out = append(out, a)
	}
	return out, nil
}

// mergeSkills adds or updates skills.
func mergeSkills(have, add []agentSkill) []agentSkill {
	for _, a := range add {
		if k := slices.IndexFunc(have, func(x agentSkill) bool { return x.id == a.id }); k >= 0 {
			have[k] = a
		} else {
			have = append(have, a)
		}
	}
	return have
}

// userSkillsListing renders a user's skills as one page.
func (s *Server) userSkillsListing(c *call, uid string) (int, any, *apiError) {
	p, ae := pageOf(c.query)
	if ae != nil {
		return 0, nil, ae
	}
	e := &s.convs
	e.mu.Lock()
	var items []models.UserRoutingSkill
	for _, a := range e.skills[uid] {
		items = append(items, s.skillModel(uid, a))
	}
	e.mu.Unlock()
	return http.StatusOK, fitTo(pageListing("/api/v2/users/"+uid+"/routingskills", c.query, items, p), responseType(c)), nil
}

func changeUserSkills(replace bool) handler {
	return func(c *call) (int, any, *apiError) {
		uid, ae := userExists(c)
		if ae != nil {
			return 0, nil, ae
		}
		add, ae := c.s.skillPosts(*c.body.(*[]models.UserRoutingSkillPost))
		if ae != nil {
			return 0, nil, ae
		}
		e := &c.s.convs
		e.mu.Lock()
		if e.skills == nil {
			e.skills = map[string][]agentSkill{}
		}
		if replace {
			e.skills[uid] = nil
		}
		e.skills[uid] = mergeSkills(e.skills[uid], add)
		e.mu.Unlock()
		return c.s.userSkillsListing(c, uid)
	}
}

func init() {
	bind("GET", "/api/v2/users/{userId}/routingskills", func(c *call) (int, any, *apiError) {
		uid, ae := userExists(c)
		if ae != nil {
			return 0, nil, ae
		}
		return c.s.userSkillsListing(c, uid)
	})
	bind("POST", "/api/v2/users/{userId}/routingskills", thenRoute(func(c *call) (int, any, *apiError) {
		uid, ae := userExists(c)
		if ae != nil {
			return 0, nil, ae
		}
		add, ae := c.s.skillPosts([]models.UserRoutingSkillPost{*c.body.(*models.UserRoutingSkillPost)})
		if ae != nil {
			return 0, nil, ae
		}
		e := &c.s.convs
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.skills == nil {
			e.skills = map[string][]agentSkill{}
		}
		e.skills[uid] = mergeSkills(e.skills[uid], add)
		return http.StatusOK, c.s.skillModel(uid, add[0]), nil
	}))
	bind("PUT", "/api/v2/users/{userId}/routingskills/bulk", thenRoute(changeUserSkills(true)))
	bind("PATCH", "/api/v2/users/{userId}/routingskills/bulk", thenRoute(changeUserSkills(false)))
	bind("DELETE", "/api/v2/users/{userId}/routingskills/{skillId}", func(c *call) (int, any, *apiError) {
		uid, ae := userExists(c)
		if ae != nil {
			return 0, nil, ae
		}
		e := &c.s.convs
		e.mu.Lock()
		defer e.mu.Unlock()
		if have, ok := e.skills[uid]; ok {
			e.skills[uid] = slices.DeleteFunc(have, func(a agentSkill) bool { return a.id == c.vars["skillId"] })
		}
		return http.StatusNoContent, nil, nil
	})
}
