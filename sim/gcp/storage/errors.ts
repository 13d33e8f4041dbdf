import { GoogleApiError } from "../compute/errors";

// Cloud Storage's JSON API errors, in the same {"error":{code,message,errors:[…]}} shape as
// Compute's (GoogleApiError), with the messages and reasons Cloud Storage uses.

export { GoogleApiError };

export function noSuchBucket(): GoogleApiError {
  return new GoogleApiError(404, "notFound", "The specified bucket does not exist.");
}

export function noSuchObject(bucket: string, name: string): GoogleApiError {
  return new GoogleApiError(404, "notFound", `No such object: ${bucket}/${name}`);
}

/** What ifGenerationMatch (and the other preconditions) answer when they do not hold. */
export function preconditionFailed(): GoogleApiError {
  return new GoogleApiError(412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");
}

export function invalid(message: string): GoogleApiError {
  return new GoogleApiError(400, "invalid", message);
}

export function required(message: string): GoogleApiError {
  return new GoogleApiError(400, "required", message);
}
