import { describe, expect, it } from "vitest";
import { decodeProtobufObject } from "./protobuf";

// A minimal protobuf writer, enough to build what kubectl's typed clients send.
type Part = [field: number, value: string | number | Buffer];
function msg(...parts: Part[]): Buffer {
  const out: Buffer[] = [];
  const varint = (n: number) => {
    const bytes: number[] = [];
    do {
      let b = n & 0x7f;
      n = Math.floor(n / 128);
      if (n) b |= 0x80;
      bytes.push(b);
    } while (n);
    return Buffer.from(bytes);
  };
  for (const [field, value] of parts) {
    if (typeof value === "number") out.push(varint(field << 3), varint(value));
    else {
      const b = typeof value === "string" ? Buffer.from(value) : value;
      out.push(varint((field << 3) | 2), varint(b.length), b);
    }
  }
  return Buffer.concat(out);
}
const envelope = (apiVersion: string, kind: string, raw: Buffer) =>
  Buffer.concat([Buffer.from("k8s\0", "binary"), msg([1, msg([1, apiVersion], [2, kind])], [2, raw])]);

describe("protobuf request bodies", () => {
  it("decodes an Eviction with its DeleteOptions, keeping an explicit zero grace period", () => {
    const meta = msg([1, "checkout-1"], [2, ""], [3, "shop"], [7, 0], [8, Buffer.alloc(0)]);
    const body = envelope("policy/v1", "Eviction", msg([1, meta], [2, msg([1, 0])]));
    expect(decodeProtobufObject(body)).toEqual({
      apiVersion: "policy/v1",
      kind: "Eviction",
      metadata: { name: "checkout-1", namespace: "shop" },
      deleteOptions: { gracePeriodSeconds: 0 },
    });
  });

  it("decodes a Deployment as kubectl create deployment sends it, empty gogo fields dropped", () => {
    const labels = msg([1, "app"], [2, "web"]);
    const container = msg([1, "nginx"], [2, "nginx:1.27"], [5, ""], [6, msg([1, ""], [2, 0], [3, 8080], [4, ""])], [16, 0]);
    const template = msg([1, msg([11, labels])], [2, msg([2, container], [3, "Always"], [11, 0])]);
    const spec = msg([1, 0], [2, msg([1, labels])], [3, template], [4, msg()]);
    const out = decodeProtobufObject(envelope("apps/v1", "Deployment", msg([1, msg([1, "web"], [11, labels])], [2, spec])));
    expect(out).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", labels: { app: "web" } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 8080 }] }], restartPolicy: "Always" },
        },
        strategy: {},
      },
    });
  });

  it("turns IntOrString into a number or a string", () => {
    const port = (target: Buffer) => msg([1, "http"], [2, "TCP"], [3, 80], [4, target]);
    const svc = msg([1, msg([1, "s"])], [2, msg([1, port(msg([1, 0], [2, 8080]))], [1, port(msg([1, 1], [3, "http"]))])]);
    const out = decodeProtobufObject(envelope("v1", "Service", svc)) as { spec: { ports: { targetPort: unknown }[] } };
    expect(out.spec.ports.map((p) => p.targetPort)).toEqual([8080, "http"]);
  });

  it("answers 415 for kinds it cannot decode and for bodies without the k8s envelope", () => {
    expect(() => decodeProtobufObject(envelope("apps/v1", "StatefulSet", msg()))).toThrowError(expect.objectContaining({ code: 415 }));
    expect(() => decodeProtobufObject(Buffer.from("{}"))).toThrowError(expect.objectContaining({ code: 415 }));
  });
});
