import "server-only";
import { z, type ZodType } from "zod";
import type { StepRunRow } from "./db";
import { recordRunInEffect, tookEffect } from "./runs";
import type { AnyStep, Incident, JsonObject, StepContext } from "./types";
import type { ArtifactSink } from "./steps/support/artifacts";

const jsonObject = z.record(z.string(), z.unknown());

/**
 * A stored record read back: untrusted JSON, parsed by the schema of the step that wrote it.
 * One that does not parse stops the step with a reason rather than letting it guess (an undo
 * working from a misread record could leave a pod half-released).
 */
export function readRecord<R>(stepId: string, schema: ZodType<R>, row: StepRunRow | undefined): R | undefined {
  if (!row?.record) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(row.record);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error(`The stored record of "${stepId}" (run ${row.id}) is not what the step wrote: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The step's record schema; a step that declares none keeps any JSON object. */
export function recordSchema(step: AnyStep): ZodType<JsonObject> {
  return step.record ?? jsonObject;
}

/** A context for any step: the registry's steps are erased to AnyStep, so their context is too. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the step it is built for fixes P and R
export type AnyContext = StepContext<any, any>;

/** The one way a step's context is built: executor, reconcile on start, the report's live state. */
export function stepContext(
  incident: Incident,
  step: AnyStep,
  params: JsonObject,
  runs: StepRunRow[],
  extra: { progress?: StepContext["progress"]; keepRecord?: StepContext["keepRecord"]; artifacts?: ArtifactSink } = {},
): AnyContext {
  return {
    incident,
    params,
    progress: extra.progress ?? (async () => {}),
    keepRecord: extra.keepRecord ?? (async () => {}),
    priorRecord: () => readRecord(step.id, recordSchema(step), recordRunInEffect(runs, step.id)),
    priorRecordOf: (other) => readRecord(other.id, other.record, recordRunInEffect(runs, other.id)),
    hasTakenEffect: (other) => tookEffect(runs, other.id),
    ...(extra.artifacts ? { artifacts: extra.artifacts } : {}),
  };
}
