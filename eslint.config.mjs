import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  {
    ignores: [".next/**", "node_modules/**", ".data/**", "coverage/**", "test-results/**", "playwright-report/**", "next-env.d.ts"],
  },
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    // Server code, the simulator, scripts and tests hold no React components: a `use…` name there
    // (e.g. a Vitest fixture `useDemoSim()`) is not a hook.
    files: ["lib/**/*.ts", "sim/**/*.ts", "scripts/**/*.ts", "e2e/**/*.ts", "**/*.test.ts"],
    rules: {
      "react-hooks/rules-of-hooks": "off",
    },
  },
  {
    // CommonJS by necessity: loaded by `require` before anything else (next.config.js, the Node check).
    files: ["**/*.cjs", "next.config.js"],
    rules: {
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
];

export default config;
