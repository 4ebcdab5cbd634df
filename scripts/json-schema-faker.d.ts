/** The json-schema-faker bundled in openapi-to-postmanv2 (no types of its own); scripts/postman.ts seeds it. */
declare module "openapi-to-postmanv2/assets/json-schema-faker.js" {
  const faker: { option(options: Record<string, unknown>): void };
  export default faker;
}
