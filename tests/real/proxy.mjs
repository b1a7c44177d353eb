// One root URL for the local deployment, as upstream's nginx gives it:
// /api/<service>/... goes to that service's port; /graphql, /subscription and /login go to
// web-server. The Host header is forwarded as the client sent it, because Hawk signatures cover it.
import http from "node:http";

const ports = JSON.parse(process.env.PROXY_ROUTES);
const webServerPaths = ["/graphql", "/subscription", "/login"];

function portFor(url) {
  const match = /^\/api\/([a-z-]+)(?:[/?]|$)/.exec(url);
  if (match) return ports[match[1]];
  const path = url.split("?")[0];
  if (webServerPaths.some((p) => path === p || path.startsWith(`${p}/`))) return ports["web-server"];
  return undefined;
}

const server = http.createServer((request, response) => {
  const port = portFor(request.url);
  if (!port) {
    response.writeHead(404, { "content-type": "application/json" });
    response.end(JSON.stringify({ code: "ResourceNotFound", message: `no service for ${request.url}` }));
    return;
  }
  const upstream = http.request(
    { host: "127.0.0.1", port, method: request.method, path: request.url, headers: request.headers },
    (reply) => {
      response.writeHead(reply.statusCode, reply.rawHeaders);
      reply.pipe(response);
    },
  );
  upstream.on("error", (error) => {
    if (!response.headersSent) response.writeHead(502, { "content-type": "application/json" });
    response.end(JSON.stringify({ code: "BadGateway", message: String(error) }));
  });
  request.pipe(upstream);
});
server.keepAliveTimeout = 65000;
server.listen(Number(process.env.PROXY_PORT), "127.0.0.1");
