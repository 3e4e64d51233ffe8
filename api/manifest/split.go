package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
// JSON it is treated as YAML (flow mappings also start with '{'). More than
// maxDocs documents is a *LimitError.
func splitStream(data []byte, maxDocs int) ([]chunk, *LimitError) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		if chunks, ok, err := splitJSON(data, maxDocs); ok || err != nil {
			return chunks, err
		}
	}
	return splitYAML(data, maxDocs)
}

func tooManyDocuments(line int) *LimitError {
	return &LimitError{Limit: LimitDocuments, Max: MaxDocuments, Line: line,
		Detail: fmt.Sprintf("more than %d documents", MaxDocuments)}
}

// splitYAML cuts on lines that are "---" (optionally followed by a comment).
// go-yaml reads only the first document of its input, so any other document
// marker left inside a chunk would silently drop what follows it; such lines
// are reported instead. Lines are walked in place, so that a stream of many
// short lines costs no more than its own size.
func splitYAML(data []byte, maxDocs int) ([]chunk, *LimitError) {
	lines := yamlLines{data: data}
	var chunks []chunk
	var cur []byte
	start, curErr, first, blank := 1, "", true, true
	flush := func(next int, nextErr string) {
		// Content before the first "---" is a document only if it has any.
		if !first || !blank || curErr != "" {
			chunks = append(chunks, chunk{index: len(chunks) + 1, line: start, text: bytes.TrimSuffix(cur, []byte("\n")), err: curErr})
		}
		cur, start, curErr, first, blank = nil, next, nextErr, false, true
	}
	for i := 0; lines.next(); i++ {
		l := bytes.TrimRight(lines.line, "\r")
		if rest, ok := bytes.CutPrefix(l, []byte("---")); ok && (len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t') {
			if len(chunks) >= maxDocs {
				return nil, tooManyDocuments(i + 1)
			}
			nextErr := ""
			if r := bytes.TrimSpace(rest); len(r) > 0 && r[0] != '#' {
				nextErr = fmt.Sprintf("line %d: put the document on the line after '---'", i+1)
			}
			flush(i+2, nextErr)
			continue
		}
		if curErr == "" && (string(l) == "..." || bytes.HasPrefix(l, []byte("... "))) && lines.restHasDocument() {
			curErr = fmt.Sprintf("line %d: content after the document end marker '...'; separate documents with '---'", i+1)
		}
		blank = blank && blankLine(l)
		cur = append(append(cur, l...), '\n')
	}
	if len(chunks) >= maxDocs {
		return nil, tooManyDocuments(lines.n)
	}
	flush(lines.n+1, "")
	return chunks, nil
}

// yamlLines walks the lines of a stream without copying them.
type yamlLines struct {
	data []byte
	off  int
	line []byte
	n    int // lines so far
}

func (y *yamlLines) next() bool {
	if y.off > len(y.data) {
		return false
	}
	end := bytes.IndexByte(y.data[y.off:], '\n')
	if end < 0 {
		end = len(y.data) - y.off
	}
	y.line = y.data[y.off : y.off+end]
	y.off += end + 1
	y.n++
	return true
}

// restHasDocument reports whether the first line after the current one
// that is not blank or a comment exists and is not a "---" separator.
func (y *yamlLines) restHasDocument() bool {
	ahead := yamlLines{data: y.data, off: y.off}
	for ahead.next() {
		if !blankLine(ahead.line) {
			return !bytes.HasPrefix(ahead.line, []byte("---"))
		}
	}
	return false
}

// blankLine reports whether a line holds nothing but space or a comment.
func blankLine(l []byte) bool {
	t := bytes.TrimSpace(l)
	return len(t) == 0 || t[0] == '#'
}

// splitJSON reads a stream of JSON values. It fails (false) only if the first
// value does not parse, so the caller can try YAML; a later syntax error
// becomes that document's error.
func splitJSON(data []byte, maxDocs int) ([]chunk, bool, *LimitError) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var chunks []chunk
	for {
		startOff := skipSpace(data, int(dec.InputOffset()))
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return chunks, true, nil
		}
		if len(chunks) >= maxDocs {
			return nil, true, tooManyDocuments(lineAt(data, startOff))
		}
		c := chunk{index: len(chunks) + 1, line: lineAt(data, startOff), isJSON: true, text: raw}
		if err != nil {
			if len(chunks) == 0 {
				return nil, false, nil
			}
			c.err = "invalid JSON: " + jsonErrorWhere(data, err)
			return append(chunks, c), true, nil
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
