import "server-only";
import { PassThrough, type Writable } from "node:stream";
import { Exec, type V1Status } from "@kubernetes/client-node";
import { HttpError } from "@/lib/http/errors";
import { exitCodeOf, type ExecSpec } from "./ephemeral";
import { apis, kubeMessage, type KubeTarget } from "./kube";

// The streaming variant of execInContainer (support/ephemeral.ts): stdout goes into a Writable
// as the frames arrive, with the WebSocket paused while that Writable is full, so a large file
// copied out of a container is never held whole. Kept beside ephemeral.ts, which it builds on.

export type StreamedExec = { exitCode: number; stderr: string };

/**
 * Runs a command with its stdout written into `stdout`, which the caller ends (a complete copy)
 * or destroys (a failed one) once it knows the exit status. Rejects
 * when the exit status never arrives, or when `stdout` fails (a size limit): the exec is then
 * closed, which ends the command in the container.
 */
export async function execToStream(target: KubeTarget, spec: ExecSpec, stdout: Writable): Promise<StreamedExec> {
  const where = `${spec.namespace}/${spec.pod}/${spec.container}`;
  const err = new PassThrough();
  const errChunks: Buffer[] = [];
  err.on("data", (c: Buffer) => errChunks.push(c));
  let status: V1Status | null = null;
  // The WebSocket, once exec has opened it (frames may arrive before that).
  const link: { ws?: { pause(): void; resume(): void; close(): void } } = {};
  let failed: unknown;
  // The gate between the WebSocket and the caller's Writable: back-pressure pauses the socket.
  const gate = new PassThrough();
  gate.on("data", (chunk: Buffer) => {
    if (failed) return;
    if (!stdout.write(chunk)) {
      gate.pause();
      link.ws?.pause();
      stdout.once("drain", () => {
        link.ws?.resume();
        gate.resume();
      });
    }
  });
  stdout.once("error", (e) => {
    failed = e;
    link.ws?.close();
  });
  const ws = await new Exec(apis(target).kc)
    .exec(spec.namespace, spec.pod, spec.container, spec.command, gate, err, null, false, (s) => {
      status = s;
    })
    .catch((e: unknown) => {
      throw new HttpError(502, `Exec in ${where} failed: ${kubeMessage(e)}`);
    });
  link.ws = ws;
  // stdout failed while exec was still opening: its error handler had no socket to close then.
  if (failed) ws.close();
  await new Promise<void>((resolve) => {
    ws.on("close", () => setImmediate(resolve));
    ws.on("error", () => setImmediate(resolve));
  });
  if (failed) throw failed;
  // Whatever is still paused in the gate goes out before the end.
  await new Promise<void>((resolve) => {
    if (gate.readableLength === 0 && !gate.isPaused()) return resolve();
    gate.once("end", resolve);
    gate.end();
    gate.resume();
  });
  if (failed) throw failed;
  const exitCode = exitCodeOf(status);
  if (exitCode === null) throw new HttpError(502, `Exec in ${where} ended without an exit status`);
  return { exitCode, stderr: Buffer.concat(errChunks).toString("utf8") };
}
