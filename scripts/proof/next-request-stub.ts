// `npm run proof` calls server actions in plain Node, where Next's request scope does not exist:
// the hook (server-only-hook.mjs) resolves `next/headers` and `next/cache` here. cookies() and
// headers() answer from the request a figure is simulating (withRequest), so getCaller() decodes
// a real signed session cookie; revalidatePath has no page cache to refresh.
import { AsyncLocalStorage } from "node:async_hooks";

type FakeRequest = { headers: Record<string, string>; cookies: Record<string, string> };

// On globalThis: the figure (ESM import) and the app (possibly a CJS require) may load this file twice.
const KEY = Symbol.for("airlock.proof.request");
const store: AsyncLocalStorage<FakeRequest> = ((globalThis as Record<symbol, unknown>)[KEY] ??=
  new AsyncLocalStorage<FakeRequest>()) as AsyncLocalStorage<FakeRequest>;

/** Runs fn as if inside a request carrying these headers and cookies. */
export function withRequest<T>(req: FakeRequest, fn: () => Promise<T>): Promise<T> {
  return store.run(req, fn);
}

function current(): FakeRequest {
  const req = store.getStore();
  if (!req) throw new Error("cookies()/headers() called outside a simulated request (withRequest)");
  return req;
}

export async function cookies() {
  const bag = current().cookies;
  return {
    getAll: () => Object.entries(bag).map(([name, value]) => ({ name, value })),
    get: (name: string) => (name in bag ? { name, value: bag[name] } : undefined),
    has: (name: string) => name in bag,
  };
}

export async function headers() {
  return new Headers(current().headers);
}

export function revalidatePath(): void {}
export function revalidateTag(): void {}
