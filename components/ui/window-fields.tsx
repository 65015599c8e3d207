import { FILTER_INPUT, toLocalInput } from "./filter-form";

const FIELD = "flex flex-col gap-1";

/**
 * The From / To (and, on list pages, Search) fields and the Apply button every filter bar ends
 * with, so that a time window reads and submits the same on each page (formFilters reads them back).
 */
export function WindowFields({
  from,
  to,
  search,
  labelClassName = "",
}: {
  from?: string;
  to?: string;
  search?: { value?: string; placeholder: string };
  labelClassName?: string;
}) {
  const field = `${FIELD} ${labelClassName}`.trim();
  return (
    <>
      <label className={field}>
        From
        <input type="datetime-local" name="from" defaultValue={toLocalInput(from)} className={FILTER_INPUT} />
      </label>
      <label className={field}>
        To
        <input type="datetime-local" name="to" defaultValue={toLocalInput(to)} className={FILTER_INPUT} />
      </label>
      {search && (
        <label className={field}>
          Search
          <input name="q" defaultValue={search.value ?? ""} className={FILTER_INPUT} placeholder={search.placeholder} />
        </label>
      )}
      <button type="submit" className="rounded bg-slate-800 px-3 py-1.5 text-white dark:bg-slate-200 dark:text-slate-900">
        Apply
      </button>
    </>
  );
}
