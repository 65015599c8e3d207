// What the store's text and jsonb columns cannot hold, found before anything is written: one such
// value would otherwise fail the whole statement, and so every write of the batch with it.

export const MAX_DEPTH = 64;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function textProblem(s: string): string | null {
  if (s.includes("\0")) return "contains a NUL character (\\u0000), which the store cannot hold";
  if (LONE_SURROGATE.test(s)) return "contains a lone UTF-16 surrogate, which the store cannot hold";
  return null;
}

/**
 * The first value (or field name) that cannot be stored, as `invalid field "path": why`, or null.
 * Depth-bounded, so a body nested 60,000 deep is refused here instead of overflowing the stack later.
 */
export function findUnstorable(value: unknown, path: string[] = []): string | null {
  const at = () => `invalid field "${path.join(".") || "body"}"`;
  if (typeof value === "string") {
    const p = textProblem(value);
    return p ? `${at()}: ${p}` : null;
  }
  if (value === null || typeof value !== "object") return null;
  if (path.length >= MAX_DEPTH) return `${at()}: nested deeper than ${MAX_DEPTH} levels`;
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  for (const [k, v] of entries) {
    const nameProblem = textProblem(k);
    if (nameProblem) return `invalid field "${[...path, k.replace(/\0/g, "\\u0000")].join(".")}": its name ${nameProblem}`;
    const p = findUnstorable(v, [...path, k]);
    if (p) return p;
  }
  return null;
}

/** JSON text without recursion, for values nested too deep for JSON.stringify (from JSON.parse: plain data only). */
function flatJson(value: unknown): string {
  const out: string[] = [];
  const stack: { entries: [string | null, unknown][]; i: number; close: string }[] = [];
  const emit = (v: unknown) => {
    if (v === null || typeof v !== "object") return void out.push(JSON.stringify(v) ?? "null");
    out.push(Array.isArray(v) ? "[" : "{");
    stack.push(Array.isArray(v) ? { entries: v.map((x) => [null, x]), i: 0, close: "]" } : { entries: Object.entries(v), i: 0, close: "}" });
  };
  emit(value);
  while (stack.length) {
    const f = stack[stack.length - 1];
    if (f.i === f.entries.length) {
      out.push(f.close);
      stack.pop();
      continue;
    }
    const [k, v] = f.entries[f.i];
    if (f.i++ > 0) out.push(",");
    if (k !== null) out.push(JSON.stringify(k), ":");
    emit(v);
  }
  return out.join("");
}

/** The raw text of a submission that could not be stored as a write, whole, in a form a text column holds. */
export function storableRaw(value: unknown): string {
  let text: string;
  if (typeof value === "string") text = value;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = flatJson(value);
    }
  }
  // Escapes, as JSON would write them: the raw keeps every character, the column accepts it.
  return text.replace(/\0/g, "\\u0000").replace(new RegExp(LONE_SURROGATE.source, "g"), (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}
