package gen

// raceEnabled reports whether the tests run with -race (race_test.go).
var raceEnabled bool
