package gocsms

import (
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
)

// TestDisconnect: the CSMS closes a station's socket with the code and
// reason given, records the disconnection, and takes the station back.
func TestDisconnect(t *testing.T) {
	c, v := startCSMS(t)
	conn := station(t, c, v, "GO-BYE", 0, nil)
	if err := c.Disconnect("GO-BYE", websocket.CloseGoingAway, "maintenance"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-conn.Done():
	case <-ctxT(t).Done():
		t.Fatal("the station's connection stayed open")
	}
	if err := conn.Err(); !errors.Is(err, rpc.ErrClosed) || !strings.Contains(err.Error(), "maintenance") {
		t.Fatalf("station saw %v, want the close with reason maintenance", err)
	}
	gone := func(conn Connection) bool { return conn.Station == "GO-BYE" && !conn.Connected }
	if err := c.WaitConnections(ctxT(t), 1, gone); err != nil {
		t.Fatal(err)
	}
	if err := c.Disconnect("GO-NOBODY", websocket.CloseGoingAway, "maintenance"); err == nil {
		t.Fatal("disconnecting a station that is not connected succeeded")
	}
	station(t, c, v, "GO-BYE", 0, nil)
	if n := len(c.Messages("GO-BYE", "BootNotification")); n != 2 {
		t.Fatalf("%d BootNotifications, want one per connection", n)
	}
}

// TestInvalidCallIsAProblem shows that what a test checks at its end can
// fail: a BootNotification lacking required fields, sent without the
// station's own validation, is refused by ocpp-go and becomes a problem
// naming the station.
func TestInvalidCallIsAProblem(t *testing.T) {
	c := New(t, Options{})
	conn, _, err := rpc.Dial(ctxT(t), rpc.DialOptions{URL: c.URL, StationID: "GO-INVALID",
		Options: rpc.Options{Logger: slog.New(slog.DiscardHandler)}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Call(ctxT(t), "BootNotification", json.RawMessage(`{"chargingStation":{"model":"M1"}}`)); err == nil {
		t.Fatal("ocpp-go accepted a BootNotification without reason and vendorName")
	}
	if p := c.TakeProblems(); len(p) != 1 || !strings.Contains(p[0], "GO-INVALID") {
		t.Fatalf("problems %q, want the refused frame", p)
	}
}
