// Query parameters as the API server converts them into its option structs
// (apimachinery's Convert_Slice_string_To_bool): a boolean is false only when absent, "0" or
// "false" in any case; every other value, the empty string and "f" included, is true. So
// `watch=True`, `watch=t`, `watch=1` and a bare `watch=` all watch, as on a real cluster.
// `absent` is the option's default (pods/exec's stdout and stderr default to true).

export function queryBool(query: URLSearchParams, name: string, absent = false): boolean {
  const v = query.get(name);
  if (v === null) return absent;
  return !(v === "0" || v.toLowerCase() === "false");
}
