package logging

import (
	"context"
	"log/slog"
	"sync/atomic"

	"github.com/ocppgw/ocppgw/internal/i18n"
)

// handler filters records by its component's level, translates the
// message of the rest, and passes them to the inner handler, which accepts
// every level.
type handler struct {
	inner     slog.Handler
	levels    *Levels
	lang      i18n.Lang
	component string
	cache     *atomic.Uint64 // gen<<8 | level+128: the level cached at gen
}

func newHandler(inner slog.Handler, levels *Levels, lang i18n.Lang, component string) *handler {
	return &handler{inner: inner, levels: levels, lang: lang, component: component, cache: new(atomic.Uint64)}
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

// Handle translates the message of records at info and above, which are
// for operators; debug and trace records are for developers and stay
// English. Attributes are never translated, so their keys and values read
// the same to parsers in every language.
func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelInfo {
		r.Message = i18n.Log(h.lang, r.Message)
	}
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
	return newHandler(h.inner.WithAttrs(attrs), h.levels, h.lang, comp)
}

func (h *handler) WithGroup(name string) slog.Handler {
	return &handler{inner: h.inner.WithGroup(name), levels: h.levels, lang: h.lang, component: h.component, cache: h.cache}
}
