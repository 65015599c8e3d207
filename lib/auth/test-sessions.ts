// For integration tests that call route handlers directly: a real account and a real session
// cookie (every handler checks its actor, reads included).
import { randomBytes } from "node:crypto";
import { getAuth } from "./auth";
import type { Role } from "./roles";
import { getPrisma } from "../store/prisma";
import { createLocalUser } from "./users";

/** Creates an account with `role` and signs it in; the `cookie` header value of its session. */
export async function signInAs(role: Role): Promise<string> {
  const tag = randomBytes(6).toString("hex");
  const email = `${role}-${tag}@sessions.test`;
  const password = `${role}-password-${tag}`;
  await createLocalUser(getPrisma(), "test (signInAs)", { email, password, role, name: role });
  const res = await getAuth().api.signInEmail({ body: { email, password }, asResponse: true });
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}
