import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "../../core/http";
import type { World } from "../../world";

// PLACEHOLDER: the Compute Engine API replaces this.
export async function handleComputeRequest(_world: World, _req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  sendJson(res, 404, { error: { code: 404, message: `not served yet: ${path}`, errors: [] } });
}
