import { describe, expect, it } from "vitest";
import { datapathOf, networkPolicyEnforcement } from "./enforcement";
import { gkeContextName, parseGkeContextName } from "./context-name";

describe("networkPolicyEnforcement", () => {
  it("calls Dataplane V2 enforced even with networkPolicy.enabled unset", () => {
    const e = networkPolicyEnforcement({ networkConfig: { datapathProvider: "ADVANCED_DATAPATH" }, networkPolicy: {} });
    expect(e).toMatchObject({ enforced: true, determined: true });
    expect(e.reason).toMatch(/Dataplane V2/);
  });

  it("calls Autopilot enforced whatever the datapath field says", () => {
    expect(networkPolicyEnforcement({ autopilot: { enabled: true } }).enforced).toBe(true);
  });

  it("needs both Calico switches on a legacy datapath", () => {
    const base = { networkConfig: { datapathProvider: "LEGACY_DATAPATH" } };
    expect(networkPolicyEnforcement({ ...base, networkPolicy: { enabled: true }, addonsConfig: { networkPolicyConfig: {} } }).enforced).toBe(true);
    const off = networkPolicyEnforcement({ ...base, networkPolicy: { enabled: true }, addonsConfig: { networkPolicyConfig: { disabled: true } } });
    expect(off.enforced).toBe(false);
    expect(off.reason).toBe("not enforced: Calico add-on disabled and legacy datapath; enabling it now would recreate every node and destroy evidence");
  });

  it("accepts the proto enum number as well as its name", () => {
    expect(datapathOf({ networkConfig: { datapathProvider: 2 } })).toBe("ADVANCED_DATAPATH");
    expect(datapathOf({ networkConfig: { datapathProvider: 0 } })).toBe("LEGACY_DATAPATH");
  });

  it("says it cannot tell without a GKE description", () => {
    expect(networkPolicyEnforcement(null)).toMatchObject({ enforced: false, determined: false });
  });
});

describe("GKE context names", () => {
  it("round-trips project, location and cluster", () => {
    const name = gkeContextName("acme-prod", "us-central1-a", "payments");
    expect(name).toBe("gke_acme-prod_us-central1-a_payments");
    expect(parseGkeContextName(name)).toEqual({ project: "acme-prod", location: "us-central1-a", cluster: "payments" });
  });

  it("rejects names that are not get-credentials names", () => {
    expect(parseGkeContextName("minikube")).toBeNull();
    expect(parseGkeContextName("gke_a_b")).toBeNull();
  });
});
