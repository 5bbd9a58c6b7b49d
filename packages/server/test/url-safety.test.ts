import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { loadServerConfig } from "../src/config.js";
import {
  addressRefusal,
  classifyAddress,
  createAllowlist,
  guardedLookup,
  type HostResolver,
  urlRefusal,
} from "../src/domain/webhooks/url-safety.js";
import { openStorage, type Storage } from "../src/storage/connect.js";
import { call, createWorld, type TestServer, testStorageConfig, type World } from "./support/harness.js";

// Webhook URLs may not reach inside the server's network: private, loopback, link-local and
// cloud metadata addresses are refused, by address and by what a name resolves to. Loopback
// (and whatever else the operator lists) may be allowed; metadata never.

/** A resolver with a fixed table: names not in it do not resolve (ENOTFOUND). */
const DNS: Record<string, readonly string[]> = {
  "hooks.example.com": ["203.0.113.10"],
  "dual.example.com": ["203.0.113.11", "2001:db8:1::1"],
  "intranet.example.com": ["10.1.2.3"],
  "sneaky.example.com": ["203.0.113.12", "192.168.0.10"],
  "loop.example.com": ["127.0.0.1"],
  "loop6.example.com": ["::1"],
  "mapped.example.com": ["::ffff:10.0.0.5"],
  "metadata.example.com": ["169.254.169.254"],
  "linklocal.example.com": ["fe80::1"],
};
const resolve: HostResolver = async (host) => {
  const addresses = DNS[host];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
  return addresses;
};

const NONE = createAllowlist([]);
const LOOPBACK = createAllowlist(["127.0.0.0/8", "localhost", "::1"]);
const GENEROUS = createAllowlist(["127.0.0.0/8", "localhost", "::1", "169.254.0.0/16", "metadata.google.internal"]);

/** Refused without any allowlist: the address kinds the spec names, and the usual disguises. */
const REFUSED = [
  "http://10.0.0.1/hook",
  "http://10.255.255.254/hook",
  "http://172.16.0.1/hook",
  "http://172.31.255.254/hook",
  "http://192.168.1.20:8080/hook",
  "http://127.0.0.1/hook",
  "http://127.8.9.10/hook",
  "http://localhost/hook",
  "http://localhost:3000/webhooks/timecard",
  "http://LOCALHOST./hook",
  "http://app.localhost/hook",
  "http://[::1]/hook",
  "http://[::ffff:127.0.0.1]/hook",
  "http://[::ffff:7f00:1]/hook",
  "http://[0:0:0:0:0:ffff:a00:1]/hook",
  "http://[::127.0.0.1]/hook",
  "http://[64:ff9b::a9fe:a9fe]/hook",
  "http://[2002:c0a8:0101::1]/hook",
  "http://169.254.169.254/latest/meta-data/",
  "http://169.254.10.20/hook",
  "http://metadata.google.internal/computeMetadata/v1/",
  "http://[fe80::1]/hook",
  "http://[fc00::1]/hook",
  "http://[fd12:3456::1]/hook",
  "http://0.0.0.0/hook",
  "http://[::]/hook",
  "http://2130706433/hook", // 127.0.0.1 as one number
  "http://0x7f.1/hook", // 127.0.0.1 in hex and short form
  "http://100.64.0.1/hook",
  "http://intranet.example.com/hook",
  "http://sneaky.example.com/hook",
  "http://loop.example.com/hook",
  "http://loop6.example.com/hook",
  "http://mapped.example.com/hook",
  "http://metadata.example.com/hook",
  "http://linklocal.example.com/hook",
];

/** Public hosts, and names that do not resolve (yet): every delivery checks again. */
const ACCEPTED = [
  "https://203.0.113.10/timecard",
  "https://8.8.8.8/hook",
  "http://1.1.1.1:8080/hook",
  "https://[2001:4860:4860::8888]/hook",
  "https://hooks.example.com/timecard",
  "https://dual.example.com/timecard",
  "https://not-yet-registered.example.org/hook",
];

describe("urlRefusal", () => {
  it.each(REFUSED)("refuses %s without an allowlist", async (url) => {
    expect(await urlRefusal(url, NONE, resolve)).toEqual(expect.any(String));
  });

  it.each(ACCEPTED)("accepts %s", async (url) => {
    expect(await urlRefusal(url, NONE, resolve)).toBeNull();
  });

  it("refuses other schemes, credentials and malformed URLs", async () => {
    for (const url of [
      "ftp://203.0.113.10/hook",
      "javascript:alert(1)",
      "file:///etc/passwd",
      "gopher://203.0.113.10/",
      "https://user:secret@203.0.113.10/hook",
      "https://user@203.0.113.10/hook",
      "not a url",
      "//203.0.113.10/hook",
    ]) {
      expect(await urlRefusal(url, NONE, resolve), url).toEqual(expect.any(String));
    }
  });

  it("accepts loopback when the allowlist lists it, but never metadata", async () => {
    for (const url of [
      "http://127.0.0.1:3000/hook",
      "http://localhost:3000/hook",
      "http://[::1]:3000/hook",
      "http://[::ffff:127.0.0.1]/hook",
      "http://loop.example.com/hook",
      "http://loop6.example.com/hook",
    ]) {
      expect(await urlRefusal(url, LOOPBACK, resolve), url).toBeNull();
    }
    for (const url of ["http://10.0.0.1/hook", "http://intranet.example.com/hook", "http://[fc00::1]/hook"]) {
      expect(await urlRefusal(url, LOOPBACK, resolve), url).toEqual(expect.any(String));
    }
    for (const url of [
      "http://169.254.169.254/latest/meta-data/",
      "http://metadata.google.internal/",
      "http://metadata.example.com/",
      "http://[::ffff:169.254.169.254]/",
    ]) {
      expect(await urlRefusal(url, GENEROUS, resolve), url).toMatch(/metadata/);
    }
    // The rest of link-local is allowed once listed.
    expect(await urlRefusal("http://169.254.10.20/hook", GENEROUS, resolve)).toBeNull();
  });

  it("accepts an allowlist entry written with brackets", async () => {
    expect(await urlRefusal("http://[::1]/hook", createAllowlist(["[::1]"]), resolve)).toBeNull();
  });
});

describe("classifyAddress and the connect-time guard", () => {
  it("classifies addresses", () => {
    expect(classifyAddress("10.0.0.7")).toBe("private");
    expect(classifyAddress("172.20.1.1")).toBe("private");
    expect(classifyAddress("172.32.0.1")).toBe("public");
    expect(classifyAddress("192.168.0.1")).toBe("private");
    expect(classifyAddress("127.0.0.1")).toBe("loopback");
    expect(classifyAddress("::1")).toBe("loopback");
    expect(classifyAddress("::ffff:10.0.0.7")).toBe("private");
    expect(classifyAddress("::ffff:a00:7")).toBe("private");
    expect(classifyAddress("::7f00:1")).toBe("loopback");
    expect(classifyAddress("64:ff9b::a00:1")).toBe("private");
    expect(classifyAddress("64:ff9b::808:808")).toBe("public");
    expect(classifyAddress("2002:7f00:1::")).toBe("loopback");
    expect(classifyAddress("169.254.169.254")).toBe("metadata");
    expect(classifyAddress("169.254.1.1")).toBe("link_local");
    expect(classifyAddress("fe80::1")).toBe("link_local");
    expect(classifyAddress("fe80::1%eth0")).toBe("link_local");
    expect(classifyAddress("fc00::1")).toBe("private");
    expect(classifyAddress("fec0::1")).toBe("private");
    expect(classifyAddress("0.0.0.0")).toBe("unspecified");
    expect(classifyAddress("::")).toBe("unspecified");
    expect(classifyAddress("224.0.0.1")).toBe("multicast");
    expect(classifyAddress("255.255.255.255")).toBe("reserved");
    expect(classifyAddress("203.0.113.10")).toBe("public");
    expect(classifyAddress("8.8.8.8")).toBe("public");
    expect(classifyAddress("2001:4860:4860::8888")).toBe("public");
  });

  it("addressRefusal refuses metadata even when allowlisted", () => {
    expect(addressRefusal("h", "169.254.169.254", GENEROUS)).toMatch(/metadata/);
    expect(addressRefusal("h", "127.0.0.1", LOOPBACK)).toBeNull();
    expect(addressRefusal("h", "127.0.0.1", NONE)).toMatch(/loopback/);
  });

  it("guardedLookup refuses a name that resolves to a blocked address at connect time", async () => {
    const lookup = (host: string, allowlist = NONE, all = false) =>
      new Promise<{ error: (Error & { code?: string }) | null; address: unknown }>((done) => {
        guardedLookup(allowlist, resolve)(host, { all }, (error, address) => done({ error, address }));
      });
    const blocked = await lookup("intranet.example.com");
    expect(blocked.error?.code).toBe("EADDRNOTALLOWED");
    expect((await lookup("sneaky.example.com")).error?.code).toBe("EADDRNOTALLOWED");
    expect((await lookup("metadata.example.com", GENEROUS)).error?.code).toBe("EADDRNOTALLOWED");
    const open = await lookup("hooks.example.com");
    expect(open).toEqual({ error: null, address: "203.0.113.10" });
    const all = await lookup("dual.example.com", NONE, true);
    expect(all.address).toEqual([
      { address: "203.0.113.11", family: 4 },
      { address: "2001:db8:1::1", family: 6 },
    ]);
    expect((await lookup("loop.example.com", LOOPBACK)).error).toBeNull();
    expect((await lookup("nowhere.example.com")).error?.message).toMatch(/ENOTFOUND/);
  });
});

// Through the API: one storage, two apps (without and with a loopback allowlist), both with
// the fake resolver. The dispatcher is off; nothing is sent.
describe("webhook endpoint URLs through the API", () => {
  let storage: Storage;
  const clock = {
    now: new Date(),
    set(at: Date | string) {
      clock.now = new Date(at);
    },
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  const strict = {} as TestServer;
  const allowing = {} as TestServer;
  let world: World;

  async function build(target: TestServer, env: Record<string, string>) {
    const config = {
      ...loadServerConfig({
        TIMECARD_MASTER_KEY: "a".repeat(64),
        TIMECARD_WEBHOOK_DISPATCHER: "false",
        TIMECARD_EXPORT_WORKER: "false",
        TIMECARD_COMPLIANCE_DAILY_CHECK: "false",
        ...env,
      }),
      storage: testStorageConfig(),
    };
    const app = await createApp({ config, storage, now: () => clock.now, resolveHost: resolve });
    await app.ready();
    Object.assign(target, { app, storage, config, clock });
  }

  beforeAll(async () => {
    storage = await openStorage(testStorageConfig());
    await build(strict, {});
    await build(allowing, { TIMECARD_WEBHOOK_ALLOWLIST: "127.0.0.0/8,localhost,::1,169.254.0.0/16" });
    world = await createWorld(strict);
  }, 60_000);
  afterAll(async () => {
    await strict.app?.close();
    await allowing.app?.close();
    await storage?.close();
  });

  async function count(): Promise<number> {
    const rows = await storage.db
      .selectFrom("webhook_endpoints")
      .select("id")
      .where("organization_id", "=", world.organizationId)
      .execute();
    return rows.length;
  }

  it("refuses private, loopback, link-local and metadata URLs with 422 at body.url", async () => {
    for (const url of REFUSED) {
      const res = await call(strict, world.admin.key, "POST", "/v1/webhook-endpoints", { url });
      expect(res.status, url).toBe(422);
      expect(res.body.code).toBe("validation_failed");
      expect(res.body.errors).toEqual([{ field: "body.url", message: expect.any(String) }]);
    }
    expect(await count()).toBe(0);
  });

  it("refuses them on update too, and keeps the old URL", async () => {
    const created = await call(strict, world.admin.key, "POST", "/v1/webhook-endpoints", {
      url: "https://hooks.example.com/a",
    });
    expect(created.status).toBe(201);
    for (const url of ["http://intranet.example.com/x", "http://169.254.169.254/", "http://[::1]/x"]) {
      const res = await call(strict, world.admin.key, "PATCH", `/v1/webhook-endpoints/${created.body.id}`, { url });
      expect(res.status, url).toBe(422);
      expect(res.body.errors[0].field).toBe("body.url");
    }
    const got = await call(strict, world.admin.key, "GET", `/v1/webhook-endpoints/${created.body.id}`);
    expect(got.body.url).toBe("https://hooks.example.com/a");
    await call(strict, world.admin.key, "DELETE", `/v1/webhook-endpoints/${created.body.id}`);
  });

  it("accepts public and unresolvable hosts", async () => {
    for (const url of ACCEPTED) {
      const res = await call(strict, world.admin.key, "POST", "/v1/webhook-endpoints", { url });
      expect(res.status, url).toBe(201);
      expect(res.body.url).toBe(url);
    }
    expect(await count()).toBe(ACCEPTED.length);
  });

  it("accepts loopback with the allowlist, and still refuses metadata and private addresses", async () => {
    for (const url of [
      "http://127.0.0.1:3000/hook",
      "http://localhost:3000/webhooks/timecard",
      "http://[::1]:3000/hook",
      "http://[::ffff:127.0.0.1]/hook",
      "http://loop.example.com/hook",
      "http://169.254.10.20/hook",
    ]) {
      const res = await call(allowing, world.admin.key, "POST", "/v1/webhook-endpoints", { url });
      expect(res.status, url).toBe(201);
    }
    for (const url of [
      "http://169.254.169.254/latest/meta-data/",
      "http://metadata.google.internal/",
      "http://metadata.example.com/",
      "http://10.0.0.1/hook",
      "http://intranet.example.com/hook",
    ]) {
      const res = await call(allowing, world.admin.key, "POST", "/v1/webhook-endpoints", { url });
      expect(res.status, url).toBe(422);
      expect(res.body.errors[0].field).toBe("body.url");
    }
  });
});
