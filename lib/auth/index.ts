import "server-only";

export { ROLES, hasRole, meetsRequirement, effectiveRoles, parseRoles, formatRoles, isRole, isIngestOnly } from "./roles";
export type { Role, Caller, RoleRequirement } from "./roles";
export { getCaller, callerFromRequest } from "./caller";
export { authOptions, getAuthOptions, OIDC_PROVIDER_ID } from "./options";
export { createToken, listTokens, revokeToken, callerFromToken, hashToken, TOKEN_PREFIX } from "./tokens";
export type { TokenInfo } from "./tokens";
export { createUser, updateUser, findUserByEmail, findUserById, listUsers, authenticateLocal, upsertOidcUser } from "./users";
export type { User, NewUser } from "./users";
export { DEMO_ACCOUNTS, seedDemoUsers } from "./demo-users";
