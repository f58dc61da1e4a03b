package sim_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/analytics"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/sim"
)

var seedFrom = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// heapInUse is the live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestEndedConversationsHeap measures the heap 10,000 ended conversations
// take (seeded with SeedEndedConversations) and bounds it, so a change that
// makes them much bigger fails.
func TestEndedConversationsHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap")
	}
	s, err := sim.New(sim.WithSeedUsers(100))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	before := heapInUse()
	if _, err := s.SeedEndedConversations(10_000, seedFrom, seedFrom.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	after := heapInUse()
	per := float64(after-before) / 10_000
	t.Logf("10,000 ended conversations: %.1f MB of heap, %.0f bytes each", float64(after-before)/(1<<20), per)
	if per > 8192 {
		t.Fatalf("%.0f bytes per ended conversation, want at most 8 KiB", per)
	}
	runtime.KeepAlive(s)
}

// BenchmarkDetailsQuery times a details query over 10,000 ended
// conversations (a full day), reading the first page of 100.
func BenchmarkDetailsQuery(b *testing.B) {
	an := seededAnalytics(b)
	iv := "2026-03-01T00:00:00Z/2026-03-02T00:00:00Z"
	q := &models.ConversationQuery{Interval: &iv, Paging: models.PagingSpec{PageSize: platformclient.Ptr(100), PageNumber: platformclient.Ptr(1)}}
	ctx := context.Background()
	for b.Loop() {
		r, err := an.PostAnalyticsConversationsDetailsQuery(ctx, q, nil)
		if err != nil {
			b.Fatal(err)
		}
		if *r.TotalHits != 10_000 || len(r.Conversations) != 100 {
			b.Fatalf("%d hits, %d conversations", *r.TotalHits, len(r.Conversations))
		}
	}
}

// BenchmarkDetailsJob times a details job over 10,000 ended conversations:
// submit, then read every result in pages of 1,000.
func BenchmarkDetailsJob(b *testing.B) {
	an := seededAnalytics(b)
	iv := "2026-03-01T00:00:00Z/2026-03-02T00:00:00Z"
	ctx := context.Background()
	for b.Loop() {
		job, err := an.PostAnalyticsConversationsDetailsJobs(ctx, &models.AsyncConversationQuery{Interval: &iv}, nil)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for conv, err := range an.GetAnalyticsConversationsDetailsJobResultsItems(ctx, *job.JobID,
			&analytics.GetAnalyticsConversationsDetailsJobResultsOptions{PageSize: platformclient.Ptr(1000)}) {
			if err != nil {
				b.Fatal(err)
			}
			_ = conv
			n++
		}
		if n != 10_000 {
			b.Fatalf("%d results", n)
		}
	}
}

// seededAnalytics starts a simulator with 10,000 ended conversations on
// 2026-03-01 (jobs final at once) and returns its analytics client; the
// simulator closes when the benchmark ends.
func seededAnalytics(b *testing.B) *analytics.Client {
	b.Helper()
	s := sim.StartTest(b, sim.WithSeedUsers(100), sim.WithAnalyticsJobPolls(0))
	if _, err := s.SeedEndedConversations(10_000, seedFrom, seedFrom.Add(24*time.Hour)); err != nil {
		b.Fatal(err)
	}
	c, err := s.NewClient()
	if err != nil {
		b.Fatal(err)
	}
	return analytics.NewClient(c)
}
