import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { expect, it } from "vitest";
import { EvidenceTamperedError } from "./errors";
import { checkedTap } from "./stream-hash";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const chunks = [Buffer.from("first "), Buffer.from("second "), Buffer.from("last\n")];
const whole = Buffer.concat(chunks);

async function drain(body: Readable): Promise<{ got: Buffer[]; error?: unknown }> {
  const got: Buffer[] = [];
  try {
    for await (const chunk of body) got.push(chunk as Buffer);
  } catch (error) {
    return { got, error };
  }
  return { got };
}

it("passes a body that hashes as expected through unchanged, chunk by chunk", async () => {
  const { got, error } = await drain(Readable.from(chunks).pipe(checkedTap("inc/k", sha(whole))));
  expect(error).toBeUndefined();
  expect(got).toEqual(chunks);
});

it("fails a body that does not hash as expected, holding its last chunk back", async () => {
  const forged = [Buffer.from("first "), Buffer.from("SECOND "), Buffer.from("last\n")];
  const tap = checkedTap("inc/k", sha(whole));
  Readable.from(forged).pipe(tap);
  const { got, error } = await drain(tap);
  expect(error).toBeInstanceOf(EvidenceTamperedError);
  // At most what came before the last chunk (an errored stream may drop what it had buffered).
  const received = Buffer.concat(got);
  expect(received.length).toBeLessThanOrEqual(whole.length - forged[2].length);
  expect(Buffer.concat(forged).subarray(0, received.length).equals(received)).toBe(true);
});

it("checks an empty body too", async () => {
  expect(await drain(Readable.from([]).pipe(checkedTap("inc/k", sha(Buffer.alloc(0)))))).toEqual({ got: [] });
  const tap = checkedTap("inc/k", sha(whole));
  Readable.from([]).pipe(tap);
  expect((await drain(tap)).error).toBeInstanceOf(EvidenceTamperedError);
});
