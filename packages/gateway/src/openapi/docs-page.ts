import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { MiddlewareHandler } from "hono";
import type { RestApp } from "./define-route.ts";
import { OPENAPI_PATH } from "./document.ts";

/** Where the browsable reference is served. */
export const DOCS_PATH = "/docs";

// Swagger UI's prebuilt files, from the installed package: the page needs no CDN and no internet.
const SWAGGER_UI_DIR = dirname(Bun.fileURLToPath(import.meta.resolve("swagger-ui-dist/package.json")));
const ASSETS = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
} as const;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vetmesh REST API</title>
<link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
<script src="${DOCS_PATH}/init.js"></script>
</body>
</html>
`;

// validatorUrl null: Swagger UI would otherwise send the spec to an online validator.
const INIT = `window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(OPENAPI_PATH)},
  dom_id: "#swagger-ui",
  deepLinking: true,
  docExpansion: "list",
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
`;

/**
 * Serves the browsable API reference at `GET /docs`: Swagger UI (the
 * `swagger-ui-dist` package, served from disk, never from a CDN) rendering
 * `/openapi.json`, so it works on a machine with no internet. The files are
 * read on first use and kept in memory.
 */
export function mountDocsPage(app: RestApp, label: (path: string) => MiddlewareHandler): void {
  const cache = new Map<string, string>();
  const asset = (name: keyof typeof ASSETS) => {
    let text = cache.get(name);
    if (text === undefined) {
      text = readFileSync(join(SWAGGER_UI_DIR, name), "utf8");
      cache.set(name, text);
    }
    return text;
  };
  app.get(DOCS_PATH, label(DOCS_PATH), (c) => c.html(PAGE));
  app.get(`${DOCS_PATH}/init.js`, label(`${DOCS_PATH}/init.js`), (c) =>
    c.body(INIT, 200, { "content-type": "text/javascript; charset=utf-8" }),
  );
  for (const [name, type] of Object.entries(ASSETS) as [keyof typeof ASSETS, string][]) {
    const path = `${DOCS_PATH}/${name}`;
    app.get(path, label(path), (c) =>
      c.body(asset(name), 200, { "content-type": type, "cache-control": "public, max-age=3600" }),
    );
  }
}
