import { PageHeader, PlannedPanel } from "@/components/ui/page-header";

export default function CapacityPage() {
  return (
    <>
      <PageHeader title="Capacity" description="How close each source is to its connection and file-descriptor limits." />
      <PlannedPanel items={["PostgreSQL connections by state, database, user and application against the usable max_connections", "MongoDB connections and in-flight operations", "Open file descriptors against RLIMIT_NOFILE, with a time-to-exhaustion estimate"]} />
    </>
  );
}
