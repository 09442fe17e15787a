// The js-libp2p 3.3.11 stack of the conformance suite (../conformance/cases.mjs takes its
// factories through importModule()). It lives here so that bare specifiers resolve to
// js-peer/node_modules; run it on Node 24.
export const stack = {
  name: 'js-libp2p 3.3.11',
  importModule: async (specifier) => import(specifier)
}
