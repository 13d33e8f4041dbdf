"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";

/** Copies text to the clipboard and says so; falls back to selecting nothing when the API is missing (http, old browsers). */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied("copied");
    } catch {
      setCopied("failed");
    }
  }
  return (
    <span className="inline-flex items-center gap-2">
      <Button variant="secondary" size="sm" onClick={() => void copy()}>
        {label}
      </Button>
      <span aria-live="polite" className="text-xs text-slate-600">
        {copied === "copied" ? "Copied" : copied === "failed" ? "Copy failed: select the text instead" : ""}
      </span>
    </span>
  );
}
