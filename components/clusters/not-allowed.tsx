import { ErrorMessage } from "@/components/ui/error-message";

export function NotAllowed({ title }: { title: string }) {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{title}</h1>
      <ErrorMessage title="Not allowed">Your role does not allow browsing clusters. Ask an admin for the analyst role.</ErrorMessage>
    </div>
  );
}
