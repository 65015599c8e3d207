import "server-only";
import { addressKey, clientAddress } from "../http/client-address";
import { SlidingWindowLimiter } from "../http/rate-limit";
import { getPrisma } from "../store/prisma";

const perAddress = () => Number(process.env.LOCKBOARD_SIGNIN_RATE_PER_MINUTE) || 10;
const perAccount = () => Number(process.env.LOCKBOARD_SIGNIN_ACCOUNT_FAILURES) || 20;
const ACCOUNT_WINDOW_MS = 15 * 60_000;

type Limiters = { address: SlidingWindowLimiter; account: SlidingWindowLimiter };
const globalForLimits = globalThis as unknown as { lockboardSignInLimits?: Limiters };

function limiters(): Limiters {
  const l = globalForLimits.lockboardSignInLimits;
  // Rebuilt when the settings change (tests set them per run).
  if (l && l.address.limit === perAddress() && l.account.limit === perAccount()) return l;
  return (globalForLimits.lockboardSignInLimits = {
    address: new SlidingWindowLimiter(perAddress(), 60_000),
    account: new SlidingWindowLimiter(perAccount(), ACCOUNT_WINDOW_MS),
  });
}

/** The account being tried, as Better Auth will look it up (so case and spacing do not make new keys). */
export const accountKey = (email: unknown) => (typeof email === "string" ? email.normalize("NFKC").trim().toLowerCase().slice(0, 320) : "");

export type SignInVerdict = { ok: true } | { ok: false; retryAfterSeconds: number; reason: "address" | "account" };

/**
 * Before a password is checked: at most LOCKBOARD_SIGNIN_RATE_PER_MINUTE attempts from one client
 * address in any 60 s, and at most LOCKBOARD_SIGNIN_ACCOUNT_FAILURES failed attempts on one
 * account in any 15 minutes, whatever addresses they come from. The account's attempt is counted
 * now (so parallel guesses cannot all slip through) and forgotten by `signInSucceeded`. Counted
 * in the store: attempts spread over several instances meet one limit.
 */
export async function admitSignIn(headers: Headers, email: unknown, now?: Date): Promise<SignInVerdict> {
  const l = limiters();
  const prisma = getPrisma();
  const account = `signin-account:${accountKey(email)}`;
  const held = await l.account.peek(prisma, account, now);
  if (!held.ok) return { ...held, reason: "account" };
  const address = clientAddress(headers);
  const byAddress = await l.address.take(prisma, `signin-address:${address ? addressKey(address) : "unknown"}`, now);
  if (!byAddress.ok) return { ...byAddress, reason: "address" };
  const byAccount = await l.account.take(prisma, account, now);
  if (!byAccount.ok) return { ...byAccount, reason: "account" };
  return { ok: true };
}

/** A successful sign-in ends the account's run of failures. */
export async function signInSucceeded(email: unknown): Promise<void> {
  await limiters().account.clear(getPrisma(), `signin-account:${accountKey(email)}`);
}
