import { ErrorMessage } from "@/components/ui/error-message";

export function IncidentNotAllowed({ title }: { title: string }) {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{title}</h1>
      <ErrorMessage title="Not allowed">Incidents need the analyst or approver role. Ask an admin.</ErrorMessage>
    </div>
  );
}
