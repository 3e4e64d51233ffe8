package ocpp_test

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// filler builds sample values of any message type by reflection, so that
// every Go type is exercised without hand-writing 72 payloads. Full samples
// set every optional field and push each constraint to its limit (strings
// of exactly maxLength non-ASCII characters, maxItems, maximum); minimal
// samples set only what is required, at the lower limits.
type filler struct {
	full bool
}

var sampleTime = ocpp.NewDateTime(time.Date(2026, 12, 1, 21, 4, 5, 678e6, time.UTC))

func (f filler) sample(t reflect.Type) any {
	v := reflect.New(t).Elem()
	f.fill(v, map[string]string{}, 0)
	return v.Addr().Interface()
}

func parseTestTag(s string) map[string]string {
	m := map[string]string{}
	for _, part := range strings.Split(s, ",") {
		if k, v, ok := strings.Cut(part, "="); ok {
			m[k] = v
		}
	}
	return m
}

func itemTags(tags map[string]string) map[string]string {
	m := map[string]string{}
	for k, v := range tags {
		if rest, ok := strings.CutPrefix(k, "items."); ok {
			m[rest] = v
		}
	}
	return m
}

func num(tags map[string]string, key string, def float64) float64 {
	if s, ok := tags[key]; ok {
		x, err := strconv.ParseFloat(s, 64)
		if err == nil {
			return x
		}
	}
	return def
}

func (f filler) fill(v reflect.Value, tags map[string]string, depth int) {
	if depth > 40 { // no OCPP type is recursive; this only guards the filler
		panic("sample too deep at " + v.Type().String())
	}
	switch v.Type() {
	case reflect.TypeFor[ocpp.DateTime]():
		v.Set(reflect.ValueOf(sampleTime))
		return
	case reflect.TypeFor[json.RawMessage]():
		v.SetBytes([]byte(`{"k":[1,"a",true,null]}`))
		return
	case reflect.TypeFor[ocpp.CustomDataType]():
		v.Set(reflect.ValueOf(ocpp.CustomDataType{
			VendorID: "com.example",
			Extra:    map[string]json.RawMessage{"extra": json.RawMessage(`{"n":1}`)},
		}))
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		f.fill(v.Elem(), tags, depth+1)
	case reflect.Struct:
		f.fillStruct(v, depth)
	case reflect.Slice:
		n := 1
		if f.full {
			n = 2
		}
		n = max(n, int(num(tags, "minItems", 0)))
		n = min(n, int(num(tags, "maxItems", float64(n))))
		if !f.full {
			n = int(num(tags, "minItems", 0))
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			f.fill(s.Index(i), itemTags(tags), depth+1)
		}
		v.Set(s)
	case reflect.String:
		f.fillString(v, tags)
	case reflect.Int:
		if f.full {
			v.SetInt(int64(num(tags, "maximum", 7)))
		} else {
			v.SetInt(int64(num(tags, "minimum", 0)))
		}
	case reflect.Float64:
		if f.full {
			v.SetFloat(num(tags, "maximum", 12.5))
		} else {
			v.SetFloat(num(tags, "minimum", -0.5))
		}
	case reflect.Bool:
		v.SetBool(f.full)
	default:
		panic("no sample for " + v.Type().String())
	}
}

func (f filler) fillStruct(v reflect.Value, depth int) {
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" || (!f.full && strings.Contains(opts, "omitempty")) {
			continue
		}
		f.fill(v.Field(i), parseTestTag(sf.Tag.Get("ocpp")), depth+1)
	}
}

func (f filler) fillString(v reflect.Value, tags map[string]string) {
	if values, ok := ocpp.EnumValues(v.Type()); ok {
		if f.full {
			v.SetString(values[len(values)-1])
		} else {
			v.SetString(values[0])
		}
		return
	}
	if !f.full {
		v.SetString("x")
		return
	}
	// Two-byte characters: limits count characters, not bytes.
	v.SetString(strings.Repeat("ü", int(num(tags, "maxLength", 10))))
}
