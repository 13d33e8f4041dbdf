import type { ReactNode } from "react";
import { LoadError } from "@/components/clusters/load-error";

type Section<T> = { ok: true; value: T } | { ok: false; error: string };

/** Renders one independently loaded part of a detail page, or its readable error. */
export function SectionView<T>({ section, what, children }: { section: Section<T>; what: string; children: (value: T) => ReactNode }) {
  return section.ok ? <>{children(section.value)}</> : <LoadError what={what} message={section.error} />;
}
