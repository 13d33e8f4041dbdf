import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { readCapped } from "@/lib/http/body";
import { HttpError } from "@/lib/http/errors";
import type { Db } from "@/lib/store";
import type { AlertSource } from "./formats";
import { countAlert } from "@/lib/observe/metrics";

// What a sender posted, kept as received: body, size and SHA-256, and what Airlock answered.
// Every answer, accepted or refused, goes through here first, so nothing is lost silently.

export type RawBody = { text: string; size: number; sha256: string; tooLarge: boolean };

const bodies = new WeakMap<Request, Promise<RawBody>>();

async function readBody(req: Request, max: number): Promise<RawBody> {
  const { bytes, text, size, tooLarge } = await readCapped(req, max);
  return { text, size, sha256: createHash("sha256").update(bytes).digest("hex"), tooLarge };
}

/** The request's body, read once (the authenticator and the handler share it), at most `max` bytes kept. */
export function bodyOf(req: Request, max: number): Promise<RawBody> {
  let p = bodies.get(req);
  if (!p) {
    p = readBody(req, max);
    bodies.set(req, p);
  }
  return p;
}

export type DeliveryRecord = {
  source: AlertSource;
  sender: string | null;
  raw: RawBody;
  status: number;
  outcome: "accepted" | "duplicate" | "rejected";
  reason?: string | null;
  externalId?: string | null;
  alertId?: string | null;
};

export const dedupeKey = (source: AlertSource, externalId: string) => `${source}:${externalId}`;

export async function recordDelivery(db: Db, d: DeliveryRecord): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto("alert_deliveries")
    .values({
      id,
      received_at: new Date().toISOString(),
      source: d.source,
      sender: d.sender,
      sha256: d.raw.sha256,
      size: d.raw.size,
      body: d.raw.text,
      http_status: d.status,
      outcome: d.outcome,
      reason: d.reason ?? null,
      external_id: d.externalId ?? null,
      dedupe_key: d.outcome === "accepted" && d.externalId ? dedupeKey(d.source, d.externalId) : null,
      alert_id: d.alertId ?? null,
    })
    .execute();
  countAlert(d.source, d.outcome);
  return id;
}

/** Records the refusal, then throws it: the sender reads the same status and reason that was stored. */
export async function refuse(db: Db, d: Omit<DeliveryRecord, "status" | "outcome" | "reason">, err: HttpError): Promise<never> {
  await recordDelivery(db, { ...d, status: err.status, outcome: err.status === 409 ? "duplicate" : "rejected", reason: err.message });
  throw err;
}

/**
 * A delivery accepted but not triaged (its pod's lease stayed held): recorded as refused with the
 * status the sender reads, and its dedupe key dropped, so the sender's retry is triaged instead of
 * refused as a replay.
 */
export async function withdrawAcceptance(db: Db, id: string, err: HttpError): Promise<never> {
  await db
    .updateTable("alert_deliveries")
    .set({ http_status: err.status, outcome: "rejected", reason: err.message, dedupe_key: null })
    .where("id", "=", id)
    .execute();
  throw err;
}

export async function findAccepted(db: Db, source: AlertSource, externalId: string) {
  return db.selectFrom("alert_deliveries").select(["id", "alert_id", "received_at"]).where("dedupe_key", "=", dedupeKey(source, externalId)).executeTakeFirst();
}

export type DeliveryView = {
  id: string;
  receivedAt: string;
  source: string;
  sender: string | null;
  sha256: string;
  size: number;
  httpStatus: number;
  outcome: string;
  reason: string | null;
  alertId: string | null;
};

/** Newest first: what the Alerts page shows under "refused and replayed". */
export async function listDeliveries(db: Db, opts: { refusedOnly?: boolean; limit?: number } = {}): Promise<DeliveryView[]> {
  let q = db
    .selectFrom("alert_deliveries")
    .select(["id", "received_at", "source", "sender", "sha256", "size", "http_status", "outcome", "reason", "alert_id"])
    .orderBy("received_at", "desc")
    .limit(Math.min(Math.max(opts.limit ?? 50, 1), 500));
  if (opts.refusedOnly) q = q.where("outcome", "!=", "accepted");
  return (await q.execute()).map((r) => ({
    id: r.id,
    receivedAt: r.received_at,
    source: r.source,
    sender: r.sender,
    sha256: r.sha256,
    size: r.size,
    httpStatus: r.http_status,
    outcome: r.outcome,
    reason: r.reason,
    alertId: r.alert_id,
  }));
}
