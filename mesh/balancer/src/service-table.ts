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

/** Every service the proxy forwards, from the generated contracts. */
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
