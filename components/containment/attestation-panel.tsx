import type { AttestationView } from "@/lib/containment/detail";
import { Table, TBody, Td, Th, THead } from "@/components/ui/table";

// attest-isolation's last attestation: a verdict per layer, then every probe. Green only where a
// packet was dropped (timeout); connected and refused are both replies from the far end, so
// they are red and say "not isolated". A UDP probe that heard nothing (no-reply) proves nothing
// either way: amber, like a probe that could not run.

type Probe = AttestationView["ingress"][number];
type Layer = AttestationView["verdicts"]["podIngress"];

const LAYERS: { key: keyof AttestationView["verdicts"]; title: string }[] = [
  { key: "podIngress", title: "Pod ingress" },
  { key: "podEgress", title: "Pod egress" },
  { key: "nodeNetwork", title: "Node network" },
];

const RESULT_TEXT: Record<Probe["result"], string> = {
  connected: "connected — not isolated",
  refused: "refused — reachable, not isolated",
  timeout: "timeout — dropped",
  "no-reply": "no reply — UDP: silence is not proof",
  error: "error — not proven",
};

const RESULT_STYLE: Record<Probe["result"], string> = {
  connected: "border-red-400 bg-red-50 text-red-900",
  refused: "border-red-400 bg-red-50 text-red-900",
  timeout: "border-emerald-300 bg-emerald-50 text-emerald-900",
  "no-reply": "border-amber-400 bg-amber-50 text-amber-950",
  error: "border-amber-400 bg-amber-50 text-amber-950",
};

const LAYER_STYLE: Record<Layer["state"], string> = {
  "not-isolated": "border-red-400 bg-red-50 text-red-900",
  isolated: "border-emerald-300 bg-emerald-50 text-emerald-900",
  unknown: "border-amber-400 bg-amber-50 text-amber-950",
};

const LAYER_TEXT: Record<Layer["state"], string> = { "not-isolated": "Not isolated", isolated: "Isolated", unknown: "Not proven" };

function ResultBadge({ result }: { result: Probe["result"] }) {
  return (
    <span className={`inline-block whitespace-nowrap rounded border px-1.5 py-0.5 text-xs font-medium ${RESULT_STYLE[result]}`}>{RESULT_TEXT[result]}</span>
  );
}

/** One row per probe; the side every probe shares (the pod's IP, or the pod itself) is in the caption. */
function ProbeTable({ caption, probes, direction }: { caption: string; probes: Probe[]; direction: "ingress" | "egress" }) {
  return (
    <Table caption={caption} captionVisible>
      <THead>
        <tr>
          <Th>{direction === "ingress" ? "Source" : "Destination"}</Th>
          <Th>Port</Th>
          <Th>Result</Th>
          <Th>Detail</Th>
        </tr>
      </THead>
      <TBody>
        {probes.map((p, i) => (
          <tr key={`${p.source}-${p.target}-${p.port}-${p.protocol}-${i}`}>
            <Td className="max-w-80 break-words">
              {direction === "ingress" ? p.source : <code>{p.target}</code>}
              {p.why && <span className="block text-xs text-slate-600">{p.why}</span>}
            </Td>
            <Td>
              <code>
                {p.port}/{p.protocol.toLowerCase()}
              </code>
            </Td>
            <Td>
              <ResultBadge result={p.result} />
            </Td>
            <Td className="max-w-72 break-words text-xs text-slate-700">{p.detail ?? ""}</Td>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}

export function AttestationPanel({ label, attestation: a }: { label: string; attestation: AttestationView }) {
  return (
    <section aria-label={label} className="mt-3 space-y-3 rounded-md border border-slate-300 bg-white p-3 text-sm">
      <h4 className="font-semibold text-slate-900">
        {label}: {a.at} ({a.ageMinutes} min ago; recorded, not re-probed)
      </h4>
      <ul className="space-y-1">
        {LAYERS.map(({ key, title }) => {
          const v = a.verdicts[key];
          return (
            <li key={key} className={`rounded-md border px-3 py-2 ${LAYER_STYLE[v.state]}`}>
              <strong>
                {title}: {LAYER_TEXT[v.state]}
              </strong>{" "}
              — {v.why}
            </li>
          );
        })}
      </ul>
      <ProbeTable caption={`Ingress probes to ${a.pod} (${a.podIP})`} probes={a.ingress} direction="ingress" />
      <ProbeTable
        caption={`Egress probes from ${a.pod}${a.ephemeralContainer ? ` (ephemeral container ${a.ephemeralContainer.name})` : ""}`}
        probes={a.egress}
        direction="egress"
      />
      <div>
        <h5 className="font-medium text-slate-900">Established connections</h5>
        <p className="text-slate-700">{a.established.datapath}</p>
        <p className="text-slate-700">{a.established.shown}</p>
        {a.established.connections.length > 0 && (
          <ul className="mt-1 list-disc pl-5">
            {a.established.connections.map((c) => (
              <li key={`${c.local}-${c.remote}`}>
                <code>
                  {c.local} → {c.remote}
                </code>{" "}
                {c.state}
                {c.stalled ? ", stalled (unacknowledged bytes, retransmitting)" : ", moving"}
              </li>
            ))}
          </ul>
        )}
      </div>
      {a.uncovered.length > 0 && (
        <div>
          <h5 className="font-medium text-slate-900">Not covered</h5>
          <ul className="list-disc pl-5 text-slate-700">
            {a.uncovered.map((u) => (
              <li key={u}>{u}</li>
            ))}
          </ul>
        </div>
      )}
      <p className="text-xs text-slate-600">
        Enforcement: {a.enforcement.reason}.{" "}
        {a.ephemeralContainer
          ? `Ephemeral container ${a.ephemeralContainer.name}${a.ephemeralContainer.reused ? " (reused)" : ""} stays in the pod spec. `
          : "No ephemeral container could be added. "}
        Probe pods:{" "}
        {a.probePods.map((p) => `${p.namespace}/${p.name} on ${p.node}${p.deleted ? " (deleted)" : " (NOT deleted: delete it by hand)"}`).join(", ") || "none"}.
        Attestation <code>{a.document.name}</code>, SHA-256 <code className="break-all">{a.document.sha256}</code>, stored as evidence.
      </p>
    </section>
  );
}
