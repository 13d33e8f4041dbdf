import Link from "next/link";
import { count, podHref } from "@/components/clusters/format";
import type { SelectedPods as Selected } from "@/lib/clusters/types";

/** How many pods a Service or NetworkPolicy selects and links to the first few; `none` when there is no count. */
export function SelectedPods({ cluster, namespace, pods, none }: { cluster: string; namespace: string; pods: Selected | null; none: string }) {
  if (pods === null) return <>{none}</>;
  return (
    <>
      {count(pods.count, pods.truncated)} pods
      {/* 24 px lines: stacked pod links stay separate touch targets (WCAG 2.2 target size). */}
      <ul className="text-xs leading-6">
        {pods.names.map((n) => (
          <li key={n}>
            <Link href={podHref(cluster, namespace, n)}>{n}</Link>
          </li>
        ))}
      </ul>
    </>
  );
}
