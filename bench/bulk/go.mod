module github.com/purecloudgo/platformclient/bench/bulk

go 1.26.0

require (
	github.com/purecloudgo/platformclient v0.0.0
	github.com/purecloudgo/platformclient/redisstate v0.0.0
	github.com/redis/go-redis/v9 v9.23.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/coder/websocket v1.8.15 // indirect
	github.com/fsnotify/fsnotify v1.10.1 // indirect
	github.com/go-json-experiment/json v1.27.2 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/oauth2 v0.38.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
	gopkg.in/ini.v1 v1.68.0 // indirect
)

replace (
	github.com/purecloudgo/platformclient => ../../
	github.com/purecloudgo/platformclient/redisstate => ../../redisstate
)
