// Errors as mongod reports them: `{ ok: 0, errmsg, code, codeName, …extra }` for commands,
// `{ index, code, errmsg, …extra }` inside writeErrors.
import { formatKeyValue, type Doc } from "./values";

const CODE_NAMES: Record<number, string> = {
  2: "BadValue",
  9: "FailedToParse",
  11000: "DuplicateKey",
  26: "NamespaceNotFound",
  27: "IndexNotFound",
  43: "CursorNotFound",
  48: "NamespaceExists",
  59: "CommandNotFound",
  66: "ImmutableField",
  85: "IndexOptionsConflict",
  86: "IndexKeySpecsConflict",
  14: "TypeMismatch",
  72: "InvalidOptions",
  73: "InvalidNamespace",
};

export class CommandError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly extra: Doc = {},
  ) {
    super(message);
  }
  get codeName(): string {
    return CODE_NAMES[this.code] ?? "UnknownError";
  }
  toReply(): Doc {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }
  toWriteError(index: number): Doc {
    return { index, code: this.code, errmsg: this.message, ...this.extra };
  }
}

export function duplicateKeyError(ns: string, indexName: string, keyPattern: Doc, keyValue: Doc): CommandError {
  const dup = Object.entries(keyValue)
    .map(([k, v]) => `${k}: ${formatKeyValue(v)}`)
    .join(", ");
  return new CommandError(11000, `E11000 duplicate key error collection: ${ns} index: ${indexName} dup key: { ${dup} }`, {
    keyPattern,
    keyValue,
  });
}

export function badValue(message: string): CommandError {
  return new CommandError(2, message);
}

export function toCommandError(err: unknown): CommandError {
  if (err instanceof CommandError) return err;
  return new CommandError(2, err instanceof Error ? err.message : String(err));
}
