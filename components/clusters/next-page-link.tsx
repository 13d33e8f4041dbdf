import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

/** Server-rendered paging: the next page is the same URL with the API server's continue token. */
export function NextPageLink({ base, params, cont, label }: { base: string; params: Record<string, string>; cont?: string; label: string }) {
  if (!cont) return null;
  const qs = new URLSearchParams({ ...params, continue: cont });
  return (
    <Link href={`${base}?${qs}`} className={buttonClass("secondary", "sm")}>
      {label}
    </Link>
  );
}
