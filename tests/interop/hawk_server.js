'use strict';
// A Hawk-verifying echo server for the interop tests, built on the npm `hawk` package (the
// reference implementation Taskcluster's services use). It checks requests the way
// Taskcluster's lib-api and auth service do (libraries/api/src/middleware/auth.js and
// services/auth/src/signaturevalidator.js, v106):
//
// - host and port come from the Host header (hawk.utils.parseHost; x-forwarded-port and
//   x-forwarded-proto override the port), the resource is the request target as received;
// - header scheme: Hawk.server.authenticate with sha256 and a 900 s timestamp skew; when the
//   header carries a `hash`, it is checked against the raw body and the Content-Type
//   (Hawk.server.authenticatePayload), and lib-api's check over the body decoded as UTF-8 text
//   is applied as well;
// - bewit scheme (/^\/.*[?&]bewit=/): GET/HEAD only, the token must match ^[\w-]*$, then
//   Hawk.uri.authenticate;
// - a header and a bewit together are refused;
// - ext is base64-decoded and JSON-parsed ("Failed to parse ext" otherwise).
//
// Credentials: HAWK_TEST_CREDENTIALS holds a JSON object {clientId: accessToken}.
// The server listens on 127.0.0.1, port 0, and prints its port as the first line of stdout.
// It replies 200 with JSON describing what it verified, or 401
// {code: 'AuthenticationFailed', message}.

const http = require('http');

// Resolved from the project's node_modules (installed by `make install`).
const Hawk = require('hawk');

const table = JSON.parse(process.env.HAWK_TEST_CREDENTIALS || '{}');

const credentialsFunc = async (id) => {
  if (!Object.prototype.hasOwnProperty.call(table, id)) {
    return null;
  }
  return {id, key: table[id], algorithm: 'sha256'};
};

const decodeExt = (ext) => {
  if (!ext) {
    return null;
  }
  try {
    return JSON.parse(Buffer.from(ext, 'base64').toString('utf-8'));
  } catch (err) {
    const error = new Error('Failed to parse ext');
    error.isParseError = true;
    throw error;
  }
};

const BEWIT_SCHEME = /^\/.*[?&]bewit=/;

const hostAndPort = (req) => {
  const host = Hawk.utils.parseHost(req);
  if (!host) {
    throw new Error('Invalid Host header');
  }
  let port = host.port;
  if (req.headers['x-forwarded-port'] !== undefined) {
    port = parseInt(req.headers['x-forwarded-port'], 10);
  } else if (req.headers['x-forwarded-proto'] !== undefined) {
    port = req.headers['x-forwarded-proto'] === 'https' ? 443 : port;
  }
  return {host: host.name, port: parseInt(port, 10)};
};

const verify = async (req, body) => {
  const {host, port} = hostAndPort(req);
  const resource = req.url;
  const contentType = req.headers['content-type'] || '';
  const common = {
    method: req.method,
    url: resource,
    host,
    port,
    contentType: req.headers['content-type'] === undefined ? null : contentType,
    bodyBase64: body.toString('base64'),
  };

  if (BEWIT_SCHEME.test(resource)) {
    if (req.headers.authorization) {
      throw new Error('Cannot use two authentication schemes at once');
    }
    const match = /[?&]bewit=([^&]*)/.exec(resource);
    if (!/^[\w-]*$/.test(match[1])) {
      throw new Error('Bewit token contains characters outside [A-Za-z0-9_-]');
    }
    const {credentials, attributes} = await Hawk.uri.authenticate(
      {method: req.method, url: resource, host, port, authorization: undefined},
      credentialsFunc,
      {},
    );
    return {
      ...common,
      scheme: 'bewit',
      id: credentials.id,
      exp: parseInt(attributes.exp, 10),
      extRaw: attributes.ext || null,
      ext: decodeExt(attributes.ext),
      hashChecked: false,
    };
  }

  if (!req.headers.authorization) {
    throw new Error('No authentication given');
  }
  const {credentials, artifacts} = await Hawk.server.authenticate(
    {method: req.method, url: resource, host, port, authorization: req.headers.authorization,
      contentType},
    credentialsFunc,
    {timestampSkewSec: 15 * 60},
  );
  const ext = decodeExt(artifacts.ext);
  let hashChecked = false;
  if (artifacts.hash) {
    // The reference check, over the exact bytes received.
    Hawk.server.authenticatePayload(body, credentials, artifacts, req.headers['content-type']);
    // lib-api's check: over req.text (the body as UTF-8 text, '' when there is none).
    const text = body.length ? body.toString('utf-8') : '';
    const libApiHash = Hawk.crypto.calculatePayloadHash(
      Buffer.from(text, 'utf-8'), 'sha256', req.headers['content-type']);
    if (libApiHash !== artifacts.hash) {
      throw new Error('Invalid payload hash (lib-api check over the body as text)');
    }
    hashChecked = true;
  }
  return {
    ...common,
    scheme: 'hawk',
    id: credentials.id,
    ts: parseInt(artifacts.ts, 10),
    nonce: artifacts.nonce,
    hash: artifacts.hash || null,
    extRaw: artifacts.ext || null,
    ext,
    hashChecked,
  };
};

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    const body = Buffer.concat(chunks);
    let status;
    let reply;
    try {
      reply = await verify(req, body);
      status = 200;
    } catch (err) {
      status = 401;
      reply = {code: 'AuthenticationFailed', message: String(err.message || err)};
    }
    const text = JSON.stringify(reply);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  });
});

server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});

process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
// Exit when the test process goes away (stdin is a pipe from it).
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
