import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { createInterface } from "node:readline";
import { PG_DETAIL_MSGIDS, PG_KIND_MSGIDS, PG_LOCKTAG_MSGIDS } from "@/lib/ingest/classify/pg-l10n-msgids";
import { PG_L10N_LANGUAGES } from "@/lib/ingest/classify/pg-l10n-words";
import { printfToRegexSource, renderPrintf } from "@/lib/ingest/classify/printf-pattern";

type Rule = { re: RegExp; argOrder: number[]; to: string };

/** English msgid → that language's translation, for the messages PostgreSQL's catalog gives us. */
function rules(lang: string, ids: string[][]): Rule[] {
  const d = PG_L10N_LANGUAGES[lang];
  const out: Rule[] = [];
  for (const [msgid] of ids) {
    const t = d.messages[msgid];
    const to = Array.isArray(t) ? t[0] : t;
    const r = printfToRegexSource(msgid);
    if (to && r) out.push({ re: new RegExp(`^${r.source}$`), argOrder: r.argOrder, to });
  }
  return out;
}

function translate(text: string, list: Rule[], args?: Rule[]): string {
  for (const r of list) {
    const m = r.re.exec(text);
    if (!m) continue;
    const a: string[] = [];
    r.argOrder.forEach((n, i) => (a[n - 1] = args ? translate(m[i + 1], args) : m[i + 1]));
    return renderPrintf(r.to, a);
  }
  return text;
}

/**
 * The generated stderr log (prefix `%m [%p] `) as a server with lc_messages in `lang` writes it:
 * level words and the messages the catalog knows translated; the rest (durations, connections)
 * stays in English, as untranslated messages do.
 */
export async function localizePgLog(src: string, dst: string, lang: string): Promise<void> {
  const d = PG_L10N_LANGUAGES[lang];
  const words: Record<string, string> = { ...d.severity };
  for (const [en, t] of Object.entries(d.attached)) words[en] = t.slice(0, t.lastIndexOf(":"));
  const primary = rules(
    lang,
    PG_KIND_MSGIDS.map((k) => [k.msgid]),
  );
  const secondary = rules(lang, PG_DETAIL_MSGIDS);
  const tags = rules(lang, PG_LOCKTAG_MSGIDS);
  const out = createWriteStream(dst);
  let buf = "";
  for await (const line of createInterface({ input: createReadStream(src), crlfDelay: Infinity })) {
    const m = /^(\S+ \S+ \S+ \[\d+\] )([A-Z]+\d?):  (.*)$/.exec(line);
    if (m) {
      const isPrimary = d.severity[m[2]] !== undefined;
      buf += `${m[1]}${words[m[2]] ?? m[2]}:  ${isPrimary ? translate(m[3], primary, tags) : translate(m[3], secondary, tags)}\n`;
    } else buf += `${line.startsWith("\t") ? `\t${translate(line.slice(1), secondary, tags)}` : line}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, "drain");
      buf = "";
    }
  }
  out.end(buf);
  await once(out, "finish");
}
