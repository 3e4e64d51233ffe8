// EV charger node for the echonet driver's tests, built on the npm package
// echonet-lite (pinned by the test) from devices.md §1–§3 only. It plays:
//
//   02A101  EV charger (§2.1) with 22 Get properties, so its Get map is a
//           bitmap (format 2). Its Set map lists 0x80, 0xCD, 0xDA and 0xEB
//           but not 0xED: 0xED is readable only.
//   027E01  EV charger/discharger (§2.2) with 14 Get properties, so its maps
//           are lists (format 1).
//
// The node profile is the package's own. A Get without faults is answered by
// the package's replyGetDetail; faulty answers, SetC and SetI are built here
// (the package only knows Set rules for a few classes). A write to an EPC
// outside the Set map, or with a value out of range, is refused with
// SetC_SNA echoing the data sent. Changes to EPCs of the INF map are
// announced by multicast INF. A request to an instance this node does not
// have is ignored; instance 0x00 addresses every instance of the class.
//
// Faults, set per object by lines on stdin (EPCs and objects in hex):
//   sna OBJ EPC...       Get_SNA with PDC 0 for these EPCs
//   pdc0 OBJ EPC...      Get_Res with PDC 0 for these EPCs
//   omit OBJ EPC...      leave these EPCs out of the Get reply
//   short OBJ EPC...     send these EPCs' data one byte short
//   cap OBJ N            answer at most the first N properties of a Get
//   refuse OBJ EPC...    SetC_SNA for these EPCs, data echoed, value kept
//   wrong OBJ SEOJ [also] answer from SEOJ instead of OBJ; with "also",
//                        send the right answer 100 ms after the wrong one
//   silent OBJ           never answer
//   delay OBJ MS         answer MS milliseconds late
//   value OBJ EPC HEX    change a property's value
//   reset                clear every fault and the request log
//   seen                 print "SEEN <json>": the requests to device objects
//                        since the last reset, [{esv, deoj, epcs}]
// Every command is answered by one line, "OK" or "SEEN ..." or "ERR why".
//
// Environment: EL_ADDR = IPv4 address of the interface to use.
// Prints "READY" once bound; exits when stdin closes.
'use strict';

const EL = require('echonet-lite');
const readline = require('readline');

const addr = process.env.EL_ADDR || '';

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

function hex2(n) {
	return n.toString(16).padStart(2, '0');
}

function bytes(hex) {
	return (hex.match(/.{2}/g) || []).map((h) => parseInt(h, 16));
}

function uint(b) {
	return b.reduce((v, x) => v * 256 + x, 0);
}

// object builds an object's table: values, maps and a write check that
// returns the new value or null.
function object(props, setMap, infMap, accept) {
	const getEPCs = Object.keys(props).map((k) => parseInt(k, 16)).concat([0x9d, 0x9e, 0x9f]);
	props['9d'] = propertyMap(infMap);
	props['9e'] = propertyMap(setMap);
	props['9f'] = propertyMap(getEPCs);
	return { props, setMap, infMap, accept };
}

function oneOf(b, values) {
	return b.length === 1 && values.includes(b[0]) ? b : null;
}

const OBJS = {
	'02a101': object({
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
		'ed': [0x01, 0x40],             // charging current setting 32.0 A (Get only here)
	}, [0x80, 0xcd, 0xda, 0xeb], [0x80, 0x88, 0xc7, 0xda], (epc, b) => {
		switch (epc) {
		case '80': return oneOf(b, [0x30, 0x31]);
		case 'cd': return oneOf(b, [0x10]); // re-check the vehicle; not readable
		case 'da': return oneOf(b, [0x42, 0x44, 0x47]);
		case 'eb': return b.length === 4 && uint(b) <= 7200 ? b : null; // W, at most the rated 7200 W
		default: return null;
		}
	}),
	'027e01': object({
		'80': [0x30],                   // operation status ON
		'82': [0x00, 0x00, 0x52, 0x00], // Release R
		'88': [0x42],                   // no fault
		'8a': [0x00, 0x00, 0x6c],       // manufacturer code
		'c2': [0x00, 0x00, 0x3a, 0x98], // remaining dischargeable 15000 Wh
		'c4': [0x3c],                   // 60 %
		'c7': [0x43],                   // chargeable and dischargeable
		'cc': [0x23],                   // DC type AA charge/discharge
		'd3': [0xff, 0xff, 0xf0, 0x60], // -4000 W (discharging)
		'da': [0x43],                   // discharge
		'e4': [0x3c],                   // 60 %
	}, [0x80, 0xda], [0x80, 0x88, 0xc7, 0xda], (epc, b) => {
		switch (epc) {
		case '80': return oneOf(b, [0x30, 0x31]);
		case 'da': return oneOf(b, [0x42, 0x43, 0x44, 0x46, 0x47]);
		default: return null;
		}
	}),
};

const devices = {};
for (const obj in OBJS) {
	devices[obj] = OBJS[obj].props;
}

function noFaults() {
	return { sna: new Set(), pdc0: new Set(), omit: new Set(), short: new Set(), refuse: new Set(),
		wrong: null, wrongAlso: false, silent: false, delay: 0, cap: 0 };
}

let faults = {};
let seen = [];
function reset() {
	faults = {};
	for (const obj in OBJS) faults[obj] = noFaults();
	seen = [];
}
reset();

function faulty(f) {
	return f.sna.size || f.pdc0.size || f.omit.size || f.short.size || f.wrong || f.delay || f.cap;
}

// requested reads the request's properties in order (DETAILs is keyed, so
// it loses order and duplicates).
function requested(els) {
	const b = bytes(els.DETAIL || '');
	const out = [];
	let i = 0;
	for (let k = 0; k < parseInt(els.OPC, 16) && i + 1 < b.length; k++) {
		const pdc = b[i + 1];
		out.push({ epc: hex2(b[i]), edt: b.slice(i + 2, i + 2 + pdc) });
		i += 2 + pdc;
	}
	return out;
}

function getReply(obj, req) {
	const o = OBJS[obj];
	const f = faults[obj];
	let ok = true;
	const body = [];
	let opc = 0;
	for (const { epc } of req) {
		if (f.omit.has(epc) || (f.cap && opc >= f.cap)) continue;
		opc++;
		let v = o.props[epc];
		if (!v || f.sna.has(epc)) {
			ok = false;
			body.push(parseInt(epc, 16), 0);
			continue;
		}
		if (f.pdc0.has(epc)) {
			body.push(parseInt(epc, 16), 0);
			continue;
		}
		if (f.short.has(epc)) v = v.slice(0, v.length - 1);
		body.push(parseInt(epc, 16), v.length, ...v);
	}
	return { esv: ok ? 0x72 : 0x52, opc, body };
}

// setReply applies the writes it accepts and returns the answer, or null
// for a SetI that needs none.
function setReply(els, obj, req) {
	const o = OBJS[obj];
	const f = faults[obj];
	let ok = true;
	const body = [];
	const changed = [];
	for (const { epc, edt } of req) {
		const allowed = !f.refuse.has(epc) && o.setMap.includes(parseInt(epc, 16)) && edt.length > 0;
		const v = allowed ? o.accept(epc, edt) : null;
		if (v === null) {
			ok = false;
			body.push(parseInt(epc, 16), edt.length, ...edt);
			continue;
		}
		body.push(parseInt(epc, 16), 0);
		if (o.props[epc] && o.props[epc].join() !== v.join()) {
			o.props[epc] = v;
			changed.push(epc);
		}
	}
	for (const epc of changed) {
		if (o.infMap.includes(parseInt(epc, 16))) {
			EL.sendOPC1(EL.EL_Multi, obj, '0ef001', EL.INF, epc, o.props[epc]);
		}
	}
	if (els.ESV === EL.SETI && ok) return null;
	const esv = els.ESV === EL.SETI ? 0x50 : (ok ? 0x71 : 0x51);
	return { esv, opc: req.length, body };
}

function send(rinfo, els, seoj, r) {
	EL.sendArray(rinfo, [0x10, 0x81, ...bytes(els.TID), ...bytes(seoj), ...bytes(els.SEOJ), r.esv, r.opc, ...r.body]);
}

function respond(rinfo, els, obj, req) {
	const f = faults[obj];
	if (f.silent) return;
	let r;
	switch (els.ESV) {
	case EL.GET:
		if (!faulty(f) && els.DEOJ === obj) {
			EL.replyGetDetail(rinfo, els, devices);
			return;
		}
		r = getReply(obj, req);
		break;
	case EL.SETC:
	case EL.SETI:
		r = setReply(els, obj, req);
		break;
	default:
		return;
	}
	if (!r) return;
	const answer = () => {
		if (!f.wrong) {
			send(rinfo, els, obj, r);
			return;
		}
		send(rinfo, els, f.wrong, r);
		if (f.wrongAlso) setTimeout(() => send(rinfo, els, obj, r), 100);
	};
	if (f.delay > 0) {
		setTimeout(answer, f.delay);
	} else {
		answer();
	}
}

// targets lists the objects a DEOJ addresses: one, or every instance of a
// class for instance 0x00.
function targets(deoj) {
	if (OBJS[deoj]) return [deoj];
	if (deoj.endsWith('00')) return Object.keys(OBJS).filter((o) => o.slice(0, 4) === deoj.slice(0, 4));
	return [];
}

function handler(rinfo, els, err) {
	if (err || !els || !els.DEOJ) return;
	const objs = targets(els.DEOJ);
	if (objs.length === 0) return; // node profile (the package's) or an instance we do not have
	const req = requested(els);
	seen.push({ esv: els.ESV, deoj: els.DEOJ, epcs: req.map((p) => p.epc) });
	for (const obj of objs) respond(rinfo, els, obj, req);
}

function command(line) {
	const [cmd, obj, ...args] = line.trim().toLowerCase().split(/\s+/);
	if (cmd === 'reset') {
		reset();
		return 'OK';
	}
	if (cmd === 'seen') return 'SEEN ' + JSON.stringify(seen);
	const f = faults[obj];
	if (!f) return 'ERR unknown object ' + obj;
	switch (cmd) {
	case 'sna': case 'pdc0': case 'omit': case 'short': case 'refuse':
		for (const e of args) f[cmd].add(e);
		return 'OK';
	case 'wrong':
		f.wrong = args[0];
		f.wrongAlso = args[1] === 'also';
		return 'OK';
	case 'silent':
		f.silent = true;
		return 'OK';
	case 'delay':
		f.delay = parseInt(args[0], 10);
		return 'OK';
	case 'cap':
		f.cap = parseInt(args[0], 10);
		return 'OK';
	case 'value':
		OBJS[obj].props[args[0]] = bytes(args[1]);
		return 'OK';
	default:
		return 'ERR unknown command ' + cmd;
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
	await EL.initialize(Object.keys(OBJS), handler, 4, { v4: addr, ignoreMe: true, autoGetProperties: false, debugMode: false });
	// initialize returns before its bind completes: report readiness once bound.
	if (bound(EL.sock4)) {
		console.log('READY');
	} else {
		EL.sock4.once('listening', () => console.log('READY'));
	}
})();

const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on('line', (line) => { if (line.trim()) console.log(command(line)); });
rl.on('close', () => { EL.release(); process.exit(0); });
process.on('SIGTERM', () => { EL.release(); process.exit(0); });
