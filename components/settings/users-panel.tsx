"use client";

import { useState, type FormEvent } from "react";
import { postJson, settingsKeys, useSettingsAction, useUsers } from "@/components/data/settings-query";
import { LoadingPanel } from "@/components/ui/loading-panel";
import { ROLES } from "@/lib/auth/roles";
import { SettingsTable } from "@/components/settings/settings-table";

const input = "rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";

export function UsersPanel() {
  const users = useUsers();
  const [created, setCreated] = useState<{ email: string; password: string } | null>(null);
  const add = useSettingsAction(settingsKeys.users, (b: { email: string; name: string; role: string }) =>
    postJson<{ user: { email: string }; password: string }>("/api/users", b),
  );
  const setRole = useSettingsAction(settingsKeys.users, ({ id, role }: { id: string; role: string }) => postJson(`/api/users/${id}/role`, { role }));

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    add.mutate(
      { email: String(f.get("email")), name: String(f.get("name")), role: String(f.get("role")) },
      { onSuccess: (r) => setCreated({ email: r.user.email, password: r.password }) },
    );
  };

  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900" aria-label="Users">
      <h2 className="mb-3 font-semibold">People</h2>
      <LoadingPanel isLoading={users.isLoading} error={users.error} isEmpty={!users.data?.items.length}>
        <SettingsTable columns={["E-mail", "Name", "Sign-in", "Role"]} className="mb-4">
          {users.data?.items.map((u) => (
            <tr key={u.id} className="border-t border-slate-100 dark:border-slate-800" data-testid="user-row">
              <td className="py-1">{u.email}</td>
              <td>{u.name}</td>
              <td className="text-slate-500">{u.signIn.join(", ")}</td>
              <td>
                <select
                  aria-label={`Role of ${u.email}`}
                  defaultValue={u.role}
                  className={input}
                  onChange={(e) => setRole.mutate({ id: u.id, role: e.target.value })}
                >
                  {ROLES.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </SettingsTable>
      </LoadingPanel>
      <form onSubmit={submit} className="flex flex-wrap items-end gap-2">
        <input name="email" type="email" required placeholder="e-mail" aria-label="New user e-mail" className={input} />
        <input name="name" required placeholder="name" aria-label="New user name" className={input} />
        <select name="role" aria-label="New user role" className={input} defaultValue="viewer">
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
        <button className="rounded bg-slate-900 px-3 py-1 text-sm text-white dark:bg-slate-100 dark:text-slate-900" disabled={add.isPending}>
          Add local account
        </button>
      </form>
      {(add.error || setRole.error) && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {(add.error ?? setRole.error)!.message}
        </p>
      )}
      {created && (
        <p className="mt-2 rounded bg-amber-50 p-2 text-sm dark:bg-amber-950" data-testid="new-password">
          {created.email}: password <code className="font-mono">{created.password}</code> — shown once; hand it over now.
        </p>
      )}
    </section>
  );
}
