// No "use client": a server page renders the links; a client view passes onPick.
import Link, { type LinkProps } from "next/link";

const ACTIVE = "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900";
const IDLE = "hover:bg-slate-100 dark:hover:bg-slate-800";

type Common<R extends string> = { label: string; ranges: readonly R[]; current: R | null; className?: string };

/**
 * A view's time-range choices: links when the range lives in the URL (`hrefOf`; the current one
 * is `aria-current`), buttons when it is page state (`onPick`; the current one is pressed). No current one while a custom
 * (zoomed) window is shown.
 */
export function RangePicker<R extends string>(
  props: Common<R> & ({ hrefOf: (r: R) => LinkProps["href"]; onPick?: never } | { onPick: (r: R) => void; hrefOf?: never }),
) {
  const { label, ranges, current, className = "text-xs" } = props;
  const style = (r: R) => `rounded px-2 py-0.5 ${r === current ? ACTIVE : IDLE}`;
  return (
    <nav aria-label={label} className={`flex gap-1 ${className}`}>
      {ranges.map((r) =>
        props.hrefOf ? (
          <Link key={r} href={props.hrefOf(r)} aria-current={r === current ? "true" : undefined} scroll={false} className={style(r)}>
            {r}
          </Link>
        ) : (
          <button key={r} type="button" onClick={() => props.onPick(r)} aria-pressed={r === current} className={style(r)}>
            {r}
          </button>
        ),
      )}
    </nav>
  );
}
