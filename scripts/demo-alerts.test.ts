import { expect, it } from "vitest";
import { demoAlertWiring, falcoClustersFromKubeconfig } from "./demo-alerts";

it("maps each GKE context's node-name prefix back to the context, and skips other contexts", () => {
  const kubeconfig = "contexts:\n- name: gke_acme-prod_us-central1-a_payments\n- name: gke_acme-prod_us-central1_storefront\n- name: minikube\n";
  expect(falcoClustersFromKubeconfig(kubeconfig)).toEqual({
    "gke-payments-*": "gke_acme-prod_us-central1-a_payments",
    "gke-storefront-*": "gke_acme-prod_us-central1_storefront",
  });
});

it("gives the simulator and the console the same secret and audience", () => {
  const w = demoAlertWiring({ consoleOrigin: "http://127.0.0.1:3000", secret: "s3cret" });
  expect(w.simEnv).toMatchObject({ SIM_ALERT_FALCO_URL: "http://127.0.0.1:3000/api/v1/alerts/falco", SIM_ALERT_FALCO_SECRET: "s3cret" });
  expect(w.simEnv.SIM_ALERT_SCC_AUDIENCE).toBe("http://127.0.0.1:3000/api/v1/alerts/scc");
});
