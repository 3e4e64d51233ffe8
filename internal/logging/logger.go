package logging

import (
	"fmt"
	"io"
	"log/slog"

	"gopkg.in/natefinch/lumberjack.v2"

	"github.com/ocppgw/ocppgw/internal/i18n"
)

// Options configure New.
type Options struct {
	// Levels is the level spec NewLevels reads: "info" or
	// "info,drivers/modbus=debug".
	Levels string
	// Format is "text" or "json".
	Format string
	// File, if set, receives the records instead of Stderr. It is rotated
	// when it reaches MaxSizeMB, and rotated files are gzipped and removed
	// after MaxAgeDays or beyond MaxBackups (0: keep them all).
	File                              string
	MaxSizeMB, MaxAgeDays, MaxBackups int
	// Stderr is where records go without File.
	Stderr io.Writer
	// Lang is the --lang value, "en" (or empty) or "ja"; gwd's flag takes
	// its default from the locale (i18n.FromEnv). Messages at info and above
	// are written in it; attribute keys and values, and the level, stay as
	// they are.
	Lang string
}

// Logger is gwd's logger with what controls it.
type Logger struct {
	*slog.Logger
	// Levels changes levels while gwd runs.
	Levels *Levels
	out    io.Writer
}

// New builds the logger Options describe.
func New(o Options) (*Logger, error) {
	levels, err := NewLevels(o.Levels)
	if err != nil {
		return nil, err
	}
	lang := i18n.English
	if o.Lang != "" {
		if lang, err = i18n.ParseLang(o.Lang); err != nil {
			return nil, fmt.Errorf("--lang: %w", err)
		}
	}
	out := o.Stderr
	if o.File != "" {
		if o.MaxSizeMB <= 0 || o.MaxAgeDays < 0 || o.MaxBackups < 0 {
			return nil, fmt.Errorf("log file %s: the size must be positive, the age and the backups not negative", o.File)
		}
		out = &lumberjack.Logger{Filename: o.File, MaxSize: o.MaxSizeMB, MaxAge: o.MaxAgeDays, MaxBackups: o.MaxBackups, Compress: true}
	}
	ho := &slog.HandlerOptions{Level: LevelTrace, ReplaceAttr: levelWords}
	var inner slog.Handler
	switch o.Format {
	case "text", "":
		inner = slog.NewTextHandler(out, ho)
	case "json":
		inner = slog.NewJSONHandler(out, ho)
	default:
		return nil, fmt.Errorf("log format %q: want text or json", o.Format)
	}
	return &Logger{Logger: slog.New(newHandler(inner, levels, lang, "")), Levels: levels, out: out}, nil
}

// Close closes the log file, if any.
func (l *Logger) Close() error {
	if c, ok := l.out.(*lumberjack.Logger); ok {
		return c.Close()
	}
	return nil
}

// levelWords prints LevelTrace as TRACE rather than DEBUG-4.
func levelWords(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.LevelKey && len(groups) == 0 {
		if l, ok := a.Value.Any().(slog.Level); ok && l == LevelTrace {
			a.Value = slog.StringValue("TRACE")
		}
	}
	return a
}
