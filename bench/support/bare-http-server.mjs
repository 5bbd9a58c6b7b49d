// A floor for client-side benchmarks: a bare node:http server answering fixed responses (status,
// headers and body recorded from the reference server), with no routing beyond method and path,
// no auth, limits or database. argv[2] is JSON: { "GET /v1/projects": { status, headers, body } }.
// Prints one JSON line { url } when it listens.
import { createServer } from "node:http";

const routes = JSON.parse(process.argv[2]);
const server = createServer((req, res) => {
  const route = routes[`${req.method} ${req.url.split("?", 1)[0]}`];
  req.resume();
  req.on("end", () => {
    if (route === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(route.status, { ...route.headers, "content-length": Buffer.byteLength(route.body) });
    res.end(route.body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` }));
});
process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
