import { openApiDocument } from "@/lib/api-docs/document";

// Public on purpose: the description of the API holds no data, and clients read it before they have a token.
export const dynamic = "force-static";

export function GET(): Response {
  return Response.json(openApiDocument());
}
