package cel

import (
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

func TestCheckTemplate(t *testing.T) {
	read := &v1alpha1.TemplateRead{Modbus: &v1alpha1.ModbusRead{Blocks: []v1alpha1.ModbusBlock{{Name: "s", Count: 4}}}}
	cases := []struct {
		name  string
		spec  v1alpha1.TemplateSpec
		field string
		want  string // in the reason; "" for no error
	}{
		{"valid", v1alpha1.TemplateSpec{Protocol: "modbus", Read: read, Signals: map[string]string{"powerW": `double(regs["s"][0])`}}, "", ""},
		{"undeclared", v1alpha1.TemplateSpec{Protocol: "modbus", Read: read, Signals: map[string]string{"powerW": `double(regz["s"][0])`}},
			"spec.signals.powerW", `line 1, column 8: undeclared reference to 'regz'`},
		{"wrong type", v1alpha1.TemplateSpec{Protocol: "modbus", Read: read, Signals: map[string]string{"charging": `regs["s"][0] + 1`}},
			"spec.signals.charging", "bool"},
		{"unread block", v1alpha1.TemplateSpec{Protocol: "modbus", Read: read, Signals: map[string]string{"powerW": `double(regs["t"][0])`}},
			"spec.signals.powerW", `"t"`},
		{"unbounded cost", v1alpha1.TemplateSpec{Protocol: "modbus", Read: read,
			Signals: map[string]string{"charging": `regs["s"].all(a, regs["s"].all(b, regs["s"].all(c, a + b + c > 0)))`}},
			"spec.signals.charging", "cost"},
		{"bad command on second line", v1alpha1.TemplateSpec{Protocol: "modbus", Read: read,
			Commands: map[string]v1alpha1.TemplateCommand{"stop": {Expr: "[write(1,\n  [limitA])]"}}}, "spec.commands.stop.expr", "line 2"},
		{"child, modbus by use", v1alpha1.TemplateSpec{Extends: "base", Signals: map[string]string{"powerW": `double(regs["x"][0])`}}, "", ""},
		{"child, echonet by use", v1alpha1.TemplateSpec{Extends: "base", Signals: map[string]string{"energyWh": `double(beu(epc[0xD8]))`}}, "", ""},
		{"child, broken", v1alpha1.TemplateSpec{Extends: "base", Signals: map[string]string{"energyWh": `double(beu(epc[0xD8])`}},
			"spec.signals.energyWh", "line 1"},
	}
	for _, c := range cases {
		errs := CheckTemplate(&c.spec)
		switch {
		case c.want == "" && len(errs) > 0:
			t.Errorf("%s: unexpected %v", c.name, errs)
		case c.want != "" && (len(errs) != 1 || errs[0].Field != c.field || !strings.Contains(errs[0].Reason, c.want)):
			t.Errorf("%s: got %v, want one error at %s containing %q", c.name, errs, c.field, c.want)
		case c.want != "" && !strings.Contains(errs[0].Reason, "in \""):
			t.Errorf("%s: %q does not quote the expression", c.name, errs[0].Reason)
		}
	}
}
