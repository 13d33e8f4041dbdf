import { Readable } from "node:stream";
import { z } from "zod";
import { incidentParams } from "@/lib/containment/doors";
import { openArtifact } from "@/lib/evidence/list";
import { safeName } from "@/lib/evidence/sink";
import { route } from "@/lib/http/route";
import { REVIEW_READ_ROLES } from "@/lib/timeline-view/doors";

export const dynamic = "force-dynamic";

const params = incidentParams.extend({ artifactId: z.string().uuid({ message: "not an artifact id" }) });

/**
 * The artifact's bytes as collected, streamed from the store (never held whole); its SHA-256
 * (re-checked before and as they go out) in X-Content-SHA256.
 */
export const GET = route({ role: REVIEW_READ_ROLES, params }, async (_req, { params: p }) => {
  const { artifact, body } = await openArtifact(p.id, p.artifactId);
  return new Response(Readable.toWeb(body) as ReadableStream<Uint8Array>, {
    headers: {
      "content-type": artifact.contentType,
      "content-length": String(artifact.size),
      "content-disposition": `attachment; filename="${safeName(artifact.name)}"`,
      "x-content-sha256": artifact.sha256,
      "x-evidence-source": artifact.source,
      "x-evidence-collected-at": artifact.collectedAt,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
});
