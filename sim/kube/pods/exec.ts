import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { World } from "../../world";
import type { SimCluster } from "../cluster";
import { ApiError, badRequest } from "../errors";
import type { KObject } from "../types";
import { chooseProtocol, errorStreamPayload, frame, ERROR, STDERR, STDOUT } from "./channels";
import { parseExecCommand } from "./command";
import { containerStatus, mustGetPod, resolveContainer } from "./containers";
import { sendStatus } from "./log";
import { terminateContainerProcess } from "./restart";
import { isFileCommand, NOT_SIMULATED_EXIT, runFileCommand } from "./files";
import { queryBool } from "../api/query";
import { evaluateNcProbe, parseNcProbe, type NcProbe } from "../netpol/ncprobe";

// pods/exec over WebSocket, the transport kubectl 1.32 tries first and client-node's Exec
// uses. The SPDY fallback is answered with an explanation instead: simulating SPDY framing
// would buy nothing, and kubectl only falls back when the WebSocket upgrade fails.

export interface ExecRequest {
  argv: string[];
  container: string;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** Checks the API server and kubelet make before any stream is opened. */
function validateExec(cluster: SimCluster, namespace: string, name: string, query: URLSearchParams): { pod: KObject; exec: ExecRequest } {
  const pod = mustGetPod(cluster, namespace, name);
  const container = resolveContainer(pod, query.get("container"));
  const argv = query.getAll("command");
  const exec: ExecRequest = {
    argv,
    container,
    stdin: queryBool(query, "stdin"),
    stdout: queryBool(query, "stdout", true),
    stderr: queryBool(query, "stderr", true),
    tty: queryBool(query, "tty"),
  };
  if (!argv.length) throw badRequest("you must specify at least one command for the container");
  if (!exec.stdin && !exec.stdout && !exec.stderr) throw badRequest("you must specify at least 1 of stdin, stdout, stderr");
  // A TTY merges stderr into stdout; the kubelet drops stderr rather than refusing.
  if (exec.tty) exec.stderr = false;
  if (!pod.spec?.nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed") throw badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  if (!containerStatus(pod, container)?.state?.running) throw badRequest(`container not found ("${container}")`);
  return { pod, exec };
}

const REASONS: Record<number, string> = { 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 500: "Internal Server Error" };

function refuseUpgrade(socket: Duplex, err: ApiError): void {
  const body = JSON.stringify(err.toStatus());
  socket.end(
    `HTTP/1.1 ${err.code} ${REASONS[err.code] ?? "Error"}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function websocketRequired(): ApiError {
  return badRequest(
    "Upgrade request required: the Airlock simulator serves pods/exec over WebSocket only (v5.channel.k8s.io, v4.channel.k8s.io); SPDY is not simulated",
  );
}

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (offered) => chooseProtocol(offered) ?? false });

export function handleExecUpgrade(
  world: World,
  cluster: SimCluster,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  namespace: string,
  name: string,
  query: URLSearchParams,
): void {
  let exec: ExecRequest;
  try {
    ({ exec } = validateExec(cluster, namespace, name, query));
  } catch (err) {
    if (err instanceof ApiError) return refuseUpgrade(socket, err);
    throw err;
  }
  if ((req.headers.upgrade ?? "").toLowerCase() !== "websocket") return refuseUpgrade(socket, websocketRequired());
  const offered = String(req.headers["sec-websocket-protocol"] ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  // A client offering no subprotocol gets the base protocol; one offering only others is refused.
  if (offered.length && !chooseProtocol(offered)) {
    return refuseUpgrade(
      socket,
      badRequest(
        `none of the offered subprotocols is supported: ${offered.join(", ")}; supported: v5.channel.k8s.io, v4.channel.k8s.io, v3.channel.k8s.io, v2.channel.k8s.io, channel.k8s.io`,
      ),
    );
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    runExec(world, cluster, namespace, name, exec, ws).catch((err) => {
      if (ws.readyState === ws.OPEN) {
        ws.send(
          frame(ERROR, JSON.stringify({ metadata: {}, status: "Failure", message: `internal simulator error: ${String(err)}`, reason: "InternalError" })),
        );
        ws.close(1011);
      }
    });
  });
}

async function runExec(world: World, cluster: SimCluster, namespace: string, name: string, exec: ExecRequest, ws: WebSocket): Promise<void> {
  const protocol = ws.protocol || "channel.k8s.io";
  // Input (stdin, resize, close signals) is accepted and ignored: no simulated command reads it.
  ws.on("message", () => {});
  ws.on("error", () => {});
  const command = parseExecCommand(exec.argv);
  let exitCode = 0;
  if (command.kind === "kill") {
    await terminateContainerProcess(world, cluster, namespace, name, exec.container, command.exitCode);
  } else if (isFileCommand(command)) {
    const pod = cluster.store.get("pods", namespace, name)!;
    const err = exec.stderr ? STDERR : exec.stdout || exec.tty ? STDOUT : undefined;
    exitCode = runFileCommand(world, cluster, pod, exec.container, command, {
      stdout: (data) => {
        if (exec.stdout || exec.tty) ws.send(frame(STDOUT, data));
      },
      stderr: (text) => {
        if (err !== undefined) ws.send(frame(err, text));
      },
    });
  } else if (command.kind === "unsupported" && ncScript(exec.argv)) {
    // nc from any container of the pod (an ephemeral one included) leaves from the pod's own
    // network namespace: judged as the pod's egress. Answers at once: a timeout is reported,
    // not waited for.
    const pod = cluster.store.get("pods", namespace, name)!;
    for (const probe of ncScript(exec.argv)!) {
      const outcome = evaluateNcProbe(world, cluster, pod, probe);
      const channel = exec.stderr ? STDERR : exec.stdout || exec.tty ? STDOUT : undefined;
      if (outcome.lines.length && channel !== undefined) ws.send(frame(channel, `${outcome.lines.join("\n")}\n`));
      exitCode = outcome.exitCode;
    }
  } else if (command.kind === "unsupported") {
    const message = `airlock simulator: command not simulated: ${command.display}\n`;
    const channel = exec.stderr ? STDERR : exec.stdout || exec.tty ? STDOUT : undefined;
    if (channel !== undefined) ws.send(frame(channel, message));
    exitCode = NOT_SIMULATED_EXIT;
  }
  const payload = errorStreamPayload(protocol, exec.argv, exitCode);
  if (payload !== undefined) ws.send(frame(ERROR, payload));
  ws.close(1000);
}

/**
 * `nc -z …`, directly or as `sh -c` with several nc commands joined by `;` (exit status of the
 * last, as sh gives): busybox's nc in the container's image.
 */
function ncScript(argv: string[]): NcProbe[] | undefined {
  const isShell = argv.length >= 3 && /(^|\/)(sh|ash|bash)$/.test(argv[0]) && argv[1] === "-c";
  const commands = isShell
    ? argv[2]
        .split(";")
        .map((part) => part.trim())
        .filter(Boolean)
    : [argv.join(" ")];
  if (!isShell && argv.some((a) => /\s/.test(a))) return undefined;
  const probes: NcProbe[] = [];
  for (const text of commands) {
    if (/[&|<>()$`]/.test(text)) return undefined;
    const probe = parseNcProbe({ name: "exec", command: text.split(/\s+/) });
    if (!probe) return undefined;
    probes.push(probe);
  }
  return probes.length ? probes : undefined;
}

/** A plain (or SPDY) POST/GET: answer the same validation errors, else say WebSocket is required. */
export function handleExecHttp(
  _world: World,
  cluster: SimCluster,
  req: IncomingMessage,
  res: ServerResponse,
  namespace: string,
  name: string,
  query: URLSearchParams,
): void {
  if (req.method !== "GET" && req.method !== "POST") {
    return sendStatus(res, new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"));
  }
  try {
    validateExec(cluster, namespace, name, query);
    sendStatus(res, websocketRequired());
  } catch (err) {
    if (err instanceof ApiError) return sendStatus(res, err);
    throw err;
  }
}
