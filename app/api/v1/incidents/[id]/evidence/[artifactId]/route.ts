import { z } from "zod";
import { incidentParams } from "@/lib/containment/doors";
import { readArtifact } from "@/lib/evidence/list";
import { safeName } from "@/lib/evidence/sink";
import { route } from "@/lib/http/route";
import { REVIEW_READ_ROLES } from "@/lib/timeline-view/doors";

export const dynamic = "force-dynamic";

const params = incidentParams.extend({ artifactId: z.string().uuid({ message: "not an artifact id" }) });

/** The artifact's bytes as collected; its SHA-256 (re-checked on the way out) in X-Content-SHA256. */
export const GET = route({ role: REVIEW_READ_ROLES, params }, async (_req, { params: p }) => {
  const { artifact, body } = await readArtifact(p.id, p.artifactId);
  return new Response(new Uint8Array(body), {
    headers: {
      "content-type": artifact.contentType,
      "content-length": String(body.length),
      "content-disposition": `attachment; filename="${safeName(artifact.name)}"`,
      "x-content-sha256": artifact.sha256,
      "x-evidence-source": artifact.source,
      "x-evidence-collected-at": artifact.collectedAt,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
});
