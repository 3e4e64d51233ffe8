package v1alpha1

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// EchonetRead lists the EPCs read on every poll. In a document each entry of
// epcs is either the EPC in hex ("0xD3") or an object that also declares the
// length of its EDT and whether the device may lack it:
//
//	epcs: ["0x80", {epc: "0xD8", size: 4}, {epc: "0x89", size: 2, optional: true}]
//
// In Go the codes stay a list of strings, so code that only needs what to
// read ranges over EPCs; the declarations sit beside them in Declared.
type EchonetRead struct {
	// EPCs are the property codes in read order, as written ("0xD3").
	EPCs []string `json:"epcs,omitempty"`
	// Declared holds what object entries declare, by property code. A code
	// without an entry (a plain string) accepts an EDT of any length and is
	// required.
	Declared map[byte]EPCDecl `json:"-"`
}

// EPCDecl is what a template declares about one EPC it reads.
type EPCDecl struct {
	// Size is the EDT length in bytes, 1..255; 0 accepts any length. An EDT
	// of another length is malformed: its signals go unknown, they are
	// never decoded from the wrong bytes.
	Size int
	// Optional marks a property the device may lack or refuse (Get_SNA,
	// missing from the reply): its signals go unknown with no alarm.
	Optional bool
}

// EPCEntry is one entry of epcs in its document form: a plain string when it
// declares nothing, else an object.
type EPCEntry struct {
	EPC      string `json:"epc" schema:"is=epc"`
	Size     int    `json:"size,omitempty" schema:"minimum=1,maximum=255" description:"EDT length in bytes; an EDT of another length is malformed and its signals go unknown."`
	Optional bool   `json:"optional,omitempty" description:"The device may lack or refuse this EPC (Get_SNA): its signals go unknown with no alarm."`
}

// epcEntryObject is the object form of EPCEntry, without its JSON methods.
type epcEntryObject EPCEntry

// echonetReadDoc is EchonetRead as documents spell it.
type echonetReadDoc struct {
	EPCs []EPCEntry `json:"epcs,omitempty"`
}

// MarshalJSON writes an entry without declarations as a plain string.
func (e EPCEntry) MarshalJSON() ([]byte, error) {
	if e.Size == 0 && !e.Optional {
		return json.Marshal(e.EPC)
	}
	return json.Marshal(epcEntryObject(e))
}

// UnmarshalJSON accepts "0xD3" or {"epc": "0xD3", "size": 4, "optional": true}.
func (e *EPCEntry) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		*e = EPCEntry{}
		return json.Unmarshal(b, &e.EPC)
	}
	if len(b) == 0 || b[0] != '{' {
		return fmt.Errorf("an EPC entry must be a string such as \"0xD3\" or an object {epc, size, optional}, got %s", b)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var o epcEntryObject
	if err := dec.Decode(&o); err != nil {
		return fmt.Errorf("EPC entry: %w", err)
	}
	*e = EPCEntry(o)
	return nil
}

// Entries returns epcs in document form, declarations included.
func (r *EchonetRead) Entries() []EPCEntry {
	if r == nil {
		return nil
	}
	out := make([]EPCEntry, len(r.EPCs))
	for i, s := range r.EPCs {
		out[i] = EPCEntry{EPC: s}
		if epc, err := ParseEPC(s); err == nil {
			d := r.Declared[epc]
			out[i].Size, out[i].Optional = d.Size, d.Optional
		}
	}
	return out
}

// Decl returns what the template declares about epc; the zero EPCDecl (any
// size, required) when nothing.
func (r *EchonetRead) Decl(epc byte) EPCDecl {
	if r == nil {
		return EPCDecl{}
	}
	return r.Declared[epc]
}

// MarshalJSON writes epcs in document form.
func (r EchonetRead) MarshalJSON() ([]byte, error) {
	return json.Marshal(echonetReadDoc{EPCs: r.Entries()})
}

// UnmarshalJSON reads epcs in either form. The declarations of an entry whose
// EPC does not parse are dropped; validation reports the EPC.
func (r *EchonetRead) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var doc echonetReadDoc
	if err := dec.Decode(&doc); err != nil {
		return err
	}
	*r = EchonetRead{}
	for _, e := range doc.EPCs {
		r.add(e, false)
	}
	return nil
}

// add appends e's EPC unless listed already, and records its declaration.
// A declaration replaces one made before only when replace is set; a plain
// entry never clears one.
func (r *EchonetRead) add(e EPCEntry, replace bool) {
	epc, err := ParseEPC(e.EPC)
	listed := false
	if err == nil {
		for _, have := range r.EPCs {
			if h, err := ParseEPC(have); err == nil && h == epc {
				listed = true
			}
		}
	}
	if !listed || !replace {
		r.EPCs = append(r.EPCs, e.EPC) // validation reports a duplicate in one document
	}
	if err != nil || (e.Size == 0 && !e.Optional) {
		return
	}
	if _, have := r.Declared[epc]; have && !replace {
		return // a duplicate; the first entry's declaration stands
	}
	if r.Declared == nil {
		r.Declared = map[byte]EPCDecl{}
	}
	r.Declared[epc] = EPCDecl{Size: e.Size, Optional: e.Optional}
}

// validateEPCs checks the epcs of one document, naming each entry by index.
func validateEPCs(errs *fieldErrors, p FieldPath, r *EchonetRead) {
	seen := map[byte]bool{}
	for i, s := range r.EPCs {
		q := p.Index(i)
		epc, err := ParseEPC(s)
		switch {
		case s == "":
			errs.add(q, `an EPC such as "0xD3" is required (in object form, field "epc")`)
			continue
		case err != nil:
			errs.add(q, err.Error())
			continue
		case seen[epc]:
			errs.add(q, fmt.Sprintf("duplicate EPC 0x%02X", epc))
			continue
		}
		seen[epc] = true
		if d := r.Declared[epc]; d.Size < 0 || d.Size > 255 {
			errs.add(q.Key("size"), fmt.Sprintf("must be the EDT length in bytes, 1..255, got %d", d.Size))
		}
	}
}
