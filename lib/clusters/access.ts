import type { RoleRequirement } from "@/lib/auth/roles";

/**
 * Who may browse clusters: any working role. A lead implies analyst already; approvers and
 * admins must see what they sign off or administer. Browsing never changes a cluster.
 */
export const BROWSE_ROLES: RoleRequirement = ["analyst", "approver", "admin"];
