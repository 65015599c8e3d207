import { EntitySearch } from "@/components/entities/entity-search";
import { EntityTimelineView } from "@/components/entities/entity-timeline";
import { PageHeader } from "@/components/ui/page-header";

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

export default async function EntityPage({ params }: { params: Promise<{ type: string; key: string[] }> }) {
  const p = await params;
  const type = decode(p.type);
  const key = p.key.map(decode).join("/");
  return (
    <>
      <PageHeader
        title={`${type} = ${key}`}
        description="Every event, lock sample, failed write, replay and action about this entity, from every source, newest first."
      >
        <EntitySearch />
      </PageHeader>
      <EntityTimelineView type={type} entityKey={key} />
    </>
  );
}
