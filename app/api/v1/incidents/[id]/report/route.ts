import { z } from "zod";
import { incidentParams } from "@/lib/containment/doors";
import { route } from "@/lib/http/route";
import { buildReport, renderMarkdown } from "@/lib/report";
import { REVIEW_READ_ROLES } from "@/lib/timeline-view/doors";

export const dynamic = "force-dynamic";

const query = z.object({ format: z.enum(["md", "json"]).default("json") });

export const GET = route({ role: REVIEW_READ_ROLES, params: incidentParams, schema: query }, async (_req, { caller, params, input }) => {
  const report = await buildReport(caller, params.id);
  if (input.format === "json") return report;
  return new Response(renderMarkdown(report), {
    headers: {
      "content-type": "text/markdown; charset=utf-8",
      "content-disposition": `attachment; filename="incident-${params.id}-report.md"`,
      "cache-control": "no-store",
    },
  });
});
