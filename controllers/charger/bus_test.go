package charger

import (
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/drivers/echonet"
)

// TestPollBudgetDefaultsMatchTheDrivers: the apply-time poll estimate uses
// the drivers' own defaults.
func TestPollBudgetDefaultsMatchTheDrivers(t *testing.T) {
	if v1alpha1.DefaultEchonetTimeout != echonet.DefaultTimeout || v1alpha1.DefaultEchonetRetries != echonet.DefaultRetries {
		t.Fatalf("v1alpha1 assumes EL %v × %d, the driver uses %v × %d", v1alpha1.DefaultEchonetTimeout,
			v1alpha1.DefaultEchonetRetries, echonet.DefaultTimeout, echonet.DefaultRetries)
	}
}
