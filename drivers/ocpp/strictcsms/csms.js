// A strict OCPP 2.0.1 CSMS for the test suite, on the npm package ocpp-rpc
// in strictMode: every frame in either direction is validated against the
// OCA schemas bundled with ocpp-rpc. It speaks JSON lines: commands on stdin,
// events on stdout. See strictcsms.go for the protocol.
'use strict';
const path = require('path');
const readline = require('readline');
const { RPCServer, createRPCError } = require(path.join(process.env.OCPP_RPC_DIR, 'node_modules', 'ocpp-rpc'));

const emit = (ev) => process.stdout.write(JSON.stringify(ev) + '\n');
const settings = {
  bootStatus: 'Accepted',
  interval: 300,
  passwords: null, // identity -> password; null accepts any
  replies: {},     // method -> fixed reply overriding the defaults below
};
const clients = new Map();

const defaults = {
  BootNotification: () => ({ status: settings.bootStatus, interval: settings.interval, currentTime: new Date().toISOString() }),
  Heartbeat: () => ({ currentTime: new Date().toISOString() }),
  StatusNotification: () => ({}),
  NotifyReport: () => ({}),
  NotifyEvent: () => ({}),
  SecurityEventNotification: () => ({}),
  Authorize: () => ({ idTokenInfo: { status: 'Accepted' } }),
  TransactionEvent: () => ({}),
  MeterValues: () => ({}),
  FirmwareStatusNotification: () => ({}),
  LogStatusNotification: () => ({}),
  DataTransfer: () => ({ status: 'UnknownVendorId' }),
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
  client.handle(({ method, params }) => {
    emit({ ev: 'call', identity, method, params });
    if (settings.replies[method]) return settings.replies[method];
    if (defaults[method]) return defaults[method](params);
    throw createRPCError('NotImplemented');
  });
});

async function command(c) {
  switch (c.op) {
    case 'set':
      for (const k of ['bootStatus', 'interval', 'passwords', 'replies']) if (k in c) settings[k] = c[k];
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
