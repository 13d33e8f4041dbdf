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
 * Whole seconds left at the ticking clock's second `nowSec`: the end rounded down, so a 300 s
 * window started a fraction into a second reads 5:00, not 5:01; null once the end has passed.
 */
export function secondsLeft(effectiveAt: string, nowSec: number): number | null {
  const endMs = Date.parse(effectiveAt);
  if (nowSec * 1000 >= endMs) return null;
  return Math.max(0, Math.floor(endMs / 1000) - nowSec);
}

/**
 * A propagation window (a NetworkPolicy's, after the deny-all), counted to the run's recorded
 * effectiveAt (server time), then the prompt to run the step that checks it. Reloading shows
 * the same countdown.
 */
export function PropagationCountdown({ effectiveAt, thenStepId, thenAnchor }: { effectiveAt: string; thenStepId: string; thenAnchor: string }) {
  const now = useSyncExternalStore(subscribe, nowSeconds, serverNow);
  // undefined: not hydrated yet; null: the window is over.
  const left = now === null ? undefined : secondsLeft(effectiveAt, now);
  return (
    <div className="space-y-2 rounded-md border border-sky-300 bg-sky-50 px-3 py-2 text-sm text-sky-950">
      <p role="timer" aria-live="off" aria-label="Policy propagation">
        {left === undefined
          ? "Policy propagation: counting…"
          : left === null
            ? "Policy propagation: window over"
            : `Policy propagation: ${mmss(left)} remaining`}
      </p>
      {left === null && (
        <p role="status">
          The propagation window has passed:{" "}
          <Link href={`#${thenAnchor}`} className="underline">
            run {thenStepId}
          </Link>{" "}
          to check the pod is cut off.
        </p>
      )}
    </div>
  );
}
