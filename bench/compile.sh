#!/usr/bin/env bash
# Times cold builds with an empty GOCACHE: a hello-world HTTPS client (the
# floor any Go program that calls an API pays), the whole module, and a tiny
# program that imports only api/users; then the same two with the standard
# library already cached, which is what a user who has built any Go program
# before pays.
# Usage: bench/compile.sh   (run it on an idle machine)
set -euo pipefail
cd "$(dirname "$0")/.."
measure() { # label, command...
  local label=$1; shift
  local out
  out=$( { /usr/bin/time -f '%e %M' "$@" >/dev/null; } 2>&1 | tail -1)
  printf '%-44s %6s s  %5d MB peak RSS\n' "$label" "${out% *}" "$(( ${out#* } / 1024 ))"
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export GOFLAGS=-buildvcs=false
mkdir -p "$tmp/hello"
cat > "$tmp/hello/main.go" <<'GO'
package main

import (
	"encoding/json"
	"fmt"
	"net/http"
)

func main() {
	resp, err := http.Get("https://api.mypurecloud.com/api/v2/users/me")
	if err == nil {
		var v map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&v)
		fmt.Println(v)
	}
}
GO
printf 'module hello\ngo 1.26\n' > "$tmp/hello/go.mod"
( cd "$tmp/hello" && GOCACHE=$tmp/c0 measure "hello-world net/http program cold (floor)" go build -o "$tmp/hello/hello" . )
GOCACHE=$tmp/c1 measure "go build std cold (fills the cache below)" go build std
GOCACHE=$tmp/c2 measure "whole module cold (go build ./...)" go build ./...
GOCACHE=$tmp/c3 measure "tiny program (api/users) cold" go build -o "$tmp/tiny" ./bench/tiny
cp -r "$tmp/c1" "$tmp/c4"; cp -r "$tmp/c1" "$tmp/c5"
GOCACHE=$tmp/c4 measure "whole module, std cached" go build ./...
GOCACHE=$tmp/c5 measure "tiny program, std cached" go build -o "$tmp/tiny" ./bench/tiny
GOCACHE=$tmp/c5 measure "tiny program, module cached (relink)" go build -o "$tmp/tiny2" ./bench/tiny
printf '%-44s %6s MB\n' "tiny binary size" "$(( $(stat -c %s "$tmp/tiny") / 1024 / 1024 ))"
