import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { sendJson } from "../../core/http";
import type { World } from "../../world";
import type { SimCluster } from "../cluster";

// PLACEHOLDER: the Kubernetes API machinery replaces this.
export async function handleKubeRequest(_world: World, _cluster: SimCluster, _req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  sendJson(res, 404, { kind: "Status", apiVersion: "v1", status: "Failure", message: `not served yet: ${path}`, reason: "NotFound", code: 404 });
}

export function handleKubeUpgrade(_world: World, _cluster: SimCluster, _req: IncomingMessage, socket: Duplex, _head: Buffer, _path: string): void {
  socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
}
