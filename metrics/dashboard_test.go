package metrics

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
)

const dashboardPath = "../examples/grafana/ocppgw.json"

// metricNameRE finds metric names in PromQL without a PromQL parser: every
// metric the gateway exposes starts with ocppgw_, go_ or process_, and no
// function, keyword or label name does. Quoted strings (label values) are
// removed first, so a value that looks like a name is not taken for one.
var (
	metricNameRE = regexp.MustCompile(`\b(?:ocppgw|go|process)_[a-zA-Z0-9_]+\b`)
	quotedRE     = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
)

// metricNames returns the metric names expr refers to.
func metricNames(expr string) []string {
	return metricNameRE.FindAllString(quotedRE.ReplaceAllString(expr, `""`), -1)
}

// queries collects every PromQL string of a Grafana dashboard: the
// panels' targets' expr and the template variables' definition.
func queries(v any, out *[]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && (k == "expr" || k == "definition") {
				*out = append(*out, s)
				continue
			}
			queries(x, out)
		}
	case []any:
		for _, x := range v {
			queries(x, out)
		}
	}
}

// exposed maps each name a scrape can carry to whether it exists: the
// families, and a histogram's _bucket, _sum and _count series.
func exposed(t *testing.T, r *Registry) map[string]bool {
	t.Helper()
	mfs, err := r.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, mf := range mfs {
		names[mf.GetName()] = true
		if mf.GetType() == dto.MetricType_HISTOGRAM || mf.GetType() == dto.MetricType_SUMMARY {
			for _, s := range []string{"_bucket", "_sum", "_count"} {
				names[mf.GetName()+s] = true
			}
		}
	}
	return names
}

// TestDashboardMetricsExist checks that every metric the Grafana dashboard
// queries is one the registry exposes, so a renamed metric cannot leave a
// panel silently empty.
func TestDashboardMetricsExist(t *testing.T) {
	raw, err := os.ReadFile(dashboardPath)
	if err != nil {
		t.Fatal(err)
	}
	var dash any
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatalf("%s: %v", dashboardPath, err)
	}
	var exprs []string
	queries(dash, &exprs)
	if len(exprs) < 20 {
		t.Fatalf("%s: found %d queries; the extractor is broken or the dashboard lost its panels", dashboardPath, len(exprs))
	}
	r := New()
	populate(t, r)
	names := exposed(t, r)
	used := map[string]bool{}
	for _, e := range exprs {
		found := metricNames(e)
		if len(found) == 0 {
			t.Errorf("%s: query %q names no metric of the gateway", dashboardPath, e)
		}
		for _, n := range found {
			used[n] = true
			if !names[n] {
				t.Errorf("%s: query %q uses %s, which /metrics does not expose", dashboardPath, e, n)
			}
		}
	}
	var unused []string
	for n := range names {
		if strings.HasPrefix(n, "ocppgw_") && !used[n] && !used[n+"_bucket"] && !strings.HasSuffix(n, "_sum") && !strings.HasSuffix(n, "_count") {
			unused = append(unused, n)
		}
	}
	t.Logf("families not on the dashboard: %v", unused)
}

func TestMetricNames(t *testing.T) {
	got := metricNames(`sum by (le) (rate(ocppgw_x_seconds_bucket{job=~"go_job",state="process_y"}[5m])) / go_goroutines`)
	if strings.Join(got, ",") != "ocppgw_x_seconds_bucket,go_goroutines" {
		t.Errorf("metricNames = %q", got)
	}
}
