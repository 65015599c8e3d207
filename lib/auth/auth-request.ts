import "server-only";
import { clientAddress } from "../http/client-address";
import { CLIENT_ADDRESS_HEADER } from "./auth";

/** The request with Better Auth's address header set from the socket-based client address. */
export function withClientAddress(req: Request): Request {
  const headers = new Headers(req.headers);
  headers.delete(CLIENT_ADDRESS_HEADER);
  const address = clientAddress(req.headers);
  if (address) headers.set(CLIENT_ADDRESS_HEADER, address);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(req.url, {
    method: req.method,
    headers,
    body: hasBody ? req.body : undefined,
    signal: req.signal,
    ...(hasBody ? { duplex: "half" } : {}),
  } as RequestInit);
}
