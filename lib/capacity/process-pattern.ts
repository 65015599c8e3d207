/*
 * A process source's config.pattern is matched as a literal substring of the command line, not
 * compiled as a regular expression: a substring test is linear in the command line whatever the
 * pattern, so no pattern (nested quantifiers, alternations of overlapping branches) can make the
 * capacity sampler backtrack for minutes. Regular-expression syntax is refused rather than
 * silently taken literally, so a config written for the old behaviour fails loudly.
 */

export const MAX_PROCESS_PATTERN_LENGTH = 200;
/** Characters that only mean something in a regular expression. */
const REGEX_SYNTAX = /[\\^$*+?()[\]{}|]/;

/** Why `pattern` cannot name processes, or null when it can. */
export function processPatternProblem(pattern: unknown): string | null {
  if (typeof pattern !== "string") return "must be a string: a literal part of the command line";
  if (pattern.trim().length === 0) return "must not be empty";
  if (pattern.length > MAX_PROCESS_PATTERN_LENGTH) return `is ${pattern.length} characters long; at most ${MAX_PROCESS_PATTERN_LENGTH}`;
  const bad = REGEX_SYNTAX.exec(pattern);
  if (bad) {
    return `is matched as a literal part of the command line, not as a regular expression: remove "${bad[0]}" (e.g. "gunicorn" or "worker.py --queue")`;
  }
  return null;
}

/** The same check, as an error to throw where a stored config is used. */
export function assertProcessPattern(pattern: unknown): string {
  const problem = processPatternProblem(pattern);
  if (problem) throw new Error(`config.pattern ${problem}`);
  return pattern as string;
}
