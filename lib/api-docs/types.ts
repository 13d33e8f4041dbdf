/** A fragment of an OpenAPI 3.1 document: its paths, and any component schemas they refer to. */
export type OpenApiFragment = {
  paths: Record<string, Record<string, unknown>>;
  schemas?: Record<string, unknown>;
  tags?: { name: string; description?: string }[];
};
