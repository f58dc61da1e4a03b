package otelgenesys_test

import (
	"context"
	"fmt"
	"slices"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/otelgenesys"
	"github.com/purecloudgo/platformclient/sim"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// Tracing and measuring a client's calls. A program passes its own
// providers (or sets the global ones and passes no option); here they
// keep the data in memory to print it.
func Example() {
	s, err := sim.Start(sim.WithSeedUsers(3))
	if err != nil {
		panic(err)
	}
	defer s.Close()
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	metrics := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(metrics))

	c, err := platformclient.New(
		platformclient.WithBaseURL(s.URL()), platformclient.WithLoginURL(s.URL()), // or WithEnvironment()
		platformclient.WithGrant(platformclient.ClientCredentials{ClientID: s.ClientID(), ClientSecret: s.ClientSecret()}),
		otelgenesys.ClientOption(otelgenesys.WithTracerProvider(tp), otelgenesys.WithMeterProvider(mp)))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	if _, err := users.NewClient(c).GetUsers(ctx, nil); err != nil {
		panic(err)
	}
	for _, sp := range spans.Ended() {
		for _, kv := range sp.Attributes() {
			if kv.Key == "http.response.status_code" {
				fmt.Println(sp.Name(), kv.Value.AsInt64())
			}
		}
	}
	var rm metricdata.ResourceMetrics
	if err := metrics.Collect(ctx, &rm); err != nil {
		panic(err)
	}
	var names []string
	for _, m := range rm.ScopeMetrics[0].Metrics {
		names = append(names, m.Name)
	}
	slices.Sort(names)
	fmt.Println(names)
	// Output:
	// oauth.token 200
	// users.GetUsers 200
	// [genesys.client.call.duration genesys.client.token.requests http.client.request.duration]
}
