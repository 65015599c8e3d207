/** The source and the distinguishing key under an incident's title, so two "Lock timeout" rows are told apart. */
export function IncidentSubject({ title, subject, source }: { title: string; subject: string | null; source?: string | null }) {
  // A title that already ends in its key ("Duplicate key on x") does not repeat it.
  const key = subject && !title.includes(subject) ? subject : null;
  if (!key && !source) return null;
  return (
    <span className="block truncate text-xs font-normal text-slate-500 dark:text-slate-400" title={[source, key].filter(Boolean).join(" · ")}>
      {source && <span data-testid="incident-row-source">{source}</span>}
      {source && key && " · "}
      {key && (
        <code className="font-mono" data-testid="incident-row-subject" title={key}>
          {key}
        </code>
      )}
    </span>
  );
}
