package rpc_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
	"github.com/ocppgw/ocppgw/internal/logging"
	"github.com/ocppgw/ocppgw/internal/testutil"
)

// TestFrameTraceIsSwitchedPerStationAndRedacted: with the station at
// debug no frame is logged; with ocpp/<id> at trace both directions are,
// and the idToken in them is not (the 2.0.1 redactor, as the station sets
// it). It is an external test because drivers/ocpp imports rpc.
func TestFrameTraceIsSwitchedPerStationAndRedacted(t *testing.T) {
	var out testutil.Buffer
	lg, err := logging.New(logging.Options{Levels: "debug", Stderr: &out})
	if err != nil {
		t.Fatal(err)
	}
	url, peers := rpc.StartRawPeer(t, true)
	conn := rpc.DialStation(t, url, "CP042", rpc.Options{Logger: lg.With("station", "CP042"), Redact: ocpp.RedactFrame})
	defer conn.Close()
	peer := rpc.RecvPeer(t, peers)

	call := func(token string) {
		done := make(chan error, 1)
		go func() {
			_, err := conn.Call(context.Background(), "Authorize", map[string]any{"idToken": map[string]string{"idToken": token, "type": "ISO14443"}})
			done <- err
		}()
		elems := peer.Read(t)
		peer.Write(t, `[3,`+string(elems[1])+`,{"idTokenInfo":{"status":"Accepted"}}]`)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	call("TOKEN-OFF-1234")
	if strings.Contains(out.String(), "ocpp frame") {
		t.Fatalf("frames logged with trace off:\n%s", out.String())
	}
	if err := lg.Levels.Set("ocpp/CP042", "trace"); err != nil {
		t.Fatal(err)
	}
	call("TOKEN-ON-5678")
	logs := out.String()
	if strings.Count(logs, "ocpp frame") != 2 || !strings.Contains(logs, "dir=out") || !strings.Contains(logs, "dir=in") {
		t.Errorf("want the CALL out and the CALLRESULT in traced:\n%s", logs)
	}
	if strings.Contains(logs, "TOKEN-ON-5678") || !strings.Contains(logs, "level=TRACE") {
		t.Errorf("trace shows the idToken or lacks the TRACE level:\n%s", logs)
	}
	if !strings.Contains(logs, "Authorize") || !strings.Contains(logs, "Accepted") {
		t.Errorf("trace lost the frame's content:\n%s", logs)
	}
}
