import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

// Both published builds, as users load them: `import` gets dist/index.js, `require` gets
// dist/index.cjs. Each must reach openapi-fetch's client through its default export (the trap of
// CommonJS output importing an ESM-first package) and send real requests through both faces.
const DIST = fileURLToPath(new URL("../dist/", import.meta.url));

type Sdk = typeof import("../src/index.js");

const builds: [string, () => Promise<Sdk>][] = [
  ["ESM (import)", async () => (await import(pathToFileURL(`${DIST}index.js`).href)) as Sdk],
  ["CJS (require)", async () => createRequire(import.meta.url)(`${DIST}index.cjs`) as Sdk],
];

describe.each(builds)("the %s build", (_, load) => {
  it("sends typed requests through the generated methods and the raw client", async () => {
    const { createTimecard, NotFoundError } = await load();
    const seen: string[] = [];
    const fetch = async (input: Request | string | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init);
      seen.push(`${request.method} ${new URL(request.url).pathname} ${request.headers.get("authorization")}`);
      if (request.url.endsWith("/v1/projects/prj_0000000000000000")) {
        return Response.json(
          {
            type: "about:blank",
            title: "Not found",
            status: 404,
            code: "not_found",
            detail: "No project.",
            request_id: "req_1",
          },
          { status: 404, headers: { "content-type": "application/problem+json" } },
        );
      }
      return Response.json({ data: [{ id: "prj_1" }], has_more: false, next_cursor: null });
    };
    const timecard = createTimecard({ apiKey: "tc_test_build", baseUrl: "http://127.0.0.1:9", fetch });
    expect((await timecard.projects.list({ limit: 1 })).data).toEqual([{ id: "prj_1" }]);
    const raw = await timecard.raw.GET("/v1/projects", { params: { query: { limit: 1 } } });
    expect(raw.data?.data).toEqual([{ id: "prj_1" }]);
    await expect(timecard.projects.get("prj_0000000000000000")).rejects.toBeInstanceOf(NotFoundError);
    expect(seen).toEqual([
      "GET /v1/projects Bearer tc_test_build",
      "GET /v1/projects Bearer tc_test_build",
      "GET /v1/projects/prj_0000000000000000 Bearer tc_test_build",
    ]);
  });
});
