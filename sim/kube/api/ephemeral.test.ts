import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiServer, type ApiTestServer } from "./testing";

// pods/ephemeralcontainers through the API layer: GET answers the Pod, writes only add
// ephemeral containers (never change or remove them), and the main endpoint leaves them alone.

let api: ApiTestServer;
const POD = "/api/v1/namespaces/shop/pods/web";
const SUB = `${POD}/ephemeralcontainers`;
const SMP = { "Content-Type": "application/strategic-merge-patch+json" };

beforeAll(async () => {
  api = await startApiServer();
  const created = await api.request("POST", "/api/v1/namespaces/shop/pods", {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web" },
    spec: { nodeName: api.node, containers: [{ name: "app", image: "nginx:1.27" }] },
  });
  expect(created.status).toBe(201);
});
afterAll(() => api.close());

const debuggerContainer = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: "busybox:1.36",
  command: ["sh"],
  stdin: true,
  tty: true,
  targetContainerName: "app",
  ...extra,
});

describe("pods/ephemeralcontainers", () => {
  it("GET answers the Pod", async () => {
    const r = await api.request("GET", SUB);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ kind: "Pod", metadata: { name: "web" } });
  });

  it("PATCH (strategic merge, as kubectl debug sends it) adds one, defaulted", async () => {
    const r = await api.request("PATCH", SUB, { spec: { ephemeralContainers: [debuggerContainer("debugger-a")] } }, SMP);
    expect(r.status).toBe(200);
    expect(r.body.spec.ephemeralContainers).toEqual([
      expect.objectContaining({
        name: "debugger-a",
        targetContainerName: "app",
        imagePullPolicy: "IfNotPresent",
        terminationMessagePath: "/dev/termination-log",
      }),
    ]);
    expect(r.body.spec.containers).toHaveLength(1);
  });

  it("PUT adds another and keeps the first; nothing else of the pod changes", async () => {
    const pod = (await api.request("GET", SUB)).body;
    pod.spec.ephemeralContainers.push(debuggerContainer("debugger-b", { command: ["nc", "-zv", "-w", "3", "198.51.100.23", "3333"] }));
    pod.metadata.labels = { sneaky: "true" };
    const r = await api.request("PUT", SUB, pod);
    expect(r.status).toBe(200);
    expect(r.body.spec.ephemeralContainers.map((c: { name: string }) => c.name)).toEqual(["debugger-a", "debugger-b"]);
    expect(r.body.metadata.labels?.sneaky).toBeUndefined();
  });

  it("refuses to remove, change, duplicate, or give them ports, resources or an unknown target", async () => {
    const pod = (await api.request("GET", SUB)).body;
    const removed = await api.request("PUT", SUB, { ...pod, spec: { ...pod.spec, ephemeralContainers: [pod.spec.ephemeralContainers[0]] } });
    expect(removed.status).toBe(422);
    expect(removed.body.details.causes[0].message).toBe('Forbidden: existing ephemeral containers "debugger-b" may not be removed');
    const changed = structuredClone(pod);
    changed.spec.ephemeralContainers[0].image = "alpine:3.20";
    expect((await api.request("PUT", SUB, changed)).body.details.causes[0].message).toBe(
      'Forbidden: existing ephemeral containers "debugger-a" may not be changed',
    );
    const bad = await api.request(
      "PATCH",
      SUB,
      {
        spec: {
          ephemeralContainers: [
            debuggerContainer("app"),
            debuggerContainer("x", { ports: [{ containerPort: 80 }], resources: { limits: { cpu: "1" } }, targetContainerName: "nope" }),
          ],
        },
      },
      SMP,
    );
    expect(bad.status).toBe(422);
    expect(bad.body.details.causes.map((c: { field: string; reason: string }) => `${c.field} ${c.reason}`)).toEqual([
      "spec.ephemeralContainers[2].name FieldValueDuplicate",
      "spec.ephemeralContainers[3].ports FieldValueForbidden",
      "spec.ephemeralContainers[3].resources FieldValueForbidden",
      "spec.ephemeralContainers[3].targetContainerName FieldValueNotFound",
    ]);
  });

  it("the main endpoint neither adds nor drops ephemeral containers", async () => {
    const pod = (await api.request("GET", POD)).body;
    const r = await api.request("PUT", POD, { ...pod, spec: { ...pod.spec, ephemeralContainers: [] } });
    expect(r.status).toBe(200);
    expect(r.body.spec.ephemeralContainers).toHaveLength(2);
  });
});
