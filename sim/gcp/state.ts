import { IamState } from "./iam/service-accounts";

// Google Cloud resources for the simulated project, kept as the JSON the REST APIs serve
// (compute#instance, compute#firewall, container Cluster ...), keyed by "zone/name" for zonal
// resources and by name for global ones.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type GcpJson = Record<string, any>;

/** A Cloud Storage object: its JSON resource (storage#object) and its bytes. */
export interface StoredObject {
  resource: GcpJson;
  body: Buffer;
}

export class GcpState {
  readonly instances = new Map<string, GcpJson>(); // "zone/name"
  readonly disks = new Map<string, GcpJson>(); // "zone/name"
  readonly snapshots = new Map<string, GcpJson>(); // name
  readonly networks = new Map<string, GcpJson>(); // name
  readonly subnetworks = new Map<string, GcpJson>(); // "region/name"
  readonly firewalls = new Map<string, GcpJson>(); // name
  readonly operations = new Map<string, GcpJson>(); // "zone/name" | "global/name" | "region/name"
  readonly gkeClusters = new Map<string, GcpJson>(); // "location/name"
  readonly gkeOperations = new Map<string, GcpJson>(); // "location/name" (container v1 Operation)
  readonly instanceTemplates = new Map<string, GcpJson>(); // name
  readonly instanceGroupManagers = new Map<string, GcpJson>(); // "zone/name"
  /** Names of the instances each managed instance group manages ("zone/mig" → names); abandoning removes one. */
  readonly migMembers = new Map<string, Set<string>>();
  readonly buckets = new Map<string, GcpJson>(); // name (storage#bucket)
  readonly objects = new Map<string, StoredObject>(); // "bucket/name", latest generation only
  /** Permissions testIamPermissions reports as missing (all granted by default). */
  readonly deniedPermissions = new Set<string>();
  /** IAM v1 service accounts, their policies and keys. */
  readonly iam = new IamState();

  constructor(
    readonly project: string,
    readonly projectNumber: string,
  ) {}

  computeBase(): string {
    return `https://www.googleapis.com/compute/v1/projects/${this.project}`;
  }
}
