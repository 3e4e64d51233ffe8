package logging

import (
	"context"
	"log/slog"
	"sync/atomic"
)

// handler filters records by its component's level and passes the rest to
// the inner handler, which accepts every level.
type handler struct {
	inner     slog.Handler
	levels    *Levels
	component string
	cache     *atomic.Uint64 // gen<<8 | level+128: the level cached at gen
}

func newHandler(inner slog.Handler, levels *Levels, component string) *handler {
	return &handler{inner: inner, levels: levels, component: component, cache: new(atomic.Uint64)}
}

func (h *handler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.level()
}

// level reads the component's level from the cache while no level changed.
func (h *handler) level() slog.Level {
	gen := h.levels.gen.Load()
	if c := h.cache.Load(); c>>8 == gen {
		return slog.Level(int(c&0xff) - 128)
	}
	lv := h.levels.Level(h.component)
	h.cache.Store(gen<<8 | uint64(int(lv)+128)&0xff)
	return lv
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	return h.inner.Handle(ctx, r)
}

// WithAttrs takes the component from the attributes that name one.
func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	comp := h.component
	for _, a := range attrs {
		switch v := a.Value.String(); a.Key {
		case "component":
			comp = v
		case "controller":
			comp = "controllers/" + v
		case "station":
			comp = "ocpp/" + v
		}
	}
	return newHandler(h.inner.WithAttrs(attrs), h.levels, comp)
}

func (h *handler) WithGroup(name string) slog.Handler {
	return &handler{inner: h.inner.WithGroup(name), levels: h.levels, component: h.component, cache: h.cache}
}
