// Package strictcsms runs the npm ocpp-rpc server in strictMode as an
// independent OCPP 2.0.1 CSMS for tests: it validates every frame a station
// sends, and every reply it gets, against the OCA schemas, and reports each
// failure as an event the test can fail on. It answers the station's CALLs,
// smart-charging ones included, sends any CSMS request (Call), collects the
// ReportChargingProfiles of a GetChargingProfiles up to tbc false, and can
// shift the clock its answers give a station.
package strictcsms
