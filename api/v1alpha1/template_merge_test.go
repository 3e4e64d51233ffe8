package v1alpha1

import (
	"reflect"
	"testing"
)

func TestMergeTemplate(t *testing.T) {
	unit := 2
	parent := TemplateSpec{
		Protocol: ProtocolModbus, Manufacturer: "ABB", Model: "Terra AC", Description: "base",
		Read: &TemplateRead{Modbus: &ModbusRead{Blocks: []ModbusBlock{
			{Name: "info", Address: 100, Count: 8}, {Name: "status", Address: 200, Count: 24},
		}}},
		Signals:  map[string]string{"charging": "a", "faulted": "false"},
		Commands: map[string]TemplateCommand{"stop": {Expr: "s"}},
	}
	child := TemplateSpec{
		Extends: "parent", Model: "Terra AC W22",
		Read: &TemplateRead{Modbus: &ModbusRead{Blocks: []ModbusBlock{
			{Name: "status", Address: 300, Count: 30, Unit: &unit}, {Name: "meter", Address: 400, Count: 4},
		}}},
		Signals:  map[string]string{"faulted": "regs[\"status\"][0] != 0", "energyWh": "e"},
		Commands: map[string]TemplateCommand{"setCurrentLimit": {Expr: "l"}},
	}
	got := MergeTemplate(parent, child)
	want := TemplateSpec{
		Protocol: ProtocolModbus, Manufacturer: "ABB", Model: "Terra AC W22", Description: "base",
		Read: &TemplateRead{Modbus: &ModbusRead{Blocks: []ModbusBlock{
			{Name: "info", Address: 100, Count: 8}, {Name: "status", Address: 300, Count: 30, Unit: &unit}, {Name: "meter", Address: 400, Count: 4},
		}}},
		Signals:  map[string]string{"charging": "a", "faulted": "regs[\"status\"][0] != 0", "energyWh": "e"},
		Commands: map[string]TemplateCommand{"stop": {Expr: "s"}, "setCurrentLimit": {Expr: "l"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("merge\n got %+v\nwant %+v", got, want)
	}
	if parent.Signals["faulted"] != "false" || len(parent.Read.Modbus.Blocks) != 2 || parent.Read.Modbus.Blocks[1].Address != 200 {
		t.Fatal("merging changed the parent")
	}
}

func TestMergeTemplateEchonetAndEmpty(t *testing.T) {
	got := MergeTemplate(
		TemplateSpec{Protocol: ProtocolEchonet, Read: &TemplateRead{Echonet: &EchonetRead{EPCs: []string{"0x80", "0xD3"}}}},
		TemplateSpec{Read: &TemplateRead{Echonet: &EchonetRead{EPCs: []string{"d3", "0xE2"}}}})
	if !reflect.DeepEqual(got.Read.Echonet.EPCs, []string{"0x80", "0xD3", "0xE2"}) || got.Protocol != ProtocolEchonet {
		t.Fatalf("%+v", got.Read.Echonet)
	}
	if e := MergeTemplate(TemplateSpec{}, TemplateSpec{}); e.Read != nil || e.Signals != nil || e.Commands != nil {
		t.Fatalf("empty merge %+v", e)
	}
}
