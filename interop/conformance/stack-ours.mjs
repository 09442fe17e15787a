// Our stack of the conformance suite (cases.mjs takes its factories through importModule()):
// bare specifiers resolve from here to the root node_modules, i.e. our packages' dist through the
// workspace links (`npm run build` first).
export const stack = {
  name: 'ours',
  importModule: async (specifier) => import(specifier)
}
