package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// chunk is one document of a stream, before parsing.
type chunk struct {
	index  int    // 1-based position in the stream
	line   int    // file line of the chunk's first line
	text   []byte // YAML or JSON text
	isJSON bool
	err    string // a problem found while splitting, already worded
}

// splitStream cuts a stream into documents. A stream whose first byte is '{'
// is read as a sequence of JSON values; if its first value does not parse as
// JSON it is treated as YAML (flow mappings also start with '{').
func splitStream(data []byte) []chunk {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		if chunks, ok := splitJSON(data); ok {
			return chunks
		}
	}
	return splitYAML(data)
}

// splitYAML cuts on lines that are "---" (optionally followed by a comment).
// go-yaml reads only the first document of its input, so any other document
// marker left inside a chunk would silently drop what follows it; such lines
// are reported instead.
func splitYAML(data []byte) []chunk {
	lines := strings.Split(string(data), "\n")
	var chunks []chunk
	var cur []string
	start, curErr, first := 1, "", true
	flush := func(next int, nextErr string) {
		// Content before the first "---" is a document only if it has any.
		if !first || !blankYAML(cur) || curErr != "" {
			chunks = append(chunks, chunk{index: len(chunks) + 1, line: start, text: []byte(strings.Join(cur, "\n")), err: curErr})
		}
		cur, start, curErr, first = nil, next, nextErr, false
	}
	for i, l := range lines {
		l = strings.TrimRight(l, "\r")
		if rest, ok := strings.CutPrefix(l, "---"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			nextErr := ""
			if r := strings.TrimSpace(rest); r != "" && r[0] != '#' {
				nextErr = fmt.Sprintf("line %d: put the document on the line after '---'", i+1)
			}
			flush(i+2, nextErr)
			continue
		}
		if curErr == "" && (l == "..." || strings.HasPrefix(l, "... ")) && !blankYAML(lines[i+1:]) && !nextIsMarker(lines[i+1:]) {
			curErr = fmt.Sprintf("line %d: content after the document end marker '...'; separate documents with '---'", i+1)
		}
		cur = append(cur, l)
	}
	flush(len(lines)+1, "")
	return chunks
}

// nextIsMarker reports whether the next non-blank line is a "---" separator.
func nextIsMarker(lines []string) bool {
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		return strings.HasPrefix(l, "---")
	}
	return false
}

// blankYAML reports whether lines hold nothing but space and comments.
func blankYAML(lines []string) bool {
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t != "" && !strings.HasPrefix(t, "#") {
			return false
		}
	}
	return true
}

// splitJSON reads a stream of JSON values. It fails (false) only if the first
// value does not parse, so the caller can try YAML; a later syntax error
// becomes that document's error.
func splitJSON(data []byte) ([]chunk, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var chunks []chunk
	for {
		startOff := skipSpace(data, int(dec.InputOffset()))
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return chunks, true
		}
		c := chunk{index: len(chunks) + 1, line: lineAt(data, startOff), isJSON: true, text: raw}
		if err != nil {
			if len(chunks) == 0 {
				return nil, false
			}
			c.err = "invalid JSON: " + jsonErrorWhere(data, err)
			return append(chunks, c), true
		}
		chunks = append(chunks, c)
	}
}

func skipSpace(data []byte, off int) int {
	for off < len(data) && (data[off] == ' ' || data[off] == '\t' || data[off] == '\r' || data[off] == '\n') {
		off++
	}
	return off
}

// lineAt returns the 1-based line of byte offset off.
func lineAt(data []byte, off int) int {
	off = min(off, len(data))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

func jsonErrorWhere(data []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("line %d: %s", lineAt(data, int(se.Offset)), se.Error())
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Sprintf("line %d: unexpected end of input", lineAt(data, len(data)))
	}
	return err.Error()
}
