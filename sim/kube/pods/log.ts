import type { IncomingMessage, ServerResponse } from "node:http";
import type { World } from "../../world";
import type { SimCluster } from "../cluster";
import { ApiError, badRequest } from "../errors";
import { containerStatus, mustGetPod, resolveContainer, waitingError } from "./containers";
import { followOutput, recordedOutput, type LogLine } from "./output";
import { scenarioLog } from "./peers";
import { queryBool } from "../api/query";

// GET pods/<name>/log: the lines a container printed, filtered the way the kubelet filters
// them (since, then tail, then timestamps, then the byte limit).

export interface LogQuery {
  container?: string | null;
  previous?: boolean;
  tailLines?: number;
  timestamps?: boolean;
  sinceSeconds?: number;
  sinceTime?: string;
  limitBytes?: number;
  follow?: boolean;
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw badRequest(`invalid value for ${name}: ${JSON.stringify(v)}`);
  return n;
}

function parseLogQuery(q: URLSearchParams): LogQuery {
  const query: LogQuery = {
    container: q.get("container"),
    previous: queryBool(q, "previous"),
    tailLines: intParam(q, "tailLines"),
    timestamps: queryBool(q, "timestamps"),
    sinceSeconds: intParam(q, "sinceSeconds"),
    sinceTime: q.get("sinceTime") ?? undefined,
    limitBytes: intParam(q, "limitBytes"),
    follow: queryBool(q, "follow"),
  };
  const causes: string[] = [];
  if (query.tailLines !== undefined && query.tailLines < 0) causes.push("tailLines: Invalid value: must be greater than or equal to 0");
  if (query.limitBytes !== undefined && query.limitBytes < 1) causes.push("limitBytes: Invalid value: must be greater than 0");
  if (query.sinceSeconds !== undefined && query.sinceSeconds < 1) causes.push("sinceSeconds: Invalid value: must be greater than 0");
  if (query.sinceSeconds !== undefined && query.sinceTime)
    causes.push("sinceSeconds: Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified");
  if (causes.length) {
    throw new ApiError(422, "Invalid", `PodLogOptions "" is invalid: ${causes.join(", ")}`, {
      kind: "PodLogOptions",
      causes: causes.map((c) => ({ message: c })),
    });
  }
  return query;
}

/** Kubelet writes nanosecond timestamps with a fixed width. */
export function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z");
}

export async function podLogText(world: World, cluster: SimCluster, namespace: string, name: string, query: LogQuery): Promise<string> {
  const pod = mustGetPod(cluster, namespace, name);
  const container = resolveContainer(pod, query.container);
  // An unscheduled pod has nowhere to read logs from; the API server answers empty.
  if (!pod.spec?.nodeName) return "";
  const status = containerStatus(pod, container);
  if (query.previous) {
    if (!status || !(status.restartCount > 0) || !status.lastState?.terminated) {
      throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    }
  } else if (!status || (!status.state?.running && !status.state?.terminated)) {
    throw waitingError(pod, container);
  }
  const run = query.previous ? status.lastState.terminated : (status.state.running ?? status.state.terminated);
  const startedAt = Date.parse(run?.startedAt ?? pod.status?.startTime ?? "") || world.clock.now();

  let lines: LogLine[] =
    recordedOutput(cluster, namespace, name, container, !!query.previous) ?? scenarioLog(cluster, namespace, name, container, !!query.previous, startedAt);

  const since = query.sinceSeconds !== undefined ? world.clock.now() - query.sinceSeconds * 1000 : query.sinceTime ? Date.parse(query.sinceTime) : undefined;
  if (since !== undefined && Number.isFinite(since)) lines = lines.filter((l) => l.time >= since);
  if (query.tailLines !== undefined) lines = query.tailLines === 0 ? [] : lines.slice(-query.tailLines);
  let text = lines.map((l) => formatLine(l, query)).join("");
  if (query.limitBytes !== undefined) {
    const bytes = Buffer.from(text, "utf8");
    if (bytes.length > query.limitBytes) text = bytes.subarray(0, query.limitBytes).toString("utf8");
  }
  return text;
}

/** The text of one line as the query asks for it. */
function formatLine(l: LogLine, query: LogQuery): string {
  return (query.timestamps ? `${l.stamp ?? rfc3339Nano(l.time)} ${l.text}` : l.text) + "\n";
}

/**
 * `follow`: after what is there, the stream stays open and carries each line the container
 * prints, until the container terminates, the pod goes, limitBytes is reached or the client
 * hangs up (as the kubelet streams it).
 */
function streamFollow(cluster: SimCluster, req: IncomingMessage, res: ServerResponse, namespace: string, name: string, query: LogQuery, sent: number): void {
  const container = resolveContainer(mustGetPod(cluster, namespace, name), query.container);
  let written = sent;
  const stops: (() => void)[] = [];
  const end = () => {
    for (const stop of stops.splice(0)) stop();
    if (!res.writableEnded) res.end();
  };
  if (query.limitBytes !== undefined && written >= query.limitBytes) return end();
  stops.push(
    followOutput(cluster, namespace, name, container, (line) => {
      let chunk = Buffer.from(formatLine(line, query), "utf8");
      if (query.limitBytes !== undefined) chunk = chunk.subarray(0, Math.max(0, query.limitBytes - written));
      written += chunk.length;
      res.write(chunk);
      if (query.limitBytes !== undefined && written >= query.limitBytes) end();
    }),
  );
  stops.push(
    cluster.store.onChange((e) => {
      if (e.resource !== "pods" || e.object.metadata.namespace !== namespace || e.object.metadata.name !== name) return;
      if (e.type === "DELETED" || containerStatus(e.object, container)?.state?.terminated) end();
    }),
  );
  req.once("close", end);
}

/** HTTP adapter: text/plain on success, a Status on error; `follow` keeps streaming (streamFollow). */
export async function handlePodLog(
  world: World,
  cluster: SimCluster,
  req: IncomingMessage,
  res: ServerResponse,
  namespace: string,
  name: string,
  query: URLSearchParams,
): Promise<void> {
  if (req.method !== "GET") {
    return sendStatus(res, new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"));
  }
  try {
    const q = parseLogQuery(query);
    const text = await podLogText(world, cluster, namespace, name, q);
    if (q.follow && !q.previous) {
      res.writeHead(200, { "Content-Type": "text/plain", "Cache-Control": "no-cache, private" });
      res.flushHeaders();
      if (text) res.write(text);
      return streamFollow(cluster, req, res, namespace, name, q, Buffer.byteLength(text));
    }
    res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": Buffer.byteLength(text), "Cache-Control": "no-cache, private" });
    res.end(text);
  } catch (err) {
    if (err instanceof ApiError) return sendStatus(res, err);
    throw err;
  }
}

export function sendStatus(res: ServerResponse, err: ApiError): void {
  const body = JSON.stringify(err.toStatus());
  res.writeHead(err.code, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}
