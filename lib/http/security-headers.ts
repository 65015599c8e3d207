// No "server-only": next.config.ts reads this at build and start time.

/**
 * The dashboard's content policy. Next's App Router inlines its bootstrap scripts, so script-src
 * needs 'unsafe-inline' (nonces would make every page dynamic); everything else is same-origin
 * only, and no other site may frame a page (Release and Terminate must not be clickjackable).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Sent on every response, pages and API alike (next.config.ts headers()). */
export const SECURITY_HEADERS: { key: string; value: string }[] = [
  { key: "Content-Security-Policy", value: CONTENT_SECURITY_POLICY },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
];
