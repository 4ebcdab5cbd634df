import { Code, ConnectError, createRouterTransport, type Transport } from "@connectrpc/connect";
import { NotificationService } from "@vetmesh/contracts/notification/v1/notification";
import { VeterinaryInternalService } from "@vetmesh/contracts/veterinary/v1/veterinary";

/**
 * Test-local stand-ins for the saga's participants (the veterinary and
 * notification services' idempotent erase calls), served through Connect's
 * in-memory router transport. They record every call and can be switched
 * "down" (Unavailable) to exercise retries.
 */
export function createTestParticipants() {
  const state = {
    veterinaryDown: false,
    notificationDown: false,
    erasePets: [] as Array<{ sagaId: string; petIds: string[] }>,
    cancelPending: [] as Array<{ sagaId: string; recipient: string }>,
  };
  const veterinaryTransport: Transport = createRouterTransport((router) => {
    router.service(VeterinaryInternalService, {
      erasePets(req) {
        if (state.veterinaryDown) throw new ConnectError("veterinary down", Code.Unavailable);
        state.erasePets.push({ sagaId: req.sagaId, petIds: [...req.petIds] });
        return { appointmentsErased: 0, recordsErased: 0, vaccinationsErased: 0 };
      },
    });
  });
  const notificationTransport: Transport = createRouterTransport((router) => {
    router.service(NotificationService, {
      cancelPending(req) {
        if (state.notificationDown) throw new ConnectError("notification down", Code.Unavailable);
        state.cancelPending.push({ sagaId: req.sagaId, recipient: req.recipient });
        return { cancelled: 0 };
      },
    });
  });
  return { state, veterinaryTransport, notificationTransport };
}
