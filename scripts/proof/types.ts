// One figure of `npm run proof`: a measured number, its target, and whether it was met.
// A new figure is one file in scripts/proof/ exporting a Figure, and one line in scripts/proof/index.ts.

export type ProofOptions = {
  /** `--quick` (CI): fewer seeds and runs, same checks. */
  quick: boolean;
  /** DATABASE_URL when it is a postgres:// URL: figures that cover PostgreSQL open their own schema there. */
  postgresUrl?: string;
  /** Progress lines for the person watching (stderr). */
  log(line: string): void;
};

export type FigureResult = {
  /** What was measured, as printed: "40/40 caught, first bad entry named". */
  result: string;
  met: boolean;
  /** Everything behind the number, for the JSON report (per case outcomes…). */
  details?: unknown;
};

export type Figure = {
  id: string;
  title: string;
  /** The target, as printed: "100% caught". */
  target: string;
  run(opts: ProofOptions): Promise<FigureResult>;
};
