import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  normalizeCppFunction,
  normalizeRustFunction,
} from '../../src/signature/index.js';
import { dropPrefixAndReturnType } from '../../src/signature/enclosed.js';

const LINE_LIST = /^(?:(?:numbered))/;

/** [input, expected] pairs for C/C++ names. */
const CPP_CASES: [string, string][] = [
  ['plain', 'plain'],
  // argument lists and spacing
  ['f(int a, char* b)', 'f'],
  ['f( *s , &n)', 'f'],
  // NOTE: a space before the argument list survives in the frame (siggen
  // does the same); SigFixWhitespace trims it from the final signature.
  ['somefunc (int arg1, int arg2)', 'somefunc '],
  ['ns::Class::Method()', 'ns::Class::Method'],
  // leading keywords and return types
  ['void nsDocShell::Destroy()', 'nsDocShell::Destroy'],
  ['static void * Alloc<Base>::malloc(unsigned __int64)', 'Alloc<T>::malloc'],
  ['class JSObject* Trace<JSObject*>(class JS::Tracer*)', 'Trace<T>'],
  ['bool Builder::Build(class js::Budget& const)', 'Builder::Build'],
  // cv/ref qualifiers
  ['Obj::kind const', 'Obj::kind'],
  [
    'mozilla::Maybe<unsigned long>::value() const &',
    'mozilla::Maybe<T>::value',
  ],
  ['Ref<Obj>::operator=(Ref<Obj> const&)&', 'Ref<T>::operator='],
  ['f() &&', 'f'],
  // templates
  ['f<3>(s,t,u)', 'f<T>'],
  ['A<B<C>, D>::E<F>', 'A<T>::E<T>'],
  ['thread_start<unsigned int (__cdecl*)(void* __ptr64)>', 'thread_start<T>'],
  ['<name omitted>', '<name omitted>'],
  ['<unknown in foo.dll>', '<unknown in foo.dll>'],
  ['Wrap<A as B>::call', 'Wrap<A as B>::call'],
  [
    'IPC::ParamTraits<mozilla::net::NetAddr>::Write',
    'IPC::ParamTraits<mozilla::net::NetAddr>::Write',
  ],
  [
    'IPC::ParamTraits<mozilla::Maybe<int>>::Read(IPC::MessageReader*)',
    'IPC::ParamTraits<mozilla::Maybe<T>>::Read',
  ],
  // operators keep their brackets and their prefix
  ['operator()(s,t,u)', 'operator()'],
  ['js::Pos::operator<(js::Pos) const', 'js::Pos::operator<'],
  ['js::Pos::operator<=>(js::Pos const&) const', 'js::Pos::operator<=>'],
  [
    'JS::Heap<JSObject*>::operator JSObject* const &()',
    'JS::Heap<T>::operator JSObject* const&',
  ],
  // anonymous namespaces and lambdas
  ["`anonymous namespace'::foo", '(anonymous namespace)::foo'],
  ['(anonymous namespace)::foo(int)', '(anonymous namespace)::foo'],
  ['::(anonymous namespace)::f3(s,t,u)', '::(anonymous namespace)::f3'],
  ['Shutdown::$_52::__invoke', 'Shutdown::$::__invoke'],
  ['a::$_1::b::$_22::c', 'a::$::b::$::c'],
  // PGO cold clones
  ['foo(int) [clone .cold.123]', 'foo '],
  ['foo(int) [clone .cold.1] [clone .cold.2]', 'foo  '],
  ['bar [clone .isra.0]', 'bar [clone .isra.0]'],
  // commas and pointer spacing (what survives collapsing)
  ['a,b', 'a, b'],
  ['a ,b', ', b'],
  ['-[NSView display]', '-[NSView display]'],
  // line numbers
  ['numbered(int)', 'numbered:42'],
];

describe('normalizeCppFunction', () => {
  for (const [input, expected] of CPP_CASES) {
    it(`${input} → ${expected}`, () => {
      assert.equal(normalizeCppFunction(input, 42, LINE_LIST), expected);
    });
  }

  it('appends None when a listed function has no line (as siggen)', () => {
    assert.equal(
      normalizeCppFunction('numbered', null, LINE_LIST),
      'numbered:None',
    );
  });
});

/** [input, expected] pairs for Rust names. */
const RUST_CASES: [string, string][] = [
  ['expect_failed::h7f635057bfba806a', 'expect_failed'],
  ['expect_failed::h7f6350::blah', 'expect_failed::h7f6350::blah'],
  [
    'static void servo_arc::Arc<style::Values>::drop_slow<style::Values>()',
    'servo_arc::Arc<T>::drop_slow<T>',
  ],
  [
    'static void core::ptr::drop_in_place<style::Data>(struct style::Data*)',
    'core::ptr::drop_in_place<T>',
  ],
  [
    '<rayon_core::job::HeapJob<BODY> as rayon_core::job::Job>::execute',
    '<rayon_core::job::HeapJob<BODY> as rayon_core::job::Job>::execute',
  ],
  ['std::thread::spawn<F, T>(F)', 'std::thread::spawn<T>'],
  ['a::b(x,y)', 'a::b'],
  ['numbered::h0123abcd', 'numbered::h0123abcd:7'],
];

describe('normalizeRustFunction', () => {
  for (const [input, expected] of RUST_CASES) {
    it(`${input} → ${expected}`, () => {
      assert.equal(normalizeRustFunction(input, 7, LINE_LIST), expected);
    });
  }
});

describe('dropPrefixAndReturnType', () => {
  it('keeps the last top-level token', () => {
    assert.equal(
      dropPrefixAndReturnType('static int ns::f(int a)'),
      'ns::f(int a)',
    );
  });

  it('does not split inside backtick quotes or brackets', () => {
    assert.equal(
      dropPrefixAndReturnType("void `anonymous namespace'::g<a b>"),
      "`anonymous namespace'::g<a b>",
    );
  });

  it('keeps a detached argument list and [clone] with the name', () => {
    assert.equal(
      dropPrefixAndReturnType('int f (a) [clone .cold.1]'),
      'f (a) [clone .cold.1]',
    );
  });
});
