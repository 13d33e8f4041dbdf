import "server-only";

export { ROLES, hasRole, meetsRequirement, effectiveRoles, parseRoles, formatRoles, isRole, isIngestOnly } from "./roles";
export type { Role, Caller, RoleRequirement } from "./roles";
export { getCaller, callerFromRequest } from "./caller";
export { bearerToken, sameSecret } from "./bearer";
export { authOptions, getAuthOptions, OIDC_PROVIDER_ID } from "./options";
export { createToken, listTokens, revokeToken, callerFromToken, hashToken, tokenExpired, TOKEN_PREFIX, DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS } from "./tokens";
export type { TokenInfo, NewTokenOptions } from "./tokens";
export {
  createUser,
  updateUser,
  findUserByEmail,
  findUserById,
  findUserByOidc,
  listUsers,
  authenticateLocal,
  signInOidcUser,
  verifyUserPassword,
} from "./users";
export type { User, NewUser, OidcIdentity, OidcOutcome } from "./users";
export { DEMO_ACCOUNTS, seedDemoUsers } from "./demo-users";
