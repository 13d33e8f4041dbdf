// Errors leave the simulator as metav1.Status objects, the shape kubectl and client-node parse.
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): Record<string, unknown> {
    return {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

type Target = { kind: string; group?: string; name: string };

function resourceLabel(t: Target, plural: string): string {
  return t.group ? `${plural}.${t.group}` : plural;
}

export const notFound = (t: Target, plural: string) =>
  new ApiError(404, "NotFound", `${resourceLabel(t, plural)} "${t.name}" not found`, {
    name: t.name,
    group: t.group,
    kind: plural,
  });

export const alreadyExists = (t: Target, plural: string) =>
  new ApiError(409, "AlreadyExists", `${resourceLabel(t, plural)} "${t.name}" already exists`, {
    name: t.name,
    group: t.group,
    kind: plural,
  });

export const conflict = (t: Target, plural: string) =>
  new ApiError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${resourceLabel(t, plural)} "${t.name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name: t.name, group: t.group, kind: plural },
  );

export const invalid = (t: Target, causes: StatusCause[]) =>
  new ApiError(422, "Invalid", `${t.kind}${t.group ? "." + t.group : ""} "${t.name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(", ")}`, {
    name: t.name,
    group: t.group,
    kind: t.kind,
    causes,
  });

export const badRequest = (message: string) => new ApiError(400, "BadRequest", message);

export const gone = (message: string) => new ApiError(410, "Expired", message);

export const forbidden = (message: string) => new ApiError(403, "Forbidden", message);

export const methodNotAllowed = (message = "the server does not allow this method on the requested resource") => new ApiError(405, "MethodNotAllowed", message);
