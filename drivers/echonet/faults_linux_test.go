//go:build linux

package echonet

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestEchonetLiteFaults runs the client against the npm echonet-lite peer
// while the peer injects the faults of issue 8: foreign replies, SNA,
// PDC 0, omitted properties, refused and unanswered Sets, slow answers,
// and writes outside the Set map.
func TestEchonetLiteFaults(t *testing.T) {
	p := prepareNetnsPeer(t)
	c := newNetnsClient(t, Config{Timeout: time.Second, Retries: 2, DiscoverWindow: time.Second})
	peer := netip.MustParseAddrPort(addrPeer + ":3610")
	quick := func(t *testing.T) context.Context { return WithTryTimeout(withTimeout(t), 300*time.Millisecond) }

	t.Run("reply from another instance is dropped", func(t *testing.T) {
		p.reset(t, "wrong 02a101 02a102")
		before := c.Stats()
		props, err := c.Get(quick(t), peer, evse, 0x80)
		var te *TimeoutError
		if !errors.As(err, &te) || te.Tries != 3 {
			t.Fatalf("Get = %v, %v; want a timeout: only 02A102 answered", props, err)
		}
		if s := c.Stats(); s.Foreign-before.Foreign < 1 {
			t.Fatalf("stats %+v: the 02A102 replies were not counted as foreign", s)
		}
	})

	t.Run("right answer after a wrong-instance one is taken", func(t *testing.T) {
		p.reset(t, "wrong 02a101 02a102 also")
		before := c.Stats()
		props, err := c.Get(withTimeout(t), peer, evse, 0x80, 0xC7)
		if err != nil || len(props) != 2 || !bytes.Equal(props[0].EDT, []byte{0x30}) || !bytes.Equal(props[1].EDT, []byte{0x41}) {
			t.Fatalf("Get = %v, %v", props, err)
		}
		if s := c.Stats(); s.Foreign-before.Foreign < 1 || s.Retransmits != before.Retransmits {
			t.Fatalf("stats %+v: want the 02A102 reply counted as foreign and no retransmission", s)
		}
	})

	t.Run("instance 0 is answered by any instance of the class", func(t *testing.T) {
		p.reset(t)
		props, err := c.Get(withTimeout(t), peer, NewEOJ(0x02A1, 0), 0xC7)
		if err != nil || len(props) != 1 || !bytes.Equal(props[0].EDT, []byte{0x41}) {
			t.Fatalf("Get of 02A100 = %v, %v", props, err)
		}
	})

	t.Run("Get_SNA and omitted EPCs named one by one, the rest returned", func(t *testing.T) {
		p.reset(t, "sna 02a101 c7", "omit 02a101 e4")
		props, err := c.Get(withTimeout(t), peer, evse, 0x80, 0xC7, 0xE4, 0xD8)
		var sna *SNAError
		if !errors.As(err, &sna) || sna.ESV != GetSNA {
			t.Fatalf("err = %v, want an SNAError from Get_SNA", err)
		}
		want := []Unavailable{{EPC: 0xC7, Why: AbsentSNA}, {EPC: 0xE4, Why: AbsentOmitted}}
		if !sameMissing(sna.Missing, want) || !bytes.Equal(sna.Refused, []byte{0xC7, 0xE4}) {
			t.Fatalf("missing %v, refused %X; want %v", sna.Missing, sna.Refused, want)
		}
		if len(props) != 2 || props[0].EPC != 0x80 || props[1].EPC != 0xD8 || !bytes.Equal(props[1].EDT, []byte{0, 1, 0xE2, 0x40}) {
			t.Fatalf("props = %v, want 0x80 and 0xD8 with their values", props)
		}
		for _, s := range []string{"0xC7 (Get_SNA, PDC 0)", "0xE4 (missing from the reply)"} {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("error %q does not say %q", err, s)
			}
		}
	})

	t.Run("a Get_Res without 0xC7 or with an empty 0xD3 is not a complete answer", func(t *testing.T) {
		p.reset(t, "omit 02a101 c7", "pdc0 02a101 d3")
		props, err := c.Get(withTimeout(t), peer, evse, 0xC7, 0xD3, 0xDA)
		var sna *SNAError
		if !errors.As(err, &sna) || sna.ESV != GetRes {
			t.Fatalf("Get = %v, %v; want an SNAError about a Get_Res", props, err)
		}
		want := []Unavailable{{EPC: 0xC7, Why: AbsentOmitted}, {EPC: 0xD3, Why: AbsentEmpty}}
		if !sameMissing(sna.Missing, want) || !strings.Contains(err.Error(), "0xD3 (Get_Res with PDC 0)") {
			t.Fatalf("err %v: missing %v, want %v", err, sna.Missing, want)
		}
		if len(props) != 1 || props[0].EPC != 0xDA {
			t.Fatalf("props = %v, want 0xDA only", props)
		}
	})

	t.Run("an EDT one byte short is not a value", func(t *testing.T) {
		p.reset(t, "short 02a101 d8")
		props, err := c.Get(withTimeout(t), peer, evse, 0xD8, 0x80)
		var sna *SNAError
		if !errors.As(err, &sna) || !sameMissing(sna.Missing, []Unavailable{{EPC: 0xD8, Why: AbsentWrongSize}}) ||
			!bytes.Equal(sna.Missing[0].EDT, []byte{0x00, 0x01, 0xE2}) {
			t.Fatalf("Get = %v, %v; want 0xD8 reported with 3 of its 4 bytes", props, err)
		}
		if !strings.Contains(err.Error(), "0xD8 (wrong size: 3 bytes 0001E2, the class defines 4)") {
			t.Fatalf("error %q", err)
		}
		if len(props) != 1 || props[0].EPC != 0x80 {
			t.Fatalf("props = %v, want 0x80 only", props)
		}
	})

	t.Run("SetC with data of the wrong size is not sent", func(t *testing.T) {
		p.reset(t)
		err := c.SetC(withTimeout(t), peer, evse, Property{EPC: 0xEB, EDT: []byte{0x0E, 0x10}})
		if err == nil || !strings.Contains(err.Error(), "EPC 0xEB: 2 bytes of data (0E10), the class defines 4; not sent") {
			t.Fatalf("SetC = %v", err)
		}
		if n := len(p.seen(t)); n != 0 {
			t.Fatalf("the peer saw %d requests, want none", n)
		}
	})

	t.Run("refused SetC is an SNA error and the value stays", func(t *testing.T) {
		p.reset(t, "refuse 02a101 da")
		err := c.SetC(withTimeout(t), peer, evse, Property{EPC: 0xDA, EDT: []byte{0x47}})
		var sna *SNAError
		if !errors.As(err, &sna) || sna.ESV != SetCSNA || !sna.Refuses(0xDA) || errors.Is(err, ErrTimeout) {
			t.Fatalf("SetC = %v, want SetC_SNA refusing 0xDA", err)
		}
		props, err := c.Get(withTimeout(t), peer, evse, 0xDA)
		if err != nil || props[0].EDT[0] == 0x47 {
			t.Fatalf("0xDA after the refused SetC: %v, %v", props, err)
		}
	})

	t.Run("unanswered SetC is a timeout after every try", func(t *testing.T) {
		p.reset(t, "silent 02a101")
		err := c.SetC(quick(t), peer, evse, Property{EPC: 0xDA, EDT: []byte{0x42}})
		var te *TimeoutError
		var sna *SNAError
		if !errors.As(err, &te) || te.Tries != 3 || te.ESV != SetC || errors.As(err, &sna) {
			t.Fatalf("SetC = %v, want a TimeoutError after 3 tries", err)
		}
		if n := countSeen(p.seen(t), "02a101", "61", "da"); n != 3 {
			t.Fatalf("the peer saw %d SetC of 0xDA, want 3 tries", n)
		}
	})

	t.Run("answer after 2.5 s is taken after retransmissions in one call", func(t *testing.T) {
		p.reset(t, "delay 02a101 2500")
		before := c.Stats()
		props, err := c.Get(WithTryTimeout(withTimeout(t), time.Second), peer, evse, 0xC7)
		if err != nil || len(props) != 1 || !bytes.Equal(props[0].EDT, []byte{0x41}) {
			t.Fatalf("Get = %v, %v", props, err)
		}
		if s := c.Stats(); s.Retransmits-before.Retransmits != 2 {
			t.Fatalf("stats %+v: want 2 retransmissions before the first try's answer", s)
		}
		if n := countSeen(p.seen(t), "02a101", "62", "c7"); n != 3 {
			t.Fatalf("the peer saw %d Gets, want 3 tries", n)
		}
	})

	t.Run("a deadline shorter than the tries is reported as such", func(t *testing.T) {
		p.reset(t, "silent 02a101")
		ctx, cancel := context.WithTimeout(WithTryTimeout(context.Background(), time.Second), 1500*time.Millisecond)
		defer cancel()
		_, err := c.Get(ctx, peer, evse, 0xC7)
		var te *TimeoutError
		if !errors.As(err, &te) || !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) ||
			te.Planned != 3 || te.Tries >= te.Planned || te.Budget <= 0 {
			t.Fatalf("Get = %v (%+v), want a TimeoutError cut short by the deadline", err, te)
		}
		if !strings.Contains(err.Error(), "of 3 tries") || !strings.Contains(err.Error(), "deadline") {
			t.Fatalf("error %q does not say the deadline cut the tries short", err)
		}
	})

	t.Run("SetC outside the Set map is refused before sending", func(t *testing.T) {
		p.reset(t)
		c.ForgetPropertyMaps(peer.Addr())
		d := c.Device(peer, evse)
		err := d.SetC(withTimeout(t), Property{EPC: 0xED, EDT: []byte{0x00, 0xA0}})
		var nim *NotInMapError
		if !errors.Is(err, ErrNotInMap) || !errors.As(err, &nim) || nim.Map != "Set" || !bytes.Equal(nim.EPCs, []byte{0xED}) ||
			!strings.Contains(err.Error(), "0xED") {
			t.Fatalf("SetC of 0xED = %v, want a NotInMapError for the Set map", err)
		}
		if _, err := d.Get(withTimeout(t), 0xCD); !errors.As(err, &nim) || nim.Map != "Get" {
			t.Fatalf("Get of write-only 0xCD = %v, want a NotInMapError for the Get map", err)
		}
		if err := d.SetC(withTimeout(t), Property{EPC: 0xEB, EDT: []byte{0, 0, 0x0E, 0x10}}); err != nil {
			t.Fatalf("SetC of 0xEB, which the Set map lists: %v", err)
		}
		seen := p.seen(t)
		if countSeen(seen, "02a101", "61", "ed") != 0 || countSeen(seen, "02a101", "62", "cd") != 0 || countSeen(seen, "02a101", "61", "eb") != 1 ||
			countSeen(seen, "02a101", "62", "9e") != 1 {
			t.Fatalf("peer saw %+v; want one map read, the 0xEB write, and neither 0xED nor 0xCD", seen)
		}
	})

	t.Run("unreadable maps restrict nothing", func(t *testing.T) {
		p.reset(t, "sna 02a101 9e 9f")
		c.ForgetPropertyMaps(peer.Addr())
		d := c.Device(peer, evse)
		m, err := d.Maps(withTimeout(t))
		if err != nil || m.Set.Known || m.Get.Known || !m.Announce.Known || m.Err == nil {
			t.Fatalf("maps = %+v, %v; want Set and Get unknown, Announce known", m, err)
		}
		err = d.SetC(withTimeout(t), Property{EPC: 0xED, EDT: []byte{0x00, 0xA0}})
		var sna *SNAError
		if !errors.As(err, &sna) || !sna.Refuses(0xED) {
			t.Fatalf("SetC of 0xED = %v, want it sent and refused by the device", err)
		}
		if countSeen(p.seen(t), "02a101", "61", "ed") != 1 {
			t.Fatal("the SetC of 0xED did not reach the peer")
		}
	})

	t.Run("Describe lists class, maker and maps", func(t *testing.T) {
		p.reset(t)
		info, err := c.Describe(withTimeout(t), peer.Addr())
		if err != nil || info.Err != nil || !bytes.Equal(info.Manufacturer, []byte{0, 0, 0x77}) ||
			!slices.Equal(info.Instances, []EOJ{evse, v2h}) || len(info.Objects) != 2 {
			t.Fatalf("Describe = %+v, %v", info, err)
		}
		ev, vh := info.Objects[0], info.Objects[1]
		if ev.Err != nil || ev.EOJ != evse || ev.Class != 0x02A1 || !bytes.Equal(ev.Manufacturer, []byte{0xFF, 0xFF, 0xFF}) ||
			len(ev.Maps.Get.EPCs) != 22 || !ev.Maps.Get.Restricts() || !bytes.Equal(ev.Maps.Set.EPCs, []byte{0x80, 0xCD, 0xDA, 0xEB}) ||
			!bytes.Equal(ev.Maps.Announce.EPCs, []byte{0x80, 0x88, 0xC7, 0xDA}) {
			t.Fatalf("02A101: %+v", ev)
		}
		if vh.Err != nil || vh.Class != 0x027E || !bytes.Equal(vh.Manufacturer, []byte{0, 0, 0x6C}) ||
			len(vh.Maps.Get.EPCs) != 14 || !vh.Maps.Get.Has(0xD3) || !bytes.Equal(vh.Maps.Set.EPCs, []byte{0x80, 0xDA}) {
			t.Fatalf("027E01: %+v", vh)
		}
	})

	t.Run("a device answering two properties at most still describes itself", func(t *testing.T) {
		p.reset(t, "cap 02a101 2")
		props, err := c.Get(withTimeout(t), peer, evse, 0x80, 0xC7, 0xDA)
		var sna *SNAError
		if !errors.As(err, &sna) || !sameMissing(sna.Missing, []Unavailable{{EPC: 0xDA, Why: AbsentOmitted}}) || len(props) != 2 {
			t.Fatalf("Get of three = %v, %v; want 0xDA missing from the reply", props, err)
		}
		info, err := c.Describe(withTimeout(t), peer.Addr())
		if err != nil || len(info.Objects) != 2 {
			t.Fatalf("Describe = %+v, %v", info, err)
		}
		ev := info.Objects[0]
		if ev.Err != nil || !bytes.Equal(ev.Manufacturer, []byte{0xFF, 0xFF, 0xFF}) || len(ev.Maps.Get.EPCs) != 22 ||
			!bytes.Equal(ev.Maps.Set.EPCs, []byte{0x80, 0xCD, 0xDA, 0xEB}) {
			t.Fatalf("02A101 answering two at a time: %+v", ev)
		}
		if n := countSeen(p.seen(t), "02a101", "62", "9f"); n != 2 {
			t.Fatalf("the peer saw 0x9F asked %d times, want twice (with the others, then alone)", n)
		}
	})

	t.Run("Describe reports what did not arrive", func(t *testing.T) {
		p.reset(t, "silent 02a101", "sna 027e01 8a 9e")
		info, err := c.Describe(quick(t), peer.Addr())
		if err != nil || len(info.Objects) != 2 {
			t.Fatalf("Describe = %+v, %v", info, err)
		}
		if ev := info.Objects[0]; !errors.Is(ev.Err, ErrTimeout) || ev.Maps.Get.Known || ev.Manufacturer != nil {
			t.Fatalf("silent 02A101: %+v", ev)
		}
		vh := info.Objects[1]
		var sna *SNAError
		if !errors.As(vh.Err, &sna) || !sna.Refuses(0x8A) || !sna.Refuses(0x9E) || vh.Manufacturer != nil ||
			vh.Maps.Set.Known || !vh.Maps.Get.Known || !vh.Maps.Announce.Known {
			t.Fatalf("027E01 without 0x8A and 0x9E: %+v", vh)
		}
	})
}

// countSeen counts the requests to deoj of service esv naming epc (hex).
func countSeen(seen []seenRequest, deoj, esv, epc string) int {
	n := 0
	for _, r := range seen {
		if r.DEOJ == deoj && r.ESV == esv && slices.Contains(r.EPCs, epc) {
			n++
		}
	}
	return n
}

// sameMissing compares EPCs and reasons, in order.
func sameMissing(got, want []Unavailable) bool {
	return slices.EqualFunc(got, want, func(a, b Unavailable) bool { return a.EPC == b.EPC && a.Why == b.Why })
}
