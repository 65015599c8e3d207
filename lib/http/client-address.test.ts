import { describe, expect, it } from "vitest";
import { addressKey, clientAddress, normalizeAddress, parseTrustedProxies } from "./client-address";

const h = (xff?: string) => new Headers(xff === undefined ? {} : { "x-forwarded-for": xff });

describe("client address", () => {
  it("is the socket peer (the last entry, appended by the server) unless proxies are trusted", () => {
    expect(clientAddress(h("198.51.100.7"), null)).toBe("198.51.100.7");
    expect(clientAddress(h("1.2.3.4, 5.6.7.8, 127.0.0.1"), null)).toBe("127.0.0.1");
    expect(clientAddress(h("::ffff:127.0.0.1"), null)).toBe("127.0.0.1");
    expect(clientAddress(h(), null)).toBeNull();
  });

  it("believes X-Forwarded-For only through trusted proxies: the right-most untrusted entry", () => {
    const trusted = parseTrustedProxies("10.0.0.0/8, 127.0.0.1, fd00::/8");
    expect(clientAddress(h("203.0.113.9, 10.1.2.3, 127.0.0.1"), trusted)).toBe("203.0.113.9");
    // A client writing a fake chain before the proxy only adds entries left of its real address.
    expect(clientAddress(h("9.9.9.9, 10.9.9.9, 203.0.113.9, 10.1.2.3"), trusted)).toBe("203.0.113.9");
    // Straight from an untrusted peer: its own address, whatever it wrote.
    expect(clientAddress(h("9.9.9.9, 198.51.100.1"), trusted)).toBe("198.51.100.1");
    expect(clientAddress(h("2001:db8::1, fd00::2"), trusted)).toBe("2001:db8:0:0:0:0:0:1");
    // Garbage before the trusted hops: no address rather than a guess.
    expect(clientAddress(h("not-an-ip, 127.0.0.1"), trusted)).toBeNull();
    expect(clientAddress(h("10.0.0.1, 127.0.0.1"), trusted)).toBeNull();
  });

  it("refuses a malformed LOCKBOARD_TRUSTED_PROXIES entry by name", () => {
    expect(() => parseTrustedProxies("10.0.0.0/33")).toThrow(/10\.0\.0\.0\/33/);
    expect(() => parseTrustedProxies("proxy.internal")).toThrow(/proxy\.internal/);
    expect(parseTrustedProxies(" , ")).toBeNull();
  });

  it("normalizes addresses and keys IPv6 clients by their /64", () => {
    expect(normalizeAddress("[2001:DB8::1]:443")).toBe("2001:db8:0:0:0:0:0:1");
    expect(normalizeAddress("1.2.3.4:80")).toBe("1.2.3.4");
    expect(normalizeAddress("::1")).toBe("0:0:0:0:0:0:0:1");
    expect(normalizeAddress("x")).toBeNull();
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe(addressKey("2001:db8:1:2:bbbb::9"));
    expect(addressKey("2001:db8:1:2::1")).not.toBe(addressKey("2001:db8:1:3::1"));
    expect(addressKey("1.2.3.4")).toBe("1.2.3.4");
  });
});
