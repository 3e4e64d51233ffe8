package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// view is one object with spec and status decoded generically, so the columns
// need no typed structs and keep working when a kind gains fields.
type view struct {
	obj    *v1alpha1.Object
	spec   map[string]any
	status map[string]any
	now    time.Time
	// find lists related objects; nil when the caller fetches none.
	find finder
	meta map[string]any // metadata as a map, made when a column asks
}

func newView(o *v1alpha1.Object, now time.Time) *view {
	return &view{obj: o, spec: decodeMap(o.Spec), status: decodeMap(o.Status), now: now}
}

// metadata returns the object's metadata decoded like spec and status.
func (v *view) metadata() map[string]any {
	if v.meta == nil {
		b, err := json.Marshal(v.obj.Metadata)
		if err != nil {
			return map[string]any{}
		}
		v.meta = decodeMap(b)
	}
	return v.meta
}

// decodeMap decodes a JSON object keeping numbers exact; anything else is empty.
func decodeMap(raw json.RawMessage) map[string]any {
	m := map[string]any{}
	if len(raw) == 0 {
		return m
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil || m == nil {
		return map[string]any{}
	}
	return m
}

// lookup follows a dotted path through nested maps; nil when any step is missing.
func lookup(m map[string]any, path string) any {
	var cur any = m
	for _, k := range strings.Split(path, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[k]
	}
	return cur
}

// first returns the first path that has a value, formatted; "-" if none does.
// Several paths tolerate the spellings a field has had.
func first(m map[string]any, paths ...string) string {
	for _, p := range paths {
		if v := lookup(m, p); v != nil {
			if s := format(v); s != "" {
				return s
			}
		}
	}
	return "-"
}

// format renders a scalar as a person would write it; a reference object
// ({name: x}) as its name; anything else as compact JSON.
func format(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return fmt.Sprint(x)
	case map[string]any:
		if n, ok := x["name"].(string); ok && len(x) == 1 {
			return n
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// conditions returns status.conditions; malformed entries are skipped.
func (v *view) conditions() []v1alpha1.Condition {
	raw, ok := v.status["conditions"]
	if !ok {
		return nil
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return nil
	}
	var conds []v1alpha1.Condition
	if json.Unmarshal(b, &conds) != nil {
		return nil
	}
	return conds
}

// readyCondition is Ready, or the kind's own readiness condition (TemplateReady).
func (v *view) readyCondition() *v1alpha1.Condition {
	conds := v.conditions()
	for _, t := range []string{"Ready", v.obj.Kind + "Ready"} {
		if c := v1alpha1.FindCondition(conds, t); c != nil {
			return c
		}
	}
	return nil
}

func (v *view) ready() string {
	if c := v.readyCondition(); c != nil {
		return string(c.Status)
	}
	return "-"
}

func (v *view) readyReason() string {
	if c := v.readyCondition(); c != nil && c.Reason != "" {
		return c.Reason
	}
	return "-"
}

// column is one printer column: the scheme's declaration and how gwctl
// renders it.
type column struct {
	header string
	wide   bool
	// name marks the column that holds the object's name, which reads
	// "kind/name" when one listing mixes kinds.
	name  bool
	value func(v *view) string
}

// computedColumns render the columns the scheme declares without a
// JSONPath, by kind and header. Which columns a kind has, and their order,
// come from the scheme; a test holds the two in step.
var computedColumns = map[string]map[string]func(v *view) string{
	v1alpha1.KindCharger: {
		"CONNECTION": chargerConnection,
		"DEVICE":     deviceState,
		"EV":         func(v *view) string { return connectorFlag(v, "evConnected") },
		"REASON":     func(v *view) string { return conditionShort(v, "Registered", "") },
		"EVSES":      func(v *view) string { return count(lookup(v.spec, "evses")) },
		"CONNECTORS": connectorStates,
		"CHARGING":   func(v *view) string { return connectorFlag(v, "charging") },
		"POWER":      func(v *view) string { return connectorSignal(v, "powerW", "W") },
		"ENERGY":     func(v *view) string { return connectorSignal(v, "energyWh", "Wh") },
		"LIMIT":      limitColumn,
		"SOURCE":     limitSourceColumn,
		"NEXT":       nextChangeColumn,
	},
	v1alpha1.KindTemplate: {
		"READY":  (*view).ready,
		"REASON": (*view).readyReason,
	},
	v1alpha1.KindSecret:          {"KEYS": secretKeys},
	v1alpha1.KindChargingProfile: profileComputed,
	v1alpha1.KindTransaction:     transactionComputed,
}

// kindOrder sorts a listed kind for reading; kinds without one keep the
// server's name order.
var kindOrder = map[string]func(a, b *view) int{
	v1alpha1.KindTransaction: compareTransactions,
}

// sortListed orders objs of kind as kindOrder says.
func sortListed(kind string, objs []*v1alpha1.Object, now time.Time) {
	order, ok := kindOrder[kind]
	if !ok {
		return
	}
	views := make([]*view, len(objs))
	for i, o := range objs {
		views[i] = newView(o, now)
	}
	slices.SortStableFunc(views, order)
	for i, v := range views {
		objs[i] = v.obj
	}
}

// columnsFor returns the kind's columns as the scheme declares them, the
// wide-only ones dropped unless wide.
func columnsFor(kind string, wide bool) []column {
	r, ok := v1alpha1.DefaultScheme().ByKind(kind)
	if !ok {
		return []column{{header: "NAME", name: true, value: func(v *view) string { return v.obj.Metadata.Name }}}
	}
	cols := make([]column, 0, len(r.Columns))
	for _, c := range r.Columns {
		cols = append(cols, column{header: c.Header, wide: c.Wide, name: c.ObjectName, value: columnValue(kind, c)})
	}
	narrow, extra := splitWide(cols, wide)
	return append(narrow, extra...)
}

// columnValue renders a declared column: the value at its JSONPath (a date
// as an age), or the kind's computed function for it.
func columnValue(kind string, c v1alpha1.Column) func(v *view) string {
	if c.JSONPath == "" {
		if f := computedColumns[kind][c.Header]; f != nil {
			return f
		}
		return func(*view) string { return "-" }
	}
	root, rest, _ := strings.Cut(strings.TrimPrefix(c.JSONPath, "."), ".")
	return func(v *view) string {
		var m map[string]any
		switch root {
		case "spec":
			m = v.spec
		case "status":
			m = v.status
		default:
			m = v.metadata()
		}
		if c.Type == "date" {
			return age(first(m, rest), v.now)
		}
		return first(m, rest)
	}
}

// splitWide separates the columns always shown from the wide-only ones,
// which are dropped unless wide.
func splitWide(cols []column, wide bool) (narrow, extra []column) {
	for _, c := range cols {
		switch {
		case !c.wide:
			narrow = append(narrow, c)
		case wide:
			extra = append(extra, c)
		}
	}
	return narrow, extra
}

func headerOf(cols []column) []string {
	h := make([]string, len(cols))
	for i, c := range cols {
		h[i] = c.header
	}
	return h
}

// rowOf renders one object; with kindPrefix the name reads "charger/ch-1", as
// kubectl does when one listing mixes kinds.
func rowOf(cols []column, o *v1alpha1.Object, kindPrefix bool, now time.Time, find finder) []string {
	v := newView(o, now)
	v.find = find
	r := make([]string, len(cols))
	for i, c := range cols {
		r[i] = c.value(v)
	}
	if kindPrefix {
		for i, c := range cols {
			if c.name {
				r[i] = resourceName(o.Kind, o.Metadata.Name)
			}
		}
	}
	return r
}

// objectTable renders objects of one kind.
func objectTable(kind string, objs []*v1alpha1.Object, wide, kindPrefix bool, now time.Time, find finder) table {
	cols := columnsFor(kind, wide)
	t := table{header: headerOf(cols)}
	for _, o := range objs {
		t.rows = append(t.rows, rowOf(cols, o, kindPrefix, now, find))
	}
	return t
}

func count(v any) string {
	switch x := v.(type) {
	case []any:
		return fmt.Sprint(len(x))
	case map[string]any:
		return fmt.Sprint(len(x))
	}
	return "-"
}

// chargerConnection summarises how the gateway reaches the charger, in its
// protocol's words (v1alpha1.Summarizer: "tcp host:port/unit", "goe
// 192.168.1.60"), else by its connection's key; "-" when it has none that
// decodes.
func chargerConnection(v *view) string {
	b, err := json.Marshal(lookup(v.spec, "connection"))
	var c v1alpha1.ChargerConnection
	if err != nil || json.Unmarshal(b, &c) != nil || c.Spec() == nil {
		return "-"
	}
	if s, ok := c.Spec().(v1alpha1.Summarizer); ok {
		return s.Summary()
	}
	return c.Key()
}

// statusConnectors returns status.connectors as maps.
func statusConnectors(v *view) []map[string]any { return mapsAt(v.status, "connectors") }

// mapsAt returns the objects of the list at path; other entries are skipped.
func mapsAt(m map[string]any, path string) []map[string]any {
	list, _ := lookup(m, path).([]any)
	var out []map[string]any
	for _, e := range list {
		if o, ok := e.(map[string]any); ok {
			out = append(out, o)
		}
	}
	return out
}

// connectorStates lists each connector's OCPP status, e.g. "1/1:Available".
func connectorStates(v *view) string {
	var parts []string
	for _, c := range statusConnectors(v) {
		parts = append(parts, first(c, "evseId")+"/"+first(c, "connectorId")+":"+first(c, "status"))
	}
	return joinFew(parts, 3)
}

// conditionShort shows a condition in one word: whenTrue (or its reason)
// when it holds, else its reason; "-" before anyone set it.
func conditionShort(v *view, typ, whenTrue string) string {
	c := v1alpha1.FindCondition(v.conditions(), typ)
	switch {
	case c == nil:
		return "-"
	case c.Status == v1alpha1.ConditionTrue && whenTrue != "":
		return whenTrue
	case c.Reason != "":
		return c.Reason
	}
	return string(c.Status)
}

// deviceState is Reachable while the device answers with complete data;
// else what is wrong: the reason of DeviceReachable (NotResponding,
// OpenFailed, …) or of DeviceDataValid (DeviceError, MalformedAnswer), or
// Stale while the last polls failed but not yet failureThreshold of them.
func deviceState(v *view) string {
	r := v1alpha1.FindCondition(v.conditions(), "DeviceReachable")
	switch {
	case r == nil:
		return "-"
	case r.Status != v1alpha1.ConditionTrue:
		return conditionShort(v, "DeviceReachable", "")
	}
	if d := v1alpha1.FindCondition(v.conditions(), "DeviceDataValid"); d != nil && d.Status == v1alpha1.ConditionFalse {
		return d.Reason
	}
	for _, c := range statusConnectors(v) {
		if lookup(c, "stale") == true {
			return "Stale"
		}
	}
	return "Reachable"
}

// connectorFlag shows a boolean signal per connector: "yes", "no", "?"
// where it is unknown now (its input did not arrive), or "-" where the
// template does not map it.
func connectorFlag(v *view, signal string) string {
	var parts []string
	for _, c := range statusConnectors(v) {
		switch lookup(c, "signals."+signal) {
		case true:
			parts = append(parts, "yes")
		case false:
			parts = append(parts, "no")
		case nil:
			if lookup(c, "unknown."+signal) != nil {
				parts = append(parts, "?")
			} else {
				parts = append(parts, "-")
			}
		default:
			parts = append(parts, "-")
		}
	}
	return joinFew(parts, 3)
}

// connectorSignal shows one live signal of every connector that reports it,
// with its unit, e.g. "7400W" or "7400W,0W" for two connectors.
func connectorSignal(v *view, signal, unit string) string {
	var parts []string
	for _, c := range statusConnectors(v) {
		if val := lookup(c, "signals."+signal); val != nil {
			parts = append(parts, format(val)+unit)
		}
	}
	return joinFew(parts, 3)
}

// secretKeys names the keys a Secret holds; values never reach a table.
func secretKeys(v *view) string {
	var keys []string
	m, _ := v.spec["data"].(map[string]any)
	keys = append(keys, slices.Sorted(maps.Keys(m))...)
	if len(keys) == 0 {
		return "-"
	}
	return strings.Join(keys, ",")
}

func joinFew(parts []string, n int) string {
	if len(parts) == 0 {
		return "-"
	}
	if len(parts) > n {
		parts = append(parts[:n:n], fmt.Sprintf("+%d", len(parts)-n))
	}
	return strings.Join(parts, ",")
}
