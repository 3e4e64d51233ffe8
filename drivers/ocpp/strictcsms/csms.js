// A strict OCPP 2.0.1 CSMS for the test suite, on the npm package ocpp-rpc
// in strictMode: every frame in either direction is validated against the
// OCA schemas bundled with ocpp-rpc. It speaks JSON lines: commands on stdin,
// events on stdout. See strictcsms.go for the protocol.
'use strict';
const path = require('path');
const readline = require('readline');
const rpcDir = path.join(process.env.OCPP_RPC_DIR, 'node_modules', 'ocpp-rpc');
const { RPCServer, createRPCError } = require(rpcDir);
// NOREPLY, returned by a handler, makes ocpp-rpc send no answer at all.
const { NOREPLY } = require(path.join(rpcDir, 'lib', 'symbols'));

const emit = (ev) => process.stdout.write(JSON.stringify(ev) + '\n');
const settings = {
  bootStatus: 'Accepted',
  interval: 300,
  passwords: null, // identity -> password; null accepts any
  replies: {},     // method -> fixed reply overriding the defaults below
  authorize: {},   // idToken -> idTokenInfo.status of the Authorize answer; others Accepted
  txIdToken: {},   // idToken -> idTokenInfo.status put in the TransactionEvent answer
  txFaults: [],    // one fault for each of the next TransactionEvent CALLs, in order
  clockOffsetMs: 0, // added to the currentTime of BootNotification and Heartbeat answers
};
const csmsTime = () => new Date(Date.now() + settings.clockOffsetMs).toISOString();
const clients = new Map();

const defaults = {
  BootNotification: () => ({ status: settings.bootStatus, interval: settings.interval, currentTime: csmsTime() }),
  Heartbeat: () => ({ currentTime: csmsTime() }),
  StatusNotification: () => ({}),
  NotifyReport: () => ({}),
  NotifyEvent: () => ({}),
  SecurityEventNotification: () => ({}),
  Authorize: (p) => ({ idTokenInfo: { status: settings.authorize[p.idToken.idToken] || 'Accepted' } }),
  // idTokenInfo is required when the event carries an idToken.
  TransactionEvent: (p) => (p.idToken ? { idTokenInfo: { status: settings.txIdToken[p.idToken.idToken] || 'Accepted' } } : {}),
  MeterValues: () => ({}),
  FirmwareStatusNotification: () => ({}),
  LogStatusNotification: () => ({}),
  DataTransfer: () => ({ status: 'UnknownVendorId' }),
  // Smart charging (K): the reports and limit notices get empty answers;
  // the ISO 15118 ones are accepted.
  ReportChargingProfiles: () => ({}),
  NotifyChargingLimit: () => ({}),
  ClearedChargingLimit: () => ({}),
  NotifyEVChargingNeeds: () => ({ status: 'Accepted' }),
  NotifyEVChargingSchedule: () => ({ status: 'Accepted' }),
};

const server = new RPCServer({ protocols: ['ocpp2.0.1'], strictMode: true });

server.auth((accept, reject, handshake) => {
  const password = handshake.password ? handshake.password.toString('utf8') : null;
  if (settings.passwords && settings.passwords[handshake.identity] !== password) {
    emit({ ev: 'rejected', identity: handshake.identity, password });
    reject(401, 'bad credentials');
    return;
  }
  accept({ password });
});

server.on('client', (client) => {
  const identity = client.identity;
  clients.set(identity, client);
  emit({ ev: 'connect', identity, password: client.session.password, protocol: client.protocol });
  client.on('strictValidationFailure', (e) => emit({
    ev: 'strictValidationFailure', identity, method: e.method, outbound: e.outbound, isCall: e.isCall,
    error: String(e.error && e.error.message), details: e.error && e.error.details, params: e.params, result: e.result,
  }));
  client.on('badMessage', (e) => emit({ ev: 'badMessage', identity, message: String(e.buffer), error: String(e.error && e.error.message) }));
  client.on('close', (e) => {
    if (clients.get(identity) === client) clients.delete(identity);
    emit({ ev: 'disconnect', identity, code: e.code });
  });
  // The frame as the station sent it, so Go can read the payload's exact
  // bytes; the handler runs in the same tick as this event.
  let lastFrame = null;
  client.on('message', (e) => { if (!e.outbound) lastFrame = String(e.message); });
  client.handle(({ method, params, messageId }) => {
    emit({ ev: 'call', identity, method, params, messageId, frame: frameOf(lastFrame, messageId) });
    if (method === 'TransactionEvent' && settings.txFaults.length > 0) {
      return fault(client, identity, settings.txFaults.shift(), messageId);
    }
    if (settings.replies[method]) return settings.replies[method];
    if (defaults[method]) return defaults[method](params);
    throw createRPCError('NotImplemented');
  });
});

function frameOf(frame, messageId) {
  try {
    const f = JSON.parse(frame);
    return Array.isArray(f) && f[1] === messageId ? frame : undefined;
  } catch (e) {
    return undefined;
  }
}

// fault answers one CALL the wrong way on purpose (Go's csmsfault). The
// schema-invalid and unparsable answers go out raw: strictMode would refuse
// to send them.
function fault(client, identity, kind, messageId) {
  emit({ ev: 'fault', identity, method: 'TransactionEvent', fault: kind, messageId });
  switch (kind) {
    case 'callError':
      throw createRPCError('InternalError', 'fault injected by the test');
    case 'noAnswer':
      return NOREPLY;
    case 'garbage':
      client.sendRaw(`[3,${JSON.stringify(messageId)},${process.env.GARBAGE_PAYLOAD}]`);
      return NOREPLY;
    case 'badFrame':
      client.sendRaw(`[3,${JSON.stringify(messageId)},{"idTokenInfo":`);
      return NOREPLY;
    case 'close':
      client.close({ code: 1011, force: true });
      return NOREPLY;
    default:
      throw createRPCError('InternalError', `unknown fault ${kind}`);
  }
}

async function command(c) {
  switch (c.op) {
    case 'set':
      for (const k of ['bootStatus', 'interval', 'passwords', 'replies', 'clockOffsetMs']) if (k in c) settings[k] = c[k];
      // null leaves a setting as it is; any value, empty included, replaces it.
      for (const k of ['authorize', 'txIdToken', 'txFaults']) if (c[k] != null) settings[k] = c[k];
      return {};
    case 'call': {
      const client = clients.get(c.identity);
      if (!client) throw new Error(`no station ${c.identity} is connected`);
      return { result: await client.call(c.method, c.params, { callTimeoutMs: c.timeoutMs || 10000 }) };
    }
    case 'close': {
      const client = clients.get(c.identity);
      if (client) await client.close({ code: 1000, force: true });
      return {};
    }
    default:
      throw new Error(`unknown op ${c.op}`);
  }
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  let c;
  try { c = JSON.parse(line); } catch (e) { emit({ ev: 'reply', ref: null, error: `bad command: ${e.message}` }); return; }
  command(c).then(
    (r) => emit({ ev: 'reply', ref: c.ref, ...r }),
    (e) => emit({ ev: 'reply', ref: c.ref, error: String(e.message), code: e.rpcErrorCode }),
  );
}).on('close', () => server.close({ force: true }).then(() => process.exit(0)));

server.listen(Number(process.env.PORT || 0), '127.0.0.1').then((http) => emit({ ev: 'listening', port: http.address().port }));
