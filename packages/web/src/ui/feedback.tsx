import type { ComponentChildren } from "preact";
import { messageOf } from "../api/client.ts";

/** An error in words, announced to screen readers, with a retry when the screen can reload. */
export function ErrorMessage(props: { error: unknown; onRetry?: () => void; title?: string }) {
  return (
    <div class="alert alert-error" role="alert">
      <div>
        {props.title && <strong>{props.title} </strong>}
        <span>{messageOf(props.error)}</span>
      </div>
      {props.onRetry && (
        <button type="button" class="button button-small" onClick={props.onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** A confirmation that something worked. */
export function SuccessMessage(props: { children: ComponentChildren }) {
  return (
    <p class="alert alert-success" role="status">
      {props.children}
    </p>
  );
}

/** Shown while a section loads; `aria-busy` lets assistive tech know. */
export function Loading(props: { what: string }) {
  return (
    <p class="loading" role="status" aria-busy="true">
      <span class="spinner" aria-hidden="true" /> Loading {props.what}…
    </p>
  );
}

/** An empty list said in words. */
export function Empty(props: { children: ComponentChildren }) {
  return <p class="empty">{props.children}</p>;
}
