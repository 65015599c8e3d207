import { constants } from "node:fs";
import { access, open, stat } from "node:fs/promises";

/** Bytes read from the head of a file to tell a log from a binary file. */
const SNIFF_BYTES = 64 * 1024;

/**
 * Why `file` cannot be read as a log, in one line (null when it can): checked for every file
 * before anything is stored, so a bad one among several leaves the store untouched.
 */
export async function whyNotALogFile(file: string): Promise<string | null> {
  let st;
  try {
    st = await stat(file);
  } catch (err) {
    return describe(err, file);
  }
  if (st.isDirectory()) return `${file}: is a directory, not a log file`;
  if (!st.isFile() && !st.isFIFO()) return `${file}: not a regular file`;
  try {
    // access() asks the kernel with this process's own rights (root's bypass included), like open() would.
    await access(file, constants.R_OK);
    const fh = await open(file, "r");
    try {
      const buf = Buffer.alloc(Math.min(SNIFF_BYTES, st.size));
      const { bytesRead } = st.isFile() ? await fh.read(buf, 0, buf.length, 0) : { bytesRead: 0 };
      if (looksBinary(buf.subarray(0, bytesRead))) return `${file}: a binary file, not a text log (compressed? decompress it first)`;
    } finally {
      await fh.close();
    }
  } catch (err) {
    return describe(err, file);
  }
  return null;
}

/** NUL bytes, or mostly control bytes: no log format Lockboard reads looks like that. */
function looksBinary(head: Buffer): boolean {
  if (head.length === 0) return false;
  if (head.includes(0)) return true;
  let control = 0;
  for (const b of head) if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 27) control++;
  return control / head.length > 0.1;
}

function describe(err: unknown, file: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return `${file}: no such file`;
  if (code === "EACCES" || code === "EPERM") return `${file}: permission denied (the user running this cannot read it)`;
  if (code === "EISDIR") return `${file}: is a directory, not a log file`;
  return `${file}: cannot be read (${code ?? (err as Error).message})`;
}
