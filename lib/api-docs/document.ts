import { commonResponses, commonSchemas } from "./common";
import { fragments as defaultFragments } from "./paths";
import type { OpenApiFragment } from "./types";

/** The OpenAPI 3.1 document of /api/v1, merged from the fragments; a path described twice is a bug, so it throws. */
export function openApiDocument(fragments: OpenApiFragment[] = defaultFragments) {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = { ...commonSchemas };
  const tags: { name: string; description?: string }[] = [];
  for (const f of fragments) {
    for (const [p, ops] of Object.entries(f.paths)) {
      for (const method of Object.keys(ops)) {
        if (paths[p]?.[method]) throw new Error(`OpenAPI: ${method.toUpperCase()} ${p} is described twice`);
      }
      paths[p] = { ...paths[p], ...ops };
    }
    for (const [name, schema] of Object.entries(f.schemas ?? {})) {
      if (name in schemas) throw new Error(`OpenAPI: schema ${name} is defined twice`);
      schemas[name] = schema;
    }
    tags.push(...(f.tags ?? []));
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Airlock API",
      version: "1",
      description:
        "Incident-response console for Kubernetes on GKE. Authenticate with the browser session or `Authorization: Bearer <token>` (create one with `npm run token -- create --user <email>`).",
    },
    servers: [{ url: "/" }],
    security: [{ bearerToken: [] }, { sessionCookie: [] }],
    tags,
    paths,
    components: {
      schemas,
      responses: commonResponses,
      securitySchemes: {
        bearerToken: { type: "http", scheme: "bearer", description: "Personal API token (alk_…)" },
        sessionCookie: { type: "apiKey", in: "cookie", name: "next-auth.session-token" },
        ingestSecret: { type: "apiKey", in: "header", name: "X-Airlock-Ingest-Secret", description: "The shared secret ALERT_INGEST_SECRET (Falcosidekick)" },
        googleOidc: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "The Google-signed OIDC token of a Pub/Sub push subscription" },
      },
    },
  };
}
