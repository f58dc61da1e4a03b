package sim

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkUsersPageOf100k lists page 2000 (pageSize 50) of 100,000 users,
// side by side: "index" with the kept, ordered index of users.go, "scan"
// filtering every user per page as before.
func BenchmarkUsersPageOf100k(b *testing.B) {
	s, err := New(WithSeedUsers(100_000))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	tok := s.AccessToken()
	for _, mode := range []struct {
		name string
		scan bool
	}{{"scan", true}, {"index", false}} {
		b.Run(mode.name, func(b *testing.B) {
			s.cfg.limits.noListIndex = mode.scan
			for b.Loop() {
				req := httptest.NewRequest("GET", "/api/v2/users?pageSize=50&pageNumber=2000", nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				w := httptest.NewRecorder()
				s.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("%d %s", w.Code, w.Body)
				}
			}
		})
	}
}
