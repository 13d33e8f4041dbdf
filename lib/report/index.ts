import "server-only";

export { buildReport } from "./build";
export { renderMarkdown } from "./markdown";
export type { IncidentReport, LiveCheck, ReportApproval, ReportCommands, ReportEntry } from "./types";
