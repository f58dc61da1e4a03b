package sim

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestMatchingConvsIndex checks the index against a scan of every
// conversation: random conversations (some in progress, some ended, some
// long, ended out of start order) and random intervals, including ones
// whose edges fall on a start or an end.
func TestMatchingConvsIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	s := &Server{}
	e := &s.convs
	var all []*conv
	for i := range 2000 {
		cv := &conv{id: string(rune('a' + i%26)), seq: uint64(i + 1), start: base.Add(time.Duration(r.IntN(48*60)) * time.Minute)}
		all = append(all, cv)
		switch r.IntN(10) {
		case 0, 1:
			e.live = append(e.live, cv)
		default:
			d := time.Duration(r.IntN(30)) * time.Minute
			if r.IntN(50) == 0 {
				d = time.Duration(r.IntN(20)) * time.Hour
			}
			cv.end = cv.start.Add(d)
		}
	}
	var ended []*conv
	for _, cv := range all {
		if cv.ended() {
			ended = append(ended, cv)
		}
	}
	slices.SortFunc(ended, func(a, b *conv) int { return a.end.Compare(b.end) }) // as they end
	for _, cv := range ended {
		e.indexEnded(cv)
	}
	if !slices.IsSortedFunc(e.ended, byStart) || len(e.ended) != len(ended) {
		t.Fatal("index not by start")
	}
	scan := func(from, to time.Time) []*conv {
		var out []*conv
		for _, cv := range all {
			if cv.start.Before(to) && (cv.end.IsZero() || cv.end.After(from) || !cv.start.Before(from)) {
				out = append(out, cv)
			}
		}
		slices.SortStableFunc(out, byStart)
		return out
	}
	for i := range 300 {
		from := base.Add(time.Duration(r.IntN(50*60)-60) * time.Minute)
		to := from.Add(time.Duration(1+r.IntN(6*60)) * time.Minute)
		if i%3 == 0 { // an edge on a start or an end
			cv := all[r.IntN(len(all))]
			from = cv.start
			if cv.ended() {
				from = cv.end
			}
		}
		got, want := s.matchingConvs(from, to, nil, false), scan(from, to)
		if !slices.Equal(got, want) {
			t.Fatalf("[%s, %s): %d conversations, a scan finds %d", from, to, len(got), len(want))
		}
		desc := s.matchingConvs(from, to, nil, true)
		slices.Reverse(desc)
		if !slices.Equal(desc, want) {
			t.Fatalf("[%s, %s): desc is not the reverse", from, to)
		}
	}
}

func TestParseGranularity(t *testing.T) {
	for g, want := range map[string]time.Duration{"": 0, "PT30M": 30 * time.Minute, "PT1H30M": 90 * time.Minute,
		"P1D": 24 * time.Hour, "P1W": 7 * 24 * time.Hour, "PT15M": 15 * time.Minute} {
		if d, ok := parseGranularity(g); !ok || d != want {
			t.Errorf("%q: %v %v, want %v", g, d, ok, want)
		}
	}
	for _, g := range []string{"PT", "P", "1h", "PT0M", "P1M", "PT1S", "P999999999999D", "-PT1H"} {
		if d, ok := parseGranularity(g); ok {
			t.Errorf("%q accepted as %v", g, d)
		}
	}
}

// BenchmarkMatchingConvsHour selects one hour's conversations among
// 100,000 ended over 100 days: the index reads only those that can
// overlap the hour.
func BenchmarkMatchingConvsHour(b *testing.B) {
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	s := &Server{}
	for i := range 100_000 {
		start := base.Add(time.Duration(i) * (100 * 24 * time.Hour / 100_000))
		s.convs.indexEnded(&conv{seq: uint64(i + 1), start: start, end: start.Add(10 * time.Minute)})
	}
	from := base.Add(50 * 24 * time.Hour)
	for b.Loop() {
		if n := len(s.matchingConvs(from, from.Add(time.Hour), nil, false)); n < 40 || n > 50 {
			b.Fatalf("%d conversations in the hour", n)
		}
	}
}
