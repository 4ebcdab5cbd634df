import type { DescService } from "@bufbuild/protobuf";
import { file_vetmesh_demo_v1_demo } from "@vetmesh/contracts/demo/v1/demo";
import { file_vetmesh_notification_v1_notification } from "@vetmesh/contracts/notification/v1/notification";
import { file_vetmesh_owner_v1_owner } from "@vetmesh/contracts/owner/v1/owner";
import { file_vetmesh_veterinary_v1_veterinary } from "@vetmesh/contracts/veterinary/v1/veterinary";

/**
 * Which registered service answers each proto package: the RPC path
 * /vetmesh.owner.v1.OwnerService/ListPets goes to instances of "owner".
 * Discovery is absent on purpose: it does not register with itself.
 */
export const TARGET_BY_PACKAGE: Readonly<Record<string, string>> = {
  "vetmesh.owner.v1": "owner",
  "vetmesh.veterinary.v1": "veterinary",
  "vetmesh.notification.v1": "notification",
  "vetmesh.demo.v1": "demo",
};

/** Every service the proxy knows how to forward, from the generated contracts. */
export const PROXIED_SERVICES: readonly DescService[] = [
  file_vetmesh_owner_v1_owner,
  file_vetmesh_veterinary_v1_veterinary,
  file_vetmesh_notification_v1_notification,
  file_vetmesh_demo_v1_demo,
].flatMap((file) => file.services);

/** The target service of a proto service ("vetmesh.owner.v1.OwnerService" → "owner"), if proxied. */
export function targetOf(service: DescService): string | undefined {
  return TARGET_BY_PACKAGE[service.file.proto.package];
}

/**
 * The services the proxy serves to anyone who reaches it: the public
 * contracts (the ones the gateway re-serves, plus the demonstration upstream).
 * Internal ones — saga steps (VeterinaryInternalService.ErasePets), lookups
 * (OwnerInternalService.GetPet/GetOwner), the outbox (NotificationService) —
 * are served only when named in BALANCER_PROXY_INTERNAL_SERVICES.
 */
export const PUBLIC_SERVICE_NAMES: readonly string[] = [
  "vetmesh.owner.v1.OwnerService",
  "vetmesh.veterinary.v1.VeterinaryService",
  "vetmesh.demo.v1.DemoService",
];

/** Full names of the services that are not public (what an operator may opt in). */
export const INTERNAL_SERVICE_NAMES: readonly string[] = PROXIED_SERVICES.map((s) => s.typeName).filter(
  (name) => !PUBLIC_SERVICE_NAMES.includes(name),
);

/** The allow-list: the public services plus the internal ones configured by name. */
export function allowedServices(internal: readonly string[] = []): DescService[] {
  const allowed = new Set([...PUBLIC_SERVICE_NAMES, ...internal]);
  return PROXIED_SERVICES.filter((service) => allowed.has(service.typeName));
}
