// Command gcgen generates the platformclient models and API packages from a
// Genesys Cloud Platform API definition (Swagger 2.0).
//
// Usage:
//
//	gcgen [-spec path-or-url] [-mappings path-or-url] [-out dir]
//
// The default definition is ../shared/spec/platform-api-v2.json, relative to
// the output directory. The notification topic table (api/topics) is built
// from notification-mappings.json beside the definition unless -mappings
// names another file; without one the table is empty.
package main

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/purecloudgo/platformclient/internal/gen"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gcgen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("gcgen", flag.ContinueOnError)
	out := fs.String("out", ".", "module root to write models/ and api/ into")
	spec := fs.String("spec", "", "definition file path or http(s) URL (default ../shared/spec/platform-api-v2.json from -out)")
	mappings := fs.String("mappings", "", "notification-mappings.json path or URL (default: beside the definition; an empty topic table when it is absent)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	src := *spec
	if src == "" {
		src = filepath.Join(*out, "..", "shared", "spec", "platform-api-v2.json")
	}
	s, err := gen.Load(src)
	if err != nil {
		return err
	}
	mp := *mappings
	if mp == "" {
		mp = sibling(src, "notification-mappings.json")
	}
	topics, err := gen.LoadMappings(mp)
	switch {
	case err == nil:
		s.Notifications = topics
	case *mappings == "" && errors.Is(err, gen.ErrNotFound):
		fmt.Printf("gcgen: no %s; the topic table is empty\n", mp)
	default:
		return err
	}
	res, err := gen.Generate(s, *out)
	if err != nil {
		return err
	}
	fmt.Printf("gcgen: %d definitions (%d Go types), %d operations in %d packages (%d paged), %d notification topics, %d files\n",
		res.Models, res.Types, res.Operations, res.Packages, res.Paged, res.Topics, res.Files)
	return nil
}

// sibling returns the path or URL of a file named name in the same directory
// as src.
func sibling(src, name string) string {
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		if u, err := url.Parse(src); err == nil {
			return u.ResolveReference(&url.URL{Path: name}).String()
		}
	}
	return filepath.Join(filepath.Dir(src), name)
}
