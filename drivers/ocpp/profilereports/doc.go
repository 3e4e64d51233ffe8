// Package profilereports groups the ReportChargingProfiles a station sends
// in answer to one GetChargingProfiles (K09: same requestId, tbc true on
// all but the last), for the test CSMSs (strictcsms, gocsms).
package profilereports
