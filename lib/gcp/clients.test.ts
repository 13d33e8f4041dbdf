import { Storage } from "@google-cloud/storage";
import { afterEach, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { resetGcpClientsForTests, storageClient, storageOptions } from "./clients";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetConfigForTests();
  resetGcpClientsForTests();
});

describe("Cloud Storage client", () => {
  it("takes the endpoint's origin as apiEndpoint and sends no credentials; no endpoint means ADC", () => {
    expect(storageOptions("http://127.0.0.1:8443")).toEqual({ apiEndpoint: "http://127.0.0.1:8443", useAuthWithCustomEndpoint: false });
    expect(storageOptions("http://127.0.0.1:8443/storage/v1/")).toEqual({ apiEndpoint: "http://127.0.0.1:8443", useAuthWithCustomEndpoint: false });
    expect(storageOptions(undefined)).toEqual({});
  });

  it("is built from GOOGLE_STORAGE_ENDPOINT and rebuilt when it changes", () => {
    process.env.NEXTAUTH_SECRET ??= "x".repeat(40);
    process.env.GOOGLE_STORAGE_ENDPOINT = "http://127.0.0.1:1111";
    resetConfigForTests();
    const a = storageClient();
    expect(a).toBeInstanceOf(Storage);
    expect(a.apiEndpoint).toBe("http://127.0.0.1:1111");
    expect(storageClient()).toBe(a);
    process.env.GOOGLE_STORAGE_ENDPOINT = "http://127.0.0.1:2222";
    resetConfigForTests();
    expect(storageClient().apiEndpoint).toBe("http://127.0.0.1:2222");
  });
});
