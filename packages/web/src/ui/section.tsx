import type { ComponentChildren } from "preact";
import type { AsyncState } from "./async.ts";
import { ErrorMessage, Loading } from "./feedback.tsx";

/** A titled card of a screen. */
export function Card(props: {
  title: string;
  id?: string;
  actions?: ComponentChildren;
  children: ComponentChildren;
}) {
  const headingId = props.id ? `${props.id}-heading` : undefined;
  return (
    <section class="card" aria-labelledby={headingId} id={props.id}>
      <header class="card-header">
        <h2 id={headingId}>{props.title}</h2>
        {props.actions}
      </header>
      {props.children}
    </section>
  );
}

/**
 * Renders an async load: the spinner first, the error (with retry) when it
 * failed, the content once there — and the last content under a failed reload.
 */
export function Loaded<T>(props: {
  state: AsyncState<T> & { reload: () => void };
  what: string;
  children: (data: T) => ComponentChildren;
}) {
  const { state } = props;
  return (
    <>
      {state.status === "error" && <ErrorMessage error={state.error} onRetry={state.reload} />}
      {state.status === "loading" && state.data === undefined && <Loading what={props.what} />}
      {state.data !== undefined && props.children(state.data)}
    </>
  );
}

/** A labelled form field; the label is always visible (no placeholder-only inputs). */
export function Field(props: { label: string; id: string; hint?: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && (
        <small class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </small>
      )}
    </div>
  );
}
