import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "../core/http";
import type { World } from "../world";

// PLACEHOLDER: the /_sim/ control surface (clock, faults, reset, access denials) replaces this.
export async function handleControlRequest(_world: World, _req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  sendJson(res, 404, { error: `not served yet: ${path}` });
}
