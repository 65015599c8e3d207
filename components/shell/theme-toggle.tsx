"use client";

import { useSyncExternalStore } from "react";

// The theme lives on <html class="dark"> (set before paint by the layout's script): read it from there.
const subscribe = (onChange: () => void) => {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
  return () => observer.disconnect();
};
const isDark = () => document.documentElement.classList.contains("dark");

export function ThemeToggle() {
  // null on the server: the button's label waits for the client, which knows the theme.
  const dark = useSyncExternalStore(subscribe, isDark, () => null);
  const toggle = () => {
    const next = !isDark();
    document.documentElement.classList.toggle("dark", next);
    localStorage.setItem("lockboard-theme", next ? "dark" : "light");
  };
  return (
    <button
      type="button"
      onClick={toggle}
      className="flex items-center whitespace-nowrap rounded border border-slate-300 px-2 py-1 text-xs text-slate-600 hover:bg-slate-100 dark:border-slate-700 dark:text-slate-300 dark:hover:bg-slate-800"
      aria-label="Toggle dark theme"
    >
      {/* On a phone an icon (no text of its own), the words from sm up. */}
      <svg aria-hidden viewBox="0 0 20 20" className="h-4 w-4 sm:hidden" fill="currentColor">
        <path d="M17 12.5A7.5 7.5 0 0 1 7.5 3a7.5 7.5 0 1 0 9.5 9.5Z" />
      </svg>
      <span className="sr-only sm:not-sr-only">{dark === null ? "Theme" : dark ? "Light theme" : "Dark theme"}</span>
    </button>
  );
}
