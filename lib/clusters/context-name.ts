/**
 * `gcloud container clusters get-credentials` names contexts `gke_<project>_<location>_<cluster>`.
 * None of the three parts may contain an underscore, so the split is unambiguous.
 */
export function parseGkeContextName(name: string): { project: string; location: string; cluster: string } | null {
  const m = /^gke_([a-z][a-z0-9.:-]*[a-z0-9])_([a-z0-9-]+)_([a-z](?:[a-z0-9-]*[a-z0-9])?)$/.exec(name);
  return m ? { project: m[1], location: m[2], cluster: m[3] } : null;
}

export function gkeContextName(project: string, location: string, cluster: string): string {
  return `gke_${project}_${location}_${cluster}`;
}
