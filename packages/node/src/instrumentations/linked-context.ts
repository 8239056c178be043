import { type Context, ROOT_CONTEXT } from '@opentelemetry/api';

// The API's own context copies every entry of its parent into a new Map, and makes three closures, on
// each `setValue`. A request's context gets its server span and its RPC metadata, then each prediction's
// context its span: a link per value costs one small object instead, and a look-up walks up a few links.

/** No look-up asks for it: the link that starts a chain on a context of another kind. */
const NO_KEY = Symbol('modelsight.context.start');
/** Beyond this many links, `setValue` starts again from a context of the API's kind, holding them all. */
const MAX_DEPTH = 16;

/** A context that adds one value to its parent without copying the parent. */
export class LinkedContext implements Context {
  private readonly depth: number;

  constructor(
    private readonly parent: Context,
    private readonly key: symbol,
    private readonly value: unknown,
  ) {
    this.depth = parent instanceof LinkedContext ? parent.depth + 1 : 0;
  }

  getValue(key: symbol): unknown {
    return key === this.key ? this.value : this.parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return this.depth < MAX_DEPTH ? new LinkedContext(this, key, value) : this.flatten().setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return this.depth < MAX_DEPTH ? new LinkedContext(this, key, undefined) : this.flatten().deleteValue(key);
  }

  /** The same values on the context of another kind the chain starts from, innermost last. */
  private flatten(): Context {
    const links: LinkedContext[] = [];
    let current: Context = this;
    while (current instanceof LinkedContext) {
      links.push(current);
      current = current.parent;
    }
    for (let i = links.length - 1; i >= 0; i--) {
      const { key, value } = links[i]!;
      if (key === NO_KEY) continue;
      current = value === undefined ? current.deleteValue(key) : current.setValue(key, value);
    }
    return current;
  }
}

const ROOT_START = new LinkedContext(ROOT_CONTEXT, NO_KEY, undefined);

/**
 * `parent` as the start of a chain of {@link LinkedContext}: what is set on the result is added without
 * copying `parent`.
 */
export function linkedTo(parent: Context): Context {
  if (parent === ROOT_CONTEXT) return ROOT_START;
  return parent instanceof LinkedContext ? parent : new LinkedContext(parent, NO_KEY, undefined);
}
