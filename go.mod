module github.com/purecloudgo/platformclient

go 1.26.0

require (
	github.com/go-json-experiment/json v1.27.2
	go.uber.org/goleak v1.3.0
	golang.org/x/oauth2 v0.38.0
	golang.org/x/time v0.15.0
)
