import { notFound } from "next/navigation";
import { IncidentDetailView } from "@/components/incidents/incident-detail";

const RANGES = ["1h", "6h", "24h", "7d", "all"];

export default async function IncidentPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const { id } = await params;
  const sp = await searchParams;
  if (!/^\d{1,9}$/.test(id)) notFound();
  const range = RANGES.find((r) => r === sp.range) ?? "24h";
  return <IncidentDetailView id={Number(id)} range={range} />;
}
