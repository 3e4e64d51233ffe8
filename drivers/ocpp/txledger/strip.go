package txledger

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// withoutMember returns obj, compacted, with its top-level member name
// removed. The other members keep their bytes and order, so two payloads
// that differ only in that member compare equal, and any other difference
// (a value, a key order) still shows.
func withoutMember(obj []byte, name string) ([]byte, error) {
	var buf bytes.Buffer
	if err := json.Compact(&buf, obj); err != nil {
		return nil, err
	}
	c := buf.Bytes()
	d := json.NewDecoder(bytes.NewReader(c))
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object")
	}
	for first := true; d.More(); first = false {
		start := d.InputOffset() // just past '{' or the previous value; a ',' follows unless first
		key, err := d.Token()
		if err != nil {
			return nil, err
		}
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return nil, err
		}
		end := d.InputOffset()
		if key != name {
			continue
		}
		if first && end < int64(len(c)) && c[end] == ',' {
			end++ // drop the comma after a first member instead of the one before
		}
		return append(append([]byte(nil), c[:start]...), c[end:]...), nil
	}
	return c, nil
}
