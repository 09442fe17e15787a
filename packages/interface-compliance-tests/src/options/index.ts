/**
 * @packageDocumentation
 *
 * The checks every plugin factory's options must pass (docs/CONVENTIONS.md: configuration is
 * never silently ignored): the documented options are accepted, and each refused case throws
 * InvalidParametersError whose message names the option.
 *
 * ```ts
 * import { optionTests } from '@libp2p/interface-compliance-tests/options'
 *
 * optionTests('tcp()', tcp, {
 *   valid: [{ dialTimeout: 1000 }],
 *   refused: [['an unknown key', { bogus: 1 }, 'bogus'], ['a wrong type', { dialTimeout: '1s' }, 'dialTimeout']]
 * })
 * ```
 */
import { expect } from 'aegir/chai'

/** a refused case: what it shows, the init, and the option path its message must name */
export type RefusedOption = [what: string, init: Record<string, unknown>, path: string]

export interface OptionTestCases {
  /** inits that must be accepted: together they should use every documented option */
  valid: Array<Record<string, unknown>>
  /** at least an unknown key, a wrong type and an out-of-range value */
  refused: RefusedOption[]
}

/**
 * Mocha tests of `factory(init)`: a refused init throws InvalidParametersError naming the option
 * when the factory is called, before any component exists
 */
export function optionTests (name: string, factory: (init?: any) => unknown, cases: OptionTestCases): void {
  describe(`${name} options`, () => {
    it('accepts every documented option', () => {
      for (const init of cases.valid) {
        expect(() => factory(init), JSON.stringify(init, (_k, v) => typeof v === 'bigint' ? `${v}n` : v)).to.not.throw()
      }
    })

    for (const [what, init, path] of cases.refused) {
      it(`refuses ${what} (${path}) with InvalidParametersError naming it`, () => {
        let error: Error | undefined
        try {
          factory(init)
        } catch (err: any) {
          error = err
        }
        expect(error?.name, `${name} accepted ${path}`).to.equal('InvalidParametersError')
        expect(error?.message).to.include(path)
      })
    }
  })
}
