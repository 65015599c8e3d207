import type { ReactNode } from "react";

/**
 * A table inside a settings panel: one header row, and a sideways scroll of its own on a phone
 * (its card never widens the page). `nowrap` keeps short cells on one line and scrolls instead.
 */
export function SettingsTable({
  columns,
  className = "mb-3",
  nowrap = false,
  testId,
  children,
}: {
  columns: string[];
  className?: string;
  nowrap?: boolean;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <div className={`${className} overflow-x-auto`}>
      <table className={`w-full text-left text-sm [&_td]:pr-3 [&_th]:pr-3 ${nowrap ? "whitespace-nowrap" : ""}`} data-testid={testId}>
        <thead className="text-xs uppercase text-slate-500">
          <tr>
            {columns.map((c, i) => (
              <th key={`${i}:${c}`} className="py-1">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
