/** A single sign-on session younger than this may create an API token without signing in again. */
export const FRESH_SIGN_IN_SECONDS = 10 * 60;
