// Package docsnippets holds the tests that keep the documentation honest: every
// ```go block of README.md and docs/*.md is type-checked against the SDK, every
// package-qualified name the prose gives in inline code (`sim.CutBody`) must
// exist, and every relative link must lead to a file or heading that exists.
//
// A block is either a whole file (it starts with a package clause), a set of
// declarations, statements, or declarations followed by statements. Statements
// are wrapped in a function of their own; the names they use without declaring
// them (ctx, client, id, secret, …) are declared once, in givens.go.txt, with
// the types the prose gives them. Unused variables and imports are allowed.
package docsnippets
