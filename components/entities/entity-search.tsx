"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { entityHref, useEntitySearch } from "@/components/data/entities-query";
import { errorLine } from "@/components/data/fetch-json";

/** Finds entities by key prefix (`abc`, or `messageId:abc` for one type). */
export function EntitySearch({ initial = "" }: { initial?: string }) {
  const [text, setText] = useState(initial);
  const [q, setQ] = useState(initial);
  useEffect(() => {
    const t = setTimeout(() => setQ(text.trim()), 250);
    return () => clearTimeout(t);
  }, [text]);
  const { data, error, isFetching } = useEntitySearch(q);
  return (
    <div className="relative w-full max-w-md">
      <input
        type="search"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder="Find an entity by key prefix (messageId:abc…)"
        aria-label="Find an entity"
        className="w-full rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900"
      />
      {q && (
        <ul
          className="absolute z-10 mt-1 max-h-72 w-full overflow-auto rounded border border-slate-200 bg-white text-sm shadow dark:border-slate-700 dark:bg-slate-900"
          aria-label="Matching entities"
        >
          {error && <li className="p-2 text-red-600">{errorLine(error)}</li>}
          {data?.items.length === 0 && !isFetching && <li className="p-2 text-slate-500">No entity starts with “{q}”.</li>}
          {data?.items.map((e) => (
            <li key={`${e.type}=${e.value}`}>
              <Link href={entityHref(e.type, e.value)} className="block px-2 py-1 font-mono text-xs hover:bg-slate-100 dark:hover:bg-slate-800">
                <span className="text-sky-600">{e.type}</span> {e.value}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
