// The baseline: a bare Fastify route answering a fixed JSON body (the same bytes the
// reference server answered), with no auth, limits, audit or database.
import { createRequire } from "node:module";

// The same Fastify the server uses, resolved from the server package.
const Fastify = createRequire(new URL("../../packages/server/package.json", import.meta.url))("fastify");

const body = process.argv[2];
const app = Fastify({ logger: false });
app.get("/v1/sessions", async (_request, reply) => reply.type("application/json").send(body));
const url = await app.listen({ port: 0, host: "127.0.0.1" });
console.log(JSON.stringify({ url }));
process.on("SIGTERM", async () => {
  await app.close();
  process.exit(0);
});
