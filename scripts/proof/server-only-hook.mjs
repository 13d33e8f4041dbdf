// `npm run proof` runs the console's route handlers and server actions in plain Node, as the tests
// do under vitest: outside Next's server bundle `server-only` throws on import, and the
// react-server condition would hide React's client APIs next-auth needs. So resolve `server-only`
// to the tests' empty stub, and Next's request-scoped `next/headers` and `next/cache` to
// next-request-stub.ts (the figure sets the request a server action sees).
import { registerHooks } from "node:module";

const serverOnly = new URL("../../test/server-only-stub.ts", import.meta.url).href;
const request = new URL("./next-request-stub.ts", import.meta.url).href;
const STUBS = { "server-only": serverOnly, "next/headers": request, "next/cache": request };

registerHooks({
  resolve(specifier, context, next) {
    const url = STUBS[specifier];
    if (url) return { url, shortCircuit: true, format: "module" };
    return next(specifier, context);
  },
});
