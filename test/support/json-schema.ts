/**
 * The subset of JSON Schema 2020-12 an OpenAPI 3.1 document generated from
 * zod uses: enough to check a response body against its documented schema
 * and to synthesize a valid example from a request schema.
 */
export type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  nullable?: boolean;
  example?: unknown;
  examples?: unknown[];
  default?: unknown;
};

export type Resolve = (ref: string) => Schema;

/** Resolves "#/components/schemas/X" style references within `document`. */
export function resolver(document: unknown): Resolve {
  return (ref) => {
    if (!ref.startsWith('#/')) throw new Error(`external $ref ${ref}`);
    let node: unknown = document;
    for (const part of ref.slice(2).split('/')) {
      node = (node as Record<string, unknown> | undefined)?.[
        part.replace(/~1/g, '/').replace(/~0/g, '~')
      ];
    }
    if (!node || typeof node !== 'object') throw new Error(`unresolved $ref ${ref}`);
    return node;
  };
}

const typeOf = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'array'
      : Number.isInteger(value)
        ? 'integer'
        : typeof value;

/** Every way `value` breaks `schema` ([] when it conforms). */
export function validate(value: unknown, schema: Schema, resolve: Resolve, at = '$'): string[] {
  if (schema.$ref) return validate(value, resolve(schema.$ref), resolve, at);
  const problems: string[] = [];
  if (schema.allOf) for (const s of schema.allOf) problems.push(...validate(value, s, resolve, at));
  if (schema.anyOf && !schema.anyOf.some((s) => validate(value, s, resolve, at).length === 0)) {
    problems.push(`${at}: matches none of anyOf`);
  }
  if (
    schema.oneOf &&
    schema.oneOf.filter((s) => validate(value, s, resolve, at).length === 0).length !== 1
  ) {
    problems.push(`${at}: does not match exactly one of oneOf`);
  }
  if (schema.nullable && value === null) return problems;
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = typeOf(value);
    const ok = types.includes(actual) || (actual === 'integer' && types.includes('number'));
    if (!ok) return [...problems, `${at}: expected ${types.join('|')}, got ${actual}`];
  }
  if (schema.enum && !schema.enum.some((e) => e === value))
    problems.push(`${at}: ${JSON.stringify(value)} not in enum`);
  if (schema.const !== undefined && schema.const !== value)
    problems.push(`${at}: expected ${JSON.stringify(schema.const)}`);
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && [...value].length < schema.minLength)
      problems.push(`${at}: shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength)
      problems.push(`${at}: longer than ${schema.maxLength}`);
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value))
      problems.push(`${at}: does not match ${schema.pattern}`);
    if (schema.format === 'date-time' && Number.isNaN(Date.parse(value)))
      problems.push(`${at}: not a date-time`);
    if (schema.format === 'uuid' && !/^[0-9a-f-]{36}$/i.test(value))
      problems.push(`${at}: not a uuid`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum)
      problems.push(`${at}: below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum)
      problems.push(`${at}: above ${schema.maximum}`);
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) =>
      problems.push(...validate(item, schema.items!, resolve, `${at}[${i}]`)),
    );
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? [])
      if (!(key in object)) problems.push(`${at}.${key}: required`);
    for (const [key, item] of Object.entries(object)) {
      const property = schema.properties?.[key];
      if (property) problems.push(...validate(item, property, resolve, `${at}.${key}`));
      else if (schema.additionalProperties === false) problems.push(`${at}.${key}: not documented`);
      else if (typeof schema.additionalProperties === 'object') {
        problems.push(...validate(item, schema.additionalProperties, resolve, `${at}.${key}`));
      }
    }
  }
  return problems;
}

/** A value that conforms to `schema`: its example when it has one, else one built from its constraints. */
export function exampleOf(schema: Schema, resolve: Resolve): unknown {
  if (schema.$ref) return exampleOf(resolve(schema.$ref), resolve);
  if (schema.example !== undefined) return schema.example;
  if (schema.examples?.length) return schema.examples[0];
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.allOf)
    return Object.assign({}, ...(schema.allOf.map((s) => exampleOf(s, resolve)) as object[]));
  const variant = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (variant) return exampleOf(variant, resolve);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(schema.properties ?? {}))
        out[key] = exampleOf(property, resolve);
      return out;
    }
    case 'array':
      return schema.items ? [exampleOf(schema.items, resolve)] : [];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'string':
      if (schema.format === 'email') return 'example@example.com';
      if (schema.pattern === '^\\d{4}$' || schema.pattern === '^[0-9]{4}$') return '1234';
      return 'x'.repeat(Math.max(schema.minLength ?? 1, 1));
    default:
      return null;
  }
}
