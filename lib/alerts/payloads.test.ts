import { describe, expect, it } from "vitest";
import { retryDelayMs, BACKOFF_MAX_MS } from "./backoff";
import { pagerDutyBody, publicLink, slackBody, webhookBody, type AlertMessage } from "./payloads";
import { signBody, verifySignature } from "./signature";

const message = (event: AlertMessage["event"]): AlertMessage => ({
  event,
  idempotencyKey: "lb-1-2-incident:3-e1-trigger",
  rule: { id: 1, name: "r", trigger: "new_incident" },
  at: "2026-12-01T10:00:00.000Z",
  condition: {
    subject: "incident:3",
    title: "Duplicate key <on> chat & co",
    kind: "duplicate_key",
    source: "api",
    severity: "error",
    count: 7,
    firstSeen: "2026-12-01T09:59:00.000Z",
    lastSeen: "2026-12-01T10:00:00.000Z",
    url: "http://lb/incidents/3",
    incidentId: 3,
  },
});

describe("alert payloads", () => {
  it("webhook: versioned, with the idempotency key and the alert", () => {
    expect(webhookBody(message("trigger"))).toMatchObject({
      version: 1,
      event: "trigger",
      idempotencyKey: "lb-1-2-incident:3-e1-trigger",
      alert: { incidentId: 3, count: 7 },
    });
  });

  it("slack: escapes markup and links back", () => {
    const b = slackBody(message("trigger"));
    expect(b.text).toBe("Alert: Duplicate key <on> chat & co (api) http://lb/incidents/3");
    expect(JSON.stringify(b.blocks[0])).toContain("Duplicate key &lt;on&gt; chat &amp; co");
    expect(JSON.stringify(b.blocks[0])).toContain("<http://lb/incidents/3|");
  });

  it("pagerduty: trigger and resolve share the dedup key; the routing key is never in the stored body", () => {
    const t = pagerDutyBody(message("trigger"));
    expect(t).toMatchObject({ event_action: "trigger", dedup_key: "lockboard:incident:3", payload: { severity: "error", source: "api" } });
    expect(pagerDutyBody(message("resolve"))).toEqual({ event_action: "resolve", dedup_key: "lockboard:incident:3" });
    expect(JSON.stringify(t)).not.toContain("routing_key");
  });

  it("links only with LOCKBOARD_PUBLIC_URL", () => {
    expect(publicLink("/incidents/3", {})).toBeNull();
    expect(publicLink("/incidents/3", { LOCKBOARD_PUBLIC_URL: "https://lb.example.com/base" })).toBe("https://lb.example.com/base/incidents/3");
  });
});

describe("backoff", () => {
  it("doubles per attempt, capped, jittered within the upper half of its step", () => {
    expect(retryDelayMs(1, () => 0)).toBe(2_500);
    expect(retryDelayMs(1, () => 1)).toBe(5_000);
    expect(retryDelayMs(3, () => 1)).toBe(20_000);
    expect(retryDelayMs(30, () => 1)).toBe(BACKOFF_MAX_MS);
  });
});

describe("webhook signature", () => {
  it("verifies the body it signed, not another body, secret or an old timestamp", () => {
    const now = Date.UTC(2026, 11, 1);
    const h = signBody("k", '{"a":1}', now);
    expect(h).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature("k", '{"a":1}', h, now + 1_000)).toBe(true);
    expect(verifySignature("k", '{"a":2}', h, now)).toBe(false);
    expect(verifySignature("x", '{"a":1}', h, now)).toBe(false);
    expect(verifySignature("k", '{"a":1}', h, now + 301_000)).toBe(false);
    expect(verifySignature("k", '{"a":1}', "garbage", now)).toBe(false);
  });
});
