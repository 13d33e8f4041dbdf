// Google API errors in the shape every Google client parses:
// {"error":{"code","message","errors":[{"message","domain":"global","reason"}]}}.
// Handlers throw these; the router (and each batch part) turns them into responses.
export class GoogleApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }

  toJson(): { error: { code: number; message: string; errors: { message: string; domain: string; reason: string }[] } } {
    return { error: { code: this.code, message: this.message, errors: [{ message: this.message, domain: "global", reason: this.reason }] } };
  }
}

/** `resource` is the project-relative path, e.g. "projects/p/zones/z/instances/n". */
export function notFound(resource: string): GoogleApiError {
  return new GoogleApiError(404, "notFound", `The resource '${resource}' was not found`);
}

export function alreadyExists(resource: string): GoogleApiError {
  return new GoogleApiError(409, "alreadyExists", `The resource '${resource}' already exists`);
}

export function conditionNotMet(message = "Supplied fingerprint does not match current fingerprint."): GoogleApiError {
  return new GoogleApiError(412, "conditionNotMet", message);
}

/** "Invalid value for field 'F': 'V'. Why" — the form Compute uses for semantic validation. */
export function invalidField(field: string, value: unknown, why: string): GoogleApiError {
  const shown = typeof value === "string" ? value : JSON.stringify(value);
  return new GoogleApiError(400, "invalid", `Invalid value for field '${field}': '${shown}'. ${why}`);
}

export function requiredField(field: string): GoogleApiError {
  return new GoogleApiError(400, "required", `Required field '${field}' not specified`);
}

export function badRequest(message: string): GoogleApiError {
  return new GoogleApiError(400, "badRequest", message);
}

export function methodNotAllowed(method: string, path: string): GoogleApiError {
  return new GoogleApiError(405, "httpMethodNotAllowed", `HTTP method ${method} is not supported by this URL: ${path}`);
}
