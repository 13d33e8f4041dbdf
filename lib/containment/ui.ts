// What a step tells the wizard about itself: its plan form, the panel it shows while running or
// after, and what undoing it puts back. Plain data only (no functions, no JSX): the server
// component reads it from the step and hands it to client components as props.

/** Dynamic choices come from what was resolved when the incident was opened. */
export type TargetList = "containers" | "services";

/** Help and legend text: `backticks` render as code. */
type Text = string;

export type FormField<K extends string = string> =
  /** A boolean param: checked is true, unchecked false. */
  | { kind: "checkbox"; name: K; label: Text; help?: Text }
  /** A string param, trimmed. */
  | { kind: "text"; name: K; label: Text; help?: Text; placeholder?: string; required?: boolean; monospace?: boolean }
  /** One of fixed values. */
  | { kind: "radio"; name: K; legend: Text; options: { value: string; label: Text }[]; default: string }
  /** One of the incident's targets (e.g. a container); the param is left out when the list is empty. */
  | { kind: "select"; name: K; label: Text; from: TargetList }
  /**
   * One radio group per target (e.g. per Service), giving `{ [name]: { [target]: value } }`;
   * `{target}` in the legend is the target's name; `empty` is shown when there is none.
   */
  | { kind: "radio-each"; name: K; from: TargetList; legend: Text; options: { value: string; label: Text }[]; default: string; empty: Text };

/** A panel beside the step card, fed by the step's last run. */
export type StepPanel =
  /** Counts down to the last run's record.effectiveAt, then points at the step that checks the result. */
  | { kind: "propagation-countdown"; thenStepId: string }
  /** Per-pod progress lines while the step runs and after. */
  | { kind: "drain-progress" }
  /** The last run's outcome as a result box (what a probe found). */
  | { kind: "last-result"; label: string }
  /** attest-isolation's last attestation: a verdict per layer and every probe (tri-state), with its age. */
  | { kind: "attestation"; label: string }
  /** The last run's message and the evidence artifacts this step stored (name, size, SHA-256, download). */
  | { kind: "artifacts"; label: string };

export interface StepUi<K extends string = string> {
  form?: FormField<K>[];
  panel?: StepPanel;
  /** The release card's sentence: what undoing this step puts back, so the reviewer knows before confirming. */
  undoEffect?: string;
  /** A step that cannot be undone but leaves something behind: what a person must do by hand after release (shown on the release card). */
  releaseNote?: string;
}
