/**
 * C printf formats (as gettext translations use them, `%2$s` positional arguments included) read
 * as regular expressions: literal text escaped, each conversion a capture. Data-side only: no I/O.
 */

/** One conversion: its argument number (1-based, in the msgid's order) and its kind. */
export type Directive = { arg: number; conv: string; width: string };

export type PrintfPiece = { text: string } | Directive;

// %[n$][flags][width][.precision][length]conversion
const DIRECTIVE = /%(?:(\d+)\$)?([-+ #0]*)(\d*)(?:\.(\d+))?(hh|h|ll|l|L|q|j|z|t)?([diouxXeEfgGcspm%])/g;

/** Splits a format into literal text and conversions; null when it has a conversion this reader does not know. */
export function parsePrintf(format: string): PrintfPiece[] | null {
  const out: PrintfPiece[] = [];
  let last = 0;
  let next = 1;
  for (const m of format.matchAll(DIRECTIVE)) {
    if (m.index > last) out.push({ text: format.slice(last, m.index) });
    last = m.index + m[0].length;
    if (m[6] === "%") {
      out.push({ text: "%" });
      continue;
    }
    if (m[6] === "m") continue; // strerror(errno): no argument
    out.push({ arg: m[1] ? Number(m[1]) : next++, conv: m[6], width: m[2].includes("0") ? m[3] : "" });
  }
  if (format.slice(last).includes("%")) return null;
  if (last < format.length) out.push({ text: format.slice(last) });
  return out;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

function captureOf(d: Directive, last: boolean): string {
  switch (d.conv) {
    case "d":
    case "i":
      return d.width ? `(-?\\d{${d.width},})` : "(-?\\d+)";
    case "u":
      return d.width ? `(\\d{${d.width},})` : "(\\d+)";
    case "o":
      return "([0-7]+)";
    case "x":
    case "X":
      return "([0-9A-Fa-f]+)";
    case "e":
    case "E":
    case "f":
    case "g":
    case "G":
      return "([-+]?[\\d.]+(?:[eE][-+]?\\d+)?|inf|nan)";
    case "c":
      return "(.)";
    case "p":
      return "(0x[0-9a-f]+|\\(nil\\))";
    default:
      // %s: lazy so the literal after it decides where it ends; the last one takes the rest of the line.
      return last ? "(.*)" : "(.*?)";
  }
}

/**
 * The expression source of a format: literal text escaped (so a translation can never inject an
 * operator), conversions as captures in the format's own order. `argOrder[i]` is the argument
 * number of capture i+1, so captures can be put back in the msgid's order.
 */
export function printfToRegexSource(format: string): { source: string; argOrder: number[] } | null {
  const pieces = parsePrintf(format);
  if (!pieces) return null;
  let source = "";
  const argOrder: number[] = [];
  pieces.forEach((p, i) => {
    if ("text" in p) source += escapeRe(p.text);
    else {
      source += captureOf(p, i === pieces.length - 1);
      argOrder.push(p.arg);
    }
  });
  return { source, argOrder };
}

/** The arguments of a format, by number, sorted: what a translation must use to be read back safely. */
export function argsOf(format: string): string[] | null {
  const pieces = parsePrintf(format);
  if (!pieces) return null;
  const conv = (c: string) => ("diu".includes(c) ? "int" : c === "s" ? "s" : c);
  return pieces
    .filter((p): p is Directive => "arg" in p)
    .map((d) => `${d.arg}:${conv(d.conv)}`)
    .sort();
}

const parsed = new Map<string, PrintfPiece[]>();

/** Writes a format with arguments given by number (1-based), as printf would for strings and integers. */
export function renderPrintf(format: string, args: string[]): string {
  let pieces = parsed.get(format);
  if (!pieces) {
    pieces = parsePrintf(format) ?? [{ text: format }];
    // Formats are the catalog's msgids and translations: a bounded set.
    if (parsed.size < 10_000) parsed.set(format, pieces);
  }
  return pieces.map((p) => ("text" in p ? p.text : (args[p.arg - 1] ?? ""))).join("");
}
