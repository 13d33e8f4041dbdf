import { afterEach, describe, expect, it } from "vitest";
import type { World } from "../../world";
import { twoClusters } from "../testing";
import { getCluster, listClusters } from "./clusters";

let world: World | undefined;
afterEach(() => world?.stop());

describe("GKE clusters", () => {
  it("lists by location, with '-' for all", () => {
    world = twoClusters();
    expect(listClusters(world, "acme-test", "-").clusters.map((c: { name: string }) => c.name)).toEqual(["payments", "storefront"]);
    expect(listClusters(world, "acme-test", "us-central1").clusters.map((c: { name: string }) => c.name)).toEqual(["storefront"]);
    expect(listClusters(world, "acme-test", "europe-west1").clusters).toEqual([]);
  });

  it("serves the facts NetworkPolicy enforcement is derived from", () => {
    world = twoClusters();
    const payments = getCluster(world, "acme-test", "us-central1-a", "payments", "locations");
    expect(payments).toMatchObject({
      location: "us-central1-a",
      status: "RUNNING",
      networkConfig: { datapathProvider: "ADVANCED_DATAPATH" },
      addonsConfig: { networkPolicyConfig: { disabled: true } },
    });
    expect(payments.nodePools[0].management.autoRepair).toBe(true);
    expect(payments.endpoint).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const storefront = getCluster(world, "acme-test", "us-central1", "storefront", "locations");
    expect(storefront.networkConfig.datapathProvider).toBe("LEGACY_DATAPATH");
    expect(storefront.zone).toBe("us-central1");
  });
});
