import * as fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import { parseRunConfig } from './run-config.js'

const PATH_LINE = /^ {2}(\(root\)|[\w$]+|\[\d+\]|\["(?:[^"\\]|\\.)*"\])([.\w$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*: (expected|is required|environment variable|unknown key)/

describe('parseRunConfig, fuzzed', () => {
  it('answers any JSON value with a config or one readable line per bad path — never a throw', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = parseRunConfig(JSON.stringify(value), 'run.json', {})
        if (E.isRight(result)) return true
        const [head, ...lines] = result.left.split('\n')
        return head === 'run config run.json: ' && lines.length > 0 && lines.every((l) => PATH_LINE.test(l))
      }),
      { numRuns: 3000 },
    )
  })

  it('answers configs that are nearly right by naming the exact bad path', () => {
    const account = fc.record({ name: fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)), config: fc.anything() }, { requiredKeys: [] })
    const config = fc.record({ connectors: fc.array(fc.record({ connector: fc.oneof(fc.string(), fc.boolean()), accounts: fc.array(account, { maxLength: 3 }) }, { requiredKeys: [] }), { maxLength: 3 }), concurrency: fc.oneof(fc.integer(), fc.double(), fc.string()), dropThreshold: fc.double() }, { requiredKeys: [] })
    fc.assert(
      fc.property(config, (value) => {
        const result = parseRunConfig(JSON.stringify(value), 'run.json', {})
        return E.isRight(result) || result.left.split('\n').slice(1).every((l) => PATH_LINE.test(l))
      }),
      { numRuns: 3000 },
    )
  })

  it('answers text that is not JSON or YAML with one clear sentence', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('run.json', 'run.yaml'), (text, file) => {
        const result = parseRunConfig(text, file, {})
        return E.isRight(result) || /^run config run\.(json|yaml)(:| is not valid (JSON|YAML): )/.test(result.left)
      }),
      { numRuns: 2000 },
    )
  })

  it('names the path of a missing environment variable', () => {
    const result = parseRunConfig('{"connectors":[{"connector":"x","accounts":[{"name":"a","config":{"externalId":"${env:NOPE}"}}]}]}', 'run.json', {})
    expect(result).toEqual(E.left('run config run.json:\n  connectors[0].accounts[0].config.externalId: environment variable NOPE is not set'))
  })

  it('refuses unknown keys at every level, suggesting the closest known key', () => {
    const result = parseRunConfig('{"connectors":[{"connector":"x","acounts":[],"accounts":[{"nmae":"a","name":"a","config":{}}]}],"concurency":4}', 'run.json', {})
    expect(result).toEqual(E.left('run config run.json: \n  connectors[0].accounts[0].nmae: unknown key — did you mean "name"?\n  connectors[0].acounts: unknown key — did you mean "accounts"?\n  concurency: unknown key — did you mean "concurrency"?'))
  })
})
