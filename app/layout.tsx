import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { ActorProvider } from "@/components/auth/actor-context";
import { UserMenu } from "@/components/auth/user-menu";
import { getActor } from "@/lib/auth/require-actor";
import { AppFrame } from "@/components/shell/app-frame";
import { ThemeToggle } from "@/components/shell/theme-toggle";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: "Lockboard",
  description: "Triage concurrency incidents in PostgreSQL and MongoDB apps",
};

// Runs before paint so a dark-theme operator never sees a white flash.
const themeScript = `try{var t=localStorage.getItem('lockboard-theme');if(t==='dark'||(!t&&matchMedia('(prefers-color-scheme: dark)').matches))document.documentElement.classList.add('dark')}catch(e){}`;

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The proxy lets only the sign-in page through without a session; it gets no shell.
  const actor = await getActor(await headers()).catch(() => null);
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <Providers>
          <ActorProvider actor={actor}>
            {!actor ? (
              <main className="min-h-screen p-6">{children}</main>
            ) : (
              <AppFrame
                headerEnd={
                  <>
                    <UserMenu />
                    <ThemeToggle />
                  </>
                }
              >
                {children}
              </AppFrame>
            )}
          </ActorProvider>
        </Providers>
      </body>
    </html>
  );
}
