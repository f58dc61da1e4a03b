package docsnippets

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

var linkRE = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// prose returns the lines of a Markdown text outside fenced code blocks.
func prose(text string) []string {
	var out []string
	fenced := false
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			fenced = !fenced
			out = append(out, "")
			continue
		}
		if fenced {
			out = append(out, "")
			continue
		}
		out = append(out, l)
	}
	return out
}

// anchors returns the anchors GitHub gives the headings of a Markdown text.
func anchors(text string) map[string]bool {
	m := map[string]bool{}
	seen := map[string]int{}
	for _, l := range prose(text) {
		if !strings.HasPrefix(l, "#") {
			continue
		}
		h := strings.TrimSpace(strings.TrimLeft(l, "#"))
		var b strings.Builder
		for _, r := range strings.ToLower(h) {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				b.WriteRune(r)
			}
		}
		a := b.String()
		if n := seen[a]; n > 0 {
			m[a+"-"+strconv.Itoa(n)] = true
		} else {
			m[a] = true
		}
		seen[a]++
	}
	return m
}

// TestRelativeLinks checks that every relative link of README.md and docs/
// leads to a file that exists and, for a Markdown file, to one of its headings.
func TestRelativeLinks(t *testing.T) {
	links := 0
	for _, file := range docFiles(t) {
		text, err := os.ReadFile(filepath.Join(root, file))
		if err != nil {
			t.Fatal(err)
		}
		for i, l := range prose(string(text)) {
			for _, m := range linkRE.FindAllStringSubmatch(l, -1) {
				target := m[1]
				if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
					continue
				}
				links++
				path, anchor, _ := strings.Cut(target, "#")
				full := filepath.Join(root, file)
				if path != "" {
					full = filepath.Join(filepath.Dir(full), filepath.FromSlash(path))
					if _, err := os.Stat(full); err != nil {
						t.Errorf("%s:%d: link to %s: no such file", file, i+1, target)
						continue
					}
				}
				if anchor == "" || !strings.HasSuffix(full, ".md") {
					continue
				}
				dest, err := os.ReadFile(full)
				if err != nil {
					t.Errorf("%s:%d: link to %s: %v", file, i+1, target, err)
					continue
				}
				if !anchors(string(dest))[anchor] {
					t.Errorf("%s:%d: link to %s: no such heading", file, i+1, target)
				}
			}
		}
	}
	if links < 20 {
		t.Errorf("found %d relative links; the docs have more: is the extraction broken?", links)
	}
}

// TestReadmeIsALandingPage keeps README.md short, with the two set-up
// commands, and linking every guide of docs/.
func TestReadmeIsALandingPage(t *testing.T) {
	text, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(text)
	if n := strings.Count(readme, "\n"); n > 400 {
		t.Errorf("README.md has %d lines; a landing page has at most 400: move the topic to a guide in docs/", n)
	}
	for _, cmd := range []string{"go run ./examples/quickstart", "go test ./..."} {
		if !strings.Contains(readme, cmd) {
			t.Errorf("README.md lacks the set-up command %q", cmd)
		}
	}
	for _, file := range docFiles(t)[1:] {
		if !strings.Contains(readme, "]("+file+")") {
			t.Errorf("README.md does not link the guide %s", file)
		}
	}
}
