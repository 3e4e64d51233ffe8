package v1alpha1

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestEchonetReadForms(t *testing.T) {
	var r EchonetRead
	doc := `{"epcs":["0x80",{"epc":"0xD8","size":4},{"epc":"89","size":2,"optional":true},{"epc":"0xE4","optional":true},{"epc":"0xC7"}]}`
	if err := json.Unmarshal([]byte(doc), &r); err != nil {
		t.Fatal(err)
	}
	if want := []string{"0x80", "0xD8", "89", "0xE4", "0xC7"}; !reflect.DeepEqual(r.EPCs, want) {
		t.Errorf("EPCs %q, want %q", r.EPCs, want)
	}
	wantDecl := map[byte]EPCDecl{0xD8: {Size: 4}, 0x89: {Size: 2, Optional: true}, 0xE4: {Optional: true}}
	if !reflect.DeepEqual(r.Declared, wantDecl) {
		t.Errorf("Declared %+v, want %+v", r.Declared, wantDecl)
	}
	if d := r.Decl(0x89); d.Size != 2 || !d.Optional {
		t.Errorf("Decl(0x89) = %+v", d)
	}
	if d := r.Decl(0x80); d != (EPCDecl{}) {
		t.Errorf("Decl(0x80) = %+v, want none", d)
	}
	out, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	// An object that declares nothing is written back as a plain string.
	want := `{"epcs":["0x80",{"epc":"0xD8","size":4},{"epc":"89","size":2,"optional":true},{"epc":"0xE4","optional":true},"0xC7"]}`
	if string(out) != want {
		t.Errorf("marshal\n got %s\nwant %s", out, want)
	}
	var nilRead *EchonetRead
	if nilRead.Decl(0x80) != (EPCDecl{}) || nilRead.Entries() != nil {
		t.Error("a nil read declares something")
	}
	for _, bad := range []string{`{"epcs":[12]}`, `{"epcs":[{"epc":"0xD8","sise":4}]}`, `{"epc":["0x80"]}`} {
		if err := json.Unmarshal([]byte(bad), &r); err == nil {
			t.Errorf("Unmarshal(%s) succeeded", bad)
		}
	}
}

func TestAdmitTemplateEPCEntries(t *testing.T) {
	runAdmitCases(t, []admitCase{
		{"object entries", "Template", `{"protocol":"echonet","read":{"echonet":{"epcs":["0x80",{"epc":"0xD8","size":4},{"epc":"0x89","size":2,"optional":true}]}}}`, nil},
		{"optional block", "Template", `{"protocol":"modbus","read":{"modbus":{"blocks":[{"name":"s","address":1,"count":1,"optional":true}]}}}`, nil},
		{"bad entries", "Template", `{"protocol":"echonet","read":{"echonet":{"epcs":[{"epc":"0x7F","size":1},{"epc":"0xD8","size":300},{"epc":"0xD3","size":-1},{"epc":"d8"}]}}}`,
			[]want{{"spec.read.echonet.epcs[0]", "0x80..0xFF"},
				{"spec.read.echonet.epcs[1].size", "1..255, got 300"},
				{"spec.read.echonet.epcs[2].size", "1..255, got -1"},
				{"spec.read.echonet.epcs[3]", "duplicate EPC 0xD8"}}},
		{"entry shape", "Template", `{"protocol":"echonet","read":{"echonet":{"epcs":[true,{"epc":"0xD8","size":"4","extra":1},{"size":2}]}}}`,
			[]want{{"spec.read.echonet.epcs[0]", "must be string or object, got boolean"},
				{"spec.read.echonet.epcs[1].extra", `unknown field "extra"`},
				{"spec.read.echonet.epcs[1].size", "must be integer, got string"}}},
		{"block optional type", "Template", `{"protocol":"modbus","read":{"modbus":{"blocks":[{"name":"s","address":1,"count":1,"optional":"yes"}]}}}`,
			[]want{{"spec.read.modbus.blocks[0].optional", "must be boolean, got string"}}},
	})
	// The stored spec keeps both forms.
	o := newObj("Template", "t", `{"protocol":"echonet","read":{"echonet":{"epcs":["0x80",{"epc":"0x89","size":2,"optional":true}]}}}`)
	if err := Admit(o); err != nil || !strings.Contains(string(o.Spec), `"epcs":["0x80",{"epc":"0x89","optional":true,"size":2}]`) {
		t.Errorf("stored: %v %s", err, o.Spec)
	}
}

func TestMergeTemplateDeclaredReads(t *testing.T) {
	parent := TemplateSpec{Protocol: ProtocolEchonet, Read: &TemplateRead{Echonet: &EchonetRead{
		EPCs:     []string{"0x80", "0x89", "0xD8"},
		Declared: map[byte]EPCDecl{0x89: {Size: 2, Optional: true}, 0xD8: {Size: 4}},
	}}}
	child := TemplateSpec{Read: &TemplateRead{Echonet: &EchonetRead{
		// 0xD8 plain keeps the parent's size; 0x89 redeclared replaces both
		// fields; 0xE1 is new.
		EPCs:     []string{"d8", "0x89", "0xE1"},
		Declared: map[byte]EPCDecl{0x89: {Size: 3}, 0xE1: {Size: 1, Optional: true}},
	}}}
	got := MergeTemplate(parent, child).Read.Echonet
	if want := []string{"0x80", "0x89", "0xD8", "0xE1"}; !reflect.DeepEqual(got.EPCs, want) {
		t.Errorf("EPCs %q, want %q", got.EPCs, want)
	}
	want := map[byte]EPCDecl{0x89: {Size: 3}, 0xD8: {Size: 4}, 0xE1: {Size: 1, Optional: true}}
	if !reflect.DeepEqual(got.Declared, want) {
		t.Errorf("Declared %+v, want %+v", got.Declared, want)
	}
	if parent.Read.Echonet.Declared[0x89] != (EPCDecl{Size: 2, Optional: true}) {
		t.Error("merging changed the parent's declarations")
	}

	unit := 200
	mp := TemplateSpec{Protocol: ProtocolModbus, Read: &TemplateRead{Modbus: &ModbusRead{Blocks: []ModbusBlock{
		{Name: "a", Address: 1, Count: 1, Optional: true}, {Name: "b", Address: 2, Count: 1}}}}}
	mc := TemplateSpec{Read: &TemplateRead{Modbus: &ModbusRead{Blocks: []ModbusBlock{
		{Name: "a", Address: 1, Count: 2, Unit: &unit}}}}}
	blocks := MergeTemplate(mp, mc).Read.Modbus.Blocks
	if blocks[0].Optional || blocks[0].Count != 2 || blocks[1].Optional {
		t.Errorf("a child block replaces the parent's whole, optional included: %+v", blocks)
	}
}

func TestAdmitEPCEntryWithoutEPC(t *testing.T) {
	runAdmitCases(t, []admitCase{
		{"no epc", "Template", `{"protocol":"echonet","read":{"echonet":{"epcs":[{"size":2}]}}}`,
			[]want{{"spec.read.echonet.epcs[0]", `field "epc"`}}},
	})
}
