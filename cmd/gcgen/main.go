// Command gcgen generates the platformclient models and API packages from a
// Genesys Cloud Platform API definition (Swagger 2.0).
//
// Usage:
//
//	gcgen [-spec path-or-url] [-out dir]
//
// The default definition is ../shared/spec/platform-api-v2.json, relative to
// the output directory.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

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
	res, err := gen.Generate(s, *out)
	if err != nil {
		return err
	}
	fmt.Printf("gcgen: %d definitions (%d Go types), %d operations in %d packages, %d files\n",
		res.Models, res.Types, res.Operations, res.Packages, res.Files)
	return nil
}
