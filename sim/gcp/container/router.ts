import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "../../core/http";
import type { World } from "../../world";

// PLACEHOLDER: the GKE (container v1) API replaces this.
export async function handleContainerRequest(_world: World, _req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  sendJson(res, 404, { error: { code: 404, message: `not served yet: ${path}`, errors: [] } });
}
