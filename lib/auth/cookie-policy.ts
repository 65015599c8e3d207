// Plain function (no "server-only") so the unit test can call it.

/**
 * Session cookies are `Secure` whenever the dashboard's public URL is https, and only then: set
 * explicitly so it never depends on NODE_ENV or on the host name a request happened to use.
 */
export function secureCookiesFor(publicUrl: string | undefined): boolean {
  if (!publicUrl) return false;
  try {
    return new URL(publicUrl.trim()).protocol === "https:";
  } catch {
    return false;
  }
}
