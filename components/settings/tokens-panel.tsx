"use client";

import { useState, type FormEvent } from "react";
import { postJson, settingsKeys, useSettingsAction, useTokens } from "@/components/data/settings-query";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { TimeAgo } from "@/components/ui/time-ago";
import { SettingsTable } from "@/components/settings/settings-table";

const input = "rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";

export function TokensPanel() {
  const tokens = useTokens();
  const [shown, setShown] = useState<string | null>(null);
  const create = useSettingsAction(settingsKeys.tokens, (b: { name: string; scope: string; sources: string[] }) =>
    postJson<{ id: number; token: string }>("/api/tokens", b),
  );
  const revoke = useSettingsAction(settingsKeys.tokens, (id: number) => postJson(`/api/tokens/${id}/revoke`, {}));

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const sources = String(f.get("sources") ?? "")
      .split(/[\s,]+/)
      .filter(Boolean);
    create.mutate({ name: String(f.get("name")), scope: String(f.get("scope")), sources }, { onSuccess: (r) => setShown(r.token) });
  };

  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900" aria-label="API tokens">
      <h2 className="mb-1 font-semibold">API tokens</h2>
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
        For the push endpoints only: an <code>ingest</code> token cannot hand over failed writes and the reverse. Bind a token to the sources it feeds: a push
        to any other source is refused. An unbound ingest token may write only to log sources (never as a database or process source); an unbound failed-writes
        token may target any source. Only a hash is stored.
      </p>
      <LoadingPanel isLoading={tokens.isLoading} error={tokens.error} isEmpty={!tokens.data?.items.length} empty="No tokens yet.">
        <SettingsTable columns={["Name", "Scope", "Sources", "Starts with", "Last used", ""]} className="mb-4">
          {tokens.data?.items.map((t) => (
            <tr key={t.id} className="border-t border-slate-100 dark:border-slate-800" data-testid="token-row">
              <td className="py-1">{t.name}</td>
              <td>{t.scope}</td>
              <td data-testid="token-sources">{t.sources?.length ? t.sources.join(", ") : <span className="text-slate-500">unbound</span>}</td>
              <td className="font-mono text-xs">{t.prefix}…</td>
              <td>{t.lastUsedAt ? <TimeAgo iso={t.lastUsedAt} /> : "never"}</td>
              <td className="text-right">
                {t.revokedAt ? (
                  <span className="text-slate-500">revoked</span>
                ) : (
                  <button className="rounded px-2 py-0.5 text-red-700 hover:bg-red-50 dark:hover:bg-red-950" onClick={() => revoke.mutate(t.id)}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </SettingsTable>
      </LoadingPanel>
      <form onSubmit={submit} className="flex flex-wrap items-end gap-2">
        <input name="name" required placeholder="e.g. vector on web-1" aria-label="Token name" className={input} />
        <select name="scope" aria-label="Token scope" className={input}>
          <option>ingest</option>
          <option>failed-writes</option>
        </select>
        <input name="sources" placeholder="sources, e.g. app-logs, pg (empty: unbound)" aria-label="Token sources" className={`${input} w-72`} />
        <button className="rounded bg-slate-900 px-3 py-1 text-sm text-white dark:bg-slate-100 dark:text-slate-900" disabled={create.isPending}>
          Create token
        </button>
      </form>
      {(create.error || revoke.error) && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {(create.error ?? revoke.error)!.message}
        </p>
      )}
      {shown && (
        <p className="mt-2 break-all rounded bg-amber-50 p-2 text-sm dark:bg-amber-950" data-testid="new-token">
          New token (shown once): <code className="font-mono">{shown}</code>
        </p>
      )}
    </section>
  );
}
