import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { DEMO_TARGETS } from "@/lib/containment/testing";
import type { FormField } from "@/lib/containment/ui";
import { STEPS } from "@/lib/containment/steps";
import { detachServices } from "@/lib/containment/steps/detach-services";
import { drainNode } from "@/lib/containment/steps/drain-node";
import { firewallIsolate } from "@/lib/containment/steps/firewall-isolate";
import { restartContainer } from "@/lib/containment/steps/restart-container";
import type { AnyStep } from "@/lib/containment/types";
import { StepParamsFields } from "./step-params";

const fields = (step: AnyStep) => step.ui?.form ?? [];
const render = (step: AnyStep, targets = DEMO_TARGETS, fieldErrors?: Record<string, string[]>) =>
  renderToStaticMarkup(<StepParamsFields stepId={step.id} fields={fields(step)} targets={targets} fieldErrors={fieldErrors} onChange={() => {}} />);

/** An element with all these attributes, in whatever order React writes them. */
const element = (tag: string, ...attrs: string[]) =>
  new RegExp(`<${tag}${attrs.map((a) => `(?=[^>]*${a.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")})`).join("")}[^>]*>`);

describe("StepParamsFields renders a step's form from its descriptor", () => {
  it("labels the SSH range, says what it is for and shows the schema's message against it", () => {
    const html = render(firewallIsolate, DEMO_TARGETS, { sshSourceRange: ["must not be 0.0.0.0/0"] });
    expect(html).toMatch(/<label for="firewall-isolate-param-sshSourceRange"[^>]*>SSH source range<\/label>/);
    expect(html).toMatch(element("input", 'id="firewall-isolate-param-sshSourceRange"', 'name="sshSourceRange"', 'required=""', 'aria-invalid="true"'));
    expect(html).toContain("never 0.0.0.0/0");
    expect(html).toContain("must not be 0.0.0.0/0");
    expect(html).toMatch(element("input", 'type="radio"', 'name="protocol"', 'value="all"', 'checked=""'));
    expect(html).toContain("tcp only (the playbook&#x27;s variant)");
  });

  it("renders help text with code and a described-by link", () => {
    const html = render(drainNode);
    expect(html).toMatch(element("input", 'type="checkbox"', 'name="force"', 'aria-describedby="drain-node-param-force-help"'));
    expect(html).toContain("Force: delete pods without a controller");
    expect(html).toContain("Like <code>kubectl drain --force</code>: bare pods");
  });

  it("offers the incident's containers and one radio group per Service", () => {
    expect(render(restartContainer, { ...DEMO_TARGETS, containers: ["app", "sidecar"] })).toMatch(
      /<option value="app">app<\/option><option value="sidecar">sidecar<\/option>/,
    );
    const html = render(detachServices, { ...DEMO_TARGETS, services: ["checkout", "cart"] });
    expect(html).toContain("Service <code>checkout</code>");
    expect(html).toMatch(element("input", 'name="mode.cart"', 'value="patch"', 'checked=""'));
    expect(render(detachServices, { ...DEMO_TARGETS, services: [] })).toContain("No Service selected the pod");
  });

  it("renders nothing for a step without a form", () => {
    expect(renderToStaticMarkup(<StepParamsFields stepId="x" fields={[]} targets={DEMO_TARGETS} onChange={() => {}} />)).toBe("");
  });
});

describe("form descriptors", () => {
  it("name only fields the step's params schema knows", () => {
    for (const step of STEPS) {
      const keys = step.params && "shape" in step.params ? Object.keys(step.params.shape as object) : [];
      for (const f of fields(step)) expect(keys, `${step.id}.${f.name}`).toContain(f.name);
    }
  });

  it("are checked against the schema's keys by the type system", () => {
    const wrong: FormField<"force">[] = [
      // @ts-expect-error a field must name a key of the step's params
      { kind: "checkbox", name: "forse", label: "typo" },
    ];
    expect(wrong).toHaveLength(1);
  });
});

describe("release descriptors", () => {
  it("every reversible step says what its undo puts back", () => {
    for (const step of STEPS.filter((s) => typeof s.undo === "function")) expect(step.ui?.undoEffect, step.id).toMatch(/\.$/);
  });
});
