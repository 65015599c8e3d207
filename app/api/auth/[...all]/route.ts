import { toNextJsHandler } from "better-auth/next-js";
import { getAuth } from "@/lib/auth/auth";
import { withClientAddress } from "@/lib/auth/auth-request";

// The Better Auth instance is created on first request, once DATABASE_URL is known.
const handler = (req: Request) => getAuth().handler(withClientAddress(req));

export const { GET, POST } = toNextJsHandler(handler);
