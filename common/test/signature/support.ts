/** Helpers shared by the signature tests. */
import {
  buildListRegExp,
  type Sentinel,
  type SignatureLists,
} from '../../src/signature/index.js';

/** Small in-memory lists for focused tests. */
export function makeLists(
  parts: {
    irrelevant?: string[];
    prefix?: string[];
    lineNumbers?: string[];
    sentinels?: Sentinel[];
  } = {},
): SignatureLists {
  return {
    irrelevant: buildListRegExp(parts.irrelevant ?? []),
    prefix: buildListRegExp(parts.prefix ?? []),
    lineNumbers: buildListRegExp(parts.lineNumbers ?? []),
    sentinels: parts.sentinels ?? [],
    sources: ['test lists'],
  };
}

/** A thread whose frames have only these function names. */
export function threadOf(...functions: string[]) {
  return { frames: functions.map((name) => ({ function: name })) };
}
