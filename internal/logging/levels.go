package logging

import (
	"fmt"
	"log/slog"
	"maps"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// LevelTrace is below DEBUG: every OCPP frame a station sends and receives.
const LevelTrace = slog.Level(-8)

// ParseLevel reads trace, debug, info, warn or error.
func ParseLevel(s string) (slog.Level, error) {
	if strings.EqualFold(s, "trace") {
		return LevelTrace, nil
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("log level %q: want trace, debug, info, warn or error", s)
	}
	return l, nil
}

// LevelName is the word ParseLevel reads for l.
func LevelName(l slog.Level) string {
	if l == LevelTrace {
		return "trace"
	}
	return strings.ToLower(l.String())
}

// Levels holds the default level and the levels set per component. It is
// safe for concurrent use; handlers cache their component's level until
// the next change.
type Levels struct {
	mu   sync.Mutex
	def  slog.Level
	by   map[string]slog.Level
	gen  atomic.Uint64 // moves on every change, invalidating the caches
	snap atomic.Pointer[levelsSnapshot]
}

type levelsSnapshot struct {
	def slog.Level
	by  map[string]slog.Level
}

// NewLevels parses a spec: a default level, then component=level pairs,
// separated by commas, e.g. "info,drivers/modbus=debug,ocpp/CP001=trace".
func NewLevels(spec string) (*Levels, error) {
	l := &Levels{by: map[string]slog.Level{}}
	for i, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		comp, word, pair := strings.Cut(part, "=")
		if !pair {
			if i > 0 {
				return nil, fmt.Errorf("log level %q: only the first entry may be a bare level, then component=level", spec)
			}
			comp, word = "", part
		}
		lv, err := ParseLevel(word)
		if err != nil {
			return nil, err
		}
		if pair && comp == "" {
			return nil, fmt.Errorf("log level %q: empty component before %q", spec, "="+word)
		}
		if comp == "" {
			l.def = lv
		} else {
			l.by[comp] = lv
		}
	}
	l.publish()
	return l, nil
}

// Set gives component its own level, or the default for "" or "default".
func (l *Levels) Set(component, level string) error {
	lv, err := ParseLevel(level)
	if err != nil {
		return err
	}
	component = strings.Trim(component, "/")
	l.mu.Lock()
	defer l.mu.Unlock()
	if component == "" || component == "default" {
		l.def = lv
	} else {
		l.by[component] = lv
	}
	l.publish()
	return nil
}

// Reset removes component's own level: it follows its prefix or the default.
func (l *Levels) Reset(component string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.by, strings.Trim(component, "/"))
	l.publish()
}

func (l *Levels) publish() {
	l.snap.Store(&levelsSnapshot{def: l.def, by: maps.Clone(l.by)})
	l.gen.Add(1)
}

// Level is the level in force for component: its longest configured
// prefix's, else the default.
func (l *Levels) Level(component string) slog.Level {
	s := l.snap.Load()
	for c := component; c != ""; {
		if lv, ok := s.by[c]; ok {
			return lv
		}
		i := strings.LastIndexByte(c, '/')
		if i < 0 {
			break
		}
		c = c[:i]
	}
	return s.def
}

// Snapshot lists the default ("default") and every component's own level,
// by name, sorted.
func (l *Levels) Snapshot() []ComponentLevel {
	s := l.snap.Load()
	out := []ComponentLevel{{Component: "default", Level: LevelName(s.def)}}
	names := make([]string, 0, len(s.by))
	for c := range s.by {
		names = append(names, c)
	}
	sort.Strings(names)
	for _, c := range names {
		out = append(out, ComponentLevel{Component: c, Level: LevelName(s.by[c])})
	}
	return out
}

// ComponentLevel is one line of Snapshot, as the API answers it.
type ComponentLevel struct {
	Component string `json:"component"`
	Level     string `json:"level"`
}
