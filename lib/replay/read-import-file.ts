import "server-only";
import { readFileSync, statSync } from "node:fs";

/** Bigger than the import endpoint takes (50 MB); the CLI reads the file whole. */
export const MAX_IMPORT_FILE_BYTES = 512 * 1024 * 1024;

/** A file the CLI cannot import, with the one line to tell the user. */
export class ImportFileError extends Error {}

// A binary file is not UTF-8, or is dense with control bytes; one stray NUL in a text file is a
// bad line for the import to keep as unparsed, not a reason to refuse the file.
function looksBinary(buf: Buffer): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch {
    return true;
  }
  const head = buf.subarray(0, 65_536);
  let control = 0;
  for (const b of head) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) control++;
  return head.length > 0 && control / head.length > 0.1;
}

/** The file's text, or an ImportFileError saying in one line why it cannot be imported. */
export function readImportFile(file: string): string {
  let buf: Buffer;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new ImportFileError(`${file} is a directory; give an NDJSON file (one failed write per line)`);
    if (!st.isFile()) throw new ImportFileError(`${file} is not a regular file; give an NDJSON file (one failed write per line)`);
    if (st.size > MAX_IMPORT_FILE_BYTES) throw new ImportFileError(`${file} is ${st.size} bytes; the import takes at most ${MAX_IMPORT_FILE_BYTES} (split it)`);
    buf = readFileSync(file);
  } catch (err) {
    if (err instanceof ImportFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new ImportFileError(`${file}: no such file`);
    if (code === "EACCES" || code === "EPERM") throw new ImportFileError(`${file}: permission denied (cannot read it)`);
    if (code === "EISDIR") throw new ImportFileError(`${file} is a directory; give an NDJSON file (one failed write per line)`);
    throw new ImportFileError(`${file}: cannot read it (${code ?? (err as Error).message})`);
  }
  if (looksBinary(buf)) throw new ImportFileError(`${file} is a binary file, not NDJSON text (one failed write per line)`);
  return buf.toString("utf8");
}
