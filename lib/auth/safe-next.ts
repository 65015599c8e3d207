// No "server-only": the sign-in form (a client component) resolves `next` in the browser.

/**
 * Where to go after sign-in: `next` resolved the way the browser will resolve it (tabs and
 * newlines dropped, backslashes read as slashes, `%2F` left alone), accepted only if it stays on
 * `origin`. Anything else, including a path that would read as protocol-relative, gives "/".
 */
export function safeNextPath(next: string | null | undefined, origin: string): string {
  if (typeof next !== "string" || next === "" || next.length > 2000) return "/";
  let url: URL;
  let base: URL;
  try {
    base = new URL(origin);
    url = new URL(next, base);
  } catch {
    return "/";
  }
  if (url.origin !== base.origin || (url.protocol !== "http:" && url.protocol !== "https:")) return "/";
  // A same-origin URL can still have a path like "//evil.example" (from "/.//evil.example"):
  // handed back as a path, the browser would read it as another host.
  if (/^[/\\]{2}/.test(url.pathname)) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith("/sign-in") ? "/" : path;
}
