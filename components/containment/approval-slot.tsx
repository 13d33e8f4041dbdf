/**
 * Where a destructive step's approval request will live (issue 5: request, grant, bind to the
 * plan hash). Deliberately renders nothing until then; the card already says sign-off is needed.
 */
export function ApprovalSlot(_props: { incidentId: string; stepId: string; planHash: string }) {
  return null;
}
