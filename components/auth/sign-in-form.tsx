"use client";

import { useState, type FormEvent } from "react";
import { safeNextPath } from "@/lib/auth/safe-next";

type Props = { next: string; oidcName: string | null };

/** Same message for an unknown account and a wrong password: the form never says which. */
export function SignInForm({ next, oidcName }: Props) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Resolved in the browser, against the page's own origin, the way the navigation will read it.
  const target = () => safeNextPath(next, window.location.origin);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const form = new FormData(e.currentTarget);
    const res = await fetch("/api/auth/sign-in/email", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: form.get("email"), password: form.get("password") }),
    }).catch(() => null);
    if (res?.ok) return window.location.assign(target());
    setBusy(false);
    const wait = Number(res?.headers.get("retry-after"));
    setError(res?.status === 429 ? `Too many attempts; try again in ${wait > 0 ? `${wait} s` : "a minute"}.` : "Wrong e-mail or password.");
  };

  const sso = async () => {
    setBusy(true);
    const res = await fetch("/api/auth/sign-in/social", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ provider: "oidc", callbackURL: target() }),
    });
    const body = await res.json().catch(() => null);
    if (body?.url) return window.location.assign(body.url);
    setBusy(false);
    setError("Single sign-on is not answering; try again or use a local account.");
  };

  return (
    <div className="space-y-4">
      {/* method="post": a submit before hydration must not put the password in the URL. */}
      <form method="post" onSubmit={submit} className="space-y-3">
        <label className="block text-sm">
          E-mail
          <input
            name="email"
            type="email"
            required
            autoComplete="username"
            className="mt-1 w-full rounded border border-slate-300 bg-white px-2 py-1.5 dark:border-slate-700 dark:bg-slate-900"
          />
        </label>
        <label className="block text-sm">
          Password
          <input
            name="password"
            type="password"
            required
            autoComplete="current-password"
            className="mt-1 w-full rounded border border-slate-300 bg-white px-2 py-1.5 dark:border-slate-700 dark:bg-slate-900"
          />
        </label>
        {error && (
          <p role="alert" data-testid="sign-in-error" className="text-sm text-red-700 dark:text-red-300">
            {error}
          </p>
        )}
        <button
          type="submit"
          disabled={busy}
          className="w-full rounded bg-slate-900 px-3 py-2 text-sm font-medium text-white disabled:opacity-60 dark:bg-slate-100 dark:text-slate-900"
        >
          Sign in
        </button>
      </form>
      {oidcName && (
        <button type="button" onClick={sso} disabled={busy} className="w-full rounded border border-slate-300 px-3 py-2 text-sm dark:border-slate-700">
          Sign in with {oidcName}
        </button>
      )}
    </div>
  );
}
