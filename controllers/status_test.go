package controllers

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

func TestStatusKeepsFieldsItDoesNotOwn(t *testing.T) {
	raw := json.RawMessage(`{"signals":{"powerW":7400},"ocpp":{"vars":[1,2]},
		"conditions":[{"type":"DeviceReachable","status":"True","reason":"Polled","lastTransitionTime":"2026-01-01T00:00:00Z"}]}`)
	s, err := DecodeStatus(raw)
	if err != nil {
		t.Fatal(err)
	}
	s.SetObservedGeneration(3)
	now := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	s.SetCondition(v1alpha1.Condition{Type: "TemplateReady", Status: v1alpha1.ConditionTrue, Reason: "TemplateReady"}, now)
	out, err := s.Encode()
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Signals            map[string]int       `json:"signals"`
		OCPP               map[string][]int     `json:"ocpp"`
		ObservedGeneration int64                `json:"observedGeneration"`
		Conditions         []v1alpha1.Condition `json:"conditions"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if got.Signals["powerW"] != 7400 || len(got.OCPP["vars"]) != 2 || got.ObservedGeneration != 3 {
		t.Fatalf("fields lost or wrong: %s", out)
	}
	if len(got.Conditions) != 2 || got.Conditions[0].Type != "DeviceReachable" ||
		got.Conditions[1].LastTransitionTime != "2026-02-01T00:00:00Z" {
		t.Fatalf("conditions %+v", got.Conditions)
	}
	if c, _ := v1alpha1.Canonical(out); string(c) != string(out) {
		t.Fatalf("Encode is not canonical: %s", out)
	}
}

func TestDecodeStatusRejectsGarbage(t *testing.T) {
	for _, raw := range []string{`[1,2]`, `{"conditions":"no"}`, `{`} {
		if _, err := DecodeStatus(json.RawMessage(raw)); err == nil {
			t.Errorf("DecodeStatus(%s) succeeded", raw)
		}
	}
	for _, raw := range []string{``, `null`, `{}`} {
		s, err := DecodeStatus(json.RawMessage(raw))
		if err != nil || s.ObservedGeneration() != 0 || s.Condition("Ready") != nil {
			t.Errorf("DecodeStatus(%q) = %v, %v; want an empty status", raw, s, err)
		}
	}
}

func TestUpdateStatusIfChanged(t *testing.T) {
	st := openStore(t, store.Options{})
	obj := mustCreate(t, st, "Template", "t", nil)
	now := time.Unix(0, 0)
	build := func(from *v1alpha1.Object, status v1alpha1.ConditionStatus) *Status {
		s, err := DecodeStatus(from.Status)
		if err != nil {
			t.Fatal(err)
		}
		s.SetObservedGeneration(from.Metadata.Generation)
		s.SetCondition(v1alpha1.Condition{Type: "Ready", Status: status, Reason: "R"}, now)
		return s
	}
	wrote, err := UpdateStatusIfChanged(st, obj, build(obj, v1alpha1.ConditionTrue))
	if err != nil || !wrote {
		t.Fatalf("first write: wrote=%v err=%v", wrote, err)
	}
	cur, _ := st.Get("Template", "t")
	rev := st.Revision()
	// Same content, later clock: SetCondition keeps the transition time, so nothing is written.
	now = now.Add(time.Hour)
	wrote, err = UpdateStatusIfChanged(st, cur, build(cur, v1alpha1.ConditionTrue))
	if err != nil || wrote || st.Revision() != rev {
		t.Fatalf("unchanged status: wrote=%v err=%v revision %d→%d", wrote, err, rev, st.Revision())
	}
	// A writer holding a stale copy must not overwrite the newer status.
	_, err = UpdateStatusIfChanged(st, obj, build(obj, v1alpha1.ConditionFalse))
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale write: err=%v, want store.ErrConflict", err)
	}
}

func TestQueueStatusMergeKeepsOthersFields(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "s.db"), store.Options{StatusFlushInterval: 1 << 40})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	obj, _ := st.Create(&v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: "Charger", Metadata: v1alpha1.ObjectMeta{Name: "c"}, Spec: json.RawMessage(`{}`)})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	QueueStatusMerge(st, "Charger", "c", "poller", func(s *Status) error {
		s.SetCondition(v1alpha1.Condition{Type: "DeviceReachable", Status: v1alpha1.ConditionTrue, Reason: "Polled"}, now)
		return s.Set("device", map[string]int{"polls": 1})
	})
	// Another controller writes its own condition before the flush.
	s, _ := DecodeStatus(obj.Status)
	s.SetCondition(v1alpha1.Condition{Type: "TemplateReady", Status: v1alpha1.ConditionTrue, Reason: "TemplateReady"}, now)
	if _, err := UpdateStatusIfChanged(st, obj, s); err != nil {
		t.Fatal(err)
	}
	if err := st.Flush(); err != nil {
		t.Fatal(err)
	}
	got, _ := st.Get("Charger", "c")
	merged, _ := DecodeStatus(got.Status)
	if merged.Condition("TemplateReady") == nil || merged.Condition("DeviceReachable") == nil || string(merged.Field("device")) != `{"polls":1}` {
		t.Fatalf("merged status %s", got.Status)
	}
}
