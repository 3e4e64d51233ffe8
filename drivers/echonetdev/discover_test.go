package echonetdev

import (
	"slices"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/drivers"
	"github.com/ocppgw/ocppgw/drivers/echonet"
)

// TestDescribedObjectSuggestsTemplatesByGetMap: an EL object is matched to
// the templates whose every read EPC its Get map lists; EPCs and the maker
// code are shown in hex.
func TestDescribedObjectSuggestsTemplatesByGetMap(t *testing.T) {
	read := func(epcs ...string) v1alpha1.TemplateSpec {
		return v1alpha1.TemplateSpec{Protocol: v1alpha1.ProtocolEchonet, Read: &v1alpha1.TemplateRead{Echonet: &v1alpha1.EchonetRead{EPCs: epcs}}}
	}
	get := echonet.PropertyMap{Known: true, Declared: 4, EPCs: []byte{0x80, 0x88, 0xC7, 0xD3}}
	o := echonet.ObjectInfo{EOJ: echonet.EOJ{0x02, 0xA1, 0x01}, Class: echonet.ClassEVCharger, Manufacturer: []byte{0x00, 0x00, 0x6C},
		Maps: echonet.PropertyMaps{Get: get, Set: echonet.PropertyMap{Known: true, Declared: 1, EPCs: []byte{0xDA}}}}
	d := describedObject(o, []drivers.Candidate{{Name: "fits", Spec: read("0x80", "0xC7")}, {Name: "needs-d8", Spec: read("0x80", "0xD8")}})
	if d.EOJ != "0x02A101" || d.Class != "EV charger" || d.Maker != "0x00006C" {
		t.Fatalf("described %+v", d)
	}
	if !slices.Equal(d.Matches, []string{"fits"}) || !slices.Equal(d.GetMap, []string{"0x80", "0x88", "0xC7", "0xD3"}) ||
		!slices.Equal(d.SetMap, []string{"0xDA"}) || d.InfMap != nil {
		t.Fatalf("matches %v, maps %v / %v / %v", d.Matches, d.GetMap, d.SetMap, d.InfMap)
	}
	// An unknown Get map suggests nothing rather than everything.
	o.Maps.Get = echonet.PropertyMap{}
	if d := describedObject(o, []drivers.Candidate{{Name: "fits", Spec: read("0x80")}}); d.Matches != nil {
		t.Fatalf("suggested %v without a Get map", d.Matches)
	}
}
