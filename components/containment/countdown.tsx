"use client";

import Link from "next/link";
import { useSyncExternalStore } from "react";

function subscribe(tick: () => void): () => void {
  const t = setInterval(tick, 1000);
  return () => clearInterval(t);
}
const nowSeconds = () => Math.floor(Date.now() / 1000);
// The server cannot know the viewer's clock; render the countdown only once hydrated.
const serverNow = () => null;

function mmss(s: number): string {
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/**
 * A propagation window (a NetworkPolicy's, after the deny-all), counted to the run's recorded
 * effectiveAt (server time), then the prompt to run the step that checks it. Reloading shows
 * the same countdown.
 */
export function PropagationCountdown({ effectiveAt, thenStepId, thenAnchor }: { effectiveAt: string; thenStepId: string; thenAnchor: string }) {
  const now = useSyncExternalStore(subscribe, nowSeconds, serverNow);
  const end = Math.ceil(Date.parse(effectiveAt) / 1000);
  const left = now === null ? null : Math.max(0, end - now);
  return (
    <div className="space-y-2 rounded-md border border-sky-300 bg-sky-50 px-3 py-2 text-sm text-sky-950">
      <p role="timer" aria-live="off" aria-label="Policy propagation">
        {left === null ? "Policy propagation: counting…" : left > 0 ? `Policy propagation: ${mmss(left)} remaining` : "Policy propagation: window over"}
      </p>
      {left === 0 && (
        <p role="status">
          The propagation window has passed: <Link href={`#${thenAnchor}`}>run {thenStepId}</Link> to check the pod is cut off.
        </p>
      )}
    </div>
  );
}
