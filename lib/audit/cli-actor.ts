import { userInfo } from "node:os";

/** The audit actor of a command run from a shell: the operating-system account that ran it. */
export function cliActor(): string {
  let name: string | undefined;
  try {
    name = userInfo().username;
  } catch {
    // A uid with no passwd entry (some containers): fall back to what the shell says.
    name = process.env.USER ?? process.env.LOGNAME;
  }
  return `cli:${name || `uid ${process.getuid?.() ?? "?"}`}`;
}
