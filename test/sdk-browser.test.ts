import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, launch } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadServerConfig } from "../packages/server/src/config.js";
import { type RunningServer, SANDBOX_KEYS, startServer } from "../packages/server/src/server.js";
import { type PrismProxy, startPrismProxy } from "../packages/server/test/support/prism.js";

// The SDK's ESM build where only `fetch` exists: loaded as-is in headless Chromium (its bare
// imports mapped by an import map, as a bundler resolves them) and calling the sandbox, the
// reference server behind Prism's validating proxy, across origins as a web app would.
// `.ci/run` installs Debian's chromium-headless-shell; elsewhere set CHROMIUM_PATH.
const ROOT = fileURLToPath(new URL("../", import.meta.url));
const CHROMIUM = [process.env.CHROMIUM_PATH, "/usr/bin/chromium-headless-shell", "/usr/bin/chromium"].find(
  (path): path is string => Boolean(path && existsSync(path)),
);
const admin = SANDBOX_KEYS.find((k) => k.role === "admin" && k.scope === "full" && k.country === "PL");

/** The files the page may load, by URL path. */
const FILES: Record<string, string> = {
  "/sdk/": join(ROOT, "packages/sdk/dist/"),
  "/webhooks/": join(ROOT, "packages/webhooks/dist/"),
  "/openapi-fetch/": join(ROOT, "packages/sdk/node_modules/openapi-fetch/dist/"),
};

const PAGE = `<!doctype html>
<script type="importmap">
{ "imports": {
  "openapi-fetch": "/openapi-fetch/index.mjs",
  "@timecard/webhooks/web": "/webhooks/web.js"
} }
</script>
<script type="module">
  window.sdk = await import("/sdk/index.js");
</script>`;

let sandbox: RunningServer;
let prism: PrismProxy;
let site: Server;
let siteUrl: string;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!CHROMIUM) return;
  const config = { ...loadServerConfig({ TIMECARD_SANDBOX: "true", LOG_LEVEL: "silent" }), port: 0 };
  sandbox = await startServer({ config, signals: [], logStream: { write: () => true } });
  prism = await startPrismProxy(sandbox.url);
  site = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path === "/") {
      res.writeHead(200, { "content-type": "text/html" }).end(PAGE);
      return;
    }
    const prefix = Object.keys(FILES).find((p) => path.startsWith(p));
    const base = prefix ? FILES[prefix] : undefined;
    const file = base && prefix ? normalize(join(base, path.slice(prefix.length))) : "";
    if (!base || !file.startsWith(base) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const type = [".js", ".mjs"].includes(extname(file)) ? "text/javascript" : "application/octet-stream";
    res.writeHead(200, { "content-type": type }).end(readFileSync(file));
  }).listen(0, "127.0.0.1");
  await once(site, "listening");
  siteUrl = `http://localhost:${(site.address() as { port: number }).port}/`;
  browser = await launch({ executablePath: CHROMIUM, headless: "shell", args: ["--no-sandbox"] });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  site?.close();
  await prism?.stop();
  await sandbox?.close();
});

describe.skipIf(!CHROMIUM && !process.env.CI)("@timecard/sdk in headless Chromium", () => {
  it("has a browser to run in (CI installs chromium-headless-shell)", () => {
    expect(CHROMIUM, "no Chromium: apt-get install chromium-headless-shell, or set CHROMIUM_PATH").toBeDefined();
  });

  it("loads the ESM build with no Node built-ins and calls the sandbox through Prism", async () => {
    const page = await (browser as Browser).newPage();
    const failures: string[] = [];
    page.on("pageerror", (error) => failures.push(String(error)));
    page.on("requestfailed", (request) => failures.push(`${request.url()} ${request.failure()?.errorText}`));
    await page.goto(siteUrl);
    await page.waitForFunction("globalThis.sdk !== undefined", { timeout: 20_000 });
    const result = await page.evaluate(
      async (baseUrl, apiKey) => {
        // biome-ignore lint/suspicious/noExplicitAny: the page's module, as loaded
        const { createTimecard, NotFoundError } = (globalThis as any).sdk;
        const timecard = createTimecard({ baseUrl, apiKey });
        const me = await timecard.me.get();
        const names: string[] = [];
        for await (const employee of timecard.employees.list({ limit: 2 })) names.push(employee.name);
        const project = await timecard.projects.create({ name: `From the browser ${Date.now()}` });
        let notFound = "";
        try {
          await timecard.projects.get("prj_0000000000000000");
        } catch (error) {
          const problem = error as { status: number; code: string };
          notFound = error instanceof NotFoundError ? `${problem.status} ${problem.code}` : String(error);
        }
        return {
          user: me.user.name,
          employees: names.length,
          project: project.name.startsWith("From the browser"),
          requestId: project.lastResponse.requestId,
          remaining: timecard.rateLimit?.remaining,
          notFound,
          node: typeof (globalThis as { process?: unknown }).process,
        };
      },
      prism.url,
      admin?.secret ?? "",
    );
    expect(failures).toEqual([]);
    expect(result).toMatchObject({
      user: admin?.employeeName,
      project: true,
      notFound: "404 not_found",
      node: "undefined",
    });
    expect(result.employees).toBeGreaterThan(2);
    expect(result.requestId).toMatch(/^req_/);
    expect(result.remaining).toBeGreaterThan(0);
    // Prism validated every request and response of the page against the spec.
    expect(
      prism
        .output()
        .split("\n")
        .filter((line) => /Violation|✖/.test(line)),
    ).toEqual([]);
  });
});
