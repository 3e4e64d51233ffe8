package transaction

import (
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func ended(name string, ago time.Duration, queued int) session {
	return session{name: name, ended: true, endedAt: t0.Add(-ago), queued: queued}
}

func TestPlan(t *testing.T) {
	day := 24 * time.Hour
	open := session{name: "open"}
	tests := []struct {
		name     string
		sessions []session
		opts     Options
		want     string // doomed names in the order chosen, with their reason
	}{
		{"nothing ended", []session{open}, Options{Retention: time.Hour, History: 1}, ""},
		{"expired at the retention, not before",
			[]session{ended("a", 7*day, 0), ended("b", 7*day-time.Second, 0), open},
			Options{Retention: 7 * day}, "a:" + reasonExpired},
		{"queued events keep an expired session",
			[]session{ended("a", 30*day, 2), ended("b", 8*day, 0)},
			Options{Retention: 7 * day}, "b:" + reasonExpired},
		{"oldest beyond the history go first",
			[]session{ended("new", time.Hour, 0), ended("old", 3*day, 0), ended("mid", day, 0), open},
			Options{History: 1}, "old:" + reasonHistory + ",mid:" + reasonHistory},
		{"queued sessions count towards the history but stay",
			[]session{ended("q-oldest", 5*day, 1), ended("b", 4*day, 0), ended("c", 3*day, 0), ended("d", day, 0)},
			Options{History: 2}, "b:" + reasonHistory + ",c:" + reasonHistory},
		{"more queued than the history: nothing can go",
			[]session{ended("a", 2*day, 1), ended("b", day, 1)},
			Options{History: 1}, ""},
		{"expired ones leave room in the history",
			[]session{ended("x", 9*day, 0), ended("y", 2*day, 0), ended("z", day, 0)},
			Options{Retention: 7 * day, History: 2}, "x:" + reasonExpired},
		{"no endedAt: never expires, counts as the oldest",
			[]session{{name: "undated", ended: true}, ended("a", 20*day, 0), ended("b", time.Hour, 0)},
			Options{Retention: 7 * day, History: 1}, "a:" + reasonExpired + ",undated:" + reasonHistory},
		{"zero bounds keep everything",
			[]session{ended("a", 400*day, 0), ended("b", 300*day, 0)}, Options{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, d := range plan(tt.sessions, t0, tt.opts) {
				got = append(got, d.name+":"+d.reason)
			}
			if s := strings.Join(got, ","); s != tt.want {
				t.Errorf("plan = %q, want %q", s, tt.want)
			}
		})
	}
}

func TestOptionsValidate(t *testing.T) {
	err := Options{Retention: -time.Hour, History: -1}.Validate()
	if err == nil || !strings.Contains(err.Error(), "--transaction-retention -1h0m0s") || !strings.Contains(err.Error(), "--transaction-history -1") {
		t.Errorf("Validate = %v, want both flags named", err)
	}
	if err := (Options{Retention: DefaultRetention, History: DefaultHistory}).Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
	if err := (Options{}).Validate(); err != nil {
		t.Errorf("zero (no bounds): %v", err)
	}
}
