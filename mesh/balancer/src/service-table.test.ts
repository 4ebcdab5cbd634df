import { describe, expect, test } from "bun:test";
import { loadConfig } from "@vetmesh/kit";
import { configShape } from "./config.ts";
import { allowedServices, INTERNAL_SERVICE_NAMES } from "./service-table.ts";

describe("proxy allow-list", () => {
  test("by default only the public services", () => {
    expect(allowedServices().map((s) => s.typeName)).toEqual([
      "vetmesh.owner.v1.OwnerService",
      "vetmesh.veterinary.v1.VeterinaryService",
      "vetmesh.demo.v1.DemoService",
    ]);
    expect(INTERNAL_SERVICE_NAMES).toEqual([
      "vetmesh.owner.v1.OwnerInternalService",
      "vetmesh.veterinary.v1.VeterinaryInternalService",
      "vetmesh.notification.v1.NotificationService",
    ]);
  });

  test("internal services only when configured by name; an unknown name stops the process", () => {
    const env = { DISCOVERY_URL: "http://127.0.0.1:1" };
    expect(loadConfig(configShape, env).BALANCER_PROXY_INTERNAL_SERVICES).toEqual([]);
    const config = loadConfig(configShape, {
      ...env,
      BALANCER_PROXY_INTERNAL_SERVICES: "vetmesh.notification.v1.NotificationService",
    });
    expect(allowedServices(config.BALANCER_PROXY_INTERNAL_SERVICES).map((s) => s.typeName)).toContain(
      "vetmesh.notification.v1.NotificationService",
    );
    expect(() =>
      loadConfig(configShape, { ...env, BALANCER_PROXY_INTERNAL_SERVICES: "vetmesh.owner.v1.Nope" }),
    ).toThrow("BALANCER_PROXY_INTERNAL_SERVICES");
  });
});
