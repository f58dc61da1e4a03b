module github.com/purecloudgo/platformclient

go 1.26.0

require github.com/go-json-experiment/json v1.27.2

require golang.org/x/oauth2 v0.38.0
