import { ErrorMessage } from "@/components/ui/error-message";

/** A failed cluster or Google call as the page shows it: what failed and the safe reason. */
export function LoadError({ what, message }: { what: string; message: string }) {
  return <ErrorMessage title={`Could not load ${what}`}>{message}</ErrorMessage>;
}
