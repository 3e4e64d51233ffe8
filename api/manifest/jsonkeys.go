package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// checkDuplicateKeys rejects a JSON value in which an object repeats a key,
// is nested deeper than MaxDepth, has a key longer than MaxKeyBytes, or
// holds more than MaxNodes values.
// encoding/json silently keeps the last of repeated keys; YAML input is held
// to the same rule by YAMLToJSONStrict. The path to the current value is a
// stack of the decoder's own key strings, joined only for an error, so
// memory stays linear in the input whatever its depth and key lengths.
func checkDuplicateKeys(data []byte) error {
	w := keyWalk{dec: json.NewDecoder(bytes.NewReader(data))}
	w.dec.UseNumber()
	err := w.value()
	var le *LimitError
	if errors.As(err, &le) {
		le.Line = lineAt(data, int(w.dec.InputOffset()))
	}
	return err
}

// pathElem is one step of the path: a key, or an index when key is unset.
type pathElem struct {
	key   string
	index int
	isKey bool
}

type keyWalk struct {
	dec   *json.Decoder
	path  []pathElem
	nodes int
}

func (w *keyWalk) value() error {
	if w.nodes++; w.nodes > MaxNodes {
		return tooManyNodes(w.nodes)
	}
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		err = w.object()
	case json.Delim('['):
		err = w.array()
	}
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

func (w *keyWalk) object() error {
	if err := w.checkDepth(); err != nil {
		return err
	}
	keys := map[string]bool{}
	for w.dec.More() {
		kt, err := w.dec.Token()
		if err != nil {
			return err
		}
		k, _ := kt.(string)
		if err := checkKey(k); err != nil {
			return err
		}
		if keys[k] {
			return fmt.Errorf("duplicate key %q in %s", k, w.where())
		}
		keys[k] = true
		w.path = append(w.path, pathElem{key: k, isKey: true})
		if err := w.value(); err != nil {
			return err
		}
		w.path = w.path[:len(w.path)-1]
	}
	_, err := w.dec.Token()
	return err
}

func (w *keyWalk) array() error {
	if err := w.checkDepth(); err != nil {
		return err
	}
	for i := 0; w.dec.More(); i++ {
		w.path = append(w.path, pathElem{index: i})
		if err := w.value(); err != nil {
			return err
		}
		w.path = w.path[:len(w.path)-1]
	}
	_, err := w.dec.Token()
	return err
}

// checkDepth is called on entering a mapping or list; the path holds its
// parents.
func (w *keyWalk) checkDepth() error {
	return checkDepth(len(w.path) + 1)
}

// where renders the path, e.g. spec.evses[0].
func (w *keyWalk) where() string {
	var b strings.Builder
	for _, e := range w.path {
		switch {
		case !e.isKey:
			b.WriteString("[" + strconv.Itoa(e.index) + "]")
		case b.Len() > 0:
			b.WriteString("." + e.key)
		default:
			b.WriteString(e.key)
		}
	}
	if b.Len() == 0 {
		return "the document"
	}
	return b.String()
}
