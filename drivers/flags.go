package drivers

import (
	"maps"
	"slices"

	"github.com/spf13/pflag"
)

// AddFlags defines every registered protocol's gwd flags on fs (in the
// order of the protocols' names; a name two protocols define panics, as
// pflag does) and returns what builds a Set's configs from their values
// once fs is parsed: an entry for each protocol with flags.
func AddFlags(fs *pflag.FlagSet) func() map[string]any {
	registry.RLock()
	flags := map[string]func(*pflag.FlagSet) func() any{}
	for name, p := range registry.m {
		if p.Flags != nil {
			flags[name] = p.Flags
		}
	}
	registry.RUnlock()
	configs := map[string]func() any{}
	for _, name := range slices.Sorted(maps.Keys(flags)) {
		configs[name] = flags[name](fs)
	}
	return func() map[string]any {
		out := make(map[string]any, len(configs))
		for name, config := range configs {
			out[name] = config()
		}
		return out
	}
}
