import { notFound } from "next/navigation";
import { IncidentDetailView } from "@/components/incidents/incident-detail";

// The histogram's range (?range=, ?from=&to=) is read by the view; with none the server fits it to the incident's age.
export default async function IncidentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!/^\d{1,9}$/.test(id)) notFound();
  return <IncidentDetailView id={Number(id)} />;
}
