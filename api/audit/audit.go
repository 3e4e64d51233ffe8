package audit

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"gopkg.in/natefinch/lumberjack.v2"
)

// Record is one audited request.
type Record struct {
	Time time.Time `json:"time"`
	// User is the token's name, "" when none was valid; Role its role.
	User string `json:"user,omitempty"`
	Role string `json:"role,omitempty"`
	// Verb and Resource are what the authorizer saw; Kind and Name the
	// object the request named, if any.
	Verb     string `json:"verb,omitempty"`
	Resource string `json:"resource,omitempty"`
	Kind     string `json:"kind,omitempty"`
	Name     string `json:"name,omitempty"`
	// Method and Path are the HTTP request, Code its answer.
	Method string `json:"method"`
	Path   string `json:"path"`
	Code   int    `json:"code"`
	Remote string `json:"remote,omitempty"`
	// Objects are what the request changed, with the revision of each.
	Objects []Object `json:"objects,omitempty"`
}

// Object is one object a request changed.
type Object struct {
	Action   string `json:"action"`
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	Revision string `json:"revision,omitempty"`
}

// Log writes records to a file. The zero value and a nil *Log record
// nothing.
type Log struct {
	mu   sync.Mutex
	path string
	out  io.WriteCloser
}

// Open appends to the file at path, rotated at maxSizeMB and gzipped, with
// at most maxBackups rotated files kept.
func Open(path string, maxSizeMB, maxBackups int) (*Log, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	f.Close()
	return &Log{path: path, out: &lumberjack.Logger{Filename: path, MaxSize: maxSizeMB, MaxBackups: maxBackups, Compress: true}}, nil
}

// Write appends one record.
func (l *Log) Write(r Record) error {
	if l == nil || l.out == nil {
		return nil
	}
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.out.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("audit log %s: %w", l.path, err)
	}
	return nil
}

// Close closes the file.
func (l *Log) Close() error {
	if l == nil || l.out == nil {
		return nil
	}
	return l.out.Close()
}

// Recent returns up to limit of the newest records of the current file,
// oldest first, that keep says to keep (nil keeps all).
func (l *Log) Recent(limit int, keep func(Record) bool) ([]Record, error) {
	if l == nil || l.out == nil {
		return nil, errors.New("audit log: not configured")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	f, err := os.Open(l.path)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer f.Close()
	var out []Record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var r Record
		if json.Unmarshal(sc.Bytes(), &r) != nil || (keep != nil && !keep(r)) {
			continue
		}
		out = append(out, r)
		if len(out) > limit {
			out = out[1:]
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("audit log %s: %w", l.path, err)
	}
	return out, nil
}

// noteKey carries a request's change list through its handlers.
type noteKey struct{}

// notes collects the objects a request changed.
type notes struct {
	mu      sync.Mutex
	objects []Object
}

// WithNotes returns a context in which Note records changed objects.
func WithNotes(ctx context.Context) context.Context {
	return context.WithValue(ctx, noteKey{}, &notes{})
}

// Note records, for the request of ctx, that it changed an object.
func Note(ctx context.Context, o Object) {
	if n, ok := ctx.Value(noteKey{}).(*notes); ok {
		n.mu.Lock()
		n.objects = append(n.objects, o)
		n.mu.Unlock()
	}
}

// Noted returns what Note recorded in ctx.
func Noted(ctx context.Context) []Object {
	n, ok := ctx.Value(noteKey{}).(*notes)
	if !ok {
		return nil
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]Object(nil), n.objects...)
}
