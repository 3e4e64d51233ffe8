package ocpp_test

import (
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// TestRedactFrame: the secrets OCPP carries never reach a log, and the rest
// of the frame stays readable.
func TestRedactFrame(t *testing.T) {
	cases := []struct{ name, frame, secret, kept string }{
		{"SetVariables password", `[2,"1","SetVariables",{"setVariableData":[{"attributeValue":"s3cretPassw0rd!","component":{"name":"SecurityCtrlr"},"variable":{"name":"BasicAuthPassword"}}]}]`, "s3cretPassw0rd!", "SecurityCtrlr"},
		{"Authorize idToken", `[2,"2","Authorize",{"idToken":{"idToken":"04A2B3C4D5E6F7","type":"ISO14443"}}]`, "04A2B3C4D5E6F7", "ISO14443"},
		{"TransactionEvent groupIdToken", `[3,"3",{"idTokenInfo":{"status":"Accepted","groupIdToken":{"idToken":"GROUP-77","type":"Central"}}}]`, "GROUP-77", "Accepted"},
		{"RequestStart", `[2,"4","RequestStartTransaction",{"remoteStartId":1,"idToken":{"idToken":"REMOTE-1","type":"Central"}}]`, "REMOTE-1", "remoteStartId"},
		{"SetNetworkProfile vpn key", `[2,"5","SetNetworkProfile",{"configurationSlot":1,"connectionData":{"vpn":{"server":"v","user":"u","password":"vpnpw","key":"vpnkey","type":"IPSec"},"apn":{"apn":"a","apnPassword":"apnpw","apnAuthentication":"AUTO"}}}]`, "vpnpw", "IPSec"},
		{"not JSON", `[2,"6","Authorize",{"idToken":{"idToken":"HALF`, "HALF", "not JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := string(ocpp.RedactFrame([]byte(c.frame)))
			if strings.Contains(got, c.secret) {
				t.Errorf("secret %q left in %s", c.secret, got)
			}
			if !strings.Contains(got, c.kept) {
				t.Errorf("%q lost from %s", c.kept, got)
			}
		})
	}
	got := string(ocpp.RedactFrame([]byte(cases[4].frame)))
	for _, s := range []string{"vpnkey", "apnpw"} {
		if strings.Contains(got, s) {
			t.Errorf("%q left in %s", s, got)
		}
	}
}
