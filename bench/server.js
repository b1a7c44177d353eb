'use strict';
// The benchmarks' loopback server: Node's http module, shaped like the Taskcluster Queue API.
// `node bench/server.js DIR` serves the bodies bench/server.py wrote into DIR (bodies.json: the
// file name of each body; tokens.json: the continuation tokens of the listing's pages):
//
//   GET /api/queue/v1/task/<taskId>                     task definition
//   GET /api/queue/v1/task/<taskId>/status              task status (unsigned requests served)
//   PUT /api/queue/v1/task/<taskId>                     createTask (reply: a task status)
//   GET /api/queue/v1/task-group/<id>/list              listTaskGroup, pages by continuationToken
//   GET /api/queue/v1/task/<taskId>/artifact-info/<n>   latestArtifactInfo (always verified)
//
// Every request needs a Hawk header (but status). Every Nth one (POST /__bench__/reset?every=N)
// is verified with the npm `hawk` package (the implementation Taskcluster's services use) over
// the request target as received, Host header, body and Content-Type; a failure answers 401
// and is counted. GET /__bench__/stats: counters and this process's CPU seconds
// (process.cpuUsage). Prints `READY <port>`; exits when stdin closes.

const fs = require('fs');
const http = require('http');
const path = require('path');
const Hawk = require('hawk');

const dir = process.argv[2];
const names = JSON.parse(fs.readFileSync(path.join(dir, 'bodies.json'), 'utf-8'));
const bodies = {};
for (const [name, file] of Object.entries(names)) {
  bodies[name] = fs.readFileSync(path.join(dir, file));
}
const tokens = JSON.parse(fs.readFileSync(path.join(dir, 'tokens.json'), 'utf-8'));
const pages = new Map([['', bodies.page0]]);
tokens.forEach((token, n) => pages.set(token, bodies[`page${n + 1}`]));
const credentials = JSON.parse(fs.readFileSync(path.join(dir, 'credentials.json'), 'utf-8'));
const ROOT = '/api/queue/v1';
const ODD_ARTIFACT = credentials.oddArtifact;

let state;
const reset = (every) => {
  state = {every, requests: 0, verified: 0, unsigned: 0, failed: 0, failures: [],
    cpu0: process.cpuUsage(), wall0: process.hrtime.bigint()};
};
reset(1);

const stats = () => {
  const cpu = process.cpuUsage(state.cpu0);
  return {requests: state.requests, verified: state.verified, unsigned: state.unsigned,
    failed: state.failed, failures: state.failures.slice(0, 10), every: state.every,
    cpu_s: (cpu.user + cpu.system) / 1e6,
    wall_s: Number(process.hrtime.bigint() - state.wall0) / 1e9};
};

const credentialsFunc = async (id) => (id === credentials.clientId
  ? {id, key: credentials.accessToken, algorithm: 'sha256'} : null);

// null when the request may be served, else the reason to refuse it.
const check = async (req, body, always, anonymousOk) => {
  state.requests += 1;
  const header = req.headers.authorization || '';
  if (anonymousOk && !header) {
    state.unsigned += 1;
    return null;
  }
  if (!header.startsWith('Hawk ')) {
    return fail(`${req.method} ${req.url}: no Hawk header`);
  }
  if (!(always || (state.every > 0 && state.requests % state.every === 0))) {
    return null;
  }
  state.verified += 1;
  try {
    const options = {timestampSkewSec: 900};
    if (req.method === 'PUT') {
      options.payload = body;
    }
    await Hawk.server.authenticate(req, credentialsFunc, options);
    if (req.method === 'PUT') {
      JSON.parse(body.toString('utf-8'));
    }
  } catch (err) {
    return fail(`${req.method} ${req.url}: ${err.message || err}`);
  }
  return null;
};

const fail = (message) => {
  state.failed += 1;
  if (state.failures.length < 50) {
    state.failures.push(message);
  }
  return message;
};

const send = (res, status, body) => {
  res.writeHead(status, {'content-type': 'application/json', 'content-length': body.length});
  res.end(body);
};

const error = (res, status, code, message) =>
  send(res, status, Buffer.from(JSON.stringify({code, message, requestInfo: {}})));

const TASK = /^\/api\/queue\/v1\/task\/([^/]+)$/;
const STATUS = /^\/api\/queue\/v1\/task\/([^/]+)\/status$/;
const LIST = /^\/api\/queue\/v1\/task-group\/([^/]+)\/list$/;
const ARTIFACT = /^\/api\/queue\/v1\/task\/([^/]+)\/artifact-info\/(.+)$/;

const route = async (req, res, body) => {
  const [pathname, query = ''] = req.url.split('?', 2);
  if (pathname === '/__bench__/stats') {
    return send(res, 200, Buffer.from(JSON.stringify(stats())));
  }
  if (pathname === '/__bench__/reset' && req.method === 'POST') {
    reset(parseInt(new URLSearchParams(query).get('every') || '1', 10));
    return send(res, 200, Buffer.from('{}'));
  }
  let reason;
  if (req.method === 'GET' && STATUS.test(pathname)) {
    reason = await check(req, body, false, true);
    return reason ? error(res, 401, 'AuthenticationFailed', reason) : send(res, 200, bodies.status);
  }
  if (TASK.test(pathname) && (req.method === 'GET' || req.method === 'PUT')) {
    reason = await check(req, body, false, false);
    if (reason) {
      return error(res, 401, 'AuthenticationFailed', reason);
    }
    return send(res, 200, req.method === 'GET' ? bodies.task : bodies.createReply);
  }
  if (req.method === 'GET' && LIST.test(pathname)) {
    reason = await check(req, body, false, false);
    if (reason) {
      return error(res, 401, 'AuthenticationFailed', reason);
    }
    const page = pages.get(new URLSearchParams(query).get('continuationToken') || '');
    return page ? send(res, 200, page) : error(res, 400, 'InvalidRequestArguments', 'bad token');
  }
  const artifact = ARTIFACT.exec(pathname);
  if (req.method === 'GET' && artifact) {
    reason = await check(req, body, true, false);
    if (reason) {
      return error(res, 401, 'AuthenticationFailed', reason);
    }
    const name = decodeURIComponent(artifact[2]);
    if (name !== ODD_ARTIFACT) {
      return error(res, 404, 'ResourceNotFound', fail(`artifact name arrived as ${name}`));
    }
    return send(res, 200, bodies.artifactInfo);
  }
  return error(res, 404, 'ResourceNotFound', `${req.method} ${pathname}`);
};

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    route(req, res, Buffer.concat(chunks)).catch((err) => error(res, 500, 'InternalError', String(err)));
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', 1024, () => {
  process.stdout.write(`READY ${server.address().port}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
