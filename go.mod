module github.com/purecloudgo/platformclient

go 1.26.0

require (
	github.com/coder/websocket v1.8.15
	github.com/fsnotify/fsnotify v1.10.1
	github.com/go-json-experiment/json v1.27.2
	go.uber.org/goleak v1.3.0
	golang.org/x/oauth2 v0.38.0
	gopkg.in/ini.v1 v1.68.0
)

require golang.org/x/sys v0.13.0 // indirect
