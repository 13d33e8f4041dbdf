import { describe, expect, it } from "vitest";
import { clusterQueries, listUrl } from "./query-keys";

describe("clusterQueries", () => {
  it("builds list URLs with only the filters that are set, escaping the cluster id", () => {
    expect(listUrl("gke_p_l_c", "pods", { namespace: "shop", labelSelector: "app in (a,b)", limit: 50 }, "tok")).toBe(
      "/api/v1/clusters/gke_p_l_c/pods?namespace=shop&labelSelector=app+in+%28a%2Cb%29&limit=50&continue=tok",
    );
    expect(listUrl("a/b", "nodes", {})).toBe("/api/v1/clusters/a%2Fb/nodes");
  });

  it("keys pages by cluster, kind and filters, so a new filter is a new list", () => {
    const a = clusterQueries.pages("c", "pods", { namespace: "shop" }).queryKey;
    const b = clusterQueries.pages("c", "pods", { namespace: "kube-system" }).queryKey;
    expect(a).not.toEqual(b);
    expect(a.slice(0, 3)).toEqual(["clusters", "c", "pods"]);
  });
});
