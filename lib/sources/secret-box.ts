import "server-only";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const PREFIX = "v1";

/** Where the generated key lives when LOCKBOARD_SECRET_KEY is not set (demo, tests). */
export function secretKeyFile(): string {
  return process.env.LOCKBOARD_SECRET_KEY_FILE ?? path.resolve(/*turbopackIgnore: true*/ process.cwd(), ".lockboard/secret.key");
}

let cachedKey: Buffer | undefined;

/**
 * The key file made private (0600) whatever its mode was: a copy, a restore or an older version may
 * have left it readable by others. Refuses, naming the file, when that cannot be fixed (a file of
 * another user, a read-only mount).
 */
export function enforceKeyFileMode(file: string): void {
  const exposed = () => statSync(file).mode & 0o077;
  if (!exposed()) return;
  const mode = (statSync(file).mode & 0o777).toString(8);
  let reason = "its mode did not change";
  try {
    chmodSync(file, 0o600);
  } catch (err) {
    reason = (err as NodeJS.ErrnoException).code ?? String(err);
  }
  if (exposed()) {
    throw new Error(
      `the secret key file ${file} is open to other users (mode ${mode}) and could not be made private (${reason}): run \`chmod 600 ${file}\` as its owner, or set LOCKBOARD_SECRET_KEY`,
    );
  }
}

/**
 * The install's secret: LOCKBOARD_SECRET_KEY, or without it a random value created once
 * (mode 600, enforced at every read) so a demo restart can still read what it stored.
 */
export function secretKeyMaterial(): string {
  let material = process.env.LOCKBOARD_SECRET_KEY;
  if (!material) {
    const file = secretKeyFile();
    if (!existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true });
      try {
        writeFileSync(file, randomBytes(32).toString("base64"), { flag: "wx", mode: 0o600 });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
    }
    enforceKeyFileMode(file);
    material = readFileSync(file, "utf8").trim();
  }
  return material;
}

/** AES-256 key: any string is stretched with SHA-256, so an operator can paste a passphrase or `openssl rand -base64 32`. */
function key(): Buffer {
  cachedKey ??= createHash("sha256").update(secretKeyMaterial()).digest();
  return cachedKey;
}

export function sealSecret(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [PREFIX, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

export function openSecret(sealed: string): string {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== PREFIX || !iv || !tag || body === undefined) throw new Error("stored secret has an unknown format");
  const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("stored secret cannot be decrypted: LOCKBOARD_SECRET_KEY differs from the key it was saved with");
  }
}

/** A URL safe to show and log: password (and any token-like query value) replaced by ***. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    for (const k of [...u.searchParams.keys()]) {
      if (/pass|secret|token|key/i.test(k)) u.searchParams.set(k, "***");
    }
    return u.toString().replace("%2A%2A%2A", "***");
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
  }
}

/** Driver errors sometimes echo the connection string; never let a password through. */
export function maskSecretsIn(text: string): string {
  return text.replace(/([a-z+]+:\/\/[^:/@\s]+:)[^@\s]*@/gi, "$1***@");
}
