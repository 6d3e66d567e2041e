// Limits on what one GraphQL request may read. The API, GraphQL and the worker share one process, so a single query
// that reads a whole table (or nests connections into millions of rows) would stall them all. Three guards:
// - page size: a connection without `first`/`last` reads DEFAULT_PAGE_SIZE rows; `first`/`last` over
//   MAX_PAGE_SIZE is an error, as is `before` without `last` (which would read everything before the cursor);
// - depth: selections nested more than MAX_DEPTH fields deep are refused before planning;
// - cost: the fields a query may resolve, each counted once per row of every connection around it (with the page
//   size asked for; a variable counts as MAX_PAGE_SIZE, as its value is not known when the query is checked).
import type { FieldArgs, Step } from 'postgraphile/grafast';
import { constant, lambda, list, SafeError } from 'postgraphile/grafast';
import {
  type ASTVisitor,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLNamedType,
  getNamedType,
  isObjectType,
  isInterfaceType,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'postgraphile/graphql';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;
export const MAX_DEPTH = 12;
export const MAX_COST = 100_000;

function checkedPageSize(name: string, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new SafeError(`${name} must be a whole number from 0 to ${MAX_PAGE_SIZE}`);
  }
  if (value > MAX_PAGE_SIZE) {
    throw new SafeError(`${name} must be at most ${MAX_PAGE_SIZE} (asked for ${value}): read further pages with after`);
  }
  return value;
}

/** `first` as the connection should use it: checked, or the default page when neither first nor last is given. */
function firstOrDefault([first, last, before]: readonly unknown[]): number | null {
  const checked = checkedPageSize('first', first);
  if (checked !== null) return checked;
  if (last !== null && last !== undefined) return null;
  if (before !== null && before !== undefined) {
    throw new SafeError(`before needs last (at most ${MAX_PAGE_SIZE})`);
  }
  return DEFAULT_PAGE_SIZE;
}

const PAGE_NOTE = `At most ${MAX_PAGE_SIZE} rows a page; ${DEFAULT_PAGE_SIZE} when neither first nor last is given.`;

const noop = () => undefined;

/** What a connection step offers for paging (grafast's ConnectionStep). */
interface Pageable {
  setFirst(first: Step): void;
  setLast(last: Step): void;
}

/** Schema plugin: connection fields get a default page size and a maximum. */
const PageSizePlugin: GraphileConfig.Plugin = {
  name: 'NotifyPageSizePlugin',
  version: '1.0.0',
  schema: {
    hooks: {
      GraphQLObjectType_fields_field(field, _build, context) {
        if (!context.scope.isPgFieldConnection || typeof field.plan !== 'function') return field;
        const plan = field.plan;
        return {
          ...field,
          description: `${field.description ?? ''}\n\n${PAGE_NOTE}`.trim(),
          plan(...args: Parameters<typeof plan>) {
            const $connection = (plan as (...a: unknown[]) => unknown)(...args) as Partial<Pageable> & Step;
            const fieldArgs = args[1] as FieldArgs;
            if (typeof $connection?.setFirst !== 'function') return $connection;
            // The pagination arguments are added after this hook runs (args hooks come later), so whether the
            // field has `last` / `before` is known only here, at planning.
            const arg = (name: string): Step => {
              try {
                return (fieldArgs.getRaw(name) as Step | undefined) ?? constant(null);
              } catch {
                return constant(null);
              }
            };
            $connection.setFirst(lambda(list([arg('first'), arg('last'), arg('before')]), firstOrDefault, true));
            return $connection;
          },
        };
      },
      GraphQLObjectType_fields_field_args_arg(arg, _build, context) {
        if (!context.scope.isPgFieldConnection) return arg;
        // first is applied by the field's plan above, with its default.
        if (context.scope.argName === 'first') return { ...arg, applyPlan: noop };
        if (context.scope.argName === 'last' && typeof arg.applyPlan === 'function') {
          return {
            ...arg,
            applyPlan(_: unknown, $connection: Pageable, val: { getRaw(): Step }) {
              $connection.setLast(lambda(val.getRaw(), (v) => checkedPageSize('last', v), true));
            },
          };
        }
        return arg;
      },
    },
  },
};

interface Walk {
  context: ValidationContext;
  maxDepth: number;
  cost: number;
  introspections: number;
}

/** __schema / __type selections an operation may make: each answers with much of the schema. */
export const MAX_INTROSPECTIONS = 3;

/** Rows a field may read for each row around it: its page size when it is a connection, else 1. */
function multiplier(
  context: ValidationContext,
  node: import('postgraphile/graphql').FieldNode,
  type: GraphQLNamedType,
) {
  if (!type.name.endsWith('Connection')) return 1;
  let size: number | null = null;
  for (const a of node.arguments ?? []) {
    if (a.name.value !== 'first' && a.name.value !== 'last') continue;
    if (a.value.kind === Kind.INT) size = Math.min(Number(a.value.value), MAX_PAGE_SIZE);
    else if (a.value.kind === Kind.VARIABLE) size = MAX_PAGE_SIZE;
  }
  void context;
  return size ?? DEFAULT_PAGE_SIZE;
}

function walk(
  w: Walk,
  selectionSet: SelectionSetNode,
  parent: GraphQLNamedType | undefined,
  depth: number,
  rows: number,
  fragments: Set<string>,
) {
  const schema = w.context.getSchema();
  for (const sel of selectionSet.selections) {
    if (sel.kind === Kind.FIELD) {
      w.cost += rows;
      if (depth > w.maxDepth) w.maxDepth = depth;
      // Introspection (__schema, __type) reads the schema in memory, not the database, and GraphiQL's own query
      // nests ofType deeper than any data query needs.
      if (sel.name.value === '__schema' || sel.name.value === '__type') w.introspections++;
      if (!sel.selectionSet || sel.name.value.startsWith('__')) continue;
      const fieldDef =
        parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[sel.name.value] : undefined;
      const type = fieldDef ? getNamedType(fieldDef.type) : undefined;
      const more = type ? multiplier(w.context, sel, type) : 1;
      walk(w, sel.selectionSet, type, depth + 1, rows * more, fragments);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      const type = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
      walk(w, sel.selectionSet, type ?? undefined, depth, rows, fragments);
    } else {
      const name = sel.name.value;
      // A cycle is refused by the standard NoFragmentCycles rule; here it only must not loop.
      if (fragments.has(name)) continue;
      const fragment: FragmentDefinitionNode | null | undefined = w.context.getFragment(name);
      if (!fragment) continue;
      const type = schema.getType(fragment.typeCondition.name.value) ?? undefined;
      walk(w, fragment.selectionSet, type, depth, rows, new Set([...fragments, name]));
    }
    // Stop early on absurd documents: the answer is already no.
    if (w.cost > MAX_COST * 10) return;
  }
}

/** Validation rule: depth and cost of each operation, before anything is planned or run. */
export const queryLimitsRule: ValidationRule = (context: ValidationContext): ASTVisitor => ({
  OperationDefinition(node) {
    const schema = context.getSchema();
    const root =
      node.operation === 'query'
        ? schema.getQueryType()
        : node.operation === 'mutation'
          ? schema.getMutationType()
          : schema.getSubscriptionType();
    const w: Walk = { context, maxDepth: 0, cost: 0, introspections: 0 };
    walk(w, node.selectionSet, root ?? undefined, 1, 1, new Set());
    const name = node.name ? ` ${node.name.value}` : '';
    if (w.maxDepth > MAX_DEPTH) {
      context.reportError(
        new GraphQLError(`Operation${name} is nested ${w.maxDepth} fields deep; at most ${MAX_DEPTH} are allowed`, {
          nodes: [node],
        }),
      );
    }
    if (w.introspections > MAX_INTROSPECTIONS) {
      context.reportError(
        new GraphQLError(
          `Operation${name} asks for __schema or __type ${w.introspections} times; at most ${MAX_INTROSPECTIONS}`,
          { nodes: [node] },
        ),
      );
    }
    if (w.cost > MAX_COST) {
      const shown = w.cost > MAX_COST * 10 ? `over ${MAX_COST * 10}` : String(w.cost);
      context.reportError(
        new GraphQLError(
          `Operation${name} could read ${shown} values (each field counted once per row of the connections around ` +
            `it); at most ${MAX_COST} are allowed: ask for smaller pages (first) or fewer nested connections`,
          { nodes: [node] },
        ),
      );
    }
  },
});

/** Grafserv plugin adding the validation rule to every request. */
const QueryLimitsPlugin: GraphileConfig.Plugin = {
  name: 'NotifyQueryLimitsPlugin',
  version: '1.0.0',
  grafserv: {
    middleware: {
      setPreset(next, event) {
        event.validationRules = [...event.validationRules, queryLimitsRule];
        return next();
      },
    },
  },
};

export const queryLimitPlugins: GraphileConfig.Plugin[] = [PageSizePlugin, QueryLimitsPlugin];
