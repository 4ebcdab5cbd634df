import { useState } from "preact/hooks";
import { Card, Field } from "../ui/section.tsx";

/**
 * Sign-in with a pasted token (what `make token` prints); the app checks it
 * with `GET /api/me`. The reason of a refused token is shown in words.
 */
export function Login(props: { reason?: string; onToken: (token: string) => void }) {
  const [token, setToken] = useState("");
  return (
    <div class="login">
      <Card title="Sign in to the clinic" id="login">
        <p>
          Paste the access token you were given (staff: from your administrator; owners: from the clinic).
        </p>
        {props.reason && (
          <p class="alert alert-error" role="alert">
            {props.reason}
          </p>
        )}
        <form
          class="form"
          onSubmit={(event) => {
            event.preventDefault();
            if (token.trim()) props.onToken(token.trim());
          }}
        >
          <Field label="Access token" id="token">
            <textarea
              id="token"
              rows={4}
              required
              spellcheck={false}
              value={token}
              onInput={(e) => setToken(e.currentTarget.value)}
            />
          </Field>
          <button type="submit" class="button button-primary">
            Sign in
          </button>
        </form>
      </Card>
    </div>
  );
}
