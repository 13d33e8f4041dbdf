// Request and lifecycle logs go to stderr as JSON lines; stdout carries only the ready line.
export function logJson(fields: Record<string, unknown>): void {
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), ...fields }) + "\n");
}
