import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import {
  type EnqueueEmailRequest,
  NotificationService,
} from "@vetmesh/contracts/notification/v1/notification";

/**
 * A stand-in NotificationService for the reminder scanners' tests: records
 * every EnqueueEmail call (created only for a new idempotency key, as the real
 * outbox answers) and can be switched off (`state.down`: Unavailable).
 */
export function createRecordingNotifications() {
  const calls: EnqueueEmailRequest[] = [];
  const state = { down: false };
  const transport = createRouterTransport(({ service }) => {
    service(NotificationService, {
      enqueueEmail(req) {
        if (state.down) throw new ConnectError("notification service down", Code.Unavailable);
        calls.push(req);
        return { created: calls.filter((c) => c.idempotencyKey === req.idempotencyKey).length === 1 };
      },
      listDeadLetters: () => ({}),
      retryDeadLetter: () => ({}),
      cancelPending: () => ({}),
    });
  });
  return { calls, state, transport, keys: () => calls.map((c) => c.idempotencyKey) };
}
