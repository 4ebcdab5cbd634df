/** How failed deliveries are retried. */
export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  capMs: number;
}

/**
 * Delay before the next attempt after `attempts` failed ones: exponential
 * (base·2^(n-1)) up to the cap, with "equal jitter" — half fixed, half random —
 * so that messages that failed together (a mail server outage) do not all
 * come back in the same instant, yet never retry sooner than half the delay.
 */
export function backoffDelay(
  attempts: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempts - 1);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(exponent, 30));
  const half = ceiling / 2;
  return Math.round(half + random() * half);
}

/** What the dispatcher does with a failed attempt. */
export type FailureDecision = { kind: "retry"; nextAttemptAt: number } | { kind: "dead" };

/**
 * A permanent failure (an SMTP 5xx) or an exhausted budget dead-letters the
 * message; anything else is retried later.
 */
export function decideFailure(input: {
  attempts: number;
  permanent: boolean;
  now: number;
  policy: RetryPolicy;
  random?: () => number;
}): FailureDecision {
  if (input.permanent || input.attempts >= input.policy.maxAttempts) return { kind: "dead" };
  return {
    kind: "retry",
    nextAttemptAt: input.now + backoffDelay(input.attempts, input.policy, input.random),
  };
}
