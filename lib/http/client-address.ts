import "server-only";
import { BlockList, isIP } from "node:net";

/**
 * The address a request came from. The dashboard's server (scripts/next-server.mjs) appends the
 * socket's peer address to X-Forwarded-For, so the header's last entry is always the real peer.
 * Without LOCKBOARD_TRUSTED_PROXIES that peer is the answer: whatever the client wrote before it
 * is ignored. With it, entries are read from the right and trusted proxies skipped: the first
 * address that is not a trusted proxy is the client.
 */
export function clientAddress(headers: Headers, trusted: BlockList | null = trustedProxiesFromEnv()): string | null {
  const chain = (headers.get("x-forwarded-for") ?? "").split(",").map((s) => normalizeAddress(s.trim()));
  for (let i = chain.length - 1; i >= 0; i--) {
    const a = chain[i]!;
    if (!a) return null; // a blank or malformed hop: stop rather than believe what lies beyond it
    if (!trusted || !isTrusted(trusted, a)) return a;
  }
  return null;
}

/** A key for per-address limits: IPv6 clients usually hold a whole /64, so they share one key. */
export function addressKey(address: string): string {
  if (isIP(address) !== 6) return address;
  return `${expandIpv6(address).slice(0, 4).join(":")}::/64`;
}

export function parseTrustedProxies(value: string | undefined): BlockList | null {
  const entries = (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (!entries.length) return null;
  const list = new BlockList();
  for (const entry of entries) {
    const [addr, bits, extra] = entry.split("/");
    const ip = normalizeAddress(addr ?? "");
    const family = ip ? isIP(ip) : 0;
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    if (!family || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) {
      throw new Error(`LOCKBOARD_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range`);
    }
    list.addSubnet(ip!, prefix, family === 6 ? "ipv6" : "ipv4");
  }
  return list;
}

const cache = { value: undefined as string | undefined, list: null as BlockList | null, read: false };
function trustedProxiesFromEnv(): BlockList | null {
  const value = process.env.LOCKBOARD_TRUSTED_PROXIES;
  if (!cache.read || cache.value !== value) Object.assign(cache, { value, list: parseTrustedProxies(value), read: true });
  return cache.list;
}

const isTrusted = (list: BlockList, a: string) => list.check(a, isIP(a) === 6 ? "ipv6" : "ipv4");

/** An IP address in canonical form (IPv4-mapped IPv6 as IPv4, brackets and zone dropped), else null. */
export function normalizeAddress(raw: string): string | null {
  let a = raw.replace(/^\[(.*)\](:\d+)?$/, "$1").replace(/%.*$/, "");
  if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(a)) a = a.replace(/:\d+$/, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (mapped) a = mapped[1]!;
  const family = isIP(a);
  if (family === 4) return a;
  if (family === 6)
    return expandIpv6(a)
      .map((h) => h.replace(/^0+(?=.)/, ""))
      .join(":");
  return null;
}

function expandIpv6(a: string): string[] {
  const [head, tail] = a.toLowerCase().includes("::") ? a.toLowerCase().split("::") : [a.toLowerCase(), undefined];
  const part = (s: string | undefined) => (s ? s.split(":") : []);
  const left = part(head);
  const right = part(tail);
  // An embedded IPv4 tail (::1.2.3.4) counts as two hextets.
  const last = right.length ? right : left;
  if (last.length && last[last.length - 1]!.includes(".")) {
    const [a1, a2, a3, a4] = last.pop()!.split(".").map(Number) as [number, number, number, number];
    last.push(((a1 << 8) | a2).toString(16), ((a3 << 8) | a4).toString(16));
  }
  const fill = tail === undefined ? [] : Array(8 - left.length - right.length).fill("0");
  return [...left, ...fill, ...right].map((h) => h.padStart(4, "0"));
}
