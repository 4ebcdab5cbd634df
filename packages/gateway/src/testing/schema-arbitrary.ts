import fc from "fast-check";

/** A JSON Schema (OpenAPI 3.1) as the spec writes it; only the keywords the generator reads. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  example?: unknown;
}

/** Values to use for a property by its name (ids of seeded rows, real-looking emails), besides random ones. */
export type FieldValues = Record<string, fc.Arbitrary<unknown>>;

/**
 * A fast-check arbitrary of values that satisfy a schema of the spec
 * (`$ref`s resolved against its components): objects with every required
 * property and some optional ones, strings within their length and pattern,
 * integers within bounds, enums, unions. Where `fields` names a property,
 * its values are mixed in, so generated requests also reach real rows.
 */
export function arbitraryOf(
  schema: JsonSchema,
  components: Record<string, JsonSchema>,
  fields: FieldValues = {},
): fc.Arbitrary<unknown> {
  const of = (s: JsonSchema, name?: string): fc.Arbitrary<unknown> => {
    if (s.$ref) {
      const target = components[s.$ref.replace("#/components/schemas/", "")];
      if (!target) throw new Error(`unresolved ${s.$ref}`);
      return of(target, name);
    }
    const random = plain(s);
    const chosen = name ? fields[name] : undefined;
    const example = s.example === undefined ? [] : [fc.constant(s.example)];
    return chosen
      ? fc.oneof({ arbitrary: chosen, weight: 6 }, random, ...example)
      : fc.oneof(random, ...example);
  };
  const plain = (s: JsonSchema): fc.Arbitrary<unknown> => {
    if (s.const !== undefined) return fc.constant(s.const);
    if (s.enum) return fc.constantFrom(...s.enum);
    const union = s.anyOf ?? s.oneOf;
    if (union) return fc.oneof(...union.map((u) => of(u)));
    const type = Array.isArray(s.type) ? s.type.filter((t) => t !== "null")[0] : s.type;
    switch (type) {
      case "string":
        if (s.pattern) return fc.stringMatching(new RegExp(s.pattern));
        return fc.string({ unit: "grapheme", minLength: s.minLength ?? 0, maxLength: s.maxLength ?? 40 });
      case "integer":
        return fc.integer({ min: s.minimum ?? -1_000_000, max: s.maximum ?? 1_000_000 });
      case "number":
        return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true });
      case "boolean":
        return fc.boolean();
      case "array":
        return fc.array(s.items ? of(s.items) : fc.jsonValue(), { maxLength: 5 });
      case "object": {
        const properties = s.properties ?? {};
        const record = Object.fromEntries(
          Object.entries(properties).map(([key, value]) => [key, of(value, key)]),
        );
        return fc.record(record, { requiredKeys: (s.required ?? []).filter((key) => key in properties) });
      }
      default:
        return fc.jsonValue();
    }
  };
  return of(schema);
}

/** A body that breaks its schema, and how (for the counts). */
export interface InvalidBody {
  kind: string;
  /** The raw text sent. */
  text: string;
  contentType: string;
}

/** The JSON types a schema accepts (`integer` counts as `number`'s subset: both listed when either is). */
function acceptedTypes(s: JsonSchema, components: Record<string, JsonSchema>): Set<string> {
  if (s.$ref) return acceptedTypes(components[s.$ref.replace("#/components/schemas/", "")] ?? {}, components);
  const union = s.anyOf ?? s.oneOf;
  if (union) return new Set(union.flatMap((u) => [...acceptedTypes(u, components)]));
  const values = s.enum ?? (s.const === undefined ? undefined : [s.const]);
  if (values) return new Set(values.map((v) => (v === null ? "null" : typeof v)));
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  return new Set(types.map((t) => (t === "integer" ? "number" : t)));
}

const WRONG: Record<string, fc.Arbitrary<unknown>> = {
  null: fc.constant(null),
  array: fc.array(fc.integer(), { maxLength: 2 }),
  object: fc.constant({ nested: true }),
  number: fc.integer(),
  string: fc.string({ maxLength: 8 }),
  boolean: fc.boolean(),
};

/** Values of a JSON type the field's schema does not accept. */
function wrongTypeFor(field: JsonSchema, components: Record<string, JsonSchema>): fc.Arbitrary<unknown> {
  const accepted = acceptedTypes(field, components);
  const options = Object.entries(WRONG)
    .filter(([type]) => !accepted.has(type))
    .map(([, arbitrary]) => arbitrary);
  return fc.oneof(...options);
}

/**
 * Bodies that do not satisfy the object schema: a required property missing,
 * a property of the wrong type, a JSON value that is not an object, text that
 * is not JSON, or the right JSON under a wrong content type.
 */
export function invalidBodyOf(
  schema: JsonSchema,
  components: Record<string, JsonSchema>,
  fields: FieldValues = {},
): fc.Arbitrary<InvalidBody> {
  const resolved = schema.$ref
    ? (components[schema.$ref.replace("#/components/schemas/", "")] ?? schema)
    : schema;
  const valid = arbitraryOf(schema, components, fields) as fc.Arbitrary<Record<string, unknown>>;
  const required = resolved.required ?? [];
  const json = (kind: string) => (value: unknown) => ({
    kind,
    text: JSON.stringify(value),
    contentType: "application/json",
  });
  const kinds: fc.Arbitrary<InvalidBody>[] = [
    fc
      .oneof(fc.integer(), fc.string(), fc.constant(null), fc.array(fc.jsonValue(), { maxLength: 3 }))
      .map(json("not an object")),
    fc
      .string({ maxLength: 30 })
      .map((text) => ({ kind: "malformed JSON", text: `{,${text}`, contentType: "application/json" })),
    valid.chain((value) =>
      fc
        .constantFrom("text/plain", "application/x-www-form-urlencoded", "application/xml")
        .map((contentType) => ({
          kind: "wrong content type",
          text: JSON.stringify(value),
          contentType,
        })),
    ),
  ];
  if (required.length > 0) {
    kinds.push(
      fc.tuple(valid, fc.constantFrom(...required)).map(([value, key]) => {
        const { [key]: _dropped, ...rest } = value;
        return json("required field missing")(rest);
      }),
    );
  }
  const fieldNames = Object.keys(resolved.properties ?? {});
  if (fieldNames.length > 0) {
    kinds.push(
      fc
        .tuple(valid, fc.constantFrom(...fieldNames))
        .chain(([value, key]) =>
          wrongTypeFor(resolved.properties?.[key] ?? {}, components).map((wrong) => ({
            ...value,
            [key]: wrong,
          })),
        )
        .map(json("field of the wrong type")),
    );
  }
  return fc.oneof(...kinds);
}
