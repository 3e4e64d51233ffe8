package v1alpha1

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestConnectionJSONIsTheDocumentForm(t *testing.T) {
	in := `{"modbusTCP":{"host":"10.0.0.5","port":1502,"unitId":3,"timeout":"2s"}}`
	var c ChargerConnection
	if err := json.Unmarshal([]byte(in), &c); err != nil {
		t.Fatal(err)
	}
	tcp := ConnectionAs[ModbusTCPConnection](c)
	if c.Key() != ConnModbusTCP || tcp == nil || tcp.Host != "10.0.0.5" || tcp.Port != 1502 || *tcp.UnitID != 3 {
		t.Fatalf("decoded %q %+v", c.Key(), tcp)
	}
	if ConnectionAs[EchonetConnection](c) != nil || c.Protocol() != ProtocolModbus {
		t.Errorf("wrong type or protocol: %q", c.Protocol())
	}
	out, err := json.Marshal(c)
	if err != nil || string(out) != in {
		t.Errorf("encoded %s, %v; want %s", out, err, in)
	}
	if b, _ := json.Marshal(ChargerConnection{}); string(b) != "{}" {
		t.Errorf("empty connection encodes as %s", b)
	}
}

func TestConnectionUnknownKeyNamesTheKnownOnes(t *testing.T) {
	var c ChargerConnection
	err := json.Unmarshal([]byte(`{"canBus":{}}`), &c)
	if err == nil || !strings.Contains(err.Error(), `unknown key "canBus"`) || !strings.Contains(err.Error(), ConnModbusRTU) {
		t.Errorf("got %v", err)
	}
}

func TestConnectionSchemaAlternativesAreTheRegisteredTypes(t *testing.T) {
	alts := ChargerConnection{}.JSONSchemaOneOf()
	if alts[ConnEchonet] != reflect.TypeFor[EchonetConnection]() || alts[ConnModbusRTU] != reflect.TypeFor[ModbusRTUConnection]() {
		t.Errorf("alternatives %v", alts)
	}
	for k := range alts {
		if p, ok := ConnectionProtocol(k); !ok || p == "" {
			t.Errorf("key %q has no protocol", k)
		}
	}
}

func TestConnectionBusIsTheRTULine(t *testing.T) {
	if b := NewConnection(ConnModbusRTU, &ModbusRTUConnection{BusRef: "line-1", UnitID: 3}).Bus(); b != "line-1" {
		t.Errorf("RTU bus %q", b)
	}
	if b := NewConnection(ConnModbusTCP, &ModbusTCPConnection{Host: "h"}).Bus(); b != "" {
		t.Errorf("TCP bus %q", b)
	}
	if b := (ChargerConnection{}).Bus(); b != "" {
		t.Errorf("no connection, bus %q", b)
	}
}

// TestBuiltinConnectionSummaries: the Modbus and ECHONET Lite connections
// say where their device is as gwctl's CONNECTION column shows it, leaving
// out what a document does not set.
func TestBuiltinConnectionSummaries(t *testing.T) {
	for in, want := range map[string]string{
		`{"modbusTCP":{"host":"10.0.0.5","port":1502,"unitId":3}}`: "tcp 10.0.0.5:1502/3",
		`{"modbusTCP":{"host":"10.0.0.5","unitId":0}}`:             "tcp 10.0.0.5/0",
		`{"modbusTCP":{}}`: "tcp -",
		`{"modbusRTU":{"busRef":"rs485-1","unitId":7}}`:           "rtu rs485-1/7",
		`{"modbusRTU":{"busRef":"rs485-1"}}`:                      "rtu rs485-1",
		`{"echonet":{"address":"192.168.1.50","eoj":"0x02A101"}}`: "el 192.168.1.50",
	} {
		var c ChargerConnection
		if err := json.Unmarshal([]byte(in), &c); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		s, ok := c.Spec().(Summarizer)
		if !ok {
			t.Fatalf("%s: %T is no Summarizer", in, c.Spec())
		}
		if got := s.Summary(); got != want {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
}
