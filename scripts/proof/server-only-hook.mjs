// `npm run proof` runs the console's route handlers in plain Node, as the tests do under vitest:
// outside Next's server bundle `server-only` throws on import, and the react-server condition
// would hide React's client APIs next-auth needs. So resolve `server-only` to the tests' empty stub.
import { registerHooks } from "node:module";

const stub = new URL("../../test/server-only-stub.ts", import.meta.url).href;

registerHooks({
  resolve(specifier, context, next) {
    if (specifier === "server-only") return { url: stub, shortCircuit: true, format: "module" };
    return next(specifier, context);
  },
});
