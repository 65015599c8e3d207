// No "server-only": proxy.ts imports this and unit tests call it directly.

// Exact paths, as the proxy sees them (un-decoded): an encoded or trailing-slash variant does not
// match and so needs a session like any other request.
const PUSH_PATHS = new Set(["/api/ingest", "/api/ingest/v1/logs", "/api/failed-writes", "/api/failed-writes/import"]);

/**
 * A request the proxy may pass without a session: only POST to a push endpoint with a bearer
 * token (which the route then verifies). HEAD, OPTIONS, PUT and the rest never qualify: Next
 * answers HEAD with the GET handler, so letting it through would expose the read routes.
 */
export function isBearerPush(method: string, pathname: string, authorization: string | null): boolean {
  return method === "POST" && PUSH_PATHS.has(pathname) && /^Bearer\s+\S+$/i.test(authorization ?? "");
}
