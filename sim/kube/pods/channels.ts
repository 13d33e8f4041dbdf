// The remotecommand channel protocols (k8s.io/apimachinery wsstream): one binary WebSocket
// message per write, its first byte the stream. v4+ reports the exit on the error stream as
// a JSON Status; v5 adds the CLOSE (255) signal for half-closing a stream.

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
export const CLOSE = 255;

/** Most capable first: the server picks the best protocol the client offers. */
export const SUPPORTED_PROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io"] as const;

export function chooseProtocol(offered: Iterable<string>): string | undefined {
  const set = new Set([...offered].map((p) => p.trim()));
  return SUPPORTED_PROTOCOLS.find((p) => set.has(p));
}

export function frame(channel: number, data: Buffer | string): Buffer {
  const body = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  return Buffer.concat([Buffer.from([channel]), body]);
}

export function statusSuccess(): Record<string, unknown> {
  return { metadata: {}, status: "Success" };
}

export function statusExit(argv: string[], exitCode: number): Record<string, unknown> {
  return {
    metadata: {},
    status: "Failure",
    message: `command terminated with non-zero exit code: error executing command [${argv.join(" ")}], exit code ${exitCode}`,
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: String(exitCode) }] },
  };
}

/** What goes on the error stream at the end, or nothing (v1-v3 success is silence). */
export function errorStreamPayload(protocol: string, argv: string[], exitCode: number): string | undefined {
  const v4plus = protocol === "v4.channel.k8s.io" || protocol === "v5.channel.k8s.io";
  if (v4plus) return JSON.stringify(exitCode === 0 ? statusSuccess() : statusExit(argv, exitCode));
  return exitCode === 0 ? undefined : `command terminated with non-zero exit code: error executing command [${argv.join(" ")}], exit code ${exitCode}`;
}
