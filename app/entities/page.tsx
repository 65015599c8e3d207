import { EntitySearch } from "@/components/entities/entity-search";
import { PageHeader } from "@/components/ui/page-header";

export default function EntitiesPage() {
  return (
    <>
      <PageHeader
        title="Entities"
        description="A message, session, user or lock key followed across every source. Type the start of a key; `type:prefix` narrows to one type."
      />
      <EntitySearch />
    </>
  );
}
