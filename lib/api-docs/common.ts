// Building blocks every path fragment shares, so errors and paging look the same in every part of the API.

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export const jsonResponse = (description: string, schema: unknown) => ({
  description,
  content: { "application/json": { schema } },
});

/** 401, 403 and 500 apply to every endpoint; 400 and 404 where the path says so. */
export const standardErrors = {
  "401": { $ref: "#/components/responses/Unauthorized" },
  "403": { $ref: "#/components/responses/Forbidden" },
  "500": { $ref: "#/components/responses/InternalError" },
};

export const pathParam = (name: string, description: string, pattern?: string) => ({
  name,
  in: "path",
  required: true,
  description,
  schema: { type: "string", ...(pattern ? { pattern } : {}) },
});

export const commonSchemas = {
  Error: {
    type: "object",
    required: ["error"],
    properties: {
      error: {
        type: "object",
        required: ["code", "message"],
        properties: {
          code: { type: "integer" },
          message: { type: "string", description: "Safe to show to a user; never a stack trace." },
          reason: { type: "string" },
          ref: { type: "string", description: "Reference id of the matching server log line (5xx only)." },
          fieldErrors: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } },
        },
      },
    },
  },
};

export const commonResponses = {
  BadRequest: jsonResponse("Invalid path or query; fieldErrors names each bad field", ref("Error")),
  Unauthorized: jsonResponse("No session and no valid API token", ref("Error")),
  Forbidden: jsonResponse("The caller's roles do not allow this", ref("Error")),
  NotFound: jsonResponse("No such cluster or object", ref("Error")),
  InternalError: jsonResponse("Unexpected failure; the message carries a reference id", ref("Error")),
  Upstream: jsonResponse("The cluster or Google Cloud could not be reached or failed (502/504)", ref("Error")),
};
