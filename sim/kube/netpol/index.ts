export { isAllowed, podByIp, policyTypes, policyEffectiveAt, type Connection, type Endpoint, type Verdict } from "./evaluate";
export { netpolEnforced, netpolEnforcement, netpolEnforcementReason, type Enforcement } from "./enforcement";
export { matchesLabelSelector, ipInCidr } from "./selectors";
