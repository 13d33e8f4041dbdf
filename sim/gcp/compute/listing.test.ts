import { describe, expect, it } from "vitest";
import { compileFilter, listEnvelope, paginate } from "./listing";

const items = [
  { name: "gke-payments-a", status: "RUNNING", labels: { pool: "default" }, tags: { items: ["gke-payments-node", "quarantine"] }, priority: 0 },
  { name: "gke-payments-b", status: "TERMINATED", labels: { pool: "default" }, tags: { items: ["gke-payments-node"] }, priority: 1000 },
  { name: "bastion", status: "RUNNING", labels: { pool: "none" }, priority: 65534 },
];
const names = (f: string) => items.filter(compileFilter(f)).map((i) => i.name);

describe("compileFilter", () => {
  it("understands the legacy eq/ne regex form gcloud sends", () => {
    expect(names('name eq "gke-.*"')).toEqual(["gke-payments-a", "gke-payments-b"]);
    expect(names("(name eq '.*-a')")).toEqual(["gke-payments-a"]);
    expect(names("status ne RUNNING")).toEqual(["gke-payments-b"]);
    expect(names('(name eq "(?i)GKE-.*")(status eq "RUNNING")')).toEqual(["gke-payments-a"]);
    // eq is anchored: a partial match is no match.
    expect(names('name eq "payments"')).toEqual([]);
  });

  it("understands the =, !=, :, <, > form with AND/OR/NOT and nested fields", () => {
    expect(names('name = "bastion"')).toEqual(["bastion"]);
    expect(names("status != RUNNING")).toEqual(["gke-payments-b"]);
    expect(names("tags.items = quarantine")).toEqual(["gke-payments-a"]);
    expect(names("labels.pool = default AND status = RUNNING")).toEqual(["gke-payments-a"]);
    expect(names("name = bastion OR tags.items : quarantine")).toEqual(["gke-payments-a", "bastion"]);
    expect(names("NOT status = RUNNING")).toEqual(["gke-payments-b"]);
    expect(names("priority < 1000")).toEqual(["gke-payments-a"]);
    expect(names("name = gke-*")).toEqual(["gke-payments-a", "gke-payments-b"]);
    expect(names("")).toHaveLength(3);
  });

  it("rejects what it cannot parse with Google's 400", () => {
    expect(() => compileFilter("name = (")).toThrowError(/Invalid value for field 'filter'/);
  });
});

describe("paginate and listEnvelope", () => {
  it("pages by maxResults with an opaque token, and omits items when empty", () => {
    const q = new URLSearchParams("maxResults=2");
    const first = paginate(items, q);
    expect(first.items).toHaveLength(2);
    const second = paginate(items, new URLSearchParams(`maxResults=2&pageToken=${first.nextPageToken}`));
    expect(second.items.map((i) => i.name)).toEqual(["bastion"]);
    expect(second.nextPageToken).toBeUndefined();
    expect(() => paginate(items, new URLSearchParams("pageToken=%%%"))).toThrow();
    const env = listEnvelope("compute#xList", "id", "self", [], new URLSearchParams());
    expect(env).toEqual({ kind: "compute#xList", id: "id", selfLink: "self" });
    expect(listEnvelope("compute#xList", "id", "self", items, new URLSearchParams()).items.map((i: { name: string }) => i.name)).toEqual([
      "bastion",
      "gke-payments-a",
      "gke-payments-b",
    ]);
  });
});
