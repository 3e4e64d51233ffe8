// EV charger peer for the echonet driver's tests, built on the npm package
// echonet-lite (pinned by the test). It plays one EV charger object 02A101
// (class 0x02A1) with more than 16 Get properties, so its Get property map
// is sent as a bitmap. Get is answered by the package's replyGetDetail; Set
// is handled here because the package only knows Set rules for a few
// classes. Changes to 0x80 and 0xDA are announced by multicast INF.
//
// Environment: EL_ADDR = IPv4 address of the interface to use.
// Prints "READY" once bound; exits when stdin closes.
'use strict';

const EL = require('echonet-lite');

const addr = process.env.EL_ADDR || '';
const OBJ = '02a101';

// Property-map encoding written from the specification's Appendix text:
// fewer than 16 EPCs: count then the list; otherwise count then 16 bytes,
// byte k bit j set for EPC 0x80 + 0x10*j + k.
function propertyMap(epcs) {
	const set = [...new Set(epcs)].sort((a, b) => a - b);
	if (set.length < 16) {
		return [set.length, ...set];
	}
	const out = new Array(17).fill(0);
	out[0] = set.length;
	for (const e of set) {
		const v = e - 0x80;
		out[1 + (v & 0x0f)] |= 1 << (v >> 4);
	}
	return out;
}

const props = {
	'80': [0x30],                   // operation status ON
	'81': [0x00],                   // installation location
	'82': [0x00, 0x00, 0x52, 0x00], // Release R
	'88': [0x42],                   // no fault
	'89': [0x00, 0x00],             // fault description: none
	'8a': [0xff, 0xff, 0xff],       // experimental manufacturer code
	'c5': [0x00, 0x00, 0x1c, 0x20], // rated charge capacity 7200 W
	'c7': [0x41],                   // connected, chargeable
	'c8': [0x00, 0x00, 0x05, 0xa0, 0x00, 0x00, 0x1c, 0x20], // 1440..7200 W
	'ca': [0x00, 0x3c, 0x01, 0x40], // 6.0..32.0 A
	'cc': [0x11],                   // AC_CPLT
	'd2': [0x00, 0xc8],             // 200 V
	'd3': [0x00, 0x00, 0x00, 0x00], // instantaneous power
	'd8': [0x00, 0x01, 0xe2, 0x40], // 123.456 kWh
	'da': [0x44],                   // standby
	'e2': [0x00, 0x00, 0x27, 0x10], // 10000 Wh
	'e4': [0x32],                   // 50 %
	'eb': [0x00, 0x00, 0x1c, 0x20], // charging power setting 7200 W
	'ed': [0x01, 0x40],             // charging current setting 32.0 A
};
const setMap = [0x80, 0xda, 0xeb, 0xed];
const infMap = [0x80, 0x88, 0xc7, 0xda];
const getEPCs = Object.keys(props).map((k) => parseInt(k, 16)).concat([0x9d, 0x9e, 0x9f]);
props['9d'] = propertyMap(infMap);
props['9e'] = propertyMap(setMap);
props['9f'] = propertyMap(getEPCs);

const devices = { [OBJ]: props };

function bytes(hex) {
	return hex.match(/.{2}/g).map((h) => parseInt(h, 16));
}

// accept says whether a write is valid; it returns the new value or null.
function accept(epc, edt) {
	const b = bytes(edt);
	switch (epc) {
	case '80':
		return b.length === 1 && (b[0] === 0x30 || b[0] === 0x31) ? b : null;
	case 'da':
		return b.length === 1 && [0x42, 0x44, 0x47].includes(b[0]) ? b : null;
	case 'ed': { // 0.1 A, at most the rated 32.0 A
		if (b.length !== 2) return null;
		const v = (b[0] << 8) | b[1];
		return v <= 320 ? b : null;
	}
	case 'eb': { // W, at most the rated 7200 W
		if (b.length !== 4) return null;
		const v = ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3];
		return v <= 7200 ? b : null;
	}
	default:
		return null;
	}
}

function onSet(rinfo, els) {
	let ok = true;
	const out = [];
	let opc = 0;
	const changed = [];
	for (const epc in els.DETAILs) {
		const edt = els.DETAILs[epc];
		const v = edt ? accept(epc, edt) : null;
		opc++;
		if (v === null) {
			ok = false;
			const echo = edt ? bytes(edt) : [];
			out.push(parseInt(epc, 16), echo.length, ...echo);
			continue;
		}
		out.push(parseInt(epc, 16), 0);
		if (props[epc].join() !== v.join()) {
			props[epc] = v;
			changed.push(epc);
		}
	}
	if (els.ESV === EL.SETI && ok) return;
	const esv = els.ESV === EL.SETI ? 0x50 : (ok ? 0x71 : 0x51);
	EL.sendArray(rinfo, [0x10, 0x81, ...bytes(els.TID), ...bytes(els.DEOJ), ...bytes(els.SEOJ), esv, opc, ...out]);
	for (const epc of changed) {
		if (infMap.includes(parseInt(epc, 16))) {
			EL.sendOPC1(EL.EL_Multi, OBJ, '0ef001', EL.INF, epc, props[epc]);
		}
	}
}

function handler(rinfo, els, err) {
	if (err || !els || els.DEOJ !== OBJ) {
		return; // other objects: the package serves the node profile, the rest stays silent
	}
	switch (els.ESV) {
	case EL.GET:
		EL.replyGetDetail(rinfo, els, devices);
		break;
	case EL.SETC:
	case EL.SETI:
		onSet(rinfo, els);
		break;
	default:
		break;
	}
}

function bound(sock) {
	try {
		sock.address();
		return true;
	} catch (e) {
		return false; // not bound yet
	}
}

(async () => {
	await EL.initialize([OBJ], handler, 4, { v4: addr, ignoreMe: true, autoGetProperties: false, debugMode: false });
	// initialize returns before its bind completes: report readiness once bound.
	if (bound(EL.sock4)) {
		console.log('READY');
	} else {
		EL.sock4.once('listening', () => console.log('READY'));
	}
})();

process.stdin.resume();
process.stdin.on('end', () => { EL.release(); process.exit(0); });
process.on('SIGTERM', () => { EL.release(); process.exit(0); });
