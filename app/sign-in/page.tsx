import { SignInForm } from "@/components/auth/sign-in-form";
import { oidcConfigFromEnv } from "@/lib/auth/oidc-config";
import { CARD } from "@/components/ui/panel";

export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  return (
    <div className={`${CARD} mx-auto mt-24 w-full max-w-sm p-6`}>
      <h1 className="mb-1 flex items-center gap-2 text-lg font-semibold">
        <span aria-hidden className="inline-block h-3 w-3 rounded-sm bg-amber-500" />
        Sign in to Lockboard
      </h1>
      <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
        Lockboard can end database sessions and write to production data, so every action is signed.
      </p>
      <SignInForm next={typeof sp.next === "string" ? sp.next : "/"} oidcName={oidcConfigFromEnv()?.name ?? null} />
    </div>
  );
}
