import "server-only";

export { appendEntry, listEntries, toEntry } from "./append";
export type { NewEntry, TimelineEntry, TimelineKind } from "./append";
export { verifyChain } from "./verify";
export type { VerifyResult, ChainProblem } from "./verify";
export { canonicalJson } from "./canonical";
export { entryHash, GENESIS_HASH } from "./chain";
