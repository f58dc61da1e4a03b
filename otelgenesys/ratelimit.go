package otelgenesys

import (
	"context"
	"time"

	"github.com/purecloudgo/platformclient"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
)

// RegisterRateLimitMetrics reports the rate-limit pacing state of c
// (platformclient.Client.RateLimitState) as observable gauges, read each time
// the meter provider collects:
//
//	genesys.client.ratelimit.allowed    requests the API allows per window, as learnt
//	genesys.client.ratelimit.remaining  requests left in the API's current window
//	genesys.client.ratelimit.waiting    calls waiting for their turn now
//	genesys.client.ratelimit.rate       attempts per second the client paces at
//	genesys.client.ratelimit.held       seconds until a hold after a 429 ends (0 when none)
//
// Only WithMeterProvider of opts is used. Call Unregister on the result when
// the client is closed, so the provider stops reading it.
func RegisterRateLimitMetrics(c *platformclient.Client, opts ...Option) (metric.Registration, error) {
	var cfg config
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.mp == nil {
		cfg.mp = otel.GetMeterProvider()
	}
	m := cfg.mp.Meter(ScopeName)
	allowed, err := m.Int64ObservableGauge("genesys.client.ratelimit.allowed", metric.WithUnit("{request}"),
		metric.WithDescription("Requests the API allows per rate-limit window, as learnt by the client."))
	if err != nil {
		return nil, err
	}
	remaining, err := m.Int64ObservableGauge("genesys.client.ratelimit.remaining", metric.WithUnit("{request}"),
		metric.WithDescription("Requests left in the API's current rate-limit window, as last reported."))
	if err != nil {
		return nil, err
	}
	waiting, err := m.Int64ObservableGauge("genesys.client.ratelimit.waiting", metric.WithUnit("{call}"),
		metric.WithDescription("Calls waiting for their turn under the client's pacing."))
	if err != nil {
		return nil, err
	}
	rate, err := m.Float64ObservableGauge("genesys.client.ratelimit.rate", metric.WithUnit("{request}/s"),
		metric.WithDescription("Attempts per second the client paces at; 0 while no rate is known."))
	if err != nil {
		return nil, err
	}
	held, err := m.Float64ObservableGauge("genesys.client.ratelimit.held", metric.WithUnit("s"),
		metric.WithDescription("Seconds until the hold after a 429 or an exhausted window ends."))
	if err != nil {
		return nil, err
	}
	return m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		st := c.RateLimitState()
		o.ObserveInt64(allowed, int64(st.Allowed))
		o.ObserveInt64(remaining, int64(st.Remaining))
		o.ObserveInt64(waiting, int64(st.Waiting))
		o.ObserveFloat64(rate, st.Rate)
		h := 0.0
		if !st.HeldUntil.IsZero() {
			h = max(time.Until(st.HeldUntil).Seconds(), 0)
		}
		o.ObserveFloat64(held, h)
		return nil
	}, allowed, remaining, waiting, rate, held)
}
