// Command gcgen generates the platformclient models and API packages from a
// Genesys Cloud Platform API definition (Swagger 2.0), and compares two
// definitions to decide the next SDK version.
//
// Usage:
//
//	gcgen [-spec path-or-url] [-mappings path-or-url] [-out dir]
//	gcgen diff [-format md|json] [-o file] [-bump VERSION] [-allow-major] OLD NEW
//
// Without a subcommand gcgen generates code. The default definition is
// ../shared/spec/platform-api-v2.json, relative to the output directory.
// The notification topic table (api/topics) is built from
// notification-mappings.json beside the definition unless -mappings names
// another file; without one the table is empty. When the output directory
// holds a VERSION file, gcgen also writes version.go from it.
//
// gcgen diff compares the definitions OLD and NEW (file paths or http(s)
// URLs) and writes release notes (Markdown) or the full report (JSON),
// classifying every change by what it does to Go code written against the
// generated SDK. With -bump it reads the SDK version from the named VERSION
// file, writes the version the changes imply back to it, and regenerates
// version.go beside it.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/purecloudgo/platformclient/internal/gen"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "gcgen:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "diff" {
		return runDiff(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("gcgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
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
		fmt.Fprintf(stdout, "gcgen: no %s; the topic table is empty\n", mp)
	default:
		return err
	}
	res, err := gen.Generate(s, *out)
	if err != nil {
		return err
	}
	if v, err := gen.ReadVersion(filepath.Join(*out, "VERSION")); err == nil {
		if err := gen.SyncVersionGo(*out, v); err != nil {
			return err
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	fmt.Fprintf(stdout, "gcgen: %d definitions (%d Go types), %d operations in %d packages (%d paged), %d notification topics, %d files\n",
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

func runDiff(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gcgen diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: gcgen diff [-format md|json] [-o file] [-bump VERSION] [-allow-major] OLD NEW")
		fs.PrintDefaults()
	}
	format := fs.String("format", "md", "output format: md (release notes) or json (full report)")
	outFile := fs.String("o", "", "write the report to this file instead of standard output")
	bump := fs.String("bump", "", "VERSION file to update with the version the changes imply (version.go beside it is regenerated)")
	allowMajor := fs.Bool("allow-major", false, "with -bump at 1.0.0 or later: allow a new major version (needs a /vN import path)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return errors.New("diff: want two definitions, OLD and NEW")
	}
	if *format != "md" && *format != "json" {
		return fmt.Errorf("diff: unknown -format %q (want md or json)", *format)
	}
	oldSrc, newSrc := fs.Arg(0), fs.Arg(1)
	oldSpec, err := gen.Load(oldSrc)
	if err != nil {
		return fmt.Errorf("diff: %s: %w", oldSrc, err)
	}
	newSpec, err := gen.Load(newSrc)
	if err != nil {
		return fmt.Errorf("diff: %s: %w", newSrc, err)
	}
	r, err := gen.Diff(oldSpec, newSpec)
	if err != nil {
		return fmt.Errorf("diff: %w", err)
	}
	r.Old.Source, r.New.Source = oldSrc, newSrc
	var next string
	if *bump != "" {
		cur, err := gen.ReadVersion(*bump)
		if err != nil {
			return fmt.Errorf("diff: %w", err)
		}
		next, err = gen.NextVersion(cur, r.Bump, *allowMajor)
		if err != nil {
			return fmt.Errorf("diff: %w (see -allow-major)", err)
		}
		r.Version = &gen.VersionChange{From: cur, To: next}
	}
	var body []byte
	if *format == "json" {
		if body, err = r.JSON(); err != nil {
			return err
		}
	} else {
		body = []byte(r.Markdown())
	}
	if *outFile != "" {
		err = os.WriteFile(*outFile, body, 0o644)
	} else {
		_, err = stdout.Write(body)
	}
	if err != nil {
		return err
	}
	if r.Version != nil && r.Version.To != r.Version.From {
		if err := gen.WriteVersion(*bump, next); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "gcgen diff: %d changes (%d breaking, %d additive, %d other, %d preview): bump %s",
		len(r.Changes), r.Breaking, r.Additive, r.Other, r.Previews, r.Bump)
	if r.Version != nil {
		fmt.Fprintf(stderr, "; version %s → %s", r.Version.From, r.Version.To)
	}
	fmt.Fprintln(stderr)
	return nil
}
