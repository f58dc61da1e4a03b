module github.com/purecloudgo/platformclient

go 1.26

require (
	github.com/go-json-experiment/json v1.27.2
	golang.org/x/time v0.15.0
)

require go.uber.org/goleak v1.3.0
