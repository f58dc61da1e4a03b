package gen

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// JSON renders the report as indented JSON.
func (r *Report) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Markdown renders the report as release notes: breaking changes,
// additions, deprecations and other changes, then the changes to preview
// operations apart.
func (r *Report) Markdown() string {
	var b strings.Builder
	b.WriteString("# Release notes\n\n")
	fmt.Fprintf(&b, "API definition %s → %s.\n\n", specLine(r.Old), specLine(r.New))
	switch {
	case r.Bump != None:
		fmt.Fprintf(&b, "**Version bump: %s** (%d breaking, %d additive, %d other)", r.Bump, r.Breaking, r.Additive, r.Other)
	case r.Previews > 0:
		b.WriteString("**Version bump: none.** Only preview operations changed")
	default:
		b.WriteString("**Version bump: none.** Nothing the SDK generates differs")
	}
	if r.Previews > 0 {
		fmt.Fprintf(&b, "; %s to preview operations", plural(r.Previews, "change"))
	}
	b.WriteString(".")
	if r.Version != nil {
		if r.Version.From == r.Version.To {
			fmt.Fprintf(&b, " SDK version stays %s.", r.Version.From)
		} else {
			fmt.Fprintf(&b, " SDK version %s → %s.", r.Version.From, r.Version.To)
		}
	}
	b.WriteString("\n")

	var stable, preview []Change
	for _, c := range r.Changes {
		if c.Preview {
			preview = append(preview, c)
		} else {
			stable = append(stable, c)
		}
	}
	writeSections(&b, "##", stable)
	if len(preview) > 0 {
		b.WriteString("\n## Preview operations\n\n")
		b.WriteString("Preview operations (`x-genesys-preview`) and the definitions only they use may change in any release; these changes do not affect the version.\n")
		writeSections(&b, "###", preview)
	}
	return b.String()
}

func specLine(s SpecInfo) string {
	var parts []string
	if s.Source != "" {
		parts = append(parts, "`"+s.Source+"`")
	}
	desc := strings.TrimSpace(s.Title + " " + s.Version)
	parts = append(parts, fmt.Sprintf("(%s: %d operations, %d definitions)", desc, s.Operations, s.Definitions))
	return strings.Join(parts, " ")
}

func writeSections(b *strings.Builder, h string, cs []Change) {
	sections := []struct {
		title, intro string
		match        func(Change) bool
	}{
		{"Breaking changes", "Go code written against the previous version may not compile.", func(c Change) bool { return c.Level == Major }},
		{"Additions", "", func(c Change) bool { return c.Level == Minor }},
		{"Deprecations", "", func(c Change) bool { return c.Level == Patch && c.Kind == KindOperationDeprecated }},
		{"Other changes", "Documentation, validation and wire details; the Go API is unchanged.", func(c Change) bool {
			return c.Level == Patch && c.Kind != KindOperationDeprecated
		}},
	}
	for _, s := range sections {
		var lines []string
		for _, c := range cs {
			if s.match(c) {
				lines = append(lines, changeLine(c))
			}
		}
		if len(lines) == 0 {
			continue
		}
		fmt.Fprintf(b, "\n%s %s\n\n", h, s.title)
		if s.intro != "" {
			b.WriteString(s.intro + "\n\n")
		}
		for _, l := range lines {
			b.WriteString(l + "\n")
		}
	}
}

func changeLine(c Change) string {
	var b strings.Builder
	b.WriteString("- `" + c.Where + "`")
	if c.What != "" {
		b.WriteString(", " + c.What)
	}
	b.WriteString(": " + c.Detail)
	if len(c.Go) > 0 && !strings.HasPrefix(c.Kind, "go-") {
		const show = 3
		var ids []string
		for i, g := range c.Go {
			if i == show {
				ids = append(ids, fmt.Sprintf("%d more", len(c.Go)-show))
				break
			}
			ids = append(ids, "`"+g+"`")
		}
		b.WriteString(" (" + strings.Join(ids, ", ") + ")")
	}
	return b.String()
}

// ---- versions ----

// ErrMajorAfterV1 is returned by NextVersion for a breaking change to a
// version 1.0.0 or later: Go would need a new import path (/v2) for it.
var ErrMajorAfterV1 = errors.New("breaking change after v1 needs a new major version and import path")

// NextVersion returns the SDK version that follows cur (MAJOR.MINOR.PATCH,
// optionally with a leading "v") after changes of level l.
//
// Below 1.0.0 the import path has no version suffix and a breaking change
// bumps the minor number (0.3.1 → 0.4.0); additive and other changes bump
// the patch number (0.3.1 → 0.3.2). From 1.0.0 on, additive changes bump
// the minor number and other changes the patch number; a breaking change
// returns ErrMajorAfterV1 unless allowMajor is set, because in Go a major
// version above 1 changes the import path.
func NextVersion(cur string, l Level, allowMajor bool) (string, error) {
	prefix := ""
	s := strings.TrimSpace(cur)
	if strings.HasPrefix(s, "v") {
		prefix, s = "v", s[1:]
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return "", fmt.Errorf("version %q: want MAJOR.MINOR.PATCH", cur)
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || p != strconv.Itoa(v) {
			return "", fmt.Errorf("version %q: want MAJOR.MINOR.PATCH", cur)
		}
		n[i] = v
	}
	switch {
	case l == None:
	case n[0] == 0 && l == Major:
		n[1], n[2] = n[1]+1, 0
	case n[0] == 0:
		n[2]++
	case l == Major:
		if !allowMajor {
			return "", fmt.Errorf("version %s: %w", cur, ErrMajorAfterV1)
		}
		n[0], n[1], n[2] = n[0]+1, 0, 0
	case l == Minor:
		n[1], n[2] = n[1]+1, 0
	default:
		n[2]++
	}
	return fmt.Sprintf("%s%d.%d.%d", prefix, n[0], n[1], n[2]), nil
}

// ReadVersion reads a VERSION file: one line holding the version.
func ReadVersion(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	v := strings.TrimSpace(string(b))
	if _, err := NextVersion(v, None, false); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// versionHeader starts the generated version.go.
const versionHeader = "// Code generated by gcgen from VERSION. DO NOT EDIT.\n\n"

// WriteVersion writes v to the VERSION file at path and, beside it,
// version.go, which declares the platformclient package's Version constant
// (sent in the User-Agent header).
func WriteVersion(path, v string) error {
	if _, err := NextVersion(v, None, false); err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(v+"\n"), 0o644); err != nil {
		return err
	}
	return SyncVersionGo(filepath.Dir(path), v)
}

// SyncVersionGo writes dir/version.go for version v unless it is current.
func SyncVersionGo(dir, v string) error {
	src := versionHeader + "package platformclient\n\n" +
		"// Version is the version of this SDK, sent in the User-Agent header. gcgen\n" +
		"// writes it from the VERSION file (gcgen diff -bump VERSION OLD NEW).\n" +
		"const Version = " + strconv.Quote(strings.TrimPrefix(v, "v")) + "\n"
	p := filepath.Join(dir, "version.go")
	if old, err := os.ReadFile(p); err == nil && string(old) == src {
		return nil
	}
	return os.WriteFile(p, []byte(src), 0o644)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
