import http from "node:http";
import type { AddressInfo } from "node:net";
import { splitUrl } from "../../core/http";
import type { World } from "../../world";
import { handleExecHttp, handleExecUpgrade } from "./exec";
import { handlePodLog } from "./log";

// A minimal in-process server for this module's tests: it routes only pods/log and pods/exec
// of one world, so the handlers and their wire protocols are tested without the API router.

const POD_SUB = /^\/clusters\/([^/]+)\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(log|exec)$/;

export async function startPodServer(world: World): Promise<{ base: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const { path, query } = splitUrl(req.url ?? "/");
    const m = POD_SUB.exec(path);
    const cluster = m && world.clusters.get(m[1]);
    if (!m || !cluster) {
      res.writeHead(404).end();
      return;
    }
    const run =
      m[4] === "log" ? handlePodLog(world, cluster, req, res, m[2], m[3], query) : Promise.resolve(handleExecHttp(world, cluster, req, res, m[2], m[3], query));
    run.catch(() => res.destroy());
  });
  server.on("upgrade", (req, socket, head) => {
    const { path, query } = splitUrl(req.url ?? "/");
    const m = POD_SUB.exec(path);
    const cluster = m && world.clusters.get(m[1]);
    if (!m || !cluster || m[4] !== "exec") {
      socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
      return;
    }
    handleExecUpgrade(world, cluster, req, socket, head, m[2], m[3], query);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
