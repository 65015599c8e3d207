import { Fragment, type ReactElement, type ReactNode } from "react";
import { CARD } from "./panel";

/**
 * The list table every page uses: scrolls sideways on a narrow screen, one header row. A column
 * is a label, or a whole `<th>` when it needs more (a sort button, a select-all box).
 * `framed: false` when the table sits inside a card of its own.
 */
export function DataTable({ columns, framed = true, children }: { columns: (string | ReactElement | false)[]; framed?: boolean; children: ReactNode }) {
  return (
    <div className={framed ? `overflow-x-auto ${CARD}` : "overflow-x-auto"}>
      <table className="w-full text-left text-sm">
        <thead className={`text-xs uppercase tracking-wide text-slate-500 ${framed ? "border-b border-slate-200 dark:border-slate-800" : ""}`}>
          <tr>
            {columns.map((c, i) =>
              typeof c === "string" ? (
                <th key={`${i}:${c}`} className="px-3 py-2">
                  {c}
                </th>
              ) : (
                <Fragment key={i}>{c || null}</Fragment>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
