import { NextResponse } from "next/server";
import { withErrors } from "@/lib/http/errors";
import { listSourceHealth } from "@/lib/sources/list-source-health";

export const dynamic = "force-dynamic";

export const GET = withErrors(async () => NextResponse.json({ items: await listSourceHealth() }));
