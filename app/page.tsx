import { Suspense } from "react";
import { EntitySearch } from "@/components/entities/entity-search";
import { OverviewView } from "@/components/overview/overview-view";
import { PageHeader } from "@/components/ui/page-header";

export default function OverviewPage() {
  return (
    <>
      <PageHeader
        title="Overview"
        description="What is failing now, since when and how often; who waits on which lock; how close each source is to its limits."
      >
        <EntitySearch />
      </PageHeader>
      {/* The range is read from the URL on the client. */}
      <Suspense>
        <OverviewView />
      </Suspense>
    </>
  );
}
