import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";

// Server-side request forgery guard for webhook URLs. An endpoint's host must not be, or resolve
// to, an address inside the server's own network: private, loopback, link-local, cloud metadata
// and the like. The check runs when a URL is saved and again inside each delivery's connection
// (as the socket's `lookup`), so a name that changes its DNS answer later cannot reach inside.

/** Why an address is refused; `public` ones are fine. */
export type AddressKind =
  | "public"
  | "private"
  | "loopback"
  | "link_local"
  | "metadata"
  | "unspecified"
  | "multicast"
  | "reserved";

/** Resolves a host name to every address it has (as `dns.lookup(host, { all: true })`). */
export type HostResolver = (host: string) => Promise<readonly string[]>;

const METADATA = blockList([
  ["169.254.169.254", 32, "ipv4"], // AWS, GCP, Azure, OpenStack
  ["169.254.170.2", 32, "ipv4"], // AWS ECS task metadata
  ["100.100.100.200", 32, "ipv4"], // Alibaba Cloud
  ["fd00:ec2::254", 128, "ipv6"], // AWS over IPv6
]);
const METADATA_HOSTS = new Set(["metadata.google.internal", "metadata", "instance-data", "instance-data.ec2.internal"]);

const RANGES: readonly [AddressKind, BlockList][] = [
  [
    "unspecified",
    blockList([
      ["0.0.0.0", 8, "ipv4"],
      ["::", 128, "ipv6"],
    ]),
  ],
  [
    "loopback",
    blockList([
      ["127.0.0.0", 8, "ipv4"],
      ["::1", 128, "ipv6"],
    ]),
  ],
  [
    "link_local",
    blockList([
      ["169.254.0.0", 16, "ipv4"],
      ["fe80::", 10, "ipv6"],
    ]),
  ],
  [
    "private",
    blockList([
      ["10.0.0.0", 8, "ipv4"],
      ["172.16.0.0", 12, "ipv4"],
      ["192.168.0.0", 16, "ipv4"],
      ["100.64.0.0", 10, "ipv4"], // carrier-grade NAT, shared address space
      ["fc00::", 7, "ipv6"],
      ["fec0::", 10, "ipv6"], // site-local (deprecated, still routed inside some networks)
    ]),
  ],
  [
    "multicast",
    blockList([
      ["224.0.0.0", 4, "ipv4"],
      ["ff00::", 8, "ipv6"],
    ]),
  ],
  [
    "reserved",
    blockList([
      ["192.0.0.0", 24, "ipv4"],
      ["198.18.0.0", 15, "ipv4"], // benchmarking
      ["240.0.0.0", 4, "ipv4"], // reserved, and 255.255.255.255
      ["64:ff9b:1::", 48, "ipv6"],
      ["100::", 64, "ipv6"], // discard
    ]),
  ],
];

function blockList(entries: readonly [string, number, "ipv4" | "ipv6"][]): BlockList {
  const list = new BlockList();
  for (const [address, prefix, family] of entries) list.addSubnet(address, prefix, family);
  return list;
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part read as two groups); `null` for anything else. */
function ipv6Groups(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const front = head ? head.split(":") : [];
  const back = tail ? tail.split(":") : [];
  const groups = tail === undefined ? front : [...front, ...Array(8 - front.length - back.length).fill("0"), ...back];
  return groups.map((group) => Number.parseInt(group, 16));
}

/**
 * An IPv4 address carried inside IPv6, as IPv4, so that it is judged as the IPv4 address it
 * reaches: IPv4-mapped (`::ffff:10.0.0.1`, `::ffff:a00:1`), IPv4-translated (`::ffff:0:a00:1`),
 * the deprecated IPv4-compatible form (`::a00:1`), NAT64's well-known prefix (`64:ff9b::a00:1`)
 * and 6to4 (`2002:a00:1::`). Any other address is returned unchanged.
 */
function unmapped(address: string): string {
  const bare = address.replace(/^\[|\]$/g, "").split("%")[0] ?? address;
  const g = ipv6Groups(bare);
  if (!g) return address;
  const zeros = (from: number, to: number) => g.slice(from, to).every((group) => group === 0);
  let embedded: [number, number] | null = null;
  if (zeros(0, 5) && g[5] === 0xffff) embedded = [g[6] ?? 0, g[7] ?? 0];
  else if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) embedded = [g[6] ?? 0, g[7] ?? 0];
  // `::` and `::1` stay IPv6 (unspecified, loopback); `::a.b.c.d` with a.b non-zero is IPv4-compatible.
  else if (zeros(0, 6) && g[6] !== 0) embedded = [g[6] ?? 0, g[7] ?? 0];
  else if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) embedded = [g[6] ?? 0, g[7] ?? 0];
  else if (g[0] === 0x2002) embedded = [g[1] ?? 0, g[2] ?? 0];
  if (!embedded) return address;
  const [high, low] = embedded;
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/**
 * What kind of address `address` (IPv4 or IPv6, IPv4-mapped IPv6 read as IPv4) is.
 *
 * @example
 * ```ts
 * classifyAddress("169.254.169.254"); // "metadata"
 * classifyAddress("::ffff:10.0.0.7"); // "private"
 * ```
 */
export function classifyAddress(address: string): AddressKind {
  const ip = unmapped(address.replace(/^\[|\]$/g, "").split("%")[0] ?? address);
  const family = isIP(ip) === 6 ? "ipv6" : "ipv4";
  if (METADATA.check(ip, family)) return "metadata";
  for (const [kind, list] of RANGES) if (list.check(ip, family)) return kind;
  return "public";
}

/** An allowlist of host names, addresses and CIDR ranges, as `TIMECARD_WEBHOOK_ALLOWLIST` gives it. */
export interface Allowlist {
  /** Whether `host` (a name or an address) is allowed although its address kind is not public. */
  allows(host: string, address?: string): boolean;
}

/**
 * Builds an allowlist from entries such as `localhost`, `127.0.0.0/8`, `::1/128`, `10.1.2.3` or
 * `hooks.internal.example`.
 */
export function createAllowlist(entries: readonly string[]): Allowlist {
  const names = new Set<string>();
  const ranges = new BlockList();
  for (const entry of entries) {
    // `[::1]` is written as in a URL sometimes; the address is what counts.
    const [base, bits] = entry.replace(/^\[|\](?=\/|$)/g, "").split("/");
    const family = base ? isIP(base) : 0;
    if (base && family) {
      const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
      ranges.addSubnet(base, prefix, family === 4 ? "ipv4" : "ipv6");
    } else if (entry) names.add(entry.toLowerCase());
  }
  return {
    allows(host, address) {
      if (names.has(host.toLowerCase())) return true;
      const ip = unmapped(address ?? host.replace(/^\[|\]$/g, ""));
      const family = isIP(ip);
      return family !== 0 && ranges.check(ip, family === 4 ? "ipv4" : "ipv6");
    },
  };
}

/** The system resolver: every address of a name, as the delivery's connection would get them. */
export const systemResolver: HostResolver = (host) =>
  new Promise((resolve, reject) => {
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses: LookupAddress[]) => {
      if (error) reject(error);
      else resolve(addresses.map((a) => a.address));
    });
  });

/** Why a URL may not receive webhooks, in words for a `422` or a delivery's error preview; `null` when it may. */
export async function urlRefusal(
  url: string,
  allowlist: Allowlist,
  resolve: HostResolver = systemResolver,
): Promise<string | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "must be an absolute http or https URL";
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return "must be an http or https URL";
  if (parsed.username || parsed.password) return "must not contain a user name or password";
  const host = parsed.hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();
  if (!host) return "must name a host";
  if (METADATA_HOSTS.has(host)) return `names a cloud metadata host (${host}), which never receives webhooks`;
  if (isIP(host)) return addressRefusal(host, host, allowlist);
  if (host === "localhost" || host.endsWith(".localhost")) {
    return allowlist.allows(host) || allowlist.allows(host, "127.0.0.1") ? null : refusedKind(host, "loopback");
  }
  let addresses: readonly string[];
  try {
    addresses = await resolve(host);
  } catch {
    // A name that does not resolve yet is accepted: every delivery resolves and checks it again.
    return null;
  }
  for (const address of addresses) {
    const refusal = addressRefusal(host, address, allowlist);
    if (refusal) return refusal;
  }
  return null;
}

/** Why `address` (of `host`) may not be connected to; `null` when it may. */
export function addressRefusal(host: string, address: string, allowlist: Allowlist): string | null {
  const kind = classifyAddress(address);
  if (kind === "public") return null;
  if (kind === "metadata") return `resolves to a cloud metadata address (${address}), which never receives webhooks`;
  if (allowlist.allows(host, address)) return null;
  return refusedKind(host, kind, address);
}

function refusedKind(host: string, kind: AddressKind, address?: string): string {
  const what = kind.replace("_", "-");
  const at = address && address !== host ? ` (${host} resolves to ${address})` : "";
  return `must not point at a ${what} address${at}: webhooks are only sent to public hosts`;
}

/**
 * A `lookup` for `http.request` that resolves like the system does but refuses any address
 * that `addressRefusal` refuses, so the connection can only reach the address that was checked.
 */
export function guardedLookup(allowlist: Allowlist, resolve: HostResolver = systemResolver) {
  return (
    hostname: string,
    options: { all?: boolean },
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
    const addresses = isIP(host) ? Promise.resolve([host]) : resolve(host);
    addresses.then(
      (list) => {
        for (const address of list) {
          const refusal = addressRefusal(host, address, allowlist);
          if (refusal) {
            callback(Object.assign(new Error(`The URL's host ${refusal}`), { code: "EADDRNOTALLOWED" }), "", 0);
            return;
          }
        }
        if (list.length === 0) {
          callback(Object.assign(new Error(`${host} has no address`), { code: "ENOTFOUND" }), "", 0);
          return;
        }
        const all = list.map((address) => ({ address, family: isIP(address) }));
        if (options.all) callback(null, all);
        else callback(null, all[0]?.address ?? "", all[0]?.family ?? 4);
      },
      (error: Error) => callback(error, "", 0),
    );
  };
}
