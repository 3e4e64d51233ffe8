package rpc

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/lorenzodonini/ocpp-go/ocpp"
	ocpp2 "github.com/lorenzodonini/ocpp-go/ocpp2.0.1"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/provisioning"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/types"
	"github.com/lorenzodonini/ocpp-go/ws"
	"github.com/ocppgw/ocppgw/internal/testutil"
)

// goCSMS is lorenzodonini/ocpp-go v0.19.0's 2.0.1 CSMS, a peer nobody here
// wrote (DESIGN §9).
type goCSMS struct {
	boots chan *provisioning.BootNotificationRequest
}

func (h *goCSMS) OnBootNotification(_ string, req *provisioning.BootNotificationRequest) (*provisioning.BootNotificationResponse, error) {
	h.boots <- req
	return provisioning.NewBootNotificationResponse(types.NewDateTime(time.Now()), 300, provisioning.RegistrationStatusAccepted), nil
}

func (h *goCSMS) OnNotifyReport(string, *provisioning.NotifyReportRequest) (*provisioning.NotifyReportResponse, error) {
	return &provisioning.NotifyReportResponse{}, nil
}

// startGoCSMS picks a free port first: ocpp-go's Start blocks and its
// Addr() is not safe to poll from another goroutine.
func startGoCSMS(t *testing.T, password string) (ocpp2.CSMS, *goCSMS, <-chan string, string) {
	t.Helper()
	port := testutil.FreeTCPPort(t)

	server := ws.NewServer()
	server.SetBasicAuthHandler(func(_, pass string) bool { return pass == password })
	csms := ocpp2.NewCSMS(nil, server)
	h := &goCSMS{boots: make(chan *provisioning.BootNotificationRequest, 1)}
	csms.SetProvisioningHandler(h)
	connected := make(chan string, 4)
	csms.SetNewChargingStationHandler(func(cs ocpp2.ChargingStationConnection) { connected <- cs.ID() })
	go csms.Start(port, "/ocpp/{ws}")
	t.Cleanup(csms.Stop)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for deadline := time.Now().Add(wait); ; time.Sleep(10 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			_ = c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ocpp-go CSMS not listening on %s", addr)
		}
	}
	return csms, h, connected, "ws://" + addr + "/ocpp"
}

func TestInteropOcppGo(t *testing.T) {
	v := needSchemas(t)
	const password = "0123456789abcdef"
	csms, h, connected, url := startGoCSMS(t, password)

	_, _, err := Dial(testCtx(t), DialOptions{URL: url, StationID: "GO-1", Password: "not-the-password", Options: Options{Logger: quiet()}})
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("bad password: got %v, want ErrUnauthorized", err)
	}

	st, _, err := Dial(testCtx(t), DialOptions{URL: url, StationID: "GO-1", Password: password,
		Options: Options{Validator: v, Handler: stationHandler, Logger: quiet()}})
	if err != nil {
		t.Fatalf("dial ocpp-go CSMS: %v", err)
	}
	defer st.Close()
	if id := recvConn(t, connected); id != "GO-1" {
		t.Fatalf("ocpp-go saw station %q", id)
	}

	// Station → CSMS; our Validator checks ocpp-go's answer against the OCA schema.
	res, err := st.Call(testCtx(t), "BootNotification", []byte(bootReq))
	if err != nil {
		t.Fatalf("BootNotification: %v", err)
	}
	var boot struct{ Status string }
	if json.Unmarshal(res, &boot); boot.Status != "Accepted" {
		t.Fatalf("BootNotification answered %s", res)
	}
	if req := recvConn(t, h.boots); req.ChargingStation.Model != "M1" || req.Reason != provisioning.BootReasonPowerUp {
		t.Fatalf("ocpp-go decoded %+v", req)
	}

	csmsInitiated(t, csms, "GO-1")
}

// csmsInitiated sends the station a Reset it answers and a GetVariables
// it answers wrongly, through ocpp-go's typed senders.
func csmsInitiated(t *testing.T, csms ocpp2.CSMS, id string) {
	t.Helper()
	resets := make(chan *provisioning.ResetResponse, 1)
	errs := make(chan error, 1)
	err := csms.Reset(id, func(r *provisioning.ResetResponse, err error) {
		if err != nil {
			errs <- err
			return
		}
		resets <- r
	}, provisioning.ResetTypeImmediate)
	if err != nil {
		t.Fatalf("send Reset: %v", err)
	}
	select {
	case r := <-resets:
		if r.Status != provisioning.ResetStatusAccepted {
			t.Fatalf("ocpp-go got Reset status %q", r.Status)
		}
	case err := <-errs:
		t.Fatalf("Reset: %v", err)
	case <-time.After(wait):
		t.Fatal("no Reset answer")
	}

	// A request our handler answers with an invalid payload reaches ocpp-go
	// as a CALLERROR InternalError that it parses.
	err = csms.GetVariables(id, func(_ *provisioning.GetVariablesResponse, err error) { errs <- err },
		[]provisioning.GetVariableData{{Component: types.Component{Name: "OCPPCommCtrlr"}, Variable: types.Variable{Name: "MessageTimeout"}}})
	if err != nil {
		t.Fatalf("send GetVariables: %v", err)
	}
	select {
	case err := <-errs:
		var oe *ocpp.Error
		if !errors.As(err, &oe) || oe.Code != "InternalError" {
			t.Fatalf("ocpp-go got %v, want CALLERROR InternalError", err)
		}
	case <-time.After(wait):
		t.Fatal("no GetVariables answer")
	}
}
