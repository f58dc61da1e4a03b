module github.com/purecloudgo/platformclient

go 1.26

require github.com/go-json-experiment/json v1.27.2

require github.com/coder/websocket v1.8.15
