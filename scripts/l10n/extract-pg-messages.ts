// Regenerates lib/ingest/classify/pg-messages-l10n.json from PostgreSQL's own gettext catalogs,
// as Debian's postgresql-NN package installs them:
//   node --import tsx scripts/l10n/extract-pg-messages.ts [--locale-dir /usr/share/locale] [--version 15] [--out FILE] [--check]
// --check writes nothing and exits 1 when the file would change.
// Only the msgids in lib/ingest/classify/pg-l10n-msgids.ts are kept; a translation whose printf
// arguments differ from its msgid's is left out (it could not be read back into English safely).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { PG_ATTACHED_MSGIDS, PG_DETAIL_MSGIDS, PG_KIND_MSGIDS, PG_LOCKTAG_MSGIDS, PG_SEVERITY_MSGIDS } from "@/lib/ingest/classify/pg-l10n-msgids";
import { argsOf } from "@/lib/ingest/classify/printf-pattern";
import { type MoEntry, readMoFile } from "@/lib/ingest/classify/mo-file";

const { values } = parseArgs({
  options: {
    "locale-dir": { type: "string", default: "/usr/share/locale" },
    version: { type: "string", default: "15" },
    out: { type: "string", default: "lib/ingest/classify/pg-messages-l10n.json" },
    check: { type: "boolean", default: false },
  },
});
const localeDir = values["locale-dir"]!;
const domain = `postgres-${values.version}`;

function packageVersion(): string {
  try {
    return execFileSync("dpkg-query", ["-W", "-f=${Version}", `postgresql-${values.version}`], { encoding: "utf8" });
  } catch {
    return "unknown";
  }
}

type Lang = {
  severity: Record<string, string>;
  attached: Record<string, string>;
  messages: Record<string, string | string[]>;
  /** The same words as a backend writes them before it knows its database's encoding (see below). */
  ascii: { severity: Record<string, string>; attached: Record<string, string>; messages: Record<string, string> };
};

/**
 * A backend that has not yet connected to a database has no encoding, so gettext converts its
 * messages to ASCII with glibc's transliteration in the C locale (`ВАЖНО` → `VAZHNO`, `für` →
 * `f?r`): what a refused connection logs (too many clients). glibc's own iconv gives the same.
 */
function toAscii(text: string): string | null {
  const r = spawnSync("iconv", ["-f", "UTF-8", "-t", "ASCII//TRANSLIT"], { input: text, env: { ...process.env, LC_ALL: "C" }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`iconv failed: ${r.stderr || r.error}`);
  return r.stdout === text ? null : r.stdout;
}
// A word or message left mostly as `?` (Chinese, Japanese, Korean, Georgian) tells nothing.
const readable = (s: string) => {
  const letters = s.replace(/%\S*?[sdu]/g, "").replace(/[^A-Za-z?]/g, "");
  return (letters.match(/\?/g)?.length ?? 0) * 2 < letters.length;
};
const languages: Record<string, Lang> = {};
const skipped: string[] = [];

for (const lang of readdirSync(localeDir).sort()) {
  const file = path.join(localeDir, lang, "LC_MESSAGES", `${domain}.mo`);
  if (!existsSync(file)) continue;
  const byId = new Map<string, MoEntry>(
    readMoFile(file)
      .filter((e) => !e.context && e.msgstr.some(Boolean))
      .map((e) => [e.msgid, e]),
  );
  const out: Lang = { severity: {}, attached: {}, messages: {}, ascii: { severity: {}, attached: {}, messages: {} } };
  for (const id of PG_SEVERITY_MSGIDS) {
    const t = byId.get(id)?.msgstr[0];
    if (t) out.severity[id] = t;
  }
  for (const id of PG_ATTACHED_MSGIDS) {
    // LOCATION's word is only in the formats elog.c prints it with (log_error_verbosity = verbose).
    const t = byId.get(id)?.msgstr[0] ?? (id === "LOCATION:  " ? byId.get("LOCATION:  %s, %s:%d\n")?.msgstr[0] : undefined);
    const m = t ? /^([^:%]+:)( *)/.exec(t) : null;
    // The stderr reader needs PostgreSQL's `WORD:  `; a translation with one space cannot be told from a message.
    if (m && m[2].length >= 2) out.attached[id.slice(0, id.indexOf(":"))] = `${m[1]}  `;
    else if (t) skipped.push(`${lang}: ${JSON.stringify(id)} → ${JSON.stringify(t)} (not "WORD:  ")`);
  }
  const ids = [...PG_KIND_MSGIDS.map((k) => [k.msgid]), ...PG_DETAIL_MSGIDS, ...PG_LOCKTAG_MSGIDS];
  for (const forms of ids) {
    const e = byId.get(forms[0]);
    if (!e) continue;
    const want = argsOf(forms[0])?.join(",");
    const good = e.msgstr.filter((t) => t && argsOf(t)?.join(",") === want);
    if (good.length !== e.msgstr.filter(Boolean).length)
      skipped.push(`${lang}: ${JSON.stringify(forms[0])}: a translation's arguments differ from the msgid's`);
    if (good.length === 0) continue;
    out.messages[forms[0]] = forms.length > 1 || good.length > 1 ? [...new Set(good)] : good[0];
  }
  for (const [en, word] of Object.entries(out.severity)) {
    const a = toAscii(word);
    if (a) out.ascii.severity[en] = a;
  }
  for (const [en, word] of Object.entries(out.attached)) {
    const a = toAscii(word);
    if (a && readable(a)) out.ascii.attached[en] = a;
  }
  for (const k of PG_KIND_MSGIDS.filter((m) => m.at.includes("FATAL"))) {
    const t = out.messages[k.msgid];
    const a = typeof t === "string" ? toAscii(t) : null;
    if (a && readable(a) && argsOf(a)?.join(",") === argsOf(k.msgid)?.join(",")) out.ascii.messages[k.msgid] = a;
  }
  languages[lang] = out;
}

const data = {
  about: `Translations of PostgreSQL's severity words and of the messages Lockboard's catalog reads, extracted from the ${domain}.mo catalogs of Debian's postgresql-${values.version} package by scripts/l10n/extract-pg-messages.ts. Do not edit by hand.`,
  source: { package: `postgresql-${values.version}`, version: packageVersion(), domain },
  languages,
};
const text = `${JSON.stringify(data, null, 2)}\n`;
if (Object.keys(languages).length === 0) {
  console.error(`no ${domain}.mo catalog under ${localeDir}: install Debian's postgresql-${values.version}`);
  process.exit(1);
}
if (values.check) {
  const same = existsSync(values.out!) && readFileSync(values.out!, "utf8") === text;
  console.log(same ? `${values.out} is up to date` : `${values.out} differs from what the catalogs give: regenerate it`);
  process.exit(same ? 0 : 1);
}
writeFileSync(values.out!, text);
console.log(`${Object.keys(languages).length} languages (${Object.keys(languages).join(", ")}) → ${values.out}`);
for (const s of skipped) console.log(`skipped ${s}`);
